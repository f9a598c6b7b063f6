"""The certificate ZIP: the live certificates of a unit subtree and a manifest, scoped, audited, streamed."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.certificates import exports
from netralitas.certificates.services import display_code, verify_url
from netralitas.extensions import db
from netralitas.masterdata.models import Category
from tests.certificate_exports import pdfread
from tests.certificate_exports.conftest import HOSTILE_NAME

MANIFEST_HEADER = ["nama", "nip", "nik", "unit", "kode_unit", "kategori", "waktu_tanda_tangan", "kehadiran",
                   "kode_sertifikat", "tautan_verifikasi", "berkas"]


def page_url(event, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/admin/acara/{event.id}/sertifikat" + (f"?{query}" if query else "")


def zip_url(event, **args) -> str:
    return page_url(event, **args).replace("/sertifikat", "/sertifikat.zip", 1)


def read_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return zipfile.ZipFile(io.BytesIO(response.data))


def manifest(archive: zipfile.ZipFile) -> list[dict]:
    text = archive.read("daftar.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.reader(io.StringIO(text[1:], newline=""), delimiter=";")
    assert next(reader) == MANIFEST_HEADER
    return [dict(zip(MANIFEST_HEADER, row, strict=True)) for row in reader]


def qr_of(pdf: bytes) -> str:
    """The one QR code printed in a certificate PDF (grey images that are not QR codes are skipped)."""
    [url] = [text for p in pdfread.placements(pdf) if p.image.mode == "L" for text in pdfread.decode_qr(p.image)]
    return url


def export_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "certificate.export")))


@pytest.fixture
def signed(tree, certify, revoke, make_employee):
    """Certificates in A, A1 and B; a revoked one in A; an employee of A who has not signed."""
    certificates = {
        "a": certify(tree.a, name="Ani Di A"),
        "a1": certify(tree.a1, name=HOSTILE_NAME),
        "b": certify(tree.b, name="Budi Di B"),
        "revoked": revoke(certify(tree.a, name="Cabut Di A")),
    }
    make_employee(tree.a, name="Belum Tanda Tangan")
    return certificates


def test_zip_holds_exactly_the_live_certificates_of_the_subtree_and_a_manifest(client, event, tree, signed, as_staff):
    as_staff(Role.SUPER_ADMIN)
    archive = read_zip(client.get(zip_url(event, unit=tree.a.id)))
    names = archive.namelist()
    assert names[-1] == "daftar.csv"
    pdfs = names[:-1]
    a, a1 = signed["a"], signed["a1"]
    expected = [  # unit code order: BIDANG-A1 before DINAS-A
        f"BIDANG-A1/{a1.signature.employee.nip}-Ni-Luh-Putu-Ayu-Wedari-Nur-aini-script-alert-x-script.pdf",
        f"DINAS-A/{a.signature.employee.nip}-Ani-Di-A.pdf",
    ]
    assert pdfs == expected
    assert [qr_of(archive.read(name)) for name in pdfs] == [verify_url(a1), verify_url(a)]
    assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
    assert archive.testzip() is None
    rows = manifest(archive)
    assert [row["kode_sertifikat"] for row in rows] == [display_code(a1.code), display_code(a.code)]
    assert [row["tautan_verifikasi"] for row in rows] == [verify_url(a1), verify_url(a)]
    assert [row["berkas"] for row in rows] == pdfs
    assert rows[0]["nama"] == HOSTILE_NAME and rows[0]["unit"] == "Bidang A1" and rows[0]["nip"] == a1.signature.employee.nip
    assert rows[1]["kehadiran"] == "jarak jauh" and rows[1]["kategori"] == "PNS"
    assert "Cabut Di A" not in archive.read("daftar.csv").decode() and "Budi Di B" not in archive.read("daftar.csv").decode()


def test_whole_scope_without_a_unit(client, event, tree, signed, as_staff):
    as_staff(Role.OPERATOR)
    archive = read_zip(client.get(zip_url(event)))
    assert len(archive.namelist()) == 4  # A, A1, B and the manifest; never the revoked one
    assert {name.split("/")[0] for name in archive.namelist()[:-1]} == {"BIDANG-A1", "DINAS-A", "DINAS-B"}


def test_agency_admin_gets_only_their_subtree(client, event, tree, signed, as_staff):
    as_staff(Role.AGENCY_ADMIN)  # of agency A
    assert client.get(zip_url(event, unit=tree.b.id)).status_code == 404
    assert client.get(page_url(event, unit=tree.b.id)).status_code == 404
    assert client.get(zip_url(event, unit=tree.government.id)).status_code == 404
    archive = read_zip(client.get(zip_url(event)))
    text = archive.read("daftar.csv").decode()
    assert len(archive.namelist()) == 3 and "Budi Di B" not in text and "DINAS-B" not in text
    assert [qr_of(archive.read(name)) for name in archive.namelist()[:-1]] == [
        verify_url(signed["a1"]), verify_url(signed["a"])]
    assert len(read_zip(client.get(zip_url(event, unit=tree.a1.id))).namelist()) == 2
    assert export_entries()[-1].data_json.count('"unit":"BIDANG-A1"') == 1


@pytest.mark.parametrize("scoped", [True, False])
def test_viewers_may_not_export(client, event, tree, signed, as_staff, scoped):
    as_staff(Role.VIEWER, agency=tree.a if scoped else None)
    assert client.get(page_url(event)).status_code == 403
    assert client.get(zip_url(event)).status_code == 403
    assert client.get(zip_url(event, unit=tree.a.id)).status_code == 403
    assert export_entries() == []


def test_export_is_audited(client, event, tree, signed, as_staff):
    staff = as_staff(Role.AGENCY_ADMIN)
    read_zip(client.get(zip_url(event)))
    [entry] = export_entries()
    assert entry.actor_staff_id == staff.id
    assert entry.target_type == "event" and entry.target_id == str(event.id)
    assert '"count":2' in entry.data_json and '"unit":null' in entry.data_json and '"format":"zip"' in entry.data_json
    assert f'"event":"{event.slug}"' in entry.data_json


def test_response_is_streamed_and_not_cached(client, event, tree, signed, as_staff):
    as_staff(Role.SUPER_ADMIN)
    response = client.get(zip_url(event, unit=tree.a.id))
    assert response.is_streamed
    assert response.mimetype == "application/zip"
    assert response.headers["X-Certificate-Count"] == "2"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Length" not in response.headers
    assert response.headers["Content-Disposition"] == f'attachment; filename="sertifikat-{event.slug}-DINAS-A.zip"'
    assert len(read_zip(response).namelist()) == 3


def test_stream_yields_one_chunk_per_certificate(app, event, tree, signed):
    ids = [signed["a1"].id, signed["a"].id, signed["b"].id]
    chunks = list(exports.zip_stream(app, ids, app.config["PUBLIC_BASE_URL"]))
    assert len(chunks) == 4  # three certificates, then the manifest and the central directory
    assert all(chunk.startswith(b"PK\x03\x04") for chunk in chunks)
    assert all(len(chunk) < 200_000 for chunk in chunks)
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(chunks))).namelist()) == 4


def test_a_certificate_revoked_after_counting_is_left_out(app, event, tree, signed, revoke):
    ids = [signed["a"].id, signed["b"].id]
    revoke(signed["b"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(exports.zip_stream(app, ids, app.config["PUBLIC_BASE_URL"]))))
    assert len(archive.namelist()) == 2 and "Budi Di B" not in archive.read("daftar.csv").decode()


def test_manifest_is_safe_against_spreadsheet_formulas(client, event, tree, certify, as_staff):
    certify(tree.a, name="=HYPERLINK(\"http://jahat.example\",\"klik\")", typed_name="HYPERLINK http jahat example klik")
    certify(tree.a, name="@SUM(A1)", typed_name="SUM A1", category=Category.KONTRAK)
    as_staff(Role.SUPER_ADMIN)
    rows = manifest(read_zip(client.get(zip_url(event))))
    names = sorted(row["nama"] for row in rows)
    assert names == ["'=HYPERLINK(\"http://jahat.example\",\"klik\")", "'@SUM(A1)"]
    assert all(not row[column].startswith(("=", "+", "-", "@")) for row in rows for column in MANIFEST_HEADER)


def test_page_counts_live_certificates_and_offers_the_download(client, event, tree, signed, as_staff):
    as_staff(Role.AGENCY_ADMIN)
    body = client.get(page_url(event)).get_data(as_text=True)
    assert 'id="certificate-count">2<' in body
    assert f'href="/admin/acara/{event.id}/sertifikat.zip"' in body
    assert "js/certificate_export.js" in body and "<script>" not in body.split("<main")[1]
    body = client.get(page_url(event, unit=tree.a1.id)).get_data(as_text=True)
    assert 'id="certificate-count">1<' in body and f"sertifikat.zip?unit={tree.a1.id}" in body
    assert export_entries() == []  # looking is not exporting


def test_empty_selection_has_no_button_and_an_empty_zip(client, event, tree, as_staff):
    as_staff(Role.SUPER_ADMIN)
    body = client.get(page_url(event)).get_data(as_text=True)
    assert 'id="certificate-count">0<' in body and "sertifikat.zip" not in body
    archive = read_zip(client.get(zip_url(event)))
    assert archive.namelist() == ["daftar.csv"] and manifest(archive) == []


def test_too_many_certificates_are_refused(client, event, tree, signed, as_staff, monkeypatch):
    monkeypatch.setattr(exports, "MAX_CERTIFICATES_PER_ZIP", 2)
    as_staff(Role.SUPER_ADMIN)
    response = client.get(zip_url(event))
    assert response.status_code == 302 and response.headers["Location"].endswith(page_url(event))
    assert "Terlalu banyak sertifikat" in client.get(page_url(event)).get_data(as_text=True)
    assert export_entries() == []
    assert len(read_zip(client.get(zip_url(event, unit=tree.a.id))).namelist()) == 3


@pytest.mark.parametrize(("unit", "number", "name", "expected"), [
    ("MKS.DISDIK.SD01", "198504122010032007", "Siti Rahayu", "MKS.DISDIK.SD01/198504122010032007-Siti-Rahayu.pdf"),
    ("../..", "3273015204850012", "../../etc/passwd", "unit/3273015204850012-etc-passwd.pdf"),
    ("A/B\\C", "1", "Ni Luh Wédari Nur'aini", "A-B-C/1-Ni-Luh-Wedari-Nur-aini.pdf"),
    ("X", "2", "<script>", "X/2-script.pdf"),
    ("X", "3", "Иванова", "X/3-tanpa-nama.pdf"),
])
def test_zip_paths_are_safe(unit, number, name, expected):
    assert exports.zip_path(unit, number, name) == expected
