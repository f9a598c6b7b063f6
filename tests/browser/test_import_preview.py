"""The preview of a rejected import in a real browser: the rejection first, the import button only after the tick."""
from __future__ import annotations

import pytest

from netralitas.auth.models import Role
from netralitas.auth.services import create_staff
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind
from netralitas.masterdata.services import create_agency
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.conftest import PASSWORD
from tests.masterdata.test_simpeg_import import EMPLOYEE_HEADER, employee_rows, simpeg_xlsx

pytestmark = pytest.mark.browser


def _seed(app) -> None:
    with app.app_context():
        root = create_agency("test", code="3273", name="Pemerintah Kota Contoh", kind=AgencyKind.PEMERINTAH, parent=None)
        for code, name in (("3273.02", "Satuan Polisi Pamong Praja"), ("3273.04", "RSUD Kota Contoh")):
            create_agency("test", code=code, name=name, kind=AgencyKind.DINAS, parent=root)
        health = create_agency("test", code="3273.03", name="Dinas Kesehatan", kind=AgencyKind.DINAS, parent=root)
        create_agency("test", code="3273.03.01", name="UPTD Puskesmas", kind=AgencyKind.UNIT, parent=health)
        create_staff("test", email="admin@uji.go.id", name="Admin Uji", role=Role.SUPER_ADMIN, password=PASSWORD)
        db.session.commit()


@pytest.mark.parametrize(("viewport", "name"), [({"width": 1280, "height": 900}, "desktop"), (PHONE, "phone")])
def test_rejected_file_preview(live_app, page_factory, tmp_path, viewport, name):
    app, base_url = live_app
    _seed(app)
    page = page_factory(viewport)
    log_in(page, base_url)
    upload = tmp_path / "pegawai_simpeg.xlsx"
    upload.write_bytes(simpeg_xlsx("PEGAWAI", EMPLOYEE_HEADER, employee_rows()))
    page.goto(f"{base_url}/admin/impor/")
    page.set_input_files("input[name=employees-file]", str(upload))
    page.locator("form[action$='/employees/unggah'] input[type=submit]").click()
    page.wait_for_url("**/pratinjau/**")

    assert page.get_by_role("heading", name="Berkas ditolak: 1 dari 3 baris bermasalah.").is_visible()
    button = page.locator("input[name=submit]")
    assert button.is_disabled()
    screenshot(page, f"import-preview-rejected-{name}")
    page.check("input[name=only_valid]")
    assert button.is_enabled()
    page.uncheck("input[name=only_valid]")
    assert button.is_disabled()
    page.check("input[name=only_valid]")
    button.click()
    assert page.get_by_text("Impor selesai: 2 dibuat").is_visible()
    assert page.console_errors == []
