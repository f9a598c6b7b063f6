"""The signer's path: prove who you are with an invitation code, then sign exactly once."""
from __future__ import annotations

import enum
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from netralitas.audit.services import record
from netralitas.certificates.services import has_usable_signing_key, issue_certificate
from netralitas.core import rotating_code
from netralitas.core.dates import parse_typed_date as parse_birth_date
from netralitas.core.images import ImageError, check_signature_png
from netralitas.db import utcnow
from netralitas.events.cache import CachedEvent
from netralitas.events.models import DeclarationText, Event, Invitation
from netralitas.events.rules import SigningRule, SigningWindow, required_clause, window
from netralitas.extensions import db
from netralitas.invitations.services import find_invitation
from netralitas.masterdata.models import Agency, Employee
from netralitas.signing.models import Signature


class Problem(enum.StrEnum):
    """Why a signer cannot go on; the views say it in the signer's language (PROBLEM_MESSAGES there)."""

    UNKNOWN_CODE = "unknown_code"
    CODE_OTHER_EVENT = "code_other_event"
    #: Re-issued by the help desk, or ended when the certificate made with it was revoked.
    CODE_ENDED = "code_ended"
    BIRTH_DATE_FORMAT = "birth_date_format"
    WRONG_BIRTH_DATE = "wrong_birth_date"
    NOT_REQUIRED = "not_required"
    WRONG_ATTENDANCE = "wrong_attendance"
    EVENT_DRAFT = "draft"
    EVENT_NOT_YET = "not_yet"
    EVENT_ENDED = "ended"
    EVENT_CLOSED = "closed"
    EMPLOYEE_INACTIVE = "employee_inactive"
    POINTS_MISSING = "points_missing"
    NAME_MISMATCH = "name_mismatch"
    SIGNATURE = "signature"
    NO_SIGNING_KEY = "no_signing_key"


#: The input each problem asks the signer to fix; others concern the page as a whole.
PROBLEM_FIELDS = {
    Problem.UNKNOWN_CODE: "code", Problem.CODE_OTHER_EVENT: "code", Problem.CODE_ENDED: "code",
    Problem.BIRTH_DATE_FORMAT: "birth_date", Problem.WRONG_BIRTH_DATE: "birth_date",
    Problem.WRONG_ATTENDANCE: "attendance", Problem.POINTS_MISSING: "points", Problem.NAME_MISMATCH: "typed_name",
    Problem.SIGNATURE: "signature",
}
#: The problem of signing in each closed window (an open one has none).
WINDOW_PROBLEMS = {SigningWindow.DRAFT: Problem.EVENT_DRAFT, SigningWindow.NOT_YET: Problem.EVENT_NOT_YET,
                   SigningWindow.ENDED: Problem.EVENT_ENDED, SigningWindow.CLOSED: Problem.EVENT_CLOSED}


@dataclass(frozen=True)
class Refusal:
    """One problem and its detail (the points left unticked, the official name, what is wrong with the drawing)."""

    problem: Problem
    detail: str = ""

    @property
    def field(self) -> str | None:
        return PROBLEM_FIELDS.get(self.problem)


class SigningError(ValueError):
    """Why a signer cannot go on: one or more refusals (a declaration reports every problem at once)."""

    def __init__(self, problem: Problem | Refusal, *more: Refusal):
        first = problem if isinstance(problem, Refusal) else Refusal(problem)
        super().__init__(first.problem.value)
        self.refusals = (first, *more)

    @property
    def problem(self) -> Problem:
        return self.refusals[0].problem

    @property
    def field(self) -> str | None:
        return self.refusals[0].field


@dataclass(frozen=True)
class SignerAccess:
    """A verified signer: their invitation and whether they proved presence at the venue."""

    invitation_id: int
    event_id: int
    employee_id: int
    is_attended: bool


