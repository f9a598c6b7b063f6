"""A case's running deadline: which legal deadline applies at its stage, when it falls due, and whether it is near.

The number of working days is a setting (netralitas.legal, with the legal default and its source); the days are
counted on the working-day calendar (netralitas.calendar). A list computes every row from one calendar.
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from netralitas.calendar.services import WorkCalendar
from netralitas.cases.models import Attendance, Case, CaseDecision, CaseStage, CaseSummons


class DeadlineState(enum.StrEnum):
    """How a case stands against its deadline."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"  # DUE_SOON_WORKING_DAYS or fewer working days left
    OVERDUE = "overdue"


@dataclass(frozen=True)
class CaseDeadline:
    """The deadline a case runs against now."""

    #: The setting's key in the legal catalogue, e.g. "recommendation_follow_up".
    key: str
    starts_on: date
    #: The setting's working days (as set by the super admin, within the law's room).
    working_days: int
    due_on: date
    state: DeadlineState
    #: Working days from today to the due date (negative once overdue).
    working_days_left: int


def current_deadline(case: Case, calendar: WorkCalendar, days_for: Callable[[str], int], today: date, *,
                     due_soon: int, steps: CaseSteps | None = None) -> CaseDeadline | None:
    """The deadline of the case's stage, or None when nothing runs (closed, forwarded, reported, waiting on nobody).

    `steps` are the case's summonses and decision when the stage needs them (a list loads them for all rows at once).
    """
    if case.stage == CaseStage.TRIAGE and case.source.is_letter:
        # A recommendation must be followed up (continued, forwarded or closed) within the set working days of the
        # day it was received.
        return _deadline("recommendation_follow_up", case.received_on, calendar, days_for, today, due_soon)
    steps = steps or CaseSteps()
    if case.stage == CaseStage.EXAMINATION and steps.summonses:
        last = steps.summonses[-1]
        if last.attendance == Attendance.ABSENT and last.round == 1:
            # Absent at the first examination: the second summons is due within the set working days.
            return _deadline("second_summons", last.exam_on, calendar, days_for, today, due_soon)
    if case.stage == CaseStage.DECIDED and steps.decision is not None:
        if steps.decision.delivered_on is None:
            return _deadline("decision_delivery", steps.decision.decree_on, calendar, days_for, today, due_soon)
        # Delivered: the employee's objection (or, for a dismissal, appeal) window runs; the report back waits for it.
        return _deadline(steps.remedy_deadline, steps.decision.delivered_on, calendar, days_for, today, due_soon)
    return None


@dataclass(frozen=True)
class CaseSteps:
    """The parts of a case its later deadlines run from."""

    summonses: tuple[CaseSummons, ...] = ()
    decision: CaseDecision | None = None
    #: The decided sanction's remedy deadline key (Sanction.remedy_deadline).
    remedy_deadline: str = "objection_window"


def _deadline(key: str, starts_on: date, calendar: WorkCalendar, days_for: Callable[[str], int], today: date,
              due_soon: int) -> CaseDeadline:
    days = days_for(key)
    due_on = calendar.add_working_days(starts_on, days)
    left = calendar.working_days_between(today, due_on)
    state = (DeadlineState.OVERDUE if today > due_on
             else DeadlineState.DUE_SOON if left <= due_soon else DeadlineState.ON_TIME)
    return CaseDeadline(key, starts_on, days, due_on, state, left)
