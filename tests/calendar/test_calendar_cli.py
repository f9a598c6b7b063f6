"""`flask calendar cuti-bersama --year`: records the package's cuti bersama once, printing what it added."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.extensions import db


def recorded() -> dict[date, DayOff]:
    db.session.expire_all()
    return {row.day: row for row in db.session.scalars(sa.select(DayOff))}


def test_imports_the_years_cuti_bersama_and_prints_them(runner):
    result = runner.invoke(args=["calendar", "cuti-bersama", "--year", "2025"])
    assert result.exit_code == 0, result.output
    rows = recorded()
    assert {date(2025, 3, 28), date(2025, 4, 2), date(2025, 4, 3), date(2025, 4, 4), date(2025, 4, 7),
            date(2025, 8, 18)} <= rows.keys()
    assert all(row.day.year == 2025 and row.kind == DayOffKind.CUTI_BERSAMA for row in rows.values())
    assert "holidays 0.109" in rows[date(2025, 4, 7)].source and "SKB 3 Menteri" in rows[date(2025, 4, 7)].source
    assert "2025-04-07  Cuti Bersama Hari Raya Idul Fitri" in result.output
    assert f"{len(rows)} cuti bersama day(s) of 2025 added." in result.output
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.action, entry.actor_label) == ("calendar.cuti_bersama_import", "cli")


def test_days_already_recorded_are_skipped(runner):
    db.session.add(DayOff(day=date(2025, 4, 7), name="Cuti Bersama (dicatat admin)", kind=DayOffKind.CUTI_BERSAMA,
                          source="SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024"))
    db.session.commit()
    first = runner.invoke(args=["calendar", "cuti-bersama", "--year", "2025"])
    assert "2025-04-07" not in first.output
    assert recorded()[date(2025, 4, 7)].name == "Cuti Bersama (dicatat admin)"  # the admin's row is kept as it is
    count = len(recorded())
    again = runner.invoke(args=["calendar", "cuti-bersama", "--year", "2025"])
    assert again.exit_code == 0
    assert "already recorded" in again.output
    assert len(recorded()) == count
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1  # nothing new, nothing logged


def test_a_year_the_package_does_not_know_adds_nothing(runner):
    result = runner.invoke(args=["calendar", "cuti-bersama", "--year", "2090"])
    assert result.exit_code == 0
    assert "no cuti bersama for 2090" in result.output
    assert recorded() == {}


def test_an_impossible_year_is_refused(runner):
    result = runner.invoke(args=["calendar", "cuti-bersama", "--year", "20255"])
    assert result.exit_code == 2
    assert recorded() == {}
