"""PUBLIC_BASE_URL unset (development): links and QR codes point at the server answering, on whatever port."""
from __future__ import annotations

import pytest

from netralitas import create_app
from netralitas.certificates import services
from netralitas.core.urls import DEVELOPMENT_BASE_URL, public_url
from netralitas.extensions import db
from tests.conftest import PASSWORD, IsolatedClient

HOSTS = ["http://127.0.0.1:5001", "http://localhost:8123"]


@pytest.fixture
def make_app(app, monkeypatch):
    """A second app over the same database and keys, PUBLIC_BASE_URL as given (None: not in the environment)."""
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    made = []

    def make(public_base_url: str | None = None):
        settings = {} if public_base_url is None else {"PUBLIC_BASE_URL": public_base_url}
        other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "SECRET_KEY": "test-secret", "KEYS_DIR": app.config["KEYS_DIR"],
                            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, **settings})
        other.test_client_class = IsolatedClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def test_unset_by_default(make_app):
    assert make_app().config["PUBLIC_BASE_URL"] == ""


@pytest.mark.parametrize("host", HOSTS)
def test_verify_page_names_the_server_answering(make_app, certify, host):
    token = certify().token
    page = make_app().test_client().get(f"/v/{token}", base_url=host)
    assert f'<strong class="host">{host.split("//")[1]}</strong>' in page.text


@pytest.mark.parametrize("host", HOSTS)
def test_venue_link_and_verify_url_follow_the_port(make_app, make_event, make_staff, host):
    event = make_event()
    staff = make_staff()
    developer = make_app()
    client = developer.test_client()
    client.post("/masuk", data={"email": staff.email, "password": PASSWORD}, base_url=host)
    page = client.get(f"/admin/acara/{event.id}", base_url=host)
    assert f"{host}/e/{event.slug}" in page.text
    with developer.test_request_context("/", base_url=host):
        assert public_url(developer.config["PUBLIC_BASE_URL"], "/cek") == f"{host}/cek"


def test_outside_a_request_the_flask_run_default(make_app):
    with make_app().app_context():
        assert public_url("", "/cek") == f"{DEVELOPMENT_BASE_URL}/cek"


@pytest.mark.parametrize("host", HOSTS)
def test_a_configured_address_always_wins(make_app, certify, host):
    certificate = certify()
    official = make_app("https://netralitas.contoh.go.id")
    page = official.test_client().get(f"/v/{certificate.token}", base_url=host)
    assert '<strong class="host">netralitas.contoh.go.id</strong>' in page.text
    with official.test_request_context("/", base_url=host):
        assert services.verify_url(certificate) == f"https://netralitas.contoh.go.id/v/{certificate.token}"


@pytest.mark.parametrize("host", HOSTS)
def test_streamed_downloads_follow_the_port_too(make_app, certify, make_staff, host):
    """The invitation CSV and the certificate ZIP are built after the request is gone: they keep its address."""
    import io
    import zipfile

    certificate = certify()
    event_id = certificate.signature.event_id
    staff = make_staff()
    client = make_app().test_client()
    client.post("/masuk", data={"email": staff.email, "password": PASSWORD}, base_url=host)
    csv_text = client.get(f"/admin/acara/{event_id}/undangan.csv", base_url=host).get_data(as_text=True)
    assert f"{host}/i/" in csv_text and DEVELOPMENT_BASE_URL not in csv_text
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/admin/acara/{event_id}/sertifikat.zip", base_url=host).data))
    manifest = archive.read("daftar.csv").decode("utf-8-sig")
    assert f"{host}/v/{certificate.token}" in manifest and DEVELOPMENT_BASE_URL not in manifest
