"""A case's printed documents: each kind prints its number and content, its QR decodes and verifies, reissues
supersede, the PDF is the same every time, and only those who may see the case download it (audited)."""
from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.cases import documents
from netralitas.cases.models import CaseDocument, CaseMemberRole, DocumentKind
from netralitas.cases.services import add_member
from netralitas.extensions import db
from tests.certificate_exports.pdfread import decode_qr, text
from tests.certificates.conftest import verdict_of_page

from .conftest import document_content

pytestmark = pytest.mark.usefixtures("fast_passwords")

#: What each kind must print besides its number (from document_content).
KEY_CONTENT = {
    DocumentKind.SUMMONS_1: ["SURAT PANGGILAN I", "Ruang Rapat BKPSDM Lantai 2", "09.00 WIB", "Senin",
                             "14 April 2025", "Rina Marlina", "Peraturan Pemerintah Nomor 94 Tahun 2021"],
    DocumentKind.SUMMONS_2: ["SURAT PANGGILAN II", "800/11/BKPSDM", "7 April 2025", "Joko Susilo"],
    DocumentKind.EXAMINATION: ["BERITA ACARA PEMERIKSAAN", "Pertanyaan 1:", "Jawaban: Ya.", "MENOLAK MENANDATANGANI",
                               "Menolak tanpa alasan", "Rina Marlina", "Joko Susilo"],
    DocumentKind.DECREE: ["KEPUTUSAN WALI KOTA UJI", "PENJATUHAN HUKUMAN DISIPLIN", "RAHASIA-SANKSI", "tingkat sedang",
                          "RAHASIA-ALASAN", "1 Mei 2025", "31 Oktober 2025", "Keberatan dapat diajukan",
                          "Ditetapkan di Kota Uji", "Ir. Bambang Sutrisno"],
    DocumentKind.REPORT_BACK: ["SURAT PENYAMPAIAN TINDAK LANJUT", "Ketua Bawaslu Kota Uji",
                               "123/PM.00/K.JB-01/03/2025", "21 Maret 2025", "800/SK-7/2025"],
}


def issue(officer, case, kind, world, number: str = "800/12/BKPSDM/2025", **overrides) -> CaseDocument:
    content = {**document_content(kind, world), **overrides}
    document = documents.issue_document(officer, case, kind, number=number, issued_on=date(2025, 4, 8),
                                        content=content)
    db.session.commit()
    return document


def page_images(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    """Every page rendered as a printer would (poppler's pdftoppm, 200 dpi)."""
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(source), str(tmp_path / "page")], check=True)
    return [Image.open(path) for path in sorted(tmp_path.glob("page-*.png"))]


def flat(pdf: bytes) -> str:
    """The printed text with line breaks as spaces (wrapped phrases read whole)."""
    return " ".join(text(pdf).split())


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_each_kind_prints_its_content_and_a_qr_that_verifies(app, world, officer, open_test_case, client, kind,
                                                             tmp_path):
    case = open_test_case()
    document = issue(officer, case, kind, world)
    pdf = documents.document_pdf(document)
    printed = flat(pdf)
    for expected in ["800/12/BKPSDM/2025", "PEMERINTAH DAERAH", case.number, world.ani.name,
                     documents.display_code(document.code), *KEY_CONTENT[kind]]:
        assert expected in printed, expected
    if kind != DocumentKind.DECREE:
        assert "8 April 2025" in printed  # the date of issue (the decree says "pada tanggal 8 April 2025")
    images = page_images(pdf, tmp_path)
    url = f"http://127.0.0.1:5000/v/{document.token}"
    for image in images:  # every page carries the QR
        assert decode_qr(image) == [url]
    page = client.get(url.removeprefix("http://127.0.0.1:5000"))
    assert page.status_code == 200 and verdict_of_page(page) == "VALID"
    assert "800/12/BKPSDM/2025" in page.text


def test_the_qr_is_at_least_25_mm_in_the_bottom_right_corner(app, world, officer, open_test_case, tmp_path):
    from tests.certificate_exports.pdfread import placements

    document = issue(officer, open_test_case(), DocumentKind.SUMMONS_1, world)
    (qr,) = [p for p in placements(documents.document_pdf(document)) if decode_qr(p.image)]
    assert qr.width >= 25 and qr.x > 105 and qr.y > 200


def test_the_same_document_gives_the_same_bytes(app, world, officer, open_test_case):
    document = issue(officer, open_test_case(), DocumentKind.DECREE, world)
    first = documents.document_pdf(document)
    db.session.expire_all()
    assert documents.document_pdf(db.session.get(CaseDocument, document.id)) == first


def test_content_is_frozen_as_canonical_json_with_government_and_case_number(app, world, officer, open_test_case):
    case = open_test_case()
    document = issue(officer, case, DocumentKind.SUMMONS_1, world)
    stored = json.loads(document.content_json)
    assert stored["government"] == "Pemerintah Daerah" and stored["case_number"] == case.number
    assert document.content_json == documents.content_json(stored)  # sorted keys, no spaces
    assert document.code[-1] in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" and len(document.code) == 9


