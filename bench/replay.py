"""Event replay: every required demo employee signs through the real HTTP flow, >= 100 phones at once.

Usage: .venv/bin/python bench/replay.py [--db sqlite|postgresql] [--clients 100] [--double-tap]

Fresh instance + database (migrations, seed-demo), the app under gunicorn, then each employee of the
demo event (codes computed in-process with code_for and the same instance key, birth dates from the
database) goes venue page -> code + birth date -> declaration page -> sign (small drawn PNG) ->
confirmation page, on a keep-alive connection per client thread. Prints wall time, requests, errors
(any unexpected status) and latencies per step, then checks the database: one signature per employee,
no duplicate (event, employee), an audit entry each, `flask audit verify` passes.
--double-tap sends every signature POST twice at once on two connections (both must land on the
confirmation page, one signature only). Exits 1 when a check fails or the wall time exceeds the target.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import httpclient  # noqa: E402
from benchlib import DEMO_SLUG, Server, Signer  # noqa: E402
from httpclient import Browser  # noqa: E402

STEPS = ("venue page", "code + birth date", "declaration page", "signature POST", "confirmation page")
#: Chosen by measurement on this 2-core machine (bench/README.md): 2 sync workers used the least server CPU per
#: request; gthread 2x4 was no faster and, on PostgreSQL, threads queue on the audit-chain row lock while its
#: holder waits for the GIL (a lock convoy); 3-4 workers only add CPU per request.
DEFAULT_SERVER = {"workers": 2, "worker_class": "sync", "threads": 4}


@dataclass
class ClientStats:
    """What one client thread saw; merged after the run (no locks while measuring)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    reconnects: int = 0

    def error(self, step: str, signer: Signer, detail: str) -> None:
        self.errors[step] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{step} (employee {signer.employee_id}): {detail}")


class Flow:
    """One employee's visit, step by step, on one client's connection(s)."""

    def __init__(self, browser: Browser, twin: Browser | None, stats: ClientStats, points: int, signature: str):
        self.browser, self.twin, self.stats = browser, twin, stats
        self.points = [str(i) for i in range(1, points + 1)]
        self.signature = signature
        self.base = f"/e/{DEMO_SLUG}"

    def run(self, signer: Signer) -> None:
        self.browser.new_identity()
        page = self._step("venue page", signer, "GET", self.base, expect=(200, ""))
        if page is None:
            return
        token = httpclient.csrf_token(page)
        access = {"csrf_token": token, "code": signer.code, "birth_date": signer.birth_date, "attendance": ""}
        if self._step("code + birth date", signer, "POST", self.base, access, expect=(302, "/deklarasi")) is None:
            return
        page = self._step("declaration page", signer, "GET", f"{self.base}/deklarasi", expect=(200, ""))
        if page is None:
            return
        form = {"csrf_token": httpclient.csrf_token(page), "point": self.points, "typed_name": signer.name,
                "signature": self.signature}
        if self.twin is None:
            signed = self._step("signature POST", signer, "POST", f"{self.base}/deklarasi", form,
                                expect=(302, "/selesai"))
        else:
            signed = self._double_tap(signer, form)
        if signed is not None:
            self._step("confirmation page", signer, "GET", f"{self.base}/selesai", expect=(200, ""))

    def _step(self, step: str, signer: Signer, method: str, path: str, fields=None, *,
              expect: tuple[int, str]) -> bytes | None:
        started = time.perf_counter()
        try:
            status, location, body = self.browser.send(method, path, fields)
        except OSError as exc:
            self.stats.requests += 1
            self.stats.error(step, signer, repr(exc))
            return None
        self.stats.requests += 1
        self.stats.latencies[step].append(time.perf_counter() - started)
        if status != expect[0] or not location.endswith(expect[1]):
            self.stats.error(step, signer, f"HTTP {status} {location}")
            return None
        return body

    def _double_tap(self, signer: Signer, form: dict) -> bytes | None:
        """The same signature POST on two connections at once, as a nervous thumb on a slow network does."""
        self.twin.cookies = dict(self.browser.cookies)
        path = f"{self.base}/deklarasi"
        started = time.perf_counter()
        try:
            self.browser.begin("POST", path, form)
            self.twin.begin("POST", path, form)
            answers = [self.browser.finish(), self.twin.finish()]
        except OSError as exc:
            self.stats.requests += 2
            self.stats.error("signature POST", signer, f"double tap: {exc!r}")
            self.browser.connection.close()
            self.twin.connection.close()
            return None
        self.stats.requests += 2
        self.stats.latencies["signature POST"].append(time.perf_counter() - started)
        bad = [f"HTTP {s} {loc}" for s, loc, _ in answers if s != 302 or not loc.endswith("/selesai")]
        if bad:
            self.stats.error("signature POST", signer, "double tap: " + ", ".join(bad))
            return None
        return answers[0][2]


