"""Reading and editing the legal catalogue (violation forms, sanctions, deadlines); each edit writes its audit entry
and leaves the commit to the caller."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.core.messages import lazy_message as _l
from netralitas.extensions import db
from netralitas.legal.models import (
    DeadlineKind,
    DeadlineRule,
    Sanction,
    SanctionGroup,
    SanctionLevel,
    ViolationClass,
    ViolationForm,
)
from netralitas.masterdata.models import Category

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

#: The seed files; migration 0009 reads the same files.
DATA_DIR = Path(__file__).resolve().parent / "data"
#: A code as cases and exports print it: capitals, digits and inner hyphens.
CODE_PATTERN = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
CODE_MAX = 40

#: Which sanction menu an employment category gets; every Category must be here (a test checks it).
GROUP_OF_CATEGORY = {
    Category.PNS: SanctionGroup.PNS,
    Category.PPPK: SanctionGroup.PPPK,
    Category.KONTRAK: SanctionGroup.NON_ASN,
    Category.UPAHAN: SanctionGroup.NON_ASN,
    Category.BLUD: SanctionGroup.NON_ASN,
    Category.BUMD: SanctionGroup.NON_ASN,
}


class LegalCatalogueError(ValueError):
    """A catalogue change that breaks a rule; str() is the message in the reader's language (a lazy string), `field`
    the input it is about (a form field name) when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- reading ---------------------------------------------------------------------------------------------------------

def sanction_group(category: Category) -> SanctionGroup:
    """The sanction menu for an employment category: PNS, PPPK, or the contract terms (non-ASN)."""
    return GROUP_OF_CATEGORY[category]


def all_forms() -> list[ViolationForm]:
    """Every violation form, active or not, by class then code."""
    return list(db.session.scalars(sa.select(ViolationForm).order_by(ViolationForm.violation_class, ViolationForm.code)))


def active_forms() -> list[ViolationForm]:
    """The violation forms a new case may name, by class then code."""
    return [form for form in all_forms() if form.is_active]


def violation_form(form_id: int) -> ViolationForm | None:
    """The violation form with this id (active or not: an old case keeps naming it)."""
    return db.session.get(ViolationForm, form_id)


def form_by_code(code: str) -> ViolationForm | None:
    """The violation form with this code, or None."""
    return db.session.scalar(sa.select(ViolationForm).where(ViolationForm.code == code))


def all_sanctions() -> list[Sanction]:
    """Every sanction, active or not, by group then menu position."""
    return list(db.session.scalars(sa.select(Sanction).order_by(Sanction.employee_group, Sanction.position, Sanction.code)))


def sanctions_for(category: Category, level: SanctionLevel | None = None) -> list[Sanction]:
    """The active sanctions a decision may impose on an employee of this category (at one level if given)."""
    query = sa.select(Sanction).where(Sanction.employee_group == sanction_group(category), Sanction.is_active.is_(True))
    if level is not None:
        query = query.where(Sanction.level == level)
    return list(db.session.scalars(query.order_by(Sanction.position, Sanction.code)))


def sanction_by_code(code: str) -> Sanction | None:
    """The sanction with this code, or None."""
    return db.session.scalar(sa.select(Sanction).where(Sanction.code == code))


def deadline_rules() -> list[DeadlineRule]:
    """Every deadline rule, in the order of the procedure (as seeded)."""
    return list(db.session.scalars(sa.select(DeadlineRule).order_by(DeadlineRule.id)))


def deadline(key: str) -> DeadlineRule:
    """The deadline rule with this key; a missing key is a programming or seeding error (KeyError)."""
    rule = db.session.scalar(sa.select(DeadlineRule).where(DeadlineRule.key == key))
    if rule is None:
        raise KeyError(f"no deadline rule {key!r}: run `flask legal seed`")
    return rule


def deadline_days(key: str) -> int:
    """The working days set for a deadline (what case deadlines count)."""
    return deadline(key).working_days


# --- editing ---------------------------------------------------------------------------------------------------------

def clean_code(code: str) -> str:
    """A new code, trimmed and upper-cased, or LegalCatalogueError."""
    code = (code or "").strip().upper()
    if not code or len(code) > CODE_MAX or not CODE_PATTERN.fullmatch(code):
        raise LegalCatalogueError(_l("Kode hanya boleh berisi huruf A-Z, angka dan tanda hubung, paling panjang "
                                     "%(max)d karakter.", max=CODE_MAX), "code")
    return code