def verify_signer(event: Event | CachedEvent, typed_code: str, typed_birth_date: str, typed_attendance: str,
                  now: datetime | None = None, *, invitation: sa.Row | None = None) -> SignerAccess:
    """Check code, birth date, event window and (optionally) the venue's attendance code.

    `invitation` is find_invitation(typed_code) when the caller already looked it up (the address limit does).
    """
    now = now or utcnow()
    invitation = invitation or find_invitation(typed_code)
    if invitation is None:
        raise SigningError(Problem.UNKNOWN_CODE)
    if invitation.event_id != event.id:
        raise SigningError(Problem.CODE_OTHER_EVENT)
    if invitation.revoked_dt is not None:
        raise SigningError(Problem.CODE_ENDED)
    birth_date = parse_birth_date(typed_birth_date)
    if birth_date is None:  # a typing problem, not a guess: the view does not count it against any limit
        raise SigningError(Problem.BIRTH_DATE_FORMAT)
    # One query for the employee, whether they signed already and whether they must sign.
    query = _access_query(event.rule)
    employee = db.session.connection().execute(query, {"event_id": event.id,
                                                       "employee_id": invitation.employee_id}).one()
    already_signed = employee.signed_id is not None
    if not already_signed:  # a signer may come back for their certificate after the window
        check_event_open(event, now)
    if birth_date != employee.birth_date:
        raise SigningError(Problem.WRONG_BIRTH_DATE)
    if already_signed:
        return SignerAccess(invitation.id, event.id, employee.id, False)
    if not employee.is_required:
        raise SigningError(Problem.NOT_REQUIRED)
    is_attended = False
    if event.is_attendance_on and (typed_attendance or "").strip():
        if not rotating_code.matches(event.attendance_secret, typed_attendance, now):
            raise SigningError(Problem.WRONG_ATTENDANCE)
        is_attended = True
    return SignerAccess(invitation.id, event.id, employee.id, is_attended)


@lru_cache(maxsize=64)
def _access_query(rule: SigningRule) -> sa.Select:
    """verify_signer's statement for one "who must sign" rule, built once (building it cost a third of the query)."""
    live = sa.select(Signature.id).where(Signature.live_in(sa.bindparam("event_id")),
                                         Signature.employee_id == Employee.id).correlate(Employee).scalar_subquery()
    return (sa.select(Employee.id, Employee.birth_date, live.label("signed_id"), required_clause(rule).label("is_required"))
            .join(Agency, Employee.agency_id == Agency.id).where(Employee.id == sa.bindparam("employee_id")))


def check_event_open(event, now: datetime) -> None:
    """Raise the signer-facing message when the event does not accept signatures now.

    `event` is anything with status, opens_dt and closes_dt: an Event, a CachedEvent or a row read for signing.
    """
    state = window(event, now)
    if state != SigningWindow.OPEN:
        raise SigningError(WINDOW_PROBLEMS[state])


def existing_signature(event_id: int, employee_id: int) -> Signature | None:
    """The employee's live (not revoked) signature for this event, if any."""
    return db.session.scalar(sa.select(Signature).where(
        Signature.live_in(event_id), Signature.employee_id == employee_id))


def names_match(typed: str, official: str) -> bool:
    """The typed name is the official name, ignoring case, accents, punctuation and academic titles."""
    typed_words = _name_words(typed)
    official_words = _name_words(official)
    if not typed_words:
        return False
    return typed_words == official_words or (len(typed_words) >= 2 and set(typed_words) <= set(official_words))


def _name_words(name: str) -> list[str]:
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z]+", ascii_name)


@dataclass(frozen=True)
class SignOutcome:
    """Which signature the signer has, and whether this request created it (False for a repeat or a race)."""

    signature_id: int
    is_new: bool

    @property
    def signature(self) -> Signature:
        """The signature row (loaded on first use: the signing request itself only redirects)."""
        return db.session.get(Signature, self.signature_id)


