"""The issue's done-when: 1,000 junk posts to /lapor (and a share to /lapor/status/bukti) store nothing and cause no 5xx.

Part one runs with the rate limits on, at their defaults from config: browsers (a visitor id each) and scripts that
drop their cookies (held by their address) send junk until the limits answer 429. Part two runs with limits off, so
every kind of junk reaches the checks: no CSRF token, honeypot filled, missing fields, random bytes, oversized fields,
bad files, unknown governments and topics, NUL characters, bodies no browser sends, a body over MAX_CONTENT_LENGTH.
The tally of answers goes to test-artifacts/junk-posts.txt. SQLite and PostgreSQL.
"""
from __future__ import annotations

import collections
import io
import itertools
import random
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.core.evidence import FILES_DIR
from netralitas.extensions import db
from netralitas.public_reports import services
from netralitas.public_reports.models import PublicReport, PublicReportEvidence, PublicReportStep
from tests.hostile.support import RAW_BODIES
from tests.hostile.test_public_report_forms import png_bomb
from tests.public_reports.conftest import report_form

TOTAL = 1000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: Browsers and cookie-less scripts of part one, and how many posts each sends past its limit.
BROWSERS, SCRIPTS, PAST_THE_LIMIT = 25, 3, 2
REQUIRED = ("government_id", "subject_name", "topic", "description")
#: The form's text fields and their length caps.
TEXT_FIELDS = {"subject_name": 200, "subject_position": 200, "subject_unit": 200, "subject_handle": 200,
               "description": 5000, "place": 300, "reporter_name": 200, "reporter_contact": 200}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BAD_FILES = [(b"MZ\x90\x00\x03\x00\x00\x00", "foto.jpg"), (b"\xff\xd8\xff\xe0" + b"junk" * 50, "foto.jpg"),
             (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "surat.pdf"), (b"", "kosong.png"), (png_bomb(8000), "bom.png"),
             (b"<svg onload=alert(1)>", "gambar.png"), (b"GIF89a\x01\x00\x01\x00", "animasi.gif"),
             (b"PK\x03\x04" + b"\x00" * 40, "arsip.pdf")]


@dataclass
class Junk:
    """One junk post: form data (or a raw body) for a URL, and what kind of junk it is."""

    kind: str
    url: str = "/lapor"
    data: dict | None = None
    body: bytes | None = None
    content_type: str | None = None

    def send(self, client, where: dict):
        if self.body is not None:
            return client.post(self.url, data=self.body, content_type=self.content_type, environ_base=where)
        files = any(isinstance(v, tuple) or (isinstance(v, list) and v and isinstance(v[0], tuple))
                    for v in self.data.values())
        return client.post(self.url, data=self.data, environ_base=where,
                           content_type="multipart/form-data" if files else None)