def clean_text(text: str, max_length: int, what: str, field: str) -> str:
    """Text on one line with single spaces, without control characters, within its length, or LegalCatalogueError."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())
    if not cleaned:
        raise LegalCatalogueError(_l("%(what)s wajib diisi.", what=what), field)
    if len(cleaned) > max_length:
        raise LegalCatalogueError(_l("%(what)s paling panjang %(max)d karakter.", what=what, max=max_length), field)
    return cleaned


def create_form(actor: Staff, *, code: str, violation_class: ViolationClass, sanction_level: SanctionLevel,
                text: str, source: str) -> ViolationForm:
    """Add a violation form; its code must be new."""
    code = clean_code(code)
    if form_by_code(code) is not None:
        raise LegalCatalogueError(_l("Kode %(code)s sudah dipakai.", code=code), "code")
    form = ViolationForm(code=code, violation_class=violation_class, sanction_level=sanction_level,
                         text=clean_text(text, 500, _l("Uraian"), "text"), source=clean_text(source, 300, _l("Sumber"), "source"))
    db.session.add(form)
    db.session.flush()
    record(actor, "legal.form_create", "violation_form", form.id, f"Bentuk pelanggaran {code} ditambahkan",
           {"code": code, "class": violation_class.value, "level": sanction_level.value})
    return form


def update_form(actor: Staff, form: ViolationForm, *, violation_class: ViolationClass, sanction_level: SanctionLevel,
                text: str, source: str) -> ViolationForm:
    """Change a violation form's class, level, text or source (never its code)."""
    values = {"violation_class": violation_class, "sanction_level": sanction_level,
              "text": clean_text(text, 500, _l("Uraian"), "text"), "source": clean_text(source, 300, _l("Sumber"), "source")}
    changes = _apply(form, values)
    if changes:
        record(actor, "legal.form_update", "violation_form", form.id, f"Bentuk pelanggaran {form.code} diubah", changes)
    return form


def set_form_active(actor: Staff, form: ViolationForm, is_active: bool) -> None:
    """Offer a violation form to new cases again, or stop offering it (old cases keep it)."""
    _set_active(actor, form, is_active, "form", "violation_form", "Bentuk pelanggaran")


def create_sanction(actor: Staff, *, code: str, employee_group: SanctionGroup, level: SanctionLevel, text: str,
                    duration_months: int | None, source: str, position: int) -> Sanction:
    """Add a sanction to a group's menu; its code must be new."""
    code = clean_code(code)
    if sanction_by_code(code) is not None:
        raise LegalCatalogueError(_l("Kode %(code)s sudah dipakai.", code=code), "code")
    sanction = Sanction(code=code, employee_group=employee_group, level=level, text=clean_text(text, 500, _l("Uraian"), "text"),
                        duration_months=_clean_duration(duration_months), source=clean_text(source, 300, _l("Sumber"), "source"),
                        position=position)
    db.session.add(sanction)
    db.session.flush()
    record(actor, "legal.sanction_create", "sanction", sanction.id, f"Sanksi {code} ditambahkan",
           {"code": code, "group": employee_group.value, "level": level.value})
    return sanction


def update_sanction(actor: Staff, sanction: Sanction, *, level: SanctionLevel, text: str,
                    duration_months: int | None, source: str, position: int) -> Sanction:
    """Change a sanction's level, text, term, source or menu position (never its code or group)."""
    values = {"level": level, "text": clean_text(text, 500, _l("Uraian"), "text"),
              "duration_months": _clean_duration(duration_months), "source": clean_text(source, 300, _l("Sumber"), "source"),
              "position": position}
    changes = _apply(sanction, values)
    if changes:
        record(actor, "legal.sanction_update", "sanction", sanction.id, f"Sanksi {sanction.code} diubah", changes)
    return sanction


def set_sanction_active(actor: Staff, sanction: Sanction, is_active: bool) -> None:
    """Offer a sanction in decisions again, or stop offering it."""
    _set_active(actor, sanction, is_active, "sanction", "sanction", "Sanksi")


def _set_active(actor: Staff, row: ViolationForm | Sanction, is_active: bool, action: str, target: str,
                noun: str) -> None:
    """Switch a catalogue row on or off, audited as legal.<action>_activate / _deactivate (no entry when unchanged)."""
    if row.is_active == is_active:
        return
    row.is_active = is_active
    verb = "diaktifkan" if is_active else "dinonaktifkan"
    record(actor, f"legal.{action}_{'activate' if is_active else 'deactivate'}", target, row.id,
           f"{noun} {row.code} {verb}")


