"""Hostile input on every public form: login, the signer's two forms, the personal link and /cek.

Property: whatever arrives (any text, control characters, huge fields, a list where one value belongs, missing
fields, bodies that are not UTF-8 or not a form at all), the answer is never a server error, nothing is stored
unless the input was valid, and a refused input gets a message the visitor can read.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import example, given
from hypothesis import strategies as st

from netralitas.certificates.services import display_code as certificate_display_code
from netralitas.core import codes
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.signing.models import Signature
from netralitas.signing.services import names_match, parse_birth_date
from tests.conftest import data_url, signature_png
from tests.hostile.support import (
    NASTY,
    RAW_BODIES,
    assert_no_server_error,
    examples,
    form_data,
    fuzz,
    hostile_text,
    query_text,
    row_counts,
    shows_message,
)

pytestmark = pytest.mark.usefixtures("cheap_decoy")


def first(value):
    """The value a form reads when a field name is repeated: the first one."""
    return value[0] if isinstance(value, list) else value


def test_login_form(app, client, make_staff, backend):
    staff = make_staff()

    @fuzz(120, backend)
    @given(data=form_data({"email": st.one_of(hostile_text, st.just(staff.email)), "password": hostile_text,
                           "csrf_token": hostile_text}),
           next_url=query_text)
    def check(data, next_url):
        examples.count()
        before = row_counts()
        response = client.post("/masuk", data=data, query_string={"next": next_url})
        assert_no_server_error(response, "POST /masuk")
        assert response.status_code in (200, 400, 413), response.status_code  # no hostile password is the real one
        assert shows_message(response)
        assert row_counts() == before
        with client.session_transaction() as session:
            assert "_user_id" not in session

    check()


@pytest.fixture
def venue(invited):
    """The venue page of an open event, and the invited signer's real code and birth date."""
    return invited


def test_venue_access_form(client, venue, backend):
    real_code, real_birth = venue.code, venue.birth
    near_code = st.one_of(hostile_text, st.just(real_code), st.builds(lambda junk: real_code + junk, hostile_text),
                          st.just(real_code.lower().replace("-", " ")))
    near_birth = st.one_of(hostile_text, st.just(real_birth), st.just(venue.employee.birth_date.isoformat()),
                           st.builds(lambda junk: real_birth + junk, hostile_text))

    @fuzz(100, backend)
    @given(data=form_data({"code": near_code, "birth_date": near_birth, "attendance": hostile_text}))
    def check(data):
        examples.count()
        before = row_counts()
        with client.session_transaction() as session:
            session.clear()
        response = client.post(f"/e/{venue.event.slug}", data=data)
        assert_no_server_error(response, "POST /e/<slug>")
        assert row_counts() == before  # proving who you are stores nothing
        if response.status_code == 302:
            # Only the real code and birth date pass (and an attendance code, if typed, must be right).
            assert codes.normalize(first(data["code"])) == codes.normalize(real_code)
            assert parse_birth_date(first(data["birth_date"])) == venue.employee.birth_date
            assert urlsplit(response.headers["Location"]).path == f"/e/{venue.event.slug}/deklarasi"
        else:
            assert response.status_code in (400, 413, 422), response.status_code
            assert shows_message(response)
            with client.session_transaction() as session:
                assert "signer" not in session

    check()


def test_personal_link(client, venue, backend):
    @fuzz(100, backend)
    @given(code=st.one_of(hostile_text.filter(bool), st.builds(lambda junk: venue.code + junk, hostile_text)))
    def check(code):
        examples.count()
        before = row_counts()
        response = client.get("/i/" + quote(code, safe=""))
        assert_no_server_error(response, "GET /i/<code>")
        assert row_counts() == before
        if response.status_code == 200:
            assert codes.normalize(code) == codes.normalize(venue.code)
        elif response.status_code == 308:  # werkzeug merges the slashes of "/i//x": a same-site path, not elsewhere
            location = urlsplit(response.headers["Location"])
            assert (location.scheme, location.netloc) in (("", ""), ("http", "localhost"))
            assert location.path.startswith("/i/") and "//" not in location.path
        else:
            assert response.status_code in (400, 404, 422), response.status_code
            assert shows_message(response)

    check()


def points_of(event) -> list[str]:
    return [str(i) for i in range(1, len(event.current_text.points) + 1)]


@pytest.fixture
def signer(client, venue):
    """The client holds a verified signer session (through the real venue form)."""
    response = client.post(f"/e/{venue.event.slug}", data={"code": venue.code, "birth_date": venue.birth})
    assert response.status_code == 302
    return venue


