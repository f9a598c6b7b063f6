"""Certificates: the checkable proof issued with every signature."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, utcnow
from netralitas.extensions import db
from netralitas.signing.models import Signature


class Certificate(db.Model):
    """One per signature, created in the same transaction; revocation lives on the signature."""

    __tablename__ = "certificates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    signature_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("signatures.id"), unique=True)
    #: Printed lookup code without dashes, e.g. "NTR7K2QM9XP3" (body + Crockford check symbol).
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    #: Compact JWS (EdDSA) over {c: code, iat}; what the QR code carries.
    token: so.Mapped[str] = so.mapped_column(sa.String(400))
    #: Id of the Ed25519 key that signed the token.
    kid: so.Mapped[str] = so.mapped_column(sa.String(16), index=True)
    issued_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    signature: so.Mapped[Signature] = so.relationship(back_populates="certificate")
