"""`flask backup` and `flask restore`: thin wrappers over netralitas.ops.backup."""
from __future__ import annotations

import shlex
from pathlib import Path

import click
from flask import current_app

from netralitas.extensions import db
from netralitas.ops import backup as backups

KEYS_WARNING = ("The certificate signing keys and the invitation key are NOT in this backup. Without them no new "
                "certificate can be issued under the same key id, certificates may stop verifying, and printed "
                "invitation codes cannot be recomputed. Back them up separately (--with-keys) and keep that copy "
                "apart from the database copy.")


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--with-keys", is_flag=True, help="Also copy the keys folder and instance secrets (owner-only) next to the copy.")
@click.option("--run-pg-dump", is_flag=True, help="PostgreSQL: run pg_dump (must be installed) instead of printing the commands.")
def backup_command(dest: Path, with_keys: bool, run_pg_dump: bool) -> None:
    """Copy the database to DEST (a file, or a folder for a timestamped name) while the app keeps running."""
    url = db.engine.url
    source = backups.sqlite_file(url)
    try:
        if source is not None:
            copy = backups.backup_sqlite(source, backups.backup_target(dest))
            click.echo(f"SQLite database copied to {copy.path} ({_describe_counts(copy.row_counts)}); integrity check ok.")
            target = copy.path
        elif run_pg_dump:
            target = backups.backup_target(dest, ".dump")
            backups.run_pg_dump(url, target)
            restored = url.set(database=f"{url.database}_restored")
            click.echo(f"pg_dump wrote {target}. Restore it into a new database with:\n"
                       f"  {shlex.join(backups.createdb_command(restored))}\n"
                       f"  {shlex.join(backups.pg_restore_command(restored, str(target)))}")
        else:
            _print_pg_instructions(url, dest)
            target = None
        if with_keys:
            base = target or backups.backup_target(dest, "")
            _report_keys(backups.copy_keys(current_app.config["KEYS_DIR"], Path(current_app.instance_path),
                                           base.with_name(base.name + ".keys")))
        else:
            click.echo(f"WARNING: {KEYS_WARNING}", err=True)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc


def _print_pg_instructions(url, dest: Path) -> None:
    name = str(dest / backups.timestamped_name(suffix=".dump")) if dest.is_dir() else str(dest)
    restored = url.set(database=f"{url.database}_restored")
    click.echo("PostgreSQL: back up with pg_dump (a consistent snapshot; the app keeps running). Run:\n")
    click.echo(f"  {shlex.join(backups.pg_dump_command(url, Path(name)))}\n")
    click.echo("Give the password through PGPASSWORD or ~/.pgpass, not on the command line. "
               "Or run this command again with --run-pg-dump.\n")
    click.echo("Restore into a NEW, EMPTY database, check it, then point DATABASE_URL at it (stop the app first):\n")
    click.echo(f"  {shlex.join(backups.createdb_command(restored))}")
    click.echo(f"  {shlex.join(backups.pg_restore_command(restored, name))}")
    click.echo(f"  DATABASE_URL={shlex.quote(backups.libpq_url(restored))} flask --app app db upgrade")
    click.echo(f"  DATABASE_URL={shlex.quote(backups.libpq_url(restored))} flask --app app audit verify")


def _report_keys(copy: backups.KeysCopy) -> None:
    click.echo(f"Keys copied to {copy.folder} (owner-only): {', '.join(copy.files) or 'none found'}.")
    for variable in copy.from_environment:
        click.echo(f"WARNING: {variable} comes from the environment, so it is not in {copy.folder}: "
                   "keep its value with the keys.", err=True)
    click.echo("Keep this folder apart from the database copy: together they let anyone issue certificates.")


def _describe_counts(counts: dict[str, int]) -> str:
    wanted = ("employees", "signatures", "certificates", "audit_entries")
    return ", ".join(f"{counts[name]} {name}" for name in wanted if name in counts)


@click.command("restore")
@click.argument("src", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace an existing database (it is saved next to it first).")
def restore_command(src: Path, force: bool) -> None:
    """Restore a SQLite backup made by `flask backup` (checked first); stop the app before using --force."""
    target = backups.sqlite_file(db.engine.url)
    if target is None:
        raise click.ClickException("restore handles SQLite only; restore PostgreSQL with pg_restore "
                                   "(`flask --app app backup <folder>` prints the command).")
    db.engine.dispose()  # this process's own pooled connections must not outlive the old file content
    try:
        copy, previous = backups.restore_sqlite(src, target, force=force)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if previous:
        click.echo(f"Previous database saved as {previous}.")
    click.echo(f"Restored {src} into {target} ({_describe_counts(copy.row_counts)}); integrity check ok.")
    click.echo("Next: `flask --app app db upgrade` (if the backup is older than the code), `flask --app app audit verify`, "
               "and make sure KEYS_DIR and the invitation key are the ones of this backup.")
