"""Crash during a signing burst: kill -9 every gunicorn process mid-burst, restart, and account for every signature.

Usage: .venv/bin/python bench/crash_burst.py [--db sqlite|postgresql] [--clients 64] [--rounds 3] [--kill-after 300]

Fresh instance + database (migrations, seed-demo), the app under gunicorn, then demo employees sign through the real
HTTP flow (venue page -> code + birth date -> declaration page -> signature POST -> confirmation page) with many
client threads. A signature counts as ACKNOWLEDGED when its POST answered 302 -> /selesai (the server commits before
it redirects); the certificate code on the confirmation page is recorded when the client got that far. Each round
SIGKILLs the gunicorn master and all its workers (the whole process group) once --kill-after new signatures were
acknowledged, restarts gunicorn, waits for /healthz, and checks the database before any new request:

  * every acknowledged signature is there, with the certificate code the signer saw;
  * no half-written rows: signature without certificate, certificate without signature, signature without its
    `signature.create` audit entry, audit entry naming a missing signature; no duplicate live signature;
  * `flask audit verify` passes.

Signers cut off by the kill then retry (as people do) on the restarted server: each must end with exactly one
signature. Prints acknowledged / found / half-written per round. Not part of pytest (it takes minutes).
Exit status 1 when any check fails.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import httpclient  # noqa: E402
from benchlib import DEMO_SLUG, Server, Signer  # noqa: E402
from httpclient import Browser  # noqa: E402

CERTIFICATE_CODE = re.compile(rb'class="cert-code mono">([^<]+)<')
BASE = f"/e/{DEMO_SLUG}"


@dataclass
class Outcomes:
    """What the clients saw, shared by all client threads (one lock; the server is the bottleneck, not this)."""

    acknowledged: dict[int, str | None] = field(default_factory=dict)  # employee id -> certificate code seen
    interrupted: set[int] = field(default_factory=set)  # started, never acknowledged
    #: Where the kill cut signers off (the step whose request failed).
    cut_at: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    new_acks: int = 0

    def ack(self, employee_id: int, code: str | None) -> None:
        with self.lock:
            if employee_id not in self.acknowledged:
                self.new_acks += 1
            if code or employee_id not in self.acknowledged:
                self.acknowledged[employee_id] = code
            self.interrupted.discard(employee_id)

    def cut_off(self, employee_id: int, step: str) -> None:
        with self.lock:
            self.cut_at[step] += 1
            if employee_id not in self.acknowledged:
                self.interrupted.add(employee_id)


class Failed(Exception):
    """A step answered something other than expected (the server went away, or a real error)."""


def sign(browser: Browser, signer: Signer, form_extra: dict, outcomes: Outcomes, at: list[str]) -> None:
    """One employee's whole visit; records the acknowledgement as soon as the server gave it (at[0]: current step)."""
    browser.new_identity()
    at[0] = "venue page"
    page = expect(browser, "GET", BASE, None, 200)
    fields = {"csrf_token": httpclient.csrf_token(page), "code": signer.code, "birth_date": signer.birth_date,
              "attendance": ""}
    at[0] = "code + birth date"
    expect(browser, "POST", BASE, fields, 302, "/deklarasi")
    at[0] = "declaration page"
    status, location, page = browser.send("GET", f"{BASE}/deklarasi")
    if status == 302 and location.endswith("/selesai"):
        outcomes.ack(signer.employee_id, None)  # signed before (a retry after a lost answer)
    elif status == 200:
        form = {"csrf_token": httpclient.csrf_token(page), "typed_name": signer.name, **form_extra}
        at[0] = "signature POST"
        expect(browser, "POST", f"{BASE}/deklarasi", form, 302, "/selesai")
        outcomes.ack(signer.employee_id, None)
    else:
        raise Failed(f"declaration page: HTTP {status} {location}")
    at[0] = "confirmation page"
    page = expect(browser, "GET", f"{BASE}/selesai", None, 200)
    match = CERTIFICATE_CODE.search(page)
    if not match:
        raise Failed("confirmation page without a certificate code")
    outcomes.ack(signer.employee_id, match.group(1).decode().strip())


def expect(browser: Browser, method: str, path: str, fields, status: int, location_end: str = "") -> bytes:
    got, location, body = browser.send(method, path, fields)
    if got != status or not location.endswith(location_end):
        raise Failed(f"{method} {path}: HTTP {got} {location}")
    return body


