"""The status list's pagination (whole rows, a known total) pages exactly as Flask-SQLAlchemy's own paginate()."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from netralitas.extensions import db
from netralitas.masterdata.models import Employee
from netralitas.reports.views import _RowPagination

PAGE_FACTS = ("page", "per_page", "total", "pages", "first", "last", "has_prev", "prev_num", "has_next", "next_num")


@pytest.fixture
def staff_rows(make_agency, make_employee):
    agency = make_agency("DINAS-P", name="Dinas Paginasi")
    for n in range(23):
        make_employee(agency, name=f"Pegawai {n:02d}")
    return select(Employee.id, Employee.name, Employee.agency_id).order_by(Employee.name, Employee.id)


@pytest.mark.parametrize("page", [1, 2, 3, 4, 99])
@pytest.mark.parametrize("known", [False, True])
def test_pages_like_flask_sqlalchemy_paginate(app, staff_rows, page, known):
    ids_only = staff_rows.with_only_columns(Employee.id)
    with app.test_request_context(f"/?page={page}"):
        theirs = db.paginate(ids_only, per_page=10, error_out=False)
        ours = _RowPagination(select=staff_rows, session=db.session(), per_page=10, error_out=False,
                              known_total=23 if known else None)
        assert [row.id for row in ours.items] == theirs.items  # same rows, in the same order
        assert all(len(row) == 3 for row in ours.items)  # ...with every column, where paginate() keeps the first
        assert {fact: getattr(ours, fact) for fact in PAGE_FACTS} == {fact: getattr(theirs, fact) for fact in PAGE_FACTS}
        assert list(ours.iter_pages()) == list(theirs.iter_pages())


def test_a_known_total_skips_the_count_query(app, staff_rows):
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.test_request_context("/?page=2"):
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            page = _RowPagination(select=staff_rows, session=db.session(), per_page=10, known_total=23)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert page.total == 23 and len(page.items) == 10
    assert len(statements) == 1 and "count" not in statements[0].lower()
