"""Netralitas endpoints next to a bare Flask "hello", same gunicorn settings, same machine, one run (wrk).

Usage: .venv/bin/python bench/side_by_side.py [--db sqlite|postgresql] [-t 2] [-c 16] [-d 10]

Prepares a fresh instance folder and database (migrations + seed-demo), starts the app and
bench/hello_app.py under gunicorn (2 sync workers each by default), then runs wrk against
  hello          GET /hello on the bare app (the baseline)
  healthz        GET /healthz: the app's own floor (middleware, session, logging, one SELECT 1); no target
  venue page     GET /e/<slug>, a first visit (new session + CSRF token)
  board JSON     GET /e/<slug>/board.json?k=<board key> as board.js polls it (with the key, without cookies)
  verify page    GET /v/<token> of a real certificate (what a scanned QR opens)
  signature POST POST /e/<slug>/deklarasi, every request a different verified signer's first signature
                 (~10 KB PNG, CSRF token, DB write + audit entry); checked against the database afterwards.
  POST floor     the same bodies to bench/floor_sign_app.py: bare Flask + sqlite3 doing the same essential
                 work without the app's layers (SQLite runs only; no target: it shows what is reachable).
Prints req/s, p50, p99 and the ratio to hello, and PASS/FAIL against the targets
(signature POST >= 0.20x hello, board JSON >= 0.50x hello). Exits 1 on a FAIL or a failed check.
"""
from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import httpclient  # noqa: E402
from benchlib import DEMO_SLUG, Server  # noqa: E402
from httpclient import USER_AGENT, Browser  # noqa: E402

TARGETS = {"signature POST": 0.20, "board JSON": 0.50, "verify page": 0.25}
WRK_LINE = re.compile(r"^(WRK_\w+) (.*)$", re.MULTILINE)


@dataclass
class WrkResult:
    """One wrk run, parsed from the Lua `done` lines."""

    name: str
    values: dict[str, int]
    extra: dict[str, int]
    raw: str
    #: CPU seconds during the run: the server under test, wrk, and everything else on the machine.
    server_cpu: float = 0.0
    database_cpu: float = 0.0
    wrk_cpu: float = 0.0
    other_cpu: float = 0.0
    #: req/s and server CPU ms/req of the hello runs just before and after this one (set for endpoints).
    hello_rps: float = 0.0
    hello_cpu_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.values["requests"] / (self.values["duration_us"] / 1e6)

    @property
    def seconds(self) -> float:
        return self.values["duration_us"] / 1e6

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu / max(1, self.values["requests"])

    @property
    def ratio(self) -> float:
        """req/s over the adjacent hello runs' req/s."""
        return self.rps / self.hello_rps

    @property
    def cpu_ratio(self) -> float:
        """The adjacent hello runs' server CPU per request over this run's."""
        return self.hello_cpu_ms / self.cpu_ms_per_request

    @property
    def errors(self) -> int:
        keys = ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
        return sum(self.values[k] for k in keys)


def parse_wrk(name: str, output: str) -> WrkResult:
    """The key=value pairs of the WRK_RESULT (and WRK_SIGN) lines printed by bench/wrk/*.lua."""
    lines = {tag: rest for tag, rest in WRK_LINE.findall(output)}
    if "WRK_RESULT" not in lines:
        raise RuntimeError(f"wrk printed no WRK_RESULT line for {name}:\n{output}")

    def pairs(text: str) -> dict[str, int]:
        return {k: int(v) for k, v in (item.split("=") for item in text.split())}

    return WrkResult(name, pairs(lines["WRK_RESULT"]), pairs(lines.get("WRK_SIGN", "")), output)