def run_clients(port: int, signers: list[Signer], clients: int, points: int, signature: str,
                double_tap: bool) -> tuple[float, list[ClientStats]]:
    """Replay all signers with `clients` threads pulling from one shared list; returns (wall seconds, stats)."""
    next_index = iter(range(len(signers)))
    index_lock = threading.Lock()
    stats = [ClientStats() for _ in range(clients)]
    start = threading.Barrier(clients + 1)

    def client(mine: ClientStats) -> None:
        browser = Browser(port)
        twin = Browser(port) if double_tap else None
        flow = Flow(browser, twin, mine, points, signature)
        start.wait()
        while True:
            with index_lock:
                index = next(next_index, None)
            if index is None:
                break
            try:
                flow.run(signers[index])
            except Exception as exc:  # a broken page must count as an error, not kill the client
                mine.error("flow", signers[index], repr(exc))
        mine.reconnects = browser.reconnects + (twin.reconnects if twin else 0)
        browser.close()
        if twin:
            twin.close()

    threads = [threading.Thread(target=client, args=(s,), daemon=True) for s in stats]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, stats


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used during the replay, by whom."""

    server: float
    database: float
    client: float
    other: float


def print_results(wall: float, stats: list[ClientStats], signers: int, cpu: Cpu) -> int:
    """Wall time, requests, errors, CPU and latency per step; returns the number of errors."""
    requests = sum(s.requests for s in stats)
    errors = sum((s.errors for s in stats), Counter())
    print(f"\nwall time        {wall:8.1f} s for {signers} signers ({signers / wall:.0f} signers/s)")
    print(f"requests         {requests:8d} ({requests / wall:.0f} req/s)")
    print(f"errors           {sum(errors.values()):8d}" + (f"  {dict(errors)}" if errors else ""))
    for example in [e for s in stats for e in s.examples][:5]:
        print(f"  e.g. {example}")
    reconnects = sum(s.reconnects for s in stats)
    if reconnects:
        print(f"reconnects       {reconnects:8d} (idle keep-alive connections the server had closed; retried)")
    print(f"CPU              gunicorn {cpu.server:.1f} s ({1000 * cpu.server / max(1, requests):.2f} ms/req)"
          + (f", PostgreSQL backends {cpu.database:.1f} s" if cpu.database else "")
          + f", client {cpu.client:.1f} s ({100 * cpu.client / wall:.0f}% of a core)"
          f", other processes {cpu.other:.1f} s; available {wall:.1f} s x {os.cpu_count()} cores")
    print(f"\n{'step':<18} {'count':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for step in STEPS:
        values = sorted(v for s in stats for v in s.latencies.get(step, []))
        print(f"{step:<18} {len(values):>6} " + " ".join(
            f"{1000 * httpclient.percentile(values, q):>8.1f}" for q in (0.50, 0.90, 0.99, 1.0)))
    return sum(errors.values())


def main() -> int:
    """Parse the options, prepare the instance, replay, check the database; always stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default="netralitas_replay", help="dropped and re-created (PostgreSQL)")
    parser.add_argument("--clients", type=int, default=100, help="concurrent client threads (phones)")
    parser.add_argument("--signers", type=int, default=0, help="replay only the first N signers (0: all)")
    parser.add_argument("--workers", type=int, default=DEFAULT_SERVER["workers"], help="gunicorn workers")
    parser.add_argument("--worker-class", default=DEFAULT_SERVER["worker_class"], help="gunicorn worker class")
    parser.add_argument("--gthreads", type=int, default=None,
                        help=f"gunicorn --threads (default {DEFAULT_SERVER['threads']} with gthread, 1 otherwise)")
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--png-bytes", type=int, default=2500, help="size of the drawn signature PNG")
    parser.add_argument("--target-seconds", type=float, default=60.0)
    parser.add_argument("--double-tap", action="store_true", help="send every signature POST twice at once")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and database")
    args = parser.parse_args()
    if args.clients < 1:
        parser.error("--clients must be at least 1")
    if args.gthreads is None:  # gunicorn turns "sync" with threads > 1 into gthread: keep sync really sync
        args.gthreads = DEFAULT_SERVER["threads"] if args.worker_class == "gthread" else 1
    benchlib.terminate_on_sigterm()
    instance = benchlib.prepare_instance(args.db, args.pg_database)
    server = None
    try:
        app = benchlib.app_for(instance)
        event = benchlib.demo_event(app)
        signers = event.signers[:args.signers] if args.signers else event.signers
        server = Server("netralitas", "app:app", args.port, instance.env(), instance.folder / "gunicorn.log",
                        workers=args.workers, worker_class=args.worker_class, threads=args.gthreads,
                        ready_path=f"/e/{DEMO_SLUG}").start()
        print(f"gunicorn {server.settings}")
        print(f"replaying {len(signers)} signers (all required employees of {DEMO_SLUG}: {len(event.signers)}) "
              f"with {args.clients} clients on {args.db}" + (", every signature POST double-tapped" if args.double_tap
                                                             else ""))
        warning = benchlib.load_warning()
        if warning:
            print(warning)
        signature = httpclient.data_url(httpclient.signature_png(args.png_bytes))
        server_before, machine_before = server.cpu_seconds(), benchlib.machine_cpu_seconds()
        database_before = benchlib.postgres_cpu(instance.pg_database)
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        wall, stats = run_clients(args.port, signers, args.clients, event.points, signature, args.double_tap)
        own = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = own.ru_utime + own.ru_stime - own_before.ru_utime - own_before.ru_stime
        server_cpu = server.cpu_seconds() - server_before
        database_cpu = benchlib.postgres_cpu(instance.pg_database) - database_before
        other_cpu = max(0.0, benchlib.machine_cpu_seconds() - machine_before - server_cpu - client_cpu - database_cpu)
        errors = print_results(wall, stats, len(signers), Cpu(server_cpu, database_cpu, client_cpu, other_cpu))
        server.stop()
        check = benchlib.check_database(app, instance, event.event_id)
        return verdict(args, wall, errors, len(signers), check, server)
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept {instance.folder}" + (f" and database {instance.pg_database}" if instance.pg_database else ""))
        else:
            instance.remove()


def verdict(args, wall: float, errors: int, expected: int, check: benchlib.DatabaseCheck, server: Server) -> int:
    """Print one line per check and return the exit status."""
    checks = [
        (wall <= args.target_seconds, f"wall time {wall:.1f} s <= {args.target_seconds:.0f} s"),
        (errors == 0, f"{errors} errors"),
        (check.signatures == expected, f"{check.signatures} signatures in the database, expected {expected}"),
        (check.duplicates == 0, f"{check.duplicates} duplicate (event, employee) signatures"),
        (check.signature_audits == check.signatures, f"{check.signature_audits} signature audit entries"),
        (check.audit_verify_ok, f"flask audit verify: {check.audit_verify_output}"),
    ]
    problems = server.log_problems()
    checks.append((not problems, f"server log: {len(problems)} error lines" + (f", e.g. {problems[0][:300]}"
                                                                                if problems else "")))
    print()
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
