"""Staff download of a case document's PDF: members (and whoever may see the case) only, each download audited."""
from __future__ import annotations

from flask import Blueprint, make_response
from flask_login import current_user

from netralitas.auth.access import ALL_STAFF, roles_required
from netralitas.cases import documents, services
from netralitas.extensions import db

bp = Blueprint("case_documents", __name__, url_prefix="/admin/kasus")


@bp.route("/<int:case_id>/dokumen/<int:document_id>.pdf")
@roles_required(*ALL_STAFF)
def document_pdf(case_id: int, document_id: int):
    """The document's PDF, rebuilt from its frozen content; 404 for a case the viewer may not see."""
    case = services.get_case(current_user, case_id)
    document = documents.case_document(case, document_id)
    body = documents.document_pdf(document)
    documents.record_document_view(current_user, case, document)
    db.session.commit()
    response = make_response(body)
    response.headers["Content-Type"] = "application/pdf"
    safe_number = "".join(ch if ch.isalnum() else "-" for ch in document.number)[:60]
    response.headers["Content-Disposition"] = f'inline; filename="{document.kind.value}-{safe_number}.pdf"'
    response.headers["Cache-Control"] = "no-store"  # case data: never kept by a browser or proxy
    return response