class JunkMaker:
    """Junk of every kind, from a seeded generator (the same 1,000 posts on every run)."""

    #: Kinds that reach the form checks (refused 422): part one sends only these, so each counts against the limits.
    REACHING_THE_FORM = ("honeypot", "missing", "random_bytes", "oversized", "bad_file", "unknown_government",
                         "unknown_topic", "bad_date", "too_many_files")
    #: Kinds refused before the view (400 or 413): part two adds them.
    REFUSED_EARLY = ("nul", "raw_body", "json")

    def __init__(self, city, rng: random.Random) -> None:
        self.city, self.rng = city, rng

    def valid(self, **overrides) -> dict:
        return report_form(self.city.city, **overrides)

    def make(self, kind: str) -> Junk:
        return getattr(self, kind)()

    def honeypot(self) -> Junk:
        return Junk("honeypot", data=self.valid(website=self.rng.choice(["http://spam.example", "1", "a@b.c", "<a>"])))

    def missing(self) -> Junk:
        data = self.valid()
        for name in self.rng.sample(REQUIRED, self.rng.randint(1, len(REQUIRED))):
            data.pop(name)
        return Junk("missing", data=data)

    def random_bytes(self, *, nul: bool = False) -> Junk:
        """Every field random bytes (often not UTF-8), percent-encoded as a browser would send a form."""
        names = ["government_id", *TEXT_FIELDS, "topic", "occurred_on", "known_on", "website"]
        with_nul = self.rng.choice(names) if nul else None
        pairs = []
        for name in names:
            raw = bytes(self.rng.randrange(1, 256) for _ in range(self.rng.randint(0, 60)))
            if name == with_nul:
                raw = raw[:5] + b"\x00" + raw[5:]
            pairs.append(f"{name}={quote_from_bytes(raw)}")
        return Junk("nul" if nul else "random_bytes", body="&".join(pairs).encode(),
                    content_type="application/x-www-form-urlencoded")

    def oversized(self) -> Junk:
        name = self.rng.choice(sorted(TEXT_FIELDS))
        size = TEXT_FIELDS[name] + self.rng.choice([1, 2, 10_000, 100_000])
        return Junk("oversized", data=self.valid(**{name: ("é<" * size)[:size]}))

    def bad_file(self) -> Junk:
        content, name = self.rng.choice(BAD_FILES)
        good = [(io.BytesIO(PDF), "bukti.pdf")] if self.rng.random() < 0.5 else []  # a good file does not save it
        return Junk("bad_file", data={**self.valid(), "evidence": [*good, (io.BytesIO(content), name)]})

    def unknown_government(self) -> Junk:
        choice = self.rng.choice(["0", "-1", "999999999", "99999999999999999999", "1e9", "abc", "", "²",
                                  str(self.city.a.id), str(self.city.b.id)])
        return Junk("unknown_government", data=self.valid(government_id=choice))

    def unknown_topic(self) -> Junk:
        choice = self.rng.choice(["bukan-topik", "MEDIA_SOSIAL", "media_sosial ", "", "<script>", "lainnya;--", "0"])
        return Junk("unknown_topic", data=self.valid(topic=choice))

    def bad_date(self) -> Junk:
        name = self.rng.choice(["occurred_on", "known_on"])
        return Junk("bad_date", data=self.valid(**{name: self.rng.choice(["2999-01-01", "2024-02-30", "kemarin",
                                                                           "20-11-2026x", "9999-99-99"])}))

    def too_many_files(self) -> Junk:
        files = [(io.BytesIO(PDF + bytes([n])), f"{n}.pdf") for n in range(6)]
        return Junk("too_many_files", data={**self.valid(), "evidence": files})

    def nul(self) -> Junk:
        if self.rng.random() < 0.5:
            return self.random_bytes(nul=True) if self.rng.random() < 0.5 else \
                Junk("nul", body=b"subject_name=a%00b&topic=media_sosial", content_type="application/x-www-form-urlencoded")
        return Junk("nul", data=self.valid(**{self.rng.choice(sorted(TEXT_FIELDS)): "Rina\x00Marlina"}))

    def raw_body(self) -> Junk:
        content_type, body = self.rng.choice(RAW_BODIES)
        return Junk("raw_body", body=body, content_type=content_type)

    def json(self) -> Junk:
        return Junk("json", body=b'{"subject_name": ["x"], "government_id": {"a": 1}, "topic": null}',
                    content_type="application/json")

    def over_cap(self, max_content_length: int) -> Junk:
        big = b"%PDF-1.4\n" + b"0" * max_content_length
        return Junk("over_cap", data={**self.valid(), "evidence": [(io.BytesIO(big), "besar.pdf")]})

    def evidence(self) -> Junk:
        """More evidence for a receipt that names nothing, cannot be right, or is missing; good or bad files."""
        receipt = self.rng.choice([services.display_receipt(services.new_receipt()), "LAP-0000", "", "x" * 41,
                                   "<script>alert(1)</script>", services.display_receipt(services.new_receipt())[:-1]])
        content, name = self.rng.choice([(PDF, "bukti.pdf"), *BAD_FILES])
        return Junk("evidence", url="/lapor/status/bukti",
                    data={"receipt": receipt, "evidence": [(io.BytesIO(content), name)]})


@dataclass
class Tally:
    """Status codes per part, URL and kind; the statuses of each sender in order."""

    by_url: collections.Counter = field(default_factory=collections.Counter)
    by_kind: collections.Counter = field(default_factory=collections.Counter)
    sent: int = 0

    def send(self, part: str, junk: Junk, client, where: dict) -> int:
        response = junk.send(client, where)
        self.sent += 1
        status = response.status_code
        assert status < 500 and b"Traceback" not in response.data, (part, junk.kind, junk.url, status)
        self.by_url[part, junk.url, status] += 1
        self.by_kind[part, junk.kind, status] += 1
        return status


def limit_of(app, key: str) -> int:
    """The count of a limit such as '10 per hour'."""
    return int(app.config[key].split()[0])


def where(n: int) -> dict:
    return {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


def test_a_thousand_junk_posts_store_nothing(app, client, city, make_rate_limited_app, backend):
    maker = JunkMaker(city, random.Random(16))
    tally = Tally()
    per_session, per_ip = limit_of(app, "PUBLIC_REPORTS_PER_SESSION"), limit_of(app, "PUBLIC_REPORTS_PER_IP")
    with_limits = (BROWSERS * (per_session + PAST_THE_LIMIT) + SCRIPTS * (per_ip + PAST_THE_LIMIT)
                   + (per_session + 1) + (per_ip + 1))
    assert with_limits <= TOTAL - 300, "limits this high leave too few posts for part two: lower them for the test"
    # Limits off first: the limiter is one object, and building the limited app switches it on for every app.
    send_without_limits(app, client, maker, tally, TOTAL - with_limits)
    limited = make_rate_limited_app()  # the limits as config.py sets them
    send_with_limits(limited, maker, tally, per_session, per_ip)

    assert tally.sent == TOTAL
    db.session.expire_all()
    for model in (PublicReport, PublicReportEvidence, PublicReportStep):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model.__tablename__
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                             .where(AuditEntry.action.like("public_report.%"))) == 0
    folder = Path(app.instance_path) / FILES_DIR
    assert [p for p in folder.rglob("*") if p.is_file()] == [] if folder.exists() else True
    write_tally(backend, tally, limited)


