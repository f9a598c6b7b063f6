"""Shared pieces of the HTTP benchmarks: a fresh instance + database, gunicorn servers, CPU accounting, checks.

Everything talks to 127.0.0.1 only. Servers run in their own process group and are always killed.
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_SLUG = "pilkada-mekarsari-2026"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
#: Databases that belong to other people or to PostgreSQL itself: never dropped here.
PROTECTED_DATABASES = {"test", "test_lead", "test_inv", "postgres", "template0", "template1"}
SERVER_LOG_PROBLEMS = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Exception|OperationalError")


# ---------------------------------------------------------------- instance and database

@dataclass
class Instance:
    """A fresh instance folder (secret and invitation keys) and its seeded database."""

    folder: Path
    database_url: str
    db_kind: str
    pg_database: str | None = None

    def env(self) -> dict[str, str]:
        """The environment for `flask` and gunicorn: this instance, this database, no stray settings."""
        env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "INVITATION_KEY", "FLASK_APP"}}
        env.update(NETRALITAS_INSTANCE=str(self.folder), DATABASE_URL=self.database_url, PYTHONUNBUFFERED="1")
        return env

    def remove(self) -> None:
        """Delete the folder and (PostgreSQL) the database."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.pg_database:
            drop_pg_database(self.pg_database)


def describe_tree() -> str:
    """Which code is measured: the commit, and how many files differ from it (others may be editing)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "code: not a git checkout"
    return f"code: {head}" + (f" + {len(changed)} modified files" if changed else " (clean)")


def prepare_instance(db_kind: str, pg_database: str) -> Instance:
    """New instance folder + empty database, `flask db upgrade`, `flask seed-demo`; prints the timings."""
    print(describe_tree(), flush=True)
    if db_kind == "postgresql":
        recreate_pg_database(pg_database)  # first: it refuses a database another run is using
    folder = Path(tempfile.mkdtemp(prefix=f"netralitas-bench-{db_kind}-"))
    if db_kind == "sqlite":
        instance = Instance(folder, f"sqlite:///{folder}/bench.db", db_kind)
    else:
        instance = Instance(folder, f"{PG_SERVER}/{pg_database}", db_kind, pg_database)
    started = time.perf_counter()
    try:
        run_flask(instance, "db", "upgrade")
        run_flask(instance, "seed-demo")
    except BaseException:
        instance.remove()
        raise
    print(f"instance {folder} on {db_kind} ({instance.database_url}): migrated and seeded in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return instance


def run_flask(instance: Instance, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `flask --app app ARGS` for this instance; the output is returned (and shown on failure)."""
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=instance.env(),
                            capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def _pg_admin():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def _checked_name(name: str) -> str:
    if name in PROTECTED_DATABASES or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing to use database {name!r}: pick your own, e.g. netralitas_bench")
    return name


def recreate_pg_database(name: str) -> None:
    """Drop (even with open connections) and create an empty database."""
    from psycopg import sql

    with _pg_admin() as conn:
        users = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (_checked_name(name),)).fetchone()
        if users[0]:
            raise SystemExit(f"database {name} has {users[0]} open connections (another run?): "
                             "wait for it or pass another --pg-database")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_pg_database(name: str) -> None:
    """Drop a benchmark database."""
    from psycopg import sql

    with _pg_admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_checked_name(name))))


def app_for(instance: Instance):
    """The Netralitas app object of this instance, in this process (for codes and database checks)."""
    os.environ["NETRALITAS_INSTANCE"] = str(instance.folder)
    os.environ["DATABASE_URL"] = instance.database_url
    sys.path.insert(0, str(ROOT))
    from netralitas import create_app

    return create_app()


@dataclass(frozen=True)
class Signer:
    """A demo employee who must sign the demo event, with what they type."""

    employee_id: int
    name: str
    code: str
    birth_date: str


@dataclass
class DemoEvent:
    """The demo event's id, number of declaration points and its invited signers."""

    event_id: int
    points: int
    signers: list[Signer] = field(default_factory=list)


def demo_event(app) -> DemoEvent:
    """Every required employee of the demo event with the code printed on their slip (computed with code_for)."""
    import sqlalchemy as sa

    from netralitas.events import services as events
    from netralitas.events.models import Invitation
    from netralitas.extensions import db
    from netralitas.invitations.services import code_for, display_code
    from netralitas.masterdata.models import Employee

    with app.app_context():
        event = events.find_event(DEMO_SLUG)
        query = events.required_employees(event).join(Invitation, sa.and_(
            Invitation.employee_id == Employee.id, Invitation.event_id == event.id, Invitation.revoked_dt.is_(None)))
        rows = db.session.execute(query.with_only_columns(
            Employee.id, Employee.name, Employee.birth_date, Invitation.generation).order_by(Employee.id)).all()
        signers = [Signer(eid, name, display_code(code_for(event.id, eid, gen)), born.strftime("%d-%m-%Y"))
                   for eid, name, born, gen in rows]
        result = DemoEvent(event.id, len(event.current_text.points), signers)
        db.session.remove()
        db.engine.dispose()
        return result


