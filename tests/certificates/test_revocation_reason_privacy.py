"""Why a certificate was revoked is personal data: the public sees DICABUT and the date, a super admin the reason."""
from __future__ import annotations

import json

import pytest

from netralitas.auth.models import Role
from netralitas.signing.models import RevocationReason
from tests.certificates.conftest import verdict_of_page
from tests.certificates.test_verify_page import sql_statements

NOTE = "catatan internal yang tidak untuk publik"
#: Every label a reason can show as, in Indonesian and English.
REASON_WORDS = ("Kasus disiplin", "Kesalahan data", "Ditarik", "Lainnya", "Disciplinary", "Data error", "Withdrawn")


def _revoked(certify, revoke, reason=RevocationReason.DISCIPLINARY):
    return revoke(certify(), reason, NOTE)


@pytest.mark.parametrize("reason", list(RevocationReason))
def test_the_public_sees_revoked_and_the_date_only(client, certify, revoke, reason):
    certificate = _revoked(certify, revoke, reason)
    for page in (client.get(f"/v/{certificate.token}"), client.get(f"/v/{certificate.token}?lang=en")):
        assert verdict_of_page(page) == "REVOKED"
        assert "Dicabut pada:" in page.text or "Revoked on:" in page.text
        assert not any(word in page.text for word in REASON_WORDS), page.text
        assert NOTE not in page.text and "data-staff-only" not in page.text


def test_the_typed_code_answer_hides_the_reason_too(client, certify, revoke):
    from netralitas.certificates.services import display_code

    certificate = _revoked(certify, revoke)
    page = client.post("/cek", data={"code": display_code(certificate.code)})
    assert verdict_of_page(page) == "REVOKED"
    assert "Kasus disiplin" not in page.text and NOTE not in page.text


def test_a_super_admin_sees_reason_and_note(client, certify, revoke, make_staff, login_as):
    certificate = _revoked(certify, revoke)
    login_as(make_staff(Role.SUPER_ADMIN))
    page = client.get(f"/v/{certificate.token}")
    assert verdict_of_page(page) == "REVOKED"
    assert "Kasus disiplin" in page.text and NOTE in page.text


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AGENCY_ADMIN, Role.VIEWER])
def test_other_staff_see_what_the_public_sees(client, certify, revoke, make_staff, make_agency, login_as, role):
    certificate = _revoked(certify, revoke)
    login_as(make_staff(role, agency=make_agency() if role in (Role.AGENCY_ADMIN, Role.VIEWER) else None))
    page = client.get(f"/v/{certificate.token}")
    assert verdict_of_page(page) == "REVOKED" and "Kasus disiplin" not in page.text and NOTE not in page.text


def test_an_anonymous_revoked_page_is_one_statement(client, certify, revoke):
    token = _revoked(certify, revoke).token
    with sql_statements() as statements:
        page = client.get(f"/v/{token}")
    assert verdict_of_page(page) == "REVOKED"
    assert len(statements) == 1 and "certificates" in statements[0]  # no staff account is loaded


def test_a_super_admin_costs_one_more_statement_on_a_revoked_page_only(client, certify, revoke, make_staff,
                                                                      login_as):
    token = _revoked(certify, revoke).token
    login_as(make_staff(Role.SUPER_ADMIN))
    with sql_statements() as statements:
        client.get(f"/v/{token}")
    assert len(statements) == 2  # the record, then the staff account to decide about the reason


def test_published_documents_never_carry_the_reason(client, certify, revoke):
    certificate = _revoked(certify, revoke)
    documents = [client.get("/.well-known/jwks.json").text,
                 client.get(f"/.well-known/crl/{certificate.kid}.json").text]
    for text in documents:
        assert "disciplin" not in text.lower() and NOTE not in text
        assert all(key not in json.loads(text) for key in ("reason", "note", "revocation_reason"))
