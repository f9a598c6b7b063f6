"""The hash-chained audit log: appends, tamper detection, the verify command, coverage and the screen."""
from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from netralitas.audit import services as audit_services
from netralitas.audit.models import AuditEntry, AuditHead
from netralitas.audit.services import GENESIS_HASH, entry_digest, record, verify_chain
from netralitas.auth.models import Role
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee

pytestmark = pytest.mark.usefixtures("fast_passwords")
PASSWORD = "rahasia-123456"  # what conftest's make_staff gives every account


def append(n: int, actor: str = "tester") -> None:
    for i in range(1, n + 1):
        record(actor, "test.append", "thing", i, f"entri {i}", {"i": i, "teks": "é"})
    db.session.commit()


def entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)))


def tamper(sql: str, **params) -> None:
    """Change the table behind the app's back."""
    db.session.execute(sa.text(sql), params)
    db.session.commit()
    db.session.expire_all()


def test_record_appends_a_linked_chain(app):
    append(5)
    chain = entries()
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert chain[0].prev_hash == GENESIS_HASH
    for previous, entry in zip(chain, chain[1:], strict=False):
        assert entry.prev_hash == previous.entry_hash
    for entry in chain:
        assert entry.entry_hash == entry_digest(entry)
        assert len(entry.entry_hash) == 64
    assert len({e.entry_hash for e in chain}) == 5
    head = db.session.get(AuditHead, audit_services.HEAD_ID)
    assert (head.seq, head.entry_hash) == (5, chain[-1].entry_hash)
    assert chain[2].data_json == '{"i":3,"teks":"é"}'


def test_record_uses_the_staff_member_as_actor(app, make_staff):
    staff = make_staff(Role.OPERATOR, email="operator@contoh.go.id")
    record(staff, "test.actor", "staff", staff.id, "oleh staf")
    record(None, "test.actor", "system", None, "oleh sistem")
    db.session.commit()
    by_staff, by_system = entries()
    assert (by_staff.actor_staff_id, by_staff.actor_label) == (staff.id, "operator@contoh.go.id")
    assert (by_system.actor_staff_id, by_system.actor_label, by_system.target_id) == (None, "system", None)


def test_a_rolled_back_record_leaves_no_gap(app):
    append(2)
    record("tester", "test.rollback", "thing", 1, "dibatalkan")
    db.session.rollback()
    append(1)
    assert [e.seq for e in entries()] == [1, 2, 3]
    assert verify_chain().is_intact


def test_verify_an_empty_and_an_intact_chain(app):
    assert verify_chain() == audit_services.ChainReport(True, 0)
    append(7)
    report = verify_chain()
    assert report.is_intact
    assert report.checked == 7
    assert report.broken_seq is None


def test_verify_in_small_batches(app):
    append(12)
    assert verify_chain(batch_size=5).checked == 12


def test_edited_summary_is_detected(app):
    append(5)
    tamper("UPDATE audit_entries SET summary = 'disamarkan' WHERE seq = 3")
    report = verify_chain()
    assert not report.is_intact
    assert report.broken_seq == 3
    assert report.checked == 2
    assert "edited" in report.reason


@pytest.mark.parametrize(("column", "value"), [
    ("action", "test.other"), ("actor_label", "someone@else"), ("target_type", "other"), ("target_id", "99"),
    ("data_json", '{"i":999}'), ("entry_hash", "f" * 64),
])
def test_any_edited_column_is_detected(app, column, value):
    append(4)
    tamper(f"UPDATE audit_entries SET {column} = :value WHERE seq = 2", value=value)
    report = verify_chain()
    assert not report.is_intact
    assert report.broken_seq == 2


def test_edited_timestamp_is_detected(app):
    append(4)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == 2))
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.seq == 2)
                       .values(created_dt=entry.created_dt - timedelta(days=1)))
    db.session.commit()
    assert verify_chain().broken_seq == 2


def test_deleted_middle_entry_is_detected(app):
    append(5)
    tamper("DELETE FROM audit_entries WHERE seq = 3")
    report = verify_chain()
    assert not report.is_intact
    assert report.broken_seq == 3
    assert "missing" in report.reason


