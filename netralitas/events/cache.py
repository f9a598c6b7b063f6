"""A short per-process cache of the events signers and the venue board look up by slug on every request.

At a stadium every signer request starts with "which event is /e/<slug>?": a query plus its text and agencies.
The answer changes only when an operator edits the event, so each worker keeps a frozen copy for
EVENT_CACHE_SECONDS (default 2). A commit in this process that touches an event, a declaration text or an
agency empties the cache at once; other workers see the change when their copy expires. Decisions that must be
exact at the moment of signing (status, window, current text) are re-read in the signing transaction.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from netralitas.core.cache import AppCache
from netralitas.events.models import DeclarationText, ElectionKind, Event, EventStatus
from netralitas.events.rules import SigningRule
from netralitas.extensions import db
from netralitas.masterdata.models import Agency

DEFAULT_SECONDS = 2.0
#: More distinct slugs than this (someone probing URLs) and the cache starts over: memory stays bounded.
MAX_ENTRIES = 256
#: Per app; unknown slugs (None) are not remembered, so probing cannot fill memory.
_copies: AppCache[CachedEvent] = AppCache("netralitas.events.cache", max_entries=MAX_ENTRIES)
_CHANGED_KEY = "events_cache_stale"
_WATCHED = (Event, DeclarationText, Agency)


@dataclass(frozen=True)
class CachedText:
    """The fields of a declaration text version that signer pages show and signatures record."""

    id: int
    version: int
    sha256: str
    title: str
    preamble: str
    points: tuple[str, ...]
    closing: str


@dataclass(frozen=True)
class CachedEvent:
    """An immutable copy of an event, safe to share between requests and threads; duck-types Event for reading."""

    id: int
    slug: str
    name: str
    election_kind: ElectionKind
    status: EventStatus
    opens_dt: datetime
    closes_dt: datetime
    is_attendance_on: bool
    attendance_secret: str
    rule: SigningRule
    current_text: CachedText | None


def snapshot(event: Event) -> CachedEvent:
    """A frozen copy of a loaded event, its current text and who must sign it."""
    text = event.current_text
    return CachedEvent(
        id=event.id, slug=event.slug, name=event.name, election_kind=event.election_kind, status=event.status,
        opens_dt=event.opens_dt, closes_dt=event.closes_dt, is_attendance_on=event.is_attendance_on,
        attendance_secret=event.attendance_secret, rule=event.rule,
        current_text=None if text is None else CachedText(text.id, text.version, text.sha256, text.title,
                                                          text.preamble, tuple(text.points), text.closing))


def event_by_slug(slug: str) -> CachedEvent | None:
    """The event with this slug, from the cache when the copy is fresh enough; None for an unknown slug."""
    return _lookup(("slug", slug), lambda: _load(Event.slug == slug))


def event_by_id(event_id: int) -> CachedEvent | None:
    """The event with this id, cached like event_by_slug."""
    return _lookup(("id", event_id), lambda: _load(Event.id == event_id))


def forget_all() -> None:
    """Empty this app's cache (done automatically after a commit that changes events, texts or agencies)."""
    _copies.clear()


def _lookup(key: tuple, load) -> CachedEvent | None:
    return _copies.get(key, load, seconds=current_app.config.get("EVENT_CACHE_SECONDS", DEFAULT_SECONDS))


def _load(condition) -> CachedEvent | None:
    # populate_existing: the copy must come from the database, not from an instance this session loaded earlier.
    query = sa.select(Event).where(condition).options(so.selectinload(Event.texts), so.selectinload(Event.agencies))
    event = db.session.scalar(query.execution_options(populate_existing=True))
    return None if event is None else snapshot(event)


@sa_event.listens_for(Session, "after_flush")
def _note_changes(session: Session, flush_context) -> None:
    """Remember that this transaction wrote something a cached event is made of."""
    changed = itertools.chain(session.new, session.dirty, session.deleted)
    if any(isinstance(obj, _WATCHED) for obj in changed):
        session.info[_CHANGED_KEY] = True


@sa_event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED_KEY, False) and has_app_context():
        forget_all()
