"""Agency tree and employee screens, driven through the real forms."""
from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee, Gender

pytestmark = pytest.mark.usefixtures("fast_passwords")

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def admin(make_staff, login_as):
    staff = make_staff(Role.SUPER_ADMIN)
    login_as(staff)
    return staff


@pytest.fixture
def tree(make_agency):
    """KOTA → DINAS-A → BIDANG-A1, and KOTA → DINAS-B."""
    kota = make_agency("KOTA", name="Pemerintah Kota", kind=AgencyKind.PEMERINTAH)
    dinas_a = make_agency("DINAS-A", parent=kota, name="Dinas Alfa")
    bidang = make_agency("BIDANG-A1", parent=dinas_a, name="Bidang Alfa Satu", kind=AgencyKind.UNIT)
    dinas_b = make_agency("DINAS-B", parent=kota, name="Dinas Beta")
    return {a.code: a.id for a in (kota, dinas_a, bidang, dinas_b)}


def agency(code: str) -> Agency:
    db.session.expire_all()
    return db.session.scalar(sa.select(Agency).where(Agency.code == code))


def employee_named(name: str) -> Employee | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Employee).where(Employee.name == name))


def employee_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Employee))


def text_of(response) -> str:
    return response.get_data(as_text=True)


class TreeParser(HTMLParser):
    """Records the nesting depth of each agency name (<strong>) in the tree's nested lists."""

    def __init__(self):
        super().__init__()
        self.lists: list[bool] = []  # open <ul> elements: is each one a tree level?
        self.in_strong = False
        self.names: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "ul":
            self.lists.append("tree-list" in (dict(attrs).get("class") or ""))
        self.in_strong = tag == "strong"

    def handle_endtag(self, tag):
        if tag == "ul":
            self.lists.pop()
        if tag == "strong":
            self.in_strong = False

    def handle_data(self, data):
        if self.in_strong and data.strip() and any(self.lists):
            self.names[data.strip()] = sum(self.lists)


# --- agency tree ---------------------------------------------------------------------------


def test_tree_renders_nested_agencies_and_counts(client, admin, tree, make_employee):
    for _ in range(2):
        make_employee(agency("DINAS-A"))
    make_employee(agency("BIDANG-A1"))
    make_employee(agency("DINAS-A"), is_active=False)  # inactive employees are not counted
    response = client.get("/admin/perangkat-daerah")
    assert response.status_code == 200
    body = text_of(response)
    parser = TreeParser()
    parser.feed(body)
    assert parser.names == {"Pemerintah Kota": 1, "Dinas Alfa": 2, "Bidang Alfa Satu": 3, "Dinas Beta": 2}
    assert f'href="/admin/pegawai?unit={tree["DINAS-A"]}">2 pegawai' in body
    assert f'href="/admin/pegawai?unit={tree["BIDANG-A1"]}">1 pegawai' in body
    assert f'href="/admin/pegawai?unit={tree["DINAS-B"]}">0 pegawai' in body
    assert body.index("Dinas Alfa") < body.index("Bidang Alfa Satu") < body.index("Dinas Beta")


def test_tree_marks_inactive_agencies(client, admin, tree):
    client.post(f"/admin/perangkat-daerah/{tree['DINAS-B']}/status")
    body = text_of(client.get("/admin/perangkat-daerah"))
    assert re.search(r"Dinas Beta</strong>.*?nonaktif", body, re.S)


def test_scoped_viewer_sees_only_their_subtree(app, client, tree, make_staff, login_as):
    login_as(make_staff(Role.VIEWER, agency=agency("DINAS-A")))
    parser = TreeParser()
    parser.feed(text_of(client.get("/admin/perangkat-daerah")))
    assert parser.names == {"Dinas Alfa": 1, "Bidang Alfa Satu": 2}


def test_empty_tree(client, admin):
    assert "Belum ada perangkat daerah." in text_of(client.get("/admin/perangkat-daerah"))


def agency_form(**overrides) -> dict:
    data = {"kode": "DISDIK", "nama": "Dinas Pendidikan", "jenis": "DINAS", "parent_id": "0"}
    data.update(overrides)
    return data


