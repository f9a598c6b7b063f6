"""Jinja filters for dates and numbers as Indonesians write them."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal


def register_template_filters(app: Flask) -> None:
    """Make the filters available in every template."""
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_count, "count")


def format_day(value: date | None) -> str:
    """'21 Nov 2026' in the active language; empty for None."""
    return format_date(value, "d MMM y") if value else ""


def format_moment(value: datetime | None) -> str:
    """Date and time in the display time zone (WIB by default)."""
    return format_datetime(value, "d MMM y HH:mm") if value else ""


def format_count(value: int | None) -> str:
    """Thousands separators of the active language (5.000 in Indonesian)."""
    return format_decimal(value or 0)