def run_wrk(name: str, url: str, args, script: str, server: Server, *, script_args: tuple[str, ...] = (),
            headers: tuple[str, ...] = (), duration: int | None = None, pg_database: str | None = None) -> WrkResult:
    """One wrk run with the common thread/connection/duration options, and the CPU each side used."""
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{duration or args.duration}s",
               "--timeout", f"{args.timeout}s", "-H", f"User-Agent: {USER_AGENT}"]
    for header in headers:
        command += ["-H", header]
    command += ["-s", script, url]
    if script_args:
        command += ["--", *script_args]
    server_before, machine_before = server.cpu_seconds(), benchlib.machine_cpu_seconds()
    database_before = benchlib.postgres_cpu(pg_database)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, cwd=benchlib.ROOT, capture_output=True, text=True, check=False)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed for {name}: {result.stdout[-1500:]} {result.stderr}")
    parsed = parse_wrk(name, result.stdout)
    parsed.server_cpu = server.cpu_seconds() - server_before
    parsed.database_cpu = benchlib.postgres_cpu(pg_database) - database_before
    parsed.wrk_cpu = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    parsed.other_cpu = max(0.0, benchlib.machine_cpu_seconds() - machine_before - parsed.server_cpu
                           - parsed.database_cpu - parsed.wrk_cpu)
    return parsed


# ---------------------------------------------------------------- signers

def verified_signer(browser: Browser, signer: benchlib.Signer) -> tuple[str, str]:
    """Venue page (CSRF token + cookie), then code + birth date: the session cookie of a verified signer."""
    browser.new_identity()
    status, _, page = browser.send("GET", f"/e/{DEMO_SLUG}")
    token = httpclient.csrf_token(page)
    status, location, _ = browser.send("POST", f"/e/{DEMO_SLUG}", {
        "csrf_token": token, "code": signer.code, "birth_date": signer.birth_date, "attendance": ""})
    if status != 302 or not location.endswith("/deklarasi"):
        raise RuntimeError(f"signer {signer.employee_id} was not let in: HTTP {status} {location}")
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    return cookie, token


def prepare_signers(port: int, signers: list[benchlib.Signer], clients: int = 6) -> list[tuple[str, str]]:
    """Verify every signer over HTTP, a few at a time; returns (cookie, csrf token) in signer order."""
    chunks = [signers[i::clients] for i in range(clients)]

    def work(chunk: list[benchlib.Signer]) -> list[tuple[str, str]]:
        browser = Browser(port)
        try:
            return [verified_signer(browser, s) for s in chunk]
        finally:
            browser.close()

    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(work, chunks))
    ordered: list[tuple[str, str]] = [("", "")] * len(signers)
    for offset, results in enumerate(done):
        for index, result in enumerate(results):
            ordered[offset + index * clients] = result
    return ordered


def declaration_fields(signer: benchlib.Signer, token: str, points: int, signature: str) -> dict:
    """The form the declaration page posts: every point ticked, the official name, the drawn signature."""
    return {"csrf_token": token, "point": [str(i) for i in range(1, points + 1)], "typed_name": signer.name,
            "signature": signature}


def declaration_body(signer: benchlib.Signer, token: str, points: int, signature: str) -> str:
    """The same form, urlencoded as the browser sends it."""
    return urlencode(declaration_fields(signer, token, points, signature), doseq=True)


