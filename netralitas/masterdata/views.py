"""Agency tree and employee screens; every query goes through masterdata.scope."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from netralitas.auth.access import ALL_STAFF, MANAGERS, roles_required
from netralitas.auth.models import Role
from netralitas.core.forms import ConfirmForm, select_choices
from netralitas.extensions import db
from netralitas.masterdata import services
from netralitas.masterdata.forms import AgencyForm, EmployeeForm
from netralitas.masterdata.models import Agency, Category, Employee
from netralitas.masterdata.scope import employee_scope, get_agency_in_scope, get_employee_in_scope

bp = Blueprint("masterdata", __name__, url_prefix="/admin")


@bp.route("/perangkat-daerah")
@roles_required(*ALL_STAFF)
def agency_tree():
    agencies = services.agencies_in_scope(current_user)
    counts = dict(db.session.execute(
        sa.select(Employee.agency_id, sa.func.count())
        .where(employee_scope(current_user), Employee.is_active.is_(True))
        .group_by(Employee.agency_id)
    ).all())
    return render_template("masterdata/agency_tree.html", agencies=agencies, counts=counts)


@bp.route("/perangkat-daerah/baru", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def agency_create():
    form = AgencyForm()
    form.parent_id.choices = select_choices([(0, _("— tanpa induk (pemerintah daerah) —")),
                                             *services.agency_choices(current_user)])
    if request.method == "GET":
        form.parent_id.data = request.args.get("induk", 0, type=int)
    if form.validate_on_submit():
        cleaned = form.check()
        if cleaned.is_valid:
            parent = get_agency_in_scope(current_user, form.parent_id.data) if form.parent_id.data else None
            try:
                agency = services.create_agency(current_user, code=cleaned.values["code"], name=cleaned.values["name"],
                                                kind=cleaned.values["kind"], parent=parent)
            except services.MasterDataError as exc:
                db.session.rollback()
                form.kode.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Perangkat daerah %(name)s ditambahkan.", name=agency.name), "success")
                return redirect(url_for("masterdata.agency_tree"))
    return render_template("masterdata/agency_form.html", form=form, agency=None)


@bp.route("/perangkat-daerah/<int:agency_id>", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def agency_edit(agency_id: int):
    agency = get_agency_in_scope(current_user, agency_id)
    form = AgencyForm(kode=agency.code, nama=agency.name, jenis=agency.kind.value, parent_id=agency.parent_id or 0)
    # An agency cannot hang below itself: its own subtree is not offered as a parent.
    form.parent_id.choices = select_choices([(0, _("— tanpa induk (pemerintah daerah) —")), *(
        choice for choice in services.agency_choices(current_user)
        if choice[0] not in _subtree_ids(agency)
    )])
    if form.validate_on_submit():
        cleaned = form.check()
        if cleaned.is_valid:
            parent = get_agency_in_scope(current_user, form.parent_id.data) if form.parent_id.data else None
            try:
                services.update_agency(current_user, agency, code=cleaned.values["code"], name=cleaned.values["name"],
                                       kind=cleaned.values["kind"], parent=parent)
            except services.MasterDataError as exc:
                db.session.rollback()
                form.kode.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Perangkat daerah disimpan."), "success")
                return redirect(url_for("masterdata.agency_tree"))
    return render_template("masterdata/agency_form.html", form=form, agency=agency)


def _subtree_ids(agency: Agency) -> set[int]:
    return set(db.session.scalars(sa.select(Agency.id).where(Agency.path.startswith(agency.path, autoescape=True))))


@bp.route("/perangkat-daerah/<int:agency_id>/status", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def agency_toggle(agency_id: int):
    agency = get_agency_in_scope(current_user, agency_id)
    form = ConfirmForm()
    activate = not agency.is_active
    if form.validate_on_submit():
        changed = services.set_agency_active(current_user, agency, activate)
        db.session.commit()
        flash(ngettext("%(num)d perangkat daerah diperbarui.", "%(num)d perangkat daerah diperbarui.", changed), "success")
        return redirect(url_for("masterdata.agency_tree"))
    subtree = len(_subtree_ids(agency))
    return render_template("masterdata/agency_toggle.html", form=form, agency=agency, activate=activate, subtree=subtree)


@bp.route("/pegawai")
@roles_required(*ALL_STAFF)
def employee_list():
    args = request.args
    q = (args.get("q") or "").strip()[:100]
    agency_id = args.get("unit", 0, type=int)
    category = args.get("kategori", "")
    status = args.get("status", "aktif")
    query = sa.select(Employee).where(employee_scope(current_user)).options(sa.orm.joinedload(Employee.agency))
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        conditions = [Employee.name_search.contains(q.lower(), autoescape=True)]
        if len(digits) >= 4:
            conditions += [Employee.nip.startswith(digits), Employee.nik.startswith(digits)]
        query = query.where(sa.or_(*conditions))
    if agency_id:
        root = get_agency_in_scope(current_user, agency_id)
        query = query.where(Employee.agency_id.in_(
            sa.select(Agency.id).where(Agency.path.startswith(root.path, autoescape=True))))
    if category in Category.__members__:
        query = query.where(Employee.category == Category(category))
    if status == "aktif":
        query = query.where(Employee.is_active.is_(True))
    elif status == "nonaktif":
        query = query.where(Employee.is_active.is_(False))
    page = db.paginate(query.order_by(Employee.name_search, Employee.id),
                       per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("masterdata/employee_list.html", page=page, q=q, agency_id=agency_id,
                           category=category, status=status, categories=list(Category),
                           agency_choices=services.agency_choices(current_user))


@bp.route("/pegawai/<int:employee_id>")
@roles_required(*ALL_STAFF)
def employee_detail(employee_id: int):
    employee = get_employee_in_scope(current_user, employee_id)
    return render_template("masterdata/employee_detail.html", employee=employee)


@bp.route("/pegawai/baru", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def employee_create():
    return _employee_form(None)


@bp.route("/pegawai/<int:employee_id>/ubah", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def employee_edit(employee_id: int):
    return _employee_form(get_employee_in_scope(current_user, employee_id))


def _employee_form(employee: Employee | None):
    form = EmployeeForm(data=_employee_form_data(employee) if employee and request.method == "GET" else None)
    form.agency_id.choices = select_choices(services.agency_choices(current_user))
    if form.validate_on_submit():
        agency = get_agency_in_scope(current_user, form.agency_id.data)
        cleaned = form.check(agency.code)
        if cleaned.is_valid:
            try:
                employee = services.save_employee(current_user, employee, cleaned, agency)
            except services.MasterDataError as exc:
                if getattr(exc, "is_audited", False):
                    db.session.commit()  # the audit entry of an out-of-scope number; nothing else was written
                else:
                    db.session.rollback()
                form.nip.errors.append(str(exc))
            else:
                db.session.commit()
                for warning in cleaned.warnings:
                    flash(warning, "warning")
                flash(_("Data pegawai %(name)s disimpan.", name=employee.name), "success")
                return redirect(url_for("masterdata.employee_detail", employee_id=employee.id))
    return render_template("masterdata/employee_form.html", form=form, employee=employee)


def _employee_form_data(employee: Employee) -> dict:
    return {
        "nama": employee.name, "kategori": employee.category.value, "nip": employee.nip or "",
        "nik": employee.nik or "", "tanggal_lahir": employee.birth_date.isoformat() if employee.birth_date else "",
        "jenis_kelamin": employee.gender.value if employee.gender else "", "jabatan": employee.position or "",
        "agency_id": employee.agency_id, "no_hp": employee.phone or "", "email": employee.email or "",
    }


@bp.route("/pegawai/<int:employee_id>/status", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def employee_toggle(employee_id: int):
    employee = get_employee_in_scope(current_user, employee_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.set_employee_active(current_user, employee, not employee.is_active)
        db.session.commit()
        flash(_("Status pegawai %(name)s diperbarui.", name=employee.name), "success")
        return redirect(url_for("masterdata.employee_detail", employee_id=employee.id))
    return render_template("masterdata/employee_toggle.html", form=form, employee=employee)
