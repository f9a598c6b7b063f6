"""Benchmark the status-list XLSX of 100,000 employees built by the jobs worker, and the app's pages meanwhile.

Usage: .venv/bin/python bench/jobs_xlsx.py [--db sqlite|postgresql] [--jobs-url redis://127.0.0.1:6379/8]
                                           [--employees 100000] [-d 20] [-c 4] [--keep]

1. A fresh instance folder and database (PostgreSQL: `--pg-database`, dropped afterwards), seeded in a child
   process: N employees in N/100 agencies (bench/datasets.py: 60 % signed with stand-in certificates) in one open
   event, one of them signed through the signing service (a real certificate for the verify page), a super admin.
2. The app under gunicorn (2 sync workers, as the other benches) and one `flask jobs worker` (2 threads, the
   default), the queue in the instance's jobs.db or `--jobs-url`.
3. Job alone: the super admin starts the XLSX through the web POST; queued → running → done is read from the
   database every 0.1 s. The worker's CPU and peak RSS (VmHWM, reset before the job) are read from /proc.
4. Baseline: one wrk per page at the same time (`-t1 -c C`), `-d` seconds, no job running: `/healthz`, the
   signing start page `/e/<slug>` (a first visit) and the verify page `/v/<token>`.
5. During the job: the same POST again; as soon as the job runs, the same wrk runs for the build time measured in
   step 3 (so the window lies inside the build, which only gets slower under load); then the job is waited for.
6. The last file is downloaded through the web (audited) and its rows counted.

Prints the job's figures and the pages' requests/s, p50 and p99 in both phases side by side. Exits 1 when a job
fails, the file misses rows, the measured window was not inside the build, or a server logged errors.
"""
from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchlib  # noqa: E402
import httpclient  # noqa: E402
from benchlib import Server  # noqa: E402
from side_by_side import WrkResult, parse_wrk  # noqa: E402

EMAIL, PASSWORD = "bench-jobs@contoh.go.id", "bench-rahasia-123"
SLUG = "bench-jobs"
#: The employee who signs through the service, for a verify page with a real certificate.
SIGNER_BIRTH = date(1980, 1, 1)
#: Settings a developer's shell may carry that must not leak into the measured processes.
DROPPED_ENV = {"SECRET_KEY", "INVITATION_KEY", "FLASK_APP", "JOBS_URL", "REDIS_URL", "DATABASE_URL",
               "RATELIMIT_STORAGE_URI", "MAIL_SERVER"}


# ---------------------------------------------------------------- seeding (child process)

