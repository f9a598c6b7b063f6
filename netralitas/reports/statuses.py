"""Per-employee signing status for an event in a staff member's scope: the drill-down list and its exports."""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from netralitas.certificates.models import Certificate
from netralitas.events.rules import Audience
from netralitas.masterdata.models import Agency, Category, Employee
from netralitas.signing.models import Signature


class SignStatus(enum.StrEnum):
    """Filter values for the status list."""

    SIGNED = "sudah"
    UNSIGNED = "belum"


#: Longest search term taken from a query string (SQLite refuses LIKE patterns over 50,000 bytes).
SEARCH_MAX_CHARS = 100


def choice(kind: type[enum.Enum], value: str | None):
    """The member of `kind` whose value is given, else None: an unknown filter value is ignored, never an error."""
    try:
        return kind(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class StatusFilter:
    """Which employees of the scope the status list holds (the drill-down page's filters, also used by its exports)."""

    status: SignStatus | None = None
    category: Category | None = None
    search: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> StatusFilter:
        """The filters of a query string: ?status=sudah|belum, ?kategori=PNS…, ?q=name/NIP/NIK."""
        return cls(status=choice(SignStatus, args.get("status")), category=choice(Category, args.get("kategori")),
                   search=(args.get("q") or "").strip()[:SEARCH_MAX_CHARS])

    def as_data(self) -> dict[str, str | None]:
        return {"status": self.status.value if self.status else None,
                "category": self.category.value if self.category else None, "search": self.search or None}


def employee_statuses(audience: Audience, *, status: SignStatus | None = None, category: Category | None = None,
                      search: str | None = None) -> sa.Select:
    """SELECT of rows (Employee, Agency, signed_dt, is_attended, certificate_code) for the audience's employees.

    The last three are NULL for someone who has not signed (the drawn signature is not loaded).
    Rows are ordered by agency code, then name. Callers paginate or stream it.
    """
    live = sa.and_(Signature.employee_id == Employee.id, Signature.live_in(audience.event_id))
    query = (audience.employees(Employee, Agency, Signature.signed_dt, Signature.is_attended,
                                Certificate.code.label("certificate_code"))
             .outerjoin(Signature, live)
             .outerjoin(Certificate, Certificate.signature_id == Signature.id)
             .order_by(Agency.code, Employee.name_search, Employee.id))
    if status == SignStatus.SIGNED:
        query = query.where(Signature.id.is_not(None))
    elif status == SignStatus.UNSIGNED:
        query = query.where(Signature.id.is_(None))
    if category is not None:
        query = query.where(Employee.category == category)
    if search and search.strip():
        term = search.strip()
        query = query.where(sa.or_(Employee.name_search.contains(term.lower(), autoescape=True),
                                   Employee.nip == term, Employee.nik == term))
    return query
