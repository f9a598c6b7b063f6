"""The route × role table: who may open every URL, and agency scope on every object a URL names.

Every rule in the URL map must have a row in ACCESS, so a new route cannot ship without a decision
about who may use it. Scoped roles (a viewer or agency admin of agency A) must get 404, never 200,
for an object of agency B, and no POST of theirs may change B's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role, Staff
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.db import utcnow
from netralitas.events.models import ElectionKind, EventStatus
from netralitas.events.services import create_event, set_status
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind, Employee

pytestmark = pytest.mark.usefixtures("fast_passwords")
PASSWORD = "rahasia-123456"  # what conftest's make_staff gives every account

ANON, VIEWER, VIEWER_A, ADMIN_A, OPERATOR, SUPER, LIAISON = (
    "anonymous", "viewer", "viewer_of_a", "agency_admin_of_a", "operator", "super_admin", "liaison")
ROLES = (ANON, VIEWER, VIEWER_A, ADMIN_A, OPERATOR, SUPER, LIAISON)
EVERYONE = frozenset(ROLES)
#: Every signed-in account, a Bawaslu/BKN liaison included (their own account pages, the case list).
SIGNED_IN = EVERYONE - {ANON}
#: The declaration side's staff: a liaison sees none of it.
STAFF = SIGNED_IN - {LIAISON}
#: Who may open the case list and a case they are a member of.
CASE_READERS = STAFF | {LIAISON}
MANAGERS = frozenset({ADMIN_A, SUPER})
SUPER_ONLY = frozenset({SUPER})
#: Who may download invitation codes (agency admins for their subtree) and who staffs the venue help desk.
CODE_EXPORTERS = frozenset({ADMIN_A, OPERATOR, SUPER})
#: Who may download certificate ZIPs (full NIP/NIK and signatures): as for codes; viewers are read-only, never exporters.
CERTIFICATE_EXPORTERS = frozenset({ADMIN_A, OPERATOR, SUPER})
HELP_DESK = frozenset({OPERATOR, SUPER})
#: Who runs events: settings, text, open/close, the venue board.
RUNNERS = frozenset({OPERATOR, SUPER})
#: Roles that see only agency A's subtree.
SCOPED = frozenset({VIEWER_A, ADMIN_A})
ROLE_OF = {VIEWER: Role.VIEWER, VIEWER_A: Role.VIEWER, ADMIN_A: Role.AGENCY_ADMIN, OPERATOR: Role.OPERATOR,
           SUPER: Role.SUPER_ADMIN, LIAISON: Role.LIAISON}


@dataclass(frozen=True)
class Access:
    """Who may use an endpoint, and what the URL points at."""

    roles: frozenset[str]
    #: "agency" or "employee" when the URL names an object that agency scope applies to.
    scoped_object: str | None = None
    #: GET status for an allowed role.
    ok: int = 200
    #: GET status for signed-in staff on a public page (the login page sends them home).
    staff_ok: int | None = None
    #: POST status for an allowed role whose request targets nothing out of scope.
    post_ok: int | None = None
    #: POST status for an anonymous visitor on a public page.
    anon_post_ok: int = 200
    #: Query-string argument that names an agency (e.g. ?unit=), filled in like agency_id in the path.
    agency_arg: str | None = None


ACCESS: dict[str, Access] = {
    "home.index": Access(EVERYONE),
    "auth.login": Access(EVERYONE, staff_ok=302, post_ok=302),
    "auth.logout": Access(SIGNED_IN, post_ok=302),
    "auth.change_password": Access(SIGNED_IN, post_ok=200),
    "auth.staff_list": Access(SUPER_ONLY),
    "auth.staff_create": Access(SUPER_ONLY),
    "auth.staff_edit": Access(SUPER_ONLY),  # staff accounts are not scoped: super admin only
    "masterdata.agency_tree": Access(STAFF),
    "masterdata.agency_create": Access(SUPER_ONLY),
    "masterdata.agency_edit": Access(SUPER_ONLY, "agency"),
    "masterdata.agency_toggle": Access(SUPER_ONLY, "agency"),
    "masterdata.employee_list": Access(STAFF),
    "masterdata.employee_detail": Access(STAFF, "employee"),
    "masterdata.employee_create": Access(MANAGERS, post_ok=200),  # re-shown: B is not a valid choice
    "masterdata.employee_edit": Access(MANAGERS, "employee"),
    "masterdata.employee_toggle": Access(MANAGERS, "employee"),
    "imports.index": Access(SUPER_ONLY),
    "imports.upload": Access(SUPER_ONLY),
    "imports.preview": Access(SUPER_ONLY, ok=404),  # token "x" is nobody's upload
    "imports.confirm": Access(SUPER_ONLY),
    "imports.template": Access(SUPER_ONLY),
    "audit.entry_list": Access(SUPER_ONLY),
    "invitations.codes": Access(CODE_EXPORTERS, "agency", agency_arg="unit"),
    "invitations.codes_csv": Access(CODE_EXPORTERS, "agency", agency_arg="unit"),
    "invitations.codes_pdf": Access(CODE_EXPORTERS, "agency", agency_arg="unit"),
    "invitations.codes_pdf_job": Access(CODE_EXPORTERS, "agency", agency_arg="unit", post_ok=302),  # a job's page
    "invitations.helpdesk": Access(HELP_DESK),
    "invitations.reissue": Access(HELP_DESK, post_ok=200),  # the empty form is shown again
    "invitations.slip_pdf": Access(HELP_DESK),
    "certificate_exports.export_page": Access(CERTIFICATE_EXPORTERS, "agency", agency_arg="unit"),
    "certificate_exports.export_zip": Access(CERTIFICATE_EXPORTERS, "agency", agency_arg="unit"),
    "certificate_exports.export_zip_job": Access(CERTIFICATE_EXPORTERS, "agency", agency_arg="unit", post_ok=302),
    # Completion exports: the per-employee list (names, NIP, NIK) to exporters only; the aggregate table and the
    # printed recap to every staff role; all of them limited to the caller's subtree, ?unit= must be inside it.
    "report_exports.status_list": Access(CODE_EXPORTERS, "agency", agency_arg="unit"),
    "report_exports.completion_table": Access(STAFF, "agency", agency_arg="unit"),
    "report_exports.recap_pdf": Access(STAFF, "agency", agency_arg="unit"),
    "events.event_list": Access(STAFF),
    "events.detail": Access(STAFF),
    "events.create": Access(RUNNERS, post_ok=200),  # an empty form is shown again
    "events.edit": Access(RUNNERS, post_ok=200),
    "events.text": Access(RUNNERS, post_ok=200),
    "events.change_status": Access(RUNNERS, post_ok=302),  # "buka" on an open event changes nothing
    "events.board": Access(RUNNERS),
    "events.board_json": Access(RUNNERS),
    # Reminders hand out personal links, so exporters only, within their subtree. Email is not configured in
    # tests: the send POST goes back to the list with that message and changes nothing.
    "reminders.reminder_list": Access(CODE_EXPORTERS, "agency", agency_arg="unit"),
    "reminders.send_email": Access(CODE_EXPORTERS, "agency", agency_arg="unit", post_ok=302),
    # The signer's pages are public; without a verified signer session they send people back to the start.
    "signing.start": Access(EVERYONE, post_ok=422, anon_post_ok=422),
    "signing.personal_link": Access(EVERYONE, ok=422),  # code "x" is nobody's
    "signing.declare": Access(EVERYONE, ok=302, post_ok=302, anon_post_ok=302),
    "signing.done": Access(EVERYONE, ok=302),
    "signing.signature_image": Access(EVERYONE, ok=404),
    "signing.leave": Access(EVERYONE, post_ok=302, anon_post_ok=302),
    "signing.certificate_pdf_download": Access(EVERYONE, ok=302),  # no signer session: back to the start
    "certificate_admin.lookup": Access(SUPER_ONLY),
    "certificate_admin.revoke": Access(SUPER_ONLY, ok=404),  # certificate id given is nobody's
    # Public verification, for anyone with a phone: token "x" and kid "x" name nothing (NOT VALID / unknown key).
    "certificates.verify": Access(EVERYONE, ok=404),
    "certificates.check_code": Access(EVERYONE, post_ok=422, anon_post_ok=422),  # an empty code is refused
    "certificates.jwks": Access(EVERYONE),
    "certificates.revocation_list": Access(EVERYONE, ok=404),
    "ops.healthz": Access(EVERYONE),  # for the proxy and the monitor: no login, no data
    # Completion dashboard: every staff role, counts and lists limited to their subtree; ?unit= and the
    # drill-down's agency must be in scope. "Rekap" in the menu redirects to the current event's dashboard.
    "reports.index": Access(STAFF, ok=302),
    "reports.event_dashboard": Access(STAFF, "agency", agency_arg="unit"),
    "reports.agency_status": Access(STAFF, "agency"),
    # Bearer token only: no web session (signed in or not) authenticates it, so every role gets 401 without a token.
    "api.event_completion": Access(EVERYONE, ok=401),
    "api.tokens": Access(STAFF),  # own tokens only, every staff role
    "api.token_create": Access(STAFF, post_ok=200),  # an empty name is shown again
    "api.token_revoke": Access(STAFF, ok=404, post_ok=404),  # token id given is nobody's
    # Background jobs: exporters start a status-list XLSX (scoped like the export itself); everyone sees their own
    # jobs only (job id given is nobody's: 404); the file and a retry to exporters only.
    "jobs.start_status_list": Access(CODE_EXPORTERS, "agency", agency_arg="unit", post_ok=302),
    "jobs.job_list": Access(STAFF),
    "jobs.job_detail": Access(STAFF, ok=404),
    "jobs.job_json": Access(STAFF, ok=404),
    "jobs.job_download": Access(CODE_EXPORTERS, ok=404),
    "jobs.job_retry": Access(CODE_EXPORTERS, post_ok=404),
    # Working-day calendar (days off that move every deadline): super admins only. An empty add form is shown again;
    # day off id given is nobody's; an import without a year goes back to the page with a message.
    "calendar.year_view": Access(SUPER_ONLY, post_ok=200),
    "calendar.delete_day_off": Access(SUPER_ONLY, ok=404, post_ok=404),
    "calendar.import_cuti_bersama": Access(SUPER_ONLY, post_ok=302),
    # Legal catalogue (violation forms, sanctions, deadlines): super admins only. An empty add form is shown again;
    # code "x" names no form, sanction or deadline rule.
    "legal.form_list": Access(SUPER_ONLY),
    "legal.form_create": Access(SUPER_ONLY, post_ok=200),
    "legal.form_edit": Access(SUPER_ONLY, ok=404, post_ok=404),
    "legal.form_toggle": Access(SUPER_ONLY, ok=404, post_ok=404),
    "legal.sanction_list": Access(SUPER_ONLY),
    "legal.sanction_create": Access(SUPER_ONLY, post_ok=200),
    "legal.sanction_edit": Access(SUPER_ONLY, ok=404, post_ok=404),
    "legal.sanction_toggle": Access(SUPER_ONLY, ok=404, post_ok=404),
    "legal.deadline_list": Access(SUPER_ONLY),
    "legal.deadline_edit": Access(SUPER_ONLY, ok=404, post_ok=404),
    "legal.deadline_reset": Access(SUPER_ONLY, ok=404, post_ok=404),
    # Cases: every staff role has the list (it shows only the cases they may see: none here); a case officer or super
    # admin opens cases (no account here is a case officer); case id given is nobody's, so every role gets 404 on
    # it, members or not (tests/cases covers members, non-members of the employee's own unit, and scope).
    "cases.case_list": Access(CASE_READERS),
    "cases.intake": Access(SUPER_ONLY, post_ok=200),  # without ?pegawai= the search page is shown again
    "cases.detail": Access(CASE_READERS, ok=404),
    "cases.add_evidence": Access(STAFF, post_ok=404),
    "cases.evidence_file": Access(CASE_READERS, ok=404),
    "cases.add_member": Access(STAFF, post_ok=404),
    "cases.triage": Access(STAFF, post_ok=404),
    "cases.reporter": Access(SUPER_ONLY, ok=404),
    # The SIASN export (names and NIP of disciplined employees): case officers and super admins only; no account
    # here is a case officer, so only the super admin gets the file (an empty one).
    "case_exports.siasn_export": Access(SUPER_ONLY),
    # The steps after triage: POST only, each on a case; case id given is nobody's.
    "case_steps.summon": Access(STAFF, post_ok=404),
    "case_steps.attendance": Access(STAFF, post_ok=404),
    "case_steps.examination": Access(STAFF, post_ok=404),
    "case_steps.decide": Access(STAFF, post_ok=404),
    "case_steps.deliver": Access(STAFF, post_ok=404),
    "case_steps.report_back": Access(STAFF, post_ok=404),
    "case_documents.document_pdf": Access(STAFF, ok=404),  # a case's printed document: nobody's case here
    # Public reports: anyone may report and look a receipt up (no login). An empty report or lookup is refused (422);
    # the receipt page without a report of this browser goes to the lookup; evidence without a receipt goes there too.
    "public_reports.report": Access(EVERYONE, post_ok=422, anon_post_ok=422),
    "public_reports.receipt": Access(EVERYONE, ok=302),
    "public_reports.status": Access(EVERYONE, post_ok=422, anon_post_ok=422),
    "public_reports.add_evidence": Access(EVERYONE, post_ok=302, anon_post_ok=302),
    # The triage queue: case officers (a flag, none here) and super admins; report id given is nobody's.
    "report_triage.report_list": Access(SUPER_ONLY),
    "report_triage.detail": Access(SUPER_ONLY, ok=404),
    "report_triage.claim": Access(SUPER_ONLY, post_ok=404),
    "report_triage.release": Access(SUPER_ONLY, post_ok=404),
    "report_triage.match": Access(SUPER_ONLY, post_ok=404),
    "report_triage.open_case": Access(SUPER_ONLY, post_ok=404),
    "report_triage.forward": Access(SUPER_ONLY, post_ok=404),
    "report_triage.dismiss": Access(SUPER_ONLY, post_ok=404),
    "report_triage.evidence_file": Access(SUPER_ONLY, ok=404),
    # Transparency per government: public counts, no login. With the one government here the list goes straight to
    # its page; code "x" names no government, so its page, feed and print page are 404.
    "transparency.index": Access(EVERYONE, ok=302),
    "transparency.government": Access(EVERYONE, ok=404),
    "transparency.government_json": Access(EVERYONE, ok=404),
    "transparency.government_print": Access(EVERYONE, ok=404),
}

#: Fixed values for URL arguments that do not name a database object.
PLAIN_URL_VALUES = {"kind": "employees", "token": "x", "fmt": "csv", "file_format": "csv", "slug": "uji-akses",
                    "action": "buka", "code": "x", "certificate_id": 999999,
                    "kid": "x", "token_id": 999999, "job_id": 999999}
PLAIN_URL_VALUES["day_off_id"] = 999999  # the calendar's days off: no such row
PLAIN_URL_VALUES.update(case_id=999999, evidence_id=999999, summons_id=999999)  # cases and their evidence: no such rows
PLAIN_URL_VALUES["document_id"] = 999999  # a case's printed documents: no such row
PLAIN_URL_VALUES["report_id"] = 999999  # public reports: no such row


@dataclass
class World:
    """Agency A (with sub-unit A1) and agency B under one government, one employee and one admin in each."""

    agency_ids: dict[str, int]
    employee_ids: dict[str, int]
    staff_ids: dict[str, int]
    a_id: int
    b_id: int
    b_path: str
    #: An open event that every employee above must sign.
    event_id: int


@pytest.fixture
def world(make_agency, make_employee, make_staff) -> World:
    government = make_agency("KOTA", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    agency_a = make_agency("DINAS-A", parent=government, name="Dinas A")
    unit_a = make_agency("UNIT-A1", parent=agency_a, name="Bidang A1", kind=AgencyKind.UNIT)
    agency_b = make_agency("DINAS-B", parent=government, name="Dinas B")
    employee_a = make_employee(unit_a, name="Pegawai Di A")
    employee_b = make_employee(agency_b, name="Pegawai Di B")
    staff_a = make_staff(Role.AGENCY_ADMIN, agency=unit_a, email="staf-a@contoh.go.id")
    staff_b = make_staff(Role.AGENCY_ADMIN, agency=agency_b, email="staf-b@contoh.go.id")
    event = create_event("test", name="Deklarasi Uji Akses", slug="uji-akses", election_kind=ElectionKind.PILKADA,
                         opens_dt=utcnow() - timedelta(hours=1), closes_dt=utcnow() + timedelta(days=1))
    set_status("test", event, EventStatus.OPEN)
    db.session.commit()
    return World(
        agency_ids={"A": unit_a.id, "B": agency_b.id},
        employee_ids={"A": employee_a.id, "B": employee_b.id},
        staff_ids={"A": staff_a.id, "B": staff_b.id},
        a_id=agency_a.id, b_id=agency_b.id, b_path=agency_b.path, event_id=event.id,
    )


def sign_in(app, make_staff, world: World, role: str):
    """A client signed in as the role (anonymous: not signed in) and the acting staff id."""
    client = app.test_client()
    if role == ANON:
        return client, None
    agency = db.session.get(Agency, world.a_id)
    staff = make_staff(ROLE_OF[role], agency=agency if role in SCOPED else None)
    response = client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    return client, staff.id


def routes(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.endpoint)


def decided_routes(app):
    """Routes with a row in ACCESS (test_every_route_is_in_the_table fails for the others)."""
    return [rule for rule in routes(app) if rule.endpoint in ACCESS]


def build_url(app, rule, world: World, side: str) -> str:
    values = {}
    for name in rule.arguments:
        if name == "agency_id":
            values[name] = world.agency_ids[side]
        elif name == "employee_id":
            values[name] = world.employee_ids[side]
        elif name == "staff_id":
            values[name] = world.staff_ids[side]
        elif name == "event_id":
            values[name] = world.event_id
        elif name in PLAIN_URL_VALUES:
            values[name] = PLAIN_URL_VALUES[name]
        else:
            pytest.fail(f"{rule.endpoint}: no test value for URL argument {name!r}; add one to test_access.py")
    agency_arg = ACCESS[rule.endpoint].agency_arg
    if agency_arg:
        values[agency_arg] = world.agency_ids[side]  # not a path argument: the URL map adds it as ?unit=
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def names_object(rule) -> bool:
    return bool({"agency_id", "employee_id", "staff_id"} & set(rule.arguments)) or bool(ACCESS[rule.endpoint].agency_arg)


def expected_get(access: Access, rule, role: str, side: str) -> int:
    if "GET" not in rule.methods:
        return 405
    if role == ANON:
        return access.ok if ANON in access.roles else 302
    if role not in access.roles:
        return 403
    if access.scoped_object and role in SCOPED and side == "B":
        return 404
    if ANON in access.roles and access.staff_ok:
        return access.staff_ok
    return access.ok


def expected_post(access: Access, rule, role: str) -> int:
    """Status of a POST aimed at agency B's data."""
    if role == ANON:
        return access.anon_post_ok if ANON in access.roles else 302
    if role not in access.roles:
        return 403
    if access.scoped_object and role in SCOPED:
        return 404
    if access.post_ok is None:
        pytest.fail(f"{rule.endpoint}: set post_ok in ACCESS for what {role} gets on POST")
    return access.post_ok


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in routes(app)}
    missing = endpoints - ACCESS.keys()
    assert not missing, f"routes without an access decision (add them to ACCESS): {sorted(missing)}"
    stale = ACCESS.keys() - endpoints
    assert not stale, f"ACCESS lists routes that no longer exist: {sorted(stale)}"


