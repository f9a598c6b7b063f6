"""Forms of the legal catalogue screens; the services clean text and check codes and bounds."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from netralitas.core.forms import AppForm, select_choices
from netralitas.legal.models import SanctionGroup, SanctionLevel, ViolationClass

CLASS_CHOICES = select_choices((c.value, c.label) for c in ViolationClass)
LEVEL_CHOICES = select_choices((level.value, level.label) for level in SanctionLevel)
GROUP_CHOICES = select_choices((g.value, g.label) for g in SanctionGroup)


class ViolationFormForm(AppForm):
    """Add or edit a violation form; the code field is dropped when editing (codes never change)."""

    code = StringField(_l("Kode"), validators=[DataRequired(_l("Kode wajib diisi.")), Length(max=40)],
                       render_kw={"placeholder": "DIS-15", "autocomplete": "off"})
    violation_class = SelectField(_l("Jenis pelanggaran"), choices=CLASS_CHOICES)
    sanction_level = SelectField(_l("Tingkat sanksi"), choices=LEVEL_CHOICES)
    text = TextAreaField(_l("Uraian"), validators=[DataRequired(_l("Uraian wajib diisi.")), Length(max=500)],
                         render_kw={"rows": 3})
    source = StringField(_l("Sumber"), validators=[DataRequired(_l("Sumber wajib diisi.")), Length(max=300)],
                         render_kw={"placeholder": "SKB Netralitas ASN 2022, Lampiran"})
    submit = SubmitField(_l("Simpan"))


class SanctionForm(AppForm):
    """Add or edit a sanction; code and group are dropped when editing."""

    code = StringField(_l("Kode"), validators=[DataRequired(_l("Kode wajib diisi.")), Length(max=40)],
                       render_kw={"placeholder": "NONASN-SKORSING", "autocomplete": "off"})
    employee_group = SelectField(_l("Kelompok pegawai"), choices=GROUP_CHOICES)
    level = SelectField(_l("Tingkat"), choices=LEVEL_CHOICES)
    text = TextAreaField(_l("Uraian"), validators=[DataRequired(_l("Uraian wajib diisi.")), Length(max=500)],
                         render_kw={"rows": 2})
    duration_months = IntegerField(_l("Lama (bulan)"), validators=[Optional(), NumberRange(1, 120)])
    source = StringField(_l("Sumber"), validators=[DataRequired(_l("Sumber wajib diisi.")), Length(max=300)])
    position = IntegerField(_l("Urutan di menu"), default=0,
                            validators=[InputRequired(_l("Urutan wajib diisi.")), NumberRange(0, 9999)])
    submit = SubmitField(_l("Simpan"))


class DeadlineForm(AppForm):
    """Set a deadline's working days (the service checks the room the law leaves)."""

    working_days = IntegerField(_l("Hari kerja"), validators=[InputRequired(_l("Isi jumlah hari kerja.")),
                                                             NumberRange(1, 365)])
    submit = SubmitField(_l("Simpan"))