def set_deadline_days(actor: Staff, key: str, days: int) -> DeadlineRule:
    """Set a deadline's working days within the room the law leaves (min_days..max_days)."""
    rule = deadline(key)
    if not rule.min_days <= days <= rule.max_days:
        if rule.is_fixed:
            raise LegalCatalogueError(_l("Tenggat ini ditetapkan peraturan: %(days)d hari kerja, tidak dapat diubah.",
                                         days=rule.min_days), "working_days")
        raise LegalCatalogueError(_l("Tenggat harus antara %(min)d dan %(max)d hari kerja.",
                                     min=rule.min_days, max=rule.max_days), "working_days")
    if rule.working_days != days:
        before = rule.working_days
        rule.working_days = days
        rule.updated_by_id = actor.id
        record(actor, "legal.deadline_update", "deadline_rule", rule.id,
               f"Tenggat {key} diubah dari {before} menjadi {days} hari kerja",
               {"key": key, "before": before, "after": days, "legal_default": rule.legal_default})
    return rule


def reset_deadline(actor: Staff, key: str) -> DeadlineRule:
    """Put a deadline back to its legal default."""
    return set_deadline_days(actor, key, deadline(key).legal_default)


def _clean_duration(months: int | None) -> int | None:
    if months is not None and not 1 <= months <= 120:
        raise LegalCatalogueError(_l("Lama sanksi harus antara 1 dan 120 bulan, atau dikosongkan."), "duration_months")
    return months


def _apply(row: Any, values: dict[str, Any]) -> dict[str, list]:
    """Set the values that differ and return them as {name: [before, after]} for the audit entry."""
    changes = {}
    for name, value in values.items():
        before = getattr(row, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(row, name, value)
    return changes


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


# --- seeding ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SeedSummary:
    """How many rows seed_catalogue added to each table."""

    forms: int
    sanctions: int
    deadlines: int

    @property
    def total(self) -> int:
        """Rows added in all."""
        return self.forms + self.sanctions + self.deadlines


def read_seed(name: str) -> list[dict[str, str]]:
    """The rows of one seed file in netralitas/legal/data/ (violation_forms, sanctions, deadlines)."""
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seed_catalogue(actor: Staff | str = "seed") -> SeedSummary:
    """Insert the seed rows whose code or key is missing; rows already there (an admin's edits) are left alone."""
    forms = _seed_missing(ViolationForm, "code", read_seed("violation_forms"), _form_values)
    sanctions = _seed_missing(Sanction, "code", read_seed("sanctions"), _sanction_values)
    deadlines = _seed_missing(DeadlineRule, "key", read_seed("deadlines"), _deadline_values)
    summary = SeedSummary(len(forms), len(sanctions), len(deadlines))
    if summary.total:
        record(actor, "legal.seed", "legal_catalogue", None, f"Katalog hukum: {summary.total} baris ditambahkan",
               {"forms": forms, "sanctions": sanctions, "deadlines": deadlines})
    return summary


def _seed_missing(model: type, key: str, rows: list[dict[str, str]], values_of) -> list[str]:
    column = getattr(model, key)
    present = set(db.session.scalars(sa.select(column)))
    added = [row[key] for row in rows if row[key] not in present]
    db.session.add_all(model(**values_of(row)) for row in rows if row[key] in added)
    db.session.flush()
    return added


def _form_values(row: dict[str, str]) -> dict[str, Any]:
    return {"code": row["code"], "violation_class": ViolationClass(row["violation_class"]),
            "sanction_level": SanctionLevel(row["sanction_level"]), "text": row["text"], "source": row["source"]}


def _sanction_values(row: dict[str, str]) -> dict[str, Any]:
    return {"code": row["code"], "employee_group": SanctionGroup(row["employee_group"]), "level": SanctionLevel(row["level"]),
            "text": row["text"], "duration_months": int(row["duration_months"]) if row["duration_months"] else None,
            "source": row["source"], "position": int(row["position"]),
            "remedy_deadline": row.get("remedy_deadline") or "objection_window"}


def _deadline_values(row: dict[str, str]) -> dict[str, Any]:
    days = int(row["legal_default"])
    return {"key": row["key"], "kind": DeadlineKind(row["kind"]), "label": row["label"], "working_days": days,
            "legal_default": days, "min_days": int(row["min_days"]), "max_days": int(row["max_days"]),
            "runs_from": row["runs_from"], "source": row["source"]}
