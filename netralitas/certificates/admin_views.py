"""Super admin screens: look a certificate up by its printed code and revoke it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netralitas.auth.access import roles_required
from netralitas.auth.models import Role
from netralitas.certificates import services
from netralitas.certificates.forms import REASON_LABELS, RevokeForm
from netralitas.certificates.models import Certificate
from netralitas.core.codes import CodeError
from netralitas.extensions import db
from netralitas.signing.models import RevocationReason

bp = Blueprint("certificate_admin", __name__, url_prefix="/admin/sertifikat")


@bp.route("/")
@roles_required(Role.SUPER_ADMIN)
def lookup():
    typed = (request.args.get("kode") or "").strip()[:40]
    certificate, error = None, None
    if typed:
        try:
            certificate = services.find_by_code(services.parse_code(typed))
        except CodeError as exc:
            error = str(exc)
        else:
            if certificate is None:
                error = _("Tidak ada sertifikat dengan kode itu.")
    return render_template("certificates/admin_lookup.html", typed=typed, certificate=certificate, error=error,
                           reason_labels=REASON_LABELS, code_of=services.display_code)


@bp.route("/<int:certificate_id>/cabut", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def revoke(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    back = url_for("certificate_admin.lookup", kode=services.display_code(certificate.code))
    if certificate.signature.is_revoked:
        flash(_("Sertifikat ini sudah dicabut."), "info")
        return redirect(back)
    form = RevokeForm()
    if form.validate_on_submit():
        services.revoke(current_user, certificate, RevocationReason(form.reason.data), form.note.data)
        db.session.commit()
        flash(_("Sertifikat %(code)s dicabut. Halaman verifikasi langsung menampilkan DICABUT.",
                code=services.display_code(certificate.code)), "success")
        return redirect(back)
    return render_template("certificates/admin_revoke.html", form=form, certificate=certificate,
                           code=services.display_code(certificate.code))
