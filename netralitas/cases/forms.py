"""The forms of a case: intake, evidence, a team member, triage."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from netralitas.calendar.services import local_today
from netralitas.cases.models import CaseMemberRole, CaseSource, CaseStage, RecordSigning
from netralitas.cases.services import FORWARD_TARGETS, TriageOutcome
from netralitas.core.forms import AppForm
from netralitas.core.text import multi_line, single_line
from netralitas.signing.forms import png_from_data_url

SOURCE_LABELS = {
    CaseSource.BAWASLU: _l("Rekomendasi Bawaslu"),
    CaseSource.BKN: _l("Rekomendasi/penerusan BKN"),
    CaseSource.INSPECTORATE: _l("Laporan Inspektorat"),
    CaseSource.OTHER_LETTER: _l("Surat lain"),
    CaseSource.INTERNAL: _l("Temuan internal (atasan, BKPSDM)"),
    CaseSource.PUBLIC: _l("Laporan masyarakat"),
    CaseSource.MEDIA: _l("Pemberitaan media / media sosial"),
}
#: A case's stage as the screens and the digest name it.
STAGE_LABELS = {
    CaseStage.TRIAGE: _l("Penelaahan"),
    CaseStage.EXAMINATION: _l("Pemeriksaan"),
    CaseStage.DECISION: _l("Menunggu keputusan"),
    CaseStage.DECIDED: _l("Diputuskan"),
    CaseStage.REPORTED: _l("Selesai dilaporkan"),
    CaseStage.FORWARDED: _l("Diteruskan"),
    CaseStage.CLOSED: _l("Ditutup"),
}
MEMBER_LABELS = {
    CaseMemberRole.OFFICER: _l("Petugas kasus"),
    CaseMemberRole.EXAMINER: _l("Anggota tim pemeriksa"),
    CaseMemberRole.PPK_DELEGATE: _l("Pejabat yang mencatat keputusan PPK"),
    CaseMemberRole.LIAISON: _l("Penghubung pemberi rekomendasi (hanya baca)"),
}
#: What each timeline step says (CaseStep.kind; the note follows it).
STEP_LABELS = {
    "opened": _l("Kasus dibuka"),
    "evidence_added": _l("Bukti ditambahkan"),
    "member_added": _l("Anggota tim ditambahkan"),
    "triage_continue": _l("Penelaahan: dilanjutkan ke pemeriksaan"),
    "triage_forward": _l("Penelaahan: diteruskan"),
    "triage_close": _l("Penelaahan: ditutup"),
    "summons_1": _l("Surat panggilan I"),
    "summons_2": _l("Surat panggilan II"),
    "attended": _l("Pegawai hadir"),
    "absent": _l("Pegawai tidak hadir"),
    "examined": _l("Berita acara pemeriksaan dibuat"),
    "decided": _l("Keputusan dan SK"),
    "delivered": _l("SK disampaikan kepada pegawai"),
    "reported": _l("Tindak lanjut dilaporkan kepada pemberi rekomendasi"),
}
TRIAGE_LABELS = {
    TriageOutcome.CONTINUE: _l("Lanjutkan ke pemeriksaan"),
    TriageOutcome.FORWARD: _l("Teruskan ke instansi yang berwenang"),
    TriageOutcome.CLOSE: _l("Tutup: tidak terbukti / tidak berdasar"),
}


def _not_in_future(form, field) -> None:
    # The local day (WIB by default), as attendance and deadlines count it: at 06:00 WIB "today" is already today.
    if field.data and field.data > local_today():
        raise ValidationError(_l("Tanggal tidak boleh di masa depan."))


class IntakeForm(AppForm):
    """A case from a recommendation letter, a finding or a report; the employee is picked on the page before."""

    source = SelectField(_l("Sumber"), choices=[SelectChoice(s.value, label) for s, label in SOURCE_LABELS.items()])
    letter_number = StringField(_l("Nomor surat"), filters=[single_line], validators=[Optional(), Length(max=100)])
    letter_date = DateField(_l("Tanggal surat"), validators=[Optional(), _not_in_future])
    received_on = DateField(_l("Tanggal diterima"), validators=[DataRequired(_l("Isi tanggal diterima.")), _not_in_future])
    violation_form_id = SelectField(_l("Bentuk pelanggaran"), coerce=int, validators=[DataRequired()])
    occurred_on = DateField(_l("Tanggal kejadian"), validators=[Optional(), _not_in_future])
    known_on = DateField(_l("Tanggal diketahui"), validators=[Optional(), _not_in_future])
    summary = TextAreaField(_l("Uraian singkat"), filters=[multi_line],
                            validators=[DataRequired(_l("Tuliskan uraian singkat dugaan pelanggaran.")), Length(max=5000)])
    reporter_name = StringField(_l("Nama pelapor (bila ada)"), filters=[single_line], validators=[Optional(), Length(max=200)])
    reporter_contact = StringField(_l("Kontak pelapor"), filters=[single_line], validators=[Optional(), Length(max=200)])
    reporter_note = TextAreaField(_l("Catatan tentang pelapor"), filters=[multi_line], validators=[Optional(), Length(max=2000)])
    evidence = FileField(_l("Bukti (PDF, JPG atau PNG)"))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then: a letter (recommendation) needs its number and date."""
        valid = super().validate(extra_validators)
        if self.source.data in {s.value for s in CaseSource} and CaseSource(self.source.data).is_letter:
            if not (self.letter_number.data or "").strip():
                self.letter_number.errors = [*self.letter_number.errors, _l("Isi nomor surat rekomendasi.")]
                valid = False
            if not self.letter_date.data and not self.letter_date.errors:
                self.letter_date.errors = [*self.letter_date.errors, _l("Isi tanggal surat rekomendasi.")]
                valid = False
        return valid


