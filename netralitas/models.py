"""Imports every model module so metadata (create_all, Alembic autogenerate) sees every table."""
from netralitas.audit.models import AuditAnchor, AuditEntry, AuditHead
from netralitas.auth.models import ApiToken, Role, Staff
from netralitas.cases.digest_models import CaseDigest  # noqa: F401
from netralitas.cases.models import (
    Case,
    CaseDecision,
    CaseDocument,
    CaseEvidence,
    CaseExamination,
    CaseMember,
    CaseReporter,
    CaseStep,
    CaseSummons,
)
from netralitas.certificates.models import Certificate
from netralitas.events.models import DeclarationText, Event, Invitation
from netralitas.jobs.models import Job
from netralitas.masterdata.models import Agency, Category, Employee, PendingImport
from netralitas.reminders.models import EmailReminder
from netralitas.signing.models import Signature

__all__ = [
    "Agency", "ApiToken", "AuditAnchor", "AuditEntry", "AuditHead", "Case", "CaseDecision", "CaseDocument",
    "CaseEvidence", "CaseExamination", "CaseMember", "CaseReporter", "CaseStep", "CaseSummons", "Category",
    "Certificate", "DeclarationText", "EmailReminder", "Employee", "Event", "Invitation", "Job", "PendingImport",
    "Role", "Signature", "Staff",
]