def test_create_agency_under_a_parent(client, admin, tree):
    response = client.post("/admin/perangkat-daerah/baru", data=agency_form(kode=" disdik ",
                                                                            parent_id=str(tree["KOTA"])))
    assert response.status_code == 302
    created = agency("DISDIK")
    assert created.parent_id == tree["KOTA"]
    assert (created.path, created.depth) == (f"/{tree['KOTA']}/{created.id}/", 1)
    assert created.kind == AgencyKind.DINAS


def test_create_agency_form_preselects_the_parent(client, admin, tree):
    body = text_of(client.get(f"/admin/perangkat-daerah/baru?induk={tree['DINAS-A']}"))
    assert f'<option selected value="{tree["DINAS-A"]}">' in body


@pytest.mark.parametrize(("overrides", "message"), [
    ({"kode": "DINAS A!"}, "Kode hanya huruf, angka"),
    ({"kode": ""}, "Kode wajib diisi"),
    ({"nama": ""}, "Nama wajib diisi"),
    ({"kode": "DINAS-A"}, "Kode DINAS-A sudah dipakai."),
])
def test_create_agency_errors(client, admin, tree, overrides, message):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Agency))
    response = client.post("/admin/perangkat-daerah/baru", data=agency_form(**overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agency)) == count


def test_edit_agency(client, admin, tree):
    body = text_of(client.get(f"/admin/perangkat-daerah/{tree['DINAS-B']}"))
    assert 'value="DINAS-B"' in body
    response = client.post(f"/admin/perangkat-daerah/{tree['DINAS-B']}", data=agency_form(
        kode="DINAS-B", nama="Dinas Beta Baru", jenis="BADAN", parent_id=str(tree["KOTA"])))
    assert response.status_code == 302
    edited = agency("DINAS-B")
    assert (edited.name, edited.kind, edited.parent_id) == ("Dinas Beta Baru", AgencyKind.BADAN, tree["KOTA"])


def test_move_agency_updates_every_descendant(client, admin, tree):
    response = client.post(f"/admin/perangkat-daerah/{tree['DINAS-A']}", data=agency_form(
        kode="DINAS-A", nama="Dinas Alfa", parent_id=str(tree["DINAS-B"])))
    assert response.status_code == 302
    beta, alfa, bidang = agency("DINAS-B"), agency("DINAS-A"), agency("BIDANG-A1")
    assert alfa.parent_id == beta.id
    assert (alfa.path, alfa.depth) == (f"{beta.path}{alfa.id}/", 2)
    assert (bidang.path, bidang.depth) == (f"{alfa.path}{bidang.id}/", 3)
    parser = TreeParser()
    parser.feed(text_of(client.get("/admin/perangkat-daerah")))
    assert parser.names["Bidang Alfa Satu"] == 4


@pytest.mark.parametrize(("target", "lang", "message"), [
    ("DINAS-A", "id", "Pilihan tidak sah"),  # WTForms' own message, from our Indonesian catalog
    ("BIDANG-A1", "en", "Not a valid choice"),
])
def test_cannot_move_agency_under_itself(client, admin, tree, target, lang, message):
    body = text_of(client.get(f"/admin/perangkat-daerah/{tree['DINAS-A']}?lang={lang}"))
    assert f'value="{tree[target]}"' not in body  # not offered
    response = client.post(f"/admin/perangkat-daerah/{tree['DINAS-A']}", data=agency_form(
        kode="DINAS-A", nama="Dinas Alfa", parent_id=str(tree[target])))
    assert response.status_code == 200
    assert message in text_of(response)
    alfa = agency("DINAS-A")
    assert (alfa.parent_id, alfa.path) == (tree["KOTA"], f"/{tree['KOTA']}/{alfa.id}/")


def test_deactivate_agency_asks_first(client, admin, tree):
    response = client.get(f"/admin/perangkat-daerah/{tree['DINAS-A']}/status")
    assert response.status_code == 200
    body = text_of(response)
    assert "Nonaktifkan Dinas Alfa?" in body
    assert "2 perangkat daerah" in body
    assert agency("DINAS-A").is_active and agency("BIDANG-A1").is_active
    response = client.post(f"/admin/perangkat-daerah/{tree['DINAS-A']}/status", follow_redirects=True)
    assert "2 perangkat daerah diperbarui." in text_of(response)
    assert not agency("DINAS-A").is_active
    assert not agency("BIDANG-A1").is_active
    assert agency("DINAS-B").is_active and agency("KOTA").is_active
    body = text_of(client.get(f"/admin/perangkat-daerah/{tree['DINAS-A']}/status"))
    assert "Aktifkan Dinas Alfa?" in body


