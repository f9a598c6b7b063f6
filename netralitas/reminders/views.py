"""Reminder screens: WhatsApp links and email reminders for an agency's unsigned employees."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from netralitas.auth.access import EXPORTERS, roles_required
from netralitas.core.forms import ConfirmForm
from netralitas.core.mail import MailProblem, MailSettings
from netralitas.core.phone import PhoneProblem
from netralitas.core.sql import commit_retrying_once
from netralitas.events.models import Event
from netralitas.events.rules import window
from netralitas.extensions import db
from netralitas.jobs import services as jobs
from netralitas.jobs.views import enqueue_or_warn
from netralitas.masterdata.models import Agency
from netralitas.masterdata.scope import get_unit_in_scope
from netralitas.masterdata.services import agency_choices
from netralitas.reminders import email, services

bp = Blueprint("reminders", __name__, url_prefix="/admin/acara")

MAIL_PROBLEMS = {
    MailProblem.NO_SERVER: _l("Pengiriman email belum disiapkan di server (MAIL_SERVER kosong), jadi tidak ada email "
                              "yang dikirim. Minta pengelola server mengisi pengaturan SMTP; sementara itu gunakan "
                              "tautan WhatsApp."),
    MailProblem.NO_SENDER: _l("Alamat pengirim email belum diatur (MAIL_FROM), jadi tidak ada email yang dikirim."),
}
#: Why a phone number gets no WhatsApp link, as the list says it next to the number.
PHONE_PROBLEMS = {
    PhoneProblem.CHARACTERS: _l("berisi huruf atau tanda lain (dua nomor dalam satu isian?)"),
    PhoneProblem.FOREIGN: _l("nomor luar negeri"),
    PhoneProblem.NOT_MOBILE: _l("bukan nomor HP (telepon kantor atau bebas pulsa)"),
    PhoneProblem.TOO_SHORT: _l("terlalu pendek"),
    PhoneProblem.TOO_LONG: _l("terlalu panjang"),
}


@bp.route("/<int:event_id>/pengingat")
@roles_required(*EXPORTERS)
def reminder_list(event_id: int):
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    q = (request.args.get("q") or "").strip()[:services.MAX_SEARCH_LENGTH]
    page = db.paginate(services.unsigned_employees(event, current_user, unit, q),
                       per_page=current_app.config["PER_PAGE"], error_out=False)

    def links():
        rows = services.whatsapp_rows(event, page.items, _tz())
        services.record_whatsapp_links(current_user, event, unit, rows, search=q, page=page.page)
        return rows

    rows = commit_retrying_once(db.session, links) if page.items else []
    mail = MailSettings.from_config(current_app.config)
    return render_template("reminders/list.html", event=event, unit=unit, q=q, page=page, rows=rows,
                           is_sendable=window(event) in email.SENDABLE_WINDOWS, mail_problem=MAIL_PROBLEMS.get(mail.problem),
                           agency_choices=agency_choices(current_user), unit_id=_unit_choice(unit),
                           phone_problems=PHONE_PROBLEMS)


@bp.route("/<int:event_id>/pengingat/email", methods=["GET", "POST"])
@roles_required(*EXPORTERS)
def send_email(event_id: int):
    """Confirm, then email the whole selection in one background job; its page shows the progress."""
    event = db.get_or_404(Event, event_id)
    unit = _unit()
    back = url_for(".reminder_list", event_id=event.id, unit=unit.id if unit else None)
    mail = MailSettings.from_config(current_app.config)
    problem = MAIL_PROBLEMS.get(mail.problem) or _state_problem(event)
    plan = email.plan(event, current_user, unit, email.local_today(_tz()))
    form = ConfirmForm()
    if form.validate_on_submit():
        if problem:
            flash(problem, "warning")
            return redirect(back)
        if not plan.due:
            flash(_("Tidak ada yang perlu dikirimi email sekarang: %(skipped)d sudah diingatkan hari ini, "
                    "%(no_email)d tanpa alamat email.", skipped=plan.reminded_today, no_email=plan.no_email), "info")
            return redirect(back)
        job = jobs.start(current_user, "email_reminders", event, unit)
        db.session.commit()
        enqueue_or_warn(job)
        return redirect(url_for("jobs.job_detail", job_id=job.id))
    return render_template("reminders/email_confirm.html", form=form, event=event, unit=unit, plan=plan,
                           problem=problem, back=back, per_minute=current_app.config["REMINDER_EMAILS_PER_MINUTE"])


def _unit() -> Agency | None:
    """The unit asked for in ?unit= (404 when outside the staff member's scope), or None for the whole scope."""
    return get_unit_in_scope(current_user, request.args.get("unit", 0, type=int))


def _unit_choice(unit: Agency | None) -> int:
    """The unit picker's selection: scoped staff have no 'all units' entry, so their own agency stands for it."""
    if unit is not None:
        return unit.id
    return current_user.agency_id if current_user.is_scoped else 0


def _tz() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _state_problem(event: Event) -> str | None:
    if window(event) in email.SENDABLE_WINDOWS:
        return None
    return _("Acara ini tidak sedang menerima tanda tangan (belum dibuka, sudah berakhir atau ditutup); "
             "pengingat email tidak dikirim.")
