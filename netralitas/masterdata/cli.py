"""CLI wrappers for the importer. PLACEHOLDER until the importer lands."""
import click


@click.command("import-agencies")
def import_agencies_command():
    """Import agencies."""
    raise click.ClickException("not yet")


@click.command("import-employees")
def import_employees_command():
    """Import employees."""
    raise click.ClickException("not yet")
