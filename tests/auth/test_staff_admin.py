"""The super admin's staff screens and the create-admin command."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role, Staff
from netralitas.extensions import db

pytestmark = pytest.mark.usefixtures("fast_passwords")
PASSWORD = "rahasia-123456"  # what conftest's make_staff gives every account

DUPLICATE = "sudah dipakai akun lain."
NEEDS_AGENCY = "Admin perangkat daerah harus punya lingkup perangkat daerah."
SELF_CHANGE = "Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri."
NEW_PASSWORD = "sandi-staf-baru-1"


@pytest.fixture
def admin(make_staff, login_as):
    """A signed-in super admin."""
    staff = make_staff(Role.SUPER_ADMIN, email="root@contoh.go.id")
    login_as(staff)
    return staff


def staff_form(**overrides) -> dict:
    data = {"email": "baru@contoh.go.id", "name": "Petugas Baru", "role": "viewer", "agency_id": "0",
            "password": NEW_PASSWORD, "is_active": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def staff_by_email(email: str) -> Staff | None:
    return db.session.scalar(sa.select(Staff).where(Staff.email == email))


def staff_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Staff))


def test_create_staff(client, admin, make_agency):
    agency = make_agency()
    response = client.post("/admin/staf/baru", data=staff_form(
        email=" Admin.Dinas@Contoh.go.id ", name="Admin Dinas", role="agency_admin", agency_id=str(agency.id)))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/staf"
    staff = staff_by_email("admin.dinas@contoh.go.id")
    assert staff is not None
    assert (staff.name, staff.role, staff.agency_id, staff.is_active_account) == (
        "Admin Dinas", Role.AGENCY_ADMIN, agency.id, True)
    assert staff.check_password(NEW_PASSWORD)
    assert staff.is_scoped
    listing = client.get("/admin/staf").get_data(as_text=True)
    assert "admin.dinas@contoh.go.id" in listing
    assert agency.name in listing
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "staff.create"))
    assert entry.actor_staff_id == admin.id
    assert entry.target_id == str(staff.id)
    assert NEW_PASSWORD not in entry.data_json


def test_create_staff_requires_a_password(client, admin):
    response = client.post("/admin/staf/baru", data=staff_form(password=""))
    assert "Kata sandi wajib diisi untuk akun baru." in response.get_data(as_text=True)
    assert staff_by_email("baru@contoh.go.id") is None


def test_create_staff_rejects_a_short_password(client, admin):
    response = client.post("/admin/staf/baru", data=staff_form(password="pendek"))
    assert "Minimal 10 karakter." in response.get_data(as_text=True)
    assert staff_by_email("baru@contoh.go.id") is None


def test_create_staff_rejects_a_bad_email(client, admin):
    response = client.post("/admin/staf/baru", data=staff_form(email="bukan-email"))
    assert "Format email tidak valid." in response.get_data(as_text=True)
    assert staff_count() == 1


def test_create_staff_with_a_duplicate_email(client, admin, make_staff):
    make_staff(Role.VIEWER, email="ada@contoh.go.id")
    response = client.post("/admin/staf/baru", data=staff_form(email="ADA@contoh.go.id"))
    assert response.status_code == 200
    assert "Email ada@contoh.go.id " + DUPLICATE in response.get_data(as_text=True)
    assert staff_count() == 2


def test_agency_admin_needs_an_agency(client, admin):
    response = client.post("/admin/staf/baru", data=staff_form(role="agency_admin", agency_id="0"))
    assert response.status_code == 200
    assert NEEDS_AGENCY in response.get_data(as_text=True)
    assert staff_by_email("baru@contoh.go.id") is None


def test_unscoped_roles_do_not_keep_an_agency(client, admin, make_agency):
    """An operator or super admin sees everything; storing an agency would show a scope that is not enforced."""
    agency = make_agency()
    for n, role in enumerate(("operator", "super_admin")):
        email = f"tanpa-lingkup{n}@contoh.go.id"
        response = client.post("/admin/staf/baru", data=staff_form(email=email, role=role, agency_id=str(agency.id)))
        assert response.status_code == 302
        assert staff_by_email(email).agency_id is None


def test_scoped_viewer_keeps_its_agency(client, admin, make_agency):
    agency = make_agency()
    client.post("/admin/staf/baru", data=staff_form(role="viewer", agency_id=str(agency.id)))
    staff = staff_by_email("baru@contoh.go.id")
    assert staff.agency_id == agency.id
    assert staff.is_scoped


def test_edit_form_shows_the_account(client, admin, make_staff, make_agency):
    agency = make_agency()
    staff = make_staff(Role.AGENCY_ADMIN, agency=agency, email="lihat@contoh.go.id")
    body = client.get(f"/admin/staf/{staff.id}").get_data(as_text=True)
    assert 'value="lihat@contoh.go.id"' in body
    assert f'<option selected value="{agency.id}">' in body
    assert '<option selected value="agency_admin">' in body


def test_edit_staff(client, admin, make_staff, make_agency):
    agency = make_agency()
    staff = make_staff(Role.VIEWER, email="lama@contoh.go.id")
    response = client.post(f"/admin/staf/{staff.id}", data=staff_form(
        email="Baru.Nama@contoh.go.id", name="Nama Baru", role="agency_admin", agency_id=str(agency.id), password=""))
    assert response.status_code == 302
    staff = db.session.get(Staff, staff.id)
    assert (staff.email, staff.name, staff.role, staff.agency_id) == (
        "baru.nama@contoh.go.id", "Nama Baru", Role.AGENCY_ADMIN, agency.id)
    assert staff.check_password(PASSWORD)  # a blank password field keeps the old one
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "staff.update"))
    assert entry.target_id == str(staff.id)


def test_edit_staff_sets_a_new_password(client, admin, make_staff):
    staff = make_staff(Role.VIEWER)
    client.post(f"/admin/staf/{staff.id}", data=staff_form(email=staff.email, password=NEW_PASSWORD))
    staff = db.session.get(Staff, staff.id)
    assert staff.check_password(NEW_PASSWORD)
    assert not staff.check_password(PASSWORD)


def test_edit_staff_to_an_agency_admin_without_agency(client, admin, make_staff):
    staff = make_staff(Role.VIEWER)
    response = client.post(f"/admin/staf/{staff.id}", data=staff_form(
        email=staff.email, role="agency_admin", agency_id="0", password=""))
    assert NEEDS_AGENCY in response.get_data(as_text=True)
    assert db.session.get(Staff, staff.id).role == Role.VIEWER


def test_edit_staff_to_a_duplicate_email(client, admin, make_staff):
    make_staff(Role.VIEWER, email="pertama@contoh.go.id")
    second = make_staff(Role.VIEWER, email="kedua@contoh.go.id")
    response = client.post(f"/admin/staf/{second.id}", data=staff_form(email="Pertama@contoh.go.id", password=""))
    assert DUPLICATE in response.get_data(as_text=True)
    assert db.session.get(Staff, second.id).email == "kedua@contoh.go.id"


def test_deactivate_staff(app, client, admin, make_staff):
    staff = make_staff(Role.OPERATOR)
    other_client = app.test_client()
    assert other_client.post("/masuk", data={"email": staff.email, "password": PASSWORD}).status_code == 302
    response = client.post(f"/admin/staf/{staff.id}", data=staff_form(
        email=staff.email, role="operator", password="", is_active=None))
    assert response.status_code == 302
    assert not db.session.get(Staff, staff.id).is_active_account
    assert other_client.get("/admin/pegawai").status_code == 302
    failed = app.test_client().post("/masuk", data={"email": staff.email, "password": PASSWORD})
    assert failed.status_code == 200


@pytest.mark.parametrize("change", [{"is_active": None}, {"role": "operator"}, {"role": "viewer"}])
def test_super_admin_cannot_deactivate_or_demote_themselves(client, admin, change):
    data = staff_form(email=admin.email, name=admin.name, role="super_admin", password="")
    data.update(change)
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(f"/admin/staf/{admin.id}", data=data)
    assert response.status_code == 200
    assert SELF_CHANGE in response.get_data(as_text=True)
    admin = db.session.get(Staff, admin.id)
    assert admin.is_active_account
    assert admin.role == Role.SUPER_ADMIN
    assert client.get("/admin/staf").status_code == 200


def test_super_admin_may_edit_their_own_name(client, admin):
    response = client.post(f"/admin/staf/{admin.id}", data=staff_form(
        email=admin.email, name="Nama Sendiri", role="super_admin", password=""))
    assert response.status_code == 302
    assert db.session.get(Staff, admin.id).name == "Nama Sendiri"


def test_unknown_staff_is_404(client, admin):
    assert client.get("/admin/staf/999999").status_code == 404


def test_staff_list_search(client, admin, make_staff):
    make_staff(Role.VIEWER, email="budi@contoh.go.id")
    make_staff(Role.VIEWER, email="siti@contoh.go.id")
    body = client.get("/admin/staf?q=BUDI").get_data(as_text=True)
    assert "budi@contoh.go.id" in body
    assert "siti@contoh.go.id" not in body


def test_create_admin_command(runner):
    result = runner.invoke(args=["create-admin", "--email", " Kepala@BKPSDM.go.id ", "--name", "Kepala BKPSDM",
                                 "--password", "sandi-awal-12345"])
    assert result.exit_code == 0, result.output
    assert "kepala@bkpsdm.go.id" in result.output
    staff = staff_by_email("kepala@bkpsdm.go.id")
    assert staff.role == Role.SUPER_ADMIN
    assert staff.name == "Kepala BKPSDM"
    assert staff.agency_id is None
    assert staff.check_password("sandi-awal-12345")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "staff.create"))
    assert entry.actor_label == "cli"


def test_create_admin_command_prompts_for_the_password(runner):
    result = runner.invoke(args=["create-admin", "--email", "prompt@contoh.go.id"],
                           input="sandi-awal-12345\nsandi-awal-12345\n")
    assert result.exit_code == 0, result.output
    assert staff_by_email("prompt@contoh.go.id").check_password("sandi-awal-12345")


def test_create_admin_command_rejects_a_short_password(runner):
    result = runner.invoke(args=["create-admin", "--email", "pendek@contoh.go.id", "--password", "pendek"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert staff_count() == 0


def test_create_admin_command_rejects_a_duplicate_email(runner, make_staff):
    make_staff(Role.VIEWER, email="ada@contoh.go.id")
    result = runner.invoke(args=["create-admin", "--email", "ADA@contoh.go.id", "--password", "sandi-awal-12345"])
    assert result.exit_code != 0
    assert "ada@contoh.go.id" in result.output
    assert staff_count() == 1
    assert staff_by_email("ada@contoh.go.id").role == Role.VIEWER