def tree_shape(count: int) -> list[tuple[int, int]]:
    """(depth, parent index) per agency: a government, count/1000 OPDs, and units below them (count/100 in all)."""
    opds, units = max(count // 1000, 1), max(count // 100, 1)
    return [(0, -1)] + [(1, 0)] * opds + [(2, 1 + n % opds) for n in range(opds, units)]


def seed(count: int) -> None:
    """Tables, the tree, count - 1 employees in bulk and one signed through the service, a super admin; ANALYZE."""
    import datasets
    import sqlalchemy as sa

    from netralitas import create_app
    from netralitas.auth.models import Role
    from netralitas.certificates.models import Certificate
    from netralitas.db import utcnow
    from netralitas.extensions import db
    from netralitas.invitations.services import code_for, display_code, ensure_invitations
    from netralitas.masterdata.models import Category, Employee
    from netralitas.signing import services as signing

    app = create_app()
    with app.app_context():
        db.create_all()
        agencies = datasets.insert_tree(tree_shape(count))
        datasets.add_staff(EMAIL, PASSWORD, Role.SUPER_ADMIN)
        event = datasets.open_event("Deklarasi Netralitas ASN Bench Tugas", SLUG, utcnow() - timedelta(hours=1),
                                    utcnow() + timedelta(days=1))
        datasets.insert_signed_population(event, [agency.id for agency in agencies[1:]], count - 1,
                                          signed_within=timedelta(hours=1))
        signer = Employee(name="Penanda Tangan Bench", name_search="penanda tangan bench", category=Category.PNS,
                          nip="198001012005999999", nik="3273999999999999", birth_date=SIGNER_BIRTH,
                          agency_id=agencies[1].id)
        db.session.add(signer)
        db.session.flush()
        ensure_invitations(event, [signer.id])
        access = signing.verify_signer(event, display_code(code_for(event.id, signer.id, 0)),
                                       SIGNER_BIRTH.strftime("%d-%m-%Y"), "")
        outcome = signing.sign(access, ticked=set(range(1, len(event.current_text.points) + 1)),
                               typed_name=signer.name, signature_png=httpclient.signature_png(), client_ip="10.0.0.1",
                               user_agent="bench", max_png_bytes=200_000)
        db.session.commit()
        token = db.session.scalar(sa.select(Certificate.token).where(
            Certificate.signature_id == outcome.signature.id))
        datasets.analyze()
        print(f"EVENT {event.id} TOKEN {token}")


# ---------------------------------------------------------------- processes and measures

@dataclass
class Worker:
    """The `flask jobs worker` process, in its own process group (always killed)."""

    process: subprocess.Popen
    log_path: Path

    def rss_peak_mb(self) -> float:
        return _status_kb(self.process.pid, "VmHWM") / 1024

    def rss_mb(self) -> float:
        return _status_kb(self.process.pid, "VmRSS") / 1024

    def reset_peak(self) -> None:
        """VmHWM starts again from the current RSS (Linux ≥ 4.0), so the peak is the next job's."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def cpu_seconds(self) -> float:
        return benchlib.process_tree_cpu(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


def start_worker(env: dict[str, str], folder: Path) -> Worker:
    log_path = folder / "worker.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    worker = Worker(process, log_path)
    deadline = time.monotonic() + 30
    while "Jobs worker on" not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the jobs worker did not start:\n{log_path.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)
    return worker


@dataclass
class JobRun:
    """One XLSX job: when it was started, claimed and finished (monotonic seconds) and what the worker spent."""

    job_id: int
    posted: float
    running: float = 0.0
    finished: float = 0.0
    status: str = ""
    rows: int = 0
    worker_cpu: float = 0.0
    rss_peak_mb: float = 0.0
    #: What `during_running` returned.
    measured: object = None

    @property
    def queue_wait(self) -> float:
        return self.running - self.posted

    @property
    def build(self) -> float:
        return self.finished - self.running

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.build if self.build else 0.0


class Staff:
    """The super admin's browser: starts jobs through the web POST, downloads the file."""

    def __init__(self, port: int, event_id: int) -> None:
        self.browser = httpclient.login(port, EMAIL, PASSWORD)
        self.event_id = event_id
        status, _, page = self.browser.send("GET", f"/admin/acara/{event_id}/rekap")
        if status != 200:
            raise RuntimeError(f"dashboard: HTTP {status}")
        self.token = httpclient.csrf_token(page)

    def start_job(self) -> int:
        status, location, _ = self.browser.send("POST", f"/admin/acara/{self.event_id}/rekap/pegawai.xlsx/tugas",
                                                {"csrf_token": self.token})
        if status != 302 or "/admin/tugas/" not in location:
            raise RuntimeError(f"job POST: HTTP {status} {location}")
        return int(location.rstrip("/").rsplit("/", 1)[1])

    def download(self, job_id: int) -> bytes:
        status, _, body = self.browser.send("GET", f"/admin/tugas/{job_id}/unduh")
        if status != 200:
            raise RuntimeError(f"download of job #{job_id}: HTTP {status}")
        return body


class Jobs:
    """Reads job rows straight from the database (cheap, and no extra HTTP load on the measured app)."""

    def __init__(self, database_url: str) -> None:
        import sqlalchemy as sa

        self.sa = sa
        self.engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))

    def state(self, job_id: int) -> tuple[str, int, int]:
        with self.engine.connect() as connection:
            row = connection.execute(self.sa.text("SELECT status, done, total FROM jobs WHERE id = :id"),
                                     {"id": job_id}).one()
        return row[0], row[1], row[2]

    def wait(self, job_id: int, wanted: set[str], timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.state(job_id)[0].lower()
            if status in wanted:
                return status
            time.sleep(0.1)
        raise RuntimeError(f"job #{job_id} not {'/'.join(sorted(wanted))} within {timeout:.0f} s")


def run_job(staff: Staff, jobs: Jobs, worker: Worker, during_running=None) -> JobRun:
    """Start a job, note when it runs and ends; `during_running()` is called once it runs (and waited for)."""
    worker.reset_peak()
    cpu_before = worker.cpu_seconds()
    job = JobRun(staff.start_job(), time.monotonic())
    status = jobs.wait(job.job_id, {"running", "done", "failed"})
    job.running = time.monotonic()
    extra = None
    if status == "running" and during_running is not None:
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(during_running)
            status = jobs.wait(job.job_id, {"done", "failed"})
            job.finished = time.monotonic()
            extra = future.result()
    else:
        status = jobs.wait(job.job_id, {"done", "failed"})
        job.finished = time.monotonic()
    job.status, _, job.rows = jobs.state(job.job_id)
    job.status = job.status.lower()
    job.worker_cpu = worker.cpu_seconds() - cpu_before
    job.rss_peak_mb = worker.rss_peak_mb()
    job.measured = extra
    return job


@dataclass
class Phase:
    """One wrk phase: a result per page, when it ended, and the CPU each side used meanwhile (seconds)."""

    results: list[WrkResult]
    ended: float
    seconds: float
    server_cpu: float
    worker_cpu: float
    wrk_cpu: float
    other_cpu: float

    @property
    def requests(self) -> int:
        return sum(result.values["requests"] for result in self.results)


def wrk_pages(pages: list[tuple[str, str]], port: int, connections: int, seconds: int, script: Path,
              server: Server, worker: Worker) -> Phase:
    """One wrk per page, all at once, for `seconds`; the results and the CPU of gunicorn, the worker, wrk, others."""
    def one(page: tuple[str, str]) -> WrkResult:
        name, path = page
        command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                   "-H", f"User-Agent: {httpclient.USER_AGENT}", "-s", str(script), f"http://127.0.0.1:{port}{path}"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"wrk failed for {name}: {result.stdout[-1000:]} {result.stderr}")
        return parse_wrk(name, result.stdout)

    machine, server_cpu, worker_cpu = benchlib.machine_cpu_seconds(), server.cpu_seconds(), worker.cpu_seconds()
    children, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    with ThreadPoolExecutor(len(pages)) as pool:
        results = list(pool.map(one, pages))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    server_cpu, worker_cpu = server.cpu_seconds() - server_cpu, worker.cpu_seconds() - worker_cpu
    other = benchlib.machine_cpu_seconds() - machine - server_cpu - worker_cpu - wrk_cpu
    return Phase(results, time.monotonic(), time.monotonic() - started, server_cpu, worker_cpu, wrk_cpu,
                 max(other, 0.0))


