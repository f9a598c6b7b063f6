"""Personal invitation codes: derived from a server key, stored as digests, re-issued by the help desk."""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app

from netralitas.audit.services import record
from netralitas.core import codes
from netralitas.core.urls import public_url
from netralitas.db import utcnow
from netralitas.events.models import Event, Invitation
from netralitas.extensions import db
from netralitas.masterdata.models import Employee

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

#: 13 Crockford base32 symbols = 65 bits, above the 64 set as the minimum: a code is a bearer secret (with the
#: birth date it lets its holder sign), so guessing one must stay hopeless.
CODE_LENGTH = 13
#: How many generations to try when a derived code collides with another live code.
MAX_COLLISION_TRIES = 8


def code_for(event_id: int, employee_id: int, generation: int) -> str:
    """The code of one invitation, reproducible only with the server's invitation key."""
    key = current_app.config["INVITATION_KEY"].encode()
    return codes.derived_code(key, f"invitation:{event_id}:{employee_id}:{generation}", CODE_LENGTH)


def invitation_url(code: str, base_url: str | None = None) -> str:
    """The personal link printed on a slip (and encoded in its QR): PUBLIC_BASE_URL/i/<code>.

    base_url: the address resolved while the request was there, for a stream that runs after it.
    """
    return public_url(base_url or current_app.config["PUBLIC_BASE_URL"], f"/i/{display_code(code)}")


def display_code(code: str) -> str:
    """'ABCDE-FGHJK': how a code is printed."""
    return codes.group(code)


def ensure_invitations(event: Event, employee_ids: Iterable[int]) -> int:
    """Create invitations for the employees who never had one in bulk; returns how many were made.

    An employee whose code was ended (end_invitation) gets none here: a download or a reminder must not hand out
    a new code that only the help desk may issue.
    """
    wanted = set(employee_ids)
    have = _chunked_scalars(
        lambda chunk: sa.select(Invitation.employee_id).where(
            Invitation.event_id == event.id, Invitation.employee_id.in_(chunk)),
        list(wanted))
    digests = {eid: codes.digest(code_for(event.id, eid, 0)) for eid in sorted(wanted - have)}
    taken = _chunked_scalars(
        lambda chunk: sa.select(Invitation.code_digest).where(Invitation.code_digest.in_(chunk)), list(digests.values()))
    now = utcnow()
    rows = []
    for employee_id, digest in digests.items():
        generation = 0
        if digest in taken:
            generation = _free_generation(event.id, employee_id, 1)
            digest = codes.digest(code_for(event.id, employee_id, generation))
        taken.add(digest)
        rows.append({"event_id": event.id, "employee_id": employee_id, "generation": generation,
                     "code_digest": digest, "issued_dt": now})
    if rows:
        db.session.execute(sa.insert(Invitation), rows)
    return len(rows)


def _chunked_scalars(make_query, values: list, size: int = 900) -> set:
    """Run an IN-query over values in chunks (SQLite caps bound parameters) and gather the results."""
    found: set = set()
    for start in range(0, len(values), size):
        found.update(db.session.scalars(make_query(values[start:start + size])))
    return found


def live_invitation(event: Event, employee: Employee) -> Invitation | None:
    """The employee's current (not revoked) invitation for this event."""
    return db.session.scalar(sa.select(Invitation).where(
        Invitation.event_id == event.id, Invitation.employee_id == employee.id, Invitation.revoked_dt.is_(None)))


def find_by_code(typed: str) -> sa.Row | None:
    """The live invitation whose code was typed (any case, with or without dashes), else None."""
    found = find_invitation(typed)
    return found if found is not None and found.revoked_dt is None else None


def find_invitation(typed: str) -> sa.Row | None:
    """The invitation whose code was typed, live or ended (revoked_dt set), else None.

    A row of (id, event_id, employee_id, revoked_dt), read through Core: every signer's first POST asks, and loading
    an ORM Invitation for four columns cost a quarter of that request. An ended code is told apart from a mistyped
    one so its holder learns to go to the help desk.
    """
    try:
        code = codes.parse(typed, CODE_LENGTH)
    except codes.CodeError:
        return None
    return db.session.connection().execute(_invitation_by_digest(), {"digest": codes.digest(code)}).first()


@cache
def _invitation_by_digest() -> sa.Select:
    return sa.select(Invitation.id, Invitation.event_id, Invitation.employee_id, Invitation.revoked_dt).where(
        Invitation.code_digest == sa.bindparam("digest"))


def end_invitation(event_id: int, employee_id: int) -> None:
    """End the employee's live code for the event (their certificate was revoked); the caller commits.

    Only the help desk, after checking the ID card, gives them a new one (reissue): ensure_invitations never does.
    """
    db.session.execute(sa.update(Invitation).where(
        Invitation.event_id == event_id, Invitation.employee_id == employee_id, Invitation.revoked_dt.is_(None),
    ).values(revoked_dt=utcnow()))


def reissue(actor: Staff, event: Event, employee: Employee, reason: str) -> str:
    """Revoke the employee's code and issue a new one (help desk, after checking the ID card); returns it."""
    current = live_invitation(event, employee)
    generation = 0
    if current is not None:
        current.revoked_dt = utcnow()
        generation = current.generation + 1
        db.session.flush()
    generation = _free_generation(event.id, employee.id, generation)
    code = code_for(event.id, employee.id, generation)
    invitation = Invitation(event_id=event.id, employee_id=employee.id, generation=generation,
                            code_digest=codes.digest(code))
    db.session.add(invitation)
    db.session.flush()
    record(actor, "invitation.reissue", "employee", employee.id,
           f"Kode undangan {employee.name} untuk {event.name} diterbitkan ulang",
           {"event": event.slug, "generation": generation, "reason": reason[:200]})
    return code


def _free_generation(event_id: int, employee_id: int, start: int) -> int:
    """The first generation from `start` whose code no other invitation uses (collisions are rare, not impossible)."""
    for generation in range(start, start + MAX_COLLISION_TRIES):
        digest = codes.digest(code_for(event_id, employee_id, generation))
        if db.session.scalar(sa.select(Invitation.id).where(Invitation.code_digest == digest)) is None:
            return generation
    raise RuntimeError("could not find a free invitation code")
