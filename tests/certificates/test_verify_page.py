"""The public /v/<token> page: verdicts, forgeries rejected before the database, masking, size, no caching."""
from __future__ import annotations

import random
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from netralitas.certificates import services
from netralitas.certificates.keys import generate_key
from netralitas.core.formatting import format_moment
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.extensions import db
from netralitas.masterdata.models import Category, Employee
from netralitas.signing.models import RevocationReason
from tests.certificates.conftest import verdict_of_page
from tests.certificates.forgeries import FORGERIES

STATIC = Path(__file__).resolve().parents[2] / "static"


@contextmanager
def sql_statements():
    """Every SQL statement the app sends while the block runs."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_signing_yields_a_verify_url_that_shows_valid_with_masked_data(app, client, certify):
    certificate = certify(name="Siti Rahayu Lestari")
    employee = certificate.signature.employee
    url = services.verify_url(certificate)
    assert url == f"{app.config['PUBLIC_BASE_URL']}/v/{certificate.token}"
    page = client.get(url.removeprefix(app.config["PUBLIC_BASE_URL"]))
    assert page.status_code == 200 and verdict_of_page(page) == "VALID"
    assert "VALID" in page.text and "Sertifikat ini asli dan masih berlaku." in page.text
    assert "Siti R••••• L••••••" in page.text and "Siti Rahayu Lestari" not in page.text
    assert employee.nip not in page.text and employee.nik not in page.text
    assert f"{employee.nip[:4]}••••••••••{employee.nip[-4:]}" in page.text
    assert "Dinas Kesehatan Uji" in page.text and "Deklarasi Netralitas Pilkada Uji" in page.text
    assert services.display_code(certificate.code) in page.text
    with app.test_request_context():
        signed = format_moment(certificate.signature.signed_dt)
    assert f"{signed} WIB" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]


def test_page_names_the_official_address(app, client, certify):
    app.config["PUBLIC_BASE_URL"] = "https://netralitas.contoh.go.id"
    page = client.get(f"/v/{certify().token}")
    assert '<strong class="host">netralitas.contoh.go.id</strong>' in page.text
    assert "bilah alamat" in page.text


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_forged_or_broken_tokens_are_not_valid_without_touching_the_database(app, client, certify, forgery):
    genuine = certify().token
    forged = FORGERIES[forgery](genuine, app.config["KEYS_DIR"])
    assert forged != genuine
    with sql_statements() as statements:
        page = client.get(f"/v/{forged}")
    assert page.status_code == 404 and verdict_of_page(page) == "NOT_VALID", forgery
    assert "TIDAK VALID" in page.text
    assert statements == [], f"{forgery}: the database was queried before the signature was checked"
    assert page.headers["Cache-Control"] == "no-store"


def test_the_statement_counter_does_see_a_genuine_lookup(client, certify):
    token = certify().token
    with sql_statements() as statements:
        page = client.get(f"/v/{token}")
    assert verdict_of_page(page) == "VALID" and statements  # the counter works, so the empty lists above mean something


def test_a_genuine_lookup_is_one_statement_even_for_a_signed_in_staff_member(client, certify, make_staff, login_as):
    token = certify().token
    login_as(make_staff())
    with sql_statements() as statements:
        page = client.get(f"/v/{token}")
    assert verdict_of_page(page) == "VALID"
    assert len(statements) == 1 and "certificates" in statements[0]  # the page does not load the staff member


def test_forgeries_never_reach_the_certificate_lookup(app, client, certify, monkeypatch):
    genuine = certify().token

    def must_not_run(code):
        raise AssertionError(f"find_public_record({code!r}) ran for a forged token")

    monkeypatch.setattr(services, "find_public_record", must_not_run)
    for name, forge in FORGERIES.items():
        assert client.get(f"/v/{forge(genuine, app.config['KEYS_DIR'])}").status_code == 404, name


@pytest.mark.parametrize("path", ["/v/", "/v/x", "/v/a/b/c", "/v/..%2F..%2Fetc%2Fpasswd", "/v/%00%ff",
                                  "/v/" + "x" * 50_000, "/v/eyJhbGciOiJFZERTQSJ9.e30.", "/v/...."])
def test_empty_huge_and_garbage_paths_are_not_valid(client, path):
    page = client.get(path)
    assert page.status_code == 404 and verdict_of_page(page) == "NOT_VALID"
    assert len(page.data) < 10_000  # nothing of the input is echoed back


def test_a_token_of_a_deleted_certificate_is_not_valid(client, certify):
    certificate = certify()
    token = certificate.token
    db.session.delete(certificate)
    db.session.commit()
    assert verdict_of_page(client.get(f"/v/{token}")) == "NOT_VALID"


def test_revocation_shows_at_once_with_its_date(app, client, certify, revoke):
    certificate = certify()
    url = f"/v/{certificate.token}"
    before = client.get(url)
    assert verdict_of_page(before) == "VALID" and before.headers["Cache-Control"] == "no-store"
    revoke(certificate, RevocationReason.DISCIPLINARY, "catatan internal yang tidak untuk publik")
    after = client.get(url)
    assert after.status_code == 200 and verdict_of_page(after) == "REVOKED"
    assert "DICABUT" in after.text and "Kasus disiplin" not in after.text  # the reason is for staff only
    with app.test_request_context():
        revoked = format_moment(certificate.signature.revoked_dt)
    assert f"{revoked} WIB" in after.text
    assert "catatan internal" not in after.text  # the note stays with the staff
    assert after.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("reason, label", [(RevocationReason.DATA_ERROR, "Kesalahan data"),
                                           (RevocationReason.WITHDRAWN, "Ditarik"),
                                           (RevocationReason.OTHER, "Lainnya")])
def test_every_revocation_reason_has_an_indonesian_label(client, certify, revoke, make_staff, login_as, reason,
                                                        label):
    certificate = revoke(certify(), reason)
    login_as(make_staff())  # a super admin: the public does not see the reason
    assert f"Alasan (hanya terlihat oleh staf): {label}<br>" in client.get(f"/v/{certificate.token}").text


def test_key_rotation_keeps_old_certificates_valid(app, client, certify):
    old = certify()
    new_kid = generate_key(app.config["KEYS_DIR"])
    new = certify()
    assert new.kid == new_kid and old.kid != new_kid
    assert verdict_of_page(client.get(f"/v/{old.token}")) == "VALID"
    assert verdict_of_page(client.get(f"/v/{new.token}")) == "VALID"


def test_a_retired_key_removed_from_the_folder_invalidates_its_certificates(app, client, certify):
    old = certify()
    generate_key(app.config["KEYS_DIR"])
    (Path(app.config["KEYS_DIR"]) / f"{old.kid}.pub.pem").unlink()
    assert verdict_of_page(client.get(f"/v/{old.token}")) == "NOT_VALID"


NAMES = ["Siti", "Rahayu", "Lestari", "Budi", "Santoso", "Dewi", "Anggraini", "Agus", "Setiawan", "Ni Luh", "Putu",
         "Wayan", "Muhammad", "Nur", "Hidayat", "Ratna"]


def test_masked_page_never_reveals_a_full_nip_nik_or_name(client, make_agency, certify):
    rng = random.Random(20241127)  # property-style: many employees, fixed seed so a failure reproduces
    agency = make_agency()
    for n in range(12):
        birth = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        category = rng.choice([Category.PNS, Category.KONTRAK, Category.UPAHAN])
        name = " ".join(rng.sample(NAMES, rng.randint(2, 4)))
        gender = rng.choice("LP")
        values = {"nik": make_nik("327301", birth, gender, 1000 + n)}
        if category == Category.PNS:
            values["nip"] = make_nip_pns(birth, 2015, 3, gender, 100 + n)
        employee = Employee(name=name, name_search=name.lower(), category=category, agency=agency, birth_date=birth,
                            **values)
        db.session.add(employee)
        db.session.commit()
        page = client.get(f"/v/{certify(employee).token}")
        assert verdict_of_page(page) == "VALID"
        html = page.text
        for number in filter(None, (employee.nip, employee.nik)):
            assert number not in html, (name, number)
            for length in (9, 12):  # no long run of its digits either
                assert not any(number[i:i + length] in html for i in range(len(number) - length + 1)), number
        assert name not in html
        assert name.split()[0] in html  # the first word is the only one shown whole


def test_page_is_small_has_no_script_and_no_inline_style(client, certify, revoke):
    certificate = certify()
    for page in (client.get(f"/v/{certificate.token}"), client.get("/v/x")):
        html = page.text
        assert "<script" not in html.lower() and " style=" not in html.lower()
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.IGNORECASE), "inline event handler"
        assert not re.search(r'(src|href)="(https?:)?//', html), "external reference"
        assets = re.findall(r'(?:src|href)="/static/([^"?]+)', html)
        assert "css/signer.css" in assets
        total = len(page.data) + sum((STATIC / asset).stat().st_size for asset in assets)
        assert total < 15 * 1024, total
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_page_in_english(client, certify):
    certificate = certify(name="Siti Rahayu Lestari")
    page = client.get(f"/v/{certificate.token}?lang=en")
    assert '<html lang="en">' in page.text and "VALID" in page.text
    assert "This certificate is genuine and still valid." in page.text and "address bar" in page.text
    assert "NOT VALID" in client.get("/v/x").text  # the choice sticks


def test_signing_time_names_the_configured_zone(app, client, certify):
    """The page wrote 'WIB' after every time; a government in Makassar (WITA) must not be told WIB."""
    certificate = certify()
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Makassar"
    page = client.get(f"/v/{certificate.token}")
    assert page.status_code == 200 and "WITA" in page.text and "WIB" not in page.text
