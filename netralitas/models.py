"""Imports every model module so metadata (create_all, Alembic autogenerate) sees every table."""
from netralitas.audit.models import AuditEntry, AuditHead
from netralitas.auth.models import Role, Staff
from netralitas.masterdata.models import Agency, Category, Employee, PendingImport

__all__ = ["Agency", "AuditEntry", "AuditHead", "Category", "Employee", "PendingImport", "Role", "Staff"]
