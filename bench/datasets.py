"""Benchmark data inserted in bulk (inside an app context): an agency tree, an open event, employees who signed.

Shared by bench/dashboard.py and bench/report_exports.py so both measure the same kind of population: employees
spread evenly over the agencies, every one invited, 3 in 5 signed (2 in 3 of those at the venue) with a stand-in
certificate. Certificates are rows only (no keys, no PDF): the reports read their codes, nothing more.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

#: Agency kind per tree depth: the government, its departments (OPD), their units, and sub-units below those.
KIND_NAMES = ("PEMERINTAH", "DINAS", "UNIT", "KELURAHAN")
#: Employee i works in agency (i * SPREAD) mod n: a prime, so every agency gets its share and neighbours differ.
SPREAD = 7919


def insert_tree(shape: list[tuple[int, int]]) -> list:
    """One agency per (depth, parent index) in shape, parents before children; returns the Agency rows in order.

    Codes follow the tree (KAB, KAB.0001, KAB.0001.0045) and names carry an accent, as real ones do.
    """
    from netralitas.extensions import db
    from netralitas.masterdata.models import Agency, AgencyKind

    rows: list[Agency] = []
    for n, (depth, parent) in enumerate(shape):
        kind = AgencyKind[KIND_NAMES[depth]]
        code = "KAB" if depth == 0 else f"{rows[parent].code}.{n:04d}"
        agency = Agency(code=code, name=f"{kind.value.title()} Bench {n} Wédari", kind=kind,
                        parent_id=rows[parent].id if parent >= 0 else None, path="", depth=depth)
        db.session.add(agency)
        db.session.flush()
        agency.path = (rows[parent].path if parent >= 0 else "/") + f"{agency.id}/"
        rows.append(agency)
    return rows


def open_event(name: str, slug: str, opens_dt: datetime, closes_dt: datetime):
    """A Pilkada event with its default declaration text, set to OPEN."""
    from netralitas.events import services as events
    from netralitas.events.models import ElectionKind, EventStatus
    from netralitas.extensions import db

    event = events.create_event("bench", name=name, slug=slug, election_kind=ElectionKind.PILKADA, opens_dt=opens_dt,
                                closes_dt=closes_dt)
    events.set_status("bench", event, EventStatus.OPEN)
    db.session.flush()
    return event


def insert_signed_population(event, agency_ids: list[int], count: int, *, signed_within: timedelta) -> None:
    """count employees over agency_ids, all invited; 3 in 5 signed during the last `signed_within`, with certificates."""
    import sqlalchemy as sa

    from netralitas.certificates.models import Certificate
    from netralitas.db import utcnow
    from netralitas.events.models import Invitation
    from netralitas.extensions import db
    from netralitas.masterdata.models import Category, Employee
    from netralitas.signing.models import Signature

    categories = list(Category)
    db.session.execute(sa.insert(Employee), [
        {"name": f"Pegawai Bench {i} Nur'aini", "name_search": f"pegawai bench {i} nur'aini",
         "category": categories[i % len(categories)], "nip": f"198001012005{i:06d}" if i % 2 == 0 else None,
         "nik": f"3273{i:012d}", "birth_date": date(1980, 1, 1), "agency_id": agency_ids[(i * SPREAD) % len(agency_ids)]}
        for i in range(count)])
    ids = list(db.session.scalars(sa.select(Employee.id).order_by(Employee.id)))
    db.session.execute(sa.insert(Invitation), [
        {"event_id": event.id, "employee_id": employee_id, "generation": 0, "code_digest": f"{employee_id:064d}"}
        for employee_id in ids])
    invitations = dict(db.session.execute(sa.select(Invitation.employee_id, Invitation.id)).all())
    text = event.current_text
    now, window = utcnow(), int(signed_within.total_seconds())
    signed = [employee_id for i, employee_id in enumerate(ids) if i % 5 < 3]
    db.session.execute(sa.insert(Signature), [
        {"event_id": event.id, "employee_id": employee_id, "invitation_id": invitations[employee_id],
         "text_id": text.id, "text_sha256": text.sha256, "typed_name": "Bench", "signature_png": b"png",
         "is_attended": i % 3 != 0, "signed_dt": now - timedelta(seconds=(i * 7) % window),
         "client_ip": "10.0.0.1", "user_agent": "bench"} for i, employee_id in enumerate(signed)])
    signatures = db.session.scalars(sa.select(Signature.id).order_by(Signature.id)).all()
    db.session.execute(sa.insert(Certificate), [
        {"signature_id": signature_id, "code": f"B{signature_id:08d}", "token": "x", "kid": "bench"}
        for signature_id in signatures])


def add_staff(email: str, password: str, role, agency=None) -> None:
    """A staff account (not committed)."""
    from netralitas.auth.models import Staff
    from netralitas.extensions import db

    staff = Staff(email=email, name="Bench", role=role, agency_id=agency.id if agency else None)
    staff.set_password(password)
    db.session.add(staff)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum gives a live database.

    Without them PostgreSQL takes the just-loaded tables for nearly empty and joins every employee to all signatures
    in a nested loop (measured: 18 s for the first 2,000 of 100,000 rows of the status export).
    """
    import sqlalchemy as sa

    from netralitas.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("ANALYZE"))
