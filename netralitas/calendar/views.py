"""The super admin's working-day calendar: a year's national holidays and the days off they record."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from netralitas.auth.access import roles_required
from netralitas.auth.models import Role
from netralitas.calendar import services
from netralitas.calendar.forms import FIRST_YEAR, KIND_LABELS, LAST_YEAR, CutiBersamaImportForm, DayOffForm
from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.core.forms import ConfirmForm
from netralitas.extensions import db

bp = Blueprint("calendar", __name__, url_prefix="/admin/kalender")


def _year_asked(default: int) -> int:
    """?tahun= when it is a year the screen can show, else default."""
    year = request.args.get("tahun", type=int)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else default


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def year_view():
    year = _year_asked(services.local_today().year)
    form = DayOffForm()
    if form.validate_on_submit():
        day = form.parsed_day()
        try:
            services.add_day_off(current_user, day=day, name=form.name.data, kind=DayOffKind(form.kind.data),
                                 source=form.source.data)
        except services.CalendarError as exc:
            db.session.rollback()
            form.day.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Hari libur %(day)s ditambahkan.", day=format_date(day, "d MMMM y")), "success")
            return redirect(url_for("calendar.year_view", tahun=day.year))
    overview = services.year_overview(year)
    return render_template("calendar/year.html", overview=overview, form=form, kind_labels=KIND_LABELS,
                           import_form=CutiBersamaImportForm(year=year), weekday=lambda d: format_date(d, "EEEE"),
                           first_year=FIRST_YEAR, last_year=LAST_YEAR)


@bp.route("/<int:day_off_id>/hapus", methods=["GET", "POST"])
@roles_required(Role.SUPER_ADMIN)
def delete_day_off(day_off_id: int):
    day_off = db.session.get(DayOff, day_off_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        year = day_off.day.year
        services.delete_day_off(current_user, day_off)
        db.session.commit()
        flash(_("Hari libur dihapus; tanggal itu kembali menjadi hari kerja."), "success")
        return redirect(url_for("calendar.year_view", tahun=year))
    return render_template("calendar/delete.html", form=form, day_off=day_off)


@bp.route("/impor-cuti-bersama", methods=["POST"])
@roles_required(Role.SUPER_ADMIN)
def import_cuti_bersama():
    form = CutiBersamaImportForm()
    if not form.validate_on_submit():
        flash(_("Tahun tidak dikenali."), "danger")
        return redirect(url_for("calendar.year_view"))
    year = form.year.data
    added = services.import_cuti_bersama(current_user, year)
    db.session.commit()
    if added:
        flash(ngettext("%(num)d cuti bersama tahun %(year)d ditambahkan.",
                       "%(num)d cuti bersama tahun %(year)d ditambahkan.", len(added), year=year), "success")
    elif services.package_cuti_bersama(year):
        flash(_("Semua cuti bersama tahun %(year)d dari paket sudah tercatat.", year=year), "info")
    else:
        flash(_("Paket holidays belum memuat cuti bersama tahun %(year)d; tambahkan sendiri menurut SKB-nya.",
                year=year), "warning")
    return redirect(url_for("calendar.year_view", tahun=year))
