"""The public's forms (a report, a receipt lookup, evidence added later) and the case officer's triage forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from netralitas.calendar.services import local_today
from netralitas.core.forms import AppForm
from netralitas.core.text import multi_line, single_line
from netralitas.public_reports.models import ReportStage
from netralitas.public_reports.topics import topics


def _not_in_future(form, field) -> None:
    if field.data and field.data > local_today():
        raise ValidationError(_l("Tanggal tidak boleh di masa depan."))


def _empty(form, field) -> None:
    # The honeypot: a field people never see (hidden by CSS, skipped by keyboard and screen readers); bots fill it.
    if field.data:
        raise ValidationError(_l("Laporan tidak dapat diterima."))


def _optional_text(label, max_length: int):
    return StringField(label, filters=[single_line], validators=[Optional(), Length(max=max_length)])


class ReportForm(AppForm):
    """/lapor: who, what, when and where, evidence, and (optionally) who is reporting."""

    government_id = SelectField(_l("Pemerintah daerah yang dilaporkan"), coerce=int,
                                validators=[DataRequired(_l("Pilih pemerintah daerah."))])
    subject_name = StringField(_l("Nama orang yang dilaporkan"), filters=[single_line],
                               validators=[DataRequired(_l("Tuliskan nama orang yang dilaporkan.")), Length(max=200)])
    subject_position = _optional_text(_l("Jabatan (bila tahu)"), 200)
    subject_unit = _optional_text(_l("Kantor atau unit kerja (bila tahu)"), 200)
    subject_handle = _optional_text(_l("Akun media sosial (bila ada)"), 200)
    topic = RadioField(_l("Apa yang dilakukan?"), validators=[DataRequired(_l("Pilih apa yang dilakukan."))])
    description = TextAreaField(_l("Ceritakan kejadiannya"), filters=[multi_line], validators=[
        DataRequired(_l("Ceritakan kejadiannya.")),
        Length(min=20, max=5000, message=_l("Ceritakan kejadiannya dalam 20 sampai 5.000 karakter."))])
    occurred_on = DateField(_l("Tanggal kejadian"), validators=[Optional(), _not_in_future])
    place = _optional_text(_l("Tempat kejadian (alamat, nama acara, atau tautan unggahan)"), 300)
    known_on = DateField(_l("Tanggal Anda mengetahuinya"), validators=[Optional(), _not_in_future])
    evidence = MultipleFileField(_l("Bukti: foto, tangkapan layar atau PDF (boleh lebih dari satu)"))
    reporter_name = _optional_text(_l("Nama Anda (boleh dikosongkan)"), 200)
    reporter_contact = _optional_text(_l("Nomor HP atau email (boleh dikosongkan)"), 200)
    #: The honeypot (see _empty); its name looks like a field a bot wants to fill.
    website = StringField(_l("Situs web"), validators=[_empty])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topic.choices = [SelectChoice(t.key, t.text) for t in topics()]


class ReceiptForm(AppForm):
    """/lapor/status: the receipt code."""

    receipt = StringField(_l("Kode tanda terima"), filters=[single_line],
                          validators=[DataRequired(_l("Ketik kode tanda terima.")), Length(max=40)],
                          render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class ReporterEvidenceForm(AppForm):
    """More evidence, sent with the receipt it belongs to (no login: the receipt is the key)."""

    receipt = HiddenField(validators=[DataRequired(), Length(max=40)])
    evidence = MultipleFileField(_l("Berkas (foto, tangkapan layar atau PDF)"))


# --- triage ----------------------------------------------------------------------------------------------------------

#: A report's own stage as the triage screens name it (the reporter sees STATUS_LABELS instead).
REPORT_STAGE_LABELS = {
    ReportStage.RECEIVED: _l("Menunggu"),
    ReportStage.IN_REVIEW: _l("Ditelaah"),
    ReportStage.CASE: _l("Menjadi kasus"),
    ReportStage.FORWARDED: _l("Diteruskan"),
    ReportStage.DISMISSED: _l("Ditutup"),
}
#: What each timeline step says (PublicReportStep.kind).
REPORT_STEP_LABELS = {
    "received": _l("Laporan diterima"),
    "evidence_added": _l("Pelapor menambah bukti"),
    "claimed": _l("Diambil untuk ditelaah"),
    "released": _l("Dikembalikan ke antrean"),
    "matched": _l("Dicocokkan dengan pegawai"),
    "case_opened": _l("Dibuka sebagai kasus"),
    "forwarded": _l("Diteruskan"),
    "dismissed": _l("Ditutup"),
    "purged": _l("Data pribadi dihapus (masa retensi berakhir)"),
}


class MatchForm(AppForm):
    """The employee a case officer picked for the report (from the search on the report page)."""

    employee_id = HiddenField(validators=[DataRequired()])


class OpenCaseForm(AppForm):
    violation_form_id = SelectField(_l("Bentuk pelanggaran"), coerce=int,
                                    validators=[DataRequired(_l("Pilih bentuk pelanggaran."))])


def _final_step_confirmed():
    # Forwarding and dismissing end the report for good: a ticked box instead of a JavaScript dialog.
    return BooleanField(_l("Saya yakin: laporan selesai dan tidak dapat dibuka kembali"),
                        validators=[DataRequired(_l("Centang untuk memastikan."))])


class ForwardForm(AppForm):
    target = SelectField(_l("Teruskan kepada"), validators=[DataRequired(_l("Pilih tujuan penerusan."))])
    public_reason = TextAreaField(_l("Keterangan untuk pelapor"), filters=[multi_line],
                                  validators=[DataRequired(_l("Tuliskan keterangan untuk pelapor.")), Length(max=2000)])
    confirmed = _final_step_confirmed()


class DismissForm(AppForm):
    public_reason = TextAreaField(_l("Alasan ditutup (dibaca pelapor)"), filters=[multi_line],
                                  validators=[DataRequired(_l("Tuliskan alasan untuk pelapor.")), Length(max=2000)])
    confirmed = _final_step_confirmed()
