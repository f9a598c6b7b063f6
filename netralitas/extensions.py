"""Flask extensions, created here once and bound to the app in create_app()."""
from functools import cache

from babel import Locale
from flask import request, session
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


def select_locale() -> Locale:
    """Indonesian unless the visitor chose English (stored in the session)."""
    from flask import current_app

    chosen = session.get("lang")
    if chosen not in current_app.config["LANGUAGES"]:
        chosen = current_app.config["BABEL_DEFAULT_LOCALE"] if request else "id"
    return _parsed_locale(chosen)


@cache
def _parsed_locale(code: str) -> Locale:
    # Flask-Babel keeps a Locale as it is: one object per language instead of a parse on every request, and
    # lookups keyed by it (the templates' catalogs) match by identity.
    return Locale.parse(code)


babel = Babel()