def sign(access: SignerAccess, *, ticked: set[int], typed_name: str, signature_png: bytes, client_ip: str,
         user_agent: str, max_png_bytes: int, now: datetime | None = None) -> SignOutcome:
    """Store the signature, its certificate and audit entry; a repeat returns the first signature unchanged.

    No lock is taken up front: the partial unique index over live signatures decides a race (double tap, browser
    retry, two phones). The loser's INSERT waits for the winner's commit, fails, and it returns the winner's
    signature. The audit chain is locked last (by record()), so signers hold it only for the final writes.
    """
    now = now or utcnow()
    # Core execution on the session's connection: plain columns need none of the ORM's result machinery.
    facts = db.session.connection().execute(_signing_facts_query(), {
        "invitation_id": access.invitation_id, "event_id": access.event_id, "employee_id": access.employee_id,
    }).one_or_none()
    if facts is None:  # the invitation is gone (its event was deleted): nothing to sign
        raise SigningError(Problem.CODE_ENDED)
    if facts.signature_id is not None:
        return SignOutcome(facts.signature_id, False)
    points = json.loads(facts.points_json)
    _check_submission(facts, ticked, typed_name, signature_png, max_png_bytes, now, len(points))
    if facts.invitation_revoked_dt is not None:
        raise SigningError(Problem.CODE_ENDED)
    if not has_usable_signing_key():  # checked before any write: a signature must never lack its certificate
        raise SigningError(Problem.NO_SIGNING_KEY)
    row = {"event_id": access.event_id, "employee_id": access.employee_id, "invitation_id": access.invitation_id,
           "text_id": facts.text_id, "text_sha256": facts.text_sha256, "typed_name": " ".join(typed_name.split()),
           "signature_png": signature_png, "is_attended": access.is_attended, "signed_dt": now,
           "client_ip": client_ip[:45], "user_agent": (user_agent or "")[:300]}
    try:
        # Core INSERTs on the session's connection: a third of the CPU of ORM objects and flushes.
        signature_id = db.session.connection().execute(Signature.__table__.insert(), row).inserted_primary_key[0]
    except IntegrityError:
        # Another request signed first (it committed while this INSERT waited): keep theirs.
        db.session.rollback()
        earlier = existing_signature(access.event_id, access.employee_id)
        if earlier is None:
            raise
        return SignOutcome(earlier.id, False)
    certificate = issue_certificate(signature_id)
    record(f"signer:{access.employee_id}", "signature.create", "signature", signature_id,
           f"{facts.employee_name} menandatangani {facts.event_name}",
           {"event": facts.event_slug, "text_version": facts.text_version, "text_sha256": facts.text_sha256,
            "attended": access.is_attended, "certificate": certificate.code, "kid": certificate.kid})
    return SignOutcome(signature_id, True)


@cache
def _signing_facts_query() -> sa.Select:
    """Everything sign() decides on, read fresh in one statement (built once; bound per call).

    Employee name and status, the invitation's revocation, the event's status and window, its current text
    version, and the employee's live signature if there is one.
    """
    latest = sa.select(sa.func.max(DeclarationText.version)).where(DeclarationText.event_id == Event.id) \
        .correlate(Event).scalar_subquery()
    live = sa.select(Signature.id).where(Signature.live_in(Event.id), Signature.employee_id == Employee.id) \
        .correlate(Event, Employee).scalar_subquery()
    return (
        sa.select(Employee.name.label("employee_name"), Employee.is_active.label("employee_is_active"),
                  Invitation.revoked_dt.label("invitation_revoked_dt"), Event.name.label("event_name"),
                  Event.slug.label("event_slug"), Event.status, Event.opens_dt, Event.closes_dt,
                  DeclarationText.id.label("text_id"), DeclarationText.version.label("text_version"),
                  DeclarationText.sha256.label("text_sha256"), DeclarationText.points_json,
                  live.label("signature_id"))
        .select_from(Invitation)
        .join(Employee, Employee.id == Invitation.employee_id)
        .join(Event, Event.id == Invitation.event_id)
        .join(DeclarationText, sa.and_(DeclarationText.event_id == Event.id, DeclarationText.version == latest))
        .where(Invitation.id == sa.bindparam("invitation_id"), Invitation.event_id == sa.bindparam("event_id"),
               Invitation.employee_id == sa.bindparam("employee_id"))
    )


def _check_submission(facts, ticked: set[int], typed_name: str, png: bytes, max_png_bytes: int, now: datetime,
                      point_count: int) -> None:
    """Every problem of a declaration at once, so the signer fixes them in one go."""
    check_event_open(facts, now)  # the row carries the event's status, opens_dt and closes_dt
    if not facts.employee_is_active:
        raise SigningError(Problem.EMPLOYEE_INACTIVE)
    refusals = []
    missing = sorted(set(range(1, point_count + 1)) - ticked)
    if missing:
        refusals.append(Refusal(Problem.POINTS_MISSING, ", ".join(map(str, missing))))
    if not names_match(typed_name, facts.employee_name):
        refusals.append(Refusal(Problem.NAME_MISMATCH, facts.employee_name))
    try:
        check_signature_png(png, max_bytes=max_png_bytes)
    except ImageError as exc:
        refusals.append(Refusal(Problem.SIGNATURE, str(exc)))
    if refusals:
        raise SigningError(*refusals)
