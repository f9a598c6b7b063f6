"""What each invitation slip prints besides the code: the signing deadline, and the code in a monospaced face."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from netralitas.auth.models import Role
from netralitas.events.models import Event
from netralitas.extensions import db
from netralitas.invitations.services import display_code
from netralitas.invitations.slips import Slip, slips_pdf
from tests.certificate_exports import pdfread


def test_every_slip_shows_the_deadline_in_the_display_zone(event: Event, tree, client, login_as, staff_of):
    event.closes_dt = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # 15.00 WIB
    db.session.commit()
    login_as(staff_of(Role.SUPER_ADMIN, scoped=False))
    pdf = client.get(f"/admin/acara/{event.id}/undangan.pdf").data
    lines = pdfread.text_lines(pdf)
    deadlines = [lines[i + 1] for i, line in enumerate(lines) if line == "BATAS PENANDATANGANAN"]
    assert deadlines == ["22 November 2026, 15.00 WIB"] * 3  # one per slip (3 employees)
    one = client.get(f"/admin/acara/{event.id}/bantuan/{tree.in_a.id}/slip.pdf")
    if one.status_code == 200:  # operators' help-desk slip (super admins may print it too)
        assert "22 November 2026, 15.00 WIB" in pdfread.text_lines(one.data)


def test_the_code_is_printed_in_a_monospaced_face():
    code = "ABCDEFGHJKMNP"
    pdf = slips_pdf("Deklarasi Uji", [Slip(name="Siti", unit="Dinas", category="PNS", code=code,
                                           url="https://contoh.go.id/i/x")], closes="22 November 2026, 15.00 WIB")
    assert display_code(code) in pdfread.text_lines(pdf)  # one run of text, readable by copy and paste
    assert re.search(rb"/BaseFont /\w+\+DejaVuSansMonoBold", pdf)
