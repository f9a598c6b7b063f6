"""/transparansi: the list of governments, a government's page, its JSON feed and its print page; 404 for what names
nothing, and no server error whatever ?tahun=, ?acara= or the code hold."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from netralitas.calendar.services import local_today
from netralitas.events.models import EventStatus
from netralitas.extensions import db
from netralitas.masterdata.models import AgencyKind
from netralitas.public_reports.models import ReportStage
from tests.hostile.support import NASTY, assert_no_server_error, fuzz, query_text
from tests.transparency.conftest import wib


def text(response) -> str:
    return response.get_data(as_text=True)


def test_one_government_goes_straight_to_its_page(client, city):
    response = client.get("/transparansi")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/transparansi/KOTA")


def test_several_governments_are_listed(client, city, make_agency):
    make_agency("PROV", name="Pemerintah Provinsi Uji", kind=AgencyKind.PEMERINTAH)
    page = client.get("/transparansi")
    assert page.status_code == 200
    assert 'href="/transparansi/KOTA"' in text(page) and 'href="/transparansi/PROV"' in text(page)
    assert "Dinas Pendidikan" not in text(page)  # governments only
    assert 'href="/transparansi"' in text(client.get("/transparansi/KOTA"))  # a way back to the others


def test_no_government_yet(client, app):
    page = client.get("/transparansi")
    assert page.status_code == 200
    assert "Belum ada pemerintah daerah yang terdaftar." in text(page)


def test_the_page_works_without_script_or_internet(client, city, make_event):
    make_event(name="Deklarasi Netralitas Pilkada Kota Uji")
    page = client.get("/transparansi/KOTA")
    body = text(page)
    assert page.status_code == 200
    assert "<script" not in body and "style=" not in body  # CSP: no inline style, no script needed
    assert re.findall(r'(?:href|src)="(https?:)?//', body) == []  # nothing from another host
    assert '<link rel="stylesheet" href="/static/css/transparency.css">' in body
    assert 'form method="get" action="/transparansi/KOTA"' in body  # choosing event and year is a plain GET
    assert "Deklarasi Netralitas Pilkada Kota Uji" in body
    assert f"Penegakan netralitas tahun {local_today().year}" in body
    assert "UU Nomor 27 Tahun 2022" in body and "Pasal 17 huruf h" in body
    assert "„&lt; 5”" in body  # the suppression rule is said


def test_the_event_and_year_can_be_chosen(client, city, make_event, add_report):
    now = local_today()
    make_event(slug="lama", name="Deklarasi Pemilu Lama", opens_dt=wib(now.year - 1, 2, 1, 8),
               closes_dt=wib(now.year - 1, 2, 2, 8))
    make_event(slug="baru", name="Deklarasi Pilkada Baru")
    for _ in range(5):
        add_report(wib(2025, 3, 3, 9), stage=ReportStage.DISMISSED)
    default = text(client.get("/transparansi/KOTA"))
    assert "Acara: Deklarasi Pilkada Baru" in default
    chosen = client.get("/transparansi/KOTA?acara=lama&tahun=2025")
    assert chosen.status_code == 200
    body = text(chosen)
    assert "Acara: Deklarasi Pemilu Lama" in body and "Penegakan netralitas tahun 2025" in body
    assert re.search(r'<th scope="row">Ditutup</th><td class="num">5</td>', body)
    assert '<option value="2025" selected>' in body and '<option value="lama" selected>' in body
    # Links to the feed, the print page and the other language keep the choice.
    assert 'href="/transparansi/KOTA.json?tahun=2025&amp;acara=lama"' in body
    assert 'href="/transparansi/KOTA/cetak?tahun=2025&amp;acara=lama"' in body
    assert 'href="/transparansi/KOTA?lang=en&amp;tahun=2025&amp;acara=lama"' in body


def test_unknown_sub_agency_and_inactive_codes_are_404(client, city, make_agency):
    inactive = make_agency("LAMA", name="Pemerintah Lama", kind=AgencyKind.PEMERINTAH)
    inactive.is_active = False
    db.session.commit()
    for code in ("x", "DINAS-A", "SD-1", "LAMA", "kota", "A" * 41):
        for path in (f"/transparansi/{code}", f"/transparansi/{code}/cetak"):
            assert client.get(path).status_code == 404, path
        feed = client.get(f"/transparansi/{code}.json")
        assert feed.status_code == 404 and feed.get_json() == {"error": "not_found"}


def test_junk_year_and_event_are_404_never_500(client, city, make_event):
    make_event(slug="sah")
    make_event(slug="draf", status=EventStatus.DRAFT)
    this_year = local_today().year
    for year in ("abcd", "20x5", "1999", str(this_year + 1), "02025", "-2025", "2025.0", "٢٠٢٥", "99999999999999999"):
        assert client.get("/transparansi/KOTA", query_string={"tahun": year}).status_code == 404, year
    for slug in ("tidak-ada", "draf", "x" * 61, "' OR 1=1 --", "%", "_"):
        assert client.get("/transparansi/KOTA", query_string={"acara": slug}).status_code == 404, slug
    for empty in ({"tahun": ""}, {"acara": ""}, {"tahun": "2000"}, {"tahun": str(this_year)}, {"acara": "sah"}):
        assert client.get("/transparansi/KOTA", query_string=empty).status_code == 200, empty


def test_hostile_query_strings_and_codes_cause_no_server_error(client, city, make_event, backend):
    make_event(slug="sah")

    @fuzz(60, backend)
    @given(args=st.fixed_dictionaries({}, optional={"tahun": query_text, "acara": query_text, "lang": query_text}),
           code=st.one_of(st.sampled_from(["KOTA", *NASTY]), st.text(max_size=50)), suffix=st.sampled_from(
               ["", ".json", "/cetak"]))
    def check(args, code, suffix):
        if not code.strip("/") or "/" in code or "?" in code or "#" in code:
            code = "KOTA"
        response = client.get(f"/transparansi/{code}{suffix}", query_string=args)
        assert_no_server_error(response, f"GET /transparansi/{code!r}{suffix} {args!r}")
        has_nul = "\x00" in code or any("\x00" in value for value in args.values())
        allowed = (200, 400, 404) if has_nul else (200, 404)
        if "/" in unquote(code):  # "%2F" decodes to a slash: Werkzeug merges "//" with a 308, no view involved
            allowed = (*allowed, 308)
        assert response.status_code in allowed, response.status_code

    check()


def test_the_feed_has_stable_keys_and_says_the_threshold(client, city, make_employee, make_event, sign_for,
                                                         add_report):
    event = make_event(slug="pilkada", name="Deklarasi Pilkada")
    employees = [make_employee(city.a) for _ in range(13)]
    for employee in employees[:3]:
        sign_for(event, employee)
    for _ in range(6):
        add_report(wib(2025, 6, 1, 9))
    response = client.get("/transparansi/KOTA.json?tahun=2025")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    feed = response.get_json()
    assert set(feed) == {"government", "year", "generated_at", "suppression", "declarations", "enforcement"}
    assert feed["government"] == {"code": "KOTA", "name": "Pemerintah Kota Uji"}
    assert feed["year"] == 2025 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", feed["generated_at"])
    assert feed["suppression"]["threshold"] == 5 and feed["suppression"]["hidden_value"] is None
    declarations = feed["declarations"]
    assert declarations["event"] == {"slug": "pilkada", "name": "Deklarasi Pilkada"}
    assert set(declarations) == {"event", "total", "by_agency", "by_category"}
    (dinas_a,) = declarations["by_agency"]
    assert dinas_a["code"] == "DINAS-A" and dinas_a["name"] == "Dinas Pendidikan"
    # 3 of 13 signed: 3 is null, and so is 10 (13 − 10 = 3); no percentage either.
    assert dinas_a["required"] == 13 and dinas_a["signed"] is None and dinas_a["not_signed"] is None
    assert dinas_a["percent"] is None
    assert [row["category"] for row in declarations["by_category"]] == ["PNS", "PPPK", "KONTRAK", "UPAHAN", "BLUD",
                                                                          "BUMD"]
    assert declarations["by_category"][1] == {"category": "PPPK", "required": 0, "signed": 0, "not_signed": 0,
                                              "percent": None}
    enforcement = feed["enforcement"]
    assert enforcement["reports"] == {"received": 6, "in_review": 0, "forwarded": 0, "closed": 0, "total": 6}
    assert set(enforcement["cases"]) == {"triage", "examination", "decision", "decided", "reported", "forwarded",
                                         "closed", "total"}
    assert set(enforcement["recommendations"]) == {"on_time", "late", "open_within_deadline", "open_overdue", "total"}
    assert enforcement["median_working_days_to_decision"] is None


def test_the_page_shows_small_counts_as_less_than_five(client, city, make_employee, add_report):
    for _ in range(2):
        add_report(wib(2025, 6, 1, 9), stage=ReportStage.FORWARDED)
    for _ in range(6):
        add_report(wib(2025, 6, 1, 9))
    body = text(client.get("/transparansi/KOTA?tahun=2025"))
    assert re.search(r'<th scope="row">Diteruskan</th><td class="num"><span class="tp-hidden">&lt;&nbsp;5</span>', body)
    assert re.search(r'<th scope="row">Diterima</th><td class="num"><span class="tp-hidden">\*</span>', body)
    assert re.search(r'<th scope="row">Jumlah</th><td class="num">8</td>', body)
    feed = client.get("/transparansi/KOTA.json?tahun=2025").get_json()
    assert feed["enforcement"]["reports"] == {"received": None, "in_review": 0, "forwarded": None, "closed": 0,
                                              "total": 8}


def test_the_print_page_is_for_paper(client, city, make_event):
    make_event(slug="pilkada", name="Deklarasi Pilkada")
    page = client.get("/transparansi/KOTA/cetak?tahun=2025")
    body = text(page)
    assert page.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/transparency.css">' in body
    assert "<title>Transparansi netralitas pegawai · Pemerintah Kota Uji</title>" in body
    assert re.search(r"Dicetak pada \d{1,2} \w+ \d{4}, \d\d\.\d\d WIB\.", body)
    assert "Penegakan netralitas tahun 2025" in body and "Acara: Deklarasi Pilkada" in body
    assert "Pasal 17 huruf h" in body and "„&lt; 5”" in body
    assert "<form" not in body and 'class="bar"' not in body and "<a " not in body  # no navigation on paper
    css = client.get("/static/css/transparency.css")
    assert b"@page{size:A4" in css.data
    css.close()


def test_english_page(client, city):
    body = text(client.get("/transparansi/KOTA?lang=en"))
    assert '<html lang="en">' in body
    assert 'href="/transparansi/KOTA?lang=id&amp;tahun=' in body


def test_a_year_with_cases_from_the_past(client, city, make_employee, add_case):
    employee = make_employee(city.a)
    for _ in range(5):
        add_case(employee, date(2024, 2, 5))
    body = text(client.get("/transparansi/KOTA?tahun=2024"))
    assert re.search(r'<th scope="row">Penelaahan</th><td class="num">5</td>', body)
