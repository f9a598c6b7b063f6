"""A case's printed documents: issuing one (code, Ed25519 token, frozen content), superseding, its PDF, finding it.

The content each kind prints is described in netralitas.cases.pdf. The token is a certificate-style compact JWS
whose payload names the document ({"d": code, "iat"}), so /v/ tells a document from a certificate by the claim.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import abort, current_app

from netralitas.audit.services import record
from netralitas.cases import pdf
from netralitas.cases.models import Case, CaseDocument, DocumentKind
from netralitas.certificates.services import current_signing_key
from netralitas.certificates.tokens import TokenKind, sign_token
from netralitas.core import codes
from netralitas.core.urls import public_url
from netralitas.db import utcnow
from netralitas.extensions import db

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

CODE_BODY_LENGTH = 8  # 40 random bits, as certificate codes: a lookup key, not a secret
#: Printed before a document code ("DKS-7K2Q-M9XP-3"): no O, I or L, which typed codes read as digits.
CODE_PREFIX = "DKS"
#: Keys each kind's content must have (netralitas.cases.pdf describes them all).
REQUIRED_CONTENT = {
    DocumentKind.SUMMONS_1: ("employee", "signatory", "exam", "examiners", "subject"),
    DocumentKind.SUMMONS_2: ("employee", "signatory", "exam", "examiners", "subject"),
    DocumentKind.EXAMINATION: ("employee", "held_on", "place", "examiners", "record", "signing"),
    DocumentKind.DECREE: ("employee", "signatory", "official", "legal_basis", "sanction", "level", "reasons",
                          "objection_text"),
    DocumentKind.REPORT_BACK: ("employee", "signatory", "addressee", "referrer", "letter", "outcome"),
}
MAX_NUMBER_LENGTH = 100


def display_code(code: str) -> str:
    """'7K2QM9XP3' -> 'DKS-7K2Q-M9XP-3' as printed under the QR."""
    return f"{CODE_PREFIX}-{code[:4]}-{code[4:8]}-{code[8:]}"


def content_json(content: dict[str, Any]) -> str:
    """Canonical JSON of a document's content: sorted keys, no spaces, dates as ISO text."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not document content")


def issue_document(actor: Staff, case: Case, kind: DocumentKind, *, number: str, issued_on: date,
                   content: dict[str, Any]) -> CaseDocument:
    """Issue a printed document of the case, superseding the live one of the same kind; the caller commits.

    ValueError (English: a caller's mistake, not a user's) when the number is empty or the content lacks a key.
    """
    number = " ".join((number or "").split())
    if not number or len(number) > MAX_NUMBER_LENGTH:
        raise ValueError("a document needs a number of at most 100 characters")
    missing = [key for key in REQUIRED_CONTENT[kind] if key not in content]
    if missing:
        raise ValueError(f"{kind.value} content lacks {', '.join(missing)}")
    frozen = {**content, "government": content.get("government") or current_app.config["CERTIFICATE_ISSUER"],
              "case_number": case.number}
    previous = live_document(case.id, kind)
    kid, private = current_signing_key()
    issued = utcnow().replace(microsecond=0)
    code = _free_code()
    document = CaseDocument(case_id=case.id, kind=kind, code=code, kid=kid, number=number, issued_on=issued_on,
                            token=sign_token(code, issued, kid, private, TokenKind.DOCUMENT),
                            content_json=content_json(frozen), created_by_id=actor.id, created_dt=issued)
    db.session.add(document)
    db.session.flush()
    if previous is not None:
        previous.superseded_by_id = document.id
    # Names the case and the document, not the employee: the log is read more widely than cases.
    record(actor, "case.document", "case", case.id,
           f"Dokumen {pdf.KIND_NAMES[kind.value]} nomor {number} kasus {case.number} diterbitkan",
           {"number": case.number, "kind": kind.value, "document_number": number, "code": code,
            "supersedes": previous.code if previous is not None else None})
    return document


def _free_code() -> str:
    """A random code with its check symbol that no document has yet (a clash is about one in 10^12)."""
    for _ in range(50):
        code = codes.with_check(codes.random_code(CODE_BODY_LENGTH))
        if code[-1] not in codes.ALPHABET:
            continue  # keep printed codes alphanumeric, as certificates do
        if find_document_by_code(code) is None:
            return code
    raise RuntimeError("could not draw a free document code")


def live_document(case_id: int, kind: DocumentKind) -> CaseDocument | None:
    """The case's document of this kind that nothing has superseded."""
    return db.session.scalar(sa.select(CaseDocument).where(
        CaseDocument.case_id == case_id, CaseDocument.kind == kind, CaseDocument.superseded_by_id.is_(None))
        .order_by(CaseDocument.id.desc()).limit(1))


def documents_of(case: Case) -> list[CaseDocument]:
    """Every document of the case, oldest first (superseded ones included: they are part of the record)."""
    return list(db.session.scalars(sa.select(CaseDocument).where(CaseDocument.case_id == case.id)
                                   .order_by(CaseDocument.id)))


def find_document_by_code(code: str) -> CaseDocument | None:
    """The document with this stored code."""
    return db.session.scalar(sa.select(CaseDocument).where(CaseDocument.code == code))


def case_document(case: Case, document_id: int) -> CaseDocument:
    """The case's document with this id, else a 404 (a document of another case is not found here)."""
    document = db.session.scalar(sa.select(CaseDocument).where(CaseDocument.id == document_id,
                                                               CaseDocument.case_id == case.id))
    if document is None:
        abort(404)
    return document


def verify_url(document: CaseDocument) -> str:
    """PUBLIC_BASE_URL/v/<token>: what the document's QR opens."""
    return public_url(current_app.config["PUBLIC_BASE_URL"], f"/v/{document.token}")


def document_pdf(document: CaseDocument) -> bytes:
    """The document's PDF, drawn from its frozen content: the same bytes on every call."""
    sheet = pdf.DocumentSheet(kind=document.kind.value, number=document.number, issued_on=document.issued_on,
                              code=display_code(document.code), verify_url=verify_url(document), kid=document.kid,
                              created_dt=document.created_dt, content=json.loads(document.content_json),
                              logo_path=current_app.config["CERTIFICATE_LOGO"])
    return pdf.render(sheet)


def record_document_view(actor: Staff, case: Case, document: CaseDocument) -> None:
    """Audit a download of a document's PDF; the caller commits."""
    record(actor, "case.document_view", "case", case.id,
           f"Dokumen {pdf.KIND_NAMES[document.kind.value]} nomor {document.number} kasus {case.number} diunduh",
           {"number": case.number, "kind": document.kind.value, "document": document.id})
