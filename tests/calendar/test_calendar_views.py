"""The super admin's calendar screen: a year's holidays, adding and deleting days off, importing cuti bersama."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.extensions import db

pytestmark = pytest.mark.usefixtures("fast_passwords")

VALID = {"day": "18-08-2025", "name": "Cuti Bersama Hari Kemerdekaan", "kind": "cuti_bersama",
         "source": "SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024 (perubahan)"}


@pytest.fixture
def admin(client, make_staff, login_as):
    staff = make_staff(Role.SUPER_ADMIN)
    login_as(staff)
    return staff


def rows() -> list[DayOff]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(DayOff).order_by(DayOff.day)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.startswith("calendar."))
                                   .order_by(AuditEntry.seq)))


def test_year_page_lists_national_holidays_and_recorded_days(client, admin, lebaran_2025):
    page = client.get("/admin/kalender?tahun=2025").get_data(as_text=True)
    assert "Kalender hari kerja 2025" in page
    assert "Hari Raya Idul Fitri" in page and "Wafat Yesus Kristus" in page  # from the package
    assert "Cuti Bersama Hari Suci Nyepi" in page and "SKB 3 Menteri No. 1017/2024" in page  # recorded rows
    assert f"/admin/kalender/{lebaran_2025[0].id}/hapus" in page
    # The package's other 2025 cuti bersama (Imlek, Waisak, 18 August, ...) are offered for import.
    assert "Cuti Bersama Tahun Baru Imlek" in page and "impor-cuti-bersama" in page


def test_year_defaults_to_this_year_and_ignores_nonsense(client, admin):
    from netralitas.calendar.services import local_today

    this_year = local_today().year
    assert f"Kalender hari kerja {this_year}" in client.get("/admin/kalender").get_data(as_text=True)
    for nonsense in ("abc", "99999999999999999999", "-5", "1850"):
        response = client.get("/admin/kalender", query_string={"tahun": nonsense})
        assert response.status_code == 200
        assert f"Kalender hari kerja {this_year}" in response.get_data(as_text=True)


def test_adding_a_day_off_records_it_with_its_author_and_an_audit_entry(client, admin):
    response = client.post("/admin/kalender?tahun=2025", data=VALID)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/kalender?tahun=2025")
    [row] = rows()
    assert (row.day, row.name, row.kind, row.created_by_id) == (
        date(2025, 8, 18), VALID["name"], DayOffKind.CUTI_BERSAMA, admin.id)
    assert audit_actions() == ["calendar.day_off_add"]
    assert "Hari libur 18 Agustus 2025 ditambahkan." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_dates_are_read_in_any_usual_notation(client, admin):
    for typed, expected in (("2025-03-28", date(2025, 3, 28)), ("2 April 2025", date(2025, 4, 2)),
                            ("3/4/2025", date(2025, 4, 3))):
        assert client.post("/admin/kalender", data={**VALID, "day": typed}).status_code == 302
        assert rows()[-1].day == expected


def test_a_duplicate_day_is_refused_clearly(client, admin, lebaran_2025):
    response = client.post("/admin/kalender", data={**VALID, "day": "07-04-2025", "kind": "local"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Tanggal 07-04-2025 sudah tercatat sebagai hari libur: Cuti Bersama Hari Raya Idul Fitri." in page
    assert len(rows()) == len(lebaran_2025) and audit_actions() == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("day", "", "Isi tanggal."),
    ("day", "31-02-2025", "Format tanggal tidak dikenali."),
    ("day", "01-01-2205", "Tahun harus antara 2000 dan 2100."),
    ("name", "  ", "Isi nama hari libur."),
    ("name", "x" * 201, "Field cannot be longer than 200 characters."),
    ("name", "Libur\x01Daerah", "Teks tidak boleh berisi karakter kontrol."),
    ("source", "", "Sebutkan keputusan yang menetapkannya."),
    ("kind", "national", "Not a valid choice."),
])
def test_invalid_input_is_refused_in_indonesian(client, admin, field, value, message):
    response = client.post("/admin/kalender", data={**VALID, field: value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "invalid-feedback" in page
    if message.startswith(("Field", "Not")):  # WTForms' own messages, from our Indonesian catalog
        assert message not in page
    else:
        assert message in page
    assert rows() == []


def test_line_breaks_and_runs_of_spaces_become_one_space(client, admin):
    client.post("/admin/kalender", data={**VALID, "name": "  Cuti   Bersama\r\nHUT RI  "})
    assert rows()[0].name == "Cuti Bersama HUT RI"


def test_delete_asks_first_then_deletes_with_an_audit_entry(client, admin, lebaran_2025):
    row = lebaran_2025[-1]
    url = f"/admin/kalender/{row.id}/hapus"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Hapus hari libur 7 Apr 2025?" in confirm.get_data(as_text=True)
    assert len(rows()) == len(lebaran_2025)  # asking changes nothing
    response = client.post(url)
    assert response.status_code == 302 and response.headers["Location"].endswith("?tahun=2025")
    assert date(2025, 4, 7) not in {r.day for r in rows()}
    assert audit_actions() == ["calendar.day_off_delete"]
    assert client.get(url).status_code == 404


def test_delete_needs_the_csrf_token(app, client, admin, lebaran_2025):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/admin/kalender/{lebaran_2025[0].id}/hapus")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code in (200, 400)
    assert len(rows()) == len(lebaran_2025) and audit_actions() == []


def test_import_button_records_the_package_cuti_bersama_once(client, admin, lebaran_2025):
    response = client.post("/admin/kalender/impor-cuti-bersama", data={"year": "2025"})
    assert response.status_code == 302
    days = {r.day for r in rows()}
    assert {date(2025, 1, 28), date(2025, 8, 18), date(2025, 12, 26)} <= days
    assert audit_actions() == ["calendar.cuti_bersama_import"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cuti bersama tahun 2025 ditambahkan" in page
    again = client.post("/admin/kalender/impor-cuti-bersama", data={"year": "2025"})
    assert "sudah tercatat" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert audit_actions() == ["calendar.cuti_bersama_import"]


def test_import_refuses_a_year_it_cannot_show(client, admin):
    for year in ("", "abc", "1850", "99999999999999999999"):
        response = client.post("/admin/kalender/impor-cuti-bersama", data={"year": year})
        assert response.status_code == 302
    assert rows() == [] and audit_actions() == []


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AGENCY_ADMIN, Role.VIEWER])
def test_other_roles_cannot_touch_the_calendar(client, make_staff, make_agency, login_as, lebaran_2025, role):
    login_as(make_staff(role, agency=make_agency() if role != Role.OPERATOR else None))
    assert client.get("/admin/kalender").status_code == 403
    assert client.post("/admin/kalender", data=VALID).status_code == 403
    assert client.post(f"/admin/kalender/{lebaran_2025[0].id}/hapus").status_code == 403
    assert client.post("/admin/kalender/impor-cuti-bersama", data={"year": "2025"}).status_code == 403
    assert len(rows()) == len(lebaran_2025)