def test_table_agrees_with_the_role_decorators(app):
    for endpoint, view in app.view_functions.items():
        declared = getattr(view, "allowed_roles", None)
        if declared is None or endpoint not in ACCESS:
            continue
        table = {ROLE_OF[role] for role in ACCESS[endpoint].roles if role != ANON}
        assert table == set(declared), endpoint


@pytest.mark.parametrize("role", ROLES)
def test_get_every_route(app, world, make_staff, role):
    client, _ = sign_in(app, make_staff, world, role)
    failures = []
    for rule in decided_routes(app):
        access = ACCESS[rule.endpoint]
        for side in ("A", "B") if names_object(rule) else ("A",):
            url = build_url(app, rule, world, side)
            expected = expected_get(access, rule, role, side)
            response = client.get(url)
            if response.status_code != expected:
                failures.append(f"GET {url} ({rule.endpoint}, {side}) as {role}: {response.status_code}, "
                                f"expected {expected}")
            elif (expected == 302 and role == ANON and ANON not in access.roles
                  and urlsplit(response.headers["Location"]).path != "/masuk"):
                failures.append(f"GET {url} as {role} redirects to {response.headers['Location']}")
    assert not failures, "\n".join(failures)


def hostile_form(endpoint: str, world: World) -> dict:
    """Form data that would change agency B's data (or grant power) if the POST were accepted."""
    b = str(world.b_id)
    birth = date(1979, 4, 3)
    employee = {"nama": "Diretas", "kategori": "PNS", "nip": make_nip_pns(birth, 2003, 1, "L", 321),
                "nik": make_nik("327301", birth, "L", 4321), "tanggal_lahir": "", "jenis_kelamin": "",
                "jabatan": "", "agency_id": b, "no_hp": "", "email": ""}
    forms = {
        "auth.login": {"email": "staf-b@contoh.go.id", "password": "salah-sekali-123"},
        "auth.staff_create": {"email": "penyusup@contoh.go.id", "name": "Penyusup", "role": "super_admin",
                              "agency_id": "0", "password": "penyusup-12345", "is_active": "y"},
        "auth.staff_edit": {"email": "staf-b@contoh.go.id", "name": "Diretas", "role": "super_admin",
                            "agency_id": "0", "password": "penyusup-12345", "is_active": "y"},
        "masterdata.agency_create": {"kode": "SUSUPAN", "nama": "Unit Susupan", "jenis": "UNIT", "parent_id": b},
        "masterdata.agency_edit": {"kode": "DINAS-B", "nama": "Diretas", "jenis": "DINAS",
                                   "parent_id": str(world.a_id)},
        "masterdata.employee_create": employee,
        "masterdata.employee_edit": employee,
        "imports.confirm": {"token": "x", "only_valid": "y"},
    }
    return forms.get(endpoint, {})


