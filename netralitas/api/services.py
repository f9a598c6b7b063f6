"""API tokens (create, revoke, authenticate a bearer header) and the JSON shape of an event's completion."""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.auth.models import ApiToken, Staff
from netralitas.core.messages import lazy_message as _l
from netralitas.db import utcnow
from netralitas.events.progress import Progress
from netralitas.extensions import db
from netralitas.masterdata.models import Agency
from netralitas.masterdata.scope import agency_scope
from netralitas.reports.completion import Completion

#: Marks our tokens, so secret scanners and people can recognise a leaked one.
TOKEN_PREFIX = "ntr_"  # noqa: S105 (a public marker, not a secret)
#: Characters of the token kept in clear for the list ("ntr_" and 8 random ones); fits ApiToken.prefix.
SHOWN_PREFIX_LENGTH = 12
#: A real token is "ntr_" + 43 characters; anything much longer is not worth hashing.
MAX_TOKEN_LENGTH = 100
#: last_used_dt is rewritten at most this often, so a busy integration does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token change that breaks a rule; the message is shown to the owner."""


def token_digest(token: str) -> str:
    """SHA-256 hex of a token: the only form in which tokens are stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(staff: Staff, name: str) -> tuple[ApiToken, str]:
    """Create a token for the staff member; the plaintext is returned here once and never stored."""
    name = name.strip()
    if not name:
        raise TokenError(_l("Nama token wajib diisi."))
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 random bits
    token = ApiToken(staff_id=staff.id, name=name, token_digest=token_digest(plaintext),
                     prefix=plaintext[:SHOWN_PREFIX_LENGTH])
    db.session.add(token)
    db.session.flush()
    record(staff, "api_token.create", "api_token", token.id, f"Token API {name!r} dibuat ({token.prefix}…)",
           {"name": name, "prefix": token.prefix})
    return token, plaintext


def own_tokens(staff: Staff) -> list[ApiToken]:
    """The staff member's tokens, active ones first, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.staff_id == staff.id)
        .order_by(ApiToken.revoked_dt.is_not(None), ApiToken.created_dt.desc(), ApiToken.id.desc())))


def find_own_token(staff: Staff, token_id: int) -> ApiToken | None:
    """The token if it belongs to this staff member (nobody handles another person's tokens)."""
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.staff_id == staff.id))


def revoke_token(actor: Staff, token: ApiToken) -> None:
    """Revoke one of the actor's own tokens; it stops working on the next request."""
    if token.staff_id != actor.id:
        raise TokenError(_l("Token ini bukan milik Anda."))
    if token.is_revoked:
        raise TokenError(_l("Token ini sudah dicabut."))
    token.revoked_dt = utcnow()
    record(actor, "api_token.revoke", "api_token", token.id, f"Token API {token.name!r} dicabut ({token.prefix}…)",
           {"name": token.name, "prefix": token.prefix})


def authenticate(header_value: str | None) -> Staff | None:
    """The active staff member behind an "Authorization: Bearer <token>" header, else None.

    Looking the token up by its digest is safe against timing attacks: what an attacker could learn
    from the index lookup is how a SHA-256 digest compares, which says nothing usable about a
    256-bit secret. Revoked tokens and deactivated accounts are refused. The caller commits
    (last_used_dt may have been updated).
    """
    scheme, _, credential = (header_value or "").strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential or len(credential) > MAX_TOKEN_LENGTH:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_digest == token_digest(credential)))
    if token is None or token.is_revoked or not token.staff.is_active_account:
        return None
    now = utcnow()
    if token.last_used_dt is None or now - token.last_used_dt >= LAST_USED_RESOLUTION:
        token.last_used_dt = now
    return token.staff


def find_unit(staff: Staff, code: str) -> Agency | None:
    """The agency with this code if it lies in the staff member's scope, else None."""
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.strip(), agency_scope(staff)))


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second ("2026-11-21T06:31:39Z")."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def completion_payload(result: Completion, generated_dt: datetime) -> dict[str, Any]:
    """The API's JSON document for a completion: event, overall, by_category, by_agency (tree order).

    by_agency is a self-contained tree: parent_code names another row of the same document, or is
    null for the top rows (the staff member's own root, the ?unit= root, or the government), so an
    agency admin's document never names an agency outside their scope. depth is the agency's depth
    in the whole tree (0 = the government). Agencies with nobody required are left out.
    """
    event = result.event
    codes = {row.agency_id: row.code for row in result.agencies.values()}
    return {
        "event": {"slug": event.slug, "name": event.name, "status": event.status.value,
                  "opens": iso_utc(event.opens_dt), "closes": iso_utc(event.closes_dt)},
        "generated_at": iso_utc(generated_dt),
        "overall": _counts(result.total),
        "by_category": [{"category": category.value, **_counts(counts)}
                        for category, counts in result.by_category.items()],
        "by_agency": [{"code": row.code, "name": row.name, "parent_code": codes.get(row.parent_id),
                       "depth": row.depth, **_counts(row)} for row in result.walk()],
    }


def _counts(counts: Progress) -> dict[str, Any]:
    return {"required": counts.required, "signed": counts.signed, "attended": counts.attended,
            "remote": counts.remote, "percent": counts.percent}