def test_deleted_first_entry_is_detected(app):
    append(3)
    tamper("DELETE FROM audit_entries WHERE seq = 1")
    assert verify_chain().broken_seq == 1


def test_deleted_tail_is_detected(app):
    append(5)
    tamper("DELETE FROM audit_entries WHERE seq = 5")
    report = verify_chain()
    assert not report.is_intact
    assert report.broken_seq == 5
    assert "tail" in report.reason


def test_deleting_every_entry_is_detected(app):
    append(3)
    tamper("DELETE FROM audit_entries")
    assert not verify_chain().is_intact


def test_deleted_middle_entry_with_renumbering_is_detected(app):
    """Closing the gap by renumbering still breaks the hash links."""
    append(5)
    tamper("DELETE FROM audit_entries WHERE seq = 3")
    tamper("UPDATE audit_entries SET seq = seq - 1 WHERE seq > 3")
    tamper("UPDATE audit_head SET seq = 4")
    report = verify_chain()
    assert not report.is_intact
    assert report.broken_seq == 3


def test_changed_prev_hash_is_detected(app):
    append(4)
    first_hash = entries()[0].entry_hash
    tamper("UPDATE audit_entries SET prev_hash = :h WHERE seq = 3", h=first_hash)
    report = verify_chain()
    assert report.broken_seq == 3
    assert "previous-hash" in report.reason


def test_reordered_entries_are_detected(app):
    append(4)
    tamper("UPDATE audit_entries SET seq = -2 WHERE seq = 2")
    tamper("UPDATE audit_entries SET seq = 2 WHERE seq = 3")
    tamper("UPDATE audit_entries SET seq = 3 WHERE seq = -2")
    report = verify_chain()
    assert not report.is_intact
    assert report.broken_seq == 2


def test_verify_command_when_intact(runner):
    append(3)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    assert "3 entries" in result.output


def test_verify_command_names_the_broken_entry(runner):
    append(6)
    tamper("UPDATE audit_entries SET summary = 'disamarkan' WHERE seq = 4")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "BROKEN" in result.output
    assert "#4" in result.output


def test_verify_command_reports_a_removed_tail(runner):
    append(3)
    tamper("DELETE FROM audit_entries WHERE seq = 3")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "#3" in result.output


def _append_in_thread(app, worker: int, count: int, start: threading.Barrier, errors: list) -> None:
    try:
        with app.app_context():
            start.wait(timeout=30)
            for i in range(count):
                record(f"thread-{worker}", "test.concurrent", "thread", worker, f"utas {worker} ke-{i}")
                db.session.commit()
    except Exception as exc:  # reported by the test below
        errors.append(f"thread {worker}: {exc!r}")
    finally:
        with app.app_context():
            db.session.remove()


def test_concurrent_appends_keep_the_chain_intact(app):
    """Four writers start together on an empty log; the chain must come out whole."""
    threads, errors = 4, []
    start = threading.Barrier(threads)
    workers = [threading.Thread(target=_append_in_thread, args=(app, n, 10, start, errors)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    chain = entries()
    assert [e.seq for e in chain] == list(range(1, 41))
    report = verify_chain()
    assert report.is_intact, report
    assert report.checked == 40
    per_thread = {}
    for entry in chain:
        per_thread.setdefault(entry.actor_label, []).append(entry.summary)
    assert all(len(summaries) == 10 for summaries in per_thread.values())
    assert len(per_thread) == threads


# --- every operation writes one entry ------------------------------------------------------


def actions_since(seq: int) -> list[str]:
    return [e.action for e in entries() if e.seq > seq]


def last_seq() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.seq), 0)))


def employee_form(agency_id: int, **overrides) -> dict:
    born = datetime(1984, 2, 29).date()
    data = {"nama": "Rina Audit", "kategori": "PNS", "nip": make_nip_pns(born, 2009, 4, "P", 12),
            "nik": make_nik("327301", born, "P", 34), "tanggal_lahir": "", "jenis_kelamin": "", "jabatan": "",
            "agency_id": str(agency_id), "no_hp": "", "email": ""}
    data.update(overrides)
    return data


