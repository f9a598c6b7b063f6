"""`flask legal …`: seed the legal catalogue from netralitas/legal/data (a thin wrapper over legal.services)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from netralitas.extensions import db

legal_group = AppGroup("legal", help="Legal catalogue: violation forms, sanctions, deadlines.")


@legal_group.command("seed")
def seed_command() -> None:
    """Insert catalogue rows from the seed files whose code or key is missing; existing rows (edits) stay."""
    from netralitas.legal.services import seed_catalogue

    summary = seed_catalogue("cli")
    db.session.commit()
    click.echo(f"Legal catalogue: {summary.forms} violation forms, {summary.sanctions} sanctions, "
               f"{summary.deadlines} deadline rules added.")
