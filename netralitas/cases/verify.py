"""What /v/ may tell anyone about a printed case document: its kind, number, date, case number, issuer, masked name.

Nothing of the case itself (violation, sanction, reasons, record) leaves this module: identities of disciplined
employees and the matter of a case are exempt information (UU KIP art. 17h). A superseded document tells only the
number of the document that replaced it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from netralitas.cases.models import Case, CaseDocument, DocumentKind
from netralitas.cases.pdf import KIND_NAMES
from netralitas.core.masking import mask_name
from netralitas.extensions import db


@dataclass(frozen=True)
class PublicDocument:
    """The public record of one document; the employee's name is already masked."""

    code: str
    token: str
    kind: DocumentKind
    number: str
    issued_on: date
    case_number: str
    government: str
    masked_name: str
    #: The number of the live document of the same kind that replaced this one; None while this one is live.
    replaced_by_number: str | None

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind.value]

    @property
    def is_superseded(self) -> bool:
        return self.replaced_by_number is not None


def find_public_document(code: str) -> PublicDocument | None:
    """The public record of the document with this stored code, or None."""
    row = db.session.execute(
        sa.select(CaseDocument.id, CaseDocument.case_id, CaseDocument.code, CaseDocument.token, CaseDocument.kind,
                  CaseDocument.number, CaseDocument.issued_on, CaseDocument.content_json,
                  CaseDocument.superseded_by_id, Case.number.label("case_number"))
        .join(Case, Case.id == CaseDocument.case_id).where(CaseDocument.code == code)).one_or_none()
    if row is None:
        return None
    # The printed name and issuer, as frozen at issue: what the holder of the paper compares the page with.
    content = json.loads(row.content_json)
    employee = content.get("employee") or {}
    replaced_by = None
    if row.superseded_by_id is not None:
        # A reissue may itself have been reissued: name the one that is live now.
        replaced_by = db.session.scalar(sa.select(CaseDocument.number).where(
            CaseDocument.case_id == row.case_id, CaseDocument.kind == row.kind,
            CaseDocument.superseded_by_id.is_(None)).order_by(CaseDocument.id.desc()).limit(1)) or "-"
    return PublicDocument(code=row.code, token=row.token, kind=row.kind, number=row.number, issued_on=row.issued_on,
                          case_number=row.case_number, government=str(content.get("government") or ""),
                          masked_name=mask_name(str(employee.get("name") or "")), replaced_by_number=replaced_by)
