"""Benchmark the completion dashboard: 100,000 employees in 1,000 agencies, ~60 % signed, on PostgreSQL.

Usage: .venv/bin/python bench/dashboard.py [--database-url URL] [--employees 100000] [--agencies 1000] [--repeat 20]
                                           [--profile] [--keep]

Without --database-url (or DATABASE_URL) the script (re)creates the database `bench_dashboard` on the local server,
migrates it (`flask db upgrade`, so the indexes are the production ones), bulk-inserts a 3-level tree (government,
OPDs, units, sub-units), employees, invitations, signatures over the last 8 hours and their certificates, runs
ANALYZE, then renders through the Flask test client, signed in:
  - the dashboard as a super admin (whole tree: 1,000 rows), and as the agency admin of one OPD (its subtree);
  - the unsigned list (the second click) for both, and a bare Flask "hello" (bench/hello_app.py) the same way.
Prints median and p95 seconds per page and PASS/FAIL against the target (dashboard ≤ 0.3 s median). Exit 1 on FAIL.
--profile prints the top functions (cProfile) of one super-admin render.
"""
from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchlib  # noqa: E402
import datasets  # noqa: E402

TARGET_SECONDS = 0.3
DEFAULT_DATABASE = "bench_dashboard"
SUPER_EMAIL, AGENCY_EMAIL, PASSWORD = "super@bench.go.id", "opd@bench.go.id", "bench-rahasia-123"
OPDS = 40


def tree_shape(agencies: int) -> list[tuple[int, int]]:
    """(depth, parent index) per agency: a government, OPDS departments, units below them, sub-units below those."""
    shape = [(0, -1)] + [(1, 0)] * OPDS
    units = (agencies - len(shape)) // 3
    shape += [(2, 1 + n % OPDS) for n in range(units)]
    first_unit = 1 + OPDS
    shape += [(3, first_unit + n % units) for n in range(agencies - len(shape))]
    return shape


def seed(app, employees: int, agencies: int) -> None:
    """The tree, employees, an open event, invitations, ~60 % signed with certificates, staff; then ANALYZE."""
    from flask_migrate import upgrade

    from netralitas.auth.models import Role
    from netralitas.db import utcnow
    from netralitas.extensions import db

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        rows = datasets.insert_tree(tree_shape(agencies))
        now = utcnow()
        event = datasets.open_event("Deklarasi Netralitas ASN Pilkada Bench", "bench-dashboard", now - timedelta(hours=8),
                                    now + timedelta(hours=4))
        datasets.insert_signed_population(event, [row.id for row in rows], employees, signed_within=timedelta(hours=8))
        datasets.add_staff(SUPER_EMAIL, PASSWORD, Role.SUPER_ADMIN)
        datasets.add_staff(AGENCY_EMAIL, PASSWORD, Role.AGENCY_ADMIN, rows[1])
        db.session.commit()
        datasets.analyze()
        db.session.remove()


def set_random_page_cost(app, value: float | None) -> None:
    """Tell the planner what a random read costs on this database, or reset it to the server's setting (None).

    The setting applies to new connections only, so the pool is emptied.
    """
    import sqlalchemy as sa

    from netralitas.extensions import db

    with app.app_context():
        name = db.engine.url.database
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            setting = f"SET random_page_cost = {float(value)}" if value is not None else "RESET random_page_cost"
            connection.execute(sa.text(f'ALTER DATABASE "{name}" {setting}'))
        db.engine.dispose()
    print(f"random_page_cost: {value if value is not None else 'the server default'} for {name}")


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/masuk", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"login {email}: {response.status_code}"
    return client


@dataclass
class Timing:
    """Wall seconds per request, and CPU seconds per request of this process and of the PostgreSQL backends."""

    wall: list[float]
    app_cpu: float
    db_cpu: float

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def p95(self) -> float:
        ordered = sorted(self.wall)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(client, url: str, repeat: int, database: str | None) -> Timing:
    """`repeat` GETs after one unmeasured warm-up (templates compiled, connection open)."""
    assert client.get(url).status_code == 200, url
    times = []
    cpu, db_cpu = time.process_time(), benchlib.postgres_cpu(database)
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    return Timing(times, (time.process_time() - cpu) / repeat, (benchlib.postgres_cpu(database) - db_cpu) / repeat)


