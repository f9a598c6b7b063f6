"""`flask seed-demo`: load the fictional city through the real importer and add demo staff logins."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from netralitas.auth.models import Role, Staff
from netralitas.auth.services import create_staff
from netralitas.certificates.keys import generate_key, has_signing_key
from netralitas.core.urls import public_url
from netralitas.demo.city import EMAIL_DOMAIN, ROOT_CODE, demo_agencies, demo_employees
from netralitas.demo.event import DemoEvent, ensure_demo_event
from netralitas.extensions import db
from netralitas.masterdata.imports import importer
from netralitas.masterdata.models import Agency

DEMO_PASSWORD = "demo-netralitas"  # noqa: S105  (published demo login, printed by the command)
ACTOR = "seed-demo"


@dataclass
class SeedSummary:
    """What seeding did, printable for the person who ran it."""

    agencies: importer.ImportReport
    employees: importer.ImportReport
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    city: str = ""
    event: DemoEvent | None = None

    def describe(self) -> str:
        lines = [
            f"Agencies:  {self.agencies.summary()}",
            f"Employees: {self.employees.summary()}",
            "",
            f"Demo city: {self.city}. Staff logins (password for all: {DEMO_PASSWORD}):",
        ]
        lines += [f"  {role:<14} {email:<38} {note}" for role, email, note in self.logins]
        if self.event:
            venue = public_url(current_app.config["PUBLIC_BASE_URL"], f"/e/{self.event.event.slug}")
            lines += ["", f"Open event: {self.event.event.name}",
                      f"  venue page: {venue}   big screen (operator login): {venue}/board",
                      f"  sign as {self.event.sample_name}: code {self.event.sample_code}, "
                      f"birth date {self.event.sample_birth_date} (leave the attendance code empty)"]
        return "\n".join(lines)


def seed_demo() -> SeedSummary:
    """Create or refresh the demo city; running it twice changes nothing the second time."""
    keys_dir = current_app.config["KEYS_DIR"]
    if not has_signing_key(keys_dir):
        generate_key(keys_dir)  # a demo needs certificates; production runs `flask keys generate` deliberately
    agencies_csv = _csv(["kode", "nama", "kode_induk", "jenis"],
                        ({"kode": a.code, "nama": a.name, "kode_induk": a.parent_code or "", "jenis": a.kind}
                         for a in demo_agencies()))
    agency_report = importer.import_agencies(ACTOR, agencies_csv, "demo-perangkat-daerah.csv")
    _raise_unless_applied(agency_report)
    employees_csv = _csv(list(next(demo_employees()).as_row()), (e.as_row() for e in demo_employees()))
    employee_report = importer.import_employees(ACTOR, employees_csv, "demo-pegawai.csv")
    _raise_unless_applied(employee_report)
    city = db.session.scalar(sa.select(Agency.name).where(Agency.code == ROOT_CODE))
    return SeedSummary(agency_report, employee_report, _ensure_demo_staff(), city, ensure_demo_event())


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _raise_unless_applied(report: importer.ImportReport) -> None:
    if not report.was_applied:
        problems = "; ".join(f"row {r}: {c}: {m}" for r, c, m in report.errors[:5])
        raise RuntimeError(f"demo data did not import cleanly: {problems}")


def _ensure_demo_staff() -> list[tuple[str, str, str]]:
    education = db.session.scalar(sa.select(Agency).where(Agency.code == "MKS.DISDIK"))
    hospital = db.session.scalar(sa.select(Agency).where(Agency.code == "MKS.RSUD"))
    accounts = [
        ("admin", "Admin BKPSDM", Role.SUPER_ADMIN, None, "super admin: everything"),
        ("operator", "Operator Acara", Role.OPERATOR, None, "runs events, help desk"),
        ("admin.disdik", "Admin Dinas Pendidikan", Role.AGENCY_ADMIN, education, "agency admin: Dinas Pendidikan + schools"),
        ("pemantau.rsud", "Pemantau RSUD", Role.VIEWER, hospital, "read-only, RSUD only"),
        ("pemantau", "Pemantau Inspektorat", Role.VIEWER, None, "read-only, whole city"),
    ]
    logins = []
    for local, name, role, agency, note in accounts:
        email = f"{local}@{EMAIL_DOMAIN}"
        if db.session.scalar(sa.select(Staff.id).where(Staff.email == email)) is None:
            create_staff(ACTOR, email=email, name=name, role=role, password=DEMO_PASSWORD,
                         agency_id=agency.id if agency else None)
        logins.append((role.value, email, note))
    return logins
