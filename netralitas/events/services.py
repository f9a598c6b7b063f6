"""Operations on events and their declaration texts; each writes an audit entry, the caller commits."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.core.messages import lazy_message as _l
from netralitas.events.models import DeclarationText, ElectionKind, Event, EventStatus
from netralitas.events.rules import required_clause
from netralitas.events.texts import DEFAULT_TEXT, TextContent
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Category, Employee

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def board_pass(event) -> str:
    """The key the board page polls its JSON with: 128 bits derived from the event's own attendance secret.

    A projector keeps showing the count and the attendance code for hours; with this key in its polling URL it
    does not depend on the operator's sign-in (which may expire mid-event) and each poll skips loading the staff
    account. Only a signed-in runner sees the board page, so only they learn the key.
    """
    digest = hmac.new(event.attendance_secret.encode(), f"board:{event.id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def is_board_pass(event, given: str | None) -> bool:
    """Whether `given` is this event's board key (constant-time comparison)."""
    return bool(given) and hmac.compare_digest(given.encode(), board_pass(event).encode())


class EventError(ValueError):
    """An event change that breaks a rule; str() is an Indonesian message."""


def slugify(name: str) -> str:
    """'Deklarasi Pilkada 2024' -> 'deklarasi-pilkada-2024' (ASCII letters and digits only)."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "-".join(words)[:60].strip("-")


def create_event(actor: Staff | str | None, *, name: str, slug: str, election_kind: ElectionKind,
                 opens_dt: datetime, closes_dt: datetime, is_attendance_on: bool = True,
                 categories: list[Category] | None = None, agencies: list[Agency] | None = None,
                 text: TextContent = DEFAULT_TEXT) -> Event:
    """Create a draft event with version 1 of its declaration text."""
    _check_event_fields(slug, opens_dt, closes_dt, event_id=None)
    event = Event(name=name.strip(), slug=slug, election_kind=election_kind, opens_dt=opens_dt, closes_dt=closes_dt,
                  is_attendance_on=is_attendance_on, attendance_secret=secrets.token_hex(32),
                  categories_csv=_categories_csv(categories), agencies=list(agencies or []))
    db.session.add(event)
    db.session.flush()
    _add_text_version(event, text)
    record(actor, "event.create", "event", event.id, f"Acara {event.name} dibuat", _event_snapshot(event))
    return event


def update_event(actor: Staff | str | None, event: Event, *, name: str, slug: str, election_kind: ElectionKind,
                 opens_dt: datetime, closes_dt: datetime, is_attendance_on: bool,
                 categories: list[Category] | None, agencies: list[Agency] | None) -> Event:
    """Change an event's settings (the text has its own versioning)."""
    _check_event_fields(slug, opens_dt, closes_dt, event_id=event.id)
    before = _event_snapshot(event)
    event.name, event.slug, event.election_kind = name.strip(), slug, election_kind
    event.opens_dt, event.closes_dt, event.is_attendance_on = opens_dt, closes_dt, is_attendance_on
    event.categories_csv = _categories_csv(categories)
    event.agencies = list(agencies or [])
    after = _event_snapshot(event)
    if before != after:
        record(actor, "event.update", "event", event.id, f"Acara {event.name} diubah", {"before": before, "after": after})
    return event


def set_status(actor: Staff | str | None, event: Event, status: EventStatus) -> None:
    """Open or close an event (or return it to draft before anyone signed)."""
    if status == event.status:
        return
    if status == EventStatus.DRAFT and signature_count(event) > 0:
        raise EventError(_l("Acara yang sudah ditandatangani tidak dapat dikembalikan ke draf."))
    if status == EventStatus.OPEN:
        _require_signing_key()
    previous = event.status
    event.status = status
    labels = {EventStatus.OPEN: "dibuka", EventStatus.CLOSED: "ditutup", EventStatus.DRAFT: "dikembalikan ke draf"}
    record(actor, f"event.{status.value.lower()}", "event", event.id, f"Acara {event.name} {labels[status]}",
           {"from": previous.value, "to": status.value})


def _require_signing_key() -> None:
    """Refuse to open an event whose signers could not get a certificate (each signature would fail)."""
    from netralitas.certificates.services import has_usable_signing_key

    if not has_usable_signing_key():
        raise EventError(_l("Acara belum dapat dibuka: kunci tanda tangan sertifikat tidak ada atau tidak terbaca. "
                            "Minta pengelola server menjalankan `flask keys generate`, lalu coba lagi."))


