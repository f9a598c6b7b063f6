"""Master-data operations: the agency tree (paths, moves, deactivation), scope and employee saves."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from netralitas.audit.models import AuditEntry
from netralitas.audit.services import verify_chain
from netralitas.auth.models import Role
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.extensions import db
from netralitas.masterdata import services
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee, Gender
from netralitas.masterdata.rules import clean_employee
from netralitas.masterdata.scope import agency_scope, employee_scope, get_agency_in_scope, get_employee_in_scope

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def tree(make_agency):
    """KOTA → DINAS-A → BIDANG-A1 → SEKSI-A2, and KOTA → DINAS-B."""
    kota = make_agency("KOTA", name="Kota", kind=AgencyKind.PEMERINTAH)
    dinas_a = make_agency("DINAS-A", parent=kota, name="Dinas A")
    bidang = make_agency("BIDANG-A1", parent=dinas_a, name="Bidang A1", kind=AgencyKind.UNIT)
    seksi = make_agency("SEKSI-A2", parent=bidang, name="Seksi A2", kind=AgencyKind.UNIT)
    dinas_b = make_agency("DINAS-B", parent=kota, name="Dinas B")
    return {a.code: a.id for a in (kota, dinas_a, bidang, seksi, dinas_b)}


def agency(code: str) -> Agency:
    db.session.expire_all()
    return db.session.scalar(sa.select(Agency).where(Agency.code == code))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_create_agency_builds_path_and_depth(app, tree):
    kota, dinas_a, seksi = agency("KOTA"), agency("DINAS-A"), agency("SEKSI-A2")
    assert kota.path == f"/{kota.id}/"
    assert (kota.depth, dinas_a.depth, seksi.depth) == (0, 1, 3)
    assert seksi.path == f"/{kota.id}/{dinas_a.id}/{tree['BIDANG-A1']}/{seksi.id}/"
    assert actions().count("agency.create") == 5


def test_create_agency_rejects_a_duplicate_code(app, tree):
    with pytest.raises(services.MasterDataError, match="Kode DINAS-A sudah dipakai"):
        services.create_agency("test", code="DINAS-A", name="Lagi", kind=AgencyKind.DINAS, parent=None)


def test_update_agency_rejects_another_agencys_code(app, tree):
    with pytest.raises(services.MasterDataError, match="sudah dipakai"):
        services.update_agency("test", agency("DINAS-B"), code="DINAS-A", name="Dinas B", kind=AgencyKind.DINAS,
                               parent=agency("KOTA"))


def test_move_rewrites_the_whole_subtree(app, tree):
    services.update_agency("test", agency("DINAS-A"), code="DINAS-A", name="Dinas A", kind=AgencyKind.DINAS,
                           parent=agency("DINAS-B"))
    db.session.commit()
    b = agency("DINAS-B")
    a, bidang, seksi = agency("DINAS-A"), agency("BIDANG-A1"), agency("SEKSI-A2")
    assert a.parent_id == b.id
    assert a.path == f"{b.path}{a.id}/"
    assert bidang.path == f"{a.path}{bidang.id}/"
    assert seksi.path == f"{bidang.path}{seksi.id}/"
    assert (a.depth, bidang.depth, seksi.depth) == (2, 3, 4)
    assert agency("DINAS-B").path == f"/{tree['KOTA']}/{b.id}/"  # the new parent itself is untouched
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "agency.update"))
    assert '"parent":"DINAS-B"' in entry.data_json


def test_move_to_the_root(app, tree):
    services.move_subtree(agency("BIDANG-A1"), None)
    db.session.commit()
    bidang, seksi = agency("BIDANG-A1"), agency("SEKSI-A2")
    assert (bidang.parent_id, bidang.path, bidang.depth) == (None, f"/{bidang.id}/", 0)
    assert (seksi.path, seksi.depth) == (f"/{bidang.id}/{seksi.id}/", 1)


@pytest.mark.parametrize("target", ["DINAS-A", "BIDANG-A1", "SEKSI-A2"])
def test_cannot_move_under_itself_or_a_descendant(app, tree, target):
    before = {a.code: (a.path, a.depth, a.parent_id) for a in db.session.scalars(sa.select(Agency))}
    with pytest.raises(services.MasterDataError, match="tidak bisa dipindah ke bawah dirinya sendiri"):
        services.update_agency("test", agency("DINAS-A"), code="DINAS-A", name="Dinas A", kind=AgencyKind.DINAS,
                               parent=agency(target))
    db.session.rollback()
    after = {a.code: (a.path, a.depth, a.parent_id) for a in db.session.scalars(sa.select(Agency))}
    assert after == before


def test_unchanged_agency_writes_no_entry(app, tree):
    count = len(actions())
    services.update_agency("test", agency("DINAS-B"), code="DINAS-B", name="Dinas B", kind=AgencyKind.DINAS,
                           parent=agency("KOTA"))
    db.session.commit()
    assert len(actions()) == count


def test_deactivate_a_subtree(app, tree):
    changed = services.set_agency_active("test", agency("DINAS-A"), False)
    db.session.commit()
    assert changed == 3
    assert [agency(c).is_active for c in ("KOTA", "DINAS-A", "BIDANG-A1", "SEKSI-A2", "DINAS-B")] == [
        True, False, False, False, True]
    assert actions()[-1] == "agency.deactivate"
    assert services.set_agency_active("test", agency("DINAS-A"), True) == 3
    db.session.commit()
    assert all(agency(c).is_active for c in tree)


def test_audit_chain_survives_a_deactivation_followed_by_more_work(app, tree):
    """set_agency_active expires the session after recording; the next entry must still get the next seq."""
    services.set_agency_active("test", agency("DINAS-B"), False)
    services.create_agency("test", code="BARU", name="Baru", kind=AgencyKind.DINAS, parent=agency("KOTA"))
    db.session.commit()
    report = verify_chain()
    assert report.is_intact, report
    assert report.checked == 7


def test_agency_scope_is_a_subtree(app, tree, make_staff):
    admin = make_staff(Role.AGENCY_ADMIN, agency=agency("DINAS-A"))
    visible = set(db.session.scalars(sa.select(Agency.code).where(agency_scope(admin))))
    assert visible == {"DINAS-A", "BIDANG-A1", "SEKSI-A2"}
    assert [a.code for a in services.agencies_in_scope(admin)] == ["DINAS-A", "BIDANG-A1", "SEKSI-A2"]
    assert get_agency_in_scope(admin, tree["SEKSI-A2"]).code == "SEKSI-A2"
    with pytest.raises(NotFound):
        get_agency_in_scope(admin, tree["DINAS-B"])
    with pytest.raises(NotFound):
        get_agency_in_scope(admin, tree["KOTA"])  # the parent is outside the subtree too


def test_scope_prefix_does_not_leak_to_ids_that_start_alike(app, make_staff):
    """Scope on /20000001/ must not include /200000011/ (paths are matched with their slashes)."""
    for agency_id in (20000001, 200000011):
        db.session.add(Agency(id=agency_id, code=f"X{agency_id}", name=f"Unit {agency_id}", kind=AgencyKind.UNIT,
                              path=f"/{agency_id}/", depth=0))
    db.session.commit()
    viewer = make_staff(Role.VIEWER, agency=db.session.get(Agency, 20000001))
    assert set(db.session.scalars(sa.select(Agency.id).where(agency_scope(viewer)))) == {20000001}


def test_unscoped_roles_see_everything(app, tree, make_staff):
    for role in (Role.SUPER_ADMIN, Role.OPERATOR, Role.VIEWER):
        staff = make_staff(role)
        assert len(services.agencies_in_scope(staff)) == 5, role


def test_agency_choices_are_indented_and_skip_inactive(app, tree, make_staff):
    services.set_agency_active("test", agency("DINAS-B"), False)
    db.session.commit()
    admin = make_staff(Role.AGENCY_ADMIN, agency=agency("DINAS-A"))
    assert services.agency_choices(admin) == [
        (tree["DINAS-A"], "Dinas A (DINAS-A)"),
        (tree["BIDANG-A1"], "— Bidang A1 (BIDANG-A1)"),
        (tree["SEKSI-A2"], "— — Seksi A2 (SEKSI-A2)"),
    ]
    everyone = services.agency_choices(make_staff(Role.SUPER_ADMIN))
    assert tree["DINAS-B"] not in [agency_id for agency_id, _ in everyone]


def test_sort_tree_orders_siblings_by_name(app, make_agency):
    root = make_agency("R", name="Root")
    make_agency("Z", parent=root, name="zeta")
    make_agency("A", parent=root, name="Alfa")
    make_agency("M", parent=root, name="Mike")
    ordered = services.sort_tree(list(db.session.scalars(sa.select(Agency))))
    assert [a.name for a in ordered] == ["Root", "Alfa", "Mike", "zeta"]


def employee_values(agency_code: str, *, nip: str | None, nik: str | None, name: str = "Sari Dewi",
                    category: str = "PNS", **extra) -> dict:
    raw = {"nama": name, "kategori": category, "nip": nip or "", "nik": nik or "", "kode_unit": agency_code}
    raw.update(extra)
    cleaned = clean_employee(raw)
    assert cleaned.is_valid, cleaned.errors
    return cleaned


BORN = date(1987, 9, 23)
NIP = make_nip_pns(BORN, 2012, 2, "P", 45)
NIK = make_nik("327301", BORN, "P", 99)


def test_save_employee_creates_and_records(app, tree):
    employee = services.save_employee("test", None, employee_values("DINAS-A", nip=NIP, nik=NIK), agency("DINAS-A"))
    db.session.commit()
    employee = db.session.get(Employee, employee.id)
    assert (employee.nip, employee.nik, employee.category) == (NIP, NIK, Category.PNS)
    assert (employee.birth_date, employee.gender) == (BORN, Gender.P)
    assert employee.name_search == "sari dewi"
    assert employee.agency_id == tree["DINAS-A"]
    assert actions()[-1] == "employee.create"


def test_save_employee_updates_only_what_changed(app, tree):
    employee = services.save_employee("test", None, employee_values("DINAS-A", nip=NIP, nik=NIK), agency("DINAS-A"))
    db.session.commit()
    services.save_employee("test", employee, employee_values("DINAS-B", nip=NIP, nik=NIK, jabatan="Analis"),
                           agency("DINAS-B"))
    db.session.commit()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "employee.update"))
    assert entry.data_json == '{"changed":["agency_id","position"]}'
    count = len(actions())
    services.save_employee("test", db.session.get(Employee, employee.id),
                           employee_values("DINAS-B", nip=NIP, nik=NIK, jabatan="Analis"), agency("DINAS-B"))
    db.session.commit()
    assert len(actions()) == count


@pytest.mark.parametrize("clash", ["nip", "nik"])
def test_save_employee_refuses_another_employees_number(app, tree, make_employee, clash):
    other = make_employee(agency("DINAS-B"), name="Pemilik Nomor")
    values = {"nip": NIP, "nik": NIK, clash: getattr(other, clash)}
    with pytest.raises(services.MasterDataError, match=f"{clash.upper()} .* sudah dipakai oleh Pemilik Nomor"):
        services.save_employee("test", None, employee_values("DINAS-A", **values), agency("DINAS-A"))


def test_save_employee_keeps_its_own_numbers(app, tree):
    employee = services.save_employee("test", None, employee_values("DINAS-A", nip=NIP, nik=NIK), agency("DINAS-A"))
    db.session.commit()
    services.save_employee("test", employee, employee_values("DINAS-A", nip=NIP, nik=NIK, name="Sari D."),
                           agency("DINAS-A"))
    db.session.commit()
    assert db.session.get(Employee, employee.id).name == "Sari D."


def test_set_employee_active_records_only_changes(app, tree, make_employee):
    employee = make_employee(agency("DINAS-A"))
    count = len(actions())
    services.set_employee_active("test", employee, True)
    assert len(actions()) == count
    services.set_employee_active("test", employee, False)
    db.session.commit()
    assert not db.session.get(Employee, employee.id).is_active
    assert actions()[-1] == "employee.deactivate"
    services.set_employee_active("test", db.session.get(Employee, employee.id), True)
    db.session.commit()
    assert actions()[-1] == "employee.activate"


def test_employee_scope(app, tree, make_employee, make_staff):
    inside = make_employee(agency("SEKSI-A2"))
    outside = make_employee(agency("DINAS-B"))
    viewer = make_staff(Role.VIEWER, agency=agency("DINAS-A"))
    visible = set(db.session.scalars(sa.select(Employee.id).where(employee_scope(viewer))))
    assert visible == {inside.id}
    assert get_employee_in_scope(viewer, inside.id).id == inside.id
    with pytest.raises(NotFound):
        get_employee_in_scope(viewer, outside.id)
    with pytest.raises(NotFound):
        get_employee_in_scope(viewer, 987654321)
