"""Shared fixtures: an app per test on SQLite and on PostgreSQL, a client, and data factories."""
from __future__ import annotations

import base64
import dataclasses
import functools
import io
import itertools
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageDraw

from netralitas import create_app
from netralitas.auth.models import Role, Staff
from netralitas.core.identity import make_nik, make_nip_pns
from netralitas.db import utcnow
from netralitas.events import services as events
from netralitas.events.models import ElectionKind, Event, EventStatus
from netralitas.extensions import db, limiter
from netralitas.invitations.services import code_for, display_code, ensure_invitations
from netralitas.masterdata.models import Agency, AgencyKind, Category, Employee


def _per_worker(url: str) -> str:
    """With pytest-xdist each worker process gets its own database (<name>_gw0, <name>_gw1), created when missing,
    so two workers never wipe each other's rows; a run without xdist uses the URL as given."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    parsed = sa.engine.make_url(url)
    own = parsed.set(database=f"{parsed.database}_{worker}")
    try:
        engine = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}) is None:
                conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
        engine.dispose()
    except sa.exc.SQLAlchemyError:
        pass  # no server: postgres_available() says so, and the PostgreSQL tests skip or fail as without xdist
    return own.render_as_string(hide_password=False)


POSTGRES_URL = _per_worker(os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "rahasia-123456"
BACKENDS = ["sqlite", "postgresql"]


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any driver or network failure means "not here"
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {exc.__class__.__name__}"


_PG_REASON = postgres_available()


def require_postgres() -> None:
    """Skip (locally) or fail (under CI=true) when PostgreSQL is missing."""
    if _PG_REASON:
        if IN_CI:
            pytest.fail(f"CI=true but {_PG_REASON}")
        pytest.skip(_PG_REASON)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@functools.cache
def redis_unavailable() -> str | None:
    """None when Redis answers at REDIS_URL, else the reason it does not (asked once per run)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        return None
    except redis.RedisError as exc:
        return f"Redis not reachable at {REDIS_URL}: {exc.__class__.__name__}"


def require_redis() -> None:
    """Skip (locally) or fail (under CI=true) when Redis is missing."""
    if reason := redis_unavailable():
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