# --- employee list ---------------------------------------------------------------------------


@pytest.fixture
def people(tree, make_employee):
    """Five named employees across the tree."""
    made = {
        "budi": make_employee(agency("DINAS-A"), name="Budi Santoso"),
        "siti": make_employee(agency("BIDANG-A1"), name="Siti Aminah", category=Category.KONTRAK),
        "rahmat": make_employee(agency("DINAS-B"), name="Rahmat Hidayat"),
        "dewi": make_employee(agency("DINAS-B"), name="Dewi Lestari", category=Category.UPAHAN, is_active=False),
        "persen": make_employee(agency("DINAS-B"), name="Diskon 100% Jaya", category=Category.KONTRAK),
    }
    return {key: (e.name, e.nip, e.nik) for key, e in made.items()}


def listed(client, query: str = "") -> set[str]:
    response = client.get(f"/admin/pegawai?{query}")
    assert response.status_code == 200
    return set(re.findall(r'href="/admin/pegawai/\d+">([^<]+)</a>', text_of(response)))


def test_list_shows_active_employees_by_default(client, admin, people):
    assert listed(client) == {"Budi Santoso", "Siti Aminah", "Rahmat Hidayat", "Diskon 100% Jaya"}


def test_search_by_name_is_case_insensitive(client, admin, people):
    assert listed(client, "q=sANTOSO") == {"Budi Santoso"}
    assert listed(client, "q=a") >= {"Budi Santoso", "Siti Aminah", "Rahmat Hidayat"}


def test_search_treats_wildcards_literally(client, admin, people):
    assert listed(client, "q=%25") == {"Diskon 100% Jaya"}
    assert listed(client, "q=_") == set()


def test_search_by_nip_prefix(client, admin, people):
    nip = people["budi"][1]
    assert "Budi Santoso" in listed(client, f"q={nip[:8]}")
    assert listed(client, f"q={nip}") == {"Budi Santoso"}
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert listed(client, f"q={spaced}") == {"Budi Santoso"}


def test_search_by_nik(client, admin, people):
    nik = people["siti"][2]
    assert listed(client, f"q={nik}") == {"Siti Aminah"}


def test_filter_by_agency_subtree(client, admin, tree, people):
    assert listed(client, f"unit={tree['DINAS-A']}") == {"Budi Santoso", "Siti Aminah"}
    assert listed(client, f"unit={tree['BIDANG-A1']}") == {"Siti Aminah"}
    assert listed(client, f"unit={tree['KOTA']}") == listed(client)


def test_filter_by_unknown_agency_is_404(client, admin, people):
    assert client.get("/admin/pegawai?unit=987654321").status_code == 404


def test_filter_by_category(client, admin, people):
    assert listed(client, "kategori=KONTRAK") == {"Siti Aminah", "Diskon 100% Jaya"}
    assert listed(client, "kategori=BUKAN") == listed(client)


def test_filter_by_status(client, admin, people):
    assert listed(client, "status=nonaktif") == {"Dewi Lestari"}
    assert len(listed(client, "status=semua")) == 5


def test_filters_combine(client, admin, tree, people):
    assert listed(client, f"unit={tree['DINAS-B']}&kategori=UPAHAN&status=semua") == {"Dewi Lestari"}
    assert listed(client, f"unit={tree['DINAS-A']}&q=siti") == {"Siti Aminah"}


def test_pagination(client, admin, tree, make_employee):
    for n in range(25):
        make_employee(agency("DINAS-A"), name=f"Pegawai {n:02d}")
    assert listed(client) == {f"Pegawai {n:02d}" for n in range(10)}
    first = text_of(client.get("/admin/pegawai"))
    assert "Menampilkan 1–10 dari 25" in first
    assert 'href="/admin/pegawai?page=2"' in first
    assert listed(client, "page=2") == {f"Pegawai {n:02d}" for n in range(10, 20)}
    assert listed(client, "page=3") == {f"Pegawai {n:02d}" for n in range(20, 25)}
    assert "Menampilkan 21–25 dari 25" in text_of(client.get("/admin/pegawai?page=3"))
    assert listed(client, "page=9") == set()


