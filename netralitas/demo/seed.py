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
from netralitas.masterdata.models import Agency, Employee

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
    case_number: str | None = None
    #: Receipt of a demo public report, when this run created them (receipts are kept only as hashes).
    report_receipt: str | None = None

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
        if self.case_number:
            lines += ["", f"Demo case {self.case_number} (a Bawaslu recommendation at triage): sign in as "
                          f"kasus@{EMAIL_DOMAIN} to run it, bawaslu@{EMAIL_DOMAIN} to read it"]
        if self.report_receipt:
            lines += ["", f"Demo public reports: /lapor to send one; /lapor/status with receipt {self.report_receipt}; "
                          f"kasus@{EMAIL_DOMAIN} triages them under Laporan masyarakat"]
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
    logins = _ensure_demo_staff()
    case_number = _ensure_demo_calendar_and_case()
    receipt = _ensure_demo_reports()
    return SeedSummary(agency_report, employee_report, logins, city, ensure_demo_event(), case_number, receipt)


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
        ("kasus", "Petugas Kasus BKPSDM", Role.OPERATOR, None, "case officer: opens and runs cases"),
        ("sekda", "Sekretaris Daerah (PPK)", Role.VIEWER, None, "records decisions on cases it is a member of"),
        ("bawaslu", "Penghubung Bawaslu", Role.LIAISON, None, "reads the cases Bawaslu referred"),
    ]
    logins = []
    for local, name, role, agency, note in accounts:
        email = f"{local}@{EMAIL_DOMAIN}"
        if db.session.scalar(sa.select(Staff.id).where(Staff.email == email)) is None:
            create_staff(ACTOR, email=email, name=name, role=role, password=DEMO_PASSWORD,
                         agency_id=agency.id if agency else None, is_case_officer=local == "kasus")
        logins.append((role.value, email, note))
    return logins


def _ensure_demo_calendar_and_case() -> str | None:
    """This year's and next year's cuti bersama, and one case from a Bawaslu recommendation (when none exists)."""
    from netralitas.calendar.services import import_cuti_bersama, local_today, work_calendar
    from netralitas.cases.models import Case, CaseMemberRole, CaseSource
    from netralitas.cases.services import Intake, add_member, open_case
    from netralitas.legal.services import form_by_code, seed_catalogue

    today = local_today()
    for year in (today.year, today.year + 1):
        import_cuti_bersama(ACTOR, year)
    seed_catalogue(ACTOR)
    db.session.flush()
    if db.session.scalar(sa.select(Case.id).limit(1)) is not None:
        return None
    officer = db.session.scalar(sa.select(Staff).where(Staff.email == f"kasus@{EMAIL_DOMAIN}"))
    employee = db.session.scalar(sa.select(Employee).join(Agency).where(Agency.code == "MKS.DISDIK")
                                 .order_by(Employee.id).limit(1))
    received = work_calendar().add_working_days(today, -10)  # ten working days ago: four left to follow it up
    case = open_case(officer, Intake(
        employee=employee, violation_form_id=form_by_code("ETIK-04").id, source=CaseSource.BAWASLU,
        received_on=received, letter_date=received, letter_number="012/PM.00.02/K.MKS/2026",
        summary="Rekomendasi Bawaslu: akun media sosial pegawai membagikan dan menyukai unggahan bakal calon "
                "wali kota, disertai tangkapan layar."))
    liaison = db.session.scalar(sa.select(Staff).where(Staff.email == f"bawaslu@{EMAIL_DOMAIN}"))
    add_member(officer, case, liaison, CaseMemberRole.LIAISON)
    return case.number


def _ensure_demo_reports() -> str | None:
    """Two reports from the public (when none exists): one waiting, one a case officer is looking at."""
    from netralitas.public_reports import services as reports
    from netralitas.public_reports import triage
    from netralitas.public_reports.models import PublicReport

    if db.session.scalar(sa.select(PublicReport.id).limit(1)) is not None:
        return None
    city = db.session.scalar(sa.select(Agency).where(Agency.code == ROOT_CODE))
    _, receipt = reports.submit(reports.ReportDraft(
        government_id=city.id, subject_name="Pak Lurah (nama tidak tahu)", subject_unit="Kelurahan di Kecamatan "
        "Tamalate", topic="kampanye", place="Lapangan kelurahan",
        description="Lurah memberi sambutan di acara pasangan calon dan mengajak warga memilih nomor 1; ada video "
                    "di grup WhatsApp RT."), [])
    second, _ = reports.submit(reports.ReportDraft(
        government_id=city.id, subject_name="Ibu guru SD", subject_handle="@bu.guru.sd", topic="media_sosial",
        description="Akun ini setiap hari membagikan poster bakal calon wali kota dan meminta murid dan wali murid "
                    "mengikutinya."), [])
    officer = db.session.scalar(sa.select(Staff).where(Staff.email == f"kasus@{EMAIL_DOMAIN}"))
    triage.claim(officer, second)
    return reports.display_receipt(receipt)
