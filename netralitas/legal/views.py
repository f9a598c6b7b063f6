"""Super admins' screens for the legal catalogue: violation forms, sanction menus and deadline settings."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netralitas.auth.access import roles_required
from netralitas.auth.models import Role
from netralitas.core.forms import ConfirmForm
from netralitas.extensions import db
from netralitas.legal import services
from netralitas.legal.forms import DeadlineForm, SanctionForm, ViolationFormForm
from netralitas.legal.models import SanctionGroup, SanctionLevel, ViolationClass

bp = Blueprint("legal", __name__, url_prefix="/admin")


# --- violation forms -------------------------------------------------------------------------------------------------

@bp.route("/katalog")
@roles_required(Role.SUPER_ADMIN)
def form_list():
    forms = services.all_forms()
    by_class = {cls: [f for f in forms if f.violation_class == cls] for cls in ViolationClass}
    return render_template("legal/form_list.html", by_class=by_class)


@bp.route("/katalog/baru", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def form_create():
    form = ViolationFormForm()
    if form.validate_on_submit() and _saved(form, "code", lambda: services.create_form(
            current_user, code=form.code.data, violation_class=ViolationClass(form.violation_class.data),
            sanction_level=SanctionLevel(form.sanction_level.data), text=form.text.data, source=form.source.data),
            lambda created: _("Bentuk pelanggaran %(code)s ditambahkan.", code=created.code)):
        return redirect(url_for("legal.form_list"))
    return render_template("legal/form_form.html", form=form, item=None)


@bp.route("/katalog/<code>/ubah", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def form_edit(code: str):
    item = services.form_by_code(code) or abort(404)
    form = ViolationFormForm(obj=item)
    del form.code
    if form.validate_on_submit() and _saved(form, "text", lambda: services.update_form(
            current_user, item, violation_class=ViolationClass(form.violation_class.data),
            sanction_level=SanctionLevel(form.sanction_level.data), text=form.text.data, source=form.source.data),
            lambda _updated: _("Bentuk pelanggaran %(code)s disimpan.", code=code)):
        return redirect(url_for("legal.form_list"))
    return render_template("legal/form_form.html", form=form, item=item)


@bp.route("/katalog/<code>/status", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def form_toggle(code: str):
    return _toggle(services.form_by_code(code) or abort(404), services.set_form_active, "legal.form_list")


# --- sanctions -------------------------------------------------------------------------------------------------------

@bp.route("/katalog/sanksi")
@roles_required(Role.SUPER_ADMIN)
def sanction_list():
    sanctions = services.all_sanctions()
    by_group = {group: [s for s in sanctions if s.employee_group == group] for group in SanctionGroup}
    categories = {group: [c.label for c, g in services.GROUP_OF_CATEGORY.items() if g == group] for group in SanctionGroup}
    return render_template("legal/sanction_list.html", by_group=by_group, categories=categories)


@bp.route("/katalog/sanksi/baru", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def sanction_create():
    form = SanctionForm()
    if form.validate_on_submit() and _saved(form, "code", lambda: services.create_sanction(
            current_user, code=form.code.data, employee_group=SanctionGroup(form.employee_group.data),
            level=SanctionLevel(form.level.data), text=form.text.data, duration_months=form.duration_months.data,
            source=form.source.data, position=form.position.data),
            lambda created: _("Sanksi %(code)s ditambahkan.", code=created.code)):
        return redirect(url_for("legal.sanction_list"))
    return render_template("legal/sanction_form.html", form=form, item=None)


@bp.route("/katalog/sanksi/<code>/ubah", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def sanction_edit(code: str):
    item = services.sanction_by_code(code) or abort(404)
    form = SanctionForm(obj=item)
    del form.code, form.employee_group
    if form.validate_on_submit() and _saved(form, "text", lambda: services.update_sanction(
            current_user, item, level=SanctionLevel(form.level.data), text=form.text.data,
            duration_months=form.duration_months.data, source=form.source.data, position=form.position.data),
            lambda _updated: _("Sanksi %(code)s disimpan.", code=code)):
        return redirect(url_for("legal.sanction_list"))
    return render_template("legal/sanction_form.html", form=form, item=item)


@bp.route("/katalog/sanksi/<code>/status", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def sanction_toggle(code: str):
    return _toggle(services.sanction_by_code(code) or abort(404), services.set_sanction_active, "legal.sanction_list")


# --- deadlines -------------------------------------------------------------------------------------------------------

@bp.route("/tenggat")
@roles_required(Role.SUPER_ADMIN)
def deadline_list():
    return render_template("legal/deadline_list.html", rules=services.deadline_rules())


@bp.route("/tenggat/<code>/ubah", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def deadline_edit(code: str):
    rule = _rule_or_404(code)
    form = DeadlineForm(obj=rule)
    if form.validate_on_submit():
        try:
            services.set_deadline_days(current_user, rule.key, form.working_days.data)
        except services.LegalCatalogueError as exc:
            db.session.rollback()
            _say(form, exc, "working_days")
        else:
            db.session.commit()
            flash(_("Tenggat \"%(label)s\" disimpan.", label=rule.label), "success")
            return redirect(url_for("legal.deadline_list"))
    return render_template("legal/deadline_form.html", form=form, rule=rule)


@bp.route("/tenggat/<code>/reset", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def deadline_reset(code: str):
    rule = _rule_or_404(code)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.reset_deadline(current_user, rule.key)
        db.session.commit()
        flash(_("Tenggat \"%(label)s\" dikembalikan ke ketentuan: %(days)d hari kerja.", label=rule.label,
                days=rule.legal_default), "success")
        return redirect(url_for("legal.deadline_list"))
    return render_template("legal/deadline_reset.html", form=form, rule=rule)


def _saved(form, default_field: str, change, message) -> bool:
    """Run a catalogue change; on success commit and flash `message(result)`, on refusal roll back and show the reason
    under its field (the typed values kept). True when saved."""
    try:
        result = change()
    except services.LegalCatalogueError as exc:
        db.session.rollback()
        _say(form, exc, default_field)
        return False
    db.session.commit()
    flash(message(result), "success")
    return True


def _toggle(item, set_active, list_endpoint: str):
    """Deactivate or reactivate a form or a sanction after a confirmation page."""
    form = ConfirmForm()
    if form.validate_on_submit():
        set_active(current_user, item, not item.is_active)
        db.session.commit()
        flash(_("Status %(code)s diperbarui.", code=item.code), "success")
        return redirect(url_for(list_endpoint))
    return render_template("legal/toggle.html", form=form, item=item, cancel_url=url_for(list_endpoint))


def _say(form, error: services.LegalCatalogueError, default: str) -> None:
    """Show a service's refusal under the field it is about (else under `default`), the typed values kept."""
    field = form[error.field] if error.field in form else form[default]
    field.errors = [*field.errors, str(error)]


def _rule_or_404(key: str):
    try:
        return services.deadline(key)
    except KeyError:
        abort(404)