def test_every_operation_writes_one_entry(app, client, make_staff, make_agency):
    admin = make_staff(Role.SUPER_ADMIN, email="root@contoh.go.id")
    root = make_agency("KOTA", name="Kota")
    other_root = make_agency("KAB", name="Kabupaten")

    def expect(action: str, response, status: int = 302) -> None:
        assert response.status_code == status, response.get_data(as_text=True)[:300]
        new = actions_since(expect.seq)
        assert new == [action], f"{action}: {new}"
        expect.seq = last_seq()

    expect.seq = last_seq()
    expect("auth.login", client.post("/masuk", data={"email": admin.email, "password": PASSWORD}))
    expect("agency.create", client.post("/admin/perangkat-daerah/baru", data={
        "kode": "DINKES", "nama": "Dinas Kesehatan", "jenis": "DINAS", "parent_id": str(root.id)}))
    agency = db.session.scalar(sa.select(Agency).where(Agency.code == "DINKES"))
    expect("agency.update", client.post(f"/admin/perangkat-daerah/{agency.id}", data={
        "kode": "DINKES", "nama": "Dinas Kesehatan Kota", "jenis": "DINAS", "parent_id": str(root.id)}))
    expect("agency.update", client.post(f"/admin/perangkat-daerah/{agency.id}", data={  # a move
        "kode": "DINKES", "nama": "Dinas Kesehatan Kota", "jenis": "DINAS", "parent_id": str(other_root.id)}))
    expect("employee.create", client.post("/admin/pegawai/baru", data=employee_form(agency.id)))
    employee = db.session.scalar(sa.select(Employee).where(Employee.name == "Rina Audit"))
    expect("employee.update", client.post(f"/admin/pegawai/{employee.id}/ubah",
                                          data=employee_form(agency.id, jabatan="Perawat")))
    expect("employee.deactivate", client.post(f"/admin/pegawai/{employee.id}/status"))
    expect("agency.deactivate", client.post(f"/admin/perangkat-daerah/{agency.id}/status"))
    expect("staff.create", client.post("/admin/staf/baru", data={
        "email": "baru@contoh.go.id", "name": "Baru", "role": "viewer", "agency_id": "0",
        "password": "sandi-baru-12345", "is_active": "y"}))
    staff_id = db.session.scalar(sa.text("SELECT id FROM staff WHERE email = 'baru@contoh.go.id'"))
    expect("staff.update", client.post(f"/admin/staf/{staff_id}", data={
        "email": "baru@contoh.go.id", "name": "Baru Diubah", "role": "viewer", "agency_id": "0", "password": ""}))
    expect("staff.password", client.post("/akun/kata-sandi", data={
        "old_password": PASSWORD, "new_password": "sandi-lain-12345", "confirm": "sandi-lain-12345"}))
    assert verify_chain().is_intact


def test_failed_or_empty_operations_write_nothing(app, client, make_staff, make_agency):
    admin = make_staff(Role.SUPER_ADMIN)
    agency = make_agency("DINSOS", name="Dinas Sosial")
    client.post("/masuk", data={"email": admin.email, "password": "salah-sekali-123"})
    client.post("/masuk", data={"email": admin.email, "password": PASSWORD})
    seq = last_seq()
    client.post(f"/admin/perangkat-daerah/{agency.id}", data={  # unchanged
        "kode": "DINSOS", "nama": "Dinas Sosial", "jenis": "DINAS", "parent_id": "0"})
    client.post("/admin/perangkat-daerah/baru", data={"kode": "DINSOS", "nama": "Duplikat", "jenis": "DINAS",
                                                      "parent_id": "0"})
    client.post("/admin/pegawai/baru", data=employee_form(agency.id, nip="123"))
    assert actions_since(seq) == []
    assert [e.action for e in entries()] == ["agency.create", "auth.login"]


# --- the audit screen ------------------------------------------------------------------------


def record_at(monkeypatch, moment: datetime, actor: str, action: str, summary: str) -> None:
    monkeypatch.setattr(audit_services, "utcnow", lambda: moment)
    record(actor, action, "thing", None, summary)
    db.session.commit()
    monkeypatch.undo()


