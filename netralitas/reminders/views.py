"""Reminder screens: WhatsApp links and email reminders for an agency's unsigned employees."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reminders", __name__)
