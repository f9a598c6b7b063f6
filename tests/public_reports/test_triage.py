"""The triage queue: a report with no NIP becomes a case on the right employee; dismissal and forwarding tell the
reporter; who sees which report. SQLite and PostgreSQL."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.cases.models import Case, CaseEvidence, CaseReporter, CaseSource, CaseStage, CaseStep
from netralitas.extensions import db
from netralitas.legal.services import form_by_code
from netralitas.public_reports import triage
from netralitas.public_reports.models import PublicReport, ReportStage
from tests.cases.conftest import jpeg_with_exif
from tests.public_reports.conftest import report_form


def _only_report() -> PublicReport:
    return db.session.scalar(sa.select(PublicReport))


def test_report_without_nip_becomes_a_case_on_the_right_employee(app, client, city, officer, client_for):
    # The public: a name as people say it, a school, an Instagram handle, a photo; no NIP, no NIK, no login.
    data = {**report_form(city.city, reporter_name="Pak Joko", reporter_contact="joko@contoh.id"),
            "evidence": [(io.BytesIO(jpeg_with_exif()), "tangkapan.jpg")]}
    assert client.post("/lapor", data=data, content_type="multipart/form-data").status_code == 302
    receipt = re.search(r'id="receipt">([^<]+)<', client.get("/lapor/terima").get_data(as_text=True)).group(1)
    report = _only_report()

    staff = client_for(officer)
    queue = staff.get("/admin/laporan-masyarakat").get_data(as_text=True)
    assert report.number in queue and "Bu Rina" in queue
    assert staff.post(f"/admin/laporan-masyarakat/{report.id}/ambil").status_code == 302
    assert 'data-status="in_review"' in client.post("/lapor/status", data={"receipt": receipt}).get_data(as_text=True)

    # Matching: the search by name finds both Rinas; the officer picks the teacher in Dinas Pendidikan.
    page = staff.get(f"/admin/laporan-masyarakat/{report.id}?q=rina").get_data(as_text=True)
    assert "Rina Marlina" in page and "Rina Marlina Putri" in page and "Guru Ahli Muda" in page
    assert staff.post(f"/admin/laporan-masyarakat/{report.id}/cocokkan",
                      data={"employee_id": str(city.rina_a.id)}).status_code == 302
    assert db.session.get(PublicReport, report.id).employee_id == city.rina_a.id

    # The topic "media sosial" preselects ETIK-04, the most likely form; the officer opens the case with it.
    page = staff.get(f"/admin/laporan-masyarakat/{report.id}").get_data(as_text=True)
    etik04 = form_by_code("ETIK-04")
    assert re.search(rf'<option selected value="{etik04.id}"|<option value="{etik04.id}" selected', page)
    response = staff.post(f"/admin/laporan-masyarakat/{report.id}/kasus", data={"violation_form_id": str(etik04.id)})
    assert response.status_code == 302

    case = db.session.scalar(sa.select(Case))
    assert response.headers["Location"].endswith(f"/admin/kasus/{case.id}")
    assert case.employee_id == city.rina_a.id and case.source == CaseSource.PUBLIC
    assert case.violation_form_id == etik04.id and case.stage == CaseStage.TRIAGE
    assert "pasangan calon nomor 2" in case.summary and report.number in case.summary
    assert case.occurred_on.isoformat() == "2026-11-20" and case.known_on.isoformat() == "2026-11-21"
    evidence = db.session.scalars(sa.select(CaseEvidence)).all()
    assert [e.sha256 for e in evidence] == [e.sha256 for e in db.session.get(PublicReport, report.id).evidence]
    reporter = db.session.scalar(sa.select(CaseReporter).where(CaseReporter.case_id == case.id))
    assert (reporter.name, reporter.contact) == ("Pak Joko", "joko@contoh.id")
    saved = db.session.get(PublicReport, report.id)
    assert saved.stage == ReportStage.CASE and saved.case_id == case.id

    # The reporter sees "in review" while the case runs, and a generic closing once it is decided: never the case.
    status = client.post("/lapor/status", data={"receipt": receipt}).get_data(as_text=True)
    assert 'data-status="in_review"' in status and case.number not in status and "Rina Marlina" not in status
    from netralitas.public_reports.services import reporter_view

    opened = reporter_view(db.session.get(PublicReport, report.id)).updated_dt
    case.stage = CaseStage.DECIDED
    decided = CaseStep(case_id=case.id, kind="decided", at_dt=opened + timedelta(days=20))
    db.session.add(decided)
    db.session.commit()
    status = client.post("/lapor/status", data={"receipt": receipt}).get_data(as_text=True)
    assert 'data-status="closed"' in status and "UU KIP" in status and case.number not in status
    assert reporter_view(db.session.get(PublicReport, report.id)).updated_dt == decided.at_dt


def test_dismissal_reason_reaches_the_reporter(client, city, officer, client_for, send_report):
    receipt = send_report()
    report = _only_report()
    staff = client_for(officer)
    staff.post(f"/admin/laporan-masyarakat/{report.id}/ambil")
    too_short = staff.post(f"/admin/laporan-masyarakat/{report.id}/tutup",
                           data={"public_reason": "tidak", "confirmed": "y"})
    assert too_short.status_code == 422 and "paling sedikit 20" in too_short.get_data(as_text=True)
    reason = "Unggahan yang dilaporkan tidak dapat ditemukan dan tidak ada bukti lain."
    unconfirmed = staff.post(f"/admin/laporan-masyarakat/{report.id}/tutup", data={"public_reason": reason})
    assert unconfirmed.status_code == 422 and "Centang untuk memastikan." in unconfirmed.get_data(as_text=True)
    assert db.session.get(PublicReport, report.id).stage == ReportStage.IN_REVIEW
    assert staff.post(f"/admin/laporan-masyarakat/{report.id}/tutup",
                      data={"public_reason": reason, "confirmed": "y"}).status_code == 302
    status = client.post("/lapor/status", data={"receipt": receipt}).get_data(as_text=True)
    assert 'data-status="closed"' in status and reason in status


def test_forwarding_tells_the_reporter_where(client, city, officer, client_for, send_report):
    receipt = send_report(topic="politik_uang")
    report = _only_report()
    staff = client_for(officer)
    staff.post(f"/admin/laporan-masyarakat/{report.id}/ambil")
    bad = staff.post(f"/admin/laporan-masyarakat/{report.id}/teruskan",
                     data={"target": "kpk", "public_reason": "Diteruskan karena dugaan politik uang.", "confirmed": "y"})
    assert bad.status_code == 422 and db.session.get(PublicReport, report.id).stage == ReportStage.IN_REVIEW
    reason = "Dugaan politik uang diteruskan ke Sentra Gakkumdu melalui Bawaslu kota."
    assert staff.post(f"/admin/laporan-masyarakat/{report.id}/teruskan",
                      data={"target": "gakkumdu", "public_reason": reason, "confirmed": "y"}).status_code == 302
    saved = db.session.get(PublicReport, report.id)
    assert saved.stage == ReportStage.FORWARDED and saved.forwarded_to == "gakkumdu"
    status = client.post("/lapor/status", data={"receipt": receipt}).get_data(as_text=True)
    assert 'data-status="forwarded"' in status and reason in status


def test_only_the_holder_takes_steps_and_others_wait(city, officer, make_staff, send_report):
    send_report()
    report = _only_report()
    other = make_staff(Role.OPERATOR)
    other.is_case_officer = True
    db.session.commit()
    triage.claim(officer, report)
    db.session.commit()
    for step in (lambda: triage.claim(other, report), lambda: triage.dismiss(other, report, "x" * 30),
                 lambda: triage.match_employee(other, report, city.rina_a), lambda: triage.release(other, report)):
        try:
            step()
        except triage.TriageError:
            db.session.rollback()
        else:
            raise AssertionError("a case officer who does not hold the report took a step on it")
    assert db.session.get(PublicReport, report.id).claimed_by_id == officer.id
    admin = make_staff(Role.SUPER_ADMIN)
    triage.release(admin, report)  # someone who left: a super admin puts it back
    assert report.stage == ReportStage.RECEIVED and report.claimed_by_id is None


def test_a_case_needs_a_matched_employee(city, officer, send_report):
    send_report()
    report = _only_report()
    triage.claim(officer, report)
    try:
        triage.open_case(officer, report, form_by_code("ETIK-04").id)
    except triage.TriageError as exc:
        assert "Cocokkan" in str(exc)
    else:
        raise AssertionError("a case was opened on nobody")


def test_scoped_officer_sees_only_reports_matched_into_their_scope(city, officer, make_staff, send_report):
    send_report()
    report = _only_report()
    scoped = make_staff(Role.AGENCY_ADMIN, agency=city.b)
    scoped.is_case_officer = True
    plain_admin = make_staff(Role.AGENCY_ADMIN, agency=city.a)
    db.session.commit()

    def visible(staff):
        return db.session.scalars(sa.select(PublicReport.id).where(triage.visible_reports(staff))).all()

    assert visible(officer) == [report.id]
    assert visible(scoped) == [] and visible(plain_admin) == []
    triage.claim(officer, report)
    triage.match_employee(officer, report, city.rina_b)  # a nurse in Dinas B
    db.session.commit()
    assert visible(scoped) == [report.id] and visible(plain_admin) == []


def test_matching_stays_inside_the_reports_government(city, officer, make_agency, make_employee, send_report):
    send_report()
    report = _only_report()
    other_city = make_agency("KAB", name="Pemerintah Kabupaten Lain")
    stranger = make_employee(other_city, name="Rina Dari Kabupaten")
    triage.claim(officer, report)
    try:
        triage.match_employee(officer, report, stranger)
    except triage.TriageError:
        db.session.rollback()
    else:
        raise AssertionError("matched an employee of another government")
    assert db.session.get(PublicReport, report.id).employee_id is None


def test_queue_list_search_tabs_and_home_flag(city, officer, client_for, send_report):
    send_report()
    send_report(subject_name="Pak Darto")
    staff = client_for(officer)
    home = staff.get("/").get_data(as_text=True)
    assert 'id="report-flags"' in home and "2 laporan masyarakat menunggu" in home
    assert "Laporan masyarakat" in home  # the menu entry, for a case officer
    found = staff.get("/admin/laporan-masyarakat?q=darto").get_data(as_text=True)
    assert "Pak Darto" in found and "Bu Rina" not in found
    number = db.session.scalars(sa.select(PublicReport).order_by(PublicReport.id)).first().number
    assert number in staff.get(f"/admin/laporan-masyarakat?q={number}").get_data(as_text=True)
    assert "Bu Rina" not in staff.get("/admin/laporan-masyarakat?tampil=selesai").get_data(as_text=True)


def test_evidence_download_is_audited(city, officer, client_for, client):
    from netralitas.audit.models import AuditEntry

    data = {**report_form(city.city), "evidence": [(io.BytesIO(jpeg_with_exif()), "foto.jpg")]}
    client.post("/lapor", data=data, content_type="multipart/form-data")
    report = _only_report()
    staff = client_for(officer)
    item = report.evidence[0]
    response = staff.get(f"/admin/laporan-masyarakat/{report.id}/bukti/{item.id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                             .where(AuditEntry.action == "public_report.evidence_view")) == 1
    assert staff.get(f"/admin/laporan-masyarakat/{report.id}/bukti/999999").status_code == 404


def test_private_matching_does_not_show_as_a_change_to_the_reporter(city, officer, send_report):
    from netralitas.public_reports.services import reporter_view

    send_report()
    report = _only_report()
    triage.claim(officer, report)
    db.session.commit()
    seen = reporter_view(report).updated_dt
    report.steps[-1].at_dt = seen  # the claim is the last change the reporter may see
    triage.match_employee(officer, report, city.rina_a)
    db.session.commit()
    assert report.updated_dt >= seen and reporter_view(report).updated_dt == seen
