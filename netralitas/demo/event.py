"""The demo city's open declaration event, with invitations ready to sign."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import ElectionKind, Event, EventStatus
from netralitas.extensions import db
from netralitas.invitations.services import code_for, display_code, ensure_invitations, live_invitation
from netralitas.masterdata.models import Employee

DEMO_SLUG = "pilkada-mekarsari-2026"
ACTOR = "seed-demo"


@dataclass(frozen=True)
class DemoEvent:
    """The event and one employee a visitor can sign as."""

    event: Event
    sample_name: str
    sample_code: str
    sample_birth_date: str


def ensure_demo_event() -> DemoEvent:
    """Create the open event once (window: from an hour ago for a week) and issue every invitation."""
    event = events.find_event(DEMO_SLUG)
    if event is None:
        now = utcnow().replace(second=0, microsecond=0)
        event = events.create_event(ACTOR, name="Deklarasi Netralitas Pegawai Pilkada Kota Mekarsari 2026",
                                    slug=DEMO_SLUG, election_kind=ElectionKind.PILKADA,
                                    opens_dt=now - timedelta(hours=1), closes_dt=now + timedelta(days=7))
        events.set_status(ACTOR, event, EventStatus.OPEN)
    ensure_invitations(event, db.session.scalars(events.required_employees(event).with_only_columns(Employee.id)))
    sample = db.session.scalar(events.required_employees(event).order_by(Employee.id).limit(1))
    invitation = live_invitation(event, sample)
    code = code_for(event.id, sample.id, invitation.generation)
    return DemoEvent(event, sample.name, display_code(code), sample.birth_date.strftime("%d-%m-%Y"))

