"""/lapor, the receipt and /lapor/status as the public uses them, on SQLite and PostgreSQL."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.core import codes
from netralitas.core.evidence import evidence_path
from netralitas.extensions import db
from netralitas.public_reports import services
from netralitas.public_reports.models import PublicReport, PublicReportEvidence, ReportStage
from tests.cases.conftest import jpeg_with_exif
from tests.public_reports.conftest import receipt_from, report_form


def test_form_says_where_else_to_report_and_by_when(client, city):
    page = client.get("/lapor").get_data(as_text=True)
    assert "Bawaslu" in page and "7 hari" in page and "Gakkumdu" in page
    assert "UU 7/2017 Pasal 454" in page  # the source of the window, as data
    assert "NIP" in page  # "Anda tidak perlu mengetahui NIP"
    assert 'name="website"' in page and 'tabindex="-1"' in page  # the honeypot, out of the keyboard's way


def test_a_report_without_nip_is_stored_with_a_receipt_kept_only_as_a_hash(client, city, send_report):
    receipt = send_report(reporter_name="Warga Peduli", reporter_contact="0812-0000-1111")
    report = db.session.scalar(sa.select(PublicReport))
    assert report.subject_name == "Bu Rina" and report.topic == "media_sosial" and report.employee_id is None
    assert report.stage == ReportStage.RECEIVED and report.government_id == city.city.id
    assert report.reporter_name == "Warga Peduli"
    parsed = services.parse_receipt(receipt)
    assert report.receipt_digest == codes.digest(parsed)
    assert parsed not in str([tuple(row) for row in db.session.execute(sa.select(PublicReport.__table__))])
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "public_report.receive"))
    assert report.number in entry.summary and "Rina" not in entry.summary and "Rina" not in entry.data_json
    assert "Warga" not in entry.data_json and "0812" not in entry.data_json


def test_receipt_format_and_one_wrong_character_is_refused(client, city, send_report):
    receipt = send_report()
    assert receipt.startswith("LAP-") and len(codes.normalize(receipt.removeprefix("LAP-"))) == 16
    assert client.post("/lapor/status", data={"receipt": receipt}).status_code == 200
    # Typed in lower case without dashes: the same receipt.
    assert client.post("/lapor/status", data={"receipt": receipt.lower().replace("-", " ")}).status_code == 200
    body = receipt.removeprefix("LAP-").replace("-", "")
    refused = 0
    for position in range(len(body)):
        for symbol in codes.ALPHABET:
            if symbol == codes.normalize(body[position]):
                continue
            wrong = body[:position] + symbol + body[position + 1:]
            with pytest.raises(codes.CodeError):
                services.parse_receipt(wrong)
            refused += 1
    assert refused >= 16 * 31  # every single-character change of every position
    # Through the page: one changed character answers 422 with the reason, never the report.
    wrong = body[:3] + ("7" if body[3] != "7" else "8") + body[4:]
    response = client.post("/lapor/status", data={"receipt": wrong})
    assert response.status_code == 422
    assert "karakter pemeriksa" in response.get_data(as_text=True)
    # A well-formed receipt that names nothing: 404.
    other = services.display_receipt(services.new_receipt())
    assert client.post("/lapor/status", data={"receipt": other}).status_code == 404


def test_status_page_shows_the_stage_and_nothing_of_the_report(client, city, send_report):
    receipt = send_report()
    page = client.post("/lapor/status", data={"receipt": receipt}).get_data(as_text=True)
    assert 'data-status="received"' in page
    for private in ("Bu Rina", "rina.guru", "Instagram", "pasangan calon nomor 2", "SD Negeri 3"):
        assert private not in page
    assert "no-store" in client.post("/lapor/status", data={"receipt": receipt}).headers["Cache-Control"]


def test_reporter_adds_evidence_through_the_receipt_exif_stripped(client, city, send_report):
    receipt = send_report()
    photo = jpeg_with_exif()
    response = client.post("/lapor/status/bukti", data={"receipt": receipt, "evidence": [(io.BytesIO(photo), "ss.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "Bukti tambahan diterima" in response.get_data(as_text=True)
    item = db.session.scalar(sa.select(PublicReportEvidence))
    stored = evidence_path(item.sha256, "jpg").read_bytes()
    assert b"KameraPelapor" in photo and b"KameraPelapor" not in stored and b"LOKASI-RAHASIA" not in stored
    assert item.file_name == "ss.jpg" and item.size == len(stored)


def test_evidence_sent_with_the_report_and_bad_files_refused_without_storing(client, city):
    bad = client.post("/lapor", data={**report_form(city.city), "evidence": [(io.BytesIO(b"MZ\x90\x00exe"), "a.jpg")]},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "Hanya PDF, JPG atau PNG" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PublicReport.id))) == 0
    # The form keeps what was typed.
    assert "pasangan calon nomor 2" in bad.get_data(as_text=True)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    good = client.post("/lapor", data={**report_form(city.city),
                                       "evidence": [(io.BytesIO(pdf), "bukti.pdf"), (io.BytesIO(jpeg_with_exif()), "f.jpg")]},
                       content_type="multipart/form-data")
    assert good.status_code == 302
    report = db.session.scalar(sa.select(PublicReport))
    assert sorted(e.content_type for e in report.evidence) == ["application/pdf", "image/jpeg"]


def test_too_many_files_in_one_post_refused(app, client, city):
    app.config["PUBLIC_REPORT_FILES_PER_POST"] = 2
    pdf = b"%PDF-1.4\n%%EOF\n"
    files = [(io.BytesIO(pdf + bytes([i])), f"{i}.pdf") for i in range(3)]
    response = client.post("/lapor", data={**report_form(city.city), "evidence": files},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(PublicReport.id))) == 0


def test_honeypot_filled_stores_nothing(client, city):
    response = client.post("/lapor", data=report_form(city.city, website="http://spam.example"))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(PublicReport.id))) == 0


def test_required_fields_and_dates(client, city):
    response = client.post("/lapor", data=report_form(city.city, subject_name=" ", description="pendek",
                                                      topic="bukan-topik", occurred_on="2999-01-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tuliskan nama orang yang dilaporkan." in page and "20 sampai 5.000" in page
    assert "Tanggal tidak boleh di masa depan." in page
    assert db.session.scalar(sa.select(sa.func.count(PublicReport.id))) == 0


def test_evidence_cannot_be_added_once_closed(client, city, send_report, officer):
    from netralitas.public_reports import triage

    receipt = send_report()
    report = db.session.scalar(sa.select(PublicReport))
    triage.claim(officer, report)
    triage.dismiss(officer, report, "Terlapor bukan pegawai pemerintah kota; silakan lapor ke instansinya.")
    db.session.commit()
    page = client.post("/lapor/status", data={"receipt": receipt}).get_data(as_text=True)
    assert 'data-status="closed"' in page and "Terlapor bukan pegawai pemerintah kota" in page
    assert "/lapor/status/bukti" not in page
    pdf = b"%PDF-1.4\n%%EOF\n"
    refused = client.post("/lapor/status/bukti", data={"receipt": receipt, "evidence": [(io.BytesIO(pdf), "x.pdf")]},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and "sudah selesai ditangani" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PublicReportEvidence.id))) == 0


def test_receipt_page_without_a_report_goes_to_the_lookup(client, city):
    response = client.get("/lapor/terima")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lapor/status")


def test_money_politics_receipt_points_to_gakkumdu(client, city):
    assert client.post("/lapor", data=report_form(city.city, topic="politik_uang")).status_code == 302
    page = client.get("/lapor/terima").get_data(as_text=True)
    assert "Laporkan juga ke sini" in page and "Gakkumdu" in page
    receipt_from(client)


def test_without_a_government_the_form_says_so_and_stores_nothing(client):
    page = client.get("/lapor")
    assert page.status_code == 200 and "Belum ada pemerintah daerah yang menerima laporan" in page.text
    assert "Bawaslu" in page.text and 'name="subject_name"' not in page.text
    refused = client.post("/lapor", data={"government_id": "1", "subject_name": "X", "topic": "lainnya",
                                          "description": "Uraian yang cukup panjang untuk diterima."})
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(PublicReport.id))) == 0
