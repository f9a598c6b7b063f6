"""Master data: the agency tree and the employees who must sign."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.extensions import db


class AgencyKind(enum.StrEnum):
    """What kind of body an agency is; drives labels only, never permissions."""

    PEMERINTAH = "PEMERINTAH"
    SEKRETARIAT = "SEKRETARIAT"
    DINAS = "DINAS"
    BADAN = "BADAN"
    KECAMATAN = "KECAMATAN"
    KELURAHAN = "KELURAHAN"
    UNIT = "UNIT"
    BLUD = "BLUD"
    BUMD = "BUMD"
    LAINNYA = "LAINNYA"

    @property
    def label(self) -> str:
        """The kind as shown to people, in their language (the value is the code stored and imported)."""
        return AGENCY_KIND_LABELS[self]


class Category(enum.StrEnum):
    """Employment category; every one of them is paid from the regional budget."""

    PNS = "PNS"
    PPPK = "PPPK"
    KONTRAK = "KONTRAK"
    UPAHAN = "UPAHAN"
    BLUD = "BLUD"
    BUMD = "BUMD"

    @property
    def label(self) -> str:
        """The category as shown to people, in their language (the value is the code stored and imported)."""
        return CATEGORY_LABELS[self]


#: Acronyms (BLUD, BUMD, PNS, PPPK) are the same in every language; the words are translated.
AGENCY_KIND_LABELS = {
    AgencyKind.PEMERINTAH: _l("Pemerintah daerah"), AgencyKind.SEKRETARIAT: _l("Sekretariat"),
    AgencyKind.DINAS: _l("Dinas"), AgencyKind.BADAN: _l("Badan"), AgencyKind.KECAMATAN: _l("Kecamatan"),
    AgencyKind.KELURAHAN: _l("Kelurahan"), AgencyKind.UNIT: _l("Unit"), AgencyKind.BLUD: "BLUD",
    AgencyKind.BUMD: "BUMD", AgencyKind.LAINNYA: _l("Lainnya"),
}
CATEGORY_LABELS = {
    Category.PNS: "PNS", Category.PPPK: "PPPK", Category.KONTRAK: _l("Kontrak"), Category.UPAHAN: _l("Upahan"),
    Category.BLUD: "BLUD", Category.BUMD: "BUMD",
}


class Gender(enum.StrEnum):
    """L = laki-laki, P = perempuan (the letters used on Indonesian forms)."""

    L = "L"
    P = "P"


class Agency(db.Model):
    """A node of the government tree: government, OPD, unit, kelurahan, BLUD, BUMD."""

    __tablename__ = "agencies"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Unique business code (from SIMPEG/SIASN), the key used by imports.
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[AgencyKind] = enum_column(AgencyKind)
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agencies.id"), index=True)
    #: Materialised path of ids, e.g. "/1/7/42/": a subtree is one indexed prefix match.
    path: so.Mapped[str] = so.mapped_column(sa.String(400), index=True)
    depth: so.Mapped[int] = so.mapped_column(default=0)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    parent: so.Mapped[Agency | None] = so.relationship(remote_side=[id], back_populates="children")
    children: so.Mapped[list[Agency]] = so.relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class Employee(db.Model):
    """A person on the regional payroll who may be required to sign."""

    __tablename__ = "employees"
    __table_args__ = (
        sa.CheckConstraint("nip IS NOT NULL OR nik IS NOT NULL", name="has_identity"),
        sa.Index("ix_employees_agency_category", "agency_id", "category"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Lower-cased name for portable case-insensitive search.
    name_search: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    category: so.Mapped[Category] = enum_column(Category)
    #: 18-digit NIP (PNS) or NI PPPK; NULL for staff without one.
    nip: so.Mapped[str | None] = so.mapped_column(sa.String(18), unique=True)
    #: 16-digit NIK; required when there is no NIP.
    nik: so.Mapped[str | None] = so.mapped_column(sa.String(16), unique=True)
    birth_date: so.Mapped[date | None]
    gender: so.Mapped[Gender | None] = enum_column(Gender, nullable=True)
    position: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    agency_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agencies.id"))
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    agency: so.Mapped[Agency] = so.relationship()

    def __repr__(self) -> str:
        return f"<Employee {self.id} {self.nip or self.nik}>"


class PendingImport(db.Model):
    """An uploaded spreadsheet waiting for the admin to confirm its preview (kept in the DB so any app process can finish it)."""

    __tablename__ = "pending_imports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Random handle used in the confirm form; never guessable across staff.
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    staff_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"))
    #: "agencies" or "employees".
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