def test_audit_screen_filters(app, client, make_staff, login_as, monkeypatch):
    base = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    record_at(monkeypatch, base, "ani@contoh.go.id", "agency.create", "ringkasan-ani-agency")
    record_at(monkeypatch, base, "budi@contoh.go.id", "employee.create", "ringkasan-budi-employee")
    # 18:30 UTC on 10 March is 01:30 WIB on 11 March.
    record_at(monkeypatch, datetime(2024, 3, 10, 18, 30, tzinfo=UTC), "ani@contoh.go.id", "employee.update",
              "ringkasan-ani-malam")
    login_as(make_staff(Role.SUPER_ADMIN))

    def shown(query: str) -> set[str]:
        response = client.get(f"/admin/audit/?{query}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        return {s for s in ("ringkasan-ani-agency", "ringkasan-budi-employee", "ringkasan-ani-malam") if s in body}

    assert shown("") == {"ringkasan-ani-agency", "ringkasan-budi-employee", "ringkasan-ani-malam"}
    assert shown("aksi=agency.create") == {"ringkasan-ani-agency"}
    assert shown("aksi=employee") == {"ringkasan-budi-employee", "ringkasan-ani-malam"}
    assert shown("oleh=BUDI") == {"ringkasan-budi-employee"}
    assert shown("oleh=ani%40contoh") == {"ringkasan-ani-agency", "ringkasan-ani-malam"}
    assert shown("tanggal=2024-03-10") == {"ringkasan-ani-agency", "ringkasan-budi-employee"}
    assert shown("tanggal=2024-03-11") == {"ringkasan-ani-malam"}
    assert shown("tanggal=2024-03-12") == set()
    assert shown("tanggal=bukan-tanggal") == shown("")
    assert shown("aksi=employee&oleh=ani&tanggal=2024-03-11") == {"ringkasan-ani-malam"}
    assert shown("aksi=%25") == set()  # LIKE wildcards are literal


def test_audit_screen_escapes_stored_text(app, client, make_staff, login_as):
    record("<b>x</b>@contoh.go.id", "test.html", "thing", None, "<script>alert(1)</script>", {"k": "<img>"})
    db.session.commit()
    login_as(make_staff(Role.SUPER_ADMIN))
    body = client.get("/admin/audit/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img>" not in body


def test_audit_screen_paginates(app, client, make_staff, login_as):
    append(25)
    login_as(make_staff(Role.SUPER_ADMIN))  # entry 26
    body = client.get("/admin/audit/?page=3").get_data(as_text=True)
    assert {int(n) for n in re.findall(r">entri (\d+)<div", body)} == {1, 2, 3, 4, 5, 6}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR, Role.AGENCY_ADMIN])
def test_audit_screen_is_super_admin_only(app, client, make_staff, make_agency, login_as, role):
    append(1)
    login_as(make_staff(role, agency=make_agency() if role == Role.AGENCY_ADMIN else None))
    response = client.get("/admin/audit/")
    assert response.status_code == 403
    assert "entri 1" not in response.get_data(as_text=True)


def test_audit_screen_needs_login(client):
    response = client.get("/admin/audit/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/masuk")


def test_audit_screen_shows_data_as_readable_keys_and_values(app, client, make_staff, login_as):
    record("ani@contoh.go.id", "event.update", "event", 7, "ringkasan-data",
           {"event": "pilkada-2026", "count": 2, "categories": ["PNS", "PPPK"], "is_open": True,
            "before": {"name": "Lama <b>x</b>"}, "sha256": "a" * 64})
    db.session.commit()
    login_as(make_staff(Role.SUPER_ADMIN))
    body = client.get("/admin/audit/").get_data(as_text=True)
    assert '{"event"' not in body and "&#34;event&#34;" not in body  # no raw JSON
    for key, value in (("event", "pilkada-2026"), ("count", "2"), ("categories", "PNS, PPPK"), ("is_open", "true"),
                       ("sha256", "a" * 64)):
        assert re.search(rf'<dt title="{key}">{key}</dt><dd>{value}</dd>', body), key
    # A nested object nests its own keys; stored text stays escaped.
    assert re.search(r'<dt title="before">before</dt><dd><dl class="audit-kv"><dt title="name">name</dt>'
                     r"<dd>Lama &lt;b&gt;x&lt;/b&gt;</dd></dl></dd>", body)
