"""Fixtures for cases: two agencies, an employee in each (one has signed), the legal catalogue, case officers."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from netralitas.auth.models import Role, Staff
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.legal.services import seed_catalogue
from netralitas.masterdata.models import Agency, AgencyKind, Employee


@dataclass
class World:
    """KOTA with agencies A and B; Ani (A) signed the event's declaration, Budi (B) did not."""

    event: Event
    a: Agency
    b: Agency
    ani: Employee
    budi: Employee


@pytest.fixture
def world(make_agency, make_employee, make_event, sign_for) -> World:
    seed_catalogue("test")
    db.session.commit()
    city = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=city, name="Dinas A")
    b = make_agency("DINAS-B", parent=city, name="Dinas B")
    event = make_event(name="Deklarasi Netralitas ASN Pilkada 2026")
    ani = make_employee(a, name="Ani Lestari")
    budi = make_employee(b, name="Budi Santoso")
    sign_for(event, ani)
    return World(event, a, b, ani, budi)


def jpeg_with_exif() -> bytes:
    """A small JPEG carrying a camera name and a GPS-like comment in its EXIF."""
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = image.getexif()
    exif[0x010F] = "KameraPelapor"
    exif[0x9286] = "LOKASI-RAHASIA"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


# --- printed documents (tests/cases/test_documents.py, test_document_verify.py) -----------------------------------

#: Words of the case's matter that must never reach a public page.
CASE_MATTER = ("Membagikan unggahan pasangan calon", "RAHASIA-PELANGGARAN", "RAHASIA-SANKSI", "RAHASIA-ALASAN",
               "RAHASIA-BAP")


def document_content(kind, world) -> dict:
    """A full content dict of each kind, as the case steps fill it (netralitas/cases/pdf.py documents the keys)."""
    from netralitas.cases.models import DocumentKind

    ani = world.ani
    employee = {"name": ani.name, "nip": ani.nip, "nik": ani.nik, "rank": "Penata Muda (III/a)",
                "position": "Analis Kebijakan", "unit": world.a.name}
    signatory = {"title": "Kepala Badan Kepegawaian", "name": "Drs. Hendra Wijaya", "nip": "197001011995031001"}
    examiners = [{"name": "Rina Marlina", "nip": "198001012005012001", "position": "Inspektur Pembantu"},
                 {"name": "Joko Susilo", "nip": "198202022006041002", "position": "Kepala Bidang Disiplin"}]
    common = {"employee": employee, "signatory": signatory, "place_of_issue": "Kota Uji",
              "copies_to": ["Kepala BKN", "Inspektur Kota Uji"]}
    if kind in (DocumentKind.SUMMONS_1, DocumentKind.SUMMONS_2):
        return {**common, "exam": {"date": "2025-04-14", "time": "09.00 WIB", "place": "Ruang Rapat BKPSDM Lantai 2"},
                "examiners": examiners, "subject": "dugaan pelanggaran netralitas RAHASIA-PELANGGARAN",
                "legal_basis": ["Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin PNS"],
                "previous_summons": {"number": "800/11/BKPSDM", "date": "2025-04-07"}}
    if kind == DocumentKind.EXAMINATION:
        return {**common, "held_on": "2025-04-14", "time": "09.00 WIB", "place": "Ruang Rapat BKPSDM",
                "examiners": examiners, "record": "Pertanyaan 1: RAHASIA-BAP apakah Saudara sehat?\nJawaban: Ya.",
                "signing": "refused", "refusal_note": "Menolak tanpa alasan"}
    if kind == DocumentKind.DECREE:
        return {**common, "official": "Wali Kota Uji", "considering": ["bahwa pegawai terbukti melanggar"],
                "legal_basis": ["Undang-Undang Nomor 20 Tahun 2023 tentang ASN", "PP Nomor 94 Tahun 2021"],
                "sanction": "pemotongan tunjangan kinerja RAHASIA-SANKSI sebesar 25% selama 6 bulan",
                "level": "sedang", "reasons": "terbukti RAHASIA-ALASAN membagikan unggahan pasangan calon",
                "on_evidence_only": False, "in_force_from": "2025-05-01", "in_force_until": "2025-10-31",
                "objection_text": "Keberatan dapat diajukan dalam 14 hari kerja sejak keputusan diterima.",
                "signatory": {"title": "WALI KOTA UJI", "name": "Ir. Bambang Sutrisno"}}
    return {**common, "addressee": {"name": "Ketua Bawaslu Kota Uji", "place": "Kota Uji"},
            "referrer": "Bawaslu Kota Uji",
            "letter": {"number": "123/PM.00/K.JB-01/03/2025", "date": "2025-03-21", "subject": "rekomendasi"},
            "outcome": "Telah dijatuhi hukuman disiplin tingkat sedang RAHASIA-SANKSI.",
            "decree": {"number": "800/SK-7/2025", "date": "2025-04-30"}}


@pytest.fixture
def open_test_case(world, officer):
    """Open a case about Ani (from a Bawaslu letter) through the service; returns a function making more."""
    from datetime import date

    from netralitas.cases.models import CaseSource
    from netralitas.cases.services import Intake, open_case
    from netralitas.legal.services import form_by_code

    def make(employee=None):
        intake = Intake(employee=employee or world.ani, violation_form_id=form_by_code("ETIK-04").id,
                        source=CaseSource.BAWASLU, received_on=date(2025, 3, 24),
                        summary="Membagikan unggahan pasangan calon di grup WhatsApp dinas.",
                        letter_number="123/PM.00/K.JB-01/03/2025", letter_date=date(2025, 3, 21))
        case = open_case(officer, intake)
        db.session.commit()
        return case

    return make


# --- case officers and cases at a chosen date (tests/cases/test_digest.py, test_siasn.py) --------------------------

@pytest.fixture
def make_case_officer(make_staff):
    """An account with the case-officer flag: make_case_officer(role, agency=..., is_active=...)."""

    def make(role: Role = Role.OPERATOR, *, agency: Agency | None = None, is_active: bool = True) -> Staff:
        staff = make_staff(role, agency=agency)
        staff.is_case_officer = True
        staff.is_active_account = is_active
        db.session.commit()
        return staff

    return make


@pytest.fixture
def make_letter_case(world, officer):
    """Open a case at triage through the service, from a letter received on a chosen day (or a finding: letter=False)."""
    from datetime import date

    from netralitas.cases.models import CaseSource
    from netralitas.cases.services import Intake, open_case
    from netralitas.legal.services import form_by_code

    def make(employee: Employee, received_on: date, *, letter: bool = True, form_code: str = "ETIK-04"):
        source = CaseSource.BAWASLU if letter else CaseSource.INTERNAL
        intake = Intake(employee=employee, violation_form_id=form_by_code(form_code).id, source=source,
                        received_on=received_on, summary="Membagikan unggahan pasangan calon di grup dinas.",
                        letter_number="900/PM.00/2025" if letter else None, letter_date=received_on if letter else None)
        case = open_case(officer, intake)
        db.session.commit()
        return case

    return make