def snapshot(actor_id: int | None) -> dict[str, list]:
    """Every row an out-of-scope POST could touch (the actor's own account row aside)."""
    tables = db.metadata.tables
    result = {}
    for name in ("agencies", "employees", "staff", "audit_entries", "pending_imports", "invitations"):
        table = tables[name]
        query = sa.select(table).order_by(table.c.id)
        if name == "staff" and actor_id is not None:
            query = query.where(table.c.id != actor_id)
        result[name] = [tuple(row) for row in db.session.execute(query)]
    return result


@pytest.mark.parametrize("role", [r for r in ROLES if r != SUPER])
def test_post_aimed_at_another_agency_changes_nothing(app, world, make_staff, role):
    client, actor_id = sign_in(app, make_staff, world, role)
    # Logout last: it ends the session the other requests need.
    post_rules = sorted((r for r in decided_routes(app) if "POST" in r.methods), key=lambda r: r.endpoint == "auth.logout")
    assert post_rules
    failures = []
    for rule in post_rules:
        url = build_url(app, rule, world, "B")
        before = snapshot(actor_id)
        response = client.post(url, data=hostile_form(rule.endpoint, world))
        expected = expected_post(ACCESS[rule.endpoint], rule, role)
        if response.status_code != expected:
            failures.append(f"POST {url} ({rule.endpoint}) as {role}: {response.status_code}, expected {expected}")
        if snapshot(actor_id) != before:
            failures.append(f"POST {url} ({rule.endpoint}) as {role} changed data")
    assert not failures, "\n".join(failures)


