"""Staff accounts: the people who administer events and master data."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime
from functools import cache

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.extensions import db
from netralitas.masterdata.models import Agency


class Role(enum.StrEnum):
    """What a staff member may do; agency admins (and optionally viewers) are scoped to a subtree."""

    SUPER_ADMIN = "super_admin"
    OPERATOR = "operator"
    AGENCY_ADMIN = "agency_admin"
    VIEWER = "viewer"
    #: A Bawaslu or BKN liaison: reads the cases they referred (as a case member), nothing else.
    LIAISON = "liaison"


def spend_password_check(password: str) -> None:
    """Check the password against a throwaway hash, so a login for an unknown email takes as long as a real one."""
    check_password_hash(_decoy_hash(), password)


@cache
def _decoy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


class Staff(UserMixin, db.Model):
    """A staff login (BKPSDM, Inspektorat, agency admin or viewer)."""

    __tablename__ = "staff"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    role: so.Mapped[Role] = enum_column(Role)
    #: Root of the subtree this account may see; required for agency admins.
    agency_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agencies.id"))
    is_active_account: so.Mapped[bool] = so.mapped_column(default=True)
    #: Case officer (BKPSDM/BKD): may open neutrality cases and see every case about employees in their scope.
    is_case_officer: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: Part of the login cookie; rotating it ends every session of this account.
    session_nonce: so.Mapped[str] = so.mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    last_login_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    agency: so.Mapped[Agency | None] = so.relationship()

    def set_password(self, password: str) -> None:
        """Hash and store a new password, ending other sessions."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Invalidate every login cookie issued for this account."""
        self.session_nonce = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_super_admin(self) -> bool:
        return self.role == Role.SUPER_ADMIN

    @property
    def is_scoped(self) -> bool:
        """True when this account sees only one agency subtree (an agency admin always: none if it has no agency)."""
        if self.role == Role.AGENCY_ADMIN:
            return True
        return self.role == Role.VIEWER and self.agency_id is not None

    def __repr__(self) -> str:
        return f"<Staff {self.email} {self.role}>"


class ApiToken(db.Model):
    """A per-staff credential for the read-only API; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    staff_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"), index=True)
    #: What the owner calls it ("Dashboard Diskominfo").
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: SHA-256 hex of the secret: tokens are 256-bit random, so a fast hash is right.
    token_digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: First characters of the token, shown in the list so the owner can tell tokens apart.
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    staff: so.Mapped[Staff] = so.relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None
