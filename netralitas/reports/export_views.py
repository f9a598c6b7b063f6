"""Completion exports: XLSX/CSV tables, per-employee status lists and the PDF recap."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("report_exports", __name__)
