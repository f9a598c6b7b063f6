"""Import screens: upload → preview → confirm through the test client, tokens per staff member, roles."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.db import utcnow
from netralitas.extensions import db
from netralitas.masterdata.imports import views as import_views
from netralitas.masterdata.models import Employee, PendingImport

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def admin(make_staff, login_as):
    staff = make_staff(Role.SUPER_ADMIN)
    login_as(staff)
    return staff


def upload(client, content: bytes, filename: str = "pegawai.csv", kind: str = "employees"):
    return client.post(f"/admin/impor/{kind}/unggah", data={f"{kind}-file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    match = re.fullmatch(r"/admin/impor/pratinjau/([\w-]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def employee_names() -> list[str]:
    return list(db.session.scalars(sa.select(Employee.name).order_by(Employee.name)))


def pending_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PendingImport))


def test_index_offers_both_uploads_and_the_templates(client, admin):
    html = client.get("/admin/impor/").get_data(as_text=True)
    for kind in ("agencies", "employees"):
        assert f'action="/admin/impor/{kind}/unggah"' in html
        assert f'href="/admin/impor/templat/{kind}.xlsx"' in html
        assert f'href="/admin/impor/templat/{kind}.csv"' in html
    assert "kode_induk" in html and "tanggal_lahir" in html
    assert "style=" not in html and "<script>" not in html


@pytest.mark.parametrize(("kind", "file_format", "magic"), [
    ("agencies", "csv", b"\xef\xbb\xbfkode,nama,kode_induk,jenis\r\n"),
    ("employees", "csv", b"\xef\xbb\xbfnama,nip,nik,kategori,kode_unit,"),
    ("employees", "xlsx", b"PK\x03\x04"),
])
def test_template_downloads(client, admin, kind, file_format, magic):
    response = client.get(f"/admin/impor/templat/{kind}.{file_format}")
    assert response.status_code == 200
    assert response.data.startswith(magic)
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith(f".{file_format}")


def test_upload_preview_confirm_flow(client, admin, city_units, import_files):
    response = upload(client, import_files.csv([import_files.pns(1), import_files.pns(2)]))
    assert response.status_code == 302
    token = token_of(response)
    pending = db.session.scalar(sa.select(PendingImport))
    assert (pending.token, pending.staff_id, pending.kind, pending.filename) == (token, admin.id, "employees", "pegawai.csv")
    assert len(token) >= 40

    html = client.get(f"/admin/impor/pratinjau/{token}").get_data(as_text=True)
    assert "Pratinjau impor pegawai" in html
    assert "Semua baris valid" in html
    assert f'value="{token}"' in html
    assert employee_names() == []

    response = client.post("/admin/impor/konfirmasi", data={"token": token, "submit": "Impor sekarang"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Impor selesai: 2 dibuat, 0 diubah, 0 tidak berubah, 0 baris dilewati." in html
    assert employee_names() == ["Pegawai Impor 1", "Pegawai Impor 2"]
    assert pending_count() == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "import.employees"))
    assert entry.actor_staff_id == admin.id
    assert client.get(f"/admin/impor/pratinjau/{token}").status_code == 404  # used up


def test_agency_upload_flow(client, admin):
    token = token_of(upload(client, b"kode;nama;kode_induk;jenis\nPEMKOT;Pemkot;;PEMERINTAH\n", "opd.csv", "agencies"))
    assert "Pratinjau impor perangkat daerah" in client.get(f"/admin/impor/pratinjau/{token}").get_data(as_text=True)
    client.post("/admin/impor/konfirmasi", data={"token": token, "submit": "x"})
    assert client.get("/admin/perangkat-daerah").get_data(as_text=True).count("PEMKOT") >= 1


def test_preview_lists_bad_rows_and_refuses_without_the_checkbox(client, admin, city_units, import_files):
    rows = [import_files.pns(1), import_files.pns(2, kategori="HONORER")]
    token = token_of(upload(client, import_files.csv(rows)))
    html = client.get(f"/admin/impor/pratinjau/{token}").get_data(as_text=True)
    assert "Kategori &#39;HONORER&#39; tidak dikenal" in html
    assert "Impor hanya baris yang valid" in html
    assert "<td>3</td>" in html

    response = client.post("/admin/impor/konfirmasi", data={"token": token, "submit": "x"}, follow_redirects=True)
    assert "Impor ditolak: 1 baris bermasalah" in response.get_data(as_text=True)
    assert employee_names() == []
    assert pending_count() == 1

    response = client.post("/admin/impor/konfirmasi", data={"token": token, "only_valid": "y", "submit": "x"},
                           follow_redirects=True)
    assert "1 dibuat" in response.get_data(as_text=True)
    assert employee_names() == ["Pegawai Impor 1"]


def test_preview_caps_the_error_list(client, admin, city_units, import_files, monkeypatch):
    monkeypatch.setattr(import_views, "ROWS_SHOWN", 2)
    rows = [import_files.pns(n, kode_unit="NOPE") for n in range(1, 6)]
    html = client.get(f"/admin/impor/pratinjau/{token_of(upload(client, import_files.csv(rows)))}").get_data(as_text=True)
    assert html.count("Kode unit NOPE tidak ditemukan") == 2
    assert "dan 3 lainnya" in html


def test_cancel_deletes_the_upload(client, admin, city_units, import_files):
    token = token_of(upload(client, import_files.csv([import_files.pns(1)])))
    response = client.post("/admin/impor/konfirmasi", data={"token": token, "cancel": "x"}, follow_redirects=True)
    assert "Impor dibatalkan" in response.get_data(as_text=True)
    assert pending_count() == 0 and employee_names() == []


def test_unreadable_upload_gets_a_message_not_a_500(client, admin):
    token = token_of(upload(client, "nama;nip\nJos\xe9;1\n".encode("latin-1")))
    response = client.get(f"/admin/impor/pratinjau/{token}", follow_redirects=True)
    assert response.status_code == 200
    assert "bukan teks UTF-8" in response.get_data(as_text=True)
    assert pending_count() == 0


def test_upload_without_a_file(client, admin):
    response = client.post("/admin/impor/employees/unggah", data={}, follow_redirects=True)
    assert "Pilih berkas terlebih dahulu." in response.get_data(as_text=True)
    assert pending_count() == 0


def test_oversized_upload_gets_the_413_page(app, client, admin):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(client, b"nama,nip\n" + b"x,1\n" * 1000)
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_another_staff_member_cannot_use_the_token(app, client, admin, make_staff, login_as, city_units, import_files):
    token = token_of(upload(client, import_files.csv([import_files.pns(1)])))
    other = make_staff(Role.SUPER_ADMIN)
    other_client = app.test_client()
    other_client.post("/masuk", data={"email": other.email, "password": "rahasia-123456"})
    assert other_client.get(f"/admin/impor/pratinjau/{token}").status_code == 404
    assert other_client.post("/admin/impor/konfirmasi", data={"token": token, "submit": "x"}).status_code == 404
    assert other_client.post("/admin/impor/konfirmasi", data={"token": token, "cancel": "x"}).status_code == 404
    assert employee_names() == [] and pending_count() == 1


def test_old_uploads_expire_and_are_purged_by_the_next_upload(client, admin, city_units, import_files):
    token = token_of(upload(client, import_files.csv([import_files.pns(1)])))
    db.session.execute(sa.update(PendingImport).values(created_dt=utcnow() - timedelta(days=1, minutes=1)))
    db.session.commit()
    assert client.get(f"/admin/impor/pratinjau/{token}").status_code == 404
    fresh = token_of(upload(client, import_files.csv([import_files.pns(2)])))
    assert list(db.session.scalars(sa.select(PendingImport.token))) == [fresh]


ROUTES = [
    ("get", "/admin/impor/"),
    ("post", "/admin/impor/employees/unggah"),
    ("post", "/admin/impor/agencies/unggah"),
    ("get", "/admin/impor/pratinjau/some-token"),
    ("post", "/admin/impor/konfirmasi"),
    ("get", "/admin/impor/templat/employees.csv"),
    ("get", "/admin/impor/templat/agencies.xlsx"),
]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AGENCY_ADMIN, Role.VIEWER])
def test_only_super_admins_reach_any_import_route(client, make_staff, make_agency, login_as, role):
    login_as(make_staff(role, agency=make_agency() if role != Role.OPERATOR else None))
    for method, url in ROUTES:
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_login(client):
    for method, url in ROUTES:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"], url


def test_every_import_endpoint_is_super_admin_only(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("imports.")}
    assert endpoints == {"imports.index", "imports.upload", "imports.preview", "imports.confirm", "imports.template"}
    for endpoint in endpoints:
        assert app.view_functions[endpoint].allowed_roles == (Role.SUPER_ADMIN,)


def test_a_database_conflict_during_confirm_keeps_nothing(client, admin, city_units, import_files, monkeypatch):
    from netralitas.masterdata.imports import importer

    token = token_of(upload(client, import_files.csv([import_files.pns(1)])))

    def racing_import(*args, **kwargs):
        db.session.add(Employee(name="Setengah", name_search="setengah", category="KONTRAK",
                                nik="3273010101800001", agency_id=city_units["DISDIK"].id))
        db.session.flush()
        raise sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr(importer, "run_import", racing_import)
    response = client.post("/admin/impor/konfirmasi", data={"token": token, "submit": "x"}, follow_redirects=True)
    assert "data berubah saat impor" in response.get_data(as_text=True)
    assert employee_names() == [] and pending_count() == 1
