"""`flask db upgrade` from empty gives a seeded legal catalogue on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from netralitas import create_app
from netralitas.extensions import db
from netralitas.legal import services
from tests.conftest import POSTGRES_URL, require_postgres

#: Not test_migrations' database, so the two tests never drop each other's.
SEED_DB = "netralitas_legal_seed"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'legal.db'}"
        return
    require_postgres()
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {SEED_DB} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {SEED_DB}"))
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{SEED_DB}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {SEED_DB} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_seeds_the_catalogue(empty_database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("NETRALITAS_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        for table, seed, key in (("violation_forms", "violation_forms", "code"), ("sanctions", "sanctions", "code"),
                                 ("deadline_rules", "deadlines", "key")):
            stored = set(db.session.scalars(sa.text(f"SELECT {key} FROM {table}")))
            assert stored == {row[key] for row in services.read_seed(seed)}, table
        # What the migration wrote reads back through the models, and the service finds nothing missing.
        rule = services.deadline("summons_notice")
        assert (rule.working_days, rule.legal_default, rule.min_days, rule.updated_by_id) == (7, 7, 7, None)
        assert rule.updated_dt.tzinfo is not None
        assert services.sanction_by_code("PNS-SEDANG-TPP-9").duration_months == 9
        assert services.seed_catalogue().total == 0
        db.session.rollback()
        db.session.remove()
        downgrade(revision="0008")
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        assert not tables & {"violation_forms", "sanctions", "deadline_rules"}
        db.engine.dispose()