def live_signatures(event_id: int) -> list[Signature]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Signature).where(Signature.live_in(event_id))))


def set_aside(signature: Signature) -> None:
    """Revoke a signature the fuzzer legitimately made, so the next example meets an unsigned declaration again."""
    db.session.execute(sa.update(Signature).where(Signature.id == signature.id).values(revoked_dt=utcnow()))
    db.session.commit()


def test_declaration_form(client, signer, backend):
    event, name = signer.event, signer.employee.name
    valid_png = data_url(signature_png())
    typed_names = st.one_of(hostile_text, st.just(name), st.builds(lambda junk: name + junk, hostile_text),
                            st.builds(lambda junk: junk + name, hostile_text))
    signatures = st.one_of(hostile_text, st.just(valid_png), st.just("data:image/png;base64,"),
                           st.builds(lambda junk: "data:image/png;base64," + junk, hostile_text),
                           st.just(data_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)),
                           st.just(data_url(signature_png(10, 10))), st.just(valid_png + "AAAA"))
    points = st.one_of(st.just(points_of(event)), st.lists(st.one_of(hostile_text, st.sampled_from(points_of(event)))),
                       st.just(points_of(event) + ["999", "-1", "0", "１"]))

    @fuzz(100, backend)
    @given(data=st.fixed_dictionaries({"typed_name": typed_names, "signature": signatures, "point": points}).flatmap(
        lambda full: st.sets(st.sampled_from(sorted(full))).map(
            lambda dropped: {k: v for k, v in full.items() if k not in dropped})))
    @example(data={"typed_name": name, "signature": valid_png, "point": points_of(event)})
    @example(data={"typed_name": [name, "<script>alert(1)</script>"], "signature": [valid_png, "x"],
                   "point": points_of(event)})
    def check(data):
        examples.count()
        before = row_counts()
        response = client.post(f"/e/{event.slug}/deklarasi", data=data)
        assert_no_server_error(response, "POST /e/<slug>/deklarasi")
        made = live_signatures(event.id)
        if response.status_code == 302:
            assert urlsplit(response.headers["Location"]).path == f"/e/{event.slug}/selesai"
            [signature] = made
            # Stored only because every part was right.
            assert set(points_of(event)) <= set(data["point"])
            assert names_match(first(data["typed_name"]), name)
            assert first(data["signature"]).startswith("data:image/png;base64,")
            assert signature.typed_name == " ".join(first(data["typed_name"]).split())
            set_aside(signature)
        else:
            assert response.status_code in (400, 413, 422), response.status_code
            assert shows_message(response), data
            assert made == []
            assert row_counts() == before

    check()


def test_certificate_lookup_form(client, sign_for, venue, backend):
    certificate = sign_for(venue.event, venue.employee).certificate
    real = certificate_display_code(certificate.code)

    @fuzz(120, backend)
    @given(data=form_data({"code": st.one_of(hostile_text, st.just(real), st.just(real.lower().replace("-", "")),
                                             st.builds(lambda junk: real + junk, hostile_text))}))
    def check(data):
        examples.count()
        before = row_counts()
        response = client.post("/cek", data=data)
        assert_no_server_error(response, "POST /cek")
        assert row_counts() == before
        if response.status_code == 200:
            assert real in response.get_data(as_text=True)
        else:
            assert response.status_code in (400, 404, 413, 422), response.status_code
            assert shows_message(response)

    check()


@pytest.mark.parametrize(("content_type", "body"), RAW_BODIES, ids=[f"raw{i}" for i in range(len(RAW_BODIES))])
def test_bodies_no_browser_sends(client, signer, content_type, body):
    """Invalid UTF-8, JSON, binary and broken multipart bodies on every public POST: refused, nothing stored."""
    slug = signer.event.slug
    for url in ("/masuk", f"/e/{slug}", f"/e/{slug}/deklarasi", "/cek"):
        before = row_counts()
        response = client.post(url, data=body, content_type=content_type)
        assert_no_server_error(response, f"POST {url} ({content_type})")
        assert response.status_code in (200, 400, 413, 422), (url, response.status_code)
        assert shows_message(response), url
        assert row_counts() == before, url
    with client.session_transaction() as session:
        assert "signer" in session  # the verified signer is still signed in: junk ends nothing


