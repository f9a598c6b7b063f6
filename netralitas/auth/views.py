"""Sign in and out, own password, and the super admin's staff screens."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from netralitas.auth import services
from netralitas.auth.access import roles_required
from netralitas.auth.forms import ROLE_LABELS, ChangePasswordForm, LoginForm, StaffForm
from netralitas.auth.models import Role, Staff
from netralitas.core.forms import select_choices
from netralitas.core.urls import is_safe_redirect
from netralitas.extensions import db, limiter, login_manager
from netralitas.masterdata.services import agency_choices

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> Staff | None:
    return services.load_staff(session_id)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    return "login-email:" + services.normalize_email(request.form.get("email", ""))


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        staff = services.authenticate(form.email.data, form.password.data)
        if staff is None:
            db.session.rollback()
            current_app.logger.info("failed staff login for %s", services.normalize_email(form.email.data))
            flash(_("Email atau kata sandi salah, atau akun tidak aktif."), "danger")
        else:
            db.session.commit()
            lang = session.get("lang")
            session.clear()  # a fresh session on login: nothing from before carries over
            if lang:
                session["lang"] = lang
            login_user(staff)
            target = request.args.get("next")
            return redirect(target if is_safe_redirect(target) else url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    current_user.end_sessions()  # a copied cookie stops working too
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(current_user, form.old_password.data, form.new_password.data)
        except services.StaffError as exc:
            db.session.rollback()
            form.old_password.errors.append(str(exc))
        else:
            db.session.commit()
            # Keep this session (the new nonce ends the others). Pass the real object: given the
            # proxy, Flask-Login would store current_user as itself and recurse on the next access.
            login_user(current_user._get_current_object())
            flash(_("Kata sandi berhasil diganti."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/admin/staf")
@roles_required(Role.SUPER_ADMIN)
def staff_list():
    q = (request.args.get("q") or "").strip()[:100]  # SQLite refuses LIKE patterns over 50,000 bytes
    query = sa.select(Staff).order_by(Staff.email)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Staff.email).like(pattern), sa.func.lower(Staff.name).like(pattern)))
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("auth/staff_list.html", page=page, q=q, role_labels=ROLE_LABELS)


@bp.route("/admin/staf/baru", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def staff_create():
    form = StaffForm()
    form.agency_id.choices = select_choices([(0, _("— semua (tanpa lingkup) —")), *agency_choices(current_user)])
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Kata sandi wajib diisi untuk akun baru."))
        else:
            try:
                staff = services.create_staff(
                    current_user, email=form.email.data, name=form.name.data, role=Role(form.role.data),
                    password=form.password.data, agency_id=form.agency_id.data or None,
                    is_active=form.is_active.data, is_case_officer=form.is_case_officer.data,
                )
            except services.StaffError as exc:
                db.session.rollback()
                form.email.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Akun %(email)s dibuat.", email=staff.email), "success")
                return redirect(url_for("auth.staff_list"))
    return render_template("auth/staff_form.html", form=form, staff=None)


@bp.route("/admin/staf/<int:staff_id>", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def staff_edit(staff_id: int):
    staff = db.session.get(Staff, staff_id) or abort(404)
    form = StaffForm(obj=staff, is_active=staff.is_active_account)
    form.agency_id.choices = select_choices([(0, _("— semua (tanpa lingkup) —")), *agency_choices(current_user)])
    if request.method == "GET":
        form.role.data = staff.role.value
        form.agency_id.data = staff.agency_id or 0
    if form.validate_on_submit():
        try:
            services.update_staff(
                current_user, staff, email=form.email.data, name=form.name.data, role=Role(form.role.data),
                agency_id=form.agency_id.data or None, is_active=form.is_active.data,
                password=form.password.data or None, is_case_officer=form.is_case_officer.data,
            )
        except services.StaffError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Akun %(email)s disimpan.", email=staff.email), "success")
            return redirect(url_for("auth.staff_list"))
    return render_template("auth/staff_form.html", form=form, staff=staff)
