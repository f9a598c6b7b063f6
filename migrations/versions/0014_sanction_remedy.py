"""legal: which window a sanction opens once delivered (objection, or appeal for dismissals)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

The seed file's remedy_deadline column as it is when the migration runs (read with the csv module, as 0009 does).
"""
import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / 'netralitas' / 'legal' / 'data' / 'sanctions.csv'


def upgrade():
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remedy_deadline', sa.String(length=40), nullable=False,
                                      server_default='objection_window'))
    with DATA.open(encoding='utf-8', newline='') as handle:
        appeals = [row['code'] for row in csv.DictReader(handle) if row.get('remedy_deadline') == 'appeal_window']
    sanctions = sa.table('sanctions', sa.column('code', sa.String), sa.column('remedy_deadline', sa.String))
    if appeals:
        op.execute(sanctions.update().where(sanctions.c.code.in_(appeals)).values(remedy_deadline='appeal_window'))


def downgrade():
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_column('remedy_deadline')
