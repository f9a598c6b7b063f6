"""Completion dashboard and drill-down per event (scoped to the staff member's subtree)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
