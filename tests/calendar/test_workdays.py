"""Working days: the issue's Lebaran example, weekends, n = 0, a year end, counting between two dates."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.calendar import services
from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.calendar.services import OutsideCalendarError, WorkCalendar, calendar_for
from netralitas.extensions import db
from tests.calendar.conftest import SKB_2025


def test_recommendation_of_24_march_2025_with_14_working_days_is_due_23_april(lebaran_2025):
    """Received Monday 24 March 2025, 14 working days, start day not counted:

    Tue 25 (1), Wed 26 (2), Thu 27 (3); Fri 28 cuti bersama Nyepi; Sat 29 Nyepi; Sun 30; Mon 31 and Tue 1 April
    Idul Fitri; Wed 2, Thu 3, Fri 4 cuti bersama; Sat 5, Sun 6; Mon 7 cuti bersama; Tue 8 (4), Wed 9 (5), Thu 10 (6),
    Fri 11 (7), Mon 14 (8), Tue 15 (9), Wed 16 (10), Thu 17 (11); Fri 18 Good Friday; Mon 21 (12), Tue 22 (13),
    Wed 23 (14). Due: Wednesday 23 April 2025.
    """
    calendar = calendar_for([2025])
    assert calendar.add_working_days(date(2025, 3, 24), 14) == date(2025, 4, 23)
    assert calendar.working_days_between(date(2025, 3, 24), date(2025, 4, 23)) == 14


def test_without_the_cuti_bersama_rows_the_same_deadline_falls_eight_days_earlier(app):
    """National holidays only: Tue 25 (1), Wed 26 (2), Thu 27 (3), Fri 28 (4); Sat 29 to Tue 1 April off;
    Wed 2 (5), Thu 3 (6), Fri 4 (7), Mon 7 (8), Tue 8 (9), Wed 9 (10), Thu 10 (11), Fri 11 (12), Mon 14 (13),
    Tue 15 (14). Due: Tuesday 15 April 2025, so the days_off table decides the answer.
    """
    assert calendar_for([2025]).add_working_days(date(2025, 3, 24), 14) == date(2025, 4, 15)


def test_national_holidays_come_from_the_package_with_indonesian_names(app):
    calendar = calendar_for([2025])
    assert not calendar.is_working_day(date(2025, 3, 31))
    assert calendar.day_off_reason(date(2025, 3, 31)) == "Hari Raya Idul Fitri"
    assert calendar.day_off_reason(date(2025, 4, 18)) == "Wafat Yesus Kristus"
    assert calendar.day_off_reason(date(2025, 3, 29)) == "Hari Suci Nyepi"  # a holiday's name wins over "Sabtu"


def test_weekends_are_off_and_named(app):
    calendar = calendar_for([2025])
    saturday, sunday, monday = date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)
    assert not calendar.is_working_day(saturday) and not calendar.is_working_day(sunday)
    assert (str(calendar.day_off_reason(saturday)), str(calendar.day_off_reason(sunday))) == ("Sabtu", "Minggu")
    assert calendar.is_working_day(monday) and calendar.day_off_reason(monday) is None
    assert calendar.add_working_days(date(2025, 3, 7), 1) == monday  # Friday + 1 skips the weekend


def test_recorded_days_off_are_named(lebaran_2025):
    calendar = calendar_for([2025])
    assert calendar.day_off_reason(date(2025, 4, 7)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert calendar.day_off_reason(date(2025, 4, 8)) is None


def test_zero_working_days_is_the_start_even_on_a_holiday(lebaran_2025):
    calendar = calendar_for([2025])
    assert calendar.add_working_days(date(2025, 3, 24), 0) == date(2025, 3, 24)
    assert calendar.add_working_days(date(2025, 3, 31), 0) == date(2025, 3, 31)


def test_negative_counts_go_back(lebaran_2025):
    calendar = calendar_for([2025])
    assert calendar.add_working_days(date(2025, 4, 23), -14) == date(2025, 3, 24)


def test_a_span_across_the_year_end(app):
    """From Wed 24 Dec 2025: Thu 25 Christmas; Fri 26 cuti bersama (recorded); Sat 27, Sun 28; Mon 29 (1),
    Tue 30 (2), Wed 31 (3); Thu 1 Jan 2026 New Year; Fri 2 Jan (4)."""
    db.session.add(DayOff(day=date(2025, 12, 26), name="Cuti Bersama Hari Raya Natal", kind=DayOffKind.CUTI_BERSAMA,
                          source=SKB_2025))
    db.session.commit()
    calendar = calendar_for([2025, 2026])
    assert calendar.add_working_days(date(2025, 12, 24), 4) == date(2026, 1, 2)
    assert calendar.working_days_between(date(2025, 12, 24), date(2026, 1, 2)) == 4


def test_a_calendar_refuses_dates_outside_its_years(app):
    calendar = calendar_for([2025])
    with pytest.raises(OutsideCalendarError):
        calendar.is_working_day(date(2026, 1, 2))
    with pytest.raises(OutsideCalendarError):
        calendar.add_working_days(date(2025, 12, 30), 5)  # walks into 2026, whose holidays it does not know


def test_working_days_between(lebaran_2025):
    calendar = calendar_for([2025])
    monday = date(2025, 3, 10)
    assert calendar.working_days_between(monday, monday) == 0
    assert calendar.working_days_between(monday, date(2025, 3, 14)) == 4  # Tue-Fri: start not counted
    assert calendar.working_days_between(monday, date(2025, 3, 17)) == 5  # the weekend adds nothing
    assert calendar.working_days_between(date(2025, 3, 17), monday) == -5
    # Through Lebaran: 3 days before it, 8 after (8-11, 14-17 April), none of the ten days off in between.
    assert calendar.working_days_between(date(2025, 3, 24), date(2025, 4, 17)) == 11


def test_working_days_between_agrees_with_counting_day_by_day(lebaran_2025):
    """The arithmetic (weeks and bisect) gives what walking one day at a time gives, for every span of 2025."""
    calendar = calendar_for([2025])
    start = date(2025, 1, 1)
    for offset in range(0, 365, 7):
        a = start + timedelta(days=offset)
        for length in (0, 1, 3, 6, 13, 40, 100):
            b = min(a + timedelta(days=length), date(2025, 12, 31))
            walked = sum(1 for i in range(1, (b - a).days + 1) if calendar.is_working_day(a + timedelta(days=i)))
            assert calendar.working_days_between(a, b) == walked, (a, b)


def test_the_calendar_is_a_hashable_value():
    one = WorkCalendar(2025, 2025, ((date(2025, 4, 2), "Cuti"),))
    two = WorkCalendar(2025, 2025, ((date(2025, 4, 2), "Cuti"),))
    assert one == two and hash(one) == hash(two)
    with pytest.raises(AttributeError):
        one.first_year = 2024


def test_work_calendar_is_built_once_per_request_and_forgotten_after_a_change(app, monkeypatch):
    built = []
    real = services.calendar_for
    monkeypatch.setattr(services, "calendar_for", lambda years: built.append(years) or real(years))
    with app.test_request_context():
        first = services.work_calendar()
        assert services.work_calendar() is first
        today = services.local_today()
        assert first.covers(date(today.year - 5, 1, 1)) and first.covers(date(today.year + 2, 12, 31))
        assert len(built) == 1
        services.add_day_off("test", day=date(today.year, 12, 31), name="Libur Daerah Uji", kind=DayOffKind.LOCAL,
                             source="Keputusan Bupati Uji No. 1/2025")
        assert not services.work_calendar().is_working_day(date(today.year, 12, 31))
        assert len(built) == 2


def test_national_holidays_are_computed_once_per_year(app):
    services.national_holidays.cache_clear()
    services.national_holidays(2025)
    services.national_holidays(2025)
    assert services.national_holidays.cache_info().hits == 1


def test_adding_a_day_twice_is_refused_and_audited_once(app):
    services.add_day_off("test", day=date(2025, 8, 18), name="Cuti Bersama HUT RI", kind=DayOffKind.CUTI_BERSAMA,
                        source="SKB 3 Menteri No. 2/2025")
    db.session.commit()
    with pytest.raises(services.CalendarError, match="18-08-2025 sudah tercatat"):
        services.add_day_off("test", day=date(2025, 8, 18), name="Lagi", kind=DayOffKind.LOCAL, source="x")
    db.session.rollback()
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions == ["calendar.day_off_add"]


def test_deleting_a_day_off_makes_it_a_working_day_again(lebaran_2025):
    row = lebaran_2025[-1]
    services.delete_day_off("test", row)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DayOff)) == 4
    assert calendar_for([2025]).is_working_day(date(2025, 4, 7))
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "calendar.day_off_delete"))
    assert entry.target_id == str(row.id) and "2025-04-07" in entry.data_json