def burst(port: int, signers: list[Signer], clients: int, form_extra: dict, outcomes: Outcomes,
          stop: threading.Event) -> tuple[list[threading.Thread], list[str]]:
    """Start client threads that sign until the list is done or `stop` is set; returns them and an error list."""
    queue = iter(signers)
    queue_lock = threading.Lock()
    errors: list[str] = []

    def client() -> None:
        browser = Browser(port, timeout=30)
        at = [""]
        while not stop.is_set():
            with queue_lock:
                signer = next(queue, None)
            if signer is None:
                break
            try:
                sign(browser, signer, form_extra, outcomes, at)
            except (OSError, http.client.HTTPException, Failed, ValueError) as exc:
                outcomes.cut_off(signer.employee_id, at[0])
                if not stop.is_set() and len(errors) < 20:
                    errors.append(f"employee {signer.employee_id}: {exc!r}")
                browser.connection.close()
        browser.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads, errors


def kill_server(server: Server) -> int:
    """SIGKILL the gunicorn process group (master and workers, no graceful anything); returns how many died."""
    group = server.process.pid
    members = [pid for pid in _pids() if _pgid(pid) == group]
    os.killpg(group, signal.SIGKILL)
    server.process.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in members) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in members if _alive(pid)]
    if survivors:
        raise RuntimeError(f"processes survived SIGKILL: {survivors}")
    return len(members)


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie is dead; it only waits for its (new) parent to collect it


@dataclass
class Findings:
    """The database after a crash, compared with what the clients were told."""

    signatures: int
    acknowledged: int
    acknowledged_missing: list[int]
    wrong_certificate: list[int]
    not_acknowledged: int
    without_certificate: int
    certificate_without_signature: int
    without_audit: int
    audit_without_signature: int
    duplicates: int
    audit_verify: str
    audit_verify_ok: bool

    @property
    def half_written(self) -> int:
        return (self.without_certificate + self.certificate_without_signature + self.without_audit
                + self.audit_without_signature)

    @property
    def ok(self) -> bool:
        return not (self.acknowledged_missing or self.wrong_certificate or self.half_written or self.duplicates) \
            and self.audit_verify_ok


def inspect(app, instance: benchlib.Instance, event_id: int, outcomes: Outcomes) -> Findings:
    """Read signatures, certificates and audit entries in one transaction and compare them with the acknowledgements."""
    import sqlalchemy as sa

    from netralitas.audit.models import AuditEntry
    from netralitas.certificates.models import Certificate
    from netralitas.certificates.services import display_code
    from netralitas.extensions import db
    from netralitas.signing.models import Signature

    with app.app_context():
        rows = db.session.execute(sa.select(Signature.id, Signature.employee_id, Certificate.code)
                                  .outerjoin(Certificate, Certificate.signature_id == Signature.id)
                                  .where(Signature.live_in(event_id))).all()
        orphans = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)
                                    .outerjoin(Signature, Certificate.signature_id == Signature.id)
                                    .where(Signature.id.is_(None)))
        audited = {int(t) for t in db.session.scalars(sa.select(AuditEntry.target_id)
                                                       .where(AuditEntry.action == "signature.create"))}
        all_signatures = set(db.session.scalars(sa.select(Signature.id)))
        db.session.remove()
        db.engine.dispose()
    by_employee: dict[int, list[str | None]] = {}
    for _, employee_id, code in rows:
        by_employee.setdefault(employee_id, []).append(display_code(code) if code else None)
    with outcomes.lock:
        acknowledged = dict(outcomes.acknowledged)
    verify = benchlib.run_flask(instance, "audit", "verify", check=False)
    return Findings(
        signatures=len(rows), acknowledged=len(acknowledged),
        acknowledged_missing=sorted(e for e in acknowledged if e not in by_employee),
        wrong_certificate=sorted(e for e, code in acknowledged.items() if code and e in by_employee
                                 and by_employee[e] != [code]),
        not_acknowledged=sum(1 for e in by_employee if e not in acknowledged),
        without_certificate=sum(1 for _, _, code in rows if code is None),
        certificate_without_signature=orphans,
        without_audit=len(all_signatures - audited), audit_without_signature=len(audited - all_signatures),
        duplicates=sum(1 for codes in by_employee.values() if len(codes) > 1),
        audit_verify=(verify.stdout + verify.stderr).strip(), audit_verify_ok=verify.returncode == 0)


def report(label: str, findings: Findings) -> None:
    print(f"{label:<10} acknowledged {findings.acknowledged:5d}  found {findings.signatures:5d}  "
          f"acknowledged-but-missing {len(findings.acknowledged_missing)}  wrong certificate "
          f"{len(findings.wrong_certificate)}  committed-unacknowledged {findings.not_acknowledged}  "
          f"half-written {findings.half_written} (no certificate {findings.without_certificate}, certificate "
          f"alone {findings.certificate_without_signature}, no audit {findings.without_audit}, audit alone "
          f"{findings.audit_without_signature})  duplicates {findings.duplicates}  "
          f"audit verify: {'ok' if findings.audit_verify_ok else 'FAILED'}", flush=True)
    if not findings.audit_verify_ok:
        print(f"           {findings.audit_verify}")
    for name in ("acknowledged_missing", "wrong_certificate"):
        if getattr(findings, name):
            print(f"           {name}: employees {getattr(findings, name)[:20]}")


