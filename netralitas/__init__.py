"""Netralitas: registry of political-neutrality declarations signed by regional government employees."""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from flask import Flask, render_template, request, session
from flask_limiter import Limiter
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.middleware.proxy_fix import ProxyFix

from netralitas.certificates.keys import SigningKeyError, ensure_signing_key
from netralitas.config import DEFAULT_INSTANCE_PATH, PROJECT_ROOT, Config
from netralitas.core.files import make_private
from netralitas.core.sessions import CookieSessions
from netralitas.core.template_i18n import install_template_gettext
from netralitas.extensions import babel, csrf, db, limiter, login_manager, migrate, select_locale

#: Exit status for a setup problem that stops the app from starting; gunicorn reads it from a worker as "the app
#: failed to load" and stops, instead of respawning workers forever.
EXIT_CANNOT_START = 4


class InstanceFolderError(RuntimeError):
    """The instance folder (SQLite file, secret key) cannot be created or written."""


def exit_cannot_start(problem: InstanceFolderError) -> NoReturn:
    """Stop with one line naming the problem and EXIT_CANNOT_START: a setup problem with a known fix, not a bug."""
    print(f"netralitas: {problem}", file=sys.stderr)
    sys.exit(EXIT_CANNOT_START)


def instance_folder() -> Path:
    """The instance folder: NETRALITAS_INSTANCE, else instance/ in the project."""
    return Path(os.environ.get("NETRALITAS_INSTANCE", DEFAULT_INSTANCE_PATH))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, template context, error pages, commands."""
    instance_path = instance_folder()
    ensure_writable_folder(instance_path)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Config(instance_path))
    app.config.update(config or {})
    prepare_signing_key(app)
    app.session_interface = CookieSessions()
    register_extensions(app)
    register_blueprints(app)
    register_template_context(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_commands(app)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def ensure_writable_folder(path: Path) -> None:
    """Create the folder and prove it is writable, or fail with a message that names it."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(PermissionError):  # a folder someone else owns: leave its mode to them
            make_private(path)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise InstanceFolderError(
            f"Instance folder {path} is not writable ({exc.strerror}). "
            "Free disk space or fix its permissions, or point NETRALITAS_INSTANCE elsewhere."
        ) from exc


def prepare_signing_key(app: Flask) -> None:
    """Create the certificate signing key on the first start, as the secret and invitation keys are.

    Without it every signature would fail after the signer drew it. A folder that cannot be written is not fatal
    here: /healthz reports the missing key and events refuse to open until it exists.
    """
    try:
        ensure_signing_key(Path(app.config["KEYS_DIR"]))
    except OSError as exc:
        app.logger.warning("no certificate signing key in %s (%s): run `flask keys generate`",
                           app.config["KEYS_DIR"], exc.strerror or exc)


def register_extensions(app: Flask) -> None:
    """Bind every extension to this app."""
    from netralitas import models  # noqa: F401  (register every table with the metadata)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file on this machine has no connection to lose: no ping (a SELECT 1) before every pool checkout.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False}
    db.init_app(app)
    protect_sqlite_files(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    drop_app_wide_limit_check(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PROJECT_ROOT / "netralitas" / "translations"))
    login_manager.init_app(app, add_context_processor=False)  # templates get the proxy: register_template_context
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"


def protect_sqlite_files(app: Flask) -> None:
    """Keep a SQLite database owner-only: it holds NIK, birth dates and phone numbers.

    SQLite creates the file readable by every local account (umask 022). Each new connection makes it owner-only
    first thing, before the WAL pragma creates the -wal and -shm files, which SQLite then gives the database's own
    mode; files an older version left readable are tightened the same way. One stat per new pooled connection.
    """
    from netralitas.ops.backup import sqlite_file

    database = sqlite_file(make_url(app.config["SQLALCHEMY_DATABASE_URI"]))
    if database is None:
        return
    files = [database, *(database.with_name(database.name + end) for end in ("-wal", "-shm", "-journal"))]

    def make_files_private(*_connect_args) -> None:
        with contextlib.suppress(PermissionError):  # a file someone else owns: leave its mode to them
            for path in files:
                make_private(path)

    with app.app_context():
        event.listen(db.engine, "connect", make_files_private, insert=True)


def drop_app_wide_limit_check(app: Flask) -> None:
    """Remove Flask-Limiter's before-request hook when it has nothing to check.

    The hook applies default and application-wide limits. This app has none: every limit is a decorator on its
    view (sign-in, signer codes, /cek, the API), which checks its own limits, and failures are counted after the
    response as before. The hook would still resolve limits on every request (~10 % of a board poll).
    """
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits:
        return
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if getattr(hook, "__func__", None) is not Limiter._check_request_limit]