def measure(app, repeat: int, profile: bool, database: str | None) -> bool:
    """Time every page; print a table; True when the dashboard meets the target for both staff members."""
    import sqlalchemy as sa
    from hello_app import app as hello

    from netralitas.events.models import Event
    from netralitas.extensions import db
    from netralitas.masterdata.models import Agency, Employee

    with app.app_context():
        event_id = db.session.scalar(sa.select(Event.id).where(Event.slug == "bench-dashboard"))
        counts = (db.session.scalar(sa.select(sa.func.count()).select_from(Employee)),
                  db.session.scalar(sa.select(sa.func.count()).select_from(Agency)))
        db.session.remove()
    print(f"{counts[0]:,} employees in {counts[1]:,} agencies; {repeat} timed requests per page after one warm-up")
    dashboard = f"/admin/acara/{event_id}/rekap"
    pages = [
        ("dashboard, super admin (1,000 rows)", signed_in(app, SUPER_EMAIL), dashboard, True),
        ("dashboard, agency admin (one OPD)", signed_in(app, AGENCY_EMAIL), dashboard, True),
        ("unsigned list, agency admin", signed_in(app, AGENCY_EMAIL), f"{dashboard}/pegawai?status=belum", False),
        ("unsigned list, super admin (40,000)", signed_in(app, SUPER_EMAIL), f"{dashboard}/pegawai?status=belum", False),
        ("bare Flask hello (baseline)", hello.test_client(), "/hello", False),
    ]
    warning = benchlib.load_warning()
    if warning:
        print(warning)
    other_before, started = benchlib.machine_cpu_seconds(), time.perf_counter()
    results = [(label, timed(client, url, repeat, database), is_dashboard) for label, client, url, is_dashboard in pages]
    seconds = time.perf_counter() - started
    print(f"{'page':<38} {'median ms':>10} {'p95 ms':>8} {'app CPU ms':>11} {'db CPU ms':>10} {'× hello':>8}  target")
    hello_median = results[-1][1].median
    ok = True
    for label, timing, is_dashboard in results:
        verdict = ""
        if is_dashboard:
            passed = timing.median <= TARGET_SECONDS
            ok &= passed
            verdict = f"≤ {TARGET_SECONDS} s: {'PASS' if passed else 'FAIL'}"
        print(f"{label:<38} {1000 * timing.median:>10.1f} {1000 * timing.p95:>8.1f} {1000 * timing.app_cpu:>11.1f} "
              f"{1000 * timing.db_cpu:>10.1f} {timing.median / hello_median:>8.0f}  {verdict}")
    ours = sum(t.app_cpu + t.db_cpu for _, t, _ in results) * repeat
    other = benchlib.machine_cpu_seconds() - other_before - ours
    print(f"machine: {os.cpu_count()} cores; other processes used {max(other, 0) / seconds:.2f} cores meanwhile "
          "(wall times grow with it; CPU per request much less)")
    if profile:
        client = pages[0][1]
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(dashboard).get_data()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help=f"an existing, EMPTY database (default: re-create {DEFAULT_DATABASE} on 127.0.0.1)")
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="cProfile one super-admin render")
    parser.add_argument("--keep", action="store_true", help="keep the database and instance folder")
    parser.add_argument("--no-seed", action="store_true", help="measure a database seeded by an earlier --keep run")
    parser.add_argument("--random-page-cost", type=float,
                        help="ALTER DATABASE ... SET random_page_cost (1.1 is the usual value for SSDs; default: the server's)")
    args = parser.parse_args()
    print(benchlib.describe_tree())
    created = None
    url = args.database_url
    if not url:
        benchlib.recreate_pg_database(DEFAULT_DATABASE)
        created = DEFAULT_DATABASE
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DEFAULT_DATABASE}"
    folder = Path(tempfile.mkdtemp(prefix="netralitas-bench-dashboard-"))
    os.environ["NETRALITAS_INSTANCE"] = str(folder)
    from netralitas import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    logging.getLogger("netralitas.request").setLevel(logging.WARNING)  # one JSON line per request: noise here
    try:
        if not args.no_seed:
            started = time.perf_counter()
            seed(app, args.employees, args.agencies)
            print(f"seeded {url.rsplit('/', 1)[-1]} in {time.perf_counter() - started:.1f} s")
        set_random_page_cost(app, args.random_page_cost)
        ok = measure(app, args.repeat, args.profile, url.rsplit("/", 1)[-1] if url.startswith("postgresql") else None)
    finally:
        with app.app_context():
            from netralitas.extensions import db

            db.engine.dispose()
        if args.keep:
            print(f"kept {folder} and {url}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            if created:
                benchlib.drop_pg_database(created)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
