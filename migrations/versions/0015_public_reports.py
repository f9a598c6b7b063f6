"""public reports: reports from the public (no login, no NIP), their evidence and steps, the receipt kept as a hash

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_digest', sa.String(length=64), nullable=False),
    sa.Column('government_id', sa.Integer(), nullable=False),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('subject_position', sa.String(length=200), nullable=True),
    sa.Column('subject_unit', sa.String(length=200), nullable=True),
    sa.Column('subject_handle', sa.String(length=200), nullable=True),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('known_on', sa.Date(), nullable=True),
    sa.Column('reporter_name', sa.String(length=200), nullable=True),
    sa.Column('reporter_contact', sa.String(length=200), nullable=True),
    sa.Column('stage', sa.Enum('received', 'in_review', 'case', 'forwarded', 'dismissed', name='reportstage',
                               native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('public_reason', sa.Text(), nullable=True),
    sa.Column('forwarded_to', sa.String(length=40), nullable=True),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_dt', sa.DateTime(), nullable=True),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_public_reports_case_id_cases')),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['staff.id'], name=op.f('fk_public_reports_claimed_by_id_staff')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_public_reports_employee_id_employees')),
    sa.ForeignKeyConstraint(['government_id'], ['agencies.id'], name=op.f('fk_public_reports_government_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_reports')),
    sa.UniqueConstraint('case_id', name=op.f('uq_public_reports_case_id')),
    sa.UniqueConstraint('receipt_digest', name=op.f('uq_public_reports_receipt_digest'))
    )
    with op.batch_alter_table('public_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_reports_created_dt'), ['created_dt'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_reports_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_reports_government_id'), ['government_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_reports_stage'), ['stage'], unique=False)

    op.create_table('public_report_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('added_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['public_reports.id'],
                            name=op.f('fk_public_report_evidence_report_id_public_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_report_evidence'))
    )
    with op.batch_alter_table('public_report_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_report_evidence_report_id'), ['report_id'], unique=False)

    op.create_table('public_report_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at_dt', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['staff.id'], name=op.f('fk_public_report_steps_actor_id_staff')),
    sa.ForeignKeyConstraint(['report_id'], ['public_reports.id'],
                            name=op.f('fk_public_report_steps_report_id_public_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_report_steps'))
    )
    with op.batch_alter_table('public_report_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_report_steps_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('public_report_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_report_steps_report_id'))

    op.drop_table('public_report_steps')
    with op.batch_alter_table('public_report_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_report_evidence_report_id'))

    op.drop_table('public_report_evidence')
    with op.batch_alter_table('public_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_reports_stage'))
        batch_op.drop_index(batch_op.f('ix_public_reports_government_id'))
        batch_op.drop_index(batch_op.f('ix_public_reports_employee_id'))
        batch_op.drop_index(batch_op.f('ix_public_reports_created_dt'))

    op.drop_table('public_reports')
