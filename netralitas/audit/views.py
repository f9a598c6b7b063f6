"""The super admin's view of the audit log."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request

from netralitas.audit.models import AuditEntry
from netralitas.auth.access import roles_required
from netralitas.auth.models import Role
from netralitas.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
@roles_required(Role.SUPER_ADMIN)
def entry_list():
    args = request.args
    action = (args.get("aksi") or "").strip()[:60]
    actor = (args.get("oleh") or "").strip()[:200]
    target = (args.get("objek") or "").strip()[:40]
    day = _parse_day(args.get("tanggal"))
    query = sa.select(AuditEntry).order_by(AuditEntry.seq.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(AuditEntry.actor_label.contains(actor.lower(), autoescape=True))
    if target:
        query = query.where(AuditEntry.target_type == target)
    if day:
        start = datetime.combine(day, time.min, tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
        query = query.where(AuditEntry.created_dt >= start, AuditEntry.created_dt < start + timedelta(days=1))
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    actions = db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return render_template("audit/entry_list.html", page=page, action=action, actor=actor, target=target,
                           day=args.get("tanggal", ""), actions=actions, data_items=data_items)


@dataclass(frozen=True)
class DataItem:
    """One key of an entry's data as the screen shows it: a readable value, or the keys of a nested object."""

    key: str
    value: str = ""
    children: tuple[DataItem, ...] = ()


def data_items(data_json: str | None) -> tuple[DataItem, ...]:
    """An entry's stored JSON as key/value rows: nested objects nest, lists of plain values read "a, b, c"."""
    try:
        data = json.loads(data_json or "{}")
    except ValueError:  # written by record() as JSON; anything else (an edit outside the app) shows as it is
        return (DataItem("", data_json or ""),)
    return _items(data) if isinstance(data, dict) else (DataItem("", _readable(data)),)


def _items(data: dict[str, Any]) -> tuple[DataItem, ...]:
    return tuple(DataItem(str(key), children=_items(value)) if isinstance(value, dict) and value
                 else DataItem(str(key), _readable(value)) for key, value in data.items())


def _readable(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or value == []:
        return "—"
    if isinstance(value, list) and not any(isinstance(item, dict | list) for item in value):
        return ", ".join(_readable(item) for item in value)
    return json.dumps(value, ensure_ascii=False)  # numbers, true/false/null, lists of objects


def _parse_day(value: str | None):
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