def wait_for_acks(outcomes: Outcomes, target: int, threads: list[threading.Thread], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while outcomes.new_acks < target and any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        time.sleep(0.01)


def main() -> int:
    """Prepare, run the crash rounds and the retries, print the findings; always stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default="netralitas_crash", help="dropped and re-created (PostgreSQL)")
    parser.add_argument("--clients", type=int, default=64, help="concurrent client threads (phones)")
    parser.add_argument("--rounds", type=int, default=3, help="kill -9 / restart cycles")
    parser.add_argument("--kill-after", type=int, default=300, help="new acknowledged signatures before each kill")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn --threads (use with gthread)")
    parser.add_argument("--jitter", type=float, default=0.5,
                        help="kill at a random moment up to this many seconds after the threshold (varies the phase)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8121)
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and database")
    args = parser.parse_args()
    benchlib.terminate_on_sigterm()
    instance = benchlib.prepare_instance(args.db, args.pg_database)
    server: Server | None = None
    all_ok = True
    try:
        app = benchlib.app_for(instance)
        event = benchlib.demo_event(app)
        form_extra = {"point": [str(i) for i in range(1, event.points + 1)],
                      "signature": httpclient.data_url(httpclient.signature_png(2500))}
        outcomes = Outcomes()
        rnd = random.Random(args.seed)
        remaining = list(event.signers)

        def new_server() -> Server:
            return Server("netralitas", "app:app", args.port, instance.env(), instance.folder / "gunicorn.log",
                          workers=args.workers, worker_class=args.worker_class, threads=args.threads,
                          ready_path="/healthz").start()

        server = new_server()
        print(f"gunicorn {server.settings}; {args.clients} clients; {args.db}; kill -9 after every "
              f"{args.kill_after} new acknowledgements (+ up to {args.jitter} s), {args.rounds} rounds", flush=True)
        for round_no in range(1, args.rounds + 1):
            stop = threading.Event()
            outcomes.new_acks = 0
            threads, errors = burst(args.port, remaining, args.clients, form_extra, outcomes, stop)
            wait_for_acks(outcomes, args.kill_after, threads)
            time.sleep(rnd.uniform(0, args.jitter))
            stop.set()  # no new signers; the ones in flight go on until the kill cuts them off
            killed = kill_server(server)
            for thread in threads:
                thread.join(60)
            print(f"round {round_no}: killed {killed} gunicorn processes with {outcomes.new_acks} new acknowledgements; "
                  f"cut off so far, by step: {dict(outcomes.cut_at)}" + (f"; errors before the kill: {errors[:3]}"
                                                                         if errors else ""), flush=True)
            server = new_server()  # waits for /healthz: the app comes back after a crash
            findings = inspect(app, instance, event.event_id, outcomes)
            report(f"round {round_no}", findings)
            all_ok &= findings.ok and not errors
            done = set(outcomes.acknowledged) | outcomes.interrupted
            remaining = [s for s in remaining if s.employee_id not in done]

        retry = [s for s in event.signers if s.employee_id in outcomes.interrupted]
        stop = threading.Event()
        threads, errors = burst(args.port, retry, min(args.clients, max(1, len(retry))), form_extra, outcomes, stop)
        for thread in threads:
            thread.join(600)
        findings = inspect(app, instance, event.event_id, outcomes)
        print(f"retries: {len(retry)} cut-off signers tried again, {len(retry) - len(outcomes.interrupted)} now "
              f"acknowledged" + (f"; errors: {errors[:3]}" if errors else ""))
        report("final", findings)
        problems = server.log_problems()
        checks = [
            (all_ok, "every round: acknowledged signatures all present with their certificates, nothing half-written, "
                     "no duplicate, audit chain intact"),
            (findings.ok, "after the retries: the same checks"),
            (not outcomes.interrupted and not errors, f"{len(outcomes.interrupted)} signers still without a signature"),
            (not problems, f"server log: {len(problems)} error lines" + (f", e.g. {problems[0][:300]}" if problems
                                                                          else "")),
        ]
        print()
        for ok, text in checks:
            print(f"{'PASS' if ok else 'FAIL'}  {text}")
        return 0 if all(ok for ok, _ in checks) else 1
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept {instance.folder}" + (f" and database {instance.pg_database}" if instance.pg_database else ""))
        else:
            instance.remove()


if __name__ == "__main__":
    sys.exit(main())
