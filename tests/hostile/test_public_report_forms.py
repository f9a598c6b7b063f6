"""Hostile input on the public report pages (/lapor, /lapor/status, /lapor/status/bukti) and on every triage form of
/admin/laporan-masyarakat: any text, NUL, huge and repeated values, junk ids, another government's employee, markup in
names and descriptions, and hostile files.

Refused: no 5xx, no row changed, nothing written under the instance folder's case-files/, a message. Accepted: what
was stored is the cleaned value, and markup shows escaped on every page (the triage pages, the reporter's status page)
and never raw.
"""
from __future__ import annotations

import functools
import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import escape

from netralitas.cases.models import Case
from netralitas.core.evidence import FILES_DIR, evidence_path
from netralitas.core.text import single_line
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind
from netralitas.public_reports import services
from netralitas.public_reports.models import PublicReport, PublicReportEvidence, ReportStage
from netralitas.public_reports.topics import topics
from netralitas.public_reports.triage import forward_targets
from tests.cases.conftest import jpeg_with_exif
from tests.hostile.support import (
    assert_no_server_error,
    examples,
    form_data,
    fuzz,
    hostile_text,
    query_text,
    row_counts,
    shows_message,
)
from tests.hostile.test_staff_forms import mutations
from tests.public_reports import conftest as public_reports
from tests.public_reports.conftest import City, report_form

#: The public-report fixtures, shared as they are (officer and client_for come from tests/conftest.py).
city, send_report = public_reports.city, public_reports.send_report

pytestmark = pytest.mark.usefixtures("cheap_decoy")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TRIAGE = "/admin/laporan-masyarakat"


@functools.cache
def png_bomb(side: int) -> bytes:
    """A valid 1-bit PNG of side × side pixels: a few kilobytes that decode to side² pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    pixels = b"".join(packer.compress(row * 1000) for _ in range(side // 1000)) + packer.flush()
    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def evidence_files(app) -> set[str]:
    """Every file under the instance folder's case-files/ (half-written ones included)."""
    folder = Path(app.instance_path) / FILES_DIR
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def instance_files(app) -> set[Path]:
    return {p for p in Path(app.instance_path).rglob("*") if p.is_file()}


def first(value):
    return value[0] if isinstance(value, list) else value


def newest_report() -> PublicReport:
    db.session.expire_all()
    return db.session.scalar(sa.select(PublicReport).order_by(PublicReport.id.desc()).limit(1))


def printable_lines(text: str) -> bool:
    return all(ch.isprintable() or ch == "\n" for ch in text)


# --- the public's forms ------------------------------------------------------------------------------------------------

def assert_clean_report(report: PublicReport, data: dict, city: City) -> None:
    assert report.government_id == city.city.id and report.topic in {t.key for t in topics()}
    assert report.subject_name == single_line(first(data["subject_name"])) and len(report.subject_name) <= 200
    for value, cap in ((report.subject_position, 200), (report.subject_unit, 200), (report.subject_handle, 200),
                       (report.place, 300), (report.reporter_name, 200), (report.reporter_contact, 200)):
        assert value is None or (value == single_line(value) and value and len(value) <= cap), repr(value)
    assert 20 <= len(report.description) <= 5000 and printable_lines(report.description)
    assert not first(data.get("website"))


def test_report_form(app, client, city, backend):
    valid = {**report_form(city.city), "website": ""}
    ids = st.sampled_from(["0", "-1", "1e9", "９", "²", "99999999999999999999", str(city.a.id), str(city.city.id)])
    dates = st.sampled_from(["2026-11-20", "2999-01-01", "2024-02-30", "0001-01-01", "20-11-2026", "1e9"])

    @fuzz(100, backend)
    @given(data=mutations(valid, st.one_of(hostile_text, ids, dates)))
    @example(data=valid)
    @example(data={**valid, "subject_name": "<script>alert(1)</script>", "website": "x"})
    def check(data):
        examples.count()
        before, files = row_counts(), evidence_files(app)
        response = client.post("/lapor", data=data)
        assert_no_server_error(response, "POST /lapor")
        if response.status_code == 302:
            assert urlsplit(response.headers["Location"]).path == "/lapor/terima"
            assert row_counts()["public_reports"] == before["public_reports"] + 1
            assert_clean_report(newest_report(), data, city)
            return
        assert response.status_code in (400, 413, 422), response.status_code
        assert shows_message(response)
        assert row_counts() == before and evidence_files(app) == files

    check()


