"""/v/ for printed case documents: VALID with a masked name and no case matter, DIGANTI after a reissue, NOT VALID for
anything else; certificate tokens answer as before, and neither kind of token passes for the other."""
from __future__ import annotations

from datetime import date

import jwt
import pytest
import sqlalchemy as sa

from netralitas.cases import documents
from netralitas.cases.models import CaseDocument, DocumentKind
from netralitas.certificates import services as certificates
from netralitas.certificates.models import Certificate
from netralitas.certificates.tokens import TokenError, TokenKind, verify_token
from netralitas.extensions import db
from netralitas.signing.models import Signature
from tests.certificates.conftest import verdict_of_page
from tests.certificates.test_malformed_tokens import signed

from .conftest import CASE_MATTER, document_content


def issue(officer, case, kind, world, number: str) -> CaseDocument:
    document = documents.issue_document(officer, case, kind, number=number, issued_on=date(2025, 4, 8),
                                        content=document_content(kind, world))
    db.session.commit()
    return document


def ani_certificate(world) -> Certificate:
    return db.session.scalar(sa.select(Certificate).join(Signature).where(Signature.employee_id == world.ani.id))


@pytest.mark.parametrize("kind", [DocumentKind.DECREE, DocumentKind.EXAMINATION])
def test_valid_document_shows_what_it_is_and_a_masked_name_only(app, world, officer, open_test_case, client, kind):
    case = open_test_case()
    document = issue(officer, case, kind, world, "800/SK-7/2025")
    page = client.get(f"/v/{document.token}")
    assert page.status_code == 200 and verdict_of_page(page) == "VALID"
    assert page.headers["Cache-Control"] == "no-store" and "noindex" in page.headers["X-Robots-Tag"]
    body = page.text
    for shown in ("800/SK-7/2025", case.number, "Pemerintah Daerah", "Ani L•••••", "8 Apr 2025"):
        assert shown in body, shown
    assert "Ani Lestari" not in body and world.ani.nip not in body
    for secret in (*CASE_MATTER, "Rina Marlina", "tingkat sedang", "Kepala Badan Kepegawaian"):
        assert secret not in body, secret


def test_superseded_document_says_diganti_and_names_the_live_one_only(app, world, officer, open_test_case, client):
    case = open_test_case()
    first = issue(officer, case, DocumentKind.SUMMONS_1, world, "800/1")
    issue(officer, case, DocumentKind.SUMMONS_1, world, "800/1-A")
    third = issue(officer, case, DocumentKind.SUMMONS_1, world, "800/1-B")
    page = client.get(f"/v/{first.token}")
    assert page.status_code == 200 and verdict_of_page(page) == "SUPERSEDED"
    assert "DIGANTI" in page.text and "dokumen bernomor 800/1-B" in page.text
    assert "Ani" not in page.text and case.number not in page.text  # no content at all
    assert "RAHASIA" not in page.text
    assert verdict_of_page(client.get(f"/v/{third.token}")) == "VALID"


def test_certificate_tokens_answer_as_before(app, world, officer, open_test_case, client):
    issue(officer, open_test_case(), DocumentKind.DECREE, world, "800/SK-1")
    certificate = ani_certificate(world)
    claims = verify_token(certificate.token, certificates.published_keys())
    assert (claims.kind, claims.code) == (TokenKind.CERTIFICATE, certificate.code)
    page = client.get(f"/v/{certificate.token}")
    assert page.status_code == 200 and verdict_of_page(page) == "VALID"
    assert "Sertifikat ini asli" in page.text and certificates.display_code(certificate.code) in page.text


def test_document_tokens_name_their_kind(app, world, officer, open_test_case):
    document = issue(officer, open_test_case(), DocumentKind.REPORT_BACK, world, "800/LAP-1")
    claims = verify_token(document.token, certificates.published_keys())
    assert (claims.kind, claims.code, claims.kid) == (TokenKind.DOCUMENT, document.code, document.kid)
    assert set(jwt.decode(document.token, options={"verify_signature": False})) == {"d", "iat"}


def test_neither_kind_of_token_passes_for_the_other(app, world, officer, open_test_case, client):
    document = issue(officer, open_test_case(), DocumentKind.DECREE, world, "800/SK-1")
    certificate = ani_certificate(world)
    keys_dir = app.config["KEYS_DIR"]
    header = {"alg": "EdDSA", "kid": "KID"}
    iat = 1_743_000_000
    forged = {
        # The document's code in a certificate-shaped token, signed with the real key: no certificate has it.
        "document code as certificate": signed(keys_dir, header, {"c": document.code, "iat": iat}),
        "certificate code as document": signed(keys_dir, header, {"d": certificate.code, "iat": iat}),
        "both claims": signed(keys_dir, header, {"c": certificate.code, "d": document.code, "iat": iat}),
        # A well-formed document token for a live code, but not the token that was issued for it.
        "document re-signed": signed(keys_dir, header, {"d": document.code, "iat": iat}),
        "document tampered": document.token[:-4] + ("AAAA" if not document.token.endswith("AAAA") else "BBBB"),
    }
    for name, token in forged.items():
        page = client.get(f"/v/{token}")
        assert page.status_code == 404 and verdict_of_page(page) == "NOT_VALID", name
        assert "800/SK-1" not in page.text and "Ani" not in page.text, name
    with pytest.raises(TokenError):
        verify_token(forged["both claims"], certificates.published_keys())


def test_an_unknown_document_is_not_valid(app, world, officer, open_test_case, client):
    document = issue(officer, open_test_case(), DocumentKind.SUMMONS_1, world, "800/1")
    token = document.token
    db.session.delete(db.session.get(CaseDocument, document.id))
    db.session.commit()
    page = client.get(f"/v/{token}")
    assert page.status_code == 404 and verdict_of_page(page) == "NOT_VALID"


def test_the_offline_check_names_a_document_token_as_a_document(app, world, officer, open_test_case, runner):
    document = issue(officer, open_test_case(), DocumentKind.DECREE, world, "800/SK/9/2025")
    result = runner.invoke(args=["verify-token", document.token])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"VALID document {documents.display_code(document.code)} ")
    assert "NTR-" not in result.output  # never shown as a certificate code
