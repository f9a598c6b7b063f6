"""Benchmark the employee importer: N generated rows through the same service as the UI, on a fresh SQLite file.

Usage: .venv/bin/python bench/import_employees.py [--rows 100000] [--format csv|xlsx]
Exits 1 when the import is not clean or the re-import changes anything.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netralitas.core import spreadsheet  # noqa: E402
from netralitas.core.identity import make_nik, make_nip_pns, make_nip_pppk  # noqa: E402

AGENCIES = 100
FIRST_BIRTH = date(1965, 1, 1)
BIRTH_SPAN_DAYS = 12_000  # births 1965–1997: NIK century guesses stay right, appointments stay plausible
COLUMNS = ("nama", "nip", "nik", "kategori", "kode_unit", "tanggal_lahir", "jenis_kelamin", "jabatan", "no_hp", "email")


def agency_file() -> bytes:
    rows = [["PROV", "Pemerintah Provinsi Bench", "", "PEMERINTAH"]]
    rows += [[f"OPD{n:03d}", f"Dinas Bench {n}", "PROV", "DINAS"] for n in range(1, AGENCIES)]
    return spreadsheet.write_csv(("kode", "nama", "kode_induk", "jenis"), rows)


def employee_row(i: int, position: str = "Staf Pelaksana") -> list:
    """A valid, self-consistent row; (birth date, sequence) is unique per i, so NIP and NIK are too."""
    born = FIRST_BIRTH + timedelta(days=i % BIRTH_SPAN_DAYS)
    sequence = i // BIRTH_SPAN_DAYS + 1
    gender = "L" if i % 2 else "P"
    category = ("PNS", "PNS", "PNS", "PPPK", "KONTRAK")[i % 5]
    appointed = min(born.year + 23, 2024)
    nip = ""
    if category == "PNS":
        nip = make_nip_pns(born, appointed, 1 + i % 12, gender, sequence)
    elif category == "PPPK":
        nip = make_nip_pppk(born, appointed, 1 + i % 9, gender, sequence)
    nik = make_nik(f"{32 + i % 3}{7301 + i % 50:04d}", born, gender, sequence)
    unit = "PROV" if i % AGENCIES == 0 else f"OPD{i % AGENCIES:03d}"
    return [f"Pegawai Bench {i}", nip, nik, category, unit, born.isoformat(), gender, position,
            f"0812{i:08d}", f"pegawai{i}@bench.go.id"]


def employee_file(rows: int, file_format: str, position: str = "Staf Pelaksana") -> bytes:
    data = (employee_row(i, position) for i in range(rows))
    if file_format == "xlsx":
        return spreadsheet.write_xlsx(COLUMNS, data, text_columns=("nip", "nik", "no_hp"))
    return spreadsheet.write_csv(COLUMNS, data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["NETRALITAS_INSTANCE"] = folder
        from netralitas import create_app
        from netralitas.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                          "MAX_CONTENT_LENGTH": 200 * 1024 * 1024})
        with app.app_context():
            db.create_all()
            return run(db, args.rows, args.format)


def run(db, rows: int, file_format: str) -> int:
    from netralitas.masterdata.imports import importer

    agencies = importer.import_agencies("bench", agency_file(), "opd.csv")
    db.session.commit()
    started = time.perf_counter()
    content = employee_file(rows, file_format)
    print(f"generated {rows:,} rows as {file_format.upper()}: {len(content) / 1e6:.1f} MB in "
          f"{time.perf_counter() - started:.1f} s ({agencies.created} agencies imported first)")

    started = time.perf_counter()
    report = importer.import_employees("bench", content, f"pegawai.{file_format}")
    db.session.commit()
    seconds = time.perf_counter() - started
    print(f"import:    {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  -> {report.summary()}, "
          f"{len(report.warnings)} peringatan")
    clean = report.was_applied and report.created == rows and not report.errors and not report.warnings

    started = time.perf_counter()
    again = importer.import_employees("bench", content, f"pegawai.{file_format}")
    db.session.commit()
    seconds = time.perf_counter() - started
    print(f"re-import: {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  -> {again.summary()}")
    unchanged = (again.created, again.updated, again.unchanged) == (0, 0, rows)
    print("re-import changed nothing" if unchanged else "RE-IMPORT CHANGED DATA")

    changed = employee_file(rows, file_format, position="Staf Ahli")
    started = time.perf_counter()
    update = importer.import_employees("bench", changed, f"pegawai-baru.{file_format}")
    db.session.commit()
    seconds = time.perf_counter() - started
    print(f"update:    {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  -> {update.summary()}")
    updated = update.updated == rows
    if not clean:
        print("IMPORT WAS NOT CLEAN:", report.errors[:5], report.warnings[:5])
    return 0 if clean and unchanged and updated else 1


if __name__ == "__main__":
    sys.exit(main())