@pytest.fixture
def admin_of_a(app, world, make_staff):
    client, _ = sign_in(app, make_staff, world, ADMIN_A)
    return client


def employee_form(employee: Employee, **overrides) -> dict:
    data = {"nama": employee.name, "kategori": employee.category.value, "nip": employee.nip or "",
            "nik": employee.nik or "", "tanggal_lahir": "", "jenis_kelamin": "", "jabatan": "Staf",
            "agency_id": str(employee.agency_id), "no_hp": "", "email": ""}
    data.update(overrides)
    return data


def test_agency_admin_cannot_move_an_employee_out_of_scope(admin_of_a, world):
    employee = db.session.get(Employee, world.employee_ids["A"])
    response = admin_of_a.post(f"/admin/pegawai/{employee.id}/ubah",
                               data=employee_form(employee, nama="Pindah Ke B", agency_id=str(world.b_id)))
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "Pilihan tidak sah" in response.get_data(as_text=True)
    employee = db.session.get(Employee, world.employee_ids["A"])
    assert employee.agency_id == world.agency_ids["A"]
    assert employee.name == "Pegawai Di A"


def test_agency_admin_cannot_create_an_employee_outside_scope(admin_of_a, world):
    form = hostile_form("masterdata.employee_create", world)
    response = admin_of_a.post("/admin/pegawai/baru", data=form)
    assert response.status_code in (200, 404)
    assert db.session.scalar(sa.select(Employee).where(Employee.nip == form["nip"])) is None


