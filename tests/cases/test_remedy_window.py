"""After the decree is delivered, the window the sanction opens runs: an objection, or an appeal for a dismissal."""
from __future__ import annotations

from datetime import date

from netralitas.calendar.services import calendar_for
from netralitas.cases.deadlines import CaseSteps, DeadlineState, current_deadline
from netralitas.cases.models import Case, CaseDecision, CaseSource, CaseStage
from netralitas.extensions import db
from netralitas.legal.services import sanction_by_code, seed_catalogue


def test_dismissals_open_the_appeal_window_others_the_objection_window(app):
    seed_catalogue("test")
    db.session.commit()
    assert sanction_by_code("PNS-BERAT-PDH").remedy_deadline == "appeal_window"
    assert sanction_by_code("PPPK-BERAT-PHPK").remedy_deadline == "appeal_window"
    assert sanction_by_code("PNS-SEDANG-TPP-6").remedy_deadline == "objection_window"
    case = Case(stage=CaseStage.DECIDED, source=CaseSource.BAWASLU, received_on=date(2025, 3, 3))
    decision = CaseDecision(decree_on=date(2025, 5, 26), delivered_on=date(2025, 5, 27))
    calendar = calendar_for([2025])
    days = {"objection_window": 14, "appeal_window": 14}.__getitem__
    for remedy in ("objection_window", "appeal_window"):
        deadline = current_deadline(case, calendar, days, date(2025, 6, 2), due_soon=3,
                                    steps=CaseSteps(decision=decision, remedy_deadline=remedy))
        assert (deadline.key, deadline.starts_on, deadline.state) == (remedy, date(2025, 5, 27), DeadlineState.ON_TIME)
