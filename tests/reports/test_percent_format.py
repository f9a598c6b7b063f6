"""One percentage format everywhere: the board, the event page, the dashboard and the recap PDF write the same
figure the same way ('66,7%' in Indonesian, '66.7%' in English)."""
from __future__ import annotations

import re

import pytest

from netralitas.core.formatting import format_percent
from tests.certificate_exports import pdfread
from tests.reports.conftest import text_of


def figures(body: str) -> set[str]:
    """Every percentage written on a page (a number directly followed by '%')."""
    return set(re.findall(r"\d[\d.,]*%", body))


@pytest.mark.parametrize(("lang", "expected"), [("id", "66,7%"), ("en", "66.7%")])
def test_same_figure_reads_the_same_on_every_page(town, client, login_as, lang, expected):
    login_as(town.staff["super"])
    event = town.event  # 8 of 12 required have signed: 66.7 %
    client.get(f"/?lang={lang}")
    board = client.get(f"/e/{event.slug}/board").get_data(as_text=True)
    assert text_of(board, "percent") == expected
    detail = client.get(f"/admin/acara/{event.id}").get_data(as_text=True)
    assert expected in figures(detail)
    dashboard = client.get(f"/admin/acara/{event.id}/rekap").get_data(as_text=True)
    assert text_of(dashboard, "rk-total-percent") == expected
    for page in (detail, dashboard):  # nothing on these pages written another way (no '66.7%' beside '66,7%')
        assert not {f for f in figures(page) if f.startswith("66")} - {expected}
        assert not re.search(r"\d\s+%", re.sub(r"<[^>]+>", "", page))
    # The recap is Indonesian whatever the page language: the Indonesian form of the same figure.
    pdf = pdfread.text(client.get(f"/admin/acara/{event.id}/rekap/rekapitulasi.pdf").get_data())
    assert "66,7%" in pdf.splitlines()
    assert "66,7 %" not in pdf and "66.7" not in pdf


def test_format_percent_is_the_one_format(app):
    assert format_percent(66.7, "id") == "66,7%"
    assert format_percent(66.7, "en") == "66.7%"
    assert format_percent(100.0, "id") == "100%"
    assert format_percent(0.1, "id") == "0,1%"
    assert format_percent(1234.5, "id") == "1.234,5%"
    assert format_percent(None, "en") == "0%"
