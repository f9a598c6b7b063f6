"""Benchmark the report exports: time and memory of the status list (CSV, XLSX), the completion table and the recap.

Usage: .venv/bin/python bench/report_exports.py [--employees 5000 100000] [--db sqlite|postgresql] [--keep]

For each size: a fresh instance folder and database (PostgreSQL: `--pg-database`, dropped afterwards), seeded in a
child process with N employees in N/100 agencies (a government, N/1000 OPDs, units below them), 60 % signed with
a certificate. Each export then runs in its own child process through the real view (Flask test client, signed in
as a super admin, the whole scope) and reads the response chunk by chunk as a browser would. Printed per export:
wall time, time to the first byte, CPU, bytes, the process's RSS just before the request and its peak.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

EMAIL, PASSWORD = "bench@contoh.go.id", "bench-rahasia-123"
EXPORTS = (("status CSV", "pegawai.csv"), ("status XLSX", "pegawai.xlsx"), ("table XLSX", "tabel.xlsx"),
           ("recap PDF (all levels)", "rekapitulasi.pdf?rinci=1"))


def tree_shape(count: int) -> list[tuple[int, int]]:
    """(depth, parent index) per agency: a government, count/1000 OPDs, and units below them (count/100 in all)."""
    opds, units = max(count // 1000, 1), max(count // 100, 1)
    return [(0, -1)] + [(1, 0)] * opds + [(2, 1 + n % opds) for n in range(opds, units)]


def seed(count: int) -> None:
    """Agencies, employees, an open event, invitations, signatures and certificates, inserted in bulk."""
    import datasets

    from netralitas import create_app
    from netralitas.auth.models import Role
    from netralitas.db import utcnow
    from netralitas.extensions import db

    app = create_app()
    with app.app_context():
        db.create_all()
        agencies = datasets.insert_tree(tree_shape(count))
        datasets.add_staff(EMAIL, PASSWORD, Role.SUPER_ADMIN)
        event = datasets.open_event("Deklarasi Netralitas ASN Bench", "bench", utcnow() - timedelta(hours=1),
                                    utcnow() + timedelta(days=1))
        # Employees work in the OPDs and units, not in the government itself.
        datasets.insert_signed_population(event, [agency.id for agency in agencies[1:]], count,
                                          signed_within=timedelta(hours=1))
        db.session.commit()
        datasets.analyze()


def export(path: str) -> dict:
    """One export through the view, in this process: timings, size and memory as JSON."""
    from netralitas import create_app
    from netralitas.events.models import Event
    from netralitas.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})  # a script, not a browser
    client = app.test_client()
    assert client.post("/masuk", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    with app.app_context():
        event_id = db.session.scalar(db.select(Event.id).where(Event.slug == "bench"))
    client.get("/")  # warm: templates, user loader
    rss_before = _status_kb("VmRSS")
    _reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/admin/acara/{event_id}/rekap/{path}", buffered=False)
    assert response.status_code == 200, response.status_code
    first_byte, size = None, 0
    for chunk in response.response:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
    response.close()
    return {"wall": time.perf_counter() - started, "first_byte": first_byte, "cpu": time.process_time() - cpu,
            "bytes": size, "rss_before_mb": rss_before / 1024, "peak_mb": _status_kb("VmHWM") / 1024}


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


def _reset_peak() -> None:
    """Start VmHWM (the peak RSS) again from the current RSS, so the peak is the export's, not the app start's."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # Linux ≥ 4.0


def _child(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    return result.stdout


def run(count: int, db_kind: str, pg_database: str, keep: bool) -> None:
    import benchlib

    folder = Path(tempfile.mkdtemp(prefix="netralitas-bench-exports-"))
    if db_kind == "postgresql":
        benchlib.recreate_pg_database(pg_database)
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_database}"
    else:
        url = f"sqlite:///{folder}/bench.db"
    env = {**os.environ, "NETRALITAS_INSTANCE": str(folder), "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    try:
        started = time.perf_counter()
        _child(env, "--seed", str(count))
        print(f"\n{count:,} employees, {max(count // 100, 1):,} agencies ({db_kind}): seeded in "
              f"{time.perf_counter() - started:.1f} s")
        print(f"{'export':<24} {'wall s':>7} {'1st byte s':>10} {'CPU s':>6} {'MB out':>7} {'RSS before':>10} "
              f"{'peak RSS':>9}")
        for label, path in EXPORTS:
            figures = json.loads(_child(env, "--export", path).strip().splitlines()[-1])
            print(f"{label:<24} {figures['wall']:>7.2f} {figures['first_byte']:>10.2f} {figures['cpu']:>6.2f} "
                  f"{figures['bytes'] / 1e6:>7.1f} {figures['rss_before_mb']:>8.0f} MB {figures['peak_mb']:>6.0f} MB")
    finally:
        if keep:
            print(f"kept {folder} ({url})")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            if db_kind == "postgresql":
                benchlib.drop_pg_database(pg_database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[5000, 100_000])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default="netralitas_bench_exports")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and database")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(args.seed)
    elif args.export:
        print(json.dumps(export(args.export)))
    else:
        import benchlib

        print(benchlib.describe_tree())
        for count in args.employees:
            run(count, args.db, args.pg_database, args.keep)


if __name__ == "__main__":
    main()
