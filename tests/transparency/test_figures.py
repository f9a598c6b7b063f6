"""The figures behind /transparansi: completion by agency and category, reports by public status, cases by stage,
the median time to a decision and recommendations followed up on time — counted right, on both databases."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from netralitas.calendar.models import DayOff
from netralitas.calendar.services import forget_work_calendars, local_today
from netralitas.cases.models import CaseSource, CaseStage
from netralitas.core.suppression import Count, Hidden
from netralitas.events.models import EventStatus
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind, Category
from netralitas.masterdata.services import governments
from netralitas.public_reports.models import ReportStage
from netralitas.public_reports.status import PublicStatus
from netralitas.transparency import services
from netralitas.transparency.enforcement import FollowUp, enforcement_counts
from tests.transparency.conftest import wib

TZ = "Asia/Jakarta"


def rows_by_key(rows):
    return {row.key: row for row in rows}


def shown(row) -> tuple:
    return row.required.value, row.signed.value, row.unsigned.value, row.percent


# --- declaration completion ---------------------------------------------------------------------------------------

def test_completion_by_agency_rolls_sub_units_up_and_splits_by_category(city, make_employee, make_event, sign_for):
    """Dinas Pendidikan: 5 PNS signed, 5 PPPK in SD Negeri 1 below it not yet; Dinas Kesehatan: 6 KONTRAK signed."""
    event = make_event()
    for _ in range(5):
        sign_for(event, make_employee(city.a, category=Category.PNS))
        make_employee(city.a1, category=Category.PPPK)
    for _ in range(6):
        sign_for(event, make_employee(city.b, category=Category.KONTRAK))
    declared = services.declarations(city.city, event)
    assert [row.key for row in declared.by_agency] == ["DINAS-A", "DINAS-B"]  # SD Negeri 1 is inside Dinas A's row
    agencies = rows_by_key(declared.by_agency)
    assert shown(agencies["DINAS-A"]) == (10, 5, 5, 50.0)
    assert agencies["DINAS-A"].label == "Dinas Pendidikan"
    assert shown(agencies["DINAS-B"]) == (6, 6, 0, 100.0)
    categories = rows_by_key(declared.by_category)
    assert [row.key for row in declared.by_category] == [c.value for c in Category]
    assert shown(categories["PNS"]) == (5, 5, 0, 100.0)
    assert shown(categories["PPPK"]) == (5, 0, 5, 0.0)
    assert shown(categories["KONTRAK"]) == (6, 6, 0, 100.0)
    assert shown(categories["UPAHAN"]) == (0, 0, 0, None)  # nobody required: no percentage
    assert shown(declared.total) == (16, 11, 5, 68.8)


def test_small_counts_are_hidden_with_what_would_give_them_away(city, make_agency, make_employee, make_event,
                                                                  sign_for):
    """3 of 13 signed in Dinas A; 3 is hidden, and so is a second count of the row (13 − 10 would give it back)."""
    event = make_event()
    staff_a = [make_employee(city.a) for _ in range(13)]
    for employee in staff_a[:3]:
        sign_for(event, employee)
    for _ in range(8):
        make_employee(city.b)
    for _ in range(5):  # attached to the government itself: their own row, so the rows add up to the total
        make_employee(city.city, category=Category.UPAHAN)
    declared = services.declarations(city.city, event)
    agencies = rows_by_key(declared.by_agency)
    row_a = agencies["DINAS-A"]
    assert row_a.signed == Count(None, Hidden.SMALL)
    assert sum(c.value is None for c in (row_a.required, row_a.unsigned)) == 1  # one more of the row hidden
    assert row_a.percent is None
    assert shown(agencies["DINAS-B"]) == (8, 0, 8, 0.0)
    assert shown(agencies["KOTA"]) == (5, 0, 5, 0.0)
    assert str(agencies["KOTA"].label) == "Pegawai langsung pada pemerintah daerah"
    # The total row: 3 signed is small; the category table prints the same total row, hidden alike.
    assert declared.total.signed == Count(None, Hidden.SMALL)
    pns = rows_by_key(declared.by_category)["PNS"]
    assert pns.signed == Count(None, Hidden.SMALL) and pns.percent is None
    assert sum(c.value is None for c in (pns.required, pns.unsigned)) == 1


def test_an_event_for_part_of_the_government_counts_that_part(city, make_employee, make_event, sign_for):
    event = make_event(agencies=[city.b])
    for _ in range(5):
        make_employee(city.a)
        sign_for(event, make_employee(city.b))
    declared = services.declarations(city.city, event)
    assert [row.key for row in declared.by_agency] == ["DINAS-B"]
    assert shown(declared.total) == (5, 5, 0, 100.0)


def test_events_of_a_government_newest_first_without_drafts_or_other_governments(city, make_agency, make_event):
    province = make_agency("PROV", name="Pemerintah Provinsi Lain", kind=AgencyKind.PEMERINTAH)
    elsewhere = make_agency("PROV-DINAS", parent=province, name="Dinas Provinsi")
    now = local_today()
    older = make_event(slug="lama", opens_dt=wib(now.year - 1, 3, 1, 8), closes_dt=wib(now.year - 1, 3, 2, 8))
    newer = make_event(slug="baru", agencies=[city.a])
    make_event(slug="draf", status=EventStatus.DRAFT)
    make_event(slug="provinsi", agencies=[elsewhere])
    assert [event.slug for event in services.events_for(city.city)] == ["baru", "lama"]
    assert [event.slug for event in services.events_for(province)] == ["provinsi", "lama"]
    assert services.choose_event(services.events_for(city.city), None).id == newer.id
    assert services.choose_event(services.events_for(city.city), "lama").id == older.id
    for slug in ("provinsi", "draf", "tidak-ada", "x" * 500):
        with pytest.raises(LookupError):
            services.choose_event(services.events_for(city.city), slug)


def test_only_roots_are_governments(city):
    assert services.government_by_code("KOTA").id == city.city.id
    assert services.government_by_code("DINAS-A") is None
    assert services.government_by_code("tidak-ada") is None
    city.city.is_active = False
    db.session.commit()
    assert services.government_by_code("KOTA") is None
    assert governments() == []


# --- enforcement -------------------------------------------------------------------------------------------------

def test_a_recommendation_triaged_within_14_working_days_is_on_time(city, make_employee, add_case):
    """Received Monday 24 March 2025: with Nyepi, Lebaran and the cuti bersama skipped the 14th working day is
    Wednesday 23 April. Triaged that day (even at 23.30 WIB, 16.30 UTC) is on time; at 00.30 WIB on the 24th (still
    the 23rd in UTC) is late; never triaged is overdue. A finding (no letter) has no such deadline."""
    employee = make_employee(city.a)
    received = date(2025, 3, 24)
    add_case(employee, received, stage=CaseStage.EXAMINATION, triaged_at=wib(2025, 4, 23, 10, 0))
    add_case(employee, received, stage=CaseStage.CLOSED, triaged_at=wib(2025, 4, 23, 23, 30))
    add_case(employee, received, stage=CaseStage.EXAMINATION, triaged_at=wib(2025, 4, 24, 0, 30))
    add_case(employee, received, stage=CaseStage.TRIAGE, source=CaseSource.BKN)
    add_case(employee, received, stage=CaseStage.TRIAGE, source=CaseSource.INTERNAL)
    counts = enforcement_counts(city.city, 2025, TZ)
    assert counts.follow_ups == {FollowUp.ON_TIME: 2, FollowUp.LATE: 1, FollowUp.OPEN_WITHIN_DEADLINE: 0,
                                 FollowUp.OPEN_OVERDUE: 1}
    # Without the cuti bersama rows the deadline falls on 15 April: all three triaged cases are late.
    db.session.execute(DayOff.__table__.delete())
    db.session.commit()
    forget_work_calendars()
    assert enforcement_counts(city.city, 2025, TZ).follow_ups[FollowUp.LATE] == 3


def test_a_recommendation_received_today_is_open_within_its_deadline(city, make_employee, add_case):
    today = local_today()
    employee = make_employee(city.b)
    add_case(employee, today)
    add_case(employee, today - timedelta(days=1), source=CaseSource.INTERNAL)
    counts = enforcement_counts(city.city, today.year, TZ)
    assert counts.follow_ups[FollowUp.OPEN_WITHIN_DEADLINE] == 1
    assert sum(counts.follow_ups.values()) == 1


def test_median_working_days_from_receipt_to_decree(city, make_employee, make_event, add_case):
    """14 (24 March → 23 April 2025), then 4, 5, 10 and 15 working days from Monday 7 July 2025: median 10."""
    employee = make_employee(city.a)
    add_case(employee, date(2025, 3, 24), stage=CaseStage.DECIDED, decree_on=date(2025, 4, 23))
    for decree_on in (date(2025, 7, 11), date(2025, 7, 14), date(2025, 7, 21)):
        add_case(employee, date(2025, 7, 7), stage=CaseStage.REPORTED, decree_on=decree_on)
    assert sorted(enforcement_counts(city.city, 2025, TZ).days_to_decision) == [4, 5, 10, 14]
    figures = services.government_figures(city.city, None, 2025, TZ)
    assert figures.median_working_days is None  # four decided cases: not enough to publish
    services.forget_figures()
    add_case(employee, date(2025, 7, 7), stage=CaseStage.DECIDED, decree_on=date(2025, 7, 28))
    assert services.government_figures(city.city, None, 2025, TZ).median_working_days == 10


def test_reports_are_counted_by_public_status_in_the_local_year(city, make_agency, make_employee, add_case,
                                                                 add_report):
    employee = make_employee(city.a)
    at = wib(2025, 6, 1, 9)
    for _ in range(2):
        add_report(at)
    add_report(wib(2025, 1, 1, 0, 10))  # 31 December 2024 17.10 UTC: still 2025 in Jakarta
    add_report(wib(2025, 12, 31, 23, 30))
    add_report(wib(2026, 1, 1, 0, 30))  # 31 December 2025 17.30 UTC: 2026 in Jakarta
    add_report(at, stage=ReportStage.IN_REVIEW)
    add_report(at, stage=ReportStage.CASE, case=add_case(employee, date(2025, 6, 2)))
    add_report(at, stage=ReportStage.CASE, case=add_case(employee, date(2025, 6, 2), stage=CaseStage.DECIDED))
    add_report(at, stage=ReportStage.CASE, case=add_case(employee, date(2025, 6, 2), stage=CaseStage.FORWARDED))
    add_report(at, stage=ReportStage.FORWARDED)
    add_report(at, stage=ReportStage.DISMISSED)
    other = make_agency("PROV", name="Pemerintah Provinsi Lain", kind=AgencyKind.PEMERINTAH)
    add_report(at, government=other)
    assert enforcement_counts(city.city, 2025, TZ).reports == {
        PublicStatus.RECEIVED: 4, PublicStatus.IN_REVIEW: 2, PublicStatus.FORWARDED: 2, PublicStatus.CLOSED: 2}
    assert enforcement_counts(city.city, 2026, TZ).reports[PublicStatus.RECEIVED] == 1
    assert enforcement_counts(other, 2025, TZ).reports[PublicStatus.RECEIVED] == 1


def test_cases_by_stage_inside_the_government_and_the_year(city, make_agency, make_employee, add_case):
    in_unit = make_employee(city.a1)
    province = make_agency("PROV", name="Pemerintah Provinsi Lain", kind=AgencyKind.PEMERINTAH)
    outsider = make_employee(make_agency("PROV-DINAS", parent=province, name="Dinas Provinsi"))
    for stage in (CaseStage.TRIAGE, CaseStage.TRIAGE, CaseStage.EXAMINATION, CaseStage.DECIDED, CaseStage.CLOSED):
        add_case(in_unit, date(2025, 5, 5), stage=stage)
    add_case(in_unit, date(2024, 12, 31))  # the year before
    add_case(outsider, date(2025, 5, 5))  # another government's employee
    cases = enforcement_counts(city.city, 2025, TZ).cases
    assert cases[CaseStage.TRIAGE] == 2 and cases[CaseStage.EXAMINATION] == 1 and cases[CaseStage.DECIDED] == 1
    assert cases[CaseStage.CLOSED] == 1 and sum(cases.values()) == 5


def test_enforcement_lines_are_suppressed_as_tables(city, make_employee, add_case, add_report):
    """Reports: 6 received and 2 forwarded; 2 is small, and 8 − 6 would give it back, so 6 is hidden too."""
    for _ in range(6):
        add_report(wib(2025, 6, 1, 9))
    for _ in range(2):
        add_report(wib(2025, 6, 1, 9), stage=ReportStage.FORWARDED)
    figures = services.government_figures(city.city, None, 2025, TZ)
    reports = rows_by_key(figures.reports)
    assert reports["forwarded"].count == Count(None, Hidden.SMALL)
    assert reports["received"].count == Count(None, Hidden.DERIVED)
    assert reports["in_review"].count == Count(0) and reports["closed"].count == Count(0)
    assert figures.reports_total == Count(8)
    assert figures.cases_total == Count(0) and figures.declarations is None


def test_figures_are_kept_for_a_minute(app, city, make_employee, add_case):
    """A public page does not run the queries on every hit; a minute later the new case shows."""
    clock = [1000.0]
    services._figures.of(app).clock = lambda: clock[0]
    employee = make_employee(city.a)
    for _ in range(5):
        add_case(employee, date(2025, 5, 5))
    assert services.government_figures(city.city, None, 2025, TZ).cases_total == Count(5)
    add_case(employee, date(2025, 5, 5))
    clock[0] += 30
    assert services.government_figures(city.city, None, 2025, TZ).cases_total == Count(5)
    clock[0] += services.CACHE_SECONDS
    assert services.government_figures(city.city, None, 2025, TZ).cases_total == Count(6)
