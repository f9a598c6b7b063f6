"""Request logs: one JSON line per request with ids and timings, and never a code, token, query or name."""
from __future__ import annotations

import json
import logging

import pytest

from netralitas import create_app
from netralitas.ops.logging import LOGGER_NAME

FIELDS = {"ts", "request_id", "method", "path", "status", "ms", "staff_id", "remote"}


class Lines(logging.Handler):
    """Keeps every formatted record of the request logger."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def request_log(app):
    handler = Lines()
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_one_line_per_request_with_every_field(client, request_log):
    response = client.get("/masuk?next=/admin")
    assert response.status_code == 200
    assert len(request_log.lines) == 1
    line = request_log.records()[0]
    assert set(line) == FIELDS
    assert (line["method"], line["path"], line["status"], line["staff_id"]) == ("GET", "/masuk", 200, None)
    assert line["remote"] == "127.0.0.1"
    assert isinstance(line["ms"], float) and line["ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert "next" not in request_log.lines[0]


def test_request_id_from_the_proxy_is_kept_when_plain(client, request_log):
    response = client.get("/masuk", headers={"X-Request-ID": "nginx-7f3a.91"})
    assert response.headers["X-Request-ID"] == "nginx-7f3a.91"
    hostile = client.get("/masuk", headers={"X-Request-ID": '"} {"status":200 ' + "x" * 100})
    assert hostile.headers["X-Request-ID"] not in ("", "nginx-7f3a.91") and len(hostile.headers["X-Request-ID"]) == 32
    assert [r["request_id"] for r in request_log.records()] == ["nginx-7f3a.91", hostile.headers["X-Request-ID"]]


def test_signer_codes_tokens_and_queries_never_logged(client, request_log, invited, sign_for):
    secret_query = "q=3273015204850012&code=RAHASIA"
    client.get(f"/i/{invited.code}")
    client.get(f"/i/{invited.code.replace('-', '')}/lebih?{secret_query}")  # matches no rule
    client.post(f"/e/{invited.event.slug}?{secret_query}", data={"code": invited.code, "birth_date": invited.birth})
    certificate = sign_for(invited.event, invited.employee).certificate
    assert client.get(f"/v/{certificate.token}").status_code == 200
    client.get(f"/cek?{secret_query}")
    paths = [r["path"] for r in request_log.records()]
    assert paths == ["/i/<code>", "/i/…", "/e/<slug>", "/v/<path:token>", "/cek"]
    text = "\n".join(request_log.lines)
    for secret in (invited.code, invited.code.replace("-", ""), certificate.token, certificate.token[:20],
                   certificate.code, "RAHASIA", "3273015204850012", invited.employee.name, invited.birth):
        assert secret not in text


def test_staff_id_but_not_the_session_nonce(client, request_log, make_staff, login_as, make_agency, make_employee):
    employee = make_employee(make_agency(), name="Dewi Lestari")
    staff = make_staff()
    login_as(staff)
    client.get(f"/admin/pegawai?q={employee.nip}")
    login, search = request_log.records()
    assert (login["method"], login["status"]) == ("POST", 302)
    assert (search["path"], search["staff_id"]) == ("/admin/pegawai", staff.id)
    text = "\n".join(request_log.lines)
    assert staff.session_nonce not in text and staff.email not in text
    assert employee.nip not in text and "Dewi" not in text


def test_database_down_is_logged_as_an_error(broken_app, request_log):
    broken_app.test_client().get("/e/apa-saja")
    (line,) = request_log.records()
    assert (line["path"], line["status"]) == ("/e/<slug>", 503)


def test_level_is_configurable(app, request_log):
    quiet = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "SECRET_KEY": "test-secret", "REQUEST_LOG_LEVEL": "WARNING"})
    quiet.test_client().get("/masuk")
    assert request_log.lines == []
    quiet.test_client().get("/healthz")
    assert request_log.lines == []


def test_health_probes_log_at_debug_only(client, request_log):
    client.get("/healthz")
    assert request_log.lines == []
    logging.getLogger(LOGGER_NAME).setLevel(logging.DEBUG)
    client.get("/healthz")
    assert request_log.records()[0]["path"] == "/healthz"