def test_pagination_keeps_the_filters(client, admin, tree, make_employee):
    for n in range(12):
        make_employee(agency("BIDANG-A1"), name=f"Bidang {n:02d}")
    body = text_of(client.get(f"/admin/pegawai?unit={tree['BIDANG-A1']}&q=bidang"))
    link = re.search(r'href="(/admin/pegawai\?[^"]*page=2[^"]*)"', body)
    assert link
    assert f"unit={tree['BIDANG-A1']}" in link.group(1)
    assert "q=bidang" in link.group(1)


# --- employee form ---------------------------------------------------------------------------

BORN = date(1985, 6, 15)
NIP = make_nip_pns(BORN, 2010, 3, "P", 7)
NIK = make_nik("327301", BORN, "P", 12)


def employee_form(agency_id: int, **overrides) -> dict:
    data = {"nama": "Ratna Sari", "kategori": "PNS", "nip": NIP, "nik": NIK, "tanggal_lahir": "",
            "jenis_kelamin": "", "jabatan": "Analis Kepegawaian", "agency_id": str(agency_id), "no_hp": "",
            "email": ""}
    data.update(overrides)
    return data


def test_create_employee_derives_birth_date_and_gender(client, admin, tree):
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["BIDANG-A1"]))
    assert response.status_code == 302
    employee = employee_named("Ratna Sari")
    assert response.headers["Location"] == f"/admin/pegawai/{employee.id}"
    assert (employee.nip, employee.nik, employee.category) == (NIP, NIK, Category.PNS)
    assert (employee.birth_date, employee.gender) == (BORN, Gender.P)
    assert (employee.agency_id, employee.position) == (tree["BIDANG-A1"], "Analis Kepegawaian")
    assert employee.name_search == "ratna sari"
    detail = text_of(client.get(response.headers["Location"]))
    assert "Data pegawai Ratna Sari disimpan." in detail
    assert NIP in detail
    assert "Perempuan" in detail


def test_create_employee_accepts_a_grouped_nip(client, admin, tree):
    grouped = f"{NIP[:8]} {NIP[8:14]} {NIP[14]} {NIP[15:]}"
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], nip=grouped))
    assert response.status_code == 302
    assert employee_named("Ratna Sari").nip == NIP


def test_create_employee_with_given_birth_date_and_gender(client, admin, tree):
    response = client.post("/admin/pegawai/baru", data=employee_form(
        tree["DINAS-A"], kategori="KONTRAK", nip="", tanggal_lahir="1985-06-15", jenis_kelamin="P",
        no_hp="0812-3456-7890", email="Ratna@Contoh.go.id"))
    assert response.status_code == 302
    employee = employee_named("Ratna Sari")
    assert (employee.nip, employee.category, employee.birth_date) == (None, Category.KONTRAK, BORN)
    assert (employee.phone, employee.email) == ("0812-3456-7890", "ratna@contoh.go.id")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"nip": "12345"}, "NIP harus 18 digit angka (terbaca 5 digit)"),
    ({"nip": "198013012005011001"}, "Tanggal lahir pada NIP tidak valid (19801301)"),
    ({"nip": NIP[:-3] + "000"}, "Nomor urut pada NIP tidak boleh 000"),
    ({"nip": ""}, "NIP wajib diisi untuk kategori PNS"),
    ({"nip": "", "nik": "", "kategori": "KONTRAK"}, "NIK wajib diisi bila tidak ada NIP"),
    ({"nik": "0001011501800001"}, "Kode provinsi pada NIK tidak valid"),
    ({"nama": "  "}, "Nama wajib diisi"),
    ({"tanggal_lahir": "31-02-1985"}, "Tanggal &#39;31-02-1985&#39; tidak dikenali"),
    ({"email": "bukan email"}, "Format email tidak valid"),
])
def test_invalid_employee_is_not_stored(client, admin, tree, overrides, message):
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], **overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    assert employee_count() == 0


@pytest.mark.parametrize("column", ["nip", "nik"])
def test_duplicate_number_of_another_employee(client, admin, tree, make_employee, column):
    other = make_employee(agency("DINAS-B"), name="Pemilik Lama")
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], **{column: getattr(other, column)}))
    assert response.status_code == 200
    assert f"{column.upper()} {getattr(other, column)} sudah dipakai oleh Pemilik Lama." in text_of(response)
    assert employee_count() == 1


