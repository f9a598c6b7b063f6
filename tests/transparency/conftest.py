"""Fixtures for the transparency page: a government with agencies, the legal catalogue, and builders for cases and
public reports at chosen dates and stages (straight into the tables: the figures are what is under test)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from netralitas.auth.models import Role, Staff
from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.cases.models import Case, CaseDecision, CaseSource, CaseStage, CaseStep
from netralitas.core import codes
from netralitas.extensions import db
from netralitas.legal.services import form_by_code, sanction_by_code, seed_catalogue
from netralitas.masterdata.models import Agency, AgencyKind, Employee
from netralitas.public_reports.models import PublicReport, ReportStage

WIB = ZoneInfo("Asia/Jakarta")
#: The cuti bersama of SKB 2025 around Nyepi and Idul Fitri (as tests/calendar records them): with them, 14 working
#: days from Monday 24 March 2025 end on Wednesday 23 April 2025.
LEBARAN_2025 = (date(2025, 3, 28), date(2025, 4, 2), date(2025, 4, 3), date(2025, 4, 4), date(2025, 4, 7))


def wib(*args) -> datetime:
    """A wall-clock time in Jakarta as an aware UTC datetime."""
    return datetime(*args, tzinfo=WIB).astimezone(UTC)


@dataclass
class City:
    """KOTA: Dinas Pendidikan (with SD Negeri 1 below it) and Dinas Kesehatan; an officer who records cases."""

    city: Agency
    a: Agency
    a1: Agency
    b: Agency
    officer: Staff


@pytest.fixture
def city(make_agency, make_staff) -> City:
    seed_catalogue("test")
    db.session.add_all(DayOff(day=day, name="Cuti Bersama", kind=DayOffKind.CUTI_BERSAMA, source="SKB 2025")
                       for day in LEBARAN_2025)
    db.session.commit()
    city = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=city, name="Dinas Pendidikan")
    a1 = make_agency("SD-1", parent=a, name="SD Negeri 1", kind=AgencyKind.UNIT)
    b = make_agency("DINAS-B", parent=city, name="Dinas Kesehatan")
    return City(city, a, a1, b, make_staff(Role.SUPER_ADMIN))


_numbers = itertools.count(1)


@pytest.fixture
def add_case(city):
    """A case about an employee, received on a day, at a stage; optionally triaged at a moment and decided on a day."""

    def make(employee: Employee, received_on: date, *, stage: CaseStage = CaseStage.TRIAGE,
             source: CaseSource = CaseSource.BAWASLU, triaged_at: datetime | None = None,
             decree_on: date | None = None, summary: str = "Membagikan unggahan pasangan calon.") -> Case:
        n = next(_numbers)
        case = Case(number=f"KN-{received_on.year}-{n:04d}", employee_id=employee.id,
                    violation_form_id=form_by_code("ETIK-04").id, source=source, received_on=received_on,
                    letter_number=f"{n}/PM.00/2025" if source.is_letter else None,
                    letter_date=received_on if source.is_letter else None, summary=summary, stage=stage,
                    created_by_id=city.officer.id)
        db.session.add(case)
        db.session.flush()
        db.session.add(CaseStep(case_id=case.id, kind="opened", actor_id=city.officer.id, at_dt=wib(2025, 1, 1, 8)))
        if triaged_at is not None:
            db.session.add(CaseStep(case_id=case.id, kind="triage_continue", actor_id=city.officer.id, at_dt=triaged_at))
        if decree_on is not None:
            db.session.add(CaseDecision(case_id=case.id, sanction_id=sanction_by_code("PNS-RINGAN-TERTULIS").id,
                                        reasons="Terbukti.", decree_number=f"800/SK-{n}/2025", decree_on=decree_on,
                                        decided_by_id=city.officer.id))
        db.session.commit()
        return case

    return make


@pytest.fixture
def add_report(city):
    """A public report to a government, sent at a moment, at a stage (and on a case)."""

    def make(created_dt: datetime, *, stage: ReportStage = ReportStage.RECEIVED, case: Case | None = None,
             government: Agency | None = None, subject_name: str = "Bu Rina", reporter_name: str | None = None,
             description: str = "Mengunggah ajakan memilih pasangan calon.") -> PublicReport:
        report = PublicReport(receipt_digest=codes.digest(f"LAP{next(_numbers)}"),
                              government_id=(government or city.city).id, subject_name=subject_name,
                              topic="media_sosial", description=description, stage=stage,
                              case_id=case.id if case else None, reporter_name=reporter_name, created_dt=created_dt)
        db.session.add(report)
        db.session.commit()
        return report

    return make