def warm_up_signing(port: int, signers: list[benchlib.Signer], sessions: list[tuple[str, str]], points: int,
                    signature: str) -> None:
    """Sign a few declarations through Python first, so both workers have loaded everything the POST needs."""
    def sign(index: int) -> None:
        browser = Browser(port)
        cookie, token = sessions[index]
        browser.cookies = dict(item.split("=", 1) for item in cookie.split("; "))
        fields = declaration_fields(signers[index], token, points, signature)
        status, location, _ = browser.send("POST", f"/e/{DEMO_SLUG}/deklarasi", fields)
        browser.close()
        if status != 302 or not location.endswith("/selesai"):
            raise RuntimeError(f"warm-up signature failed: HTTP {status} {location}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(sign, range(len(signers))))


# ---------------------------------------------------------------- report

def print_table(results: list[WrkResult]) -> None:
    """One line per wrk run: rate, latency, errors, ratio to hello and CPU per request."""
    print()
    print(f"{'endpoint':<16} {'requests':>8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'x hello':>7} "
          f"{'srv ms/req':>10} {'db ms/req':>9} {'wrk CPU %':>9} {'other CPU %':>11}")
    for result in results:
        v = result.values
        print(f"{result.name:<16} {v['requests']:>8} {result.rps:>8.1f} {v['p50_us'] / 1000:>7.2f} "
              f"{v['p99_us'] / 1000:>7.2f} {result.errors:>6} {result.ratio if result.hello_rps else 1:>7.3f} "
              f"{result.cpu_ms_per_request:>10.2f} {1000 * result.database_cpu / max(1, v['requests']):>9.2f} "
              f"{100 * result.wrk_cpu / result.seconds:>9.0f} "
              f"{100 * result.other_cpu / result.seconds:>11.0f}")
    print("x hello: req/s over the mean of the hello runs just before and after it (the machine's speed drifts).")
    print("srv ms/req: CPU of the gunicorn master + workers per")
    print("request; db ms/req: CPU of the PostgreSQL backends (SQLite runs inside the workers). CPU %: of one core;")
    print("other CPU: processes outside this benchmark (noise from whatever else runs on the machine)")


def main() -> int:
    """Parse the options, prepare the instance, run, and always stop the servers and clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default="netralitas_bench", help="dropped and re-created (PostgreSQL)")
    parser.add_argument("-t", "--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("-c", "--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("-d", "--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--post-duration", type=int, default=6,
                        help="seconds of the signature POST run (each request uses up one of ~4,970 prepared signers)")
    parser.add_argument("--hello-duration", type=int, default=5,
                        help="seconds of each hello run (one before and after every endpoint)")
    parser.add_argument("--timeout", type=int, default=10, help="wrk request timeout, seconds")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured wrk before each GET run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both apps)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (both apps)")
    parser.add_argument("--gthreads", type=int, default=1, help="gunicorn --threads (both apps)")
    parser.add_argument("--port", type=int, default=8101, help="app port; hello uses port+1")
    parser.add_argument("--signers", type=int, default=0, help="verified signers prepared for wrk (0: all left)")
    parser.add_argument("--png-bytes", type=int, default=10_000, help="size of the drawn signature PNG")
    parser.add_argument("--no-floor", dest="floor", action="store_false",
                        help="skip the signature POST floor (bare Flask + sqlite3; SQLite runs only)")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and database")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get update && apt-get install -y wrk", file=sys.stderr)
        return 2
    benchlib.terminate_on_sigterm()

    instance = benchlib.prepare_instance(args.db, args.pg_database)
    servers: list[Server] = []
    try:
        return run(args, instance, servers)
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"kept {instance.folder}" + (f" and database {instance.pg_database}" if instance.pg_database else ""))
        else:
            instance.remove()


def any_certificate_token(app) -> str:
    """The token of a certificate issued during the warm-up: what a scanned QR opens at /v/<token>."""
    import sqlalchemy as sa

    from netralitas.certificates.models import Certificate
    from netralitas.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(Certificate.token).order_by(Certificate.id).limit(1))


def run(args, instance: benchlib.Instance, servers: list[Server]) -> int:
    """Start both servers, prepare the signers, run wrk on each endpoint, check the database, report."""
    app = benchlib.app_for(instance)
    event = benchlib.demo_event(app)
    settings = {"workers": args.workers, "worker_class": args.worker_class, "threads": args.gthreads}
    env = instance.env()
    netralitas = Server("netralitas", "app:app", args.port, env, instance.folder / "gunicorn-app.log",
                        ready_path=f"/e/{DEMO_SLUG}", **settings)
    hello = Server("hello", "bench.hello_app:app", args.port + 1, env, instance.folder / "gunicorn-hello.log",
                   ready_path="/hello", **settings)
    servers += [netralitas, hello]
    netralitas.start()
    hello.start()
    print(f"gunicorn {netralitas.settings} (both apps); wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration:g}s on {args.db}")

    warm, pool = event.signers[:40], event.signers[40:]
    if args.signers:
        pool = pool[:args.signers]
    png = httpclient.signature_png(args.png_bytes)
    signature = httpclient.data_url(png)
    started = time.perf_counter()
    sessions = prepare_signers(args.port, warm + pool)
    seconds = time.perf_counter() - started
    print(f"prepared {len(sessions)} verified signer sessions over HTTP in {seconds:.1f} s "
          f"({2 * len(sessions) / seconds:.0f} req/s incl. client); signature PNG {len(png):,} bytes")
    warm_up_signing(args.port, warm, sessions[:len(warm)], event.points, signature)
    requests_file = instance.folder / "sign-requests.tsv"
    with requests_file.open("w") as out:
        for signer, (cookie, token) in zip(pool, sessions[len(warm):], strict=True):
            out.write(f"{cookie}\t{declaration_body(signer, token, event.points, signature)}\n")

    operator = httpclient.login(args.port)
    status, _, board_page = operator.send("GET", f"/e/{DEMO_SLUG}/board")
    if status != 200:
        raise RuntimeError(f"board page: {status}")
    board_json = httpclient.board_source(board_page)  # what board.js polls: the board key, no cookies
    operator.close()
    base = f"http://127.0.0.1:{args.port}"
    report = "bench/wrk/report.lua"
    hello_url = f"http://127.0.0.1:{args.port + 1}/hello"
    gets = [("healthz (floor)", f"{base}/healthz", netralitas, ()),
            ("venue page", f"{base}/e/{DEMO_SLUG}", netralitas, ()),
            ("board JSON", f"{base}{board_json}", netralitas, ()),
            ("verify page", f"{base}/v/{any_certificate_token(app)}", netralitas, ())]
    warning = benchlib.load_warning()
    if warning:
        print(warning)
    pg = instance.pg_database
    results: list[WrkResult] = []

    def run_hello() -> None:
        # Before and after every endpoint: each ratio is taken against the machine's speed at that moment.
        results.append(run_wrk("hello", hello_url, args, report, hello, duration=args.hello_duration))

    if args.warmup:
        run_wrk("hello", hello_url, args, report, hello, duration=args.warmup)
    run_hello()
    for name, url, server, headers in gets:
        if args.warmup:
            run_wrk(name, url, args, report, server, headers=headers, duration=args.warmup, pg_database=pg)
        results.append(run_wrk(name, url, args, report, server, headers=headers, pg_database=pg))
        run_hello()
    before = benchlib.check_database(app, instance, event.event_id).signatures
    sign = run_wrk("signature POST", f"{base}/e/{DEMO_SLUG}/deklarasi", args, "bench/wrk/sign.lua", netralitas,
                   script_args=(str(requests_file), str(args.threads)), duration=args.post_duration, pg_database=pg)
    results.append(sign)
    check = benchlib.check_database(app, instance, event.event_id)
    run_hello()
    floor = None
    if args.db == "sqlite" and args.floor:
        floor = run_floor(args, instance, servers, pool, event.points, signature, settings, env)
        results.append(floor.result)
        run_hello()
    set_baselines(results)
    return report_all(args, results, sign, check, check.signatures - before, servers, floor)


def set_baselines(results: list[WrkResult]) -> None:
    """Give every endpoint run the mean of the hello runs on either side of it."""
    for before, result, after in zip(results, results[1:], results[2:], strict=False):
        if result.name != "hello" and before.name == after.name == "hello":
            result.hello_rps = (before.rps + after.rps) / 2
            result.hello_cpu_ms = (before.cpu_ms_per_request + after.cpu_ms_per_request) / 2


@dataclass
class FloorRun:
    """The signature POST floor (bench/floor_sign_app.py): its wrk result and what it wrote."""

    result: WrkResult
    written: tuple[int, int, int]


def run_floor(args, instance: benchlib.Instance, servers: list[Server], signers: list[benchlib.Signer], points: int,
              signature: str, settings: dict, env: dict[str, str]) -> FloorRun:
    """The same POST bodies against bare Flask + sqlite3 doing the same essential work (SQLite runs only)."""
    import floor_sign_app

    path = instance.folder / "floor.db"
    sessions = floor_sign_app.prepare(str(path), [s.name for s in signers], points)
    requests_file = instance.folder / "floor-requests.tsv"
    with requests_file.open("w") as out:
        for signer, (cookie, token) in zip(signers, sessions, strict=True):
            out.write(f"{cookie}\t{declaration_body(signer, token, points, signature)}\n")
    url = f"/e/{floor_sign_app.SLUG}/deklarasi"
    server = Server("floor", "bench.floor_sign_app:app", args.port + 2, env | {"FLOOR_DB": str(path)},
                    instance.folder / "gunicorn-floor.log", ready_path=url, **settings)
    servers.append(server)
    server.start()
    result = run_wrk("POST floor", f"http://127.0.0.1:{args.port + 2}{url}", args, "bench/wrk/sign.lua", server,
                     script_args=(str(requests_file), str(args.threads)), duration=args.post_duration)
    server.stop()
    return FloorRun(result, floor_sign_app.counts(str(path)))


def report_all(args, results: list[WrkResult], sign: WrkResult, check: benchlib.DatabaseCheck, written: int,
               servers: list[Server], floor: FloorRun | None = None) -> int:
    """The table, PASS/FAIL against the targets, the database checks; returns the exit status."""
    print_table(results)
    hellos = [r.rps for r in results if r.name == "hello"]
    spread = (max(hellos) - min(hellos)) / (sum(hellos) / len(hellos))
    if spread > 0.15:
        print(f"WARNING: the hello runs differ by up to {100 * spread:.0f}%: the machine's speed drifted (other work)")
    ok = True
    print()
    for name, target in TARGETS.items():
        result = next(r for r in results if r.name == name)
        verdict = "PASS" if result.ratio >= target else "FAIL"
        ok &= result.ratio >= target
        print(f"{verdict}  {name}: {result.ratio:.3f}x hello (target >= {target:.2f}x); by server CPU per request: "
              f"{result.cpu_ratio:.3f}x")
    if floor is not None:
        print(f"INFO  POST floor (bare Flask + sqlite3, the same work without the app's layers): "
              f"{floor.result.ratio:.3f}x hello; by server CPU per request: {floor.result.cpu_ratio:.3f}x")
        signed = floor.result.extra.get("redirects_to_done", 0)
        rows, certificates, audits = floor.written
        floor_ok = (signed <= rows <= signed + args.connections and rows == certificates == audits
                    and floor.result.extra.get("other", 0) == 0)
        ok &= floor_ok
        print(f"{'OK  ' if floor_ok else 'FAIL'}  POST floor: {signed} redirects, {rows} signatures, "
              f"{certificates} certificates, {audits} audit entries")
    redirects = sign.extra.get("redirects_to_done", 0)
    print(f"\nsignature POST: wrk got {sign.values['requests']} responses, {redirects} redirects to /selesai, "
          f"{sign.extra.get('other', 0)} other; the database gained {written} signatures "
          f"(a write still in flight when wrk stopped counts in the DB only: at most {args.connections})")
    if "WRK_SIGN_OTHER" in sign.raw:
        print("  unexpected responses:", sign.raw.split("WRK_SIGN_OTHER", 1)[1].strip()[:400])
    if sign.extra.get("exhausted_threads"):
        print(f"  WARNING: wrk ran out of prepared signers ({sign.extra['queued']}); shorten -d for a clean rate")
    consistent = redirects <= written <= redirects + args.connections and sign.extra.get("other", 0) == 0
    audits_ok = check.signature_audits == check.signatures and check.duplicates == 0 and check.audit_verify_ok
    print(f"{'OK  ' if consistent else 'FAIL'}  every 302 is a written signature, every write answered or in flight")
    print(f"{'OK  ' if audits_ok else 'FAIL'}  {check.signatures} signatures, {check.signature_audits} signature "
          f"audit entries, {check.duplicates} duplicates; {check.audit_verify_output}")
    for server in servers:
        problems = server.log_problems()
        if problems:
            print(f"server log {server.name}: {len(problems)} problem lines, e.g. {problems[0][:200]}")
    return 0 if ok and consistent and audits_ok else 1


if __name__ == "__main__":
    sys.exit(main())
