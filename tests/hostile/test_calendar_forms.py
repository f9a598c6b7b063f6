"""Hostile input on the working-day calendar's forms and its ?tahun= argument, as a super admin.

The add form starts from a valid submission with some fields replaced by hostile values. Refused: no 5xx, no row
changed, a message. Accepted: one day off whose name and source are single lines within their caps.
"""
from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from netralitas.auth.models import Role
from netralitas.calendar.models import DayOff
from netralitas.extensions import db
from tests.hostile.support import assert_no_server_error, examples, fuzz, query_text, row_counts
from tests.hostile.test_staff_forms import assert_clean_text, mutations, post_form

pytestmark = pytest.mark.usefixtures("cheap_decoy")


@pytest.fixture
def admin_client(client, make_staff, login_as):
    login_as(make_staff(Role.SUPER_ADMIN))
    return client


def test_day_off_form(admin_client, backend):
    days = (date(2030, 1, 1) + timedelta(days=n) for n in itertools.count())
    valid = {"day": "01-01-2030", "name": "Libur Daerah Uji", "kind": "local", "source": "Keputusan Bupati No. 1/2030"}

    def stored():
        row = db.session.scalar(sa.select(DayOff).order_by(DayOff.id.desc()).limit(1))
        assert_clean_text(row.name, 200, is_name=True)
        assert_clean_text(row.source, 300, is_name=True)
        assert row.name == " ".join(row.name.split()) and row.source == " ".join(row.source.split())
        assert 2000 <= row.day.year <= 2100

    @fuzz(80, backend)
    @given(data=mutations(valid))
    def check(data):
        examples.count()
        if data.get("day") == valid["day"]:  # a fresh day each time, so the valid path stays reachable
            data = {**data, "day": next(days).strftime("%d-%m-%Y")}
        post_form(admin_client, "/admin/kalender", data, stored=stored)

    check()


def test_import_form_and_year_argument(admin_client, backend):
    numbers = st.one_of(st.integers().map(str), st.just("99999999999999999999999"), st.just("-1"))

    @fuzz(30, backend)
    @given(year=st.one_of(query_text, numbers), data=mutations({"year": "2090"}, st.one_of(query_text, numbers)))
    def check(year, data):
        examples.count()
        before = row_counts()
        response = admin_client.get("/admin/kalender", query_string={"tahun": year})
        assert_no_server_error(response, "GET /admin/kalender")
        assert response.status_code in (200, 400)
        assert row_counts() == before
        response = admin_client.post("/admin/kalender/impor-cuti-bersama", data=data)
        assert_no_server_error(response, "POST /admin/kalender/impor-cuti-bersama")
        assert response.status_code in (302, 400)
        # Only a year the package knows records anything, and only days of that year; they are removed again.
        recorded = db.session.scalars(sa.select(DayOff)).all()
        if recorded:
            year = data["year"][0] if isinstance(data["year"], list) else data["year"]
            assert {row.day.year for row in recorded} == {int(year)}
            db.session.execute(sa.delete(DayOff))
            db.session.commit()

    check()
