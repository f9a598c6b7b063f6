"""The signer pages' hand-written text input (signing/_field.html) carries what WTForms' own widget writes."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from netralitas.certificates.forms import CheckCodeForm
from netralitas.signing.forms import AccessForm, DeclarationForm

HOSTILE = '"><script>alert(1)</script>&amp; \'x'


class Inputs(HTMLParser):
    """The attributes of every <input> in a piece of HTML, as a browser reads them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.found.append(dict(attrs))


def inputs(html: str) -> list[dict[str, str | None]]:
    parser = Inputs()
    parser.feed(html)
    return parser.found


FIELDS = [(AccessForm, "code"), (AccessForm, "birth_date"), (AccessForm, "attendance"),
          (DeclarationForm, "typed_name"), (CheckCodeForm, "code")]


@pytest.mark.parametrize(("form_class", "name"), FIELDS)
@pytest.mark.parametrize("typed", [None, "", "ABCDE-FGHJK", HOSTILE])
def test_same_input_as_the_wtforms_widget(app, form_class, name, typed):
    with app.test_request_context("/", method="POST"):
        form = form_class(formdata=MultiDict({} if typed is None else {name: typed}))
        form.validate()
        field = form[name]
        macro = app.jinja_env.get_template("signing/_field.html").module.input
        ours = inputs(str(macro(field)))
        theirs = inputs(str(field()))
    assert len(ours) == len(theirs) == 1
    assert ours[0].pop("aria-invalid") == ("true" if field.errors else "false")  # ours adds only this
    assert ours[0] == theirs[0]
