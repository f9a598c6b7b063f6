"""The super admin's catalogue screens: violation forms, sanctions and deadlines; every change audited."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.legal import services
from netralitas.legal.models import SanctionGroup, SanctionLevel, ViolationClass


@pytest.fixture
def admin_client(client, make_staff, login_as):
    services.seed_catalogue()
    db.session.commit()
    login_as(make_staff(Role.SUPER_ADMIN))
    return client


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("legal.%"))
                                   .order_by(AuditEntry.seq)))


def test_forms_listed_by_class(admin_client):
    page = admin_client.get("/admin/katalog").get_data(as_text=True)
    etik, disiplin = page.index('id="forms-etik"'), page.index('id="forms-disiplin"')
    assert etik < page.index("ETIK-01") < disiplin < page.index("DIS-01")
    assert "PP 42/2004 Pasal 15" in page


def test_add_a_form(admin_client):
    response = admin_client.post("/admin/katalog/baru", data={
        "code": "dis-20", "violation_class": "disiplin", "sanction_level": "berat",
        "text": "Menjadi saksi pasangan calon di TPS", "source": "Peraturan daerah (verifikasi)"})
    assert response.status_code == 302
    form = services.form_by_code("DIS-20")
    assert (form.violation_class, form.sanction_level) == (ViolationClass.DISIPLIN, SanctionLevel.BERAT)
    assert actions() == ["legal.seed", "legal.form_create"]
    assert "DIS-20" in admin_client.get("/admin/katalog").get_data(as_text=True)


def test_a_refused_form_keeps_what_was_typed(admin_client):
    response = admin_client.post("/admin/katalog/baru", data={
        "code": "DIS 20", "violation_class": "etik", "sanction_level": "moral",
        "text": "Uraian panjang yang sudah diketik", "source": "Sumber yang diketik"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kode hanya boleh berisi huruf A-Z" in page
    assert "Uraian panjang yang sudah diketik" in page and 'value="Sumber yang diketik"' in page
    assert 'value="DIS 20"' in page
    assert actions() == ["legal.seed"]


def test_a_taken_code_is_said_on_the_code_field(admin_client):
    response = admin_client.post("/admin/katalog/baru", data={
        "code": "ETIK-01", "violation_class": "etik", "sanction_level": "moral", "text": "x", "source": "y"})
    assert response.status_code == 200
    assert "Kode ETIK-01 sudah dipakai." in response.get_data(as_text=True)


def test_the_service_refusal_is_said_under_its_field(admin_client):
    # A zero-width space passes the form's "required" check; the service finds no printable text in it.
    response = admin_client.post("/admin/katalog/baru", data={
        "code": "DIS-21", "violation_class": "etik", "sanction_level": "moral", "text": "\u200b", "source": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index('name="text"') < page.index("Uraian wajib diisi.") < page.index('name="source"')
    assert services.form_by_code("DIS-21") is None


def test_an_unknown_class_is_refused(admin_client):
    response = admin_client.post("/admin/katalog/baru", data={
        "code": "X-1", "violation_class": "pidana", "sanction_level": "moral", "text": "x", "source": "y"})
    assert response.status_code == 200
    assert services.form_by_code("X-1") is None


def test_edit_a_form_but_never_its_code(admin_client):
    page = admin_client.get("/admin/katalog/DIS-03/ubah").get_data(as_text=True)
    assert 'name="code"' not in page and "sedang" in page
    response = admin_client.post("/admin/katalog/DIS-03/ubah", data={
        "code": "DIS-99", "violation_class": "disiplin", "sanction_level": "berat", "text": "Pendekatan ke partai",
        "source": "SKB 2022"})
    assert response.status_code == 302
    form = services.form_by_code("DIS-03")
    assert (form.sanction_level, form.text) == (SanctionLevel.BERAT, "Pendekatan ke partai")
    assert services.form_by_code("DIS-99") is None
    assert actions()[-1] == "legal.form_update"


def test_deactivate_a_form_after_confirmation(admin_client):
    page = admin_client.get("/admin/katalog/ETIK-02/status").get_data(as_text=True)
    assert "Nonaktifkan ETIK-02?" in page
    assert services.form_by_code("ETIK-02").is_active  # the question changes nothing
    assert admin_client.post("/admin/katalog/ETIK-02/status").status_code == 302
    assert not services.form_by_code("ETIK-02").is_active
    assert "ETIK-02" not in {f.code for f in services.active_forms()}
    assert "Aktifkan ETIK-02?" in admin_client.get("/admin/katalog/ETIK-02/status").get_data(as_text=True)
    assert admin_client.post("/admin/katalog/ETIK-02/status").status_code == 302
    assert services.form_by_code("ETIK-02").is_active
    assert actions()[-2:] == ["legal.form_deactivate", "legal.form_activate"]


def test_unknown_codes_are_404(admin_client):
    for url in ("/admin/katalog/NOPE/ubah", "/admin/katalog/NOPE/status", "/admin/katalog/sanksi/NOPE/ubah",
                "/admin/katalog/sanksi/NOPE/status", "/admin/tenggat/nope/ubah", "/admin/tenggat/nope/reset"):
        assert admin_client.get(url).status_code == 404, url
        assert admin_client.post(url).status_code == 404, url


def test_sanctions_listed_by_group(admin_client):
    page = admin_client.get("/admin/katalog/sanksi").get_data(as_text=True)
    pns, pppk, non_asn = (page.index(f'id="sanctions-{g.value}"') for g in SanctionGroup)
    assert pns < page.index("PNS-SEDANG-TPP-6") < pppk < page.index("PPPK-BERAT-PHPK") < non_asn < page.index("NONASN-SP3")
    assert "Kontrak, Upahan, BLUD, BUMD" in page
    assert "25% selama 9 bulan" in page


def test_add_edit_and_deactivate_a_sanction(admin_client):
    response = admin_client.post("/admin/katalog/sanksi/baru", data={
        "code": "NONASN-SKORSING", "employee_group": "non_asn", "level": "sedang", "text": "Skorsing tanpa upah",
        "duration_months": "1", "source": "Kontrak kerja daerah", "position": "45"})
    assert response.status_code == 302
    response = admin_client.post("/admin/katalog/sanksi/NONASN-SKORSING/ubah", data={
        "employee_group": "pns", "level": "berat", "text": "Skorsing", "duration_months": "",
        "source": "Kontrak kerja daerah", "position": "45"})
    assert response.status_code == 302
    sanction = services.sanction_by_code("NONASN-SKORSING")
    assert (sanction.employee_group, sanction.level, sanction.duration_months) == (
        SanctionGroup.NON_ASN, SanctionLevel.BERAT, None)  # the group never changes
    assert admin_client.post("/admin/katalog/sanksi/NONASN-SKORSING/status").status_code == 302
    assert not services.sanction_by_code("NONASN-SKORSING").is_active
    assert actions()[-3:] == ["legal.sanction_create", "legal.sanction_update", "legal.sanction_deactivate"]


def test_a_bad_duration_is_said_on_its_field(admin_client):
    response = admin_client.post("/admin/katalog/sanksi/PNS-SEDANG-TPP-6/ubah", data={
        "level": "sedang", "text": "Potong tunjangan", "duration_months": "abc", "source": "PP 94/2021",
        "position": "60"})
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert services.sanction_by_code("PNS-SEDANG-TPP-6").text.startswith("Pemotongan tunjangan kinerja")


def test_deadlines_show_default_range_start_and_source(admin_client):
    page = admin_client.get("/admin/tenggat").get_data(as_text=True)
    assert "Tanggal keputusan hukuman disiplin ditetapkan" in page
    assert "PP 79/2021" in page and "1–14" in page and "tetap" in page
    assert "/admin/tenggat/objection_window/ubah" not in page  # fixed by law: no edit link


def test_edit_a_deadline_within_the_room(admin_client):
    assert admin_client.post("/admin/tenggat/recommendation_follow_up/ubah",
                             data={"working_days": "10"}).status_code == 302
    assert services.deadline_days("recommendation_follow_up") == 10
    page = admin_client.get("/admin/tenggat").get_data(as_text=True)
    assert "diubah" in page and "/admin/tenggat/recommendation_follow_up/reset" in page
    assert actions()[-1] == "legal.deadline_update"


def test_a_deadline_outside_the_room_is_refused_with_the_message(admin_client):
    response = admin_client.post("/admin/tenggat/recommendation_follow_up/ubah", data={"working_days": "20"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tenggat harus antara 1 dan 14 hari kerja." in page and 'value="20"' in page
    assert services.deadline_days("recommendation_follow_up") == 14
    assert actions() == ["legal.seed"]


def test_reset_a_deadline_after_confirmation(admin_client):
    admin_client.post("/admin/tenggat/second_summons/ubah", data={"working_days": "3"})
    page = admin_client.get("/admin/tenggat/second_summons/reset").get_data(as_text=True)
    assert "Kembalikan" in page and services.deadline_days("second_summons") == 3
    assert admin_client.post("/admin/tenggat/second_summons/reset").status_code == 302
    assert services.deadline_days("second_summons") == 7
    assert actions()[-2:] == ["legal.deadline_update", "legal.deadline_update"]


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.OPERATOR, Role.VIEWER])
def test_only_super_admins(client, make_staff, login_as, role):
    services.seed_catalogue()
    db.session.commit()
    login_as(make_staff(role))
    assert client.get("/admin/katalog").status_code == 403
    assert client.post("/admin/tenggat/second_summons/ubah", data={"working_days": "3"}).status_code == 403
    assert services.deadline_days("second_summons") == 7
