"""Completion dashboard and drill-down per event (scoped to the staff member's subtree)."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination

from netralitas.auth.access import ALL_STAFF, roles_required
from netralitas.certificates.services import display_code
from netralitas.core.numbers import NumberFormat
from netralitas.events.models import Event
from netralitas.events.progress import Progress
from netralitas.events.rules import Audience
from netralitas.extensions import db
from netralitas.masterdata.models import Category
from netralitas.masterdata.scope import get_agency_in_scope, get_unit_in_scope
from netralitas.reports import dashboard
from netralitas.reports.completion import Completion, completion
from netralitas.reports.statuses import SignStatus, StatusFilter, choice, employee_statuses
from netralitas.reports.timeline import Granularity, signature_timeline

bp = Blueprint("reports", __name__, url_prefix="/admin")


@bp.route("/rekap")
@roles_required(*ALL_STAFF)
def index():
    """The "Rekap" menu entry: straight to the dashboard of the current event (one click saved)."""
    event = dashboard.default_event()
    if event is None:
        return render_template("reports/no_event.html")
    return redirect(url_for("reports.event_dashboard", event_id=event.id))


@bp.route("/acara/<int:event_id>/rekap")
@roles_required(*ALL_STAFF)
def event_dashboard(event_id: int):
    event = db.get_or_404(Event, event_id)
    root = get_unit_in_scope(current_user, request.args.get("unit", 0, type=int))
    audience = Audience.of(event, current_user, root)
    result = completion(event, audience)
    sort_key, descending = dashboard.parse_sort(request.args.get("sort"))
    dashboard.sort_tree(result, sort_key, descending)
    tz_name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    granularity = choice(Granularity, request.args.get("grafik"))
    timeline = signature_timeline(event, audience, granularity=granularity, tz_name=tz_name)
    charts = dashboard.timeline_charts(timeline, tz_name) if timeline.total else None
    return render_template(
        "reports/dashboard.html", event=event, root=root, result=result, sort_key=sort_key, descending=descending,
        lowest=dashboard.lowest_agencies(result), timeline=timeline, charts=charts,
        events=dashboard.other_events(), categories=list(Category), num=NumberFormat(get_locale()))


@bp.route("/acara/<int:event_id>/rekap/pegawai")
@bp.route("/acara/<int:event_id>/rekap/unit/<int:agency_id>")
@roles_required(*ALL_STAFF)
def agency_status(event_id: int, agency_id: int | None = None):
    """Who in an agency's subtree (or the whole scope) has signed, when, with which certificate; or not yet."""
    event = db.get_or_404(Event, event_id)
    agency = get_agency_in_scope(current_user, agency_id) if agency_id is not None else None
    wanted = StatusFilter.from_args(request.args)
    status, category, q = wanted.status, wanted.category, wanted.search
    audience = Audience.of(event, current_user, agency)
    query = employee_statuses(audience, status=status, category=category, search=q)
    result = completion(event, audience)
    totals = result.total
    page = _RowPagination(select=query, session=db.session(), per_page=current_app.config["PER_PAGE"], error_out=False,
                          known_total=None if q else _filtered_count(result, status, category))
    return render_template(
        "reports/agency_status.html", event=event, agency=agency, page=page, rows=page.items, totals=totals,
        status=status, category=category, q=q, categories=event.categories, display_code=display_code)


def _filtered_count(result: Completion, status: SignStatus | None, category: Category | None) -> int:
    """How many rows the status list holds without a search: the completion figures already say (same rows)."""
    counts = result.by_category.get(category, Progress()) if category else result.total
    return {None: counts.required, SignStatus.SIGNED: counts.signed, SignStatus.UNSIGNED: counts.unsigned}[status]


class _RowPagination(SelectPagination):
    """db.paginate() keeps only the first column of each row; the status list needs all of them.

    known_total skips the COUNT query (a second pass over the whole list) when the figure is known already.
    """

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select))

    def _query_count(self) -> int:
        known = self._query_args.get("known_total")
        return known if known is not None else super()._query_count()

