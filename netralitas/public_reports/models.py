"""Public reports: a suspected violation told by anyone, without a login or a NIP, with its evidence and its steps."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.extensions import db


class ReportStage(enum.StrEnum):
    """Where a report stands in the triage queue; the reporter sees the PublicStatus derived from it."""

    RECEIVED = "received"  # waiting in the queue, nobody has it yet
    IN_REVIEW = "in_review"  # a case officer claimed it
    CASE = "case"  # turned into a case: the case's own stage says the rest
    FORWARDED = "forwarded"  # not the employer's to decide (Bawaslu, Gakkumdu, another government)
    DISMISSED = "dismissed"  # closed with a reason the reporter can read


#: The stages a case officer still has to act on.
QUEUE_STAGES = (ReportStage.RECEIVED, ReportStage.IN_REVIEW)


class PublicReport(db.Model):
    """One report from the public about one person; what the reporter wrote is kept as written, never shown publicly."""

    __tablename__ = "public_reports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: SHA-256 of the receipt code (the reporter's only key to the status page): the code itself is not kept.
    receipt_digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: The government the report is addressed to (a root of the agency tree).
    government_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agencies.id"), index=True)
    #: Who, as the reporter describes them: no NIP needed.
    subject_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    subject_position: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    subject_unit: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    subject_handle: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    #: What, as the reporter chose it in plain words (a key of data/topics.csv, which names the violation forms).
    topic: so.Mapped[str] = so.mapped_column(sa.String(40))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    occurred_on: so.Mapped[date | None]
    place: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    known_on: so.Mapped[date | None]
    #: Identity and contact are optional; a case copies them to its reporter record, shown to super admins only.
    reporter_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    reporter_contact: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    stage: so.Mapped[ReportStage] = enum_column(ReportStage, default=ReportStage.RECEIVED, index=True)
    #: Why it was dismissed or forwarded, written for the reporter (shown on the status page).
    public_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    forwarded_to: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    claimed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff.id"))
    claimed_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The employee a case officer matched the description to: private, never shown to the reporter.
    employee_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("employees.id"), index=True)
    case_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id"), unique=True)
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: When the retention job erased what the reporter wrote and sent (the stage and public reason stay, for the
    #: reporter's status page and the transparency counts).
    purged_dt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    evidence: so.Mapped[list[PublicReportEvidence]] = so.relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="PublicReportEvidence.id")
    steps: so.Mapped[list[PublicReportStep]] = so.relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="PublicReportStep.id")

    @property
    def number(self) -> str:
        """"LM-00007": how staff refer to it (from the id: no race for a counter); the reporter holds the receipt."""
        return report_number(self.id)

    def __repr__(self) -> str:
        return f"<PublicReport {self.number}>"


def report_number(report_id: int) -> str:
    """The staff-facing number of a report."""
    return f"LM-{report_id:05d}"


class PublicReportEvidence(db.Model):
    """An evidence file sent with a report or added later through the receipt; stored like a case's, by its hash."""

    __tablename__ = "public_report_evidence"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("public_reports.id", ondelete="CASCADE"), index=True)
    file_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(50))
    size: so.Mapped[int]
    #: SHA-256 of the stored bytes (after EXIF was stripped from an image), hex.
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    added_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    report: so.Mapped[PublicReport] = so.relationship(back_populates="evidence")


class PublicReportStep(db.Model):
    """One thing that happened to a report (received, claimed, matched, case opened, dismissed …)."""

    __tablename__ = "public_report_steps"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("public_reports.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: NULL: the reporter (through the receipt).
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff.id"))
    at_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)

    report: so.Mapped[PublicReport] = so.relationship(back_populates="steps")
