"""Read-only lookups for the signer pages, as plain rows: every signer loads these pages at least once.

Selecting columns with a statement built once, executed through Core on the session's connection (no ORM result
machinery), costs a fraction of the CPU of ORM entities with joined loads; the pages only show values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa

from netralitas.certificates.models import Certificate
from netralitas.events.models import DeclarationText
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Category, Employee
from netralitas.signing.models import Signature

_EVENT = sa.bindparam("event_id")
_EMPLOYEE = sa.bindparam("employee_id")


@dataclass(frozen=True)
class SignerCard:
    """Who is signing, as the declaration page shows it, and their live signature's id (None before signing)."""

    name: str
    nip: str | None
    nik: str | None
    category: Category
    agency_name: str
    signature_id: int | None


@dataclass(frozen=True)
class CertificateCard:
    """The signer's certificate page: signature, text version, person and certificate in one row."""

    signature_id: int
    signed_dt: datetime
    is_attended: bool
    typed_name: str
    text_sha256: str
    text_version: int
    name: str
    nip: str | None
    nik: str | None
    agency_name: str
    code: str
    token: str


def signer_card(event_id: int, employee_id: int) -> SignerCard:
    """The signer and whether they already signed this event (one query)."""
    row = db.session.connection().execute(_signer_query(), {"event_id": event_id, "employee_id": employee_id}).one()
    return SignerCard(**row._mapping)


def certificate_card(event_id: int, employee_id: int) -> CertificateCard | None:
    """The signer's live signature with its certificate, or None when they have not signed (one query)."""
    row = db.session.connection().execute(_certificate_query(),
                                          {"event_id": event_id, "employee_id": employee_id}).one_or_none()
    return None if row is None else CertificateCard(**row._mapping)


@cache
def _signer_query() -> sa.Select:
    live = sa.select(Signature.id).where(Signature.live_in(_EVENT), Signature.employee_id == Employee.id) \
        .correlate(Employee).scalar_subquery()
    return (sa.select(Employee.name, Employee.nip, Employee.nik, Employee.category,
                      Agency.name.label("agency_name"), live.label("signature_id"))
            .join(Agency, Agency.id == Employee.agency_id).where(Employee.id == _EMPLOYEE))


@cache
def _certificate_query() -> sa.Select:
    return (sa.select(Signature.id.label("signature_id"), Signature.signed_dt, Signature.is_attended,
                      Signature.typed_name, Signature.text_sha256, DeclarationText.version.label("text_version"),
                      Employee.name, Employee.nip, Employee.nik, Agency.name.label("agency_name"),
                      Certificate.code, Certificate.token)
            .join(DeclarationText, DeclarationText.id == Signature.text_id)
            .join(Employee, Employee.id == Signature.employee_id)
            .join(Agency, Agency.id == Employee.agency_id)
            .join(Certificate, Certificate.signature_id == Signature.id)
            .where(Signature.live_in(_EVENT), Signature.employee_id == _EMPLOYEE))
