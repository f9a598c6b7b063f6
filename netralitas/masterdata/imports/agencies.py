"""Agency import: rows keyed by code, parents in the file or the database, cycles refused, paths rebuilt."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa

from netralitas.core.messages import lazy_message as _l
from netralitas.core.spreadsheet import Sheet
from netralitas.extensions import db
from netralitas.masterdata.imports.plan import ImportPlan, flag_duplicates
from netralitas.masterdata.models import Agency, AgencyKind
from netralitas.masterdata.rules import clean_agency
from netralitas.masterdata.services import agency_path

COLUMNS = ("kode", "nama", "kode_induk", "jenis")
REQUIRED_COLUMNS = ("kode", "nama")


@dataclass
class Node:
    """One agency as stored (or as it will be): enough to rebuild the materialised paths."""

    id: int | None
    code: str
    name: str
    kind: AgencyKind
    parent_code: str | None
    path: str = ""
    depth: int = 0


@dataclass
class AgencyPlan(ImportPlan):
    """New and changed agencies by code (name, kind, parent code), applied as a whole-tree path rebuild."""

    stored: dict[str, Node] = field(default_factory=dict)
    changes: dict[str, Node] = field(default_factory=dict)

    def apply(self) -> None:
        """Insert new codes, then write parent, path and depth of every agency whose position changed."""
        new = [node for node in self.changes.values() if node.id is None]
        if new:
            db.session.execute(sa.insert(Agency), [
                {"code": n.code, "name": n.name, "kind": n.kind, "parent_id": None, "path": "", "depth": 0} for n in new
            ])
        if not self.changes:
            return
        ids = dict(db.session.execute(sa.select(Agency.code, Agency.id)).all())
        # Copies: the rebuild rewrites paths and must still see the stored values to compare with.
        nodes = {code: replace(node) for code, node in {**self.stored, **self.changes}.items()}
        updates = _rebuilt_rows(nodes, ids, self.stored)
        if updates:
            db.session.execute(sa.update(Agency), updates)


def load_stored() -> dict[str, Node]:
    """Every agency by code, in one query."""
    rows = db.session.execute(sa.select(Agency.id, Agency.code, Agency.name, Agency.kind, Agency.parent_id,
                                        Agency.path, Agency.depth)).all()
    code_of = {row.id: row.code for row in rows}
    return {row.code: Node(row.id, row.code, row.name, row.kind, code_of.get(row.parent_id), row.path, row.depth)
            for row in rows}


def plan_agencies(sheet: Sheet) -> AgencyPlan:
    """Check every row, resolve parents across file and database, and list what would change."""
    plan = AgencyPlan(total_rows=len(sheet.rows), stored=load_stored())
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    checked = []
    for number, raw in sheet.rows:
        cleaned = clean_agency(raw)
        for column, message in cleaned.errors:
            plan.error(number, column, message)
        if cleaned.values["code"]:
            rows_by_code[cleaned.values["code"]].append(number)
        checked.append((number, cleaned.values))
    flag_duplicates(plan, rows_by_code, "kode", _l("Kode"))
    in_file = {values["code"]: (number, _proposed(plan, number, values, sheet.columns))
               for number, values in checked if values["code"] and len(rows_by_code[values["code"]]) == 1}
    _flag_unknown_parents(plan, in_file, rows_by_code)
    tree = _Tree(plan, in_file)
    while tree.flag_bad_parents() or tree.flag_cycles():
        pass  # each round only adds errors, so this settles
    for number, node in in_file.values():
        if not plan.is_bad(number):
            _count_change(plan, node)
    return plan


def _proposed(plan: AgencyPlan, number: int, values: dict[str, Any], columns: list[str]) -> Node:
    """The agency as the row wants it; columns missing from the file keep their stored value."""
    current = plan.stored.get(values["code"])
    kind = values["kind"] if "jenis" in columns or current is None else current.kind
    if kind is None:  # a jenis no synonym names: never a reason to refuse the row (or its children)
        kind = current.kind if current else AgencyKind.LAINNYA
        if current:
            plan.warn(number, _l("Jenis '%(text)s' tidak dikenal; jenis tersimpan (%(kind)s) tidak diubah",
                                 text=values["kind_text"], kind=kind.value))
        else:
            plan.warn(number, _l("Jenis '%(text)s' tidak dikenal; dicatat sebagai %(kind)s", text=values["kind_text"],
                                 kind=kind.value))
    parent = values["parent_code"] if "kode_induk" in columns or current is None else current.parent_code
    return Node(current.id if current else None, values["code"], values["name"], kind, parent)


def _flag_unknown_parents(plan: AgencyPlan, in_file: dict[str, tuple[int, Node]], rows_by_code: dict[str, list[int]]) -> None:
    for number, node in in_file.values():
        parent = node.parent_code
        if parent is None or parent in in_file or parent in plan.stored:
            continue
        if parent in rows_by_code:
            plan.error(number, "kode_induk", _l("Kode induk %(parent)s ganda dalam berkas, jadi induknya tidak jelas",
                                                parent=parent))
        else:
            plan.error(number, "kode_induk", _l("Kode induk %(parent)s tidak ditemukan di berkas maupun di data yang "
                                                "ada", parent=parent))


class _Tree:
    """Parents as they would be after the import: a good row's wish, else what is stored."""

    def __init__(self, plan: AgencyPlan, in_file: dict[str, tuple[int, Node]]):
        self.plan = plan
        self.in_file = in_file

    def is_good(self, code: str) -> bool:
        return code in self.in_file and not self.plan.is_bad(self.in_file[code][0])

    def parent_of(self, code: str) -> str | None:
        if self.is_good(code):
            return self.in_file[code][1].parent_code
        stored = self.plan.stored.get(code)
        return stored.parent_code if stored else None

    def flag_bad_parents(self) -> bool:
        """A row whose parent is a new code on a bad row cannot be placed either."""
        flagged = False
        for code, (number, node) in self.in_file.items():
            parent = node.parent_code
            if (self.is_good(code) and parent in self.in_file and not self.is_good(parent)
                    and parent not in self.plan.stored):
                self.plan.error(number, "kode_induk", _l("Induk %(parent)s (baris %(row)s) bermasalah, jadi baris "
                                                         "ini ikut dilewati", parent=parent,
                                                         row=self.in_file[parent][0]))
                flagged = True
        return flagged

    def flag_cycles(self) -> bool:
        """Rows whose parent chain loops back on itself (A under B, B under A)."""
        settled: set[str] = set()
        flagged = False
        for start in self.in_file:
            trail: list[str] = []
            code: str | None = start
            while code is not None and code not in settled and code not in trail:
                trail.append(code)
                code = self.parent_of(code)
            if code is not None and code in trail:
                loop = trail[trail.index(code):]
                flagged |= self._flag_loop(loop)
            else:
                settled.update(trail)
        return flagged

    def _flag_loop(self, loop: list[str]) -> bool:
        shown = " → ".join([*loop, loop[0]])
        flagged = False
        for code in loop:
            if self.is_good(code):
                self.plan.error(self.in_file[code][0], "kode_induk", _l("Kode induk membentuk lingkaran: %(loop)s",
                                                                                        loop=shown))
                flagged = True
        return flagged


