"""The certificate signing key: created on the first start, reported by /healthz, and never a 500 without it."""
from __future__ import annotations

import shutil
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from netralitas import create_app
from netralitas.certificates.keys import current_kid, ensure_signing_key
from netralitas.certificates.models import Certificate
from netralitas.events import services as events
from netralitas.events.models import Event, EventStatus
from netralitas.extensions import db
from netralitas.signing.models import Signature


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_first_start_creates_an_owner_only_signing_key(app):
    folder = Path(app.config["KEYS_DIR"])
    kid = current_kid(folder)
    assert _mode(folder / f"{kid}.key.pem") == 0o600 and _mode(folder) == 0o700
    assert [p.name for p in folder.glob("*.pub.pem")] == [f"{kid}.pub.pem"]


def test_keys_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("NETRALITAS_KEYS_DIR", str(tmp_path / "elsewhere" / "keys"))
    created = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert Path(created.config["KEYS_DIR"]) == tmp_path / "elsewhere" / "keys"
    assert current_kid(tmp_path / "elsewhere" / "keys")
    assert not (tmp_path / "instance" / "keys").exists()


def test_workers_starting_together_end_with_one_key(tmp_path):
    folder = tmp_path / "keys"
    barrier = threading.Barrier(8)

    def start() -> str:
        barrier.wait()
        return ensure_signing_key(folder)

    with ThreadPoolExecutor(8) as pool:
        kids = set(pool.map(lambda _: start(), range(8)))
    assert kids == {current_kid(folder)}
    assert len(list(folder.glob("*.pub.pem"))) == 1 and len(list(folder.glob("*.key.pem"))) == 1
    assert not list(folder.glob(".current.*"))  # no drafts left behind


def test_keys_generate_and_rotate_still_work(app, runner):
    folder = Path(app.config["KEYS_DIR"])
    first = current_kid(folder)
    generated = runner.invoke(args=["keys", "generate"])
    assert generated.exit_code == 0 and first in generated.output and current_kid(folder) == first
    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0 and current_kid(folder) != first
    assert len(list(folder.glob("*.pub.pem"))) == 2


def test_keys_generate_creates_a_key_when_the_folder_was_emptied(app, runner):
    shutil.rmtree(app.config["KEYS_DIR"])
    generated = runner.invoke(args=["keys", "generate"])
    assert generated.exit_code == 0 and "created" in generated.output
    assert current_kid(Path(app.config["KEYS_DIR"]))


def test_healthz_reports_a_missing_key(app, client):
    assert client.get("/healthz").json["signing_key"] == "ok"
    shutil.rmtree(app.config["KEYS_DIR"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "ok", "signing_key": "missing"}


def test_healthz_reports_an_unreadable_key(app, client):
    folder = Path(app.config["KEYS_DIR"])
    (folder / f"{current_kid(folder)}.key.pem").write_text("not a key")
    assert client.get("/healthz").json["signing_key"] == "missing"


def test_opening_an_event_without_a_key_is_refused(app, make_event, make_staff, login_as, client):
    event = make_event(status=EventStatus.DRAFT)
    shutil.rmtree(app.config["KEYS_DIR"])
    login_as(make_staff())
    response = client.post(f"/admin/acara/{event.id}/status/buka", follow_redirects=True)
    assert response.status_code == 200
    assert "kunci tanda tangan sertifikat" in response.text
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT


def test_set_status_refuses_open_without_a_key(app, make_event):
    event = make_event(status=EventStatus.DRAFT)
    shutil.rmtree(app.config["KEYS_DIR"])
    try:
        events.set_status("test", event, EventStatus.OPEN)
    except events.EventError as exc:
        assert "flask keys generate" in str(exc)
    else:
        raise AssertionError("an event opened without a signing key")


def test_signing_after_the_key_vanished_keeps_nothing_and_says_why(app, client, invited):
    client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": invited.birth,
                                                  "attendance": ""})
    shutil.rmtree(app.config["KEYS_DIR"])
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert response.status_code < 500
    assert "kunci tanda tangan sistem tidak tersedia" in response.text
    assert _count(Signature) == 0 and _count(Certificate) == 0


def test_a_key_lost_between_the_check_and_the_certificate_is_a_friendly_503(app, client, invited, monkeypatch):
    from netralitas.certificates import services as certificates
    from netralitas.certificates.keys import SigningKeyError

    client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": invited.birth,
                                                  "attendance": ""})

    def lost():
        raise SigningKeyError("gone")

    monkeypatch.setattr(certificates, "current_signing_key", lost)
    monkeypatch.setattr(certificates, "has_usable_signing_key", lambda: True)
    monkeypatch.setattr("netralitas.signing.services.has_usable_signing_key", lambda: True)
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert response.status_code == 503 and "Sertifikat belum dapat diterbitkan" in response.text
    assert _count(Signature) == 0 and _count(Certificate) == 0