# ---------------------------------------------------------------- the run

def child_env(folder: Path, database_url: str, jobs_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
    env.update(NETRALITAS_INSTANCE=str(folder), DATABASE_URL=database_url, JOBS_URL=jobs_url, PYTHONUNBUFFERED="1",
               PYTHONPATH=str(ROOT))
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default="netralitas_bench_jobs", help="dropped and re-created (PostgreSQL)")
    parser.add_argument("--jobs-url", default="",
                        help="the queue: empty = instance/jobs.db, or redis://…/N (a database of its own: emptied)")
    parser.add_argument("-d", "--duration", type=int, default=20, help="seconds of the baseline wrk run")
    parser.add_argument("-c", "--connections", type=int, default=4, help="wrk connections per page")
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and database")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(args.seed)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get update && apt-get install -y wrk", file=sys.stderr)
        return 2
    benchlib.terminate_on_sigterm()
    print(benchlib.describe_tree(), flush=True)
    folder = Path(tempfile.mkdtemp(prefix="netralitas-bench-jobs-"))
    if args.db == "postgresql":
        benchlib.recreate_pg_database(args.pg_database)
        database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.pg_database}"
    else:
        database_url = f"sqlite:///{folder}/bench.db"
    if args.jobs_url.startswith("redis"):
        from huey import PriorityRedisHuey

        from netralitas.jobs.queue import QUEUE_NAME

        PriorityRedisHuey(QUEUE_NAME, url=args.jobs_url).flush()  # an earlier run's entries must not run in this one
    env = child_env(folder, database_url, args.jobs_url)
    processes: list = []
    try:
        return run(args, folder, database_url, env, processes)
    finally:
        for process in processes:
            process.stop()
        if args.keep:
            print(f"kept {folder} ({database_url})")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            if args.db == "postgresql":
                benchlib.drop_pg_database(args.pg_database)


