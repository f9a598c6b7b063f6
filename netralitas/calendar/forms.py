"""The admin's day-off form: a date typed in any usual notation, a name, its kind and the decree that sets it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from netralitas.calendar.models import DayOffKind
from netralitas.core.dates import parse_typed_date
from netralitas.core.forms import AppForm, select_choices

KIND_LABELS = {DayOffKind.CUTI_BERSAMA: _l("Cuti bersama"), DayOffKind.LOCAL: _l("Libur daerah")}
#: Years a day off may be recorded for: wider than any deadline reaches, narrow enough to catch a typo (2205).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def no_control_characters(form, field) -> None:
    """Names and sources are printed on letters: no tabs, line breaks or other control characters."""
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in field.data or ""):
        raise ValidationError(_l("Teks tidak boleh berisi karakter kontrol."))


def single_line(value: str | None) -> str:
    """One line: surrounding whitespace removed, every run of whitespace (tabs, line breaks) made one space."""
    return " ".join((value or "").split())


class DayOffForm(AppForm):
    """Add a cuti bersama or local day off."""

    day = StringField(_l("Tanggal"), validators=[DataRequired(_l("Isi tanggal.")), Length(max=40)],
                      render_kw={"placeholder": "DD-MM-YYYY", "autocomplete": "off"})
    name = StringField(_l("Nama hari libur"), filters=[single_line],
                       validators=[DataRequired(_l("Isi nama hari libur.")), Length(max=200), no_control_characters],
                       render_kw={"placeholder": "Cuti Bersama Hari Raya Idul Fitri"})
    kind = SelectField(_l("Jenis"), choices=select_choices((k.value, label) for k, label in KIND_LABELS.items()),
                       validate_choice=True)
    source = StringField(_l("Dasar hukum"), filters=[single_line],
                         validators=[DataRequired(_l("Sebutkan keputusan yang menetapkannya.")), Length(max=300),
                                     no_control_characters],
                         render_kw={"placeholder": "SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024"})
    submit = SubmitField(_l("Tambah hari libur"))

    def validate_day(self, field) -> None:
        parsed = parse_typed_date(field.data)
        if parsed is None:
            raise ValidationError(_l("Format tanggal tidak dikenali. Contoh: 28-03-2025"))
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise ValidationError(_l("Tahun harus antara %(first)d dan %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))

    def parsed_day(self):
        """The validated date (call after validate())."""
        return parse_typed_date(self.day.data)


class CutiBersamaImportForm(AppForm):
    """One button: record the year's cuti bersama the `holidays` package knows."""

    year = IntegerField(widget=HiddenInput(), validators=[
        DataRequired(_l("Tahun tidak dikenali.")),
        NumberRange(FIRST_YEAR, LAST_YEAR, _l("Tahun harus antara %(first)d dan %(last)d.", first=FIRST_YEAR,
                                              last=LAST_YEAR))])
    submit = SubmitField(_l("Impor cuti bersama dari paket"))
