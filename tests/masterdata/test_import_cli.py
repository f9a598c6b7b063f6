"""`flask import-agencies` / `flask import-employees`: output, exit codes, dry run, actor "cli"."""
from __future__ import annotations

import sqlalchemy as sa

from netralitas.audit.models import AuditEntry
from netralitas.extensions import db
from netralitas.masterdata.models import Agency, Employee


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def write(tmp_path, content: bytes, name: str = "pegawai.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def import_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("import.%"))))


def test_clean_employee_file_is_imported_with_exit_0(runner, tmp_path, city_units, import_files):
    rows = [import_files.pns(1), import_files.pns(2, tanggal_lahir="1980-01-05")]
    result = runner.invoke(args=["import-employees", write(tmp_path, import_files.csv(rows))])
    assert result.exit_code == 0, result.output
    summary = "Impor pegawai dari pegawai.csv: 2 dibuat, 0 diubah, 0 tidak berubah, 0 baris bermasalah, 2 peringatan."
    assert summary in result.output
    assert "Impor selesai." in result.output
    assert count(Employee) == 2
    [entry] = import_entries()
    assert (entry.action, entry.actor_label, entry.actor_staff_id) == ("import.employees", "cli", None)


def test_bad_rows_are_printed_and_nothing_is_written_with_exit_1(runner, tmp_path, city_units, import_files):
    rows = [import_files.pns(1), import_files.pns(2, kategori="HONORER"), import_files.pns(3, kode_unit="X")]
    result = runner.invoke(args=["import-employees", write(tmp_path, import_files.csv(rows))])
    assert result.exit_code == 1
    assert "Baris 3, kolom kategori: Kategori 'HONORER' tidak dikenal" in result.output
    assert "Baris 4, kolom kode_unit: Kode unit X tidak ditemukan" in result.output
    assert "Impor ditolak: tidak ada yang disimpan." in result.output
    assert count(Employee) == 0 and import_entries() == []


def test_only_valid_imports_the_good_rows_with_exit_0(runner, tmp_path, city_units, import_files):
    rows = [import_files.pns(1), import_files.pns(2, kategori="HONORER")]
    result = runner.invoke(args=["import-employees", write(tmp_path, import_files.csv(rows)), "--only-valid"])
    assert result.exit_code == 0, result.output
    assert "Baris bermasalah dilewati." in result.output
    assert count(Employee) == 1


def test_dry_run_writes_nothing(runner, tmp_path, city_units, import_files):
    path = write(tmp_path, import_files.csv([import_files.pns(1)]))
    result = runner.invoke(args=["import-employees", path, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 dibuat" in result.output and "--dry-run" in result.output
    assert count(Employee) == 0 and import_entries() == []


def test_dry_run_of_a_bad_file_exits_1(runner, tmp_path, city_units, import_files):
    path = write(tmp_path, import_files.csv([import_files.pns(1, nama="")]))
    result = runner.invoke(args=["import-employees", path, "--dry-run"])
    assert result.exit_code == 1
    assert "Baris 2, kolom nama: Nama wajib diisi" in result.output


def test_unreadable_file_exits_1_with_a_message(runner, tmp_path, app):
    result = runner.invoke(args=["import-employees", write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00", "foto.xlsx")])
    assert result.exit_code == 1
    assert "Berkas ditolak: Berkas bukan berkas Excel .xlsx yang sah" in result.output


def test_oversized_file_is_refused_by_the_service_cap(runner, tmp_path, app, import_files):
    app.config["MAX_CONTENT_LENGTH"] = 64
    result = runner.invoke(args=["import-employees", write(tmp_path, import_files.csv([import_files.pns(1)] * 3))])
    assert result.exit_code == 1
    assert "Berkas terlalu besar" in result.output


def test_import_agencies_and_reimport(runner, tmp_path, app):
    path = write(tmp_path, b"kode;nama;kode_induk;jenis\nDISDIK;Disdik;PEMKOT;DINAS\nPEMKOT;Pemkot;;PEMERINTAH\n", "opd.csv")
    first = runner.invoke(args=["import-agencies", path])
    assert first.exit_code == 0, first.output
    assert "2 dibuat" in first.output
    second = runner.invoke(args=["import-agencies", path])
    assert second.exit_code == 0
    assert "0 dibuat, 0 diubah, 2 tidak berubah" in second.output
    assert count(Agency) == 2
    assert [e.actor_label for e in import_entries()] == ["cli", "cli"]


def test_agency_cycle_is_rejected_with_exit_1(runner, tmp_path, app):
    result = runner.invoke(args=["import-agencies", write(tmp_path, b"kode,nama,kode_induk\nA,a,B\nB,b,A\n", "opd.csv")])
    assert result.exit_code == 1
    assert "Kode induk membentuk lingkaran: A → B → A" in result.output
    assert count(Agency) == 0


def test_missing_file_is_a_usage_error(runner, app):
    result = runner.invoke(args=["import-employees", "/nonexistent/pegawai.csv"])
    assert result.exit_code == 2


def test_a_large_import_refreshes_planner_statistics(runner, tmp_path, city_units, import_files, monkeypatch):
    from netralitas.masterdata.imports import importer

    monkeypatch.setattr(importer, "ANALYZE_AFTER_ROWS", 2)
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:  # forget statistics an earlier test may have left
        db.session.execute(sa.text("ANALYZE sqlite_schema"))  # makes sure sqlite_stat1 exists
        db.session.execute(sa.text("DELETE FROM sqlite_stat1"))
    else:
        db.session.execute(sa.text("SELECT pg_stat_reset()"))
    db.session.commit()
    rows = [import_files.pns(1), import_files.pns(2, tanggal_lahir="1980-01-05")]
    result = runner.invoke(args=["import-employees", write(tmp_path, import_files.csv(rows))])
    assert result.exit_code == 0, result.output
    if sqlite:
        analysed = db.session.scalar(sa.text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'employees'"))
    else:
        analysed = db.session.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'employees' AND last_analyze IS NOT NULL"))
    assert analysed >= 1
