"""GET /api/v1/events/<slug>/completion: bearer tokens only, scoped like the staff member, JSON errors, no cookies."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from netralitas.api import services
from netralitas.auth.models import ApiToken, Role
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.reports.completion import completion

URL = "/api/v1/events/uji-api/completion"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
COUNT_KEYS = {"required", "signed", "attended", "remote", "percent"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_json_error(response, status: int, error: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == error
    assert response.get_json()["message"]


def test_json_shape(client, city, make_staff, token_for):
    response = client.get(URL, headers=bearer(token_for(make_staff())))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert list(data) == ["event", "generated_at", "overall", "by_category", "by_agency"]  # documented order
    assert data["event"]["slug"] == "uji-api"
    assert (data["event"]["name"], data["event"]["status"]) == ("Deklarasi Uji API", "OPEN")
    for value in (data["event"]["opens"], data["event"]["closes"], data["generated_at"]):
        assert ISO_UTC.match(value), value
    assert data["overall"] == {"required": 10, "signed": 6, "attended": 2, "remote": 4, "percent": 60.0}
    categories = {row["category"]: row for row in data["by_category"]}
    assert set(categories["KONTRAK"]) == {"category"} | COUNT_KEYS
    assert (categories["KONTRAK"]["required"], categories["KONTRAK"]["signed"]) == (3, 2)
    assert categories["PPPK"]["percent"] == 60.0
    assert categories["BUMD"]["required"] == 0
    rows = data["by_agency"]
    assert [r["code"] for r in rows] == ["PEMKOT", "DINKES", "PKM1", "DISDIK"]  # tree order, parents first
    assert list(rows[0]) == ["code", "name", "parent_code", "depth", "required", "signed", "attended", "remote", "percent"]
    assert [(r["parent_code"], r["depth"]) for r in rows] == [(None, 0), ("PEMKOT", 1), ("DINKES", 2), ("PEMKOT", 1)]
    assert rows[1] == {"code": "DINKES", "name": "Dinas Kesehatan", "parent_code": "PEMKOT", "depth": 1,
                       "required": 5, "signed": 3, "attended": 2, "remote": 1, "percent": 60.0}


def test_totals_equal_the_completion_service_used_by_the_dashboard(client, city, make_staff, token_for):
    staff = make_staff(Role.VIEWER)
    data = client.get(URL, headers=bearer(token_for(staff))).get_json()
    result = completion(city["event"], Audience.of(city["event"], staff))
    assert data["overall"]["required"] == result.total.required
    assert data["overall"]["signed"] == result.total.signed
    assert {r["category"]: r["signed"] for r in data["by_category"]} == {
        c.value: counts.signed for c, counts in result.by_category.items()}
    assert [(r["code"], r["required"], r["signed"], r["attended"]) for r in data["by_agency"]] == [
        (a.code, a.required, a.signed, a.attended) for a in result.walk()]


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.VIEWER])
def test_scoped_staff_see_only_their_subtree(client, city, make_staff, token_for, role):
    staff = make_staff(role, agency=city["dinkes"])
    headers = bearer(token_for(staff))
    response = client.get(URL, headers=headers)
    data = response.get_json()
    assert data["overall"] == {"required": 5, "signed": 3, "attended": 2, "remote": 1, "percent": 60.0}
    assert [(r["code"], r["parent_code"]) for r in data["by_agency"]] == [("DINKES", None), ("PKM1", "DINKES")]
    body = response.get_data(as_text=True)
    assert "DISDIK" not in body and "PEMKOT" not in body and "Dinas Pendidikan" not in body
    assert {r["category"]: r["required"] for r in data["by_category"]}["PPPK"] == 0  # DISDIK's PPPK are not theirs
    assert_json_error(client.get(f"{URL}?unit=DISDIK", headers=headers), 404, "not_found")
    assert_json_error(client.get(f"{URL}?unit=PEMKOT", headers=headers), 404, "not_found")  # their parent
    narrowed = client.get(f"{URL}?unit=PKM1", headers=headers).get_json()
    assert [(r["code"], r["parent_code"]) for r in narrowed["by_agency"]] == [("PKM1", None)]
    assert narrowed["overall"]["required"] == 3


def test_unit_narrows_for_a_super_admin(client, city, make_staff, token_for):
    headers = bearer(token_for(make_staff()))
    data = client.get(f"{URL}?unit=DISDIK", headers=headers).get_json()
    assert [r["code"] for r in data["by_agency"]] == ["DISDIK"]
    assert data["overall"] == {"required": 5, "signed": 3, "attended": 0, "remote": 3, "percent": 60.0}
    assert_json_error(client.get(f"{URL}?unit=TIDAK-ADA", headers=headers), 404, "not_found")
    assert client.get(f"{URL}?unit=", headers=headers).get_json()["overall"]["required"] == 10  # empty: no filter


def test_unknown_event_is_a_json_404(client, city, make_staff, token_for):
    response = client.get("/api/v1/events/tidak-ada/completion", headers=bearer(token_for(make_staff())))
    assert_json_error(response, 404, "not_found")


@pytest.mark.parametrize("header, error, challenge", [
    (None, "missing_token", 'Bearer realm="netralitas"'),
    ("Bearer ntr_tebakan-saja", "invalid_token", 'Bearer realm="netralitas", error="invalid_token"'),
    ("Basic dXNlcjpwYXNz", "invalid_token", 'Bearer realm="netralitas", error="invalid_token"'),
])
def test_missing_or_garbage_tokens_get_401(client, city, header, error, challenge):
    response = client.get(URL, headers={"Authorization": header} if header else {})
    assert_json_error(response, 401, error)
    assert response.headers["WWW-Authenticate"] == challenge
    assert "Deklarasi" not in response.get_data(as_text=True)


def test_revoked_token_and_inactive_account_get_401(client, city, make_staff, token_for):
    owner, leaver = make_staff(Role.OPERATOR), make_staff(Role.AGENCY_ADMIN, agency=city["dinkes"])
    revoked, dormant = token_for(owner), token_for(leaver)
    assert client.get(URL, headers=bearer(revoked)).status_code == 200
    assert client.get(URL, headers=bearer(dormant)).status_code == 200
    services.revoke_token(owner, db.session.scalars(sa.select(ApiToken).where(ApiToken.staff_id == owner.id)).one())
    leaver.is_active_account = False
    db.session.commit()
    assert_json_error(client.get(URL, headers=bearer(revoked)), 401, "invalid_token")
    assert_json_error(client.get(URL, headers=bearer(dormant)), 401, "invalid_token")


def test_a_web_session_does_not_authenticate_the_api(client, city, make_staff, login_as):
    login_as(make_staff())
    assert_json_error(client.get(URL), 401, "missing_token")


def test_a_token_does_not_sign_anyone_in_to_web_pages(client, city, make_staff, token_for):
    headers = bearer(token_for(make_staff()))
    for page in ("/admin/token-api", "/admin/acara"):
        response = client.get(page, headers=headers)
        assert response.status_code == 302
        assert "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("query", ["", "?lang=en"])
def test_api_responses_are_uncached_and_set_no_cookie(client, city, make_staff, token_for, query):
    headers = bearer(token_for(make_staff()))
    for response in (client.get(URL + query, headers=headers), client.get(URL + query)):
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
    assert not list(client._cookies)  # the client holds no cookie afterwards


def test_only_get(client, city, make_staff, token_for):
    assert client.post(URL, headers=bearer(token_for(make_staff()))).status_code == 405


def test_rate_limited_per_token_with_a_json_429(limited_api_app, city, make_staff, token_for):
    first, second = token_for(make_staff()), token_for(make_staff())
    client = limited_api_app.test_client()
    assert [client.get(URL, headers=bearer(first)).status_code for _ in range(2)] == [200, 200]
    response = client.get(URL, headers=bearer(first))
    assert_json_error(response, 429, "rate_limited")
    assert "Retry-After" in response.headers
    assert client.get(URL, headers=bearer(second)).status_code == 200  # another token has its own budget


def test_failed_tokens_are_limited_per_address(limited_api_app, city):
    client = limited_api_app.test_client()
    statuses = [client.get(URL, headers=bearer(f"ntr_tebakan-{n}")).status_code for n in range(4)]
    assert statuses == [401, 401, 401, 429]
