"""Completion exports: the status list and the completion table as XLSX and CSV (content, formula safety, scope,
roles, audit), and the export buttons partial."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa
from flask import render_template
from flask_login import login_user

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.certificates.services import display_code
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind, Category

pytestmark = pytest.mark.usefixtures("fast_passwords")

#: Names a spreadsheet would run as formulas if written as they are.
HOSTILE = ['=HYPERLINK("http://contoh.test/x","klik")', "+1 Budi", "-2 Sari", "@SUM(A1:A9)", "\t=1+1",
           " =CMD|' /C calc'!A0"]
STATUS_HEADER = ["Kode unit", "Unit kerja", "Nama", "NIP", "NIK", "Kategori", "Status", "Waktu tanda tangan (WIB)",
                 "Kehadiran", "Kode sertifikat"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def city(make_agency, make_employee, make_event, sign_for):
    """KOTA > DINAS-A > BIDANG-A1, KOTA > DINAS-B; hostile names in A and A1; some signatures."""
    kota = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    a = make_agency("DINAS-A", parent=kota, name="Dinas A")
    a1 = make_agency("BIDANG-A1", parent=a, name="=Bidang A1", kind=AgencyKind.UNIT)
    b = make_agency("DINAS-B", parent=kota, name="Dinas B")
    event = make_event(name="Deklarasi Uji Ekspor", slug="uji-ekspor")
    people = {
        "a_signed": make_employee(a, name=HOSTILE[0]),
        "a_unsigned": make_employee(a, name=HOSTILE[1], category=Category.KONTRAK),
        "a1_signed": make_employee(a1, name=HOSTILE[2], category=Category.PPPK),
        "a1_unsigned": make_employee(a1, name=HOSTILE[3]),
        "a1_wedari": make_employee(a1, name="Ni Luh Putu Ayu Wédari"),
        "a1_tab": make_employee(a1, name=HOSTILE[4], category=Category.KONTRAK),
        "b_signed": make_employee(b, name="Pegawai Di B"),
        "b_unsigned": make_employee(b, name=HOSTILE[5]),
    }
    signatures = {
        "a_signed": sign_for(event, people["a_signed"], attended=True),
        "a1_signed": sign_for(event, people["a1_signed"]),
        "a1_wedari": sign_for(event, people["a1_wedari"], attended=True),
        "b_signed": sign_for(event, people["b_signed"]),
    }
    return {"kota": kota, "a": a, "a1": a1, "b": b, "event": event, "people": people, "signatures": signatures}


@pytest.fixture
def signed_in(client, login_as, make_staff):
    """Sign the client in as a new staff member of a role (scoped ones to the given agency)."""

    def sign_in(role: Role, agency=None):
        staff = make_staff(role, agency=agency)
        login_as(staff)
        return staff

    return sign_in


def status_url(city, fmt: str, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/admin/acara/{city['event'].id}/rekap/pegawai.{fmt}" + (f"?{query}" if query else "")


def table_url(city, fmt: str, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/admin/acara/{city['event'].id}/rekap/tabel.{fmt}" + (f"?{query}" if query else "")


def read_xlsx(response) -> dict[str, list[list]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = response.get_data()
    assert response.content_length == len(data)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)  # never a formula
        sheets[sheet.title] = [list(row) for row in sheet.iter_rows(values_only=True)]
    return sheets


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def assert_formula_safe(rows) -> None:
    for row in rows:
        for value in row:
            if isinstance(value, str):
                assert not value.startswith(FORMULA_STARTS), value
                assert not value.lstrip().startswith(FORMULA_STARTS[:4]), value


def by_name(rows) -> dict[str, list]:
    return {row[2]: row for row in rows[1:]}


def local(moment):
    return moment.astimezone(ZoneInfo("Asia/Jakarta")).replace(tzinfo=None, microsecond=0)


# --- the per-employee status list ------------------------------------------------------------------------------

def test_status_xlsx_lists_everyone_in_scope_with_status_time_and_certificate(city, client, signed_in):
    signed_in(Role.SUPER_ADMIN)
    rows = read_xlsx(client.get(status_url(city, "xlsx")))["Status pegawai"]
    assert rows[0] == STATUS_HEADER
    assert len(rows) == 1 + 8
    named = by_name(rows)
    signature = city["signatures"]["a_signed"]
    employee = city["people"]["a_signed"]
    assert named["'" + HOSTILE[0]] == [
        "DINAS-A", "Dinas A", "'" + HOSTILE[0], employee.nip, employee.nik, "PNS", "Sudah", local(signature.signed_dt),
        "Hadir", display_code(signature.certificate.code)]
    assert named["'" + HOSTILE[2]][6:9] == ["Sudah", local(city["signatures"]["a1_signed"].signed_dt), "Jarak jauh"]
    assert named["'" + HOSTILE[2]][1] == "'=Bidang A1"
    unsigned = named["'" + HOSTILE[1]]
    assert unsigned[5:] == ["KONTRAK", "Belum", None, None, None]
    assert unsigned[3] is None and unsigned[4] == city["people"]["a_unsigned"].nik  # a non-PNS has no NIP
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])  # by unit code, as the drill-down
    assert_formula_safe(rows)


def test_status_csv_is_streamed_formula_safe_and_local_time(city, client, signed_in):
    signed_in(Role.OPERATOR)
    response = client.get(status_url(city, "csv"))
    assert response.is_streamed
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert rows[0] == STATUS_HEADER
    named = by_name(rows)
    assert set(named) == {"'" + name for name in HOSTILE} | {"Ni Luh Putu Ayu Wédari", "Pegawai Di B"}
    signature = city["signatures"]["a1_wedari"]
    assert named["Ni Luh Putu Ayu Wédari"][6:] == [
        "Sudah", local(signature.signed_dt).strftime("%Y-%m-%d %H:%M:%S"), "Hadir",
        display_code(signature.certificate.code)]
    assert named["'" + HOSTILE[4]][6:] == ["Belum", "", "", ""]
    assert_formula_safe(rows)


def test_status_filters_follow_the_drill_down(city, client, signed_in):
    signed_in(Role.SUPER_ADMIN)
    response = client.get(status_url(city, "csv", status="belum", kategori="KONTRAK"))
    assert "-belum-" in response.headers["Content-Disposition"]
    assert sorted(row[2] for row in read_csv(response)[1:]) == sorted("'" + HOSTILE[i] for i in (1, 4))
    rows = read_xlsx(client.get(status_url(city, "xlsx", status="sudah", q="wédari")))["Status pegawai"]
    assert [row[2] for row in rows[1:]] == ["Ni Luh Putu Ayu Wédari"]
    everyone = read_csv(client.get(status_url(city, "csv", status="nonsense")))  # unknown filters are ignored
    assert len(everyone) == 1 + 8


def test_agency_admin_exports_only_their_subtree(city, client, signed_in):
    signed_in(Role.AGENCY_ADMIN, agency=city["a"])
    rows = read_csv(client.get(status_url(city, "csv")))
    assert {row[0] for row in rows[1:]} == {"DINAS-A", "BIDANG-A1"}
    assert len(rows) == 1 + 6
    narrowed = read_xlsx(client.get(status_url(city, "xlsx", unit=city["a1"].id)))["Status pegawai"]
    assert {row[0] for row in narrowed[1:]} == {"BIDANG-A1"}
    for fmt in ("csv", "xlsx"):
        assert client.get(status_url(city, fmt, unit=city["b"].id)).status_code == 404
        assert client.get(status_url(city, fmt, unit=city["kota"].id)).status_code == 404
        assert client.get(table_url(city, fmt, unit=city["b"].id)).status_code == 404
    table = read_csv(client.get(table_url(city, "csv")))
    codes = [row[0] for row in table if row]
    assert "DINAS-B" not in codes and "KOTA" not in codes
    assert "Pegawai Di B" not in client.get(status_url(city, "csv")).get_data(as_text=True)


def test_viewers_never_get_personal_data(city, client, signed_in):
    signed_in(Role.VIEWER)
    for fmt in ("csv", "xlsx"):
        assert client.get(status_url(city, fmt)).status_code == 403
        assert client.get(status_url(city, fmt, unit=city["a"].id)).status_code == 403
        assert client.get(table_url(city, fmt)).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "report.status_export")) == 0


def test_scoped_viewer_gets_the_table_of_their_subtree_only(city, client, signed_in):
    signed_in(Role.VIEWER, agency=city["a1"])
    rows = read_xlsx(client.get(table_url(city, "xlsx")))["Per unit"]
    assert [row[0] for row in rows[1:-1]] == ["BIDANG-A1"]
    assert rows[1][2] is None  # the parent (DINAS-A) is outside this viewer's tree: not named
    assert client.get(table_url(city, "xlsx", unit=city["a"].id)).status_code == 404


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_every_status_export_is_audited_with_its_scope_and_row_count(city, client, signed_in):
    admin = signed_in(Role.AGENCY_ADMIN, agency=city["a"])
    client.get(status_url(city, "csv", unit=city["a1"].id)).get_data()
    client.get(status_url(city, "xlsx", status="belum")).get_data()
    first, second = _audit("report.status_export")
    assert first.actor_staff_id == admin.id and first.target_id == str(city["event"].id)
    assert json.loads(first.data_json) == {"event": "uji-ekspor", "scope": "BIDANG-A1", "format": "csv", "count": 4,
                                           "status": None, "category": None, "search": None}
    assert json.loads(second.data_json)["scope"] == "DINAS-A"  # no ?unit=: the account's own subtree
    assert (json.loads(second.data_json)["count"], json.loads(second.data_json)["status"]) == (3, "belum")
    assert "lingkup BIDANG-A1" in first.summary


def test_super_admin_export_scope_is_semua(city, client, signed_in):
    signed_in(Role.SUPER_ADMIN)
    client.get(status_url(city, "xlsx")).get_data()
    client.get(table_url(city, "csv")).get_data()
    (status,) = _audit("report.status_export")
    assert (json.loads(status.data_json)["scope"], json.loads(status.data_json)["count"]) == ("semua", 8)
    (table,) = _audit("report.completion_export")
    assert json.loads(table.data_json)["scope"] == "semua"


def test_file_names_carry_event_unit_and_date(city, client, signed_in):
    signed_in(Role.SUPER_ADMIN)
    today = utcnow().astimezone(ZoneInfo("Asia/Jakarta")).strftime("%Y%m%d")
    disposition = client.get(status_url(city, "xlsx", unit=city["a"].id)).headers["Content-Disposition"]
    assert f"filename=status-uji-ekspor-DINAS-A-{today}.xlsx" in disposition
    disposition = client.get(table_url(city, "csv")).headers["Content-Disposition"]
    assert f"filename=rekap-uji-ekspor-semua-{today}.csv" in disposition


# --- the completion table --------------------------------------------------------------------------------------

def test_completion_xlsx_has_summary_tree_and_categories(city, client, signed_in):
    signed_in(Role.OPERATOR)
    sheets = read_xlsx(client.get(table_url(city, "xlsx")))
    assert list(sheets) == ["Ringkasan", "Per unit", "Per kategori"]
    tree = sheets["Per unit"]
    assert tree[0] == ["Kode unit", "Nama unit", "Kode induk", "Tingkat", "Wajib", "Sudah", "Belum", "Persentase (%)",
                       "Hadir", "Jarak jauh"]
    assert tree[1:] == [
        ["KOTA", "Pemerintah Kota Uji", None, 0, 8, 4, 4, 50.0, 2, 2],
        ["DINAS-A", "Dinas A", "KOTA", 1, 6, 3, 3, 50.0, 2, 1],
        ["BIDANG-A1", "'=Bidang A1", "DINAS-A", 2, 4, 2, 2, 50.0, 1, 1],
        ["DINAS-B", "Dinas B", "KOTA", 1, 2, 1, 1, 50.0, 0, 1],
        [None, "JUMLAH", None, None, 8, 4, 4, 50.0, 2, 2],
    ]
    categories = {row[0]: row[1:] for row in sheets["Per kategori"][1:]}
    assert categories["PNS"] == [5, 3, 2, 60.0, 2, 1]
    assert categories["PPPK"] == [1, 1, 0, 100.0, 0, 1]
    assert categories["KONTRAK"] == [2, 0, 2, 0.0, 0, 0]
    assert categories["JUMLAH"] == [8, 4, 4, 50.0, 2, 2]
    summary = dict(row for row in sheets["Ringkasan"][1:])
    assert (summary["Acara"], summary["Lingkup"], summary["Wajib"], summary["Sudah"]) == (
        "Deklarasi Uji Ekspor", "Semua perangkat daerah", 8, 4)


def test_completion_csv_has_two_sections_with_decimal_comma(city, client, signed_in):
    signed_in(Role.VIEWER)
    rows = read_csv(client.get(table_url(city, "csv", unit=city["a"].id)))
    assert rows[0][:4] == ["Kode unit", "Nama unit", "Kode induk", "Tingkat"]
    # The top of the exported tree names no parent, even one the caller may see: the file is that subtree.
    assert rows[1] == ["DINAS-A", "Dinas A", "", "1", "6", "3", "3", "50,0", "2", "1"]
    assert rows[2][:2] == ["BIDANG-A1", "'=Bidang A1"]
    assert rows[3] == ["", "JUMLAH", "", "", "6", "3", "3", "50,0", "2", "1"]
    assert rows[4] == []
    assert rows[5][0] == "Kategori"
    categories = {row[0]: row[1:] for row in rows[6:]}
    assert categories["KONTRAK"] == ["2", "0", "2", "0,0", "0", "0"]
    assert categories["JUMLAH"][0] == "6"
    assert_formula_safe(rows)


# --- the buttons partial -------------------------------------------------------------------------------------------

def _buttons(app, staff, **context) -> str:
    with app.test_request_context("/"):
        login_user(staff)
        return render_template("reports/_export_buttons.html", **context)


def test_export_buttons_hide_personal_exports_from_viewers(app, city, make_staff):
    event, unit = city["event"], city["a"]
    viewer = _buttons(app, make_staff(Role.VIEWER), event=event, unit=unit)
    assert f"/admin/acara/{event.id}/rekap/rekapitulasi.pdf?unit={unit.id}" in viewer
    assert f"/admin/acara/{event.id}/rekap/tabel.xlsx?unit={unit.id}" in viewer
    assert "pegawai." not in viewer
    admin = _buttons(app, make_staff(Role.AGENCY_ADMIN, agency=unit), event=event, unit=unit)
    assert f"/admin/acara/{event.id}/rekap/pegawai.xlsx?unit={unit.id}" in admin
    assert "status=belum" in admin
    everything = _buttons(app, make_staff(Role.OPERATOR), event=event)
    assert f'href="/admin/acara/{event.id}/rekap/tabel.csv"' in everything
    drill_down = _buttons(app, make_staff(Role.OPERATOR), event=event, agency=city["a1"])  # the drill-down's name
    assert f"/admin/acara/{event.id}/rekap/pegawai.csv?unit={city['a1'].id}" in drill_down


def test_export_buttons_carry_the_drill_down_filters(app, city, make_staff):
    from netralitas.reports.statuses import SignStatus

    html = _buttons(app, make_staff(Role.SUPER_ADMIN), event=city["event"], status=SignStatus.UNSIGNED,
                    category=Category.PPPK, q="sari")
    assert "pegawai.csv?status=belum&amp;kategori=PPPK&amp;q=sari" in html


def test_signing_times_are_local(city, client, signed_in):
    """The XLSX time is the wall clock in WIB (UTC+7), not UTC."""
    signed_in(Role.SUPER_ADMIN)
    rows = read_xlsx(client.get(status_url(city, "xlsx")))["Status pegawai"]
    signature = city["signatures"]["b_signed"]
    (row,) = [r for r in rows[1:] if r[2] == "Pegawai Di B"]
    utc_naive = signature.signed_dt.replace(tzinfo=None, microsecond=0)
    assert row[7] - utc_naive == timedelta(hours=7)