def save_text(actor: Staff | str | None, event: Event, text: TextContent) -> DeclarationText:
    """Edit the current text in place while nobody has signed it, else add a new version."""
    _check_text(text)
    current = event.current_text
    if current is not None and current.sha256 == text.sha256():
        return current
    if current is not None and not is_text_signed(current):
        _fill_text(current, text)
        record(actor, "text.update", "declaration_text", current.id,
               f"Teks deklarasi versi {current.version} acara {event.name} diubah", {"sha256": current.sha256})
        return current
    new = _add_text_version(event, text)
    record(actor, "text.version", "declaration_text", new.id,
           f"Teks deklarasi versi {new.version} acara {event.name} dibuat", {"sha256": new.sha256})
    return new


def is_text_signed(text: DeclarationText) -> bool:
    """True once any signature was made on this version (it is then frozen)."""
    from netralitas.signing.models import Signature

    return db.session.scalar(sa.select(Signature.id).where(Signature.text_id == text.id).limit(1)) is not None


def signature_count(event: Event) -> int:
    """How many signatures an event holds."""
    from netralitas.signing.models import Signature

    return db.session.scalar(sa.select(sa.func.count()).select_from(Signature).where(Signature.event_id == event.id))


def required_employees(event: Event) -> sa.Select:
    """SELECT of the Employee rows that must sign this event."""
    return sa.select(Employee).join(Agency, Employee.agency_id == Agency.id).where(required_clause(event.rule))


def is_required(event: Event, employee: Employee) -> bool:
    """True when this employee must (and so may) sign this event."""
    query = sa.select(Employee.id).join(Agency, Employee.agency_id == Agency.id).where(
        Employee.id == employee.id, required_clause(event.rule))
    return db.session.scalar(query) is not None


def find_event(slug: str) -> Event | None:
    """The event with this slug."""
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def _add_text_version(event: Event, text: TextContent) -> DeclarationText:
    version = (event.current_text.version + 1) if event.current_text else 1
    row = DeclarationText(event=event, version=version)
    _fill_text(row, text)
    db.session.add(row)
    db.session.flush()
    return row


def _fill_text(row: DeclarationText, text: TextContent) -> None:
    row.title, row.preamble, row.closing = text.title.strip(), text.preamble.strip(), text.closing.strip()
    row.points_json = json.dumps([p.strip() for p in text.points], ensure_ascii=False)
    row.sha256 = text.sha256()


def text_content(row: DeclarationText) -> TextContent:
    """The stored text as a TextContent (for hashing and editing)."""
    return TextContent(row.title, row.preamble, tuple(row.points), row.closing)


def _check_text(text: TextContent) -> None:
    if not text.title.strip():
        raise EventError(_l("Judul deklarasi wajib diisi."))
    if not text.points or any(not p.strip() for p in text.points):
        raise EventError(_l("Deklarasi harus memiliki minimal satu butir, dan tidak ada butir kosong."))


def _check_event_fields(slug: str, opens_dt: datetime, closes_dt: datetime, event_id: int | None) -> None:
    if not SLUG_PATTERN.match(slug or ""):
        raise EventError(_l("Alamat singkat hanya huruf kecil, angka dan tanda minus (contoh: pilkada-2024)."))
    clash = db.session.scalar(sa.select(Event.id).where(Event.slug == slug, Event.id != (event_id or 0)))
    if clash is not None:
        raise EventError(_l("Alamat singkat %(slug)s sudah dipakai acara lain.", slug=slug))
    if closes_dt <= opens_dt:
        raise EventError(_l("Waktu tutup harus setelah waktu buka."))


def _categories_csv(categories: list[Category] | None) -> str:
    chosen = [c.value for c in Category if c in (categories or [])]
    return "" if len(chosen) in (0, len(Category)) else ",".join(chosen)


def _event_snapshot(event: Event) -> dict:
    return {"name": event.name, "slug": event.slug, "kind": event.election_kind.value,
            "opens": event.opens_dt.isoformat(), "closes": event.closes_dt.isoformat(),
            "attendance": event.is_attendance_on, "categories": event.categories_csv,
            "agencies": sorted(a.code for a in event.agencies)}
