"""The done-when "a scan of every public page and JSON finds no employee name or NIP/NIK".

A rich world (employees with distinctive names, NIP, NIK and birth dates; an open event with signatures, certificates
and a revocation; cases at several stages; public reports about employees by their full names, matched, turned into
cases, dismissed and forwarded, from reporters who left their names and contacts) is scanned through every route the
route × role table gives to anonymous visitors, taken from the URL map (so a public page added later is scanned as soon
as it is registered), in Indonesian and English, plus the public POST answers (/lapor/terima, /lapor/status with real
receipts, /cek with real codes) and every public JSON. None may hold a full name, NIP, NIK, birth date, case number,
letter number, reporter name or contact. The verify pages show a masked name and number by design. The URLs scanned go
to test-artifacts/public-scan.txt. SQLite and PostgreSQL.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from netralitas.auth.models import Role
from netralitas.cases import documents
from netralitas.cases import services as cases
from netralitas.cases.models import Case, CaseDecision, CaseSource, CaseStage, DocumentKind
from netralitas.certificates import services as certificates
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.core.masking import mask_name, mask_number
from netralitas.extensions import db
from netralitas.legal.services import form_by_code, sanction_by_code, seed_catalogue
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee
from netralitas.public_reports import triage
from netralitas.public_reports.models import PublicReport
from tests.cases.conftest import document_content
from tests.conftest import PASSWORD
from tests.public_reports.conftest import receipt_from, report_form
from tests.test_access import ACCESS, ANON, PLAIN_URL_VALUES

pytestmark = pytest.mark.usefixtures("fast_passwords")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NAMES = ("Wiratmoko Sastradiharja", "Kusumawardhani Prameswari", "Hendrawan Suryokusumo", "Larasati Cahyaningtyas",
         "Bagaskara Wicaksono", "Sekarayu Anjaniputri", "Danurwenda Kartasasmita", "Gayatri Puspitasari Ningrum",
         "Adiwangsa Purbaningrat", "Ratnasari Widyaningrum", "Satriyo Nugrohojati", "Pramudita Anggraeni")
REPORTERS = (("Suryaatmaja Pelapor Rahasia", "0812-7777-3131"), ("Wulandari Saksi Rahasia", "saksi.rahasia@contoh.id"),
             ("Cakrawangsa Warga Peduli", "0857 2468 1357"))
#: Words of what reporters wrote: never shown to the public (the reporter sees only the stage and a public reason).
DESCRIPTION = "Uraian RAHASIA-URAIAN: mengunggah ajakan memilih pasangan calon di grup wali murid."
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


@dataclass
class RichWorld:
    """What the scan visits and what it must never find."""

    government: Agency
    other_government: Agency
    event_slug: str
    employees: list[Employee]
    tokens: list[str]  # certificate tokens (one revoked) and a case document's token
    certificate_codes: list[str]
    document_token: str
    document_case_number: str
    invitation_code: str  # of an employee who has not signed
    kid: str
    receipts: dict[str, str] = field(default_factory=dict)  # what happened to the report -> its receipt
    forbidden: dict[str, str] = field(default_factory=dict)  # what it is -> the text


def birth_forms(born: date) -> list[str]:
    """A birth date as pages could print it."""
    day, month, year = born.day, born.month, born.year
    return [born.isoformat(), born.strftime("%d-%m-%Y"), born.strftime("%d/%m/%Y"), born.strftime("%d.%m.%Y"),
            born.strftime("%Y%m%d"), f"{day} {MONTHS_ID[month - 1]} {year}", f"{day:02d} {MONTHS_ID[month - 1]} {year}",
            f"{day} {MONTHS_ID[month - 1][:3]} {year}", f"{day} {MONTHS_EN[month - 1]} {year}",
            f"{MONTHS_EN[month - 1]} {day}, {year}", f"{day} {MONTHS_EN[month - 1][:3]} {year}"]


def make_people(make_agency, make_employee) -> tuple[Agency, Agency, list[Employee]]:
    government = make_agency("KOTA-SENTOSA", name="Pemerintah Kota Sentosa", kind=AgencyKind.PEMERINTAH)
    other = make_agency("KAB-MAKMUR", name="Pemerintah Kabupaten Makmur", kind=AgencyKind.PEMERINTAH)
    education = make_agency("DISDIK-S", parent=government, name="Dinas Pendidikan")
    school = make_agency("SDN-7-S", parent=education, name="SD Negeri 7", kind=AgencyKind.UNIT)
    health = make_agency("DINKES-S", parent=government, name="Dinas Kesehatan")
    employees = []
    for n, name in enumerate(NAMES):
        born = date(1966 + n, 1 + n % 12, 3 + 2 * n)
        gender = "L" if n % 2 else "P"
        category = Category.PNS if n % 3 else Category.PPPK
        nip = make_nip_pns(born, 1994 + n % 9, 3, gender, 200 + n) if category == Category.PNS else None
        employees.append(Employee(name=name, name_search=name.lower(), category=category, birth_date=born, nip=nip,
                                  nik=make_nik("337401", born, gender, 4100 + n), position="Analis",
                                  agency=(education, school, health)[n % 3]))
    db.session.add_all(employees)
    db.session.commit()
    make_employee(other, name="Pegawai Kabupaten Makmur")
    return government, other, employees


def open_cases(officer, employees: list[Employee]) -> list[Case]:
    """Cases at every stage, from letters and findings; decided ones with a decree."""
    stages = (CaseStage.TRIAGE, CaseStage.EXAMINATION, CaseStage.DECISION, CaseStage.DECIDED, CaseStage.REPORTED,
              CaseStage.CLOSED, CaseStage.FORWARDED)
    opened = []
    for n, (employee, stage) in enumerate(zip(employees, stages, strict=False)):
        letter = n % 2 == 0
        intake = cases.Intake(employee=employee, violation_form_id=form_by_code("ETIK-04").id,
                              source=CaseSource.BAWASLU if letter else CaseSource.INTERNAL,
                              received_on=date(2026, 3, 2 + n), summary=f"Temuan tentang {employee.name}.",
                              letter_number=f"RAHASIA-{n}/PM.00/2026" if letter else None,
                              letter_date=date(2026, 2, 27) if letter else None)
        case = cases.open_case(officer, intake)
        case.stage = stage
        if stage in (CaseStage.DECIDED, CaseStage.REPORTED):
            db.session.add(CaseDecision(case_id=case.id, sanction_id=sanction_by_code("PNS-RINGAN-TERTULIS").id,
                                        reasons=f"Terbukti; {employee.name}.", decree_number=f"800/SK-RAHASIA-{n}/2026",
                                        decree_on=date(2026, 4, 20), decided_by_id=officer.id))
        opened.append(case)
    db.session.commit()
    return opened


@dataclass(frozen=True)
class _DocumentPeople:
    """What tests/cases/conftest.document_content reads: the employee as `ani` and their agency as `a`."""

    ani: Employee
    a: Agency


def send_reports(public: FlaskClient, government: Agency, officer, employees: list[Employee]) -> dict[str, str]:
    """Reports about employees by their full names, through /lapor; triaged to several ends. Returns the receipts."""
    plans = {"received": 6, "in review, matched": 7, "case, running": 8, "case, decided": 9, "dismissed": 10,
             "forwarded": 11}
    receipts = {}
    for n, (end, index) in enumerate(plans.items()):
        reporter_name, contact = REPORTERS[n % len(REPORTERS)]
        data = report_form(government, subject_name=employees[index].name, description=DESCRIPTION,
                           reporter_name=reporter_name, reporter_contact=contact,
                           subject_position="Guru", subject_unit="SD Negeri 7")
        assert public.post("/lapor", data=data).status_code == 302
        receipts[end] = receipt_from(public)
        report = db.session.scalar(sa.select(PublicReport).order_by(PublicReport.id.desc()).limit(1))
        if end == "received":
            continue
        triage.claim(officer, report)
        if end == "dismissed":
            triage.dismiss(officer, report, "Setelah ditelaah, unggahan tidak ditemukan dan bukti belum cukup.")
        elif end == "forwarded":
            triage.forward(officer, report, "bawaslu", "Diteruskan kepada Bawaslu kota yang berwenang menanganinya.")
        else:
            triage.match_employee(officer, report, employees[index])
            if end.startswith("case"):
                case = triage.open_case(officer, report, form_by_code("ETIK-04").id)
                case.stage = CaseStage.DECIDED if end == "case, decided" else CaseStage.EXAMINATION
        db.session.commit()
    return receipts


@pytest.fixture
def rich_world(app, client, make_agency, make_employee, make_staff, make_event, sign_for, invite, revoke) -> RichWorld:
    seed_catalogue("test")
    db.session.commit()
    government, other, employees = make_people(make_agency, make_employee)
    officer = make_staff(Role.OPERATOR)
    officer.is_case_officer = True
    db.session.commit()
    event = make_event(name="Deklarasi Netralitas ASN Pilkada Kota Sentosa 2026")
    signed = [sign_for(event, employee, attended=n % 2 == 0).certificate for n, employee in enumerate(employees[:10])]
    revoke(signed[1])
    invitation = invite(event, employees[11])
    opened = open_cases(officer, employees)
    decided = next(case for case in opened if case.stage == CaseStage.DECIDED)
    document = documents.issue_document(
        officer, decided, DocumentKind.DECREE, number="800/SK-DOK/2026", issued_on=date(2026, 4, 20),
        content=document_content(DocumentKind.DECREE, _DocumentPeople(db.session.get(Employee, decided.employee_id),
                                                                        government)))
    db.session.commit()
    receipts = send_reports(client, government, officer, employees)

    forbidden: dict[str, str] = {}
    for employee in employees:
        forbidden[f"name of {employee.name}"] = employee.name
        if employee.nip:
            forbidden[f"NIP of {employee.name}"] = employee.nip
        forbidden[f"NIK of {employee.name}"] = employee.nik
        for n, text in enumerate(birth_forms(employee.birth_date)):
            forbidden[f"birth date of {employee.name} ({n})"] = text
    all_cases = db.session.scalars(sa.select(Case)).all()
    for case in all_cases:
        forbidden[f"case number {case.number}"] = case.number
        if case.letter_number:
            forbidden[f"letter number {case.letter_number}"] = case.letter_number
    for name, contact in REPORTERS:
        forbidden[f"reporter {name}"] = name
        forbidden[f"contact of {name}"] = contact
    forbidden["a report's description"] = "RAHASIA-URAIAN"
    forbidden["a decree number"] = "SK-RAHASIA"
    return RichWorld(
        government=government, other_government=other, event_slug=event.slug, employees=employees,
        tokens=[c.token for c in signed[:2]] + [document.token], certificate_codes=[c.code for c in signed[:2]],
        document_token=document.token, document_case_number=decided.number, invitation_code=invitation.code,
        kid=certificates.published_keys()[0].kid, receipts=receipts, forbidden=forbidden)


# --- finding personal data ---------------------------------------------------------------------------------------------

def leaks(body: str, forbidden: dict[str, str], *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """What of `forbidden` the body holds: text case-insensitively, numbers also when printed with separators."""
    lowered = body.lower()
    digits_joined = re.sub(r"(?<=\d)[\s.\-/•]+(?=\d)", "", body)
    found = []
    for label, text in forbidden.items():
        if text in allowed:
            continue
        if text.lower() in lowered or (text.isdigit() and text in digits_joined):
            found.append(label)
    return found


def argument_values(rule, world: RichWorld) -> dict[str, list]:
    """Real values of the rich world for each URL argument (and junk ones), per route."""
    values = {}
    for name in sorted(rule.arguments - set(rule.defaults or {})):
        if name == "slug":
            values[name] = [world.event_slug]
        elif name == "code" and rule.endpoint.startswith("transparency."):
            values[name] = [world.government.code, world.other_government.code, "x"]
        elif name == "code" and rule.endpoint == "signing.personal_link":
            values[name] = [world.invitation_code, "x"]
        elif name == "token":
            values[name] = [*world.tokens, "x"]
        elif name == "kid":
            values[name] = [world.kid, "x"]
        elif name in PLAIN_URL_VALUES:
            values[name] = [PLAIN_URL_VALUES[name]]
        else:
            pytest.fail(f"{rule.endpoint}: no value for URL argument {name!r}; add one to {__name__}")
    return values


def public_get_urls(app, world: RichWorld) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET route anonymous visitors may open, with the rich world's values."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        access = ACCESS.get(rule.endpoint)
        if rule.endpoint == "static" or "GET" not in rule.methods or (access is not None and ANON not in access.roles):
            continue  # routes missing from ACCESS are scanned too: test_access.py fails for them on its own
        values = argument_values(rule, world)
        queries = [{}]
        if rule.endpoint.startswith("transparency.") and "code" in values:
            queries += [{"acara": world.event_slug}, {"tahun": "2026"}, {"tahun": "2025"}]
        for combination in itertools.product(*values.values()):
            for query in queries:
                built = {**(rule.defaults or {}), **dict(zip(values, combination, strict=True)), **query}
                urls.append((rule.endpoint, rule.build(built, append_unknown=True)[1]))
    return urls


# --- the scan ----------------------------------------------------------------------------------------------------------

_scanned: dict[str, list[str]] = {}


def test_no_public_page_or_json_holds_personal_data(app, rich_world, make_staff, backend):
    world = rich_world
    scanned, failures = [], []

    def scan(what: str, response, *, allowed: frozenset[str] = frozenset()) -> str:
        assert response.status_code < 500, (what, response.status_code)
        body = response.get_data(as_text=True)
        short = re.sub(r"/v/[\w-]+\.([\w-]{12})[\w.-]*", r"/v/….\1…", what)  # a token's payload tells them apart
        scanned.append(f"{short} -> {response.status_code} {response.mimetype}")
        failures.extend(f"{what}: {label}" for label in leaks(body, world.forbidden, allowed=allowed))
        return body

    gets = public_get_urls(app, world)
    for language in ("id", "en"):
        visitor = app.test_client()
        visitor.get(f"/?lang={language}")
        for _endpoint, url in gets:
            # A case document's verify page names its case by design (tests/cases/test_document_verify.py).
            allowed = frozenset({world.document_case_number}) if world.document_token in url else frozenset()
            scan(f"GET {url} [{language}]", visitor.get(url), allowed=allowed)
        for end, receipt in world.receipts.items():
            body = scan(f"POST /lapor/status ({end}) [{language}]", visitor.post("/lapor/status", data={"receipt": receipt}))
            assert "data-status=" in body, end  # a real answer, not the form again
        for code in world.certificate_codes:
            body = scan(f"POST /cek {code} [{language}]", visitor.post("/cek", data={"code": certificates.display_code(code)}))
            assert "verdict" in body
        # Someone holding an invitation code but not its owner's birth date learns nothing of the owner.
        wrong_birth = visitor.post(f"/e/{world.event_slug}", data={"code": world.invitation_code, "birth_date": "01-01-1990"})
        assert wrong_birth.status_code == 422
        scan(f"POST /e/{world.event_slug} (a real code, a wrong birth date) [{language}]", wrong_birth)
        # A report as the public sends one (its subject an employee's full name), and its receipt page.
        sent = visitor.post("/lapor", data=report_form(world.government, subject_name=world.employees[0].name,
                                                       reporter_name=REPORTERS[0][0], reporter_contact=REPORTERS[0][1]))
        assert sent.status_code == 302
        scan(f"POST /lapor [{language}]", sent)
        scan(f"GET /lapor/terima [{language}]", visitor.get("/lapor/terima"))
        added = visitor.post("/lapor/status/bukti", data={"receipt": world.receipts["case, running"], "evidence": []},
                             content_type="multipart/form-data")
        scan(f"POST /lapor/status/bukti [{language}]", added)

    assert not failures, "personal data on public pages:\n" + "\n".join(failures)
    assert_the_scan_was_real(app, world, gets, make_staff)
    write_scanned(backend, scanned)


def assert_the_scan_was_real(app, world: RichWorld, gets: list[tuple[str, str]], make_staff) -> None:
    """The scan reached every public route, the verify pages showed the masked forms, and the detector does find the
    same data where staff see it."""
    public_endpoints = {endpoint for endpoint, access in ACCESS.items() if ANON in access.roles}
    get_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert public_endpoints & get_endpoints <= {endpoint for endpoint, _ in gets}
    # certificate_codes[0] is the first employee's certificate: its answer shows the masked forms only.
    owner = world.employees[0]
    page = app.test_client().post("/cek", data={"code": certificates.display_code(world.certificate_codes[0])})
    assert mask_name(owner.name) in page.text and mask_number(owner.nip or owner.nik) in page.text
    # The detector finds the same data where staff see it: the employee page of a signed PNS.
    pns = world.employees[1]
    admin = make_staff(Role.SUPER_ADMIN)
    staff = app.test_client()
    assert staff.post("/masuk", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    detail = staff.get(f"/admin/pegawai/{pns.id}").get_data(as_text=True)
    assert {f"name of {pns.name}", f"NIP of {pns.name}", f"NIK of {pns.name}"} <= set(leaks(detail, world.forbidden))


def write_scanned(backend: str, scanned: list[str]) -> None:
    """Both databases' lists in one file (a test file runs in one process)."""
    _scanned[backend] = [f"[{backend}] {len(scanned)} public answers scanned: no employee name, NIP, NIK, birth date, "
                         "case or letter number, reporter name or contact", *scanned]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "public-scan.txt").write_text(
        "\n".join(line for name in sorted(_scanned) for line in [*_scanned[name], ""]))
