"""Days off beyond the national holidays: the yearly cuti bersama and regional days off, each with its decree."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.extensions import db


class DayOffKind(enum.StrEnum):
    """Why a weekday is off although the `holidays` package does not list it as a national holiday."""

    CUTI_BERSAMA = "cuti_bersama"  # collective leave set each year by the SKB of three ministers
    LOCAL = "local"  # a regional day off set by the regional government itself


class DayOff(db.Model):
    """One day on which government offices are closed besides weekends and national holidays.

    National holidays come from the `holidays` package and are never stored; this table holds what the package
    does not know or may get wrong (cuti bersama changed mid-year, local days off). Admins edit it.
    """

    __tablename__ = "days_off"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    day: so.Mapped[date] = so.mapped_column(sa.Date, unique=True)
    #: As the decree names it, e.g. "Cuti Bersama Hari Raya Idul Fitri".
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[DayOffKind] = enum_column(DayOffKind)
    #: The decree that sets it, e.g. "SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024".
    source: so.Mapped[str] = so.mapped_column(sa.String(300))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff.id"))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
