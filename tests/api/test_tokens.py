"""API tokens: shown once, stored as a digest, listed and revoked only by their owner, every change audited."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from netralitas.api import services
from netralitas.audit.models import AuditEntry
from netralitas.auth.models import ApiToken, Role
from netralitas.extensions import db
from tests.conftest import csrf_token

TOKEN_PAGE = "/admin/token-api"


def all_stored_text() -> str:
    """Every value of every api_tokens and audit_entries row, as one string."""
    values = []
    for table in ("api_tokens", "audit_entries"):
        values += [str(v) for row in db.session.execute(sa.select(db.metadata.tables[table])) for v in row]
    return "\n".join(values)


def test_service_returns_the_plaintext_once_and_stores_only_its_digest(make_staff):
    staff = make_staff(Role.VIEWER)
    token, plaintext = services.create_token(staff, "  Dasbor Diskominfo ")
    db.session.commit()
    assert plaintext.startswith("ntr_") and len(plaintext) == 4 + 43  # 32 random bytes, base64url
    row = db.session.get(ApiToken, token.id)
    assert row.token_digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert (row.name, row.prefix, row.staff_id) == ("Dasbor Diskominfo", plaintext[:12], staff.id)
    assert plaintext not in all_stored_text()
    assert plaintext[12:] not in all_stored_text()
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "api_token.create")).one()
    assert (entry.actor_staff_id, entry.target_id) == (staff.id, str(token.id))


def test_two_tokens_never_share_a_secret(make_staff):
    staff = make_staff()
    first, second = services.create_token(staff, "a")[1], services.create_token(staff, "b")[1]
    assert first != second


def test_create_through_the_ui_shows_the_token_once(client, login_as, make_staff):
    staff = make_staff(Role.AGENCY_ADMIN)
    login_as(staff)
    response = client.post(f"{TOKEN_PAGE}/baru", data={"name": "Dasbor Bupati"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    token = db.session.scalars(sa.select(ApiToken).where(ApiToken.staff_id == staff.id)).one()
    plaintext = body.split('id="api-token" type="text" value="')[1].split('"')[0]
    assert services.token_digest(plaintext) == token.token_digest
    assert "hanya tampil sekali" in body
    assert response.headers["Cache-Control"] == "no-store"
    listing = client.get(TOKEN_PAGE).get_data(as_text=True)
    assert "Dasbor Bupati" in listing and token.prefix in listing
    assert plaintext not in listing
    assert "Set-Cookie" not in response.headers or plaintext not in response.headers["Set-Cookie"]


def test_a_nameless_token_is_refused(client, login_as, make_staff):
    login_as(make_staff())
    response = client.post(f"{TOKEN_PAGE}/baru", data={"name": "  "})
    assert response.status_code == 200
    assert "Nama token wajib diisi." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_list_shows_only_own_tokens_with_status(client, login_as, make_staff, token_for):
    me, other = make_staff(Role.OPERATOR), make_staff(Role.OPERATOR)
    token_for(me, "Punya saya")
    token_for(other, "Punya orang lain")
    old = db.session.scalars(sa.select(ApiToken).where(ApiToken.name == "Punya saya")).one()
    services.revoke_token(me, old)
    db.session.commit()
    token_for(me, "Yang baru")
    login_as(me)
    body = client.get(TOKEN_PAGE).get_data(as_text=True)
    assert "Punya orang lain" not in body
    assert body.index("Yang baru") < body.index("Punya saya")  # active ones first
    assert "dicabut" in body and "belum pernah" in body


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_revoke_needs_confirmation_and_csrf(app, client, login_as, make_staff, token_for, csrf_on):
    staff = make_staff(Role.VIEWER)
    token_for(staff, "Dasbor lama")
    token = db.session.scalars(sa.select(ApiToken)).one()
    login_as_with_csrf(client, staff)
    url = f"{TOKEN_PAGE}/{token.id}/cabut"
    page = client.get(url)
    assert page.status_code == 200
    assert "Dasbor lama" in page.get_data(as_text=True)
    assert db.session.get(ApiToken, token.id).revoked_dt is None  # looking at the page changes nothing
    assert client.post(url).status_code == 400  # no CSRF token
    assert db.session.get(ApiToken, token.id).revoked_dt is None
    response = client.post(url, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert db.session.get(ApiToken, token.id).is_revoked
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "api_token.revoke")).one()
    assert (entry.actor_staff_id, entry.target_id) == (staff.id, str(token.id))
    again = client.get(url)  # already revoked: back to the list, nothing written
    assert again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "api_token.revoke")) == 1


def login_as_with_csrf(client, staff) -> None:
    page = client.get("/masuk")
    response = client.post("/masuk", data={"email": staff.email, "password": "rahasia-123456",
                                           "csrf_token": csrf_token(page)})
    assert response.status_code == 302


def test_nobody_revokes_another_persons_token(client, login_as, make_staff, token_for):
    owner, intruder = make_staff(Role.VIEWER), make_staff(Role.SUPER_ADMIN)
    token_for(owner)
    token = db.session.scalars(sa.select(ApiToken)).one()
    login_as(intruder)
    assert client.get(f"{TOKEN_PAGE}/{token.id}/cabut").status_code == 404
    assert client.post(f"{TOKEN_PAGE}/{token.id}/cabut").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_dt is None
    with pytest.raises(services.TokenError):
        services.revoke_token(intruder, token)


def test_revoking_twice_is_refused_by_the_service(make_staff, token_for):
    staff = make_staff()
    token_for(staff)
    token = db.session.scalars(sa.select(ApiToken)).one()
    services.revoke_token(staff, token)
    with pytest.raises(services.TokenError):
        services.revoke_token(staff, token)


def test_last_used_is_written_at_most_once_a_minute(make_staff, token_for):
    staff = make_staff()
    plaintext = token_for(staff)
    assert services.authenticate(f"Bearer {plaintext}").id == staff.id
    db.session.commit()
    token = db.session.scalars(sa.select(ApiToken)).one()
    first = token.last_used_dt
    assert first is not None
    services.authenticate(f"Bearer {plaintext}")
    assert not db.session.dirty  # a second call within the minute writes nothing
    token.last_used_dt = first - timedelta(minutes=2)
    db.session.commit()
    services.authenticate(f"bearer   {plaintext}  ")  # scheme is case-insensitive, spaces tolerated
    assert token.last_used_dt > first - timedelta(minutes=2)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer ntr_tebakan",
                                    "Bearer " + "x" * 5000, "ntr_tanpa_skema"])
def test_authenticate_refuses_malformed_headers(make_staff, token_for, header):
    token_for(make_staff())
    assert services.authenticate(header) is None


def test_authenticate_refuses_revoked_tokens_and_inactive_accounts(make_staff, token_for):
    revoked_owner, inactive = make_staff(), make_staff(Role.AGENCY_ADMIN)
    revoked, dormant = token_for(revoked_owner), token_for(inactive)
    services.revoke_token(revoked_owner, db.session.scalars(sa.select(ApiToken).where(
        ApiToken.staff_id == revoked_owner.id)).one())
    inactive.is_active_account = False
    db.session.commit()
    assert services.authenticate(f"Bearer {revoked}") is None
    assert services.authenticate(f"Bearer {dormant}") is None
