"""Operator screens for events (settings, text, open/close, progress) and the venue board."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from netralitas.auth.access import ALL_STAFF, RUNNERS, roles_required
from netralitas.core import rotating_code
from netralitas.core.cache import AppCache
from netralitas.core.forms import ConfirmForm
from netralitas.core.qr import qr_svg
from netralitas.core.timezones import local_to_utc, utc_to_local
from netralitas.core.urls import public_url
from netralitas.db import utcnow
from netralitas.events import cache as event_cache
from netralitas.events import services
from netralitas.events.forms import EventForm, TextForm
from netralitas.events.models import ElectionKind, Event, EventStatus
from netralitas.events.rules import SigningWindow, window
from netralitas.events.tally import cached_tally
from netralitas.events.texts import DEFAULT_TEXT
from netralitas.extensions import db
from netralitas.masterdata.models import Category
from netralitas.masterdata.scope import get_agency_in_scope
from netralitas.masterdata.services import agencies_in_scope

bp = Blueprint("events", __name__)
#: The board JSON's bytes by event id, per app, valid for one second of one cached copy of the event.
_board_payloads: AppCache[bytes] = AppCache("netralitas.board_payloads")


def _tz() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


@bp.route("/admin/acara")
@roles_required(*ALL_STAFF)
def event_list():
    events = db.session.scalars(sa.select(Event).order_by(Event.opens_dt.desc())).all()
    return render_template("events/list.html", events=events)


@bp.route("/admin/acara/baru", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def create():
    form = _event_form()
    if request.method == "GET":
        start = utc_to_local(utcnow(), _tz()).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        form.opens_at.data, form.closes_at.data = start, start + timedelta(hours=8)
        form.categories.data = [c.value for c in Category]
    if form.validate_on_submit():
        try:
            event = services.create_event(current_user, **_event_values(form))
        except services.EventError as exc:
            db.session.rollback()
            form.slug.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Acara dibuat sebagai draf dengan teks deklarasi bawaan."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/admin/acara/<int:event_id>/ubah", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def edit(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            services.update_event(current_user, event, **_event_values(form))
        except services.EventError as exc:
            db.session.rollback()
            form.slug.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Pengaturan acara disimpan."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


def _event_form(event: Event | None = None) -> EventForm:
    data = None
    if event is not None and request.method == "GET":
        data = {"name": event.name, "slug": event.slug, "election_kind": event.election_kind.value,
                "opens_at": utc_to_local(event.opens_dt, _tz()), "closes_at": utc_to_local(event.closes_dt, _tz()),
                "is_attendance_on": event.is_attendance_on, "categories": [c.value for c in event.categories],
                "agency_ids": [a.id for a in event.agencies]}
    form = EventForm(data=data)
    form.agency_ids.set_agencies(agencies_in_scope(current_user, include_inactive=False))
    return form


def _event_values(form: EventForm) -> dict:
    return {
        "name": form.name.data, "slug": (form.slug.data or "").strip() or services.slugify(form.name.data),
        "election_kind": ElectionKind(form.election_kind.data),
        "opens_dt": local_to_utc(form.opens_at.data, _tz()), "closes_dt": local_to_utc(form.closes_at.data, _tz()),
        "is_attendance_on": form.is_attendance_on.data,
        "categories": [Category(c) for c in form.categories.data or []],
        "agencies": [get_agency_in_scope(current_user, i) for i in form.agency_ids.data or []],
    }


@bp.route("/admin/acara/<int:event_id>")
@roles_required(*ALL_STAFF)
def detail(event_id: int):
    event = db.get_or_404(Event, event_id)
    tally = cached_tally(event)
    scope_count = None
    if current_user.is_scoped:
        scope_count = tally.by_agency.get(current_user.agency_id)
    venue_url = public_url(current_app.config["PUBLIC_BASE_URL"], f"/e/{event.slug}")
    return render_template("events/detail.html", event=event, tally=tally, scope_count=scope_count,
                           venue_url=venue_url, window=window(event), SigningWindow=SigningWindow,
                           text_signed=services.is_text_signed(event.current_text) if event.current_text else False)


@bp.route("/admin/acara/<int:event_id>/teks", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def text(event_id: int):
    event = db.get_or_404(Event, event_id)
    current = event.current_text
    content = services.text_content(current) if current else DEFAULT_TEXT
    form = TextForm(data=None if request.method == "POST" else {
        "title": content.title, "preamble": content.preamble, "closing": content.closing,
        "points": "\n".join(content.points)})
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = form.content()
        else:
            try:
                saved = services.save_text(current_user, event, form.content())
            except services.EventError as exc:
                db.session.rollback()
                form.points.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Teks deklarasi versi %(v)s disimpan.", v=saved.version), "success")
                return redirect(url_for("events.detail", event_id=event.id))
    is_frozen = services.is_text_signed(current) if current else False
    return render_template("events/text.html", event=event, form=form, preview=preview, is_frozen=is_frozen)


#: What the operator is told after a status change, in words (the enum value OPEN meant nothing on screen).
STATUS_CHANGED = {
    EventStatus.OPEN: _l("Acara dibuka untuk penandatanganan."),
    EventStatus.CLOSED: _l("Acara ditutup; penandatanganan tidak lagi diterima."),
    EventStatus.DRAFT: _l("Acara dikembalikan ke draf."),
}


@bp.route("/admin/acara/<int:event_id>/status/<any(buka,tutup,draf):action>", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def change_status(event_id: int, action: str):
    event = db.get_or_404(Event, event_id)
    target = {"buka": EventStatus.OPEN, "tutup": EventStatus.CLOSED, "draf": EventStatus.DRAFT}[action]
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.set_status(current_user, event, target)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(STATUS_CHANGED[target], "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/status_confirm.html", form=form, event=event, action=action)


@bp.route("/e/<slug>/board")
@roles_required(*RUNNERS)
def board(slug: str):
    event = event_cache.event_by_slug(slug) or abort(404)
    venue_url = public_url(current_app.config["PUBLIC_BASE_URL"], f"/e/{event.slug}")
    return render_template("events/board.html", event=event, venue_url=venue_url, venue_qr=qr_svg(venue_url),
                           board_pass=services.board_pass(event), tally=cached_tally(event))


@bp.route("/e/<slug>/board.json")
def board_json(slug: str):
    """The board's counts and attendance code: for the board page's key (`?k=`) or a signed-in runner."""
    event = event_cache.event_by_slug(slug) or abort(404)
    if services.is_board_pass(event, request.args.get("k")):
        return _board_response(event)
    return _board_json_for_staff(event)


@roles_required(*RUNNERS)
def _board_json_for_staff(event):
    return _board_response(event)


board_json.allowed_roles = _board_json_for_staff.allowed_roles  # the key aside, the same people as the board


def _board_response(event):
    now = utcnow()
    second = int(now.timestamp())
    # Every screen polling within the same second gets the same bytes: the attendance code and its countdown
    # change by the second, the counts every few seconds (cached_tally), the event when its cached copy does.
    payload = _board_payloads.get(event.id, lambda: _board_payload(event, now), stamp=(second, event))
    response = current_app.response_class(payload, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _board_payload(event, now) -> bytes:
    tally = cached_tally(event)
    top = sorted(tally.top_level(), key=lambda c: (-c.required, c.name))
    return current_app.json.dumps({
        "event": event.slug, "state": window(event, now),
        "signed": tally.signed, "required": tally.required, "attended": tally.attended,
        "remote": tally.remote, "percent": tally.percent,
        "agencies": [{"code": c.code, "name": c.name, "signed": c.signed, "required": c.required,
                      "percent": c.percent} for c in top],
        "attendance_code": rotating_code.code_at(event.attendance_secret, now) if event.is_attendance_on else None,
        "seconds_left": rotating_code.seconds_left(now),
        "computed": tally.computed_dt.isoformat(),
    }).encode()
