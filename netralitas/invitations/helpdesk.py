"""Read-only look-ups for the venue help desk: find a required employee, see who already signed."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlalchemy as sa

from netralitas.events.models import Event
from netralitas.events.services import required_employees
from netralitas.extensions import db
from netralitas.masterdata.models import Employee
from netralitas.masterdata.scope import employee_scope
from netralitas.signing.models import Signature

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

MAX_QUERY_LENGTH = 100


def search(staff: Staff, event: Event, typed: str) -> sa.Select:
    """Required employees matching typed: digits (spaces, dots, dashes ignored) are a NIP/NIK prefix, else part of the name."""
    typed = (typed or "").strip()[:MAX_QUERY_LENGTH]
    digits = re.sub(r"[\s.-]", "", typed)
    if digits.isdigit():
        match = sa.or_(Employee.nip.startswith(digits), Employee.nik.startswith(digits))
    else:
        match = Employee.name_search.contains(typed.lower(), autoescape=True)
    return (required_employees(event)
            .where(employee_scope(staff), match)
            .options(sa.orm.contains_eager(Employee.agency))
            .order_by(Employee.name_search, Employee.id))


def signed_employee_ids(event: Event, employee_ids: Iterable[int]) -> set[int]:
    """Which of these employees have signed the event."""
    ids = list(employee_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Signature.employee_id).where(
        Signature.live_in(event.id), Signature.employee_id.in_(ids))))


def has_signed(event: Event, employee: Employee) -> bool:
    """True once the employee has signed this event."""
    return bool(signed_employee_ids(event, [employee.id]))
