"""The completion service: counts per agency subtree and category, limited to the staff member's scope."""
from __future__ import annotations

import pytest

from netralitas.auth.models import Role
from netralitas.events.rules import Audience
from netralitas.masterdata.models import AgencyKind, Category
from netralitas.reports.completion import completion


@pytest.fixture
def city(make_agency, make_employee, make_event, sign_for):
    """PEMKOT > DINKES > PUSKESMAS, PEMKOT > DISDIK; an event; some signatures."""
    root = make_agency("PEMKOT", kind=AgencyKind.PEMERINTAH)
    dinkes = make_agency("DINKES", parent=root)
    puskesmas = make_agency("PKM1", parent=dinkes, kind=AgencyKind.UNIT)
    disdik = make_agency("DISDIK", parent=root)
    empty = make_agency("KOSONG", parent=root)
    event = make_event()
    people = {
        "dinkes": [make_employee(dinkes) for _ in range(2)],
        "puskesmas": [make_employee(puskesmas, category=Category.KONTRAK) for _ in range(3)],
        "disdik": [make_employee(disdik, category=Category.PPPK) for _ in range(5)],
    }
    make_employee(disdik, is_active=False)  # not required
    sign_for(event, people["dinkes"][0], attended=True)
    sign_for(event, people["puskesmas"][0])
    sign_for(event, people["puskesmas"][1], attended=True)
    for employee in people["disdik"]:
        sign_for(event, employee)
    return {"root": root, "dinkes": dinkes, "puskesmas": puskesmas, "disdik": disdik, "empty": empty, "event": event}


def test_totals_categories_and_subtree_roll_up(city, make_staff):
    result = completion(city["event"], Audience.of(city["event"], make_staff(Role.SUPER_ADMIN)))
    assert (result.total.required, result.total.signed, result.total.attended) == (10, 8, 2)
    assert result.total.percent == 80.0
    assert result.by_category[Category.KONTRAK].required == 3
    assert result.by_category[Category.KONTRAK].signed == 2
    assert result.by_category[Category.PPPK].percent == 100.0
    assert result.by_category[Category.BUMD].required == 0
    dinkes = result.agencies[city["dinkes"].id]
    assert (dinkes.required, dinkes.signed, dinkes.attended, dinkes.remote) == (5, 3, 2, 1)
    assert result.root_ids == [city["root"].id]
    assert city["empty"].id not in result.agencies  # nobody required there
    assert [a.code for a in result.walk()] == ["PEMKOT", "DINKES", "PKM1", "DISDIK"]
    assert [a.code for a in result.lowest(2)] == ["DINKES", "PKM1"]  # 60 % then 66.7 %


def test_agency_admin_sees_only_their_subtree(city, make_staff):
    admin = make_staff(Role.AGENCY_ADMIN, agency=city["dinkes"])
    result = completion(city["event"], Audience.of(city["event"], admin))
    assert result.root_ids == [city["dinkes"].id]
    assert set(result.agencies) == {city["dinkes"].id, city["puskesmas"].id}
    assert (result.total.required, result.total.signed) == (5, 3)
    assert result.by_category[Category.PPPK].required == 0


def test_root_narrows_to_a_subtree_but_never_widens_scope(city, make_staff):
    admin = make_staff(Role.AGENCY_ADMIN, agency=city["dinkes"])
    assert completion(city["event"], Audience.of(city["event"], admin, city["disdik"])).total.required == 0
    narrowed = completion(city["event"], Audience.of(city["event"], make_staff(Role.SUPER_ADMIN), city["puskesmas"]))
    assert (narrowed.total.required, narrowed.total.signed, narrowed.root_ids) == (3, 2, [city["puskesmas"].id])


def test_revoked_signatures_do_not_count(city, make_staff, revoke):
    import sqlalchemy as sa

    from netralitas.extensions import db
    from netralitas.signing.models import Signature

    signature = db.session.scalars(sa.select(Signature).where(Signature.is_attended.is_(True))).first()
    revoke(signature.certificate)
    result = completion(city["event"], Audience.of(city["event"], make_staff(Role.SUPER_ADMIN)))
    assert (result.total.signed, result.total.attended) == (7, 1)


def test_status_list_filters_and_scope(city, make_staff):
    from netralitas.extensions import db
    from netralitas.reports.statuses import SignStatus, employee_statuses

    admin = make_staff(Role.AGENCY_ADMIN, agency=city["dinkes"])
    rows = db.session.execute(employee_statuses(Audience.of(city["event"], admin))).all()
    assert len(rows) == 5 and {r.Agency.code for r in rows} == {"DINKES", "PKM1"}
    unsigned = db.session.execute(employee_statuses(Audience.of(city["event"], admin), status=SignStatus.UNSIGNED)).all()
    assert len(unsigned) == 2 and all(r.signed_dt is None and r.certificate_code is None for r in unsigned)
    signed = db.session.execute(employee_statuses(Audience.of(city["event"], admin), status=SignStatus.SIGNED,
                                                  category=Category.KONTRAK)).all()
    assert len(signed) == 2 and all(r.certificate_code for r in signed)
    outside = db.session.execute(employee_statuses(Audience.of(city["event"], admin, city["disdik"]))).all()
    assert outside == []
    name = rows[0].Employee.name
    found = db.session.execute(employee_statuses(Audience.of(city["event"], admin), search=name.upper())).all()
    assert [r.Employee.id for r in found] == [rows[0].Employee.id]
