"""Cases from intake to triage: who sees them, what is stored, the running deadline, the reporter kept apart."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.cases import views as case_views
from netralitas.cases.models import Case, CaseEvidence, CaseMember, CaseMemberRole, CaseReporter, CaseStage
from netralitas.core.evidence import evidence_path
from netralitas.extensions import db
from netralitas.legal.services import form_by_code

from .conftest import jpeg_with_exif

pytestmark = pytest.mark.usefixtures("fast_passwords")


def intake_data(world, **overrides) -> dict:
    data = {"source": "bawaslu", "letter_number": "123/PM.00/K.JB-01/03/2025", "letter_date": "2025-03-21",
            "received_on": "2025-03-24", "violation_form_id": form_by_code("ETIK-04").id,
            "summary": "Membagikan unggahan pasangan calon di grup WhatsApp dinas.", "reporter_name": ""}
    data.update(overrides)
    return data


def open_case(client, world, employee=None, **overrides) -> Case:
    employee = employee or world.ani
    response = client.post(f"/admin/kasus/baru?pegawai={employee.id}", data=intake_data(world, **overrides),
                            content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()


def actions(name: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == name)))


def test_intake_opens_a_case_at_triage_with_its_officer(app, world, officer, client_for):
    client = client_for(officer)
    picked = client.get("/admin/kasus/baru?q=ani").get_data(as_text=True)
    assert "Ani Lestari" in picked and f"pegawai={world.ani.id}" in picked
    form_page = client.get(f"/admin/kasus/baru?pegawai={world.ani.id}").get_data(as_text=True)
    assert "Deklarasi Netralitas ASN Pilkada 2026" in form_page  # the signed declaration is shown at intake
    case = open_case(client, world)
    assert (case.stage, case.employee_id, case.letter_number) == (
        CaseStage.TRIAGE, world.ani.id, "123/PM.00/K.JB-01/03/2025")
    assert case.number == "KN-2025-0001"
    assert [(m.staff_id, m.role) for m in case.members] == [(officer.id, CaseMemberRole.OFFICER)]
    assert [s.kind for s in case.steps] == ["opened"]
    (entry,) = actions("case.open")
    assert "Ani" not in entry.summary + entry.data_json  # the audit log names the case, not the employee
    page = client.get(f"/admin/kasus/{case.id}").get_data(as_text=True)
    assert "KN-2025-0001" in page and "ETIK-04" in page and "Pilkada 2026" in page


def test_a_letter_needs_its_number_and_date_and_nothing_is_lost(app, world, officer, client_for):
    client = client_for(officer)
    response = client.post(f"/admin/kasus/baru?pegawai={world.ani.id}",
                           data=intake_data(world, letter_number="", letter_date=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Isi nomor surat rekomendasi." in page and "Isi tanggal surat rekomendasi." in page
    assert "Membagikan unggahan pasangan calon" in page  # the typed summary is still there
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_future_dates_are_refused(app, world, officer, client_for):
    response = client_for(officer).post(f"/admin/kasus/baru?pegawai={world.ani.id}",
                                        data=intake_data(world, received_on="2999-01-01"))
    assert "Tanggal tidak boleh di masa depan." in response.get_data(as_text=True)


def test_evidence_is_stripped_hashed_owner_only_and_typed_by_content(app, world, officer, client_for):
    client = client_for(officer)
    case = open_case(client, world, evidence=(io.BytesIO(jpeg_with_exif()), "foto grup.JPG"))
    (item,) = case.evidence
    stored = evidence_path(item.sha256, "jpg").read_bytes()
    assert b"KameraPelapor" not in stored and b"LOKASI-RAHASIA" not in stored
    assert (item.file_name, item.content_type) == ("foto grup.jpg", "image/jpeg")
    assert oct(evidence_path(item.sha256, "jpg").stat().st_mode & 0o777) == "0o600"
    response = client.post(f"/admin/kasus/{case.id}/bukti", data={"evidence": (io.BytesIO(b"MZ\x90\x00exe"), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Hanya PDF, JPG atau PNG" in response.get_data(as_text=True)
    download = client.get(f"/admin/kasus/{case.id}/bukti/{item.id}")
    assert download.status_code == 200 and download.data == stored
    assert download.headers["Cache-Control"] == "no-store"
    assert len(actions("case.evidence_view")) == 1


def test_who_sees_a_case(app, world, officer, make_staff, client_for):
    case = open_case(client_for(officer), world)
    own_unit_admin = make_staff(Role.AGENCY_ADMIN, agency=world.a)  # Ani's own agency, but not on the team
    scoped_officer = make_staff(Role.AGENCY_ADMIN, agency=world.b)
    scoped_officer.is_case_officer = True  # a case officer of agency B only
    examiner = make_staff(Role.VIEWER, agency=world.a)
    db.session.add(CaseMember(case_id=case.id, staff_id=examiner.id, role=CaseMemberRole.EXAMINER))
    db.session.commit()
    for outsider in (own_unit_admin, scoped_officer, make_staff(Role.VIEWER)):
        client = client_for(outsider)
        assert client.get(f"/admin/kasus/{case.id}").status_code == 404
        assert case.number not in client.get("/admin/kasus").get_data(as_text=True)
    member = client_for(examiner)
    assert member.get(f"/admin/kasus/{case.id}").status_code == 200
    assert case.number in member.get("/admin/kasus").get_data(as_text=True)
    assert member.post(f"/admin/kasus/{case.id}/penelaahan", data={"outcome": "continue"}).status_code == 403
    assert client_for(make_staff(Role.SUPER_ADMIN)).get(f"/admin/kasus/{case.id}").status_code == 200
    assert client_for(own_unit_admin).get(f"/admin/kasus/baru?pegawai={world.ani.id}").status_code == 403
    # A scoped case officer cannot open a case about someone outside their scope.
    assert client_for(scoped_officer).get(f"/admin/kasus/baru?pegawai={world.ani.id}").status_code == 404


def test_the_follow_up_deadline_counts_working_days(app, world, officer, client_for, monkeypatch):
    """Received Monday 24 March 2025, 14 working days: Nyepi, Lebaran and cuti bersama skipped → 23 April 2025."""
    for day in (date(2025, 3, 28), date(2025, 4, 2), date(2025, 4, 3), date(2025, 4, 4), date(2025, 4, 7)):
        db.session.add(DayOff(day=day, name="Cuti Bersama", kind=DayOffKind.CUTI_BERSAMA, source="SKB 2025"))
    db.session.commit()
    client = client_for(officer)
    case = open_case(client, world)
    for today, badge in ((date(2025, 4, 8), "Berjalan"), (date(2025, 4, 21), "Segera jatuh tempo"),
                         (date(2025, 4, 24), "Lewat tenggat")):
        monkeypatch.setattr(case_views, "local_today", lambda today=today: today)
        page = client.get(f"/admin/kasus/{case.id}").get_data(as_text=True)
        assert "23 Apr 2025" in page and badge in page, today
        assert badge in client.get("/admin/kasus").get_data(as_text=True)


def test_triage_continue_forward_close(app, world, officer, client_for):
    client = client_for(officer)
    first = open_case(client, world)
    assert client.post(f"/admin/kasus/{first.id}/penelaahan", data={"outcome": "continue"}).status_code == 302
    db.session.refresh(first)
    assert first.stage == CaseStage.EXAMINATION
    again = client.post(f"/admin/kasus/{first.id}/penelaahan", data={"outcome": "close", "reason": "x"},
                        follow_redirects=True)
    assert "sudah melewati tahap penelaahan" in again.get_data(as_text=True)
    db.session.refresh(first)
    assert first.stage == CaseStage.EXAMINATION

    second = open_case(client, world, employee=world.budi)
    refused = client.post(f"/admin/kasus/{second.id}/penelaahan", data={"outcome": "forward", "forward_to": "gakkumdu"})
    assert refused.status_code == 422 and "Tuliskan alasan penerusan." in refused.get_data(as_text=True)
    assert client.post(f"/admin/kasus/{second.id}/penelaahan", data={
        "outcome": "forward", "forward_to": "gakkumdu", "reason": "Ada dugaan pembagian uang."}).status_code == 302
    db.session.refresh(second)
    assert (second.stage, second.forwarded_to) == (CaseStage.FORWARDED, "gakkumdu")

    third = open_case(client, world)
    assert client.post(f"/admin/kasus/{third.id}/penelaahan", data={
        "outcome": "close", "reason": "Akun media sosial bukan milik pegawai."}).status_code == 302
    db.session.refresh(third)
    assert third.stage == CaseStage.CLOSED
    assert "bukan milik pegawai" in client.get(f"/admin/kasus/{third.id}").get_data(as_text=True)
    outcomes = [json.loads(e.data_json)["outcome"] for e in actions("case.triage")]
    assert outcomes == ["continue", "forward", "close"]


def test_the_reporter_is_kept_apart_and_each_look_is_audited(app, world, officer, make_staff, client_for):
    client = client_for(officer)
    case = open_case(client, world, source="public", letter_number="", letter_date="", reporter_name="Warga Pelapor",
                     reporter_contact="0812-0000-1111")
    assert db.session.scalar(sa.select(CaseReporter.name).where(CaseReporter.case_id == case.id)) == "Warga Pelapor"
    assert "Warga Pelapor" not in client.get(f"/admin/kasus/{case.id}").get_data(as_text=True)
    assert client.get(f"/admin/kasus/{case.id}/pelapor").status_code == 403  # the officer: not a super admin
    admin = client_for(make_staff(Role.SUPER_ADMIN))
    assert "Warga Pelapor" in admin.get(f"/admin/kasus/{case.id}/pelapor").get_data(as_text=True)
    assert len(actions("case.reporter_view")) == 1
    assert all("Warga" not in e.data_json for e in db.session.scalars(sa.select(AuditEntry)))


def test_a_member_is_added_by_email(app, world, officer, make_staff, client_for):
    client = client_for(officer)
    case = open_case(client, world)
    superior = make_staff(Role.AGENCY_ADMIN, agency=world.a, email="atasan@contoh.go.id")
    assert client.post(f"/admin/kasus/{case.id}/anggota", data={"email": "ATASAN@contoh.go.id",
                                                                 "role": "examiner"}).status_code == 302
    assert client_for(superior).get(f"/admin/kasus/{case.id}").status_code == 200
    unknown = client.post(f"/admin/kasus/{case.id}/anggota", data={"email": "tidak@ada.id", "role": "examiner"})
    assert unknown.status_code == 422 and "Tidak ada akun staf" in unknown.get_data(as_text=True)
    twice = client.post(f"/admin/kasus/{case.id}/anggota", data={"email": "atasan@contoh.go.id", "role": "examiner"})
    assert twice.status_code == 422 and "sudah menjadi anggota" in twice.get_data(as_text=True)


def test_the_same_file_twice_is_stored_once(app, world, officer, client_for):
    """The same file twice is stored once (named by its hash) but listed twice."""
    client = client_for(officer)
    data = jpeg_with_exif()
    case = open_case(client, world, evidence=(io.BytesIO(data), "a.jpg"))
    client.post(f"/admin/kasus/{case.id}/bukti", data={"evidence": (io.BytesIO(data), "b.jpg")},
                content_type="multipart/form-data")
    rows = db.session.scalars(sa.select(CaseEvidence).where(CaseEvidence.case_id == case.id)).all()
    assert len(rows) == 2 and rows[0].sha256 == rows[1].sha256
    assert len(list(evidence_path(rows[0].sha256, "jpg").parent.iterdir())) == 1


def test_a_liaison_reads_the_cases_they_referred_and_nothing_else(app, world, officer, make_staff, client_for):
    client = client_for(officer)
    referred = open_case(client, world)
    other = open_case(client, world, employee=world.budi)
    liaison = make_staff(Role.LIAISON, email="penghubung@bawaslu.go.id")
    as_examiner = client.post(f"/admin/kasus/{referred.id}/anggota", data={"email": "penghubung@bawaslu.go.id",
                                                                            "role": "examiner"})
    assert as_examiner.status_code == 422 and "Akun penghubung hanya dapat menjadi penghubung" in \
        as_examiner.get_data(as_text=True)
    assert client.post(f"/admin/kasus/{referred.id}/anggota", data={"email": "penghubung@bawaslu.go.id",
                                                                     "role": "liaison"}).status_code == 302
    reader = client_for(liaison)
    assert "Kasus yang Anda rujuk" in reader.get("/").get_data(as_text=True)
    listed = reader.get("/admin/kasus").get_data(as_text=True)
    assert referred.number in listed and other.number not in listed
    assert reader.get(f"/admin/kasus/{referred.id}").status_code == 200
    assert reader.get(f"/admin/kasus/{other.id}").status_code == 404
    assert reader.post(f"/admin/kasus/{referred.id}/penelaahan", data={"outcome": "continue"}).status_code == 403
    for page_url in ("/admin/pegawai", "/admin/acara", "/admin/token-api", "/admin/tugas", "/admin/kasus/baru"):
        assert reader.get(page_url).status_code == 403, page_url
    viewer = make_staff(Role.VIEWER, email="pemantau@contoh.go.id")
    not_liaison = client.post(f"/admin/kasus/{referred.id}/anggota", data={"email": "pemantau@contoh.go.id",
                                                                            "role": "liaison"})
    assert not_liaison.status_code == 422
    assert viewer.id  # the viewer account exists; it just cannot be a liaison member


def test_the_home_page_flags_overdue_cases_for_case_officers_only(app, world, officer, make_staff, client_for,
                                                                   monkeypatch):
    from netralitas.calendar import services as calendar

    client = client_for(officer)
    open_case(client, world)  # received 24 March 2025, due 23 April 2025 (without the cuti bersama rows: earlier)
    monkeypatch.setattr(calendar, "local_today", lambda: date(2025, 6, 2))
    home = client.get("/").get_data(as_text=True)
    assert "Kasus: 1 lewat tenggat, 0 segera jatuh tempo." in home
    assert 'id="case-flags"' not in client_for(make_staff(Role.AGENCY_ADMIN, agency=world.a)).get("/").get_data(
        as_text=True)