def test_nip_and_nik_disagreement_warns_but_saves(client, admin, tree):
    nik_other_birthday = make_nik("327301", date(1986, 1, 2), "L", 12)
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], nik=nik_other_birthday),
                           follow_redirects=True)
    assert response.status_code == 200
    body = text_of(response)
    assert "Tanggal lahir pada NIK (02-01-86) berbeda dengan NIP (15-06-1985)" in body
    assert "Jenis kelamin pada NIK (laki-laki) berbeda dengan NIP (perempuan)" in body
    assert "alert-warning" in body
    employee = employee_named("Ratna Sari")
    assert employee.nik == nik_other_birthday
    assert (employee.birth_date, employee.gender) == (BORN, Gender.P)  # the NIP wins


def test_edit_employee(client, admin, tree):
    client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"]))
    employee = employee_named("Ratna Sari")
    form_page = text_of(client.get(f"/admin/pegawai/{employee.id}/ubah"))
    assert f'value="{NIP}"' in form_page
    assert 'value="Ratna Sari"' in form_page
    assert f'<option selected value="{tree["DINAS-A"]}">' in form_page
    response = client.post(f"/admin/pegawai/{employee.id}/ubah", data=employee_form(
        tree["DINAS-B"], nama="Ratna Sari Dewi", jabatan="Kepala Seksi"))
    assert response.status_code == 302
    employee = db.session.get(Employee, employee.id)
    assert (employee.name, employee.position, employee.agency_id) == ("Ratna Sari Dewi", "Kepala Seksi",
                                                                      tree["DINAS-B"])
    assert employee_count() == 1


def test_edit_employee_to_a_taken_nip(client, admin, tree, make_employee):
    other = make_employee(agency("DINAS-B"), name="Pemilik Lama")
    client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"]))
    employee = employee_named("Ratna Sari")
    response = client.post(f"/admin/pegawai/{employee.id}/ubah", data=employee_form(
        tree["DINAS-A"], nip=other.nip, nik=""))
    assert "sudah dipakai oleh Pemilik Lama" in text_of(response)
    assert db.session.get(Employee, employee.id).nip == NIP


def test_employee_cannot_be_placed_in_an_inactive_agency(client, admin, tree):
    client.post(f"/admin/perangkat-daerah/{tree['DINAS-B']}/status")
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-B"]))
    assert response.status_code == 200
    assert employee_count() == 0


def test_deactivate_employee_asks_first(client, admin, tree, make_employee):
    employee = make_employee(agency("DINAS-A"), name="Joko Widodo")
    response = client.get(f"/admin/pegawai/{employee.id}/status")
    assert response.status_code == 200
    assert "Nonaktifkan Joko Widodo?" in text_of(response)
    assert db.session.get(Employee, employee.id).is_active
    response = client.post(f"/admin/pegawai/{employee.id}/status")
    assert response.status_code == 302
    assert not db.session.get(Employee, employee.id).is_active
    assert "Aktifkan kembali Joko Widodo?" in text_of(client.get(f"/admin/pegawai/{employee.id}/status"))
    assert "Joko Widodo" not in listed(client)
    client.post(f"/admin/pegawai/{employee.id}/status")
    assert db.session.get(Employee, employee.id).is_active


def test_unknown_employee_is_404(client, admin):
    assert client.get("/admin/pegawai/987654321").status_code == 404
    assert client.get("/admin/pegawai/987654321/ubah").status_code == 404


# --- escaping and language -------------------------------------------------------------------


def test_html_in_names_is_escaped(client, admin, tree):
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], nama=f"Ratna {SCRIPT}",
                                                                     jabatan=f"<b>{SCRIPT}</b>"))
    assert response.status_code == 302
    employee_id = employee_named(f"Ratna {SCRIPT}").id
    client.post("/admin/perangkat-daerah/baru", data=agency_form(kode="XSS", nama=f"Dinas {SCRIPT}"))
    pages = {
        "list": "/admin/pegawai",
        "search": f"/admin/pegawai?q={SCRIPT}",
        "detail": f"/admin/pegawai/{employee_id}",
        "edit": f"/admin/pegawai/{employee_id}/ubah",
        "toggle": f"/admin/pegawai/{employee_id}/status",
        "tree": "/admin/perangkat-daerah",
    }
    for label, url in pages.items():
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, label
        body = text_of(response)
        assert "<script>alert" not in body, label
        assert ESCAPED_SCRIPT in body, label


