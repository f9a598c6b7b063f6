"""Hostile query strings on the routes that start background exports (slips PDF, certificate ZIP): no 5xx, a unit
outside the caller's scope is a 404, and what a started job keeps is only a unit in scope and a yes/no flag."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.jobs.models import Job
from netralitas.masterdata.models import AgencyKind
from tests.hostile.support import NASTY, assert_no_server_error

pytestmark = pytest.mark.usefixtures("fast_passwords")

START_ROUTES = ("/admin/acara/{event}/undangan.pdf/tugas", "/admin/acara/{event}/sertifikat.zip/tugas")


def test_hostile_unit_and_flag_start_nothing_out_of_scope(app, client, login_as, make_agency, make_employee,
                                                         make_event, make_staff):
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=kota, name="Dinas A")
    b = make_agency("DINAS-B", parent=kota, name="Dinas B")
    make_employee(a, name="Siti Rahayu")
    event = make_event()
    login_as(make_staff(Role.AGENCY_ADMIN, agency=a))
    for route in START_ROUTES:
        url = route.format(event=event.id)
        for value in (*NASTY, str(b.id), f"{b.id}abc", f"-{b.id}", "1e3", f"{a.id}&unit={b.id}"):
            response = client.post(url, query_string={"unit": value, "belum": value})
            assert_no_server_error(response, f"POST {url} unit={value!r}")
            assert response.status_code in (302, 400, 404), (url, value, response.status_code)
        assert client.post(url, query_string={"unit": str(b.id)}).status_code == 404
        response = client.post(url, query_string=[("unit", str(a.id)), ("unit", str(b.id)), ("belum", "1")])
        assert response.status_code == 302  # the first ?unit= counts, as on every scoped page
    jobs = list(db.session.scalars(sa.select(Job)))
    assert jobs and {job.unit_id for job in jobs} <= {None, a.id}
    for job in jobs:
        params = json.loads(job.params_json)
        assert set(params) <= {"unsigned_only", "base_url"}
        assert params.get("unsigned_only") in (None, True, False)
        assert params["base_url"] == app.config["PUBLIC_BASE_URL"]
    assert client.post(START_ROUTES[0].format(event=999999)).status_code == 404
