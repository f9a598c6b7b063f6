"""Operator screens: create, edit, text versions with preview, open/close with confirmation, board."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.events import services as events
from netralitas.events.models import DeclarationText, Event, EventStatus
from netralitas.events.texts import DEFAULT_POINTS
from netralitas.extensions import db
from netralitas.masterdata.models import Category
from netralitas.signing import services as signing
from tests.conftest import signature_png

EVENT_FORM = {"name": "Deklarasi Netralitas ASN Pilkada 2024", "slug": "", "election_kind": "PILKADA",
              "opens_at": "2026-11-22T07:00", "closes_at": "2026-11-22T15:00", "is_attendance_on": "y",
              "categories": ["PNS", "PPPK"]}


def _operator(make_staff, login_as):
    staff = make_staff(Role.OPERATOR)
    login_as(staff)
    return staff


def test_operator_creates_an_event_with_the_default_text(client, make_staff, login_as, make_agency):
    _operator(make_staff, login_as)
    root = make_agency()
    response = client.post("/admin/acara/baru", data={**EVENT_FORM, "agency_ids": [str(root.id)]})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    assert event.slug == "deklarasi-netralitas-asn-pilkada-2024" and event.status == EventStatus.DRAFT
    assert event.opens_dt.hour == 0  # 07:00 WIB is 00:00 UTC
    assert event.categories == [Category.PNS, Category.PPPK] and [a.id for a in event.agencies] == [root.id]
    assert event.current_text.version == 1 and tuple(event.current_text.points) == DEFAULT_POINTS
    detail = client.get(response.location)
    assert detail.status_code == 200 and event.current_text.sha256 in detail.text


def test_invalid_event_input_keeps_the_form(client, make_staff, login_as):
    _operator(make_staff, login_as)
    response = client.post("/admin/acara/baru", data={**EVENT_FORM, "closes_at": "2026-11-22T06:00"})
    assert response.status_code == 200 and "Waktu tutup harus setelah waktu buka" in response.text
    assert EVENT_FORM["name"] in response.text
    bad_slug = client.post("/admin/acara/baru", data={**EVENT_FORM, "slug": "Bukan Slug!"})
    assert "Alamat singkat hanya huruf kecil" in bad_slug.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_duplicate_slug_is_refused(client, make_staff, login_as, make_event):
    _operator(make_staff, login_as)
    existing = make_event()
    response = client.post("/admin/acara/baru", data={**EVENT_FORM, "slug": existing.slug})
    assert "sudah dipakai" in response.text


def test_text_preview_then_save_edits_in_place_until_signed(client, make_staff, login_as, make_event):
    _operator(make_staff, login_as)
    event = make_event(status=EventStatus.DRAFT)
    form = {"title": "Pernyataan", "preamble": "Saya menyatakan:", "points": "1. Netral\n2) Tidak berkampanye\n\n",
            "closing": "Demikian."}
    preview = client.post(f"/admin/acara/{event.id}/teks", data={**form, "preview": "y"})
    assert "Pratinjau" in preview.text and "Tidak berkampanye" in preview.text
    assert event.current_text.title != "Pernyataan"  # a preview saves nothing
    saved = client.post(f"/admin/acara/{event.id}/teks", data={**form, "submit": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert event.current_text.version == 1 and event.current_text.points == ["Netral", "Tidak berkampanye"]


def test_signed_text_gets_a_new_version(client, make_staff, login_as, invited):
    _operator(make_staff, login_as)
    access = signing.verify_signer(invited.event, invited.code, invited.birth, "")
    signing.sign(access, ticked=set(range(1, 9)), typed_name=invited.employee.name, signature_png=signature_png(),
                 client_ip="1.2.3.4", user_agent="t", max_png_bytes=200_000)
    db.session.commit()
    page = client.get(f"/admin/acara/{invited.event.id}/teks")
    assert "terkunci" in page.text.lower() or "versi baru" in page.text
    client.post(f"/admin/acara/{invited.event.id}/teks", data={
        "title": "Baru", "preamble": "P", "points": "Satu", "closing": "", "submit": "y"})
    versions = db.session.scalars(sa.select(DeclarationText.version).where(
        DeclarationText.event_id == invited.event.id)).all()
    assert sorted(versions) == [1, 2]


def test_open_and_close_need_confirmation(client, make_staff, login_as, make_event):
    _operator(make_staff, login_as)
    event = make_event(status=EventStatus.DRAFT)
    confirm = client.get(f"/admin/acara/{event.id}/status/buka")
    assert confirm.status_code == 200 and "Ya, lanjutkan" in confirm.text
    db.session.expire_all()
    assert event.status == EventStatus.DRAFT
    opened = client.post(f"/admin/acara/{event.id}/status/buka", follow_redirects=True)
    db.session.expire_all()
    assert event.status == EventStatus.OPEN
    assert "Acara dibuka untuk penandatanganan." in opened.text and "OPEN" not in opened.text  # words, not the enum
    closed = client.post(f"/admin/acara/{event.id}/status/tutup", follow_redirects=True)
    db.session.expire_all()
    assert event.status == EventStatus.CLOSED
    assert "penandatanganan tidak lagi diterima" in closed.text


def test_signed_event_cannot_return_to_draft(client, make_staff, login_as, invited):
    _operator(make_staff, login_as)
    access = signing.verify_signer(invited.event, invited.code, invited.birth, "")
    signing.sign(access, ticked=set(range(1, 9)), typed_name=invited.employee.name, signature_png=signature_png(),
                 client_ip="1.2.3.4", user_agent="t", max_png_bytes=200_000)
    db.session.commit()
    response = client.post(f"/admin/acara/{invited.event.id}/status/draf", follow_redirects=True)
    assert "tidak dapat dikembalikan" in response.text
    db.session.expire_all()
    assert invited.event.status == EventStatus.OPEN


def test_board_json_counts_and_attendance_code(client, make_staff, login_as, invited, make_employee):
    _operator(make_staff, login_as)
    make_employee(invited.employee.agency)  # a second required employee, not signed
    access = signing.verify_signer(invited.event, invited.code, invited.birth, "")
    signing.sign(access, ticked=set(range(1, 9)), typed_name=invited.employee.name, signature_png=signature_png(),
                 client_ip="1.2.3.4", user_agent="t", max_png_bytes=200_000)
    db.session.commit()
    from netralitas.events import tally

    tally._tallies.clear()
    data = client.get(f"/e/{invited.event.slug}/board.json").get_json()
    assert (data["signed"], data["required"], data["remote"]) == (1, 2, 1)
    assert len(data["attendance_code"]) == 4 and 0 < data["seconds_left"] <= 60
    board = client.get(f"/e/{invited.event.slug}/board")
    assert board.status_code == 200 and "<svg" in board.text and "/static/js/board.js" in board.text


def test_board_is_not_public(client, invited):
    assert client.get(f"/e/{invited.event.slug}/board.json").status_code == 302
    assert client.get(f"/e/{invited.event.slug}/board").status_code == 302


def _board_source(client, slug: str) -> str:
    page = client.get(f"/e/{slug}/board").text
    return html.unescape(re.search(r'data-source="([^"]+)"', page).group(1))


def test_board_polls_with_its_key_and_keeps_working_after_sign_out(app, client, make_staff, login_as, invited,
                                                                  make_event):
    _operator(make_staff, login_as)
    source = _board_source(client, invited.event.slug)
    key = parse_qs(urlsplit(source).query)["k"][0]
    assert len(key) == 22 and key == events.board_pass(invited.event)
    client.post("/keluar")  # the operator signs out; the projector goes on polling
    stranger = app.test_client()
    data = stranger.get(source).get_json()
    assert data["event"] == invited.event.slug and len(data["attendance_code"]) == 4
    # A wrong, truncated or other event's key is no key: sign in first.
    other = make_event(slug="acara-lain")
    path = f"/e/{invited.event.slug}/board.json"
    for wrong in (key[:-1] + ("A" if key[-1] != "A" else "B"), key[:10], "", events.board_pass(other)):
        assert stranger.get(path, query_string={"k": wrong}).status_code == 302, wrong
    assert stranger.get(f"/e/{other.slug}/board.json", query_string={"k": key}).status_code == 302
    assert "Set-Cookie" not in stranger.get(source).headers  # no session is started for a poll


def test_agencies_are_picked_from_a_tree_of_checkboxes(client, make_staff, login_as, make_agency):
    """No multi-select (Ctrl/⌘ on a tablet): nested checkbox lists that work without JavaScript."""
    _operator(make_staff, login_as)
    root = make_agency("KOTA", name="Pemerintah Kota")
    dinas = make_agency("DINKES", parent=root, name="Dinas Kesehatan")
    puskesmas = make_agency("PKM-01", parent=dinas, name="Puskesmas <Melati>")
    other = make_agency("DISDIK", parent=root, name="Dinas Pendidikan")
    page = client.get("/admin/acara/baru").text
    assert "<select" not in page.split('name="agency_ids"')[0].rsplit("<fieldset", 1)[-1]
    assert 'multiple' not in page
    boxes = re.findall(r'<input[^>]*type="checkbox" name="agency_ids" value="(\d+)"', page)
    assert boxes == [str(a.id) for a in (root, dinas, puskesmas, other)]  # tree order
    # Nested: the puskesmas sits in a list inside the dinas's item, which sits inside the city's.
    tree = page[page.index('class="agency-tree'):]
    assert tree.index("Dinas Kesehatan") < tree.index("<ul", tree.index("Dinas Kesehatan")) < tree.index("Puskesmas")
    assert "Puskesmas &lt;Melati&gt;" in page
    assert 'src="/static/js/agency_picker.js"' in page and "style=" not in tree

    response = client.post("/admin/acara/baru", data={**EVENT_FORM, "agency_ids": [str(dinas.id), str(other.id)]})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    assert sorted(a.id for a in event.agencies) == sorted([dinas.id, other.id])
    edit = client.get(f"/admin/acara/{event.id}/ubah").text
    checked = re.findall(r'name="agency_ids" value="(\d+)" checked', edit)
    assert sorted(checked) == sorted([str(dinas.id), str(other.id)])
