"""`flask import-agencies` / `flask import-employees`: the spreadsheet importer from the command line."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from netralitas.extensions import db
from netralitas.masterdata.imports import importer

CLI_ACTOR = "cli"


def _options(command):
    command = click.option("--only-valid", is_flag=True, help="Import the valid rows and skip the bad ones.")(command)
    command = click.option("--dry-run", is_flag=True, help="Check and report only; write nothing.")(command)
    return click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(command)


@click.command("import-agencies")
@_options
def import_agencies_command(file: Path, dry_run: bool, only_valid: bool) -> None:
    """Import agencies (kode, nama, kode_induk, jenis) from a CSV or XLSX file; exit 1 when rejected."""
    run_cli_import("agencies", file, dry_run=dry_run, only_valid=only_valid)


@click.command("import-employees")
@_options
def import_employees_command(file: Path, dry_run: bool, only_valid: bool) -> None:
    """Import employees from a CSV or XLSX file; exit 1 when rejected (nothing is written then)."""
    run_cli_import("employees", file, dry_run=dry_run, only_valid=only_valid)


def run_cli_import(kind: str, file: Path, *, dry_run: bool, only_valid: bool) -> None:
    """Preview or import one file, print the summary and every bad row, and exit 0 or 1."""
    content = _read_capped(file)
    try:
        if dry_run:
            report = importer.preview_import(kind, content, file.name, only_valid=only_valid)
        else:
            report = importer.run_import(kind, CLI_ACTOR, content, file.name, only_valid=only_valid)
            if report.was_applied:
                db.session.commit()
                importer.refresh_statistics(kind, report)
    except importer.SpreadsheetError as exc:
        db.session.rollback()
        click.echo(f"Berkas ditolak: {exc}", err=True)
        sys.exit(1)
    except sa.exc.IntegrityError:
        db.session.rollback()
        click.echo("Impor gagal (data berubah saat impor); tidak ada yang disimpan. Coba lagi.", err=True)
        sys.exit(1)
    _print_report(report, dry_run=dry_run)
    sys.exit(0 if report.is_importable else 1)


def _read_capped(file: Path) -> bytes:
    """Read at most one byte past the cap, so the service reports an oversized file without loading it."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or importer.DEFAULT_MAX_BYTES
    with file.open("rb") as handle:
        return handle.read(limit + 1)


def _print_report(report: importer.ImportReport, *, dry_run: bool) -> None:
    for error in report.errors:
        click.echo(f"Baris {error.row}, kolom {error.column}: {error.message}", err=True)
    if report.ignored_columns:
        click.echo(f"Kolom diabaikan: {', '.join(report.ignored_columns)}")
    click.echo(f"{report.summary()}, {len(report.warnings)} peringatan.")
    if report.was_applied:
        click.echo("Impor selesai." + (" Baris bermasalah dilewati." if report.invalid else ""))
    elif dry_run:
        click.echo("Uji coba (--dry-run): tidak ada yang disimpan." + ("" if report.is_importable else " Berkas akan ditolak."))
    else:
        click.echo("Impor ditolak: tidak ada yang disimpan. Perbaiki baris di atas, atau pakai --only-valid.", err=True)
