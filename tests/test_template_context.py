"""What every template sees is set in one step, register_template_context: no blueprint adds to it on its own."""
from __future__ import annotations

from flask import render_template_string
from flask_login import current_user

from netralitas.auth.access import EXPORTERS, MANAGERS, RUNNERS
from netralitas.masterdata.models import AgencyKind


def test_one_context_processor_and_the_globals(app):
    ours = [f.__qualname__ for functions in app.template_context_processors.values() for f in functions
            if f.__module__.startswith("netralitas")]
    assert ours == ["register_template_context.<locals>.inject_language"]  # no blueprint adds its own
    globals_ = app.jinja_env.globals
    assert globals_["current_user"] is current_user
    assert (globals_["RUNNERS"], globals_["MANAGERS"], globals_["EXPORTERS"]) == (RUNNERS, MANAGERS, EXPORTERS)
    assert globals_["agency_kinds"] == list(AgencyKind)
    assert callable(globals_["nav_items"])
    assert {"day", "moment", "count", "percent"} <= set(app.jinja_env.filters)


def test_a_page_reads_them(app, make_staff):
    from flask_login import login_user

    staff = make_staff()
    with app.test_request_context("/"):
        login_user(staff)
        text = render_template_string(
            "{{ current_lang }}|{{ nav_items()|length > 0 }}|{{ agency_kinds|length }}|{{ 5000|count }}|{{ _('Beranda') }}")
    assert text == f"id|True|{len(AgencyKind)}|5.000|Beranda"
