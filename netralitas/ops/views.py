"""Health endpoint for the reverse proxy and monitoring."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ops", __name__)
