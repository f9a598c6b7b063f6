"""Forms for the agency and employee screens; employee rules come from masterdata.rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from netralitas.core.forms import AppForm
from netralitas.masterdata.models import AgencyKind, Category
from netralitas.masterdata.rules import Cleaned, clean_agency, clean_employee

EMPLOYEE_FORM_COLUMNS = ("nama", "nip", "nik", "kategori", "tanggal_lahir", "jenis_kelamin", "jabatan", "no_hp", "email")


class AgencyForm(AppForm):
    """Create or edit an agency; the parent select moves it in the tree."""

    kode = StringField(_l("Kode"), validators=[DataRequired(_l("Kode wajib diisi.")), Length(max=40)])
    nama = StringField(_l("Nama"), validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=200)])
    jenis = SelectField(_l("Jenis"), choices=[SelectChoice(k.value, k.label) for k in AgencyKind])
    parent_id = SelectField(_l("Induk"), coerce=int)
    submit = SubmitField(_l("Simpan"))

    def check(self) -> Cleaned:
        """Apply the shared agency rules and attach their messages to the fields."""
        cleaned = clean_agency({"kode": self.kode.data, "nama": self.nama.data, "jenis": self.jenis.data})
        _attach_errors(self, cleaned)
        return cleaned


class EmployeeForm(AppForm):
    """Create or edit an employee."""

    nama = StringField(_l("Nama lengkap"), validators=[Length(max=200)])
    kategori = SelectField(_l("Kategori"), choices=[SelectChoice(c.value, c.label) for c in Category])
    nip = StringField(_l("NIP / NI PPPK"), validators=[Length(max=40)])
    nik = StringField(_l("NIK"), validators=[Length(max=40)])
    tanggal_lahir = StringField(_l("Tanggal lahir"), render_kw={"type": "date"}, validators=[Length(max=20)])
    jenis_kelamin = SelectField(_l("Jenis kelamin"), choices=[SelectChoice("", "—"), SelectChoice("L", _l("Laki-laki")),
                                                                 SelectChoice("P", _l("Perempuan"))])
    jabatan = StringField(_l("Jabatan"), validators=[Length(max=200)])
    agency_id = SelectField(_l("Unit kerja"), coerce=int)
    no_hp = StringField(_l("No. HP"), validators=[Length(max=30)])
    email = StringField(_l("Email"), validators=[Length(max=200)])
    submit = SubmitField(_l("Simpan"))

    def check(self, agency_code: str) -> Cleaned:
        """Apply the shared employee rules and attach their messages to the fields."""
        raw = {name: self[name].data for name in EMPLOYEE_FORM_COLUMNS}
        raw["kode_unit"] = agency_code
        cleaned = clean_employee(raw)
        _attach_errors(self, cleaned)
        return cleaned


class UploadForm(AppForm):
    """Spreadsheet upload for an import preview."""

    file = FileField(_l("Berkas CSV atau XLSX"), validators=[FileRequired(_l("Pilih berkas terlebih dahulu."))],
                     render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("Unggah dan pratinjau"))


class ImportConfirmForm(AppForm):
    """Confirm an import after its preview."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    only_valid = BooleanField(_l("Impor hanya baris yang valid (baris bermasalah dilewati)"))
    submit = SubmitField(_l("Impor sekarang"))
    cancel = SubmitField(_l("Batalkan dan hapus berkas"))


def _attach_errors(form: AppForm, cleaned: Cleaned) -> None:
    for column, message in cleaned.errors:
        if column in form:
            form[column].errors = [*form[column].errors, message]
