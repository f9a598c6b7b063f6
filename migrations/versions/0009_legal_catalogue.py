"""legal: violation forms, sanctions and deadline rules, seeded from netralitas/legal/data/*.csv

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

The rows come from the seed files as they are when the migration runs, read with the csv module (no app imports).
Later additions to the files reach existing databases through `flask legal seed`, which inserts missing codes only.
"""
import csv
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

DATA_DIR = Path(__file__).resolve().parents[2] / 'netralitas' / 'legal' / 'data'


def enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def seed_rows(name):
    with (DATA_DIR / f'{name}.csv').open(encoding='utf-8', newline='') as handle:
        return list(csv.DictReader(handle))


def upgrade():
    violation_forms = op.create_table('violation_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('violation_class', enum('etik', 'disiplin', name='violationclass'), nullable=False),
    sa.Column('sanction_level', enum('moral', 'ringan', 'sedang', 'berat', name='sanctionlevel'), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violation_forms')),
    sa.UniqueConstraint('code', name=op.f('uq_violation_forms_code'))
    )
    sanctions = op.create_table('sanctions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('employee_group', enum('pns', 'pppk', 'non_asn', name='sanctiongroup'), nullable=False),
    sa.Column('level', enum('moral', 'ringan', 'sedang', 'berat', name='sanctionlevel'), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('duration_months', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanctions')),
    sa.UniqueConstraint('code', name=op.f('uq_sanctions_code'))
    )
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.create_index('ix_sanctions_group_level', ['employee_group', 'level'], unique=False)
    deadline_rules = op.create_table('deadline_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('kind', enum('within', 'notice', name='deadlinekind'), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('legal_default', sa.Integer(), nullable=False),
    sa.Column('min_days', sa.Integer(), nullable=False),
    sa.Column('max_days', sa.Integer(), nullable=False),
    sa.Column('runs_from', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.CheckConstraint('min_days >= 1 AND min_days <= max_days', name=op.f('ck_deadline_rules_bounds')),
    sa.CheckConstraint('working_days >= min_days AND working_days <= max_days',
                       name=op.f('ck_deadline_rules_days_in_bounds')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff.id'], name=op.f('fk_deadline_rules_updated_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_rules')),
    sa.UniqueConstraint('key', name=op.f('uq_deadline_rules_key'))
    )

    op.bulk_insert(violation_forms, [
        {'code': row['code'], 'violation_class': row['violation_class'], 'sanction_level': row['sanction_level'],
         'text': row['text'], 'source': row['source'], 'is_active': True}
        for row in seed_rows('violation_forms')])
    op.bulk_insert(sanctions, [
        {'code': row['code'], 'employee_group': row['employee_group'], 'level': row['level'], 'text': row['text'],
         'duration_months': int(row['duration_months']) if row['duration_months'] else None,
         'source': row['source'], 'position': int(row['position']), 'is_active': True}
        for row in seed_rows('sanctions')])
    now = datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as UTCDateTime stores it
    op.bulk_insert(deadline_rules, [
        {'key': row['key'], 'kind': row['kind'], 'label': row['label'], 'working_days': int(row['legal_default']),
         'legal_default': int(row['legal_default']), 'min_days': int(row['min_days']),
         'max_days': int(row['max_days']), 'runs_from': row['runs_from'], 'source': row['source'],
         'updated_by_id': None, 'updated_dt': now}
        for row in seed_rows('deadlines')])


def downgrade():
    op.drop_table('deadline_rules')
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_index('ix_sanctions_group_level')
    op.drop_table('sanctions')
    op.drop_table('violation_forms')
