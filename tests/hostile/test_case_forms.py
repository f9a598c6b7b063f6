"""Hostile input on the case screens, as a case officer: the intake form, triage, the team form and evidence files.

Refused: no 5xx, no row changed, a message. Accepted: single-line fields on one line, text without control
characters other than line breaks, evidence stored as a clean PDF, JPEG or PNG with its SHA-256 right.
"""
from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from netralitas.auth.models import Role
from netralitas.cases.models import Case, CaseEvidence, CaseExamination
from netralitas.core.evidence import evidence_path
from netralitas.extensions import db
from netralitas.legal.services import form_by_code, seed_catalogue
from netralitas.masterdata.models import AgencyKind
from tests.hostile.support import assert_no_server_error, examples, fuzz, hostile_text, row_counts, shows_message
from tests.hostile.test_staff_forms import mutations, post_form

pytestmark = pytest.mark.usefixtures("cheap_decoy")

dates = st.one_of(st.sampled_from(["2025-03-24", "24-03-2025", "2025-02-30", "0000-00-00", "9999-12-31", "", "1e9"]),
                  hostile_text)


@pytest.fixture
def officer_client(client, make_staff, login_as, make_agency, make_employee):
    seed_catalogue()
    agency = make_agency("DINAS-A", name="Dinas A", kind=AgencyKind.DINAS)
    employee = make_employee(agency, name="Pegawai Uji")
    officer = make_staff(Role.OPERATOR)
    officer.is_case_officer = True
    db.session.commit()
    login_as(officer)
    return client, employee.id


def newest_case() -> Case:
    db.session.expire_all()
    return db.session.scalar(sa.select(Case).order_by(Case.id.desc()).limit(1))


def assert_clean_case(case: Case) -> None:
    for value in (case.letter_number,):
        assert value is None or (value == " ".join(value.split()) and value.isprintable()), repr(value)
    assert case.summary and all(ch.isprintable() or ch == "\n" for ch in case.summary), repr(case.summary[:80])
    assert len(case.summary) <= 5000


def test_intake_form(officer_client, backend):
    client, employee_id = officer_client
    valid = {"source": "bawaslu", "letter_number": "1/REK/2025", "letter_date": "2025-03-21",
             "received_on": "2025-03-24", "violation_form_id": str(form_by_code("ETIK-01").id),
             "summary": "Memasang baliho calon di kantor.", "occurred_on": "", "known_on": "",
             "reporter_name": "", "reporter_contact": "", "reporter_note": ""}
    fields = {**{name: hostile_text for name in valid},
              **{name: dates for name in ("letter_date", "received_on", "occurred_on", "known_on")}}

    @fuzz(60, backend)
    @given(data=mutations(valid, st.one_of(hostile_text, dates)), pick=st.sampled_from([str(employee_id), "x", "-1",
                                                                                        "99999999999999999999"]))
    def check(data, pick):
        examples.count()
        post_form(client, f"/admin/kasus/baru?pegawai={pick}", data, stored=lambda: assert_clean_case(newest_case()))

    assert fields  # every field above is mutated by `mutations`
    check()


def test_triage_and_team_forms(officer_client, backend):
    client, employee_id = officer_client
    response = client.post(f"/admin/kasus/baru?pegawai={employee_id}", data={
        "source": "internal", "received_on": "2025-03-24", "violation_form_id": str(form_by_code("ETIK-01").id),
        "summary": "Temuan atasan."})
    assert response.status_code == 302
    case_id = newest_case().id

    @fuzz(50, backend)
    @given(data=mutations({"outcome": "close", "forward_to": "", "reason": "Tidak terbukti."}),
           member=mutations({"email": "tidak-ada@contoh.go.id", "role": "examiner"}))
    def check(data, member):
        examples.count()
        before = row_counts()
        answer = client.post(f"/admin/kasus/{case_id}/penelaahan", data=data)
        assert_no_server_error(answer, "triage")
        if row_counts() == before:
            assert answer.status_code in (302, 400, 422) and (answer.status_code == 302 or shows_message(answer))
        else:
            stored = newest_case()
            assert stored.triage_reason is None or all(ch.isprintable() or ch == "\n" for ch in stored.triage_reason)
        team = client.post(f"/admin/kasus/{case_id}/anggota", data=member)
        assert_no_server_error(team, "team")

    check()


