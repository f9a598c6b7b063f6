"""The read-only JSON API and the screens where staff create and revoke their API tokens."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
