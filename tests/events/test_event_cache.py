"""The per-process event cache: fresh after a commit in this process, bounded by its TTL otherwise, and never the
judge of whether a signature is accepted."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netralitas.core import cache as core_cache
from netralitas.events import cache
from netralitas.events import services as events
from netralitas.events.models import Event, EventStatus
from netralitas.events.texts import TextContent
from netralitas.extensions import db
from netralitas.signing import services as signing
from netralitas.signing.models import Signature
from tests.conftest import signature_png


@pytest.fixture
def clock(monkeypatch):
    """The caches' monotonic clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(core_cache.time, "monotonic", lambda: now[0])
    return now


def _close_behind_the_cache(event_id: int) -> None:
    """Another worker closes the event: a write this process's ORM session never sees."""
    with db.engine.begin() as conn:
        conn.execute(sa.update(Event.__table__).where(Event.__table__.c.id == event_id).values(status="CLOSED"))


def test_snapshot_carries_what_signer_pages_use(app, invited):
    cached = cache.event_by_slug(invited.event.slug)
    text = invited.event.current_text
    assert (cached.id, cached.name, cached.status) == (invited.event.id, invited.event.name, EventStatus.OPEN)
    assert (cached.current_text.id, cached.current_text.sha256, cached.current_text.points) == \
        (text.id, text.sha256, tuple(text.points))
    assert cache.event_by_id(invited.event.id) == cached
    assert cache.event_by_slug("no-such-event") is None


def test_a_commit_in_this_process_empties_the_cache(app, invited, clock):
    assert cache.event_by_slug(invited.event.slug).status == EventStatus.OPEN
    events.set_status("test", invited.event, EventStatus.CLOSED)
    db.session.commit()
    assert cache.event_by_slug(invited.event.slug).status == EventStatus.CLOSED


def test_a_new_text_version_is_seen_at_once(app, invited, clock):
    before = cache.event_by_slug(invited.event.slug).current_text
    current = invited.event.current_text
    events.save_text("test", invited.event, TextContent(current.title, current.preamble,
                                                        (*current.points, "Butir baru."), current.closing))
    db.session.commit()
    after = cache.event_by_slug(invited.event.slug).current_text
    assert after.sha256 != before.sha256 and len(after.points) == len(before.points) + 1


def test_other_workers_changes_show_once_the_copy_expires(app, invited, clock):
    app.config["EVENT_CACHE_SECONDS"] = 2.0
    assert cache.event_by_slug(invited.event.slug).status == EventStatus.OPEN
    _close_behind_the_cache(invited.event.id)
    clock[0] += 1.9
    assert cache.event_by_slug(invited.event.slug).status == EventStatus.OPEN  # still the copy
    clock[0] += 0.2
    assert cache.event_by_slug(invited.event.slug).status == EventStatus.CLOSED


def test_zero_seconds_turns_the_cache_off(app, invited, clock):
    app.config["EVENT_CACHE_SECONDS"] = 0
    assert cache.event_by_slug(invited.event.slug).status == EventStatus.OPEN
    _close_behind_the_cache(invited.event.id)
    assert cache.event_by_slug(invited.event.slug).status == EventStatus.CLOSED


def test_unknown_slugs_are_not_remembered(app, make_event, clock):
    assert cache.event_by_slug("later") is None
    make_event(slug="later")
    assert cache.event_by_slug("later") is not None


def test_signing_reads_the_event_fresh_even_when_the_cached_copy_is_stale(app, client, invited, clock):
    """The venue page may show an event as open for up to the TTL after another worker closed it; the POST
    decides on the database's state and stores nothing."""
    app.config["EVENT_CACHE_SECONDS"] = 60
    client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": invited.birth})
    assert cache.event_by_slug(invited.event.slug).status == EventStatus.OPEN
    _close_behind_the_cache(invited.event.id)
    response = client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    assert response.status_code == 422 and "sudah ditutup" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0


def test_sign_returns_the_first_signature_for_a_repeat(app, invited):
    access = signing.verify_signer(cache.event_by_slug(invited.event.slug), invited.code, invited.birth, "")
    values = {"ticked": set(range(1, 9)), "typed_name": invited.employee.name, "signature_png": signature_png(),
              "client_ip": "1.1.1.1", "user_agent": "t", "max_png_bytes": 200_000}
    first = signing.sign(access, **values)
    db.session.commit()
    again = signing.sign(access, **values)
    assert (first.is_new, again.is_new, again.signature_id) == (True, False, first.signature_id)
    assert again.signature.id == first.signature_id
