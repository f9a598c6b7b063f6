"""The signer role: a visitor who proved to be an employee (invitation code + birth date) and signed.

That proof opens the signer's own pages for that event and nothing else: every staff route answers as it
does to an anonymous visitor (to the login page), every POST changes nothing, and no signer page shows
another employee's signature, certificate or name, for this event or another one, however the session is
tampered with. Routes come from the URL map, so a new one is walked without being listed here.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface

from netralitas.certificates.services import display_code
from netralitas.extensions import db
from netralitas.masterdata.models import Employee
from netralitas.signing.models import Signature
from tests.access.conftest import all_rows
from tests.test_access import ACCESS, ANON, build_url, decided_routes, hostile_form

pytestmark = pytest.mark.usefixtures("fast_passwords")

#: What the signer's own pages answer once they have signed (the access table gives anonymous visitors' answers).
SIGNER_OK = {
    "signing.done": 200,
    "signing.certificate_pdf_download": 200,
    "signing.signature_image": 200,
    "signing.declare": 302,  # already signed: on to the certificate
}
#: Where the signer's own pages lead.
SIGNER_REDIRECTS = {"signing.declare": "/e/uji-akses/selesai"}


def expected_for_signer(rule) -> int:
    access = ACCESS[rule.endpoint]
    if "GET" not in rule.methods:
        return 405
    if ANON not in access.roles:
        return 302  # a staff route: to the login page, exactly as for an anonymous visitor
    return SIGNER_OK.get(rule.endpoint, access.ok)


def test_signer_gets_every_route_as_expected(app, world, signer):
    failures, checked = [], 0
    for rule in decided_routes(app):
        url = build_url(app, rule, world, "B")
        expected = expected_for_signer(rule)
        response = signer.client.get(url)
        checked += 1
        if response.status_code != expected:
            failures.append(f"GET {url} ({rule.endpoint}) as signer: {response.status_code}, expected {expected}")
        elif expected == 302:
            target = urlsplit(response.headers["Location"]).path
            wanted = SIGNER_REDIRECTS.get(rule.endpoint, "/masuk" if ANON not in ACCESS[rule.endpoint].roles else None)
            if wanted and target != wanted:
                failures.append(f"GET {url} as signer redirects to {target}, expected {wanted}")
    assert not failures, "\n".join(failures)
    assert checked == len(decided_routes(app))


def test_signer_posts_change_nothing(app, world, signer):
    """Every POST in the URL map, aimed at agency B, from the signer's session: nothing changes."""
    # Leaving last: it ends the signer session the other requests need.
    rules = sorted((r for r in decided_routes(app) if "POST" in r.methods), key=lambda r: r.endpoint == "signing.leave")
    failures = []
    for rule in rules:
        url = build_url(app, rule, world, "B")
        before = all_rows()
        response = signer.client.post(url, data=hostile_form(rule.endpoint, world))
        if ANON not in ACCESS[rule.endpoint].roles:
            if response.status_code != 302 or urlsplit(response.headers["Location"]).path != "/masuk":
                failures.append(f"POST {url} ({rule.endpoint}) as signer: {response.status_code}, expected the login page")
        elif response.status_code >= 500:
            failures.append(f"POST {url} ({rule.endpoint}) as signer: {response.status_code}")
        if all_rows() != before:
            failures.append(f"POST {url} ({rule.endpoint}) as signer changed data")
    assert not failures, "\n".join(failures)


def test_signer_pages_show_only_the_signers_own_certificate(world, signer):
    mine = db.session.scalar(sa.select(Signature).where(Signature.employee_id == signer.employee_id)).certificate
    theirs = db.session.scalar(sa.select(Signature).where(Signature.employee_id == signer.other_employee_id)).certificate
    other_name = db.session.get(Employee, signer.other_employee_id).name
    page = signer.client.get("/e/uji-akses/selesai").get_data(as_text=True)
    assert display_code(mine.code) in page
    assert display_code(theirs.code) not in page and other_name not in page
    pdf = signer.client.get("/e/uji-akses/sertifikat.pdf")
    assert display_code(mine.code) in pdf.headers["Content-Disposition"]
    assert signer.client.get("/e/uji-akses/tanda-tangan.png").data == mine.signature.signature_png


def test_a_signer_of_one_event_reaches_nothing_of_another(app, world, signer, make_event, make_employee, sign_for,
                                                          invite):
    """Employee A is invited to a second event where B has signed: A's session from the first event opens nothing."""
    other_event = make_event(slug="acara-lain")
    invite(other_event, db.session.get(Employee, signer.employee_id))
    sign_for(other_event, db.session.get(Employee, signer.other_employee_id))
    client = signer.client
    for path in ("/e/acara-lain/selesai", "/e/acara-lain/sertifikat.pdf", "/e/acara-lain/deklarasi"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/e/acara-lain", path
    assert client.get("/e/acara-lain/tanda-tangan.png").status_code == 404
    before = all_rows()
    response = client.post("/e/acara-lain/deklarasi", data={"typed_name": "Pegawai Di A", "point": ["1", "2"],
                                                             "signature": ""})
    assert response.status_code == 302 and all_rows() == before


def forged_session(app, payload: dict, secret: str) -> str:
    """A session cookie with the given content, signed with `secret` (the app's key only if an attacker had it)."""
    interface = SecureCookieSessionInterface()
    original = app.secret_key
    app.secret_key = secret
    try:
        return interface.get_signing_serializer(app).dumps(payload)
    finally:
        app.secret_key = original


def test_a_forged_signer_session_is_ignored(app, world, signer):
    """The signer session lives in the signed cookie: naming employee B without the app's key opens nothing."""
    with signer.client.session_transaction() as session:
        stolen = dict(session)
    stolen["signer"] = {**stolen["signer"], "access": {**stolen["signer"]["access"],
                                                         "employee_id": signer.other_employee_id}}
    attacker = app.test_client()
    attacker.set_cookie("session", forged_session(app, stolen, "not-the-secret-key"))
    for path in ("/e/uji-akses/selesai", "/e/uji-akses/sertifikat.pdf"):
        response = attacker.get(path)
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/e/uji-akses", path
    assert attacker.get("/e/uji-akses/tanda-tangan.png").status_code == 404


def test_an_expired_signer_session_must_prove_itself_again(world, signer):
    with signer.client.session_transaction() as session:
        session["signer"] = {**session["signer"], "since": session["signer"]["since"] - 31 * 60}
    response = signer.client.get("/e/uji-akses/selesai")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/e/uji-akses"
    assert signer.client.get("/e/uji-akses/tanda-tangan.png").status_code == 404


def test_leaving_ends_the_signer_session(world, signer):
    assert signer.client.post("/e/uji-akses/keluar").status_code == 302
    assert signer.client.get("/e/uji-akses/tanda-tangan.png").status_code == 404
    assert signer.client.get("/e/uji-akses/selesai").status_code == 302


def test_a_signer_session_is_not_a_staff_session(app, world, signer):
    """Even holding the signer session, a staff login is needed for staff pages (and gives only the staff role)."""
    assert signer.client.get("/admin/pegawai").status_code == 302
    with signer.client.session_transaction() as session:
        assert "_user_id" not in session