FILES = [b"", b"%PDF-1.4\n%%EOF", b"%PDF-1.4 no end", b"\xff\xd8\xff\xe0 not really a jpeg", b"\x89PNG\r\n\x1a\nxx",
         b"GIF89a", b"MZ\x90\x00", b"<svg onload=alert(1)>", b"PK\x03\x04", b"\x00" * 1000]
NAMES = ["bukti.pdf", "../../etc/passwd", "a\x00b.jpg", "<script>.png", "😀.pdf", "x" * 400 + ".pdf", "", "C:\\a\\b.jpg"]


def test_evidence_uploads(officer_client, backend):
    client, employee_id = officer_client
    client.post(f"/admin/kasus/baru?pegawai={employee_id}", data={
        "source": "internal", "received_on": "2025-03-24", "violation_form_id": str(form_by_code("ETIK-01").id),
        "summary": "Temuan atasan."})
    case_id = newest_case().id

    @fuzz(40, backend)
    @given(content=st.one_of(st.sampled_from(FILES), st.binary(max_size=2000)), name=st.sampled_from(NAMES))
    def check(content, name):
        examples.count()
        before = row_counts()
        response = client.post(f"/admin/kasus/{case_id}/bukti", data={"evidence": (io.BytesIO(content), name)},
                               content_type="multipart/form-data")
        assert_no_server_error(response, f"evidence {name!r}")
        if row_counts() == before:
            assert response.status_code in (400, 422) and shows_message(response)
            return
        db.session.expire_all()
        item = db.session.scalar(sa.select(CaseEvidence).order_by(CaseEvidence.id.desc()).limit(1))
        stored = evidence_path(item.sha256, item.file_name.rsplit(".", 1)[-1]).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == item.sha256
        assert item.content_type in ("application/pdf", "image/jpeg", "image/png")
        assert "/" not in item.file_name and item.file_name.isprintable() and len(item.file_name) <= 160

    check()


def test_step_forms(officer_client, backend, monkeypatch):
    """Summons, attendance, examination record, decision, delivery and report back with hostile values: no 5xx,
    nothing stored unless valid, stored text clean."""
    from netralitas.cases import step_views, views

    monkeypatch.setattr(views, "local_today", lambda: date(2025, 6, 30))
    monkeypatch.setattr(step_views, "local_today", lambda: date(2025, 6, 30))
    client, employee_id = officer_client
    client.post(f"/admin/kasus/baru?pegawai={employee_id}", data={
        "source": "internal", "received_on": "2025-03-24", "violation_form_id": str(form_by_code("ETIK-01").id),
        "summary": "Temuan atasan."})
    case_id = newest_case().id
    client.post(f"/admin/kasus/{case_id}/penelaahan", data={"outcome": "continue"})
    forms = {
        "panggilan": {"letter_number": "1/P", "issued_on": "2025-04-22", "exam_on": "2025-05-05",
                      "exam_time": "09.00", "place": "Aula"},
        "pemeriksaan": {"held_on": "2025-05-05", "place": "Aula", "record": "T: ?\nJ: !", "signing": "paper"},
        "keputusan": {"sanction_id": "1", "reasons": "x", "decree_number": "1/SK", "decree_on": "2025-05-26"},
        "penyampaian": {"delivered_on": "2025-05-27"},
        "laporan": {"letter_number": "1/L", "sent_on": "2025-06-02", "revoke_certificates": "y"},
    }

    @fuzz(60, backend)
    @given(step=st.sampled_from(sorted(forms)), data=st.data())
    def check(step, data):
        examples.count()
        body = data.draw(mutations(forms[step], st.one_of(hostile_text, dates)))
        response = client.post(f"/admin/kasus/{case_id}/{step}", data=body)
        assert_no_server_error(response, step)
        assert response.status_code in (302, 400, 403, 422), (step, response.status_code)
        db.session.expire_all()
        for text in db.session.scalars(sa.select(CaseExamination.record)):
            assert all(ch.isprintable() or ch == "\n" for ch in text)

    check()
