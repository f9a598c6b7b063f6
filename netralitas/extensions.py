"""Flask extensions, created here once and bound to the app in create_app()."""
import logging
from functools import cache

from babel import Locale
from flask import session
from flask.logging import default_handler
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from netralitas.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def _storage_news_only(record: logging.LogRecord) -> bool:
    """Warnings and the storage's recovery; not the INFO line of each breach, which names its key (an email)."""
    return record.levelno >= logging.WARNING or record.msg == "Rate limit storage recovered"


# Flask-Limiter says "storage unreachable - falling back to in-memory storage" (and later "recovered") on its own
# logger, which has only a NullHandler: without the app's stderr handler a Redis outage leaves no trace in the log.
limiter.logger.addHandler(default_handler)
limiter.logger.addFilter(_storage_news_only)
limiter.logger.setLevel(logging.INFO)


def select_locale() -> Locale:
    """Indonesian unless the visitor chose English (stored in the session); the default outside a request."""
    from flask import current_app, has_request_context

    # A service's lazy message can be read outside any request (a CLI command, a test): no session to ask then.
    chosen = session.get("lang") if has_request_context() else None
    if chosen not in current_app.config["LANGUAGES"]:
        chosen = current_app.config["BABEL_DEFAULT_LOCALE"]
    return _parsed_locale(chosen)


@cache
def _parsed_locale(code: str) -> Locale:
    # Flask-Babel keeps a Locale as it is: one object per language instead of a parse on every request, and
    # lookups keyed by it (the templates' catalogs) match by identity.
    return Locale.parse(code)


babel = Babel()
