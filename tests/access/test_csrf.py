"""Every state-changing route refuses a request without a valid CSRF token (400) and changes nothing.

The routes come from the URL map (any rule accepting POST, PUT, PATCH or DELETE), so a new form cannot ship
unprotected. Each is sent by someone allowed to use it (a super admin for staff routes, a visitor or a verified
signer for public ones) with a form that would change something, without a token, with a made-up token and
with a token from another session. A control run with the right token shows the same requests do act.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from netralitas.auth.models import Role
from netralitas.events.models import Event
from netralitas.extensions import csrf, db
from netralitas.masterdata.models import Agency, Employee
from tests.access.conftest import all_rows
from tests.conftest import PASSWORD, csrf_token
from tests.test_access import ACCESS, ANON, build_url, routes

pytestmark = pytest.mark.usefixtures("fast_passwords")

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Public routes that act on the verified signer's session rather than an anonymous one.
SIGNER_ROUTES = frozenset({"signing.declare", "signing.leave"})
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def state_changing_rules(app) -> list:
    return [rule for rule in routes(app) if rule.methods & STATE_CHANGING]


@dataclass
class Actors:
    """Who sends the requests: a super admin, an anonymous visitor, a signer who has not signed yet."""

    admin: object
    admin_id: int
    visitor: object
    signer: object
    signer_form: dict


@pytest.fixture
def actors(app, world, make_staff, invite) -> Actors:
    admin = make_staff(Role.SUPER_ADMIN, email="csrf-admin@contoh.go.id")
    admin_client = app.test_client()
    assert admin_client.post("/masuk", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    invited = invite(db.session.get(Event, world.event_id), db.session.get(Employee, world.employee_ids["A"]))
    signer = app.test_client()
    assert signer.post("/e/uji-akses", data={"code": invited.code, "birth_date": invited.birth}).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True  # from here on, as in production
    return Actors(admin_client, admin.id, app.test_client(), signer, invited.declaration())


def acting_form(endpoint: str, world, actors: Actors) -> dict:
    """Form data that would change something if the request were accepted."""
    forms = {
        "auth.login": {"email": "csrf-admin@contoh.go.id", "password": PASSWORD},
        "auth.change_password": {"old_password": PASSWORD, "new_password": "sandi-baru-12345",
                                 "confirm": "sandi-baru-12345"},
        "auth.staff_create": {"email": "baru@contoh.go.id", "name": "Baru", "role": "super_admin", "agency_id": "0",
                              "password": "sandi-baru-12345", "is_active": "y"},
        "auth.staff_edit": {"email": "staf-a@contoh.go.id", "name": "Diubah", "role": "super_admin",
                            "agency_id": "0", "password": "", "is_active": "y"},
        "masterdata.agency_create": {"kode": "CSRF", "nama": "Unit CSRF", "jenis": "UNIT", "parent_id": "0"},
        "masterdata.agency_edit": {"kode": "UNIT-A1", "nama": "Diubah", "jenis": "UNIT", "parent_id": str(world.a_id)},
        "api.token_create": {"name": "token csrf"},
        "certificates.check_code": {"code": "NTR-0000-0000-0"},
        "public_reports.report": {"government_id": str(world.a_id), "subject_name": "Terlapor", "topic": "lainnya",
                                  "description": "Uraian laporan yang cukup panjang untuk diterima."},
        "signing.start": {"code": "x", "birth_date": "01-01-1980"},
        "signing.declare": actors.signer_form,
        "invitations.reissue": {"sudah_cek_identitas": "y", "alasan": "slip hilang"},
        "reminders.send_email": {"unit": "0"},
        "events.create": {"name": "Acara CSRF", "slug": "acara-csrf", "election_kind": "PILKADA",
                          "opens_at": "2026-11-22T07:00", "closes_at": "2026-11-22T15:00", "categories": ["PNS"]},
    }
    return forms.get(endpoint, {})


def client_for(endpoint: str, actors: Actors):
    if endpoint in SIGNER_ROUTES:
        return actors.signer
    return actors.visitor if ANON in ACCESS[endpoint].roles else actors.admin


#: Session keys that are bookkeeping, not who the visitor is (Flask-Login marks any request "not fresh").
BOOKKEEPING = ("csrf_token", "_flashes", "_fresh")


def session_of(client) -> dict:
    """Who the session says the visitor is: the staff login, the verified signer, the language."""
    with client.session_transaction() as session:
        return {key: value for key, value in session.items() if key not in BOOKKEEPING}


def test_no_state_changing_view_is_exempt(app):
    for rule in state_changing_rules(app):
        view = app.view_functions[rule.endpoint]
        assert f"{view.__module__}.{view.__name__}" not in csrf._exempt_views, rule.endpoint
        assert app.blueprints.get(rule.endpoint.split(".")[0]) not in csrf._exempt_blueprints, rule.endpoint


def test_every_state_changing_route_needs_the_csrf_token(app, world, actors):
    # Requests that end a session (logout, leaving the signer page) go last.
    rules = sorted(state_changing_rules(app), key=lambda r: r.endpoint in ("auth.logout", "signing.leave"))
    assert len(rules) >= 20, "the URL map lost its forms?"
    other_session_token = csrf_token(actors.visitor.get("/masuk"))
    failures, checked = [], 0
    for rule in rules:
        client = client_for(rule.endpoint, actors)
        url = build_url(app, rule, world, "A")
        for method in sorted(rule.methods & STATE_CHANGING):
            for label, token in (("no token", None), ("made-up token", "x" * 40),
                                 ("another session's token", other_session_token)):
                data = dict(acting_form(rule.endpoint, world, actors))
                if token is not None:
                    data["csrf_token"] = token
                if client is actors.visitor and token == other_session_token:
                    continue  # the visitor's own token: not another session's
                rows, session = all_rows(), session_of(client)
                response = client.open(url, method=method, data=data)
                checked += 1
                what = f"{method} {url} ({rule.endpoint}) with {label}"
                if response.status_code != 400:
                    failures.append(f"{what}: {response.status_code}, expected 400")
                elif "Permintaan tidak valid" not in response.get_data(as_text=True):
                    failures.append(f"{what}: the 400 page does not say why")
                if all_rows() != rows:
                    failures.append(f"{what} changed data")
                if session_of(client) != session:
                    failures.append(f"{what} changed the session: {session} -> {session_of(client)}")
    assert not failures, "\n".join(failures)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "csrf-checks.txt").write_text(
        f"{checked} requests without a valid CSRF token on {len(rules)} state-changing routes: all 400, nothing changed\n")


def test_with_the_token_the_same_requests_act(app, world, actors):
    """The control: with a valid token, login, a staff form, a signature and leaving do take effect."""
    token = csrf_token(actors.admin.get("/admin/perangkat-daerah/baru"))
    response = actors.admin.post("/admin/perangkat-daerah/baru",
                                 data={**acting_form("masterdata.agency_create", world, actors), "csrf_token": token})
    assert response.status_code == 302
    assert db.session.query(Agency).filter_by(code="CSRF").count() == 1
    token = csrf_token(actors.signer.get("/e/uji-akses/deklarasi"))
    response = actors.signer.post("/e/uji-akses/deklarasi", data={**actors.signer_form, "csrf_token": token})
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/e/uji-akses/selesai"
    token = csrf_token(actors.visitor.get("/masuk"))
    response = actors.visitor.post("/masuk", data={**acting_form("auth.login", world, actors), "csrf_token": token})
    assert response.status_code == 302
    assert "_user_id" in session_of(actors.visitor)