def _count_change(plan: AgencyPlan, node: Node) -> None:
    stored = plan.stored.get(node.code)
    if stored is None:
        plan.changes[node.code] = node
        plan.created += 1
    elif (stored.name, stored.kind, stored.parent_code) != (node.name, node.kind, node.parent_code):
        plan.changes[node.code] = node
        plan.updated += 1
    else:
        plan.unchanged += 1


def _rebuilt_rows(nodes: dict[str, Node], ids: dict[str, int], stored: dict[str, Node]) -> list[dict[str, Any]]:
    """Walk the final tree from its roots; return update rows for agencies whose stored values differ."""
    children: dict[str | None, list[Node]] = defaultdict(list)
    for node in nodes.values():
        node.id = ids[node.code]
        children[node.parent_code].append(node)
    updates = []
    placed = 0
    stack: list[tuple[Node | None, Node]] = [(None, root) for root in children[None]]
    while stack:
        parent, node = stack.pop()
        node.path, node.depth = agency_path(node.id, parent), parent.depth + 1 if parent else 0
        before = stored.get(node.code)
        if before is None or _position(before) != _position(node) or (before.name, before.kind) != (node.name, node.kind):
            updates.append({"id": node.id, "name": node.name, "kind": node.kind, "path": node.path, "depth": node.depth,
                            "parent_id": ids[node.parent_code] if node.parent_code else None})
        stack.extend((node, child) for child in children[node.code])
        placed += 1
    if placed != len(nodes):
        raise RuntimeError("agency import left agencies outside the tree (undetected cycle)")
    return updates


def _position(node: Node) -> tuple[str | None, str, int]:
    return node.parent_code, node.path, node.depth
