"""Access fixtures shared with tests/test_access.py (its agency A / agency B world), plus a verified signer."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.masterdata.models import Employee
from tests.test_access import world  # noqa: F401  (the fixture, shared as is)


@dataclass
class Signer:
    """A browser whose visitor proved to be employee A (code + birth date) and signed; B signed on their own."""

    client: object
    employee_id: int
    other_employee_id: int
    event: Event
    code: str


@pytest.fixture
def signer(app, world, invite, sign_for) -> Signer:  # noqa: F811  (world is the imported fixture)
    event = db.session.get(Event, world.event_id)
    employee = db.session.get(Employee, world.employee_ids["A"])
    other = db.session.get(Employee, world.employee_ids["B"])
    sign_for(event, other)
    invited = invite(event, employee)
    client = app.test_client()
    assert client.post(f"/e/{event.slug}", data={"code": invited.code, "birth_date": invited.birth}).status_code == 302
    assert client.post(f"/e/{event.slug}/deklarasi", data=invited.declaration()).status_code == 302
    return Signer(client, employee.id, other.id, event, invited.code)


def all_rows() -> dict[str, list]:
    """Every row of every table: what a refused request must leave as it was."""
    db.session.expire_all()
    return {table.name: [tuple(row) for row in db.session.execute(sa.select(table))]
            for table in db.metadata.sorted_tables}
