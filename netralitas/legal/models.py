"""Legal rules as data: the catalogue of neutrality violation forms, the sanction menus and the deadline settings.

Seeded from netralitas/legal/data/*.csv (each row names its legal source) and edited by super admins afterwards.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.extensions import db


class ViolationClass(enum.StrEnum):
    """The SKB 2022's two tracks: an ethics breach (moral sanction) or a discipline breach (PP 94/2021 level)."""

    ETIK = "etik"
    DISIPLIN = "disiplin"

    @property
    def label(self) -> str:
        """The class as shown to people."""
        return VIOLATION_CLASS_LABELS[self]


class SanctionLevel(enum.StrEnum):
    """How heavy a sanction is: moral (PP 42/2004) or a discipline level (PP 94/2021 art. 8)."""

    MORAL = "moral"
    RINGAN = "ringan"
    SEDANG = "sedang"
    BERAT = "berat"

    @property
    def label(self) -> str:
        """The level as shown to people."""
        return SANCTION_LEVEL_LABELS[self]


class SanctionGroup(enum.StrEnum):
    """Which sanction menu applies to an employee: PNS, PPPK, or the employer's contract terms for everyone else."""

    PNS = "pns"
    PPPK = "pppk"
    NON_ASN = "non_asn"

    @property
    def label(self) -> str:
        """The group as shown to people."""
        return SANCTION_GROUP_LABELS[self]


class DeadlineKind(enum.StrEnum):
    """WITHIN: the step is due at most N working days after the start; NOTICE: at least N working days after it."""

    WITHIN = "within"
    NOTICE = "notice"


VIOLATION_CLASS_LABELS = {ViolationClass.ETIK: _l("Kode etik"), ViolationClass.DISIPLIN: _l("Disiplin")}
SANCTION_LEVEL_LABELS = {
    SanctionLevel.MORAL: _l("Sanksi moral"), SanctionLevel.RINGAN: _l("Ringan"),
    SanctionLevel.SEDANG: _l("Sedang"), SanctionLevel.BERAT: _l("Berat"),
}
SANCTION_GROUP_LABELS = {
    SanctionGroup.PNS: "PNS", SanctionGroup.PPPK: "PPPK", SanctionGroup.NON_ASN: _l("Non-ASN (kontrak, upahan, BLUD, BUMD)"),
}


class ViolationForm(db.Model):
    """One form of neutrality violation from the SKB 2022 list, with the sanction level it carries."""

    __tablename__ = "violation_forms"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Stable key, e.g. "DIS-04"; never changes once created (cases refer to it).
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    violation_class: so.Mapped[ViolationClass] = enum_column(ViolationClass)
    sanction_level: so.Mapped[SanctionLevel] = enum_column(SanctionLevel)
    text: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: The rule it comes from, "(verifikasi)" where the article is not checked against the official text.
    source: so.Mapped[str] = so.mapped_column(sa.String(300))
    is_active: so.Mapped[bool] = so.mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<ViolationForm {self.code}>"


class Sanction(db.Model):
    """One sanction a decision may impose on an employee of a sanction group, at a level."""

    __tablename__ = "sanctions"
    __table_args__ = (sa.Index("ix_sanctions_group_level", "employee_group", "level"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    employee_group: so.Mapped[SanctionGroup] = enum_column(SanctionGroup)
    level: so.Mapped[SanctionLevel] = enum_column(SanctionLevel)
    text: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: How long the sanction runs (allowance cut, demotion), for the dates in force on the SIASN record; NULL: no term.
    duration_months: so.Mapped[int | None]
    source: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: Order in the menu, lightest first.
    position: so.Mapped[int] = so.mapped_column(default=0)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    #: The deadline rule (its key) that runs once the decree reaches the employee: an objection to the PPK, or for a
    #: dismissal an administrative appeal to BPASN (PP 79/2021).
    remedy_deadline: so.Mapped[str] = so.mapped_column(sa.String(40), default="objection_window",
                                                       server_default="objection_window")

    def __repr__(self) -> str:
        return f"<Sanction {self.code}>"


class DeadlineRule(db.Model):
    """A deadline of the case procedure in working days: the law's value, the room it leaves, and the value in use."""

    __tablename__ = "deadline_rules"
    __table_args__ = (
        sa.CheckConstraint("min_days >= 1 AND min_days <= max_days", name="bounds"),
        sa.CheckConstraint("working_days >= min_days AND working_days <= max_days", name="days_in_bounds"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Stable key the cases domain asks for, e.g. "summons_notice".
    key: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    kind: so.Mapped[DeadlineKind] = enum_column(DeadlineKind)
    label: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: The working days in use (an admin may set it within min_days..max_days).
    working_days: so.Mapped[int]
    legal_default: so.Mapped[int]
    #: The room the law leaves; min_days == max_days when the law fixes the value.
    min_days: so.Mapped[int]
    max_days: so.Mapped[int]
    #: What the count starts from, in words, e.g. "Tanggal keputusan hukuman disiplin ditetapkan".
    runs_from: so.Mapped[str] = so.mapped_column(sa.String(300))
    source: so.Mapped[str] = so.mapped_column(sa.String(300))
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff.id"))
    updated_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def is_fixed(self) -> bool:
        """True when the law leaves no room: the value cannot be edited."""
        return self.min_days == self.max_days

    def __repr__(self) -> str:
        return f"<DeadlineRule {self.key}={self.working_days}>"
