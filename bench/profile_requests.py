"""CPU per request of the signer flow, the board JSON and the verify page, measured in-process (no HTTP, no wrk).

Usage: .venv/bin/python bench/profile_requests.py [--db sqlite|postgresql] [-n 300] [--profile STEP] [--top 30]

On a machine shared with others, req/s moves with their work; the CPU a request costs the worker moves much
less. This drives the real app (fresh instance + seed-demo, like the other benches) through Flask's test client
and times only the application (a WSGI wrapper around app.wsgi_app, process CPU time), next to bench/hello_app.py
timed the same way. What gunicorn and the kernel add per request (~0.15 ms, the same for both apps) is not in
these figures, nor is PostgreSQL's own CPU. --profile STEP runs cProfile over that step only and prints the top
functions by cumulative and by own time.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import httpclient  # noqa: E402
from benchlib import DEMO_SLUG  # noqa: E402

STEPS = ("hello", "venue page", "code + birth date", "declaration page", "signature POST", "confirmation page",
         "board JSON", "verify page")


class Timed:
    """WSGI wrapper: adds the process CPU and wall time of each call (response included) to the current step."""

    def __init__(self, wsgi_app, profiled: str | None):
        self.wsgi_app, self.profiled = wsgi_app, profiled
        self.step = ""
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)
        self.statements: dict[str, int] = defaultdict(int)
        self.shown: dict[str, list[str]] = defaultdict(list)
        self.profiler = cProfile.Profile()

    def __call__(self, environ, start_response):
        profiling = self.step == self.profiled
        self.shown[self.step] = []
        cpu, wall = time.process_time(), time.perf_counter()
        if profiling:
            self.profiler.enable()
        try:
            body = b"".join(self.wsgi_app(environ, start_response))
        finally:
            if profiling:
                self.profiler.disable()
            self.cpu[self.step] += time.process_time() - cpu
            self.wall[self.step] += time.perf_counter() - wall
            self.count[self.step] += 1
        return [body]


def check(response, status: int, location: str = "") -> None:
    if response.status_code != status or not response.headers.get("Location", "").endswith(location):
        raise RuntimeError(f"expected {status} {location}, got {response.status_code} {response.headers.get('Location')}")


def drive(app, timed: Timed, event: benchlib.DemoEvent, n: int, signature: str) -> None:
    """n signers through the whole flow, then n board JSON polls and n verify page loads."""
    base = f"/e/{DEMO_SLUG}"
    points = [str(i) for i in range(1, event.points + 1)]
    for signer in event.signers[:n]:
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = httpclient.USER_AGENT
        timed.step = "venue page"
        page = client.get(base)
        check(page, 200)
        token = httpclient.csrf_token(page.data)
        timed.step = "code + birth date"
        check(client.post(base, data={"csrf_token": token, "code": signer.code, "birth_date": signer.birth_date,
                                      "attendance": ""}), 302, "/deklarasi")
        timed.step = "declaration page"
        page = client.get(f"{base}/deklarasi")
        check(page, 200)
        timed.step = "signature POST"
        check(client.post(f"{base}/deklarasi", data={"csrf_token": httpclient.csrf_token(page.data), "point": points,
                                                     "typed_name": signer.name, "signature": signature}),
              302, "/selesai")
        timed.step = "confirmation page"
        check(client.get(f"{base}/selesai"), 200)
    operator = app.test_client()
    operator.environ_base["HTTP_USER_AGENT"] = httpclient.USER_AGENT
    timed.step = ""
    page = operator.get("/masuk")
    check(operator.post("/masuk", data={"csrf_token": httpclient.csrf_token(page.data), "email": httpclient.OPERATOR_EMAIL,
                                        "password": httpclient.DEMO_PASSWORD}), 302)
    source = httpclient.board_source(operator.get(f"{base}/board").data)  # with the board key, as board.js polls
    projector = app.test_client()  # board.js polls without cookies (credentials: "omit")
    timed.step = "board JSON"
    for _ in range(n):
        check(projector.get(source), 200)
    token = certificate_token(app)
    visitor = app.test_client()
    timed.step = "verify page"
    for _ in range(n):
        check(visitor.get(f"/v/{token}"), 200)


def count_statements(app, timed: Timed) -> None:
    """Count SQL statements per step, and keep the statements of the last request of each step."""
    import sqlalchemy as sa

    from netralitas.extensions import db

    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "before_cursor_execute")
    def counted(conn, cursor, statement, parameters, context, executemany):
        timed.statements[timed.step] += 1
        if timed.step:
            timed.shown[timed.step].append(" ".join(statement.split())[:160])

    @sa.event.listens_for(engine, "commit")
    def committed(conn):
        timed.shown[timed.step].append("COMMIT")


def certificate_token(app) -> str:
    import sqlalchemy as sa

    from netralitas.certificates.models import Certificate
    from netralitas.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(Certificate.token).order_by(Certificate.id).limit(1))


def drive_hello(hello, timed: Timed, n: int) -> None:
    client = hello.test_client()
    timed.step = "hello"
    for _ in range(n):
        check(client.get("/hello"), 200)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default="netralitas_profile", help="dropped and re-created (PostgreSQL)")
    parser.add_argument("-n", type=int, default=300, help="signers (and board / verify requests)")
    parser.add_argument("--warm", type=int, default=20, help="unmeasured signers first (imports, caches)")
    parser.add_argument("--profile", choices=STEPS, help="cProfile this step")
    parser.add_argument("--top", type=int, default=35, help="lines of the profile to print")
    parser.add_argument("--save", help="also write the raw profile to this file (pstats / snakeviz)")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder (and database) for inspection")
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of one request per step")
    parser.add_argument("--png-bytes", type=int, default=10_000, help="size of the drawn signature PNG")
    args = parser.parse_args()

    instance = benchlib.prepare_instance(args.db, args.pg_database)
    try:
        app = benchlib.app_for(instance)
        event = benchlib.demo_event(app)
        signature = httpclient.data_url(httpclient.signature_png(args.png_bytes))
        timed = Timed(app.wsgi_app, args.profile)
        app.wsgi_app = timed
        count_statements(app, timed)
        warm, rest = benchlib.DemoEvent(event.event_id, event.points, event.signers[:args.warm]), \
            benchlib.DemoEvent(event.event_id, event.points, event.signers[args.warm:])
        drive(app, timed, warm, args.warm, signature)
        timed.cpu.clear(), timed.wall.clear(), timed.count.clear(), timed.statements.clear()
        drive(app, timed, rest, args.n, signature)
        from hello_app import app as hello

        hello_timed = Timed(hello.wsgi_app, args.profile)
        hello_timed.profiler = timed.profiler
        hello.wsgi_app = hello_timed
        drive_hello(hello, hello_timed, 20)
        hello_timed.cpu.clear(), hello_timed.count.clear(), hello_timed.wall.clear()
        drive_hello(hello, hello_timed, args.n * 10)
        report(timed, hello_timed)
        if args.sql:
            for step, statements in timed.shown.items():
                print(f"\n{step}:\n  " + "\n  ".join(statements))
        if args.profile:
            print(f"\ncProfile of {args.profile} ({timed.count.get(args.profile) or hello_timed.count['hello']} requests)")
            if args.save:
                timed.profiler.dump_stats(args.save)
            stats = pstats.Stats(timed.profiler).strip_dirs()
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
    finally:
        if args.keep:
            print(f"kept {instance.folder}" + (f" and database {instance.pg_database}" if instance.pg_database else ""))
        else:
            instance.remove()
    return 0


def report(timed: Timed, hello: Timed) -> None:
    hello_ms = 1000 * hello.cpu["hello"] / hello.count["hello"]
    print(f"\n{'step':<20} {'requests':>8} {'CPU ms/req':>10} {'wall ms/req':>11} {'hello / step':>12} {'SQL/req':>7}")
    for step in STEPS:
        source = hello if step == "hello" else timed
        if not source.count.get(step):
            continue
        cpu = 1000 * source.cpu[step] / source.count[step]
        wall = 1000 * source.wall[step] / source.count[step]
        sql = source.statements.get(step, 0) / source.count[step]
        print(f"{step:<20} {source.count[step]:>8} {cpu:>10.3f} {wall:>11.3f} {hello_ms / cpu:>12.3f} {sql:>7.1f}")
    print("CPU of the application only (in-process, Flask test client); gunicorn + kernel add ~the same per request "
          "to every row, so real ratios are closer to 1 than the last column.")


if __name__ == "__main__":
    sys.exit(main())