def database_url(backend: str, tmp_path_factory) -> str:
    """The database URL for a backend (a per-session SQLite file, or the test PostgreSQL)."""
    if backend == "postgresql":
        require_postgres()
        return POSTGRES_URL
    return f"sqlite:///{tmp_path_factory.getbasetemp() / 'test.db'}"


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    The `app` fixture keeps an app context pushed for the whole test; Flask reuses it for requests,
    so `g` (Flask-Login's cached user) and the database session would leak from one request (and
    one cookie) to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session then sees what the request committed
        return response


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, tmp_path_factory, monkeypatch):
    """A fresh app over empty tables; rows are wiped after the test."""
    instance = tmp_path_factory.mktemp("instance")
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(instance))
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(backend, tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "test-secret",
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",  # set, as in production (unset: test_public_url_in_development)
        "PER_PAGE": 10,
        "MAIL_SERVER": "",  # never mail from tests because of a developer's shell; mail tests set their own server
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        ensure_fresh_schema(app.config["SQLALCHEMY_DATABASE_URI"])
        wipe_tables()
        if limiter.initialized:  # a disabled limiter has no storage until some app enables it
            limiter.reset()
        yield app
        db.session.remove()
        wipe_tables()
        db.engine.dispose()


_fresh_schemas: set[str] = set()


def ensure_fresh_schema(url: str) -> None:
    """Rebuild the tables once per test run and database, so a model change never meets an old schema."""
    if url not in _fresh_schemas:
        db.drop_all()
        _fresh_schemas.add(url)
    db.create_all()


def wipe_tables() -> None:
    """Delete every row, children first (cheaper than dropping tables between tests)."""
    db.session.rollback()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_agency(app):
    """Create an agency (committed) under an optional parent."""
    from netralitas.masterdata.services import create_agency

    def make(code: str | None = None, *, parent: Agency | None = None, name: str | None = None,
             kind: AgencyKind = AgencyKind.DINAS) -> Agency:
        n = next(_counter)
        agency = create_agency("test", code=code or f"AG{n}", name=name or f"Dinas Uji {n}", kind=kind, parent=parent)
        db.session.commit()
        return agency

    return make


@pytest.fixture
def make_employee(app):
    """Create an employee (committed) with a valid NIP (PNS) or NIK (others)."""

    def make(agency: Agency, *, category: Category = Category.PNS, name: str | None = None, **values) -> Employee:
        n = next(_counter)
        birth = date(1960 + n % 20, 1 + n % 12, 1 + n % 28)  # aged 26-45 at the 2005 appointment
        if category == Category.PNS:
            values.setdefault("nip", make_nip_pns(birth, 2005, 3, "L", n % 999 + 1))
        values.setdefault("nik", make_nik("327301", birth, "L", n % 9999 + 1))
        employee = Employee(name=name or f"Pegawai Uji {n}", name_search=(name or f"Pegawai Uji {n}").lower(),
                            category=category, agency=agency, birth_date=birth, **values)
        db.session.add(employee)
        db.session.commit()
        return employee

    return make


@pytest.fixture
def make_staff(app):
    """Create a staff account (committed) with PASSWORD."""

    def make(role: Role = Role.SUPER_ADMIN, *, agency: Agency | None = None, email: str | None = None) -> Staff:
        staff = Staff(email=email or f"staf{next(_counter)}@contoh.go.id", name=f"Staf {role.value}",
                      role=role, agency_id=agency.id if agency else None)
        staff.set_password(PASSWORD)
        db.session.add(staff)
        db.session.commit()
        return staff

    return make


@pytest.fixture
def login_as(client):
    """Sign a staff member in through the real login form."""

    def login(staff: Staff, password: str = PASSWORD):
        response = client.post("/masuk", data={"email": staff.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return login


@pytest.fixture
def officer(make_staff) -> Staff:
    """A BKPSDM case officer over the whole city (an operator account with the case-officer flag)."""
    staff = make_staff(Role.OPERATOR)
    staff.is_case_officer = True
    db.session.commit()
    return staff


@pytest.fixture
def client_for(app):
    """A client signed in as the given staff member (its own cookies: several staff can act in one test)."""

    def make(staff: Staff):
        client = app.test_client()
        email = db.session.get(Staff, staff.id).email
        assert client.post("/masuk", data={"email": email, "password": PASSWORD}).status_code == 302
        return client

    return make


@pytest.fixture
def fast_passwords(monkeypatch):
    """Cheap password hashing for tests that create many accounts (production keeps scrypt)."""
    from functools import partial

    from werkzeug.security import generate_password_hash

    from netralitas.auth import models as auth_models

    monkeypatch.setattr(auth_models, "generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))


@pytest.fixture
def make_rate_limited_app(app):
    """Build a second app over the same database, keys and secret with rate limiting on and the given limits.

    `make_rate_limited_app(LOGIN_RATE_LIMIT="3 per minute")`: keyword arguments are config keys. The `app` fixture
    keeps limits off so other tests never trip them; the limiter's counters are cleared before and after.
    """
    made = []

    def make(**limits: str) -> Flask:
        limited = create_app({
            "TESTING": True,
            **{key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "KEYS_DIR", "MAIL_SERVER")},
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            **limits,
        })
        limited.test_client_class = IsolatedClient
        limiter.reset()
        made.append(limited)
        return limited

    yield make
    limiter.reset()
    for limited in made:
        with limited.app_context():
            db.engine.dispose()


@pytest.fixture
def rate_limited_app(make_rate_limited_app):
    """A second app over the same database with rate limiting on: 3 login attempts per minute."""
    return make_rate_limited_app(LOGIN_RATE_LIMIT="3 per minute")


class ImportFiles:
    """Spreadsheet bytes for importer tests: valid employee rows, as CSV or XLSX."""

    EMPLOYEE_COLUMNS = ("nama", "nip", "nik", "kategori", "kode_unit", "tanggal_lahir", "jenis_kelamin", "jabatan",
                        "no_hp", "email")

    @staticmethod
    def pns(seq: int, **overrides) -> dict:
        """A valid PNS row (born 1 Jan–28 Jan 1980 by seq) in unit DISDIK."""
        born = date(1980, 1, seq)
        row = {"nama": f"Pegawai Impor {seq}", "nip": make_nip_pns(born, 2005, 3, "L", seq),
               "nik": make_nik("327301", born, "L", seq), "kategori": "PNS", "kode_unit": "DISDIK",
               "tanggal_lahir": "", "jenis_kelamin": "", "jabatan": "Staf", "no_hp": "", "email": ""}
        row.update(overrides)
        return row

    @staticmethod
    def csv(rows: list[dict], columns=None, *, delimiter: str = ",", bom: bool = False) -> bytes:
        """CSV text of rows (dicts) under the given header (default: the keys of the first row)."""
        columns = list(columns or rows[0])
        lines = [delimiter.join(columns)]
        lines += [delimiter.join(str(row.get(name, "")) for name in columns) for row in rows]
        return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode("utf-8")

    @staticmethod
    def xlsx(rows: list[list]) -> bytes:
        """An XLSX whose first sheet holds rows (lists) as given, header included."""
        import io

        import openpyxl

        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


@pytest.fixture
def import_files() -> type[ImportFiles]:
    return ImportFiles


@pytest.fixture
def city_units(make_agency) -> dict[str, Agency]:
    """PEMKOT (root) with DISDIK below it: the units the import files point at."""
    root = make_agency("PEMKOT", name="Pemerintah Kota Uji", kind=AgencyKind.PEMERINTAH)
    return {"PEMKOT": root, "DISDIK": make_agency("DISDIK", parent=root, name="Dinas Pendidikan")}


# --- events and signing -----------------------------------------------------------------------------

def signature_png(width: int = 600, height: int = 200) -> bytes:
    """A drawn-looking signature: a few strokes on a transparent canvas."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, height - 40), (200, 40), (400, height - 30), (width - 20, 30)],
                               fill=(10, 20, 80, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@dataclass
class Invited:
    """An employee invited to an event, with the code printed on their slip."""

    event: Event
    employee: Employee
    code: str

    @property
    def birth(self) -> str:
        return self.employee.birth_date.strftime("%d-%m-%Y")

    def declaration(self, **overrides) -> dict:
        """A complete, valid declaration form."""
        data = {"typed_name": self.employee.name, "signature": data_url(signature_png()),
                "point": [str(i) for i in range(1, len(self.event.current_text.points) + 1)]}
        data.update(overrides)
        return data


_slugs = itertools.count(1)


@pytest.fixture
def make_event(app):
    """An event open now (started an hour ago, ends tomorrow) unless told otherwise."""

    def make(*, status: EventStatus = EventStatus.OPEN, attendance: bool = True, **kwargs) -> Event:
        now = utcnow()
        values = {"name": "Deklarasi Uji", "slug": f"uji-{next(_slugs)}",
                  "election_kind": ElectionKind.PILKADA, "opens_dt": now - timedelta(hours=1),
                  "closes_dt": now + timedelta(days=1), "is_attendance_on": attendance}
        values.update(kwargs)
        event = events.create_event("test", **values)
        if status != EventStatus.DRAFT:
            events.set_status("test", event, status)
        db.session.commit()
        return event

    return make


@pytest.fixture
def invite(app):
    """Issue (or reuse) the invitation of an employee and return it with its code."""

    def make(event: Event, employee: Employee) -> Invited:
        ensure_invitations(event, [employee.id])
        db.session.commit()
        return Invited(event, employee, display_code(code_for(event.id, employee.id, 0)))

    return make


@pytest.fixture
def invited(make_agency, make_employee, make_event, invite) -> Invited:
    """One PNS employee invited to one open event."""
    agency = make_agency()
    return invite(make_event(), make_employee(agency, name="Siti Rahayu"))


def csrf_token(response) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))
    return match.group(1) if match else ""


@pytest.fixture
def revoke(make_staff):
    """Revoke a certificate as a super admin, through the service, and commit."""
    from netralitas.certificates import services as certificates
    from netralitas.signing.models import RevocationReason

    admin = make_staff(Role.SUPER_ADMIN)

    def run(certificate, reason=RevocationReason.DISCIPLINARY, note: str = "catatan internal"):
        certificates.revoke(admin, certificate, reason, note)
        db.session.commit()
        return certificate

    return run


@pytest.fixture
def sign_for(invite):
    """Sign an employee's declaration through the signing service (attended or remote) and commit; returns the Signature."""
    from netralitas.signing import services as signing

    def run(event: Event, employee: Employee, *, attended: bool = False):
        invited = invite(event, employee)
        access = dataclasses.replace(signing.verify_signer(event, invited.code, invited.birth, ""), is_attended=attended)
        outcome = signing.sign(access, ticked=set(range(1, len(event.current_text.points) + 1)),
                               typed_name=employee.name, signature_png=signature_png(), client_ip="10.0.0.1",
                               user_agent="pytest", max_png_bytes=200_000)
        db.session.commit()
        return outcome.signature

    return run
