"""The forms of a case: intake, evidence, a team member, triage."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from netralitas.cases.models import CaseMemberRole, CaseSource
from netralitas.cases.services import FORWARD_TARGETS, TriageOutcome
from netralitas.core.forms import AppForm
from netralitas.core.text import multi_line, single_line
from netralitas.db import utcnow

SOURCE_LABELS = {
    CaseSource.BAWASLU: _l("Rekomendasi Bawaslu"),
    CaseSource.BKN: _l("Rekomendasi/penerusan BKN"),
    CaseSource.INSPECTORATE: _l("Laporan Inspektorat"),
    CaseSource.OTHER_LETTER: _l("Surat lain"),
    CaseSource.INTERNAL: _l("Temuan internal (atasan, BKPSDM)"),
    CaseSource.PUBLIC: _l("Laporan masyarakat"),
    CaseSource.MEDIA: _l("Pemberitaan media / media sosial"),
}
MEMBER_LABELS = {
    CaseMemberRole.OFFICER: _l("Petugas kasus"),
    CaseMemberRole.EXAMINER: _l("Anggota tim pemeriksa"),
    CaseMemberRole.PPK_DELEGATE: _l("Pejabat yang mencatat keputusan PPK"),
}
TRIAGE_LABELS = {
    TriageOutcome.CONTINUE: _l("Lanjutkan ke pemeriksaan"),
    TriageOutcome.FORWARD: _l("Teruskan ke instansi yang berwenang"),
    TriageOutcome.CLOSE: _l("Tutup: tidak terbukti / tidak berdasar"),
}


def _not_in_future(form, field) -> None:
    if field.data and field.data > utcnow().date():
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
