"""cases: summons, examination record (BAP), decision and decree, printed documents with tokens

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 05:05:13.984935

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sanction_id", sa.Integer(), nullable=False),
        sa.Column("on_evidence_only", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decree_number", sa.String(length=100), nullable=False),
        sa.Column("decree_on", sa.Date(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("in_force_from", sa.Date(), nullable=True),
        sa.Column("in_force_until", sa.Date(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_decisions_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["staff.id"], name=op.f("fk_case_decisions_decided_by_id_staff")),
        sa.ForeignKeyConstraint(["sanction_id"], ["sanctions.id"], name=op.f("fk_case_decisions_sanction_id_sanctions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_decisions")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_decisions_case_id")),
    )
    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "summons_1",
                "summons_2",
                "examination",
                "decree",
                "report_back",
                name="documentkind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("token", sa.String(length=400), nullable=False),
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_documents_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"], name=op.f("fk_case_documents_created_by_id_staff")),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["case_documents.id"], name=op.f("fk_case_documents_superseded_by_id_case_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
        sa.UniqueConstraint("code", name=op.f("uq_case_documents_code")),
    )
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_documents_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_examinations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column(
            "signing",
            sa.Enum("paper", "screen", "refused", name="recordsigning", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("signature_png", sa.LargeBinary(), nullable=True),
        sa.Column("refusal_note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_examinations_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"], name=op.f("fk_case_examinations_created_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_examinations")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_examinations_case_id")),
    )
    op.create_table(
        "case_summonses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("letter_number", sa.String(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("exam_on", sa.Date(), nullable=False),
        sa.Column("exam_time", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column(
            "attendance",
            sa.Enum("pending", "attended", "absent", name="attendance", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_summonses_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"], name=op.f("fk_case_summonses_created_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_summonses")),
        sa.UniqueConstraint("case_id", "round", name=op.f("uq_case_summonses_case_id")),
    )
    with op.batch_alter_table("case_summonses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_summonses_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("case_summonses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_summonses_case_id"))

    op.drop_table("case_summonses")
    op.drop_table("case_examinations")
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_documents_case_id"))

    op.drop_table("case_documents")
    op.drop_table("case_decisions")
