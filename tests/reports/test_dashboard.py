"""The completion dashboard and its drill-down: figures shown, scope by URL and parameter, filters, paging, sorting."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from netralitas.certificates.models import Certificate
from netralitas.certificates.services import display_code
from netralitas.events.models import EventStatus
from netralitas.extensions import db
from netralitas.masterdata.models import Category
from netralitas.signing.models import Signature
from tests.reports.conftest import text_of, tree_ids


def dashboard_url(town, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/admin/acara/{town.event.id}/rekap" + (f"?{query}" if query else "")


def status_url(town, unit: str | None = None, **args) -> str:
    base = f"/admin/acara/{town.event.id}/rekap/" + (f"unit/{town.units[unit].id}" if unit else "pegawai")
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return base + (f"?{query}" if query else "")


def listed_names(body: str) -> list[str]:
    """Employee names in the status table, in page order."""
    return re.findall(r'<a href="/admin/pegawai/\d+">([^<]+)</a>', body)


def test_super_admin_sees_the_whole_city(town, client, login_as):
    login_as(town.staff["super"])
    body = client.get(dashboard_url(town)).get_data(as_text=True)
    assert text_of(body, "rk-total-counts") == "8 dari 12"
    assert text_of(body, "rk-total-percent") == "66,7%"
    assert text_of(body, "rk-total-unsigned") == "4"
    assert "Hadir di lokasi: <strong>2</strong>" in body and "Jarak jauh: <strong>6</strong>" in body
    units = town.units
    assert tree_ids(body) == [units[k].id for k in ("root", "dinkes", "pkm", "disdik", "dishub")]
    # Category table: KONTRAK is 2 of 3 (one attended, one remote).
    assert re.search(r"<td>KONTRAK</td><td[^>]*>3</td><td[^>]*>2</td>\s*<td[^>]*>66,7%</td><td[^>]*>1 / 1</td>", body)
    # Lowest first: DISHUB (0 %), DINKES (60 %), PKM1 (66.7 %); DISDIK is done and the city row is the total.
    lowest = re.findall(r'class="rk-lowest-name" href="[^"]*unit=(\d+)"', body)
    assert lowest == [str(units[k].id) for k in ("dishub", "dinkes", "pkm")]


def test_tree_rows_show_subtree_counts(town, client, login_as):
    login_as(town.staff["super"])
    body = client.get(dashboard_url(town)).get_data(as_text=True)
    row = body[body.index(f'data-agency-id="{town.units["dinkes"].id}"'):]
    row = row[:row.index("</summary>")]
    numbers = re.findall(r'class="rk-num[^"]*">(?:<span class="rk-lbl">[^<]*</span>)?\s*([^<]+)<', row)
    assert [n.strip() for n in numbers] == ["5", "3", "60%", "2 / 1"]
    assert 'value="3" max="5"' in row and "rk-mid" in row


@pytest.mark.parametrize(("sort", "expected"), [
    ("persen", ["dishub", "dinkes", "disdik"]),
    ("-persen", ["disdik", "dinkes", "dishub"]),
    ("-wajib", ["dinkes", "disdik", "dishub"]),
    ("nama", ["dinkes", "disdik", "dishub"]),
    ("bogus", ["dinkes", "disdik", "dishub"]),  # unknown: code order
])
def test_sorting_orders_siblings(town, client, login_as, sort, expected):
    login_as(town.staff["super"])
    ids = tree_ids(client.get(dashboard_url(town, sort=sort)).get_data(as_text=True))
    top = [i for i in ids if i in {town.units[k].id for k in ("dinkes", "disdik", "dishub")}]
    assert top == [town.units[k].id for k in expected]
    assert ids.index(town.units["pkm"].id) == ids.index(town.units["dinkes"].id) + 1  # children stay under their parent


def test_agency_admin_sees_only_their_subtree(town, client, login_as):
    login_as(town.staff["admin_dinkes"])
    body = client.get(dashboard_url(town)).get_data(as_text=True)
    assert text_of(body, "rk-total-counts") == "3 dari 5"
    assert tree_ids(body) == [town.units["dinkes"].id, town.units["pkm"].id]
    for hidden in ("Dinas Pendidikan", "DISDIK", "Dinas Perhubungan", "DISHUB", "Pemerintah Kota Uji", "Guru 0"):
        assert hidden not in body
    assert "3 tanda tangan" in body  # the chart counts their subtree only (8 in the city)
    assert re.search(r"<td>PPPK</td><td[^>]*>0</td>", body)  # DISDIK's PPPK staff are not theirs


@pytest.mark.parametrize("who", ["admin_dinkes", "viewer_disdik"])
def test_other_agencies_are_404_by_url_and_parameter(town, client, login_as, who):
    login_as(town.staff[who])
    own = "dinkes" if who == "admin_dinkes" else "disdik"
    for other in ("disdik", "dishub", "root", "dinkes"):
        if other == own:
            continue
        other_id = town.units[other].id
        assert client.get(dashboard_url(town, unit=other_id)).status_code == 404, other
        assert client.get(status_url(town, other)).status_code == 404, other
        assert client.get(status_url(town, other, status="belum")).status_code == 404, other
    assert client.get(dashboard_url(town, unit=999999)).status_code == 404
    assert client.get(f"/admin/acara/{town.event.id}/rekap/unit/999999").status_code == 404
    # Parameters the views do not know change nothing: still only the own subtree.
    foreign = town.units["dishub"].id
    for url in (dashboard_url(town, root=foreign), dashboard_url(town, agency_id=foreign),
                status_url(town, unit=None, unit_id=foreign, root=foreign, agency_id=foreign),
                status_url(town, None, q="Juru"), status_url(town, None, kategori="UPAHAN")):
        body = client.get(url).get_data(as_text=True)
        assert "Juru Parkir" not in body and "Dinas Perhubungan" not in body, url


def test_viewer_scoped_counts(town, client, login_as):
    login_as(town.staff["viewer_disdik"])
    body = client.get(dashboard_url(town)).get_data(as_text=True)
    assert text_of(body, "rk-total-counts") == "5 dari 5"
    assert text_of(body, "rk-total-unsigned") == "0"
    assert "rk-lowest-title" not in body  # nobody left to chase: no "lowest" list
    unsigned = client.get(status_url(town, None, status="belum")).get_data(as_text=True)
    assert listed_names(unsigned) == []
    assert "Semua pegawai wajib di unit ini sudah menandatangani." in unsigned


def test_unit_parameter_narrows_the_dashboard(town, client, login_as):
    login_as(town.staff["super"])
    body = client.get(dashboard_url(town, unit=town.units["dinkes"].id)).get_data(as_text=True)
    assert text_of(body, "rk-total-counts") == "3 dari 5"
    assert tree_ids(body) == [town.units["dinkes"].id, town.units["pkm"].id]
    assert f'href="/admin/acara/{town.event.id}/rekap/unit/{town.units["dinkes"].id}?status=belum"' in body


def test_drilldown_lists_status_time_and_certificate(town, client, login_as):
    login_as(town.staff["admin_dinkes"])
    body = client.get(status_url(town, "dinkes")).get_data(as_text=True)
    assert sorted(listed_names(body)) == ["Kesehatan 0", "Kesehatan 1", "Melati 0", "Melati 1", "Melati 2"]
    signer = town.people["dinkes"][0]
    code = db.session.scalar(sa.select(Certificate.code).join(Signature).where(Signature.employee_id == signer.id))
    assert display_code(code) in body
    assert body.count("rk-is-signed") == 3 and body.count("rk-is-unsigned") == 2
    assert signer.nip in body  # staff view: identities are not masked
    assert text_of(body, "rk-status-signed") == "3" and text_of(body, "rk-status-unsigned") == "2"


def test_drilldown_filters_and_search(town, client, login_as):
    login_as(town.staff["super"])
    assert sorted(listed_names(client.get(status_url(town, None, status="belum")).get_data(as_text=True))) == [
        "Juru Parkir 0", "Juru Parkir 1", "Kesehatan 1", "Melati 2"]
    assert listed_names(client.get(status_url(town, "dinkes", status="sudah", kategori="KONTRAK"))
                        .get_data(as_text=True)) == ["Melati 0", "Melati 1"]
    assert listed_names(client.get(status_url(town, None, q="melati+2")).get_data(as_text=True)) == ["Melati 2"]
    nip = town.people["dinkes"][1].nip
    nik = town.people["dishub"][0].nik
    assert listed_names(client.get(status_url(town, None, q=nip)).get_data(as_text=True)) == ["Kesehatan 1"]
    assert listed_names(client.get(status_url(town, None, q=nik)).get_data(as_text=True)) == ["Juru Parkir 0"]
    body = client.get(status_url(town, None, q="tidak-ada-orang-ini")).get_data(as_text=True)
    assert listed_names(body) == [] and "Tidak ada pegawai yang cocok" in body
    # Unknown filter values are ignored, not errors.
    assert len(listed_names(client.get(status_url(town, None, status="x", kategori="y")).get_data(as_text=True))) == 10


def test_drilldown_paginates(town, make_employee, client, login_as):
    for i in range(21):
        make_employee(town.units["dishub"], category=Category.UPAHAN, name=f"Petugas {i:02d}")
    login_as(town.staff["super"])
    first = client.get(status_url(town, "dishub", status="belum")).get_data(as_text=True)
    assert len(listed_names(first)) == 10  # PER_PAGE is 10 in tests
    assert "Menampilkan 1–10 dari 23" in first
    assert f'href="/admin/acara/{town.event.id}/rekap/unit/{town.units["dishub"].id}?status=belum&amp;page=3"' in first
    last = client.get(status_url(town, "dishub", status="belum", page=3)).get_data(as_text=True)
    assert listed_names(last) == ["Petugas 18", "Petugas 19", "Petugas 20"]  # by name, after the two "Juru Parkir"
    assert "Menampilkan 21–23 dari 23" in last
    pages = [listed_names(client.get(status_url(town, "dishub", status="belum", page=p)).get_data(as_text=True))
             for p in (1, 2, 3)]
    everyone = [name for page in pages for name in page]
    assert len(everyone) == len(set(everyone)) == 23


def test_empty_states(make_agency, make_event, make_staff, make_employee, client, login_as, fast_passwords):
    agency = make_agency("SEPI", name="Dinas Sepi")
    event = make_event()
    login_as(make_staff())
    body = client.get(f"/admin/acara/{event.id}/rekap").get_data(as_text=True)
    assert "Belum ada pegawai yang wajib menandatangani" in body
    assert "Belum ada tanda tangan pada rentang waktu ini." in body
    make_employee(agency, name="Satu Satunya")
    body = client.get(f"/admin/acara/{event.id}/rekap").get_data(as_text=True)
    assert text_of(body, "rk-total-counts") == "0 dari 1"
    assert "Belum ada tanda tangan pada rentang waktu ini." in body and "<svg" not in body
    assert client.get(f"/admin/acara/{event.id}/rekap/unit/{agency.id}?status=sudah").status_code == 200


def test_rekap_menu_opens_the_current_event(make_event, make_staff, client, login_as, fast_passwords):
    login_as(make_staff())
    empty = client.get("/admin/rekap")
    assert empty.status_code == 200 and "Belum ada acara deklarasi" in empty.get_data(as_text=True)
    make_event(status=EventStatus.CLOSED, name="Lama")
    current = make_event(name="Sekarang")
    make_event(status=EventStatus.DRAFT, name="Draf")
    response = client.get("/admin/rekap")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/acara/{current.id}/rekap")
    assert 'href="/admin/rekap"' in client.get("/").get_data(as_text=True)  # in the menu


@pytest.mark.parametrize("who", ["super", "admin_dinkes"])
def test_unsigned_list_in_two_clicks(town, client, login_as, who):
    """Event list → dashboard → "belum" list, following the links the pages show."""
    login_as(town.staff[who])
    listing = client.get("/admin/acara").get_data(as_text=True)
    dashboard = re.search(r'href="(/admin/acara/\d+/rekap)"', listing).group(1)  # click 1
    body = client.get(dashboard).get_data(as_text=True)
    unsigned = re.search(r'id="rk-unsigned-link" href="([^"]+)"', body).group(1).replace("&amp;", "&")  # click 2
    names = sorted(listed_names(client.get(unsigned).get_data(as_text=True)))
    expected = ["Juru Parkir 0", "Juru Parkir 1", "Kesehatan 1", "Melati 2"] if who == "super" else ["Kesehatan 1", "Melati 2"]
    assert names == expected
    detail = client.get(f"/admin/acara/{town.event.id}").get_data(as_text=True)
    assert f'href="/admin/acara/{town.event.id}/rekap"' in detail


def test_chart_granularity_switch(town, client, login_as):
    login_as(town.staff["super"])
    minutes = client.get(dashboard_url(town)).get_data(as_text=True)
    assert "8 tanda tangan per 5 menit" in minutes
    days = client.get(dashboard_url(town, grafik="harian")).get_data(as_text=True)
    assert "8 tanda tangan per hari" in days
    assert 'style="' not in minutes.split("<main", 1)[1]  # CSP: no inline styles anywhere in the page body


@pytest.mark.parametrize("who", ["super", "admin_dinkes"])
def test_drilldown_total_matches_the_rows(town, client, login_as, who):
    """Without a search the total comes from the completion figures; it must equal the rows listed."""
    login_as(town.staff[who])
    for args in ({}, {"status": "belum"}, {"status": "sudah"}, {"kategori": "KONTRAK"},
                 {"status": "belum", "kategori": "PNS"}, {"status": "sudah", "kategori": "UPAHAN"}, {"q": "a"}):
        body = client.get(status_url(town, None, **args)).get_data(as_text=True)
        match = re.search(r"Menampilkan \d+–\d+ dari (\d+)", body)
        shown = int(match.group(1)) if match else 0  # an empty list shows no pager
        names = [name for page in (1, 2) for name in
                 listed_names(client.get(status_url(town, None, page=page, **args)).get_data(as_text=True))]
        assert shown == len(names) == len(set(names)), args


@pytest.mark.parametrize(("who", "shown"), [("admin_dinkes", True), ("viewer_disdik", False)])
def test_unsigned_list_links_to_reminders_for_exporters_only(town, make_employee, client, login_as, who, shown):
    unit = "dinkes" if who == "admin_dinkes" else "disdik"
    make_employee(town.units[unit])  # someone there has not signed
    login_as(town.staff[who])
    body = client.get(status_url(town, unit, status="belum")).get_data(as_text=True)
    assert 'text-bg-danger">Belum<' in body  # so only the role decides whether the link shows
    link = f"/admin/acara/{town.event.id}/pengingat?unit={town.units[unit].id}"
    assert (link in body) is shown
