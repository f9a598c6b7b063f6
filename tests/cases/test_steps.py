"""A case after triage: summons I and II on working days, attendance, the examination record, the decision, delivery
and the report back — through the screens, with a frozen 'today'."""
from __future__ import annotations

import base64
import json
from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.cases import step_views, views
from netralitas.cases.models import (
    Case,
    CaseDecision,
    CaseDocument,
    CaseExamination,
    CaseStage,
    CaseSummons,
    DocumentKind,
    RecordSigning,
)
from netralitas.certificates.models import Certificate
from netralitas.extensions import db
from netralitas.legal.services import form_by_code, sanction_by_code
from netralitas.signing.models import Signature
from tests.cases.test_documents import page_images
from tests.certificate_exports.pdfread import decode_qr
from tests.certificates.conftest import verdict_of_page
from tests.conftest import signature_png

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def today(monkeypatch):
    """Set the case screens' 'today' (the local date deadlines and attendance are checked against)."""

    def set_to(day: date) -> None:
        monkeypatch.setattr(views, "local_today", lambda: day)
        monkeypatch.setattr(step_views, "local_today", lambda: day)

    return set_to


@pytest.fixture
def continued(app, world, officer, client_for, today):
    """A case about Ani (who signed), received Monday 21 April 2025 and continued to examination."""
    today(date(2025, 4, 22))
    client = client_for(officer)
    response = client.post(f"/admin/kasus/baru?pegawai={world.ani.id}", data={
        "source": "bawaslu", "letter_number": "7/REK/IV/2025", "letter_date": "2025-04-17",
        "received_on": "2025-04-21", "violation_form_id": form_by_code("ETIK-04").id,
        "summary": "Menyukai dan membagikan unggahan calon."})
    assert response.status_code == 302
    case = db.session.scalars(sa.select(Case)).one()
    assert client.post(f"/admin/kasus/{case.id}/penelaahan", data={"outcome": "continue"}).status_code == 302
    return client, case


def summons(client, case, **values):
    data = {"letter_number": "800/1/BKPSDM", "issued_on": "2025-04-22", "exam_on": "2025-05-05",
            "exam_time": "09.00 WIB", "place": "Ruang rapat BKPSDM"}
    data.update(values)
    return client.post(f"/admin/kasus/{case.id}/panggilan", data=data)


def attendance(client, case, round_: int, attended: bool):
    """Record who came to the summons of that round (found by round: ids differ between databases)."""
    summons_id = db.session.scalar(sa.select(CaseSummons.id).where(CaseSummons.case_id == case.id,
                                                                    CaseSummons.round == round_))
    return client.post(f"/admin/kasus/{case.id}/panggilan/{summons_id}/kehadiran",
                       data={"attended": "yes" if attended else "no"})


def page(client, case) -> str:
    return client.get(f"/admin/kasus/{case.id}").get_data(as_text=True)