@dataclass
class DatabaseCheck:
    """What the database holds after a run."""

    signatures: int
    duplicates: int
    signature_audits: int
    audit_verify_ok: bool
    audit_verify_output: str


def check_database(app, instance: Instance, event_id: int, settle_seconds: float = 1.0) -> DatabaseCheck:
    """Count signatures, duplicate (event, employee) pairs and signature audit entries, run `flask audit verify`.

    Waits until the signature count stops moving (requests wrk abandoned may still be committing), then
    counts everything in ONE statement so the numbers come from one snapshot.
    """
    import sqlalchemy as sa

    from netralitas.audit.models import AuditEntry
    from netralitas.extensions import db
    from netralitas.signing.models import Signature

    signatures = sa.select(sa.func.count()).select_from(Signature).where(Signature.event_id == event_id)
    pairs = sa.select(Signature.event_id, Signature.employee_id).group_by(Signature.event_id, Signature.employee_id) \
        .having(sa.func.count() > 1).subquery()
    duplicates = sa.select(sa.func.count()).select_from(pairs)
    audits = sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "signature.create")
    with app.app_context():
        last, deadline = None, time.monotonic() + 30
        while time.monotonic() < deadline:
            count = db.session.scalar(signatures)
            db.session.rollback()
            if count == last:
                break
            last = count
            time.sleep(settle_seconds)
        row = db.session.execute(sa.select(signatures.scalar_subquery(), duplicates.scalar_subquery(),
                                           audits.scalar_subquery())).one()
        db.session.remove()
        db.engine.dispose()
    verify = run_flask(instance, "audit", "verify", check=False)
    output = (verify.stdout + verify.stderr).strip()
    return DatabaseCheck(row[0], row[1], row[2], verify.returncode == 0, output)


# ---------------------------------------------------------------- servers

class Server:
    """A gunicorn master in its own process group, logging to a file; stop() kills the whole group."""

    def __init__(self, name: str, app_spec: str, port: int, env: dict[str, str], log_path: Path, *,
                 workers: int = 2, worker_class: str = "sync", threads: int = 1, ready_path: str = "/"):
        self.name, self.port, self.log_path, self.ready_path = name, port, log_path, ready_path
        self.env = env
        self.command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                        "--worker-class", worker_class, "--threads", str(threads), "--backlog", "2048",
                        "--timeout", "120", "--graceful-timeout", "5", "--log-level", "info", app_spec]
        self.process: subprocess.Popen | None = None

    @property
    def settings(self) -> str:
        """The gunicorn options, for the report."""
        return " ".join(self.command[3:-1])

    def start(self, timeout: float = 30) -> Server:
        """Start and wait until the ready path answers."""
        if _port_busy(self.port):
            raise RuntimeError(f"port {self.port} is already in use on 127.0.0.1")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited at start; see {self.log_path}:\n{self.log_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", self.ready_path)
                if conn.getresponse().status < 500:
                    conn.close()
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not answer on port {self.port} within {timeout:.0f} s")

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def cpu_seconds(self) -> float:
        """User + system CPU used so far by the master and its live workers."""
        if self.process is None:
            return 0.0
        return process_tree_cpu(self.process.pid)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_problems(self) -> list[str]:
        """Lines of the server log that show an error (tracebacks, worker timeouts)."""
        return [line for line in self.log_text().splitlines() if SERVER_LOG_PROBLEMS.search(line)]

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _port_busy(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from "state" on; the name may hold spaces


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of a process and its direct children, from /proc."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _proc_stat(int(entry.name))
        if fields and (int(entry.name) == root or int(fields[1]) == root):
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def postgres_cpu(database: str | None) -> float:
    """CPU seconds of the PostgreSQL backends (local server) connected to this database; 0 without one."""
    if not database:
        return 0.0
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if command.startswith("postgres: ") and f" {database} " in command:
            fields = _proc_stat(int(entry.name))
            if fields:
                total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores, all processes), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def load_warning(sample_seconds: float = 2.0) -> str:
    """A warning when other processes keep the machine busy right now (our servers are idle while sampling)."""
    before, started = machine_cpu_seconds(), time.monotonic()
    time.sleep(sample_seconds)
    busy = (machine_cpu_seconds() - before) / (time.monotonic() - started)
    if busy < 0.25:
        return ""
    return (f"WARNING: other processes keep {100 * busy:.0f}% of a core busy before the run ({os.cpu_count()} cores): "
            "rates will be lower and noisier; compare the CPU ms per request")


def terminate_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so `finally` blocks (which stop the servers) run."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
