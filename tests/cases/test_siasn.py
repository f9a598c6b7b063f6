"""The SIASN export: decided ASN cases in the caller's view, one discipline record each, audited, never cached."""
from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.cases.models import CaseDecision, CaseStage
from netralitas.cases.siasn import COLUMNS
from netralitas.extensions import db
from netralitas.legal.services import sanction_by_code
from netralitas.masterdata.models import Category

pytestmark = pytest.mark.usefixtures("fast_passwords")

XLSX_URL = "/admin/kasus/siasn.xlsx"
CSV_URL = "/admin/kasus/siasn.csv"
#: Words of the decisions' reasons: free text that must never reach the export.
REASONS = "RAHASIA-ALASAN terbukti membagikan unggahan"


@pytest.fixture
def decided(world, officer, make_employee, make_letter_case):
    """Decided cases built through the models (the decision screens are separate): three ASN, one contract, one open."""
    pppk = make_employee(world.a, category=Category.PPPK, name="Citra PPPK", nip="199001012024212001")
    contract = make_employee(world.a, category=Category.KONTRAK, name="Dodi Kontrak")

    def decide(employee, form_code, sanction_code, number, decree_on, *, stage=CaseStage.DECIDED,
               in_force=(None, None)):
        case = make_letter_case(employee, date(2025, 2, 3), form_code=form_code)
        db.session.add(CaseDecision(case_id=case.id, sanction_id=sanction_by_code(sanction_code).id, reasons=REASONS,
                                    decree_number=number, decree_on=decree_on, in_force_from=in_force[0],
                                    in_force_until=in_force[1], decided_by_id=officer.id))
        case.stage = stage
        db.session.commit()
        return case

    cases = {
        "ani": decide(world.ani, "DIS-03", "PNS-SEDANG-TPP-6", "800/SK-7/2025", date(2025, 4, 30),
                      in_force=(date(2025, 5, 1), date(2025, 10, 31))),
        "budi": decide(world.budi, "DIS-09", "PNS-RINGAN-TERTULIS", "800/SK-3/2025", date(2025, 3, 10),
                       stage=CaseStage.REPORTED, in_force=(date(2025, 3, 10), None)),
        # A decree number that a spreadsheet would run as a formula.
        "pppk": decide(pppk, "ETIK-04", "PPPK-MORAL-TERBUKA", "=1+1/SK", date(2025, 5, 15)),
        "contract": decide(contract, "ETIK-04", "NONASN-SP1", "800/SP-1/2025", date(2025, 5, 20)),
    }
    cases["open"] = make_letter_case(world.ani, date(2025, 3, 3))  # still at triage: nothing to report
    return cases


def sheet_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames == ["Hukuman disiplin", "Petunjuk"]
    return list(workbook["Hukuman disiplin"].iter_rows(values_only=True))


def exports() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "case.siasn_export")
                                   .order_by(AuditEntry.seq)))


def test_a_super_admin_exports_every_decided_asn_case(app, world, decided, make_staff, client_for):
    response = client_for(make_staff(Role.SUPER_ADMIN)).get(XLSX_URL)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=siasn-hukdis-")
    header, *rows = sheet_rows(response)
    assert header == COLUMNS
    assert rows == [  # by decree date; the contract employee (no SIASN record) and the open case are left out
        (decided["budi"].number, world.budi.nip, "Budi Santoso", "Teguran tertulis", "Ringan", "800/SK-3/2025",
         datetime(2025, 3, 10), datetime(2025, 3, 10), None, None, "DIS-09"),
        (decided["ani"].number, world.ani.nip, "Ani Lestari",
         "Pemotongan tunjangan kinerja sebesar 25% selama 6 bulan", "Sedang", "800/SK-7/2025", datetime(2025, 4, 30),
         datetime(2025, 5, 1), datetime(2025, 10, 31), 6, "DIS-03"),
        (decided["pppk"].number, "199001012024212001", "Citra PPPK", "Sanksi moral berupa pernyataan secara terbuka",
         "Sanksi moral", "'=1+1/SK", datetime(2025, 5, 15), None, None, None, "ETIK-04"),
    ]
    assert b"RAHASIA-ALASAN" not in response.data  # the reasons are free text: never exported
    (entry,) = exports()
    data = json.loads(entry.data_json)
    assert (data["format"], data["count"]) == ("xlsx", 3)
    assert data["cases"] == [decided["budi"].number, decided["ani"].number, decided["pppk"].number]
    assert "Ani" not in entry.summary + entry.data_json


def test_a_case_officer_exports_only_the_cases_in_their_scope(app, world, decided, make_case_officer, client_for):
    response = client_for(make_case_officer(Role.AGENCY_ADMIN, agency=world.a)).get(XLSX_URL)
    assert response.status_code == 200
    numbers = [row[0] for row in sheet_rows(response)[1:]]
    assert numbers == [decided["ani"].number, decided["pppk"].number]  # Budi is in agency B


def test_csv_is_semicolon_separated_with_iso_dates_and_formula_safe(app, world, decided, officer, client_for):
    response = client_for(officer).get(CSV_URL)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff" + ";".join(COLUMNS) + "\r\n")
    lines = text.splitlines()[1:]
    assert lines[0] == (f"{decided['budi'].number};{world.budi.nip};Budi Santoso;Teguran tertulis;Ringan;"
                        "800/SK-3/2025;2025-03-10;2025-03-10;;;DIS-09")
    assert lines[2].split(";")[5] == "'=1+1/SK"
    assert len(lines) == 3
    assert json.loads(exports()[0].data_json)["format"] == "csv"


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.VIEWER, Role.OPERATOR])
def test_anyone_but_case_officers_and_super_admins_is_refused(app, world, decided, make_staff, client_for, role):
    staff = make_staff(role, agency=world.a if role != Role.OPERATOR else None)
    client = client_for(staff)
    assert client.get(XLSX_URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403
    assert exports() == []


def test_signed_out_visitors_are_sent_to_sign_in(app, world, client):
    response = client.get(XLSX_URL)
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_an_inactive_case_officer_cannot_export(app, world, decided, make_case_officer, client_for):
    staff = make_case_officer(Role.OPERATOR)
    client = client_for(staff)
    staff.is_active_account = False
    db.session.commit()
    assert client.get(XLSX_URL).status_code in (302, 401, 403)
    assert exports() == []