def test_two_absences_lead_to_a_decision_on_the_evidence_then_sk_and_report(app, world, officer, make_staff,
                                                                             client_for, continued, today, tmp_path):
    client, case = continued
    # Summons I dated Tue 22 April: 7 working days' notice (1 May is a holiday) → examination from Fri 2 May.
    assert "pemeriksaan paling cepat 2 Mei 2025" in page(client, case)
    early = summons(client, case, exam_on="2025-04-30")
    assert early.status_code == 422 and "Tanggal pemeriksaan paling cepat 02-05-2025" in early.get_data(as_text=True)
    holiday = summons(client, case, exam_on="2025-05-12")  # Waisak
    assert holiday.status_code == 422 and "hari libur" in holiday.get_data(as_text=True)
    assert summons(client, case).status_code == 302
    assert summons(client, case, letter_number="lagi").status_code == 422  # one at a time

    today(date(2025, 5, 2))  # the examination is on Monday 5 May: too early to say who came
    first = attendance(client, case, 1, False)
    assert first.status_code == 422 and "pada atau setelah tanggal pemeriksaan" in first.get_data(as_text=True)
    today(date(2025, 5, 5))
    assert attendance(client, case, 1, False).status_code == 302
    # Summons II within 7 working days of 5 May (Waisak on the 12th skipped): by Thu 15 May.
    late = summons(client, case, letter_number="800/2/BKPSDM", issued_on="2025-05-19", exam_on="2025-06-02")
    assert late.status_code == 422 and "paling lambat 15-05-2025" in late.get_data(as_text=True)
    listed = client.get("/admin/kasus").get_data(as_text=True)
    assert "15 Mei 2025" in listed  # the second summons is the running deadline now
    assert summons(client, case, letter_number="800/2/BKPSDM", issued_on="2025-05-07",
                   exam_on="2025-05-20").status_code == 302
    today(date(2025, 5, 20))
    assert attendance(client, case, 2, False).status_code == 302
    db.session.refresh(case)
    assert case.stage == CaseStage.DECISION

    # The decision is the PPK delegate's: the officer may not record it.
    decision = {"sanction_id": sanction_by_code("PNS-MORAL-TERBUKA").id, "reasons": "Terbukti dari tangkapan layar.",
                "decree_number": "800/SK/01/2025", "decree_on": "2025-05-26", "in_force_from": "2025-06-01"}
    assert client.post(f"/admin/kasus/{case.id}/keputusan", data=decision).status_code == 403
    delegate = make_staff(Role.VIEWER, email="sekda@contoh.go.id")
    assert client.post(f"/admin/kasus/{case.id}/anggota", data={"email": "sekda@contoh.go.id",
                                                                "role": "ppk_delegate"}).status_code == 302
    ppk = client_for(delegate)
    wrong = ppk.post(f"/admin/kasus/{case.id}/keputusan",
                     data={**decision, "sanction_id": sanction_by_code("PNS-BERAT-PDH").id})
    assert wrong.status_code == 422  # not on this case's menu (an ethics form carries a moral sanction)
    assert ppk.post(f"/admin/kasus/{case.id}/keputusan", data=decision).status_code == 302
    stored = db.session.scalars(sa.select(CaseDecision)).one()
    assert stored.on_evidence_only and stored.decree_number == "800/SK/01/2025"
    db.session.refresh(case)
    assert case.stage == CaseStage.DECIDED
    today(date(2025, 6, 20))  # 14 working days after 26 May have passed with no delivery
    assert "Lewat tenggat" in page(client, case)

    refused = client.post(f"/admin/kasus/{case.id}/laporan", data={"letter_number": "x", "sent_on": "2025-06-20"})
    assert refused.status_code == 422 and "setelah keputusan disampaikan" in refused.get_data(as_text=True)
    assert client.post(f"/admin/kasus/{case.id}/penyampaian", data={"delivered_on": "2025-05-27"}).status_code == 302
    # Delivered: the employee's objection window now runs (14 working days; Ascension Day and Idul Adha skipped).
    delivered = page(client, case)
    assert "Batas pengajuan keberatan oleh pegawai: 14 hari kerja" in delivered and "18 Jun 2025" in delivered
    assert client.post(f"/admin/kasus/{case.id}/laporan", data={
        "letter_number": "800/LAP/2025", "sent_on": "2025-06-02", "revoke_certificates": "y"}).status_code == 302
    db.session.refresh(case)
    assert case.stage == CaseStage.REPORTED
    signature = db.session.scalars(sa.select(Signature).where(Signature.employee_id == world.ani.id)).one()
    assert signature.revoked_dt is not None and signature.revocation_reason.value == "DISCIPLINARY"
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq))
               if e.action.startswith("case.")]
    assert actions == ["case.open", "case.triage", "case.document", "case.summons", "case.attendance",
                       "case.document", "case.summons", "case.attendance", "case.member", "case.document",
                       "case.decision", "case.delivery", "case.document", "case.report_back"]
    # Every step printed its document; each one's QR decodes to /v/ and verifies there.
    issued = db.session.scalars(sa.select(CaseDocument).order_by(CaseDocument.id)).all()
    assert [(d.kind, d.number) for d in issued] == [
        (DocumentKind.SUMMONS_1, "800/1/BKPSDM"), (DocumentKind.SUMMONS_2, "800/2/BKPSDM"),
        (DocumentKind.DECREE, "800/SK/01/2025"), (DocumentKind.REPORT_BACK, "800/LAP/2025")]
    for document in issued:
        (tmp_path / document.kind.value).mkdir()
        pdf = client.get(f"/admin/kasus/{case.id}/dokumen/{document.id}.pdf")
        assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
        (url,) = {found for image in page_images(pdf.data, tmp_path / document.kind.value)
                  for found in decode_qr(image)}
        assert url.endswith(f"/v/{document.token}")
        assert verdict_of_page(client.get(urlsplit(url).path)) == "VALID"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_an_attended_examination_gets_its_record_signed_or_the_refusal_noted(app, world, officer, client_for,
                                                                             continued, today):
    client, case = continued
    assert summons(client, case).status_code == 302
    today(date(2025, 5, 5))
    assert attendance(client, case, 1, True).status_code == 302
    assert "Berita acara pemeriksaan (BAP)" in page(client, case)
    record = {"held_on": "2025-05-05", "place": "Ruang rapat BKPSDM",
              "record": "T: Apakah Saudara membagikan unggahan itu?\nJ: Ya.", "signing": "refused"}
    no_note = client.post(f"/admin/kasus/{case.id}/pemeriksaan", data=record)
    assert no_note.status_code == 422 and "Catat keterangan penolakan" in no_note.get_data(as_text=True)
    blank = client.post(f"/admin/kasus/{case.id}/pemeriksaan", data={**record, "signing": "screen", "signature": ""})
    assert blank.status_code == 422 and "Tanda tangan belum digambar" in blank.get_data(as_text=True)
    drawn = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    assert client.post(f"/admin/kasus/{case.id}/pemeriksaan",
                       data={**record, "signing": "screen", "signature": drawn}).status_code == 302
    stored = db.session.scalars(sa.select(CaseExamination)).one()
    assert stored.signing == RecordSigning.SCREEN and stored.signature_png == signature_png()
    (record_document,) = db.session.scalars(sa.select(CaseDocument)
                                            .where(CaseDocument.kind == DocumentKind.EXAMINATION)).all()
    assert "Apakah Saudara membagikan" in json.loads(record_document.content_json)["record"]
    assert stored.record == "T: Apakah Saudara membagikan unggahan itu?\nJ: Ya."
    db.session.refresh(case)
    assert case.stage == CaseStage.DECISION
    assert json.loads(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "case.examination")).one().data_json)["signing"] == "screen"
