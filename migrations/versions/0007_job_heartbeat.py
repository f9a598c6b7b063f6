"""jobs: heartbeat, attempts and summary (a lost worker's job is re-run)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Outside the batch: SQLite's table copy cannot carry a CHECK on a column it is adding; ADD COLUMN can.
    op.add_column('jobs', sa.Column('problem', sa.Enum(
        'not_allowed', 'out_of_scope', 'worker_lost', 'mail_not_set', 'not_sendable', 'too_large', 'smtp', 'error',
        name='jobproblem', native_enum=False, create_constraint=True, length=20), nullable=True))
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_dt', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('summary_json', sa.Text(), nullable=False, server_default='{}'))
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_status'))
        batch_op.drop_column('problem')
        batch_op.drop_column('summary_json')
        batch_op.drop_column('attempts')
        batch_op.drop_column('heartbeat_dt')