def test_receipt_lookup_form(client, city, send_report, backend):
    receipt = send_report()
    typed = st.sampled_from([receipt, receipt.lower(), receipt.replace("-", " "), receipt.removeprefix("LAP-")])

    @fuzz(100, backend)
    @given(data=form_data({"receipt": st.one_of(hostile_text, typed, st.builds(lambda j: receipt + j, hostile_text))}))
    def check(data):
        examples.count()
        before = row_counts()
        response = client.post("/lapor/status", data=data)
        assert_no_server_error(response, "POST /lapor/status")
        assert row_counts() == before  # a lookup stores nothing
        if response.status_code == 200:
            # The field keeps one clean line (control characters go), so the receipt with them is still the receipt.
            assert services.parse_receipt(single_line(first(data["receipt"]))) == services.parse_receipt(receipt)
            assert 'data-status="received"' in response.get_data(as_text=True)
        else:
            assert response.status_code in (400, 404, 413, 422), response.status_code
            assert shows_message(response)

    check()


BAD_FILES = [b"", b"%PDF-1.4\n1 0 obj<<>>endobj\n", b"\xff\xd8\xff\xe0" + b"not a jpeg" * 20, b"\x89PNG\r\n\x1a\nxx",
             b"GIF89a", b"MZ\x90\x00", b"<svg onload=alert(1)>", b"PK\x03\x04", b"\x00" * 1000]
FILE_NAMES = ["bukti.pdf", "../../etc/passwd.jpg", "..\\..\\etc\\passwd.jpg", "<script>.png", "😀.pdf",
              "x" * 400 + ".pdf", "", "C:\\a\\b.jpg", "foto.jpg\u202egnp.exe", "/etc/shadow"]


def test_reporter_evidence_form(app, client, city, send_report, backend):
    receipt = send_report()
    files = st.one_of(st.sampled_from([*BAD_FILES, PDF, jpeg_with_exif(), png_bomb(8000)]), st.binary(max_size=2000))

    @fuzz(60, backend)
    @given(typed=st.one_of(st.just(receipt), hostile_text), content=files, name=st.sampled_from(FILE_NAMES))
    def check(typed, content, name):
        examples.count()
        before, stored = row_counts(), evidence_files(app)
        response = client.post("/lapor/status/bukti", data={"receipt": typed, "evidence": [(io.BytesIO(content), name)]},
                               content_type="multipart/form-data")
        assert_no_server_error(response, f"POST /lapor/status/bukti {name!r}")
        if row_counts()["public_report_evidence"] == before["public_report_evidence"]:
            assert response.status_code in (302, 400, 404, 413, 422), response.status_code
            assert row_counts() == before and evidence_files(app) == stored
            return
        assert response.status_code == 200 and typed == receipt
        item = db.session.scalar(sa.select(PublicReportEvidence).order_by(PublicReportEvidence.id.desc()).limit(1))
        kept = evidence_path(item.sha256, item.file_name.rsplit(".", 1)[-1]).read_bytes()
        assert hashlib.sha256(kept).hexdigest() == item.sha256 and item.size == len(kept)
        assert item.content_type in ("application/pdf", "image/jpeg", "image/png")
        assert not {"/", "\\"} & set(item.file_name) and item.file_name.isprintable() and len(item.file_name) <= 160

    check()


