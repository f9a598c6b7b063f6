"""Enforcement counts of one government for one year: public reports, cases by stage, time to decision, follow-up
of recommendations. Raw counts only; what may be published of them is services.py's business (suppression).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from netralitas.calendar.services import WorkCalendar, local_today, work_calendar
from netralitas.cases.models import Case, CaseDecision, CaseSource, CaseStage, CaseStep
from netralitas.core.messages import lazy_message as _l
from netralitas.core.timezones import local_to_utc, utc_to_local
from netralitas.extensions import db
from netralitas.legal.services import deadline_days
from netralitas.masterdata.models import Agency, Employee
from netralitas.masterdata.scope import subtree_clause
from netralitas.public_reports.models import PublicReport
from netralitas.public_reports.status import PublicStatus, public_status

#: The legal deadline a referral letter's follow-up runs against (netralitas.legal, seeded from deadlines.csv).
FOLLOW_UP_DEADLINE = "recommendation_follow_up"
LETTER_SOURCES = tuple(source for source in CaseSource if source.is_letter)


class FollowUp(enum.StrEnum):
    """How a recommendation (a case from a referral letter) stands against its follow-up deadline."""

    ON_TIME = "on_time"  # triaged on or before the due day
    LATE = "late"  # triaged after it
    OPEN_WITHIN_DEADLINE = "open_within_deadline"  # not triaged yet, due day not passed
    OPEN_OVERDUE = "open_overdue"  # not triaged yet, due day passed


FOLLOW_UP_LABELS = {
    FollowUp.ON_TIME: _l("Ditindaklanjuti tepat waktu"),
    FollowUp.LATE: _l("Ditindaklanjuti terlambat"),
    FollowUp.OPEN_WITHIN_DEADLINE: _l("Belum ditindaklanjuti, masih dalam batas waktu"),
    FollowUp.OPEN_OVERDUE: _l("Belum ditindaklanjuti, melewati batas waktu"),
}


@dataclass(frozen=True)
class EnforcementCounts:
    """One government's enforcement figures for one year, unsuppressed."""

    reports: dict[PublicStatus, int]
    cases: dict[CaseStage, int]
    #: Working days from receipt to the decree, one value per decided case received in the year.
    days_to_decision: tuple[int, ...]
    follow_ups: dict[FollowUp, int]


def enforcement_counts(government: Agency, year: int, tz_name: str) -> EnforcementCounts:
    """Reports sent to the government in the (local) year, and cases received in it about its employees."""
    today = local_today()
    decisions = _decision_dates(government, year)
    letters = _letter_cases(government, year, tz_name)
    calendar = _calendar_for(year, today, decisions, letters)
    days_to_decision = tuple(calendar.working_days_between(received, decreed) for received, decreed in decisions)
    follow_ups = dict.fromkeys(FollowUp, 0)
    if letters:
        allowed = deadline_days(FOLLOW_UP_DEADLINE)
        for received_on, triaged_on in letters:
            follow_ups[follow_up(received_on, triaged_on, calendar.add_working_days(received_on, allowed), today)] += 1
    return EnforcementCounts(reports=_report_counts(government, year, tz_name), cases=_case_counts(government, year),
                             days_to_decision=days_to_decision, follow_ups=follow_ups)


def follow_up(received_on: date, triaged_on: date | None, due_on: date, today: date) -> FollowUp:
    """Where one recommendation stands: triaged by the due day or not, or still waiting and whether it is late."""
    if triaged_on is not None:
        return FollowUp.ON_TIME if triaged_on <= due_on else FollowUp.LATE
    return FollowUp.OPEN_WITHIN_DEADLINE if today <= due_on else FollowUp.OPEN_OVERDUE


def year_bounds(year: int, tz_name: str) -> tuple[datetime, datetime]:
    """The local year as UTC moments [start, end): a report sent at 23.30 WIB on 31 December counts in that year."""
    return local_to_utc(datetime(year, 1, 1), tz_name), local_to_utc(datetime(year + 1, 1, 1), tz_name)


def _report_counts(government: Agency, year: int, tz_name: str) -> dict[PublicStatus, int]:
    start, end = year_bounds(year, tz_name)
    rows = db.session.execute(
        sa.select(PublicReport.stage, Case.stage, sa.func.count())
        .select_from(PublicReport).outerjoin(Case, PublicReport.case_id == Case.id)
        .where(PublicReport.government_id == government.id, PublicReport.created_dt >= start,
               PublicReport.created_dt < end)
        .group_by(PublicReport.stage, Case.stage))
    counts = dict.fromkeys(PublicStatus, 0)
    for report_stage, case_stage, n in rows:
        counts[public_status(report_stage, case_stage)] += n
    return counts


def _cases_in(government: Agency, year: int, *columns) -> sa.Select:
    """SELECT of columns over the cases about the government's employees received in the year."""
    return (sa.select(*columns).select_from(Case).join(Employee, Case.employee_id == Employee.id)
            .join(Agency, Employee.agency_id == Agency.id)
            .where(subtree_clause(government.path), Case.received_on >= date(year, 1, 1),
                   Case.received_on <= date(year, 12, 31)))


def _case_counts(government: Agency, year: int) -> dict[CaseStage, int]:
    counts = dict.fromkeys(CaseStage, 0)
    for stage, n in db.session.execute(_cases_in(government, year, Case.stage, sa.func.count()).group_by(Case.stage)):
        counts[stage] += n
    return counts


def _decision_dates(government: Agency, year: int) -> list[tuple[date, date]]:
    """(received_on, decree_on) of each decided case received in the year."""
    query = _cases_in(government, year, Case.received_on, CaseDecision.decree_on).join(
        CaseDecision, CaseDecision.case_id == Case.id)
    return [(received, decreed) for received, decreed in db.session.execute(query)]


def _letter_cases(government: Agency, year: int, tz_name: str) -> list[tuple[date, date | None]]:
    """(received_on, local day of the first triage step or None) of each case from a referral letter."""
    first_triage = (sa.select(sa.func.min(CaseStep.at_dt))
                    .where(CaseStep.case_id == Case.id, CaseStep.kind.startswith("triage_", autoescape=True))
                    .scalar_subquery())
    query = _cases_in(government, year, Case.received_on, first_triage).where(Case.source.in_(LETTER_SOURCES))
    return [(received, None if triaged is None else utc_to_local(triaged, tz_name).date())
            for received, triaged in db.session.execute(query)]


def _calendar_for(year: int, today: date, decisions: list[tuple[date, date]],
                  letters: list[tuple[date, date | None]]) -> WorkCalendar:
    """A working-day calendar spanning every date counted, and the year after the last (a deadline runs on)."""
    days = [today, date(year, 1, 1)]
    days += [day for pair in decisions for day in pair]
    days += [day for pair in letters for day in pair if day is not None]
    first, last = min(days).year, max(days).year
    return work_calendar(range(first, last + 2))