def test_a_long_record_runs_over_pages_whole(app, world, officer, open_test_case, tmp_path):
    answers = [f"Pertanyaan {n}: apakah Saudara membagikan unggahan nomor {n} di grup dinas pada hari itu?\n"
               f"Jawaban {n}: tidak ingat, tetapi grup itu memang grup kantor yang saya ikuti sejak lama."
               for n in range(1, 61)]
    document = issue(officer, open_test_case(), DocumentKind.EXAMINATION, world, record="\n".join(answers),
                     signing="paper")
    pdf = documents.document_pdf(document)
    printed = flat(pdf)
    for n in (1, 30, 60):
        assert f"Pertanyaan {n}: apakah" in printed and f"Jawaban {n}: tidak ingat" in printed
    images = page_images(pdf, tmp_path)
    assert len(images) >= 3
    assert "Halaman 1 dari" in printed and f"Halaman {len(images)} dari {len(images)}" in printed
    for image in images:
        assert decode_qr(image) == [f"http://127.0.0.1:5000/v/{document.token}"]


def test_a_screen_signed_record_prints_the_drawn_signature(app, world, officer, open_test_case):
    import base64

    from tests.certificate_exports.pdfread import placements
    from tests.conftest import signature_png

    drawn = base64.b64encode(signature_png()).decode()
    document = issue(officer, open_test_case(), DocumentKind.EXAMINATION, world, signing="screen",
                     employee_signature_png=drawn)
    pdf = documents.document_pdf(document)
    assert "(ditandatangani di layar)" in flat(pdf)
    assert len(placements(pdf)) == 2  # the signature and the QR


def test_reissue_supersedes_the_live_one_of_that_kind_only(app, world, officer, open_test_case):
    case = open_test_case()
    first = issue(officer, case, DocumentKind.SUMMONS_1, world, number="800/1")
    decree = issue(officer, case, DocumentKind.DECREE, world, number="800/SK-1")
    second = issue(officer, case, DocumentKind.SUMMONS_1, world, number="800/1-A")
    db.session.expire_all()
    assert db.session.get(CaseDocument, first.id).superseded_by_id == second.id
    assert db.session.get(CaseDocument, second.id).superseded_by_id is None
    assert db.session.get(CaseDocument, decree.id).superseded_by_id is None
    other_case = open_test_case()
    third = issue(officer, other_case, DocumentKind.SUMMONS_1, world, number="800/9")
    assert db.session.get(CaseDocument, second.id).superseded_by_id is None  # another case's summons is its own
    assert documents.live_document(case.id, DocumentKind.SUMMONS_1).id == second.id
    assert documents.find_document_by_code(third.code).id == third.id
    assert [d.id for d in documents.documents_of(case)] == [first.id, decree.id, second.id]


def test_issuing_is_audited_without_the_employee(app, world, officer, open_test_case):
    case = open_test_case()
    first = issue(officer, case, DocumentKind.SUMMONS_1, world, number="800/1")
    issue(officer, case, DocumentKind.SUMMONS_1, world, number="800/1-A")
    entries = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "case.document")
                                      .order_by(AuditEntry.seq)))
    assert [json.loads(e.data_json)["document_number"] for e in entries] == ["800/1", "800/1-A"]
    assert json.loads(entries[1].data_json)["supersedes"] == first.code
    assert all(case.number in e.summary and "Surat Panggilan I" in e.summary for e in entries)
    assert not any("Ani" in e.summary + e.data_json for e in entries)


def test_content_missing_a_key_or_a_number_is_refused(app, world, officer, open_test_case):
    case = open_test_case()
    content = document_content(DocumentKind.DECREE, world)
    del content["sanction"]
    with pytest.raises(ValueError, match="sanction"):
        documents.issue_document(officer, case, DocumentKind.DECREE, number="1", issued_on=date(2025, 4, 8),
                                 content=content)
    with pytest.raises(ValueError, match="number"):
        documents.issue_document(officer, case, DocumentKind.SUMMONS_1, number="  ", issued_on=date(2025, 4, 8),
                                 content=document_content(DocumentKind.SUMMONS_1, world))


def test_members_download_the_pdf_audited_and_never_cached(app, world, officer, open_test_case, client_for,
                                                          make_staff):
    case = open_test_case()
    document = issue(officer, case, DocumentKind.SUMMONS_1, world)
    examiner = make_staff(Role.AGENCY_ADMIN, agency=world.a)
    add_member(officer, case, examiner, CaseMemberRole.EXAMINER)
    db.session.commit()
    url = f"/admin/kasus/{case.id}/dokumen/{document.id}.pdf"
    response = client_for(examiner).get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == documents.document_pdf(document)
    (entry,) = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "case.document_view"))
    assert entry.actor_staff_id == examiner.id and case.number in entry.summary and "Ani" not in entry.summary


def test_non_members_and_other_cases_get_404(app, world, officer, open_test_case, client_for, make_staff):
    case, other = open_test_case(), open_test_case()
    document = issue(officer, case, DocumentKind.DECREE, world)
    own_unit_admin = make_staff(Role.AGENCY_ADMIN, agency=world.a)  # the employee's own unit, not on the team
    viewer = make_staff(Role.VIEWER, agency=world.a)
    for staff in (own_unit_admin, viewer):
        assert client_for(staff).get(f"/admin/kasus/{case.id}/dokumen/{document.id}.pdf").status_code == 404
    # A member of another case cannot reach this document through their case's URL.
    add_member(officer, other, own_unit_admin, CaseMemberRole.EXAMINER)
    db.session.commit()
    assert client_for(own_unit_admin).get(f"/admin/kasus/{other.id}/dokumen/{document.id}.pdf").status_code == 404
    assert client_for(officer).get(f"/admin/kasus/{other.id}/dokumen/{document.id}.pdf").status_code == 404
    assert client_for(officer).get(f"/admin/kasus/{case.id}/dokumen/{document.id}.pdf").status_code == 200
    assert not list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "case.document_view", AuditEntry.actor_staff_id != officer.id)))
