"""Revoking a certificate ends the code it was signed with: only a help-desk re-issue lets the employee sign again."""
from __future__ import annotations

import sqlalchemy as sa

from netralitas.auth.models import Role
from netralitas.certificates.models import Certificate
from netralitas.events.models import Invitation
from netralitas.extensions import db
from netralitas.invitations.services import ensure_invitations
from netralitas.signing.models import Signature

ENDED = "Kode undangan ini sudah tidak berlaku. Hubungi meja bantuan."


def _enter(client, invited, code):
    return client.post(f"/e/{invited.event.slug}", data={"code": code, "birth_date": invited.birth})


def _live_signatures(invited) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Signature).where(
        Signature.live_in(invited.event.id)))


def test_sign_revoke_refuse_reissue_sign(app, client, make_staff, login_as, invited):
    signer = app.test_client()
    assert _enter(signer, invited, invited.code).status_code == 302
    assert signer.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration()).status_code == 302
    first = db.session.scalar(sa.select(Certificate))

    admin = make_staff(Role.SUPER_ADMIN)
    login_as(admin)
    client.post(f"/admin/sertifikat/{first.id}/cabut", data={"reason": "DATA_ERROR", "note": "NIP salah"})
    assert db.session.get(Signature, first.signature_id).is_revoked

    # The old code and the right birth date: refused with a clear message, from a new phone or the same one.
    for browser in (app.test_client(), signer):
        refused = _enter(browser, invited, invited.code)
        assert refused.status_code == 422 and ENDED in refused.text
    ended_link = app.test_client().get(f"/i/{invited.code}")
    assert ended_link.status_code == 422 and ENDED in ended_link.text
    assert signer.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration()).status_code in (302, 422)
    assert _live_signatures(invited) == 0

    # Downloading the slips does not hand out a new code either: that is the help desk's job.
    ensure_invitations(invited.event, [invited.employee.id])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
        Invitation.revoked_dt.is_(None))) == 0

    reissued = client.post(f"/admin/acara/{invited.event.id}/bantuan/{invited.employee.id}/terbitkan-ulang",
                           data={"alasan": "sertifikat dicabut, data diperbaiki", "sudah_cek_identitas": "y"})
    assert reissued.status_code == 200
    new_code = next(code for code in _codes_in(reissued.text) if code != invited.code)
    fresh = app.test_client()
    assert _enter(fresh, invited, new_code).status_code == 302
    assert fresh.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration()).status_code == 302
    assert _live_signatures(invited) == 1
    second = db.session.scalar(sa.select(Certificate).where(Certificate.id != first.id))
    assert second is not None and second.code != first.code


def _codes_in(html: str) -> list[str]:
    import re

    return re.findall(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{3}\b", html)


def test_help_desk_slip_of_an_ended_code_asks_for_a_reissue(client, make_staff, login_as, invited, sign_for, revoke):
    signature = sign_for(invited.event, invited.employee)
    revoke(signature.certificate)
    login_as(make_staff(Role.OPERATOR))
    response = client.get(f"/admin/acara/{invited.event.id}/bantuan/{invited.employee.id}/slip.pdf")
    assert response.status_code == 302 and "/bantuan" in response.location
    assert "Terbitkan ulang" in client.get(response.location).text
