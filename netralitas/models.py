"""Imports every model module so metadata (create_all, Alembic autogenerate) sees every table."""
from netralitas.audit.models import AuditAnchor, AuditEntry, AuditHead
from netralitas.auth.models import ApiToken, Role, Staff
from netralitas.calendar.models import DayOff
from netralitas.cases.digest_models import CaseDigest
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
from netralitas.legal.models import DeadlineRule, Sanction, ViolationForm
from netralitas.masterdata.models import Agency, Category, Employee, PendingImport
from netralitas.public_reports.models import PublicReport, PublicReportEvidence, PublicReportStep
from netralitas.reminders.models import EmailReminder
from netralitas.signing.models import Signature

__all__ = [
    "Agency", "ApiToken", "AuditAnchor", "AuditEntry", "AuditHead", "Case", "CaseDecision", "CaseDigest",
    "CaseDocument", "CaseEvidence", "CaseExamination", "CaseMember", "CaseReporter", "CaseStep", "CaseSummons",
    "Category", "Certificate", "DayOff", "DeadlineRule", "DeclarationText", "EmailReminder", "Employee", "Event",
    "Invitation", "Job", "PendingImport", "PublicReport", "PublicReportEvidence", "PublicReportStep", "Role",
    "Sanction", "Signature", "Staff", "ViolationForm",
]
