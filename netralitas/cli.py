"""`flask` commands that belong to no domain (first admin, audit check, demo city), and `register`, which attaches
these and every domain's own commands (each a thin wrapper over services) to the app."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from netralitas.extensions import db


def register(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(create_admin_command)
    app.cli.add_command(audit_group)
    app.cli.add_command(seed_demo_command)
    from netralitas.certificates.cli import keys_group, verify_token_command

    app.cli.add_command(keys_group)
    app.cli.add_command(verify_token_command)
    from netralitas.masterdata.cli import import_agencies_command, import_employees_command

    app.cli.add_command(import_agencies_command)
    app.cli.add_command(import_employees_command)
    from netralitas.ops.cli import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from netralitas.jobs.cli import jobs_group, serve_command

    app.cli.add_command(jobs_group)
    app.cli.add_command(serve_command)
    from netralitas.legal.cli import legal_group

    app.cli.add_command(legal_group)
    from netralitas.calendar.cli import calendar_group

    app.cli.add_command(calendar_group)


@click.command("create-admin")
@click.option("--email", required=True, help="Login email of the new super admin.")
@click.option("--name", default="Super Admin", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Omit to be prompted (keeps it out of shell history).")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a super admin account (the first login of a new install)."""
    from netralitas.auth.forms import MIN_PASSWORD_LENGTH
    from netralitas.auth.models import Role
    from netralitas.auth.services import StaffError, create_staff

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    try:
        staff = create_staff("cli", email=email, name=name, role=Role.SUPER_ADMIN, password=password)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Super admin {staff.email} created.")


audit_group = AppGroup("audit", help="Audit log tools.")


@audit_group.command("verify")
def audit_verify_command() -> None:
    """Check the audit hash chain and its daily anchors; exit 1 naming the first broken entry."""
    from netralitas.audit.services import verify_anchors, verify_chain

    report = verify_chain()
    if not report.is_intact:
        click.echo(f"Audit chain BROKEN at entry #{report.broken_seq}: {report.reason} "
                   f"({report.checked} entries verified before it).", err=True)
        sys.exit(1)
    anchors = verify_anchors()
    if not anchors.is_intact:
        click.echo(f"Audit chain BROKEN at entry #{anchors.broken_seq}: {anchors.reason} "
                   f"({anchors.checked} anchors verified before it).", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {report.checked} entries verified, {anchors.checked} anchors match.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Fill the database with a fictional city (idempotent) and print the demo logins."""
    from netralitas.demo.seed import seed_demo

    summary = seed_demo()
    db.session.commit()
    click.echo(summary.describe())
