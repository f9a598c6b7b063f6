"""Shared pieces of the hostile-input tests: hypothesis settings sized for CI, nasty values, row counting,
and the tally of examples run (written to test-artifacts/hypothesis-examples.txt by conftest.py).

Set HOSTILE_EXAMPLES_SCALE (e.g. 10) for a deeper run than CI's.
"""
from __future__ import annotations

import collections
import os

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from netralitas.extensions import db

SCALE = float(os.environ.get("HOSTILE_EXAMPLES_SCALE", "1"))


class ExampleTally:
    """How many hypothesis examples each property test ran, across backends."""

    def __init__(self):
        self.by_test: collections.Counter[str] = collections.Counter()

    def count(self) -> None:
        """Record one example of the currently running test."""
        test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" (")[0]
        self.by_test[test] += 1

    def total(self) -> int:
        return sum(self.by_test.values())


examples = ExampleTally()


#: Share of the examples run on PostgreSQL. Parsing and validation do not depend on the database; what does
#: (NUL in text, integer range, column lengths, LIKE escaping) is hit by this smoke share and by the
#: deterministic tests next to each property. The full count runs on SQLite.
POSTGRES_SHARE = 0.25


def fuzz(max_examples: int, backend: str = "sqlite") -> settings:
    """Settings for a property test that drives the app: no deadline (CI machines are shared), no example database.

    Function-scoped fixtures (the app, a client) are shared by the examples on purpose: an example that is refused
    must leave the database as it found it (that is what the tests assert), and one that is accepted is checked
    and, where it would change the next example's starting point, set aside.
    """
    share = POSTGRES_SHARE if backend == "postgresql" else 1
    return settings(max_examples=max(5, int(max_examples * SCALE * share)), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])



# --- values ------------------------------------------------------------------------------------------------------

#: Strings that have broken web apps: markup, quotes, direction and zero-width marks, emoji, nulls, SQL, templates.
NASTY = [
    "", " ", "\x00", "a\x00b@contoh.go.id", "\r\n", "\t", "\u202e", "\u200b", "\ufeff", "\u00a0", "😀", "👩‍👩‍👧‍👦", "🇮🇩",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'", '"', "\\", "%", "_", "%00", "%ff",
    "' OR '1'='1", "'; DROP TABLE employees; --", "{{ 7*7 }}", "{% raw %}", "${7*7}", "../../etc/passwd",
    "=HYPERLINK(\"http://x\")", "+62812", "-1", "@SUM(A1)", "0", "-0", "1e309", "NaN", "None", "null", "true",
    "999999999999999999999999", "١٢٣", "ＡＢＣ", "İ", "ß", "ﬃ", "\U0010ffff", "\ud7ff", "NTR-0000-0000-0",
    "javascript:alert(1)", "//evil.com", "a" * 201, "x" * 5000,
]

#: Any Unicode text the browser could send (surrogates cannot be encoded as UTF-8, so no browser sends them).
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
control_text = st.text(alphabet=st.characters(whitelist_categories=("Cc", "Cf", "Zl", "Zp", "Zs")), max_size=40)
huge_text = st.sampled_from([1_000, 20_000, 200_000]).map(lambda n: "é<" * (n // 2))
#: NUL inside otherwise ordinary text: PostgreSQL refuses it in text columns and parameters, SQLite stores it.
with_nul = st.builds(lambda a, b: a + "\x00" + b, any_text, any_text)
#: A plausible value with one control character inside (as pasted from a word processor: \x0b is Word's line break).
with_control = st.builds(lambda a, c, b: a + c + b, st.sampled_from(["Dinas", "Siti Rahayu", "Deklarasi"]),
                         st.characters(min_codepoint=1, max_codepoint=31), st.sampled_from(["", " Uji", "Baru"]))
hostile_text = st.one_of(st.sampled_from(NASTY), any_text, control_text, huge_text, with_nul, with_control,
                         st.builds(lambda a, b: a + b, st.sampled_from(NASTY), any_text))
#: Query-string values: no huge ones, since gunicorn refuses a request line over 4,094 bytes before the app sees it.
query_text = st.one_of(st.sampled_from(NASTY), any_text, control_text, with_nul, with_control)


def field_value(text=hostile_text):
    """What a form field may arrive as: absent (None), one value, or the same name repeated (a list)."""
    return st.one_of(st.none(), text, st.lists(text, min_size=2, max_size=3))


def form_data(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict]:
    """A form body: each field absent, a string or a repeated key; werkzeug's test client encodes lists as repeats."""
    return st.fixed_dictionaries({name: field_value(strategy) for name, strategy in fields.items()}).map(
        lambda data: {name: value for name, value in data.items() if value is not None})


#: Bodies a browser would never send: invalid UTF-8 (raw and percent-encoded), JSON, NUL bytes.
RAW_BODIES = [
    ("application/x-www-form-urlencoded", b"typed_name=%ff%fe%fd&point=1&point=%c0%80&code=%ed%a0%80"),
    ("application/x-www-form-urlencoded", b"email=\xff\xfe&password=\xc3\x28&code=\xf0\x28\x8c\x28"),
    ("application/x-www-form-urlencoded", b"\x00\x01\x02=\x03&&&==&%&%%"),
    ("application/json", b'{"email": ["a"], "password": {"x": 1}, "code": null, "typed_name": 5}'),
    ("text/plain", b"\xde\xad\xbe\xef" * 64),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n\xff\r\n--x--"),
    ("multipart/form-data", b"no boundary at all"),
]


# --- database ----------------------------------------------------------------------------------------------------

def row_counts() -> dict[str, int]:
    """Row count of every table: an invalid request must leave each one as it was."""
    db.session.expire_all()
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: HTTP {response.status_code}"
    assert b"Traceback" not in response.data, what


#: Markers of a message the user can read: form errors, flashes, signer notes, the error pages, the signer's
#: unknown-code page and the verify page's NOT VALID verdict.
MESSAGE_MARKERS = ('role="alert"', "invalid-feedback", "display-4 text-muted", "Kode tidak dikenal", "verdict-word")


def shows_message(response) -> bool:
    body = response.get_data(as_text=True)
    return any(marker in body for marker in MESSAGE_MARKERS)
