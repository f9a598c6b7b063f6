"""Public transparency pages (/transparansi): no login, no script, the same figures as a page, a feed and a print."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for

from netralitas.core.timezones import local_time
from netralitas.db import utcnow
from netralitas.masterdata.models import Agency
from netralitas.masterdata.services import governments
from netralitas.transparency import services
from netralitas.transparency.services import GovernmentFigures

bp = Blueprint("transparency", __name__, url_prefix="/transparansi")

#: The feed is the same for everyone and at most a minute old anyway (services.CACHE_SECONDS).
FEED_CACHE_CONTROL = f"public, max-age={services.CACHE_SECONDS}"


@bp.route("")
def index():
    """The governments; with only one, straight to its page (one tap saved, one address to share)."""
    found = governments()
    if len(found) == 1:
        return redirect(url_for("transparency.government", code=found[0].code))
    return render_template("transparency/index.html", governments=found)


@bp.route("/<code>")
def government(code: str):
    """One government's page: completion of the chosen event and enforcement in the chosen year."""
    chosen = _chosen(code)
    if chosen is None:
        abort(404)
    government, events, figures = chosen
    return render_template("transparency/government.html", government=government, events=events, figures=figures,
                           years=sorted({*services.years_offered(), figures.year}, reverse=True),
                           selection=_selection(figures), has_other_governments=len(governments()) > 1)


@bp.route("/<code>.json")
def government_json(code: str):
    """The same figures as JSON (keys in the README, "Transparency page"); a hidden count is null."""
    chosen = _chosen(code)
    if chosen is None:
        return jsonify(error="not_found"), 404
    response = jsonify(services.figures_payload(chosen[2]))
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    return response


@bp.route("/<code>/cetak")
def government_print(code: str):
    """A4 page for the DPRD: title, date printed, the tables and the notes, no navigation."""
    chosen = _chosen(code)
    if chosen is None:
        abort(404)
    printed = local_time(utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return render_template("transparency/print.html", government=chosen[0], figures=chosen[2], printed=printed)


def _chosen(code: str) -> tuple[Agency, list, GovernmentFigures] | None:
    """The government, its events and the figures ?acara= and ?tahun= ask for; None when any of them names nothing."""
    government = services.government_by_code(code)
    if government is None:
        return None
    events = services.events_for(government)
    try:
        event = services.choose_event(events, request.args.get("acara"))
        year = services.choose_year(request.args.get("tahun"))
    except LookupError:
        return None
    figures = services.government_figures(government, event, year, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return government, events, figures


def _selection(figures: GovernmentFigures) -> dict[str, str | int]:
    """The query arguments that show these figures again (links to the feed, the print page, another language)."""
    selection: dict[str, str | int] = {"tahun": figures.year}
    if figures.declarations is not None:
        selection["acara"] = figures.declarations.event_slug
    return selection
