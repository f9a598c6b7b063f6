"""Operator forms: event settings and the declaration text."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from netralitas.core.forms import AppForm
from netralitas.events.models import ElectionKind
from netralitas.events.texts import TextContent
from netralitas.masterdata.models import Agency, Category

ELECTION_LABELS = {ElectionKind.PEMILU: _l("Pemilu"), ElectionKind.PILKADA: _l("Pilkada"),
                   ElectionKind.LAINNYA: _l("Lainnya")}
MAX_POINTS = 30


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice rendered as checkboxes (friendlier than a multi-select on phones)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@dataclass(frozen=True)
class AgencyNode:
    """One agency of the picker's tree, with the agencies below it."""

    id: int
    name: str
    code: str
    children: tuple[AgencyNode, ...]


class AgencyTreeField(SelectMultipleField):
    """Agencies chosen by ticking checkboxes in nested lists (templates/events/_agency_picker.html).

    A multi-select needs Ctrl/⌘ and is useless on a tablet; nested checkbox lists work without JavaScript, and
    static/js/agency_picker.js only adds the search box and "a parent ticks its sub-units".
    """

    agencies: tuple[Agency, ...] = ()

    def set_agencies(self, agencies: Iterable[Agency]) -> None:
        """The agencies on offer, in tree order (parents before children)."""
        self.agencies = tuple(agencies)
        self.choices = [SelectChoice(a.id, f"{a.name} ({a.code})") for a in self.agencies]

    def tree(self) -> list[AgencyNode]:
        """The offered agencies as nested nodes; an agency whose parent is not offered starts a tree of its own."""
        offered = {a.id for a in self.agencies}
        below: dict[int | None, list[Agency]] = {}
        for agency in self.agencies:
            below.setdefault(agency.parent_id if agency.parent_id in offered else None, []).append(agency)

        def nodes(parent_id: int | None) -> tuple[AgencyNode, ...]:
            return tuple(AgencyNode(a.id, a.name, a.code, nodes(a.id)) for a in below.get(parent_id, []))

        return list(nodes(None))

    def is_checked(self, agency_id: int) -> bool:
        return agency_id in (self.data or [])


class EventForm(AppForm):
    """Create or edit an event's settings."""

    name = StringField(_l("Nama acara"), validators=[DataRequired(_l("Nama acara wajib diisi.")), Length(max=200)])
    slug = StringField(_l("Alamat singkat"), validators=[Optional(), Length(max=60)])
    election_kind = SelectField(_l("Jenis pemilihan"), choices=[SelectChoice(k.value, v) for k, v in ELECTION_LABELS.items()])
    opens_at = DateTimeLocalField(_l("Dibuka (WIB)"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired(_l("Isi waktu buka."))])
    closes_at = DateTimeLocalField(_l("Ditutup (WIB)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Isi waktu tutup."))])
    is_attendance_on = BooleanField(_l("Gunakan kode kehadiran di layar (tanda tangan di lokasi tercatat hadir)"),
                                    default=True)
    categories = MultiCheckboxField(_l("Kategori pegawai yang wajib"), choices=[SelectChoice(c.value, c.label) for c in Category])
    agency_ids = AgencyTreeField(_l("Perangkat daerah yang wajib (kosong = semua)"), coerce=int)
    submit = SubmitField(_l("Simpan"))

    def validate_closes_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Waktu tutup harus setelah waktu buka."))


class TextForm(AppForm):
    """The declaration text: title, preamble, one point per line, closing."""

    title = StringField(_l("Judul"), validators=[DataRequired(_l("Judul wajib diisi.")), Length(max=300)])
    preamble = TextAreaField(_l("Pembuka"), validators=[DataRequired(_l("Pembuka wajib diisi.")), Length(max=3000)])
    points = TextAreaField(_l("Butir pernyataan (satu butir per baris)"),
                           validators=[DataRequired(_l("Minimal satu butir.")), Length(max=20000)])
    closing = TextAreaField(_l("Penutup"), validators=[Length(max=3000)])
    preview = SubmitField(_l("Pratinjau"))
    submit = SubmitField(_l("Simpan teks"))

    def validate_points(self, field) -> None:
        if len(self.point_list()) > MAX_POINTS:
            raise ValidationError(_l("Paling banyak %(n)d butir.", n=MAX_POINTS))

    def point_list(self) -> tuple[str, ...]:
        """Non-empty lines, with any typed numbering ("1.", "2)") removed."""
        lines = [line.strip() for line in (self.points.data or "").splitlines()]
        return tuple(_strip_number(line) for line in lines if line)

    def content(self) -> TextContent:
        """The form's text as a TextContent."""
        return TextContent(self.title.data or "", self.preamble.data or "", self.point_list(), self.closing.data or "")


def _strip_number(line: str) -> str:
    head, sep, rest = line.partition(" ")
    if sep and head.rstrip(".)").isdigit():
        return rest.strip()
    return line