def run(args, folder: Path, database_url: str, env: dict[str, str], processes: list) -> int:
    started = time.perf_counter()
    seeded = subprocess.run([sys.executable, __file__, "--seed", str(args.employees)], env=env, capture_output=True,
                            text=True, check=False)
    if seeded.returncode != 0:
        raise SystemExit(f"seeding failed:\n{seeded.stdout}\n{seeded.stderr[-3000:]}")
    _, event_id, _, token = seeded.stdout.strip().splitlines()[-1].split()
    print(f"{args.employees:,} employees in {max(args.employees // 100, 1):,} agencies on {args.db}: seeded in "
          f"{time.perf_counter() - started:.1f} s", flush=True)

    server = Server("netralitas", "app:app", args.port, env, folder / "gunicorn.log", ready_path="/healthz")
    processes.append(server)
    server.start()
    worker = start_worker(env, folder)
    processes.append(worker)
    queue = args.jobs_url or "instance/jobs.db"
    print(f"gunicorn {server.settings}; one `flask jobs worker` (2 threads), queue {queue}", flush=True)

    pages = [("/healthz", "/healthz"), ("signing start /e/<slug>", f"/e/{SLUG}"), ("verify /v/<token>", f"/v/{token}")]
    script = folder / "report.lua"
    shutil.copy(ROOT / "bench" / "wrk" / "report.lua", script)
    warning = benchlib.load_warning()
    if warning:
        print(warning)
    wrk_pages(pages, args.port, args.connections, 2, script, server, worker)  # warm-up: templates, keys, connections

    staff = Staff(args.port, int(event_id))
    jobs = Jobs(database_url)
    alone = run_job(staff, jobs, worker)
    print(f"job alone: {alone.status}, {alone.rows:,} rows, queued {alone.queue_wait:.1f} s, built in "
          f"{alone.build:.1f} s", flush=True)

    baseline = wrk_pages(pages, args.port, args.connections, args.duration, script, server, worker)
    window = max(int(alone.build), 3)
    loaded = run_job(staff, jobs, worker, lambda: wrk_pages(pages, args.port, args.connections, window, script,
                                                            server, worker))
    during: Phase = loaded.measured
    inside = during.ended <= loaded.finished
    body = staff.download(loaded.job_id)
    rows_in_file = count_rows(body)
    report(args, alone, loaded, baseline, during, inside, rows_in_file, len(body))
    problems = server.log_problems()
    for line in problems[:5]:
        print(f"server log: {line[:200]}")
    ok = (alone.status == loaded.status == "done" and rows_in_file == args.employees and inside and not problems
          and all(r.errors == 0 for r in baseline.results + during.results))
    return 0 if ok else 1


def count_rows(body: bytes) -> int:
    """Data rows of the downloaded workbook (the header excluded)."""
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))


def report(args, alone: JobRun, loaded: JobRun, baseline: Phase, during: Phase, inside: bool, rows_in_file: int,
           size: int) -> None:
    print()
    print(f"{'XLSX job':<28} {'alone':>10} {'with wrk':>10}")
    for label, value in (("status", lambda j: j.status), ("rows", lambda j: f"{j.rows:,}"),
                         ("queue wait s", lambda j: f"{j.queue_wait:.1f}"), ("build s", lambda j: f"{j.build:.1f}"),
                         ("rows/s", lambda j: f"{j.rows_per_second:,.0f}"),
                         ("worker CPU s", lambda j: f"{j.worker_cpu:.1f}"),
                         ("worker peak RSS MB", lambda j: f"{j.rss_peak_mb:.0f}")):
        print(f"{label:<28} {value(alone):>10} {value(loaded):>10}")
    print(f"file: {size / 1e6:.1f} MB, {rows_in_file:,} data rows "
          f"({'all' if rows_in_file == args.employees else 'MISSING ROWS'})")
    print()
    print(f"pages, wrk -t1 -c{args.connections} per page, all at once: {baseline.seconds:.0f} s without a job, "
          f"then {during.seconds:.0f} s while the job builds" + ("" if inside else " (WARNING: the job ended first)"))
    print(f"{'page':<26} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}   {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
          f" {'errors':>6}")
    print(f"{'':<26} {'--- no job ---':>24}   {'--- during the job ---':>24}")
    for before, after in zip(baseline.results, during.results, strict=True):
        print(f"{before.name:<26} {before.rps:>8.0f} {before.values['p50_us'] / 1000:>7.1f} "
              f"{before.values['p99_us'] / 1000:>7.1f}   {after.rps:>8.0f} {after.values['p50_us'] / 1000:>7.1f} "
              f"{after.values['p99_us'] / 1000:>7.1f} {before.errors + after.errors:>6}")
    print()
    print(f"{'CPU, cores (of 2)':<26} {'no job':>8} {'job':>8}")
    for label, value in (("gunicorn (2 workers)", lambda p: p.server_cpu), ("jobs worker", lambda p: p.worker_cpu),
                         ("wrk", lambda p: p.wrk_cpu), ("other processes (noise)", lambda p: p.other_cpu)):
        print(f"{label:<26} {value(baseline) / baseline.seconds:>8.2f} {value(during) / during.seconds:>8.2f}")
    print(f"{'gunicorn ms per request':<26} {1000 * baseline.server_cpu / max(baseline.requests, 1):>8.2f} "
          f"{1000 * during.server_cpu / max(during.requests, 1):>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
