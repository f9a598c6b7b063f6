"""Hostile input on the legal catalogue's forms and the codes in its URLs, as a super admin.

Each form starts from a valid submission with some fields replaced by hostile values. Refused: no 5xx, no row
changed, a message. Accepted: single-line text within its caps, codes as the catalogue writes them, deadlines within
the law's room.
"""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.legal import services
from netralitas.legal.models import DeadlineRule, Sanction, ViolationForm
from tests.hostile.support import assert_no_server_error, examples, fuzz, query_text, row_counts
from tests.hostile.test_staff_forms import assert_clean_text, mutations, post_form

pytestmark = pytest.mark.usefixtures("cheap_decoy")

numbers = st.one_of(st.integers().map(str), st.just("99999999999999999999999"), st.just("-1"), st.just("1e309"),
                    st.just(" 7 "), st.just("٧"))


@pytest.fixture
def admin_client(client, make_staff, login_as):
    services.seed_catalogue()
    db.session.commit()
    login_as(make_staff(Role.SUPER_ADMIN))
    return client


def newest(model):
    db.session.expire_all()
    return db.session.scalar(sa.select(model).order_by(model.id.desc()).limit(1))


def assert_clean_entry(row) -> None:
    """Text and source as the catalogue stores them: one line, single spaces, printable, within their caps."""
    assert_clean_text(row.text, 500, is_name=True)
    assert_clean_text(row.source, 300, is_name=True)
    for value in (row.text, row.source):
        assert value == " ".join(value.split()) and value and value.isprintable(), repr(value)
    assert services.clean_code(row.code) == row.code


def test_violation_form_forms(admin_client, backend):
    valid = {"code": "BARU-1", "violation_class": "disiplin", "sanction_level": "berat",
             "text": "Menjadi juru kampanye", "source": "Peraturan daerah (verifikasi)"}
    fresh = itertools.count(1)

    @fuzz(80, backend)
    @given(data=mutations(valid), edit=st.booleans())
    def check(data, edit):
        examples.count()
        if edit:
            url = "/admin/katalog/DIS-01/ubah"
            post_form(admin_client, url, data, stored=lambda: assert_clean_entry(services.form_by_code("DIS-01")))
            return
        if data.get("code") == valid["code"]:  # a fresh code each time, so the valid path stays reachable
            data = {**data, "code": f"BARU-{next(fresh)}"}
        post_form(admin_client, "/admin/katalog/baru", data, stored=lambda: assert_clean_entry(newest(ViolationForm)))

    check()


def test_sanction_forms(admin_client, backend):
    valid = {"code": "NONASN-BARU-1", "employee_group": "non_asn", "level": "sedang", "text": "Skorsing",
             "duration_months": "1", "source": "Kontrak kerja", "position": "45"}
    fresh = itertools.count(1)
    text = st.one_of(st.sampled_from(["", "0", "121", "abc"]), numbers, query_text)

    def stored(row):
        assert_clean_entry(row)
        assert row.duration_months is None or 1 <= row.duration_months <= 120
        assert 0 <= row.position <= 9999

    @fuzz(80, backend)
    @given(data=mutations(valid), numeric=st.fixed_dictionaries({}, optional={"duration_months": text,
                                                                              "position": text}),
           edit=st.booleans())
    def check(data, numeric, edit):
        examples.count()
        data = {**data, **numeric}
        if edit:
            url = "/admin/katalog/sanksi/PNS-SEDANG-TPP-6/ubah"
            post_form(admin_client, url, data, stored=lambda: stored(services.sanction_by_code("PNS-SEDANG-TPP-6")))
            assert services.sanction_by_code("PNS-SEDANG-TPP-6").employee_group.value == "pns"
            return
        if data.get("code") == valid["code"]:
            data = {**data, "code": f"NONASN-BARU-{next(fresh)}"}
        post_form(admin_client, "/admin/katalog/sanksi/baru", data, stored=lambda: stored(newest(Sanction)))

    check()


def test_deadline_form(admin_client, backend):
    def stored():
        for rule in db.session.scalars(sa.select(DeadlineRule)):
            assert rule.min_days <= rule.working_days <= rule.max_days, rule.key

    @fuzz(60, backend)
    @given(data=mutations({"working_days": "10"}, st.one_of(numbers, query_text)),
           key=st.sampled_from(["recommendation_follow_up", "summons_notice", "objection_window"]))
    def check(data, key):
        examples.count()
        post_form(admin_client, f"/admin/tenggat/{key}/ubah", data, stored=stored)

    check()


def test_codes_in_urls(admin_client, backend):
    """Any code in a catalogue URL: 404 (or the page of a real code), never a server error or a change."""
    pages = ["/admin/katalog/{}/ubah", "/admin/katalog/{}/status", "/admin/katalog/sanksi/{}/ubah",
             "/admin/katalog/sanksi/{}/status", "/admin/tenggat/{}/ubah", "/admin/tenggat/{}/reset"]
    code = st.one_of(query_text, st.just("x" * 5000)).filter(lambda c: c and "/" not in c and c not in (".", ".."))

    @fuzz(30, backend)
    @given(code=code)
    def check(code):
        examples.count()
        before = row_counts()
        for page in pages:
            response = admin_client.get(page.format(code))
            assert_no_server_error(response, page)
            assert response.status_code in (200, 400, 404), (page, code, response.status_code)
        assert row_counts() == before

    check()