def test_agency_admin_manages_their_own_subtree(admin_of_a, world):
    employee = db.session.get(Employee, world.employee_ids["A"])
    response = admin_of_a.post(f"/admin/pegawai/{employee.id}/ubah",
                               data=employee_form(employee, jabatan="Kepala Seksi", agency_id=str(world.a_id)))
    assert response.status_code == 302
    employee = db.session.get(Employee, world.employee_ids["A"])
    assert (employee.position, employee.agency_id) == ("Kepala Seksi", world.a_id)
    assert admin_of_a.post(f"/admin/pegawai/{employee.id}/status").status_code == 302
    assert not db.session.get(Employee, employee.id).is_active


def test_agency_admin_offered_only_their_subtree(admin_of_a, world):
    body = admin_of_a.get("/admin/pegawai/baru").get_data(as_text=True)
    assert f'value="{world.agency_ids["A"]}"' in body
    assert f'value="{world.b_id}"' not in body
    assert "Dinas B" not in body


@pytest.mark.parametrize("role", sorted(SCOPED))
def test_scoped_pages_never_show_another_agency(app, world, make_staff, role):
    client, _ = sign_in(app, make_staff, world, role)
    nip_b = db.session.get(Employee, world.employee_ids["B"]).nip
    for url in ("/", "/admin/perangkat-daerah", "/admin/pegawai?status=semua", f"/admin/pegawai?q={nip_b}"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "Dinas B" not in body, url
        assert "Pegawai Di B" not in body, url
    assert "Pegawai Di A" in client.get("/admin/pegawai").get_data(as_text=True)
    assert client.get(f"/admin/pegawai?unit={world.b_id}").status_code == 404
    assert client.get(f"/admin/pegawai?unit={world.agency_ids['A']}").status_code == 200


def test_agency_admin_without_an_agency_sees_nothing(app, world, make_staff):
    """Scope fails closed: an agency admin row that lost its agency must not see the whole government."""
    staff = make_staff(Role.AGENCY_ADMIN)
    client = app.test_client()
    assert client.post("/masuk", data={"email": staff.email, "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get(f"/admin/pegawai/{world.employee_ids['B']}").status_code == 404
    assert client.get(f"/admin/pegawai/{world.employee_ids['B']}/ubah").status_code == 404
    body = client.get("/admin/pegawai?status=semua").get_data(as_text=True)
    assert "Pegawai Di B" not in body
    assert "Pegawai Di A" not in body
    assert db.session.get(Staff, staff.id).agency_id is None
