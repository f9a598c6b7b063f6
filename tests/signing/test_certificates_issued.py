"""Every signature comes with its certificate; revocation is immediate and lets the employee sign again."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netralitas.audit.services import verify_chain
from netralitas.auth.models import Role
from netralitas.certificates import services as certificates
from netralitas.certificates.models import Certificate
from netralitas.certificates.tokens import verify_token
from netralitas.extensions import db
from netralitas.invitations.services import reissue
from netralitas.signing import services as signing
from netralitas.signing.models import RevocationReason, Signature
from tests.conftest import signature_png


def _sign(invited, code=None):
    access = signing.verify_signer(invited.event, code or invited.code, invited.birth, "")
    outcome = signing.sign(access, ticked=set(range(1, 9)), typed_name=invited.employee.name,
                           signature_png=signature_png(), client_ip="1.1.1.1", user_agent="t", max_png_bytes=200_000)
    db.session.commit()
    return outcome.signature


def test_certificate_is_issued_with_the_signature(app, invited):
    signature = _sign(invited)
    certificate = signature.certificate
    assert certificate is not None and certificate.signature_id == signature.id
    claims = verify_token(certificate.token, certificates.published_keys())
    assert claims.code == certificate.code and claims.kid == certificate.kid
    assert certificates.verify_url(certificate) == f"{app.config['PUBLIC_BASE_URL']}/v/{certificate.token}"
    assert certificates.parse_code(certificates.display_code(certificate.code).lower()) == certificate.code


def test_no_signature_without_certificate_when_signing_fails(app, invited, monkeypatch):
    def broken(_signature):
        raise RuntimeError("key file unreadable")

    monkeypatch.setattr(signing, "issue_certificate", broken)
    access = signing.verify_signer(invited.event, invited.code, invited.birth, "")
    with pytest.raises(RuntimeError):
        signing.sign(access, ticked=set(range(1, 9)), typed_name=invited.employee.name,
                     signature_png=signature_png(), client_ip="1.1.1.1", user_agent="t", max_png_bytes=200_000)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0


def test_a_code_already_taken_is_drawn_again(invited, make_employee, sign_for, monkeypatch):
    """The INSERT skips a taken code (ON CONFLICT DO NOTHING) and the same transaction goes on with a new one."""
    from netralitas.core import codes

    first = _sign(invited).certificate
    fresh = next(body for body in ("7K2QM9XP", "7K2QM9XQ", "7K2QM9XR") if codes.with_check(body)[-1] in codes.ALPHABET)
    draws = [first.code[:-1], fresh]
    monkeypatch.setattr(codes, "random_code", lambda length: draws.pop(0))
    second = sign_for(invited.event, make_employee(invited.employee.agency, name="Budi Santoso")).certificate
    assert draws == []  # both drawn: the taken one was skipped
    assert second.code == codes.with_check(fresh) != first.code
    assert verify_token(second.token, certificates.published_keys()).code == second.code
    assert verify_chain().is_intact


def test_done_page_shows_the_certificate(client, invited):
    client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": invited.birth})
    client.post(f"/e/{invited.event.slug}/deklarasi", data=invited.declaration())
    page = client.get(f"/e/{invited.event.slug}/selesai")
    certificate = db.session.scalar(sa.select(Certificate))
    assert certificates.display_code(certificate.code) in page.text
    assert f"/v/{certificate.token}" in page.text
    # The QR is drawn in the browser (tests/browser/test_signing_flow.py decodes it) from the exact verify URL.
    assert f'data-qr="{certificates.verify_url(certificate)}"' in page.text
    assert "/static/js/certificate-qr.js" in page.text and "<svg" not in page.text


def test_signer_can_come_back_after_the_event_closed(client, invited):
    _sign(invited)
    invited.event.status = invited.event.status.CLOSED
    db.session.commit()
    response = client.post(f"/e/{invited.event.slug}", data={"code": invited.code, "birth_date": invited.birth})
    assert response.status_code == 302
    assert client.get(response.location, follow_redirects=True).status_code == 200


def test_super_admin_revokes_and_the_employee_signs_again(client, make_staff, login_as, invited):
    first = _sign(invited)
    admin = make_staff(Role.SUPER_ADMIN)
    login_as(admin)
    display = certificates.display_code(first.certificate.code)
    found = client.get("/admin/sertifikat/", query_string={"kode": display.lower()})
    assert found.status_code == 200 and invited.employee.name in found.text
    confirm = client.get(f"/admin/sertifikat/{first.certificate.id}/cabut")
    assert confirm.status_code == 200 and "tidak dapat dibatalkan" in confirm.text
    missing_note = client.post(f"/admin/sertifikat/{first.certificate.id}/cabut", data={"reason": "DATA_ERROR"})
    assert missing_note.status_code == 200 and not db.session.get(Signature, first.id).is_revoked
    client.post(f"/admin/sertifikat/{first.certificate.id}/cabut", data={"reason": "DATA_ERROR", "note": "NIP salah"})
    db.session.expire_all()
    revoked = db.session.get(Signature, first.id)
    assert revoked.is_revoked and revoked.revocation_reason == RevocationReason.DATA_ERROR
    assert certificates.verify_token_online(first.certificate.token).verdict == certificates.Verdict.REVOKED

    new_code = reissue(admin, invited.event, invited.employee, "sertifikat dicabut, data diperbaiki")
    db.session.commit()
    second = _sign(invited, new_code)
    assert second.id != first.id and second.certificate.code != first.certificate.code
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature).where(
        Signature.live_in(invited.event.id))) == 1
    assert verify_chain().is_intact


def test_database_allows_one_live_signature_only(invited):
    first = _sign(invited)
    twin = Signature(event_id=first.event_id, employee_id=first.employee_id, invitation_id=first.invitation_id,
                     text_id=first.text_id, text_sha256=first.text_sha256, typed_name="x",
                     signature_png=first.signature_png, is_attended=False, client_ip="", user_agent="")
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
