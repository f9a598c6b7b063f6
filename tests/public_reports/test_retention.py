"""Retention: a closed report's personal data and files go after PUBLIC_REPORT_RETENTION_DAYS; open reports, the
stage, the public reason and files a case still uses stay. SQLite and PostgreSQL."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.core.evidence import evidence_path
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.jobs.queue import queue_for
from netralitas.legal.services import form_by_code
from netralitas.public_reports import triage
from netralitas.public_reports.models import PublicReport, PublicReportEvidence, ReportStage
from tests.cases.conftest import jpeg_with_exif
from tests.public_reports.conftest import receipt_from, report_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _send(client, city, evidence: bytes, name: str, **overrides) -> tuple[PublicReport, str]:
    data = {**report_form(city.city, reporter_name="Pak Joko", reporter_contact="0812", **overrides),
            "evidence": [(io.BytesIO(evidence), name)]}
    assert client.post("/lapor", data=data, content_type="multipart/form-data").status_code == 302
    receipt = receipt_from(client)
    return db.session.scalars(sa.select(PublicReport).order_by(PublicReport.id.desc())).first(), receipt


def _age_closing(report: PublicReport, days: int) -> None:
    for step in report.steps:
        step.at_dt = step.at_dt - timedelta(days=days)
    db.session.commit()


def _run(app) -> dict:
    queue = queue_for(app)
    queue.huey.immediate = True
    return queue.enqueue("purge_closed_reports")()


def test_closed_reports_lose_personal_data_after_the_retention_period(app, client, city, officer):
    app.config["PUBLIC_REPORT_RETENTION_DAYS"] = 30
    old, receipt = _send(client, city, PDF, "lama.pdf")
    recent, _ = _send(client, city, PDF + b"%baru", "baru.pdf", subject_name="Bu Sari")
    waiting, _ = _send(client, city, PDF + b"%tunggu", "tunggu.pdf", subject_name="Pak Budi")
    reason = "Tidak ada bukti lain selain tangkapan layar yang terpotong."
    for report in (old, recent):
        triage.claim(officer, report)
        triage.dismiss(officer, report, reason)
    db.session.commit()
    _age_closing(old, 31)
    _age_closing(waiting, 400)  # never closed: kept however old
    old_file = evidence_path(old.evidence[0].sha256, "pdf")

    assert _run(app) == {"reports": 1, "files": 1}
    db.session.expire_all()
    purged = db.session.get(PublicReport, old.id)
    assert purged.purged_dt is not None and purged.stage == ReportStage.DISMISSED
    assert (purged.subject_name, purged.description, purged.reporter_name, purged.reporter_contact,
            purged.subject_handle, purged.place) == ("", "", None, None, None, None)
    assert purged.evidence == [] and not old_file.exists()
    assert purged.public_reason == reason and purged.topic == "media_sosial"
    for kept in (recent, waiting):
        row = db.session.get(PublicReport, kept.id)
        assert row.purged_dt is None and row.subject_name and len(row.evidence) == 1
        assert evidence_path(row.evidence[0].sha256, "pdf").exists()
    # The receipt still shows the outcome; the audit entry names report numbers only.
    status = client.post("/lapor/status", data={"receipt": receipt}).get_data(as_text=True)
    assert 'data-status="closed"' in status and reason in status
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "public_report.purge"))
    assert old.number in entry.data_json and "Rina" not in entry.data_json and "Joko" not in entry.data_json
    assert _run(app) == {"reports": 0, "files": 0}  # once


def test_a_file_a_case_still_uses_is_kept(app, client, city, officer):
    app.config["PUBLIC_REPORT_RETENTION_DAYS"] = 30
    report, _ = _send(client, city, jpeg_with_exif(), "foto.jpg")
    triage.claim(officer, report)
    triage.match_employee(officer, report, city.rina_a)
    case = triage.open_case(officer, report, form_by_code("ETIK-04").id)
    db.session.commit()
    sha256 = report.evidence[0].sha256
    _age_closing(report, 31)
    assert _run(app) == {"reports": 1, "files": 0}
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(PublicReportEvidence.id))) == 0
    assert evidence_path(sha256, "jpg").exists() and [e.sha256 for e in case.evidence] == [sha256]
    assert "pasangan calon nomor 2" in case.summary  # the case keeps its own copy under the case rules


def test_the_triage_page_says_the_data_was_erased(app, client, city, officer, client_for):
    app.config["PUBLIC_REPORT_RETENTION_DAYS"] = 1
    report, _ = _send(client, city, PDF, "a.pdf")
    triage.claim(officer, report)
    triage.dismiss(officer, report, "Terlapor bukan pegawai pemerintah kota ini sama sekali.")
    db.session.commit()
    _age_closing(report, 2)
    _run(app)
    page = client_for(officer).get(f"/admin/laporan-masyarakat/{report.id}?tampil=selesai").get_data(as_text=True)
    assert "masa retensi berakhir" in page and "Bu Rina" not in page and "pasangan calon" not in page
    assert utcnow() - db.session.get(PublicReport, report.id).purged_dt < timedelta(minutes=5)
