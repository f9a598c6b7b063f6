"""The form a staff member names a new API token with."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from netralitas.core.forms import AppForm


class TokenForm(AppForm):
    """A name that tells the owner later which integration uses the token."""

    name = StringField(_l("Nama token"), validators=[DataRequired(_l("Nama token wajib diisi.")), Length(max=100)],
                       render_kw={"autocomplete": "off", "maxlength": 100})