def send_without_limits(app, client, maker: JunkMaker, tally: Tally, count: int) -> None:
    """Every kind of junk reaches the checks; first without a CSRF token, as in production."""
    kinds = JunkMaker.REACHING_THE_FORM + JunkMaker.REFUSED_EARLY
    app.config["WTF_CSRF_ENABLED"] = True
    for n in range(50):
        junk = maker.make(maker.rng.choice(kinds)) if n % 5 else maker.evidence()
        if junk.data is not None and n % 2:
            junk.data["csrf_token"] = "tidak-sah"
        assert tally.send("no CSRF", junk, client, where(3000)) == 400, junk.kind
    app.config["WTF_CSRF_ENABLED"] = False
    for _ in range(3):
        assert tally.send("limits off", maker.over_cap(app.config["MAX_CONTENT_LENGTH"]), client, where(3001)) == 413
    expected = {kind: {422} for kind in JunkMaker.REACHING_THE_FORM} | {"nul": {400}, "json": {400},
                                                                         "raw_body": {400, 413, 422}}
    for n in itertools.count():
        if tally.sent >= count - 60:
            break
        kind = kinds[n // 2 % len(kinds)] if n % 2 else maker.rng.choice(kinds)  # every kind in turn, and at random
        junk = maker.make(kind)
        assert tally.send("limits off", junk, client, where(3002)) in expected[kind], kind
    while tally.sent < count:
        assert tally.send("limits off", maker.evidence(), client, where(3003)) in (302, 404, 422)
    seen = {kind for (part, kind, _status) in tally.by_kind if part == "limits off"}
    assert seen == {*kinds, "evidence", "over_cap"}


def send_with_limits(limited, maker: JunkMaker, tally: Tally, per_session: int, per_ip: int) -> None:
    """Junk that reaches the form until the limits answer 429: per browser, and per address without cookies."""
    for n in range(BROWSERS):  # each from its own address, so only the per-browser limit applies
        browser = limited.test_client()
        assert browser.get("/lapor", environ_base=where(n)).status_code == 200
        statuses = [tally.send("limits on", maker.make(maker.rng.choice(JunkMaker.REACHING_THE_FORM)), browser,
                               where(n)) for _ in range(per_session + PAST_THE_LIMIT)]
        assert statuses == [422] * per_session + [429] * PAST_THE_LIMIT, (n, statuses)
    for n in range(SCRIPTS):  # a new visitor id every time: the address holds them
        script = limited.test_client(use_cookies=False)
        statuses = [tally.send("limits on", maker.make(maker.rng.choice(JunkMaker.REACHING_THE_FORM)), script,
                               where(1000 + n)) for _ in range(per_ip + PAST_THE_LIMIT)]
        assert statuses == [422] * per_ip + [429] * PAST_THE_LIMIT, (n, statuses)
    # More evidence for receipts that name nothing: the same limits.
    browser = limited.test_client()
    browser.get("/lapor/status", environ_base=where(2000))
    statuses = [tally.send("limits on", maker.evidence(), browser, where(2000)) for _ in range(per_session + 1)]
    assert 429 not in statuses[:per_session] and statuses[per_session:] == [429], statuses
    script = limited.test_client(use_cookies=False)
    statuses = [tally.send("limits on", maker.evidence(), script, where(2001)) for _ in range(per_ip + 1)]
    assert 429 not in statuses[:per_ip] and statuses[per_ip:] == [429], statuses


_tallies: dict[str, list[str]] = {}


def write_tally(backend: str, tally: Tally, limited) -> None:
    """Both databases' tallies in one file (a test file runs in one process, so both end up here)."""
    lines = [f"[{backend}] {tally.sent} junk posts; limits on: PUBLIC_REPORTS_PER_SESSION="
             f"{limited.config['PUBLIC_REPORTS_PER_SESSION']!r}, PUBLIC_REPORTS_PER_IP="
             f"{limited.config['PUBLIC_REPORTS_PER_IP']!r}; stored: 0 reports, 0 evidence rows, 0 steps, "
             "0 public_report.* audit entries, 0 files"]
    lines += [f"  {part:10}  {url:20}  HTTP {status}: {count}" for (part, url, status), count in sorted(tally.by_url.items())]
    lines.append("  by kind:")
    lines += [f"  {part:10}  {kind:20}  HTTP {status}: {count}"
              for (part, kind, status), count in sorted(tally.by_kind.items())]
    _tallies[backend] = lines
    ARTIFACTS.mkdir(exist_ok=True)
    text = "\n".join(line for name in sorted(_tallies) for line in [*_tallies[name], ""])
    (ARTIFACTS / "junk-posts.txt").write_text(text)


@pytest.fixture(autouse=True)
def _csrf_back_off(app):
    yield
    app.config["WTF_CSRF_ENABLED"] = False
