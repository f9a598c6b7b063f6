"""liaison: a Bawaslu/BKN liaison staff role and case-member role (reads the cases they referred)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

STAFF_ROLES = ("super_admin", "operator", "agency_admin", "viewer")
MEMBER_ROLES = ("officer", "examiner", "ppk_delegate")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _swap(table: str, name: str, column: str, values: tuple[str, ...]) -> None:
    """Replace the CHECK of an enum column (batch: SQLite copies the table, PostgreSQL alters it in place)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(name, _in(column, values))


def upgrade():
    _swap("staff", "role", "role", (*STAFF_ROLES, "liaison"))
    _swap("case_members", "casememberrole", "role", (*MEMBER_ROLES, "liaison"))


def downgrade():
    op.execute("DELETE FROM case_members WHERE role = 'liaison'")
    _swap("case_members", "casememberrole", "role", MEMBER_ROLES)
    op.execute("UPDATE staff SET role = 'viewer', is_active_account = false WHERE role = 'liaison'")
    _swap("staff", "role", "role", STAFF_ROLES)