def test_html_in_the_flash_message_is_escaped(client, admin, tree):
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], nama=f"Ratna {SCRIPT}"),
                           follow_redirects=True)
    body = text_of(response)
    assert f"Data pegawai Ratna {ESCAPED_SCRIPT} disimpan." in body
    assert "<script>alert" not in body


def test_english_switch_sticks_in_the_session(client, admin, people):
    response = client.get("/admin/pegawai?lang=en")
    assert response.status_code == 200
    assert '<html lang="en">' in text_of(response)
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    response = client.get("/admin/perangkat-daerah")
    assert response.status_code == 200
    assert '<html lang="en">' in text_of(response)
    assert 'href="?lang=id"' in text_of(response)
    client.get("/?lang=xx")  # unknown languages are ignored
    assert '<html lang="en">' in text_of(client.get("/admin/pegawai"))
    client.get("/?lang=id")
    assert '<html lang="id">' in text_of(client.get("/admin/pegawai"))


def test_english_works_before_login(client):
    response = client.get("/masuk?lang=en")
    assert response.status_code == 200
    assert '<html lang="en">' in text_of(response)


# --- a NIP/NIK held outside the agency admin's scope -------------------------------------------

@pytest.fixture
def dinas_a_admin(make_staff, login_as, tree):
    staff = make_staff(Role.AGENCY_ADMIN, agency=agency("DINAS-A"))
    login_as(staff)
    return staff


def clash_entries() -> list:
    from netralitas.audit.models import AuditEntry

    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "employee.identity_clash")))


@pytest.mark.parametrize("column", ["nip", "nik"])
def test_agency_admin_is_not_told_who_holds_a_number_outside_the_scope(client, dinas_a_admin, tree, make_employee,
                                                                       column):
    other = make_employee(agency("DINAS-B"), name="Pemilik Rahasia")
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], **{column: getattr(other, column)}))
    assert response.status_code == 200
    body = text_of(response)
    assert "NIP/NIK ini sudah terdaftar di unit lain, hubungi BKPSDM." in body
    assert "Pemilik Rahasia" not in body and "sudah dipakai oleh" not in body
    assert employee_count() == 1
    [entry] = clash_entries()
    assert (entry.actor_staff_id, entry.target_type, entry.target_id) == (dinas_a_admin.id, "employee", str(other.id))
    assert json.loads(entry.data_json) == {"column": column, "agency": "DINAS-A", "employee": None}
    assert "Pemilik Rahasia" not in entry.summary


def test_agency_admin_editing_to_an_outside_number_is_audited_and_not_saved(client, dinas_a_admin, tree,
                                                                            make_employee):
    other = make_employee(agency("DINAS-B"), name="Pemilik Rahasia")
    mine = make_employee(agency("DINAS-A"), name="Pegawai Saya")
    response = client.post(f"/admin/pegawai/{mine.id}/ubah", data=employee_form(
        tree["DINAS-A"], nama="Pegawai Saya", nip=other.nip, nik=""))
    assert "NIP/NIK ini sudah terdaftar di unit lain" in text_of(response)
    assert "Pemilik Rahasia" not in text_of(response)
    assert db.session.get(Employee, mine.id).nip != other.nip
    assert [entry.target_id for entry in clash_entries()] == [str(other.id)]


def test_agency_admin_keeps_the_helpful_message_inside_the_scope(client, dinas_a_admin, tree, make_employee):
    other = make_employee(agency("BIDANG-A1"), name="Pemilik Lama")  # below DINAS-A: in scope
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], nip=other.nip))
    assert f"NIP {other.nip} sudah dipakai oleh Pemilik Lama." in text_of(response)
    assert clash_entries() == []


def test_super_admin_keeps_the_helpful_message_without_an_audit_entry(client, admin, tree, make_employee):
    other = make_employee(agency("DINAS-B"), name="Pemilik Lama")
    response = client.post("/admin/pegawai/baru", data=employee_form(tree["DINAS-A"], nik=other.nik))
    assert f"NIK {other.nik} sudah dipakai oleh Pemilik Lama." in text_of(response)
    assert clash_entries() == []