#: Files every upload must refuse, and a word of the message that says why.
REFUSED_UPLOADS = {
    "jpeg header then junk": ([(b"\xff\xd8\xff\xe0" + b"\x13\x37" * 500, "foto.jpg")], "rusak"),
    "png bomb, 64 megapixels": ([(png_bomb(8000), "bom.png")], "terlalu besar"),
    "png bomb, 900 megapixels": ([(png_bomb(30000), "bom.png")], "rusak"),
    "pdf without %%EOF": ([(b"%PDF-1.7\n1 0 obj<<>>endobj\n" + b"0" * 3000, "surat.pdf")], "rusak"),
    "empty file": ([(b"", "kosong.jpg")], "kosong"),
    "a good file with a bad one": ([(PDF, "baik.pdf"), (b"MZ\x90\x00", "virus.jpg")], "Hanya PDF, JPG atau PNG"),
    "over the file cap": ([(b"%PDF-1.4\n" + b"0" * 30_000 + b"\n%%EOF\n", "besar.pdf")], "terlalu besar"),
}


@pytest.mark.parametrize("url", ["/lapor", "/lapor/status/bukti"])
@pytest.mark.parametrize("case", sorted(REFUSED_UPLOADS))
def test_refused_uploads_store_nothing(app, client, city, send_report, url, case):
    if case == "over the file cap":
        app.config["PUBLIC_REPORT_FILE_MAX_BYTES"] = 20_000
    receipt = send_report()
    files, reason = REFUSED_UPLOADS[case]
    before, stored = row_counts(), evidence_files(app)
    data = report_form(city.city) if url == "/lapor" else {"receipt": receipt}
    response = client.post(url, data={**data, "evidence": [(io.BytesIO(content), name) for content, name in files]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert row_counts() == before and evidence_files(app) == stored


@pytest.mark.parametrize("url", ["/lapor", "/lapor/status/bukti"])
def test_request_over_max_content_length_is_413_and_stores_nothing(app, client, city, send_report, url):
    receipt = send_report()
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    before, stored = row_counts(), evidence_files(app)
    data = report_form(city.city) if url == "/lapor" else {"receipt": receipt}
    big = b"%PDF-1.4\n" + b"0" * 150_000 + b"\n%%EOF\n"
    response = client.post(url, data={**data, "evidence": [(io.BytesIO(big), "besar.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "Berkas terlalu besar" in response.get_data(as_text=True)
    assert row_counts() == before and evidence_files(app) == stored


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "..\\..\\etc\\passwd.jpg", "/etc/passwd.jpg"])
def test_a_path_in_the_file_name_stays_a_name(app, client, city, name):
    before = instance_files(app)
    response = client.post("/lapor", data={**report_form(city.city), "evidence": [(io.BytesIO(jpeg_with_exif()), name)]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [item] = newest_report().evidence
    # Werkzeug reads a backslash in the quoted file name as an escape, so "..\\..\\etc\\passwd.jpg" arrives as
    # "....etcpasswd.jpg"; either way no folder is left in the name.
    assert item.file_name.endswith("passwd.jpg") and not {"/", "\\"} & set(item.file_name)
    assert item.file_name == "passwd.jpg" or "\\" in name
    added = instance_files(app) - before
    assert added == {evidence_path(item.sha256, "jpg")}  # only the evidence file, in case-files/, named by its hash
    for base in (Path(app.instance_path), Path(app.instance_path) / FILES_DIR):
        assert not (base / ".." / ".." / "etc" / "passwd.jpg").exists()


# --- the triage forms --------------------------------------------------------------------------------------------------

@dataclass
class Desk:
    """A report sent through /lapor and claimed by a case officer; an employee of another government."""

    staff: object
    public: object
    report_id: int
    receipt: str
    stranger_id: int


@pytest.fixture
def desk(client, city, officer, client_for, send_report, make_agency, make_employee) -> Desk:
    receipt = send_report()
    report_id = newest_report().id
    other = make_agency("KAB-LAIN", name="Pemerintah Kabupaten Lain", kind=AgencyKind.PEMERINTAH)
    stranger = make_employee(other, name="Rina Marlina Kabupaten")
    staff = client_for(officer)
    assert staff.post(f"{TRIAGE}/{report_id}/ambil").status_code == 302
    return Desk(staff, client, report_id, receipt, stranger.id)


def the_report(desk: Desk) -> PublicReport:
    db.session.expire_all()
    return db.session.get(PublicReport, desk.report_id)


def refused(response) -> bool:
    """A refusal with a message (a flash on the report page after a redirect, or the form again)."""
    if response.status_code == 302:
        return True
    return response.status_code in (400, 413, 422) and shows_message(response)


JUNK_IDS = ["0", "-1", "abc", "1e9", "²", "99999999999999999999", "999999999", "%00", "1.0", "%20", "-0"]


def test_every_triage_action_on_junk_report_ids(desk, city):
    form = {"employee_id": str(city.rina_a.id), "violation_form_id": "1", "target": "bawaslu",
            "public_reason": "Alasan yang cukup panjang untuk pelapor.", "confirmed": "y"}
    for junk in JUNK_IDS:
        for action in ("ambil", "lepas", "cocokkan", "kasus", "teruskan", "tutup"):
            before = row_counts()
            response = desk.staff.post(f"{TRIAGE}/{junk}/{action}", data=form)
            assert_no_server_error(response, f"{junk}/{action}")
            assert response.status_code in (400, 404), (junk, action, response.status_code)
            assert row_counts() == before, (junk, action)
        for path in ("", "/bukti/1", f"/bukti/{junk}"):
            response = desk.staff.get(f"{TRIAGE}/{junk}{path}")
            assert_no_server_error(response, f"GET {junk}{path}")
            assert response.status_code in (400, 404), (junk, path, response.status_code)


def test_match_with_junk_employee_ids(desk, city, backend):
    in_reach = {city.rina_a.id, city.rina_b.id}
    fullwidth = str(city.rina_a.id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    junk = st.sampled_from(["-1", "1e9", "９", "²", "①", "١", "0", "", " ", "99999999999999999999", "9" * 9, "9" * 10,
                            "1.0", "0x1", "+1", " 1", "1 ", str(desk.stranger_id), fullwidth, "x" * 10_000])

    @fuzz(60, backend)
    @given(value=st.one_of(junk, hostile_text, st.lists(junk, min_size=2, max_size=3)))
    @example(value=str(desk.stranger_id))
    @example(value="²")
    def check(value):
        examples.count()
        before = row_counts()
        response = desk.staff.post(f"{TRIAGE}/{desk.report_id}/cocokkan", data={"employee_id": value})
        assert_no_server_error(response, f"match {value!r}"[:200])
        report = the_report(desk)
        if report.employee_id is None:
            assert refused(response) and row_counts() == before, value
            return
        # Taken only for an employee of the report's government whose id the value is (digits of any script).
        assert report.employee_id in in_reach and int(first(value)) == report.employee_id, value
        report.employee_id = None
        db.session.commit()

    check()


def test_open_case_with_junk_violation_forms(desk, city, backend):
    assert desk.staff.post(f"{TRIAGE}/{desk.report_id}/cocokkan",
                           data={"employee_id": str(city.rina_a.id)}).status_code == 302
    junk = st.sampled_from(["-1", "1e9", "９", "²", "0", "", "99999999999999999999", "x" * 10_000, "null"])

    @fuzz(50, backend)
    @given(data=form_data({"violation_form_id": st.one_of(junk, hostile_text)}))
    def check(data):
        examples.count()
        before = row_counts()
        response = desk.staff.post(f"{TRIAGE}/{desk.report_id}/kasus", data=data)
        assert_no_server_error(response, "open case")
        if row_counts()["cases"] == before["cases"]:
            assert refused(response) and row_counts() == before
            return
        # Text that is an active form's id ("９" is 9 to int(), as to WTForms) opens the case it names.
        case = db.session.scalar(sa.select(Case).order_by(Case.id.desc()).limit(1))
        assert response.status_code == 302 and the_report(desk).case_id == case.id
        assert case.violation_form_id == int(first(data["violation_form_id"]))
        db.session.execute(sa.update(PublicReport).where(PublicReport.id == desk.report_id).values(
            stage=ReportStage.IN_REVIEW, case_id=None))  # held again for the next example
        db.session.commit()

    check()


def test_forward_and_dismiss_forms(desk, backend):
    reason = "Diteruskan kepada Bawaslu kota karena menyangkut kampanye."
    targets = st.one_of(hostile_text, st.sampled_from([*forward_targets(), "kpk", "BAWASLU", " bawaslu"]))
    reasons = st.one_of(hostile_text, st.sampled_from([reason, "x" * 2001, "y" * 10_000, "pendek", reason + "\x00",
                                                       "<script>alert(1)</script> tidak cukup bukti untuk diproses."]))
    confirmations = st.one_of(hostile_text, st.sampled_from(["y", "on", "false", "0", ""]))

    @fuzz(80, backend)
    @given(action=st.sampled_from(["teruskan", "tutup"]),
           data=form_data({"target": targets, "public_reason": reasons, "confirmed": confirmations}))
    @example(action="tutup", data={"public_reason": "<script>alert(1)</script> tidak cukup bukti.", "confirmed": "y"})
    def check(action, data):
        examples.count()
        before = row_counts()
        response = desk.staff.post(f"{TRIAGE}/{desk.report_id}/{action}", data=data)
        assert_no_server_error(response, action)
        report = the_report(desk)
        if report.stage == ReportStage.IN_REVIEW:
            assert response.status_code in (400, 413, 422) and shows_message(response), response.status_code
            assert row_counts() == before
            return
        assert response.status_code == 302 and first(data.get("confirmed")) not in (None, "", "false")
        assert 20 <= len(report.public_reason) <= 2000 and printable_lines(report.public_reason)
        assert action == "tutup" or report.forwarded_to in forward_targets()
        status = desk.public.post("/lapor/status", data={"receipt": desk.receipt}).get_data(as_text=True)
        assert str(escape(report.public_reason)).split("\n")[0] in status and "<script>alert(1)" not in status
        db.session.execute(sa.update(PublicReport).where(PublicReport.id == report.id).values(
            stage=ReportStage.IN_REVIEW, public_reason=None, forwarded_to=None))  # open again for the next example
        db.session.commit()

    check()


def test_search_boxes(desk, backend):
    @fuzz(60, backend)
    @given(q=query_text, view=query_text)
    @example(q="LM-²", view="antrian")
    @example(q="²", view="saya")
    def check(q, view):
        examples.count()
        for url, args in ((TRIAGE, {"q": q, "tampil": view}), (f"{TRIAGE}/{desk.report_id}", {"q": q})):
            response = desk.staff.get(url, query_string=args)
            assert_no_server_error(response, f"GET {url} q={q!r}")
            assert response.status_code in (200, 400), response.status_code

    check()


@pytest.mark.parametrize("digits", ["²", "①", "LM-²", "LM-0²"])
def test_digits_that_int_cannot_read_are_refused_not_a_server_error(desk, digits):
    """str.isdigit() is true for superscripts and circled digits, which int() cannot read: no 500 on either."""
    assert desk.staff.get(TRIAGE, query_string={"q": digits}).status_code == 200
    before = row_counts()
    response = desk.staff.post(f"{TRIAGE}/{desk.report_id}/cocokkan", data={"employee_id": digits.removeprefix("LM-")})
    assert response.status_code == 302 and row_counts() == before
    assert the_report(desk).employee_id is None


# --- markup in what the public writes and in names ---------------------------------------------------------------------

MARKUP_REPORT = {
    "subject_name": "<script>alert(1)</script> Bu Rina",
    "subject_position": '"><img src=x onerror=alert(2)>',
    "subject_unit": "<svg onload=alert(3)>",
    "subject_handle": "@<b>rina</b>",
    "place": "<iframe src=//evil.example>",
    "description": "Uraian <script>alert(4)</script>\n<img src=x onerror=alert(5)> mengunggah ajakan memilih.",
    "reporter_name": "<script>alert(6)</script>",
}
HOSTILE_EMPLOYEE = '<script>alert("pegawai")</script> Rina "Hostil"'
RAW = ("<script>alert(", "<img src=x", "<svg onload", "<b>rina</b>", "<iframe")


def assert_escaped(response, *shown: str) -> str:
    body = response.get_data(as_text=True)
    for markup in RAW:
        assert markup not in body, f"raw {markup!r} on {response.request.path}"
    for text in shown:
        assert str(escape(text)) in body, text
    return body


def test_markup_shows_escaped_on_every_page(client, city, officer, client_for, make_employee):
    refused_page = client.post("/lapor", data=report_form(city.city, **MARKUP_REPORT, website="spam"))
    assert refused_page.status_code == 422
    assert_escaped(refused_page, MARKUP_REPORT["subject_name"], MARKUP_REPORT["subject_position"])
    bad_file = client.post("/lapor", data={**report_form(city.city, **MARKUP_REPORT),
                                           "evidence": [(io.BytesIO(b"MZ"), "<svg onload=alert(9)>.pdf")]},
                           content_type="multipart/form-data")
    assert bad_file.status_code == 422 and "&lt;svg onload=alert(9)&gt;.pdf" in assert_escaped(bad_file)
    evidence = [(io.BytesIO(jpeg_with_exif()), "<img src=x onerror=alert(8)>.jpg")]
    assert client.post("/lapor", data={**report_form(city.city, **MARKUP_REPORT), "evidence": evidence},
                       content_type="multipart/form-data").status_code == 302
    report = newest_report()
    assert report.subject_name == MARKUP_REPORT["subject_name"]  # stored as written
    hostile = make_employee(city.a, name=HOSTILE_EMPLOYEE)

    staff = client_for(officer)
    assert_escaped(staff.get(TRIAGE), MARKUP_REPORT["subject_name"])
    assert_escaped(staff.get(TRIAGE, query_string={"q": MARKUP_REPORT["subject_name"]}), MARKUP_REPORT["subject_name"])
    detail = f"{TRIAGE}/{report.id}"
    shown = [value for name, value in MARKUP_REPORT.items() if name not in ("description", "reporter_name")]
    body = assert_escaped(staff.get(detail), *shown, "<img src=x onerror=alert(8)>.jpg")
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in body  # the description, line by line
    assert "alert(6)" not in body  # the reporter's name is for super admins on the case, not the triage page
    staff.post(f"{detail}/ambil")
    assert_escaped(staff.get(detail), MARKUP_REPORT["subject_name"])  # the search box holds the name as written
    assert_escaped(staff.get(detail, query_string={"q": "hostil"}), HOSTILE_EMPLOYEE)
    matched = staff.post(f"{detail}/cocokkan", data={"employee_id": str(hostile.id)}, follow_redirects=True)
    assert_escaped(matched, HOSTILE_EMPLOYEE)  # the flash message and the matched name
    from netralitas.legal.services import form_by_code

    opened = staff.post(f"{detail}/kasus", data={"violation_form_id": str(form_by_code("ETIK-04").id)},
                        follow_redirects=True)
    assert opened.status_code == 200
    assert_escaped(opened, HOSTILE_EMPLOYEE, MARKUP_REPORT["subject_name"])  # the case page and its summary


def test_a_dismissal_reason_with_markup_reaches_the_reporter_escaped(desk):
    reason = "Tidak cukup bukti <script>alert(7)</script> untuk <img src=x onerror=alert(7)> diproses."
    response = desk.staff.post(f"{TRIAGE}/{desk.report_id}/tutup", data={"public_reason": reason, "confirmed": "y"})
    assert response.status_code == 302
    page = desk.public.post("/lapor/status", data={"receipt": desk.receipt})
    assert 'data-status="closed"' in assert_escaped(page, reason)