def test_body_over_the_upload_cap_is_refused_with_the_413_page(app, client, signer):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    before = row_counts()
    for url in ("/masuk", f"/e/{signer.event.slug}", f"/e/{signer.event.slug}/deklarasi", "/cek"):
        response = client.post(url, data={"typed_name": "x" * 100_000, "code": "y"})
        assert response.status_code == 413, url
        assert "Berkas terlalu besar" in response.get_data(as_text=True)
    assert row_counts() == before


def test_signature_over_its_length_cap_is_explained(client, signer):
    """A signature field over the form's 400,000 characters is refused with a message (not a silent 422)."""
    data = signer.declaration(signature="data:image/png;base64," + "A" * 400_000)
    before = row_counts()
    response = client.post(f"/e/{signer.event.slug}/deklarasi", data=data)
    assert response.status_code == 422
    assert shows_message(response)
    assert "Gambar tanda tangan terlalu besar" in response.get_data(as_text=True)
    assert "A" * 1000 not in response.get_data(as_text=True)  # the oversized drawing is not echoed back
    assert row_counts() == before


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_on_public_forms_are_405(client, signer, method):
    for url in ("/masuk", f"/e/{signer.event.slug}", f"/e/{signer.event.slug}/deklarasi", "/cek"):
        response = client.open(url, method=method, data={"code": NASTY[12]})
        assert response.status_code == 405, url


def test_nul_characters_are_refused_before_any_query(client, signer):
    """PostgreSQL cannot hold NUL in text (its driver raises): every public entry point answers 400 instead."""
    slug = signer.event.slug
    before = row_counts()
    requests = [("POST", "/masuk", {"email": "a\x00b@contoh.go.id", "password": "x"}),
                ("POST", f"/e/{slug}", {"code": signer.code + "\x00", "birth_date": signer.birth}),
                ("POST", f"/e/{slug}/deklarasi", signer.declaration(typed_name=signer.employee.name + "\x00")),
                ("POST", "/cek", {"code": "NTR\x00"}), ("GET", "/cek?code=%00", None), ("GET", "/?lang=%00", None)]
    for method, url, data in requests:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 400, url
        assert "Permintaan tidak valid" in response.get_data(as_text=True), url
    # In the path: a page that looks the value up says 400 (PostgreSQL) or 404 (nothing found); /v/ says NOT VALID.
    for url in ("/e/uji%00", f"/e/{slug}%00/deklarasi", "/i/AB%00CD", "/v/x%00", "/.well-known/crl/x%00.json"):
        response = client.get(url)
        assert response.status_code in (400, 404, 422), url
        assert shows_message(response) or response.is_json, url
    assert row_counts() == before


def test_completion_api(app, client, make_staff, venue, backend):
    """The JSON API (GET only): hostile bearer headers, event slugs and ?unit= answer JSON 401/404, never 5xx."""
    staff_client = app.test_client()
    staff = make_staff()
    assert staff_client.post("/masuk", data={"email": staff.email, "password": "rahasia-123456"}).status_code == 302
    created = staff_client.post("/admin/token-api/baru", data={"name": "uji"}).get_data(as_text=True)
    token = re.search(r"\b(ntr_[A-Za-z0-9_-]{20,})\b", created).group(1)
    header_text = st.binary(max_size=300).map(lambda raw: raw.decode("latin-1").replace("\r", "").replace("\n", ""))
    headers = st.one_of(st.none(), header_text, st.builds(lambda junk: "Bearer " + junk, header_text),
                        st.just(f"Bearer {token}"), st.just(f"bearer  {token} "), st.just("Bearer " + "x" * 10_000))

    @fuzz(60, backend)
    @given(header=headers, slug=st.one_of(st.just(venue.event.slug), query_text.filter(bool)), unit=query_text)
    def check(header, slug, unit):
        examples.count()
        before = row_counts()
        response = client.get("/api/v1/events/" + quote(slug, safe="") + "/completion", query_string={"unit": unit},
                              headers={"Authorization": header} if header is not None else {})
        assert_no_server_error(response, "GET /api/v1/events/<slug>/completion")
        assert row_counts() == before
        if "/" in slug and response.status_code == 404:
            return  # "/api/v1/events/a/b/completion" is no route at all: the HTML 404 page
        if response.status_code in (200, 401, 404):
            assert response.is_json, response.status_code
            if response.status_code == 200:
                assert header is not None and token in header
        else:  # a NUL in the query, or a slug with a slash in it
            assert response.status_code in (308, 400), response.status_code

    check()
