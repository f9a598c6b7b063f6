"""case digests: one daily deadline email per case officer per day

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=200), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("case_count", sa.Integer(), nullable=False),
        sa.Column("sent_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_case_digests_staff_id_staff"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_digests")),
        sa.UniqueConstraint("staff_id", "sent_on", name=op.f("uq_case_digests_staff_id")),
    )


def downgrade():
    op.drop_table("case_digests")
