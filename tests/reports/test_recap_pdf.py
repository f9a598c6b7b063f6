"""The printed recap (Rekapitulasi): content, the repeated table header and page numbers, scope, names fpdf2's fonts
cannot draw, and the audit entry."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind, Category, Employee
from netralitas.masterdata.services import create_agency
from netralitas.reports.recap_pdf import ROWS_PER_PAGE
from tests.certificate_exports import pdfread

pytestmark = pytest.mark.usefixtures("fast_passwords")

TABLE_HEADER = "Perangkat daerah / unit kerja"


@pytest.fixture
def city(make_agency, make_employee, make_event, sign_for):
    """KOTA > DINAS-A > BIDANG-A1, KOTA > DINAS-B, with a few signatures."""
    kota = make_agency("KOTA", name="Pemerintah Kabupaten Mekarsari", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=kota, name="Dinas Pendidikan")
    a1 = make_agency("BIDANG-A1", parent=a, name="Bidang Sekolah Dasar", kind=AgencyKind.UNIT)
    b = make_agency("DINAS-B", parent=kota, name="Dinas Kesehatan")
    event = make_event(name="Deklarasi Netralitas ASN Pilkada 2026", slug="pilkada-2026")
    sign_for(event, make_employee(a, name="Ni Luh Putu Ayu Wédari"), attended=True)
    make_employee(a, category=Category.KONTRAK)
    sign_for(event, make_employee(a1, category=Category.PPPK))
    make_employee(b)
    return {"kota": kota, "a": a, "a1": a1, "b": b, "event": event}


@pytest.fixture
def super_admin(client, login_as, make_staff):
    staff = make_staff(Role.SUPER_ADMIN)
    login_as(staff)
    return staff


def recap_url(event, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/admin/acara/{event.id}/rekap/rekapitulasi.pdf" + (f"?{query}" if query else "")


def get_pdf(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data()


def page_texts(pdf: bytes) -> list[list[str]]:
    """The lines drawn on each page (pdfread.text_lines runs all pages together)."""
    objects = pdfread.objects(pdf)
    found = []
    for page in pdfread.pages(pdf):
        resources = pdfread._resources(objects, page)
        fonts = {number: pdfread._to_unicode(objects, objects[int(ref)].head)
                 for number, ref in re.findall(rb"/F(\d+) (\d+) 0 R", resources)}
        lines, current = [], {}
        for match in pdfread._TOKENS.finditer(pdfread._content(objects, page)):
            if match.group(1) is not None:
                current = fonts[match.group(1)]
                continue
            codes = pdfread._literal(match.group(2))
            lines.append("".join(current.get(codes[i:i + 2], "\ufffd") for i in range(0, len(codes), 2)))
        found.append(lines)
    return found


def test_recap_prints_event_totals_categories_top_levels_and_signature_block(app, city, client, super_admin):
    app.config.update(CERTIFICATE_ISSUER="Pemerintah Kabupaten Mekarsari", REPORT_PLACE="Mekarsari",
                      REPORT_SIGNATORY_NAME="Dr. Hj. Siti Aminah, M.Si.", REPORT_SIGNATORY_NIP="197001011995032001")
    pdf = get_pdf(client, recap_url(city["event"]))
    (lines,) = page_texts(pdf)
    text = "\n".join(lines)
    for expected in ("Pemerintah Kabupaten Mekarsari", "REKAPITULASI PENANDATANGANAN DEKLARASI NETRALITAS PEGAWAI",
                     "Deklarasi Netralitas ASN Pilkada 2026", "Semua perangkat daerah", "Menurut kategori pegawai",
                     TABLE_HEADER, "Kepala BKPSDM", "Dr. Hj. Siti Aminah, M.Si.", "NIP 197001011995032001",
                     "Halaman 1 dari 1", "WIB"):
        assert expected in text, expected
    assert re.search(r"^Mekarsari, \d{1,2} \w+ \d{4}$", text, re.M)
    # Totals: 4 required, 2 signed (50 %), 1 at the venue, 1 remote.
    assert lines[lines.index("Wajib") + 1] == "4"
    assert lines[lines.index("Persentase") + 1] == "50%"
    assert lines[lines.index("Hadir di lokasi") + 1] == "1"
    kontrak = lines.index("KONTRAK")
    assert lines[kontrak:kontrak + 7] == ["KONTRAK", "1", "0", "1", "0%", "0", "0"]
    # The top two levels only, in tree order; BIDANG-A1 is counted inside DINAS-A.
    assert [line for line in lines if line in ("KOTA", "DINAS-A", "BIDANG-A1", "DINAS-B")] == ["KOTA", "DINAS-A",
                                                                                                 "DINAS-B"]
    dinas_a = lines.index("DINAS-A")
    assert lines[dinas_a:dinas_a + 8] == ["DINAS-A", "Dinas Pendidikan", "3", "2", "1", "66,7%", "1", "1"]
    assert "JUMLAH" in lines
    assert "Jarak jauh" in lines and "Daring" not in text  # one word for remote signing, as on the pages


def test_detailed_recap_lists_every_level(city, client, super_admin):
    text = pdfread.text(get_pdf(client, recap_url(city["event"], rinci=1)))
    assert "BIDANG-A1" in text and "Bidang Sekolah Dasar" in text
    assert "(semua tingkat)" in text


def test_blank_signatory_prints_lines_to_fill_in(city, client, super_admin):
    text = pdfread.text(get_pdf(client, recap_url(city["event"])))
    assert "Kepala BKPSDM" in text
    assert re.search(r"^\.{20,}, \d{1,2} \w+ \d{4}$", text, re.M)  # the place, to write by hand
    assert re.search(r"^NIP \.{20,}$", text, re.M)


@pytest.fixture
def many_agencies(make_agency, make_employee, make_event, sign_for):
    """KOTA with 95 OPDs (one employee each, every third signed) and the event."""
    kota = make_agency("KOTA", name="Pemerintah Kota Besar", kind=AgencyKind.PEMERINTAH)
    event = make_event(name="Deklarasi Banyak Unit")
    agencies = [create_agency("test", code=f"OPD{n:03d}", name=f"Dinas Nomor {n}", kind=AgencyKind.DINAS, parent=kota)
                for n in range(95)]
    db.session.flush()
    employees = [Employee(name=f"Pegawai {n}", name_search=f"pegawai {n}", category=Category.KONTRAK, agency=agency,
                          nik=f"3273010101{n:06d}", birth_date=date(1980, 1, 1)) for n, agency in enumerate(agencies)]
    db.session.add_all(employees)
    db.session.commit()
    for employee in employees[::3]:
        sign_for(event, employee)
    return {"kota": kota, "event": event, "codes": [a.code for a in agencies]}


def test_long_table_repeats_its_header_on_every_page_with_page_numbers(many_agencies, client, super_admin):
    pages = page_texts(get_pdf(client, recap_url(many_agencies["event"])))
    # 96 rows (KOTA + 95 OPDs): part of them under the summary on page 1, then at most 40 per page.
    assert len(pages) >= 3
    table_pages = [lines for lines in pages if any(line.startswith("OPD") for line in lines)]
    assert len(table_pages) >= 3
    for number, lines in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in lines
    for lines in table_pages:
        assert TABLE_HEADER in lines
        assert sum(line.startswith("OPD") for line in lines) <= ROWS_PER_PAGE
    for lines in table_pages[1:-1]:
        assert sum(line.startswith("OPD") for line in lines) == ROWS_PER_PAGE  # full pages in between
    for lines in table_pages[1:]:
        assert "(lanjutan)" in lines
    printed = [line for lines in pages for line in lines if line.startswith("OPD")]
    assert printed == many_agencies["codes"]  # each agency exactly once, in code order
    assert any("Kepala BKPSDM" in lines for lines in pages[-1:])


def test_names_with_diacritics_emoji_and_missing_glyphs_do_not_break_the_pdf(make_agency, make_employee, make_event,
                                                                             client, super_admin):
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    names = ["Dinas Ñusa — Çelik Wédari", "Kecamatan Kota 😀 Damai 🙏", "Unit 王 Cabang", "Bidang Ḥadīth ʼAinun Nur'aini"]
    for n, name in enumerate(names):
        make_employee(make_agency(f"U{n}", parent=kota, name=name))
    event = make_event(name="Deklarasi — Ujian 🇮🇩")
    text = pdfread.text(get_pdf(client, recap_url(event)))
    assert "Dinas Ñusa — Çelik Wédari" in text
    assert "Bidang Ḥadīth ʼAinun Nur'aini" in text
    # DejaVu has 😀 but not 🙏, 王 or the flag's regional indicators: those print as a white square, not nothing.
    assert "Kecamatan Kota 😀 Damai □" in text
    assert "Unit □ Cabang" in text
    assert "Deklarasi — Ujian □□" in text


def test_recap_is_scoped(city, client, login_as, make_staff):
    login_as(make_staff(Role.VIEWER, agency=city["a"]))
    text = pdfread.text(get_pdf(client, recap_url(city["event"])))
    assert "Kepala Dinas Pendidikan" in text.splitlines()  # the agency's head signs its recap, not BKPSDM's
    assert "Kepala BKPSDM" not in text
    assert "Dinas Pendidikan (DINAS-A) beserta sub-unitnya" in text
    assert "BIDANG-A1" in text  # a child of this viewer's root: the second level here
    assert "DINAS-B" not in text and "Dinas Kesehatan" not in text and "KOTA" not in text
    assert client.get(recap_url(city["event"], unit=city["b"].id)).status_code == 404
    assert client.get(recap_url(city["event"], unit=city["a1"].id)).status_code == 200


def test_recap_download_is_audited(city, client, super_admin):
    get_pdf(client, recap_url(city["event"], unit=city["a"].id))
    (entry,) = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "report.completion_export"))
    assert entry.actor_staff_id == super_admin.id
    assert json.loads(entry.data_json) == {"event": "pilkada-2026", "scope": "DINAS-A", "format": "pdf", "count": 2}


def test_signatory_follows_the_scope(app, city, client, super_admin):
    app.config.update(REPORT_SIGNATORY_TITLE="Kepala Badan Kepegawaian Daerah", REPORT_SIGNATORY_NAME="Dr. Siti")
    whole = pdfread.text(get_pdf(client, recap_url(city["event"]))).splitlines()
    assert "Kepala Badan Kepegawaian Daerah" in whole and "Dr. Siti" in whole
    one_unit = pdfread.text(get_pdf(client, recap_url(city["event"], unit=city["b"].id))).splitlines()
    assert "Kepala Dinas Kesehatan" in one_unit
    assert "Kepala Badan Kepegawaian Daerah" not in one_unit and "Dr. Siti" not in one_unit
    root = pdfread.text(get_pdf(client, recap_url(city["event"], unit=city["kota"].id))).splitlines()
    assert "Kepala Badan Kepegawaian Daerah" in root  # a government's own recap: the configured signatory


def test_agency_codes_are_never_cut(make_agency, make_employee, make_event, client, super_admin):
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    codes = ["UPTD-SDN-SUKAMAJU-01", "UPTD-SDN-SUKAMAJU-02", "SDN-0001-KECAMATAN-SUKAMAJU-KABUPATEN-X1"]
    for code in codes:
        make_employee(make_agency(code, parent=kota, name=f"Sekolah {code[-2:]}"))
    text = pdfread.text(get_pdf(client, recap_url(make_event())))
    lines = text.splitlines()
    assert "UPTD-SDN-SUKAMAJU-01" in lines and "UPTD-SDN-SUKAMAJU-02" in lines
    assert "…" not in text
    assert codes[2] in "".join(lines)  # too long for one line even in small type: wrapped, every character there
