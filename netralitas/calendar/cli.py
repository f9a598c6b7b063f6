"""`flask calendar …`: record the year's cuti bersama from the `holidays` package (a thin wrapper over services)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from netralitas.calendar import services
from netralitas.calendar.forms import FIRST_YEAR, LAST_YEAR
from netralitas.extensions import db

calendar_group = AppGroup("calendar", help="Working-day calendar: days off beyond the national holidays.")


@calendar_group.command("cuti-bersama")
@click.option("--year", required=True, type=click.IntRange(FIRST_YEAR, LAST_YEAR), help="Year to import, e.g. 2025.")
def cuti_bersama_command(year: int) -> None:
    """Record the year's cuti bersama known to the `holidays` package, skipping days already recorded."""
    added = services.import_cuti_bersama("cli", year)
    db.session.commit()
    for row in added:
        click.echo(f"{row.day.isoformat()}  {row.name}")
    if added:
        click.echo(f"{len(added)} cuti bersama day(s) of {year} added.")
    elif services.package_cuti_bersama(year):
        click.echo(f"Every cuti bersama day of {year} the package knows is already recorded.")
    else:
        click.echo(f"The holidays package has no cuti bersama for {year}: add them by hand from the year's SKB.")