class EvidenceForm(AppForm):
    evidence = FileField(_l("Bukti (PDF, JPG atau PNG)"))


class MemberForm(AppForm):
    email = StringField(_l("Email akun staf"), filters=[single_line], validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Peran dalam kasus"),
                       choices=[SelectChoice(r.value, label) for r, label in MEMBER_LABELS.items()])


class TriageForm(AppForm):
    outcome = RadioField(_l("Hasil penelaahan"),
                         choices=[SelectChoice(o.value, label) for o, label in TRIAGE_LABELS.items()],
                         validators=[DataRequired(_l("Pilih hasil penelaahan."))])
    forward_to = SelectField(_l("Diteruskan ke"), choices=[SelectChoice("", "—")] + [
        SelectChoice(key, label) for key, label in FORWARD_TARGETS.items()], validators=[Optional()])
    reason = TextAreaField(_l("Alasan"), filters=[multi_line], validators=[Optional(), Length(max=3000)])


SIGNING_LABELS = {
    RecordSigning.PAPER: _l("Ditandatangani di kertas"),
    RecordSigning.SCREEN: _l("Ditandatangani di layar"),
    RecordSigning.REFUSED: _l("Pegawai menolak menandatangani"),
}


class SummonsForm(AppForm):
    """Summons I or II: the letter and the examination's day, time and place."""

    letter_number = StringField(_l("Nomor surat panggilan"), filters=[single_line],
                                validators=[DataRequired(_l("Isi nomor surat panggilan.")), Length(max=100)])
    issued_on = DateField(_l("Tanggal surat"), validators=[DataRequired(_l("Isi tanggal surat."))])
    exam_on = DateField(_l("Tanggal pemeriksaan"), validators=[DataRequired(_l("Isi tanggal pemeriksaan."))])
    exam_time = StringField(_l("Pukul"), filters=[single_line], default="09.00 WIB",
                            validators=[DataRequired(_l("Isi jam pemeriksaan.")), Length(max=40)])
    place = StringField(_l("Tempat"), filters=[single_line],
                        validators=[DataRequired(_l("Isi tempat pemeriksaan.")), Length(max=300)])


class AttendanceForm(AppForm):
    attended = RadioField(_l("Kehadiran"), choices=[SelectChoice("yes", _l("Hadir")), SelectChoice("no", _l("Tidak hadir"))],
                          validators=[DataRequired(_l("Pilih hadir atau tidak hadir."))])


class ExaminationForm(AppForm):
    """The examination record (BAP): typed, then signed on paper, on the screen, or refused."""

    held_on = DateField(_l("Tanggal pemeriksaan"), validators=[DataRequired(_l("Isi tanggal pemeriksaan."))])
    place = StringField(_l("Tempat"), filters=[single_line],
                        validators=[DataRequired(_l("Isi tempat pemeriksaan.")), Length(max=300)])
    record = TextAreaField(_l("Isi berita acara (pertanyaan dan jawaban)"), filters=[multi_line],
                           validators=[DataRequired(_l("Isi berita acara pemeriksaan.")), Length(max=50_000)])
    signing = RadioField(_l("Penandatanganan oleh pegawai"),
                         choices=[SelectChoice(s.value, label) for s, label in SIGNING_LABELS.items()],
                         validators=[DataRequired(_l("Pilih cara penandatanganan."))])
    refusal_note = TextAreaField(_l("Keterangan penolakan"), filters=[multi_line], validators=[Optional(), Length(max=2000)])
    signature = HiddenField(validators=[Length(max=400_000)])

    def signature_png(self) -> bytes:
        """The PNG bytes drawn on the pad; b'' when missing or not a PNG data URL."""
        return png_from_data_url(self.signature.data)


class DecisionForm(AppForm):
    """The PPK's decision and the decree (SK) that carries it."""

    sanction_id = SelectField(_l("Hukuman"), coerce=int, validators=[DataRequired(_l("Pilih jenis hukuman."))])
    reasons = TextAreaField(_l("Pertimbangan"), filters=[multi_line],
                            validators=[DataRequired(_l("Tuliskan pertimbangan keputusan.")), Length(max=10_000)])
    decree_number = StringField(_l("Nomor SK"), filters=[single_line],
                                validators=[DataRequired(_l("Isi nomor SK.")), Length(max=100)])
    decree_on = DateField(_l("Tanggal SK"), validators=[DataRequired(_l("Isi tanggal SK.")), _not_in_future])
    in_force_from = DateField(_l("Berlaku mulai (TMT)"), validators=[Optional()])


class DeliveryForm(AppForm):
    delivered_on = DateField(_l("Tanggal SK diterima pegawai"),
                             validators=[DataRequired(_l("Isi tanggal penyampaian.")), _not_in_future])


class ReportBackForm(AppForm):
    letter_number = StringField(_l("Nomor surat kepada pemberi rekomendasi"), filters=[single_line],
                                validators=[DataRequired(_l("Isi nomor surat.")), Length(max=100)])
    sent_on = DateField(_l("Tanggal surat"), validators=[DataRequired(_l("Isi tanggal surat.")), _not_in_future])
    revoke_certificates = BooleanField(_l("Cabut sertifikat deklarasi pegawai dengan alasan kasus disiplin"))
