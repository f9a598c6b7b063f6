"""The legal catalogue's data and services: seeding keeps edits, deadlines stay in the law's room, every employee
category has a complete sanction menu."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.auth.models import Role
from netralitas.extensions import db
from netralitas.legal import services
from netralitas.legal.models import (
    DeadlineRule,
    Sanction,
    SanctionGroup,
    SanctionLevel,
    ViolationClass,
    ViolationForm,
)
from netralitas.legal.services import LegalCatalogueError
from netralitas.masterdata.models import Category

REQUIRED_DEADLINES = {"recommendation_follow_up", "summons_notice", "second_summons", "decision_delivery",
                      "objection_window", "appeal_window"}


@pytest.fixture
def seeded(app):
    services.seed_catalogue()
    db.session.commit()


@pytest.fixture
def admin(make_staff):
    return make_staff(Role.SUPER_ADMIN)


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


# --- the seed files ----------------------------------------------------------------------------------------------

def test_seed_files_hold_the_required_rows():
    deadlines = {row["key"]: row for row in services.read_seed("deadlines")}
    assert deadlines.keys() >= REQUIRED_DEADLINES
    for row in deadlines.values():
        assert 1 <= int(row["min_days"]) <= int(row["legal_default"]) <= int(row["max_days"]), row["key"]
        assert row["source"] and row["runs_from"] and row["label"]
    for name in ("violation_forms", "sanctions", "deadlines"):
        rows = services.read_seed(name)
        keys = [row["key" if name == "deadlines" else "code"] for row in rows]
        assert len(keys) == len(set(keys)), f"{name}: duplicate codes"
        assert all(row["source"].strip() for row in rows), f"{name}: a row without its source"


def test_seed_codes_are_codes_the_admin_screen_would_accept():
    for name in ("violation_forms", "sanctions"):
        for row in services.read_seed(name):
            assert services.clean_code(row["code"]) == row["code"]


def test_ethics_forms_carry_moral_sanctions_and_discipline_forms_a_discipline_level():
    for row in services.read_seed("violation_forms"):
        is_moral = row["sanction_level"] == SanctionLevel.MORAL
        assert is_moral == (row["violation_class"] == ViolationClass.ETIK), row["code"]


def test_summons_and_appeal_rules_as_the_law_sets_them():
    deadlines = {row["key"]: row for row in services.read_seed("deadlines")}
    assert deadlines["summons_notice"]["kind"] == "notice"  # at least 7 working days' notice, more is allowed
    assert (deadlines["summons_notice"]["legal_default"], deadlines["summons_notice"]["min_days"]) == ("7", "7")
    assert deadlines["second_summons"]["legal_default"] == "7"
    # The employee's windows are theirs: an employer may not shorten or lengthen them.
    for key in ("objection_window", "appeal_window"):
        assert deadlines[key]["min_days"] == deadlines[key]["max_days"] == deadlines[key]["legal_default"]


# --- category -> sanction group ------------------------------------------------------------------------------------

@pytest.mark.parametrize("category", list(Category))
def test_every_category_maps_to_a_sanction_group(category):
    expected = {Category.PNS: SanctionGroup.PNS, Category.PPPK: SanctionGroup.PPPK}.get(category, SanctionGroup.NON_ASN)
    assert services.sanction_group(category) is expected


def test_every_category_has_a_sanction_at_every_level(seeded):
    for category in Category:
        for level in SanctionLevel:
            assert services.sanctions_for(category, level), (category, level)


def test_pns_menu_is_pp_94_article_8(seeded):
    moderate = services.sanctions_for(Category.PNS, SanctionLevel.SEDANG)
    assert [s.duration_months for s in moderate] == [6, 9, 12]
    assert all("25%" in s.text for s in moderate)
    assert [s.code for s in services.sanctions_for(Category.PNS, SanctionLevel.RINGAN)] == [
        "PNS-RINGAN-LISAN", "PNS-RINGAN-TERTULIS", "PNS-RINGAN-TIDAK-PUAS"]
    assert {s.code for s in services.sanctions_for(Category.KONTRAK)} == {
        s.code for s in services.sanctions_for(Category.BUMD)}


def test_sanctions_for_leaves_out_inactive_ones(seeded, admin):
    sanction = services.sanction_by_code("NONASN-SP2")
    services.set_sanction_active(admin, sanction, False)
    db.session.commit()
    assert "NONASN-SP2" not in {s.code for s in services.sanctions_for(Category.UPAHAN)}
    assert "NONASN-SP2" in {s.code for s in services.all_sanctions()}


# --- seeding -------------------------------------------------------------------------------------------------------

def test_seed_fills_empty_tables_from_the_files(app):
    summary = services.seed_catalogue()
    db.session.commit()
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for model in (ViolationForm, Sanction, DeadlineRule)]
    assert counts == [len(services.read_seed(n)) for n in ("violation_forms", "sanctions", "deadlines")]
    assert (summary.forms, summary.sanctions, summary.deadlines) == tuple(counts)
    assert len(entries("legal.seed")) == 1


def test_seed_twice_adds_nothing_and_keeps_edits(seeded, admin):
    form = services.form_by_code("DIS-04")
    services.update_form(admin, form, violation_class=form.violation_class, sanction_level=SanctionLevel.SEDANG,
                         text="Uraian yang disesuaikan daerah", source=form.source)
    services.set_form_active(admin, services.form_by_code("ETIK-01"), False)
    services.set_deadline_days(admin, "recommendation_follow_up", 10)
    db.session.commit()

    summary = services.seed_catalogue()
    db.session.commit()

    assert summary.total == 0
    assert len(entries("legal.seed")) == 1  # nothing added, nothing recorded
    form = services.form_by_code("DIS-04")
    assert (form.text, form.sanction_level) == ("Uraian yang disesuaikan daerah", SanctionLevel.SEDANG)
    assert not services.form_by_code("ETIK-01").is_active
    assert services.deadline_days("recommendation_follow_up") == 10


def test_seed_adds_only_what_is_missing(seeded):
    db.session.delete(services.sanction_by_code("PPPK-BERAT-PHPK"))
    db.session.delete(services.deadline("appeal_window"))
    db.session.commit()

    summary = services.seed_catalogue()
    db.session.commit()

    assert (summary.forms, summary.sanctions, summary.deadlines) == (0, 1, 1)
    assert services.sanction_by_code("PPPK-BERAT-PHPK") is not None
    assert services.deadline_days("appeal_window") == 14


def test_flask_legal_seed_command(runner):
    first = runner.invoke(args=["legal", "seed"])
    second = runner.invoke(args=["legal", "seed"])
    assert first.exit_code == 0, first.output
    assert f"{len(services.read_seed('violation_forms'))} violation forms" in first.output
    assert "0 violation forms, 0 sanctions, 0 deadline rules added" in second.output


# --- deadlines -----------------------------------------------------------------------------------------------------

def test_deadline_days_as_set(seeded, admin):
    assert services.deadline_days("decision_delivery") == 14
    rule = services.set_deadline_days(admin, "decision_delivery", 10)
    db.session.commit()
    assert services.deadline("decision_delivery").working_days == 10
    assert rule.updated_by_id == admin.id
    [entry] = entries("legal.deadline_update")
    assert entry.actor_staff_id == admin.id and '"before":14' in entry.data_json and '"after":10' in entry.data_json


@pytest.mark.parametrize("days", [0, 15, -1, 10**6])
def test_deadline_outside_the_law_is_refused(seeded, admin, days):
    with pytest.raises(LegalCatalogueError) as refused:
        services.set_deadline_days(admin, "decision_delivery", days)
    assert str(refused.value) == "Tenggat harus antara 1 dan 14 hari kerja."
    db.session.rollback()
    assert services.deadline_days("decision_delivery") == 14
    assert entries("legal.deadline_update") == []


def test_a_deadline_the_law_fixes_cannot_change(seeded, admin):
    with pytest.raises(LegalCatalogueError) as refused:
        services.set_deadline_days(admin, "objection_window", 13)
    assert "tidak dapat diubah" in str(refused.value)


def test_the_database_refuses_days_outside_the_bounds(seeded):
    # A second guard beside the service: a row written around it (a script, a bad migration) cannot break the range.
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(DeadlineRule).where(DeadlineRule.key == "second_summons").values(working_days=30))
        db.session.flush()
    db.session.rollback()


def test_reset_to_the_legal_default(seeded, admin):
    services.set_deadline_days(admin, "summons_notice", 10)
    services.reset_deadline(admin, "summons_notice")
    db.session.commit()
    assert services.deadline_days("summons_notice") == 7
    assert len(entries("legal.deadline_update")) == 2


def test_unknown_deadline_key(seeded):
    with pytest.raises(KeyError):
        services.deadline("no_such_rule")


# --- editing forms and sanctions -----------------------------------------------------------------------------------

def test_create_form_cleans_code_and_text(seeded, admin):
    form = services.create_form(admin, code=" dis-15 ", violation_class=ViolationClass.DISIPLIN,
                                sanction_level=SanctionLevel.BERAT, text="  Menjadi\tjuru kampanye\n ",
                                source="Peraturan daerah (verifikasi)")
    db.session.commit()
    assert (form.code, form.text, form.is_active) == ("DIS-15", "Menjadi juru kampanye", True)
    [entry] = entries("legal.form_create")
    assert entry.target_id == str(form.id)


@pytest.mark.parametrize("code", ["", "A B", "DIS--1", "-X", "X" * 41, "KODE/1", "İ"])
def test_bad_codes_are_refused(seeded, admin, code):
    with pytest.raises(LegalCatalogueError):
        services.create_form(admin, code=code, violation_class=ViolationClass.ETIK, sanction_level=SanctionLevel.MORAL,
                             text="Uraian", source="Sumber")


def test_a_taken_code_is_refused(seeded, admin):
    with pytest.raises(LegalCatalogueError, match="DIS-01 sudah dipakai"):
        services.create_form(admin, code="dis-01", violation_class=ViolationClass.ETIK,
                             sanction_level=SanctionLevel.MORAL, text="Uraian", source="Sumber")


def test_update_records_what_changed_only(seeded, admin):
    form = services.form_by_code("ETIK-02")
    services.update_form(admin, form, violation_class=form.violation_class, sanction_level=form.sanction_level,
                         text=form.text, source=form.source)
    assert entries("legal.form_update") == []
    services.update_form(admin, form, violation_class=form.violation_class, sanction_level=form.sanction_level,
                         text="Kampanye daring", source=form.source)
    [entry] = entries("legal.form_update")
    assert '"text":[' in entry.data_json and "source" not in entry.data_json


def test_sanction_duration_bounds(seeded, admin):
    sanction = services.sanction_by_code("PNS-SEDANG-TPP-6")
    with pytest.raises(LegalCatalogueError):
        services.update_sanction(admin, sanction, level=sanction.level, text=sanction.text, duration_months=0,
                                 source=sanction.source, position=sanction.position)
    services.update_sanction(admin, sanction, level=sanction.level, text=sanction.text, duration_months=None,
                             source=sanction.source, position=5)
    db.session.commit()
    assert (sanction.duration_months, sanction.position) == (None, 5)