def register_blueprints(app: Flask) -> None:
    """Mount each domain's blueprint."""
    from netralitas.api.views import bp as api_bp
    from netralitas.audit.views import bp as audit_bp
    from netralitas.auth.views import bp as auth_bp
    from netralitas.calendar.views import bp as calendar_bp
    from netralitas.cases.document_views import bp as case_documents_bp
    from netralitas.cases.export_views import bp as case_exports_bp
    from netralitas.cases.step_views import bp as case_steps_bp
    from netralitas.cases.views import bp as cases_bp
    from netralitas.certificates.admin_views import bp as certificate_admin_bp
    from netralitas.certificates.export_views import bp as certificate_exports_bp
    from netralitas.certificates.views import bp as certificates_bp
    from netralitas.events.views import bp as events_bp
    from netralitas.home.views import bp as home_bp
    from netralitas.invitations.views import bp as invitations_bp
    from netralitas.jobs.views import bp as jobs_bp
    from netralitas.legal.views import bp as legal_bp
    from netralitas.masterdata.imports.views import bp as import_bp
    from netralitas.masterdata.views import bp as masterdata_bp
    from netralitas.ops.views import bp as ops_bp
    from netralitas.public_reports.triage_views import bp as report_triage_bp
    from netralitas.public_reports.views import bp as public_reports_bp
    from netralitas.reminders.views import bp as reminders_bp
    from netralitas.reports.export_views import bp as report_exports_bp
    from netralitas.reports.views import bp as reports_bp
    from netralitas.signing.views import bp as signing_bp
    from netralitas.transparency.views import bp as transparency_bp

    blueprints = (
        home_bp, auth_bp, masterdata_bp, import_bp, audit_bp, events_bp, signing_bp, invitations_bp,
        certificate_admin_bp, certificates_bp, certificate_exports_bp,
        reports_bp, report_exports_bp, reminders_bp, api_bp, ops_bp, jobs_bp,
        legal_bp,
        case_exports_bp,
        calendar_bp, cases_bp, case_steps_bp, case_documents_bp,
        transparency_bp,
        public_reports_bp, report_triage_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)


def register_errorhandlers(app: Flask) -> None:
    """Indonesian error pages for the codes a user can meet."""

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        return render_template(f"errors/{code}.html"), code

    def database_unavailable(error):
        # Locked SQLite past its busy timeout, PostgreSQL restarting or unreachable: ask for a retry.
        # The page must not touch the database (no current_user), so it does not extend base.html.
        app.logger.warning("database unavailable: %s", error.__class__.__name__)
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        response = app.make_response((render_template("errors/unavailable.html"), 503))
        response.headers["Retry-After"] = "5"
        return response

    def value_out_of_range(error):
        # A value the database cannot take (NUL in PostgreSQL text, an id beyond the integer range, text longer
        # than its column) comes from a bad request, not a broken server; nothing of the request is kept.
        app.logger.warning("request refused, value the database cannot hold: %s", error.__class__.__name__)
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        return render_template("errors/400.html"), 400

    def too_many_requests(error):
        # Say how long at most: a locked invitation code waits up to 15 minutes, not the minute of a login limit.
        limit = getattr(error, "limit", None)
        window = limit.limit.get_expiry() if limit is not None else 60
        return render_template("errors/429.html", wait_minutes=max(1, -(-window // 60))), 429

    def no_signing_key(error):
        # The key vanished after the event opened (opening checks it): nothing of the request is kept.
        app.logger.error("certificate signing key unusable: %s", error)
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        return render_template("errors/no_signing_key.html"), 503

    for code in (400, 403, 404, 405, 413, 500, 503):
        app.register_error_handler(code, render_error)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(DataError, value_out_of_range)
    app.register_error_handler(OverflowError, value_out_of_range)  # SQLite: an integer beyond 64 bits
    app.register_error_handler(SigningKeyError, no_signing_key)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(PoolTimeoutError, database_unavailable)


def register_template_context(app: Flask) -> None:
    """Everything templates see besides a view's own values, in one place: gettext, filters, globals, language.

    Globals rather than context processors wherever the value is fixed or a proxy: a context processor runs on
    every render, a global costs nothing until a template reads it.
    """
    from netralitas.auth.access import EXPORTERS, MANAGERS, RUNNERS
    from netralitas.core.formatting import active_locale, register_template_filters
    from netralitas.home.views import nav_items
    from netralitas.masterdata.models import AgencyKind

    install_template_gettext(app)  # after Flask-Babel's init_app, whose callables these replace
    register_template_filters(app)
    app.jinja_env.globals.update(
        # The current_user proxy itself: the user is loaded only by a page that shows it (Flask-Login's own context
        # processor loads it for every rendered page, the public ones included).
        current_user=current_user,
        # Role groups ({% if current_user.role in EXPORTERS %}), so pages show exactly what the views allow.
        RUNNERS=RUNNERS, MANAGERS=MANAGERS, EXPORTERS=EXPORTERS,
        nav_items=nav_items,
        agency_kinds=list(AgencyKind),
    )

    @app.context_processor
    def inject_language():
        # The locale the page's strings are translated into (Flask-Babel keeps it for the request).
        return {"current_lang": str(active_locale()), "languages": app.config["LANGUAGES"]}


def register_request_hooks(app: Flask) -> None:
    """Security headers, body checks and the language choice on every request."""
    from netralitas.core.security import SecurityHeaders, hsts_headers, refuse_json_form_posts, refuse_nul_characters
    from netralitas.ops.logging import init_request_logging

    init_request_logging(app)  # one JSON line per request on the `netralitas.request` logger
    app.wsgi_app = SecurityHeaders(app.wsgi_app, hsts_headers(app.config["PUBLIC_BASE_URL"], app.config["HSTS_MAX_AGE"]))
    app.before_request(refuse_json_form_posts)
    app.before_request(refuse_nul_characters)

    @app.before_request
    def remember_language_choice():
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang


def register_commands(app: Flask) -> None:
    """Attach the `flask` CLI commands."""
    from netralitas.cli import register

    register(app)
