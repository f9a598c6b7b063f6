"""public report retention: when the retention job erased a closed report's personal data

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('public_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_dt', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('public_reports', schema=None) as batch_op:
        batch_op.drop_column('purged_dt')
