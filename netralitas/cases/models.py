"""Neutrality cases: a suspected violation by one employee, its team, evidence, reporter and every step on the record."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from netralitas.auth.models import Staff
from netralitas.db import UTCDateTime, enum_column, utcnow
from netralitas.extensions import db
from netralitas.masterdata.models import Employee


class CaseSource(enum.StrEnum):
    """Where a case came from: a referral letter (with number and date) or a finding or report."""

    BAWASLU = "bawaslu"
    BKN = "bkn"
    INSPECTORATE = "inspectorate"
    OTHER_LETTER = "other_letter"
    INTERNAL = "internal"  # an internal finding (the employee's superior, BKPSDM)
    PUBLIC = "public"  # a report from the public
    MEDIA = "media"  # a press or social-media report

    @property
    def is_letter(self) -> bool:
        """A recommendation letter: its follow-up deadline runs from the day it was received."""
        return self in (CaseSource.BAWASLU, CaseSource.BKN, CaseSource.INSPECTORATE, CaseSource.OTHER_LETTER)


class CaseStage(enum.StrEnum):
    """Where a case stands; the flow runs intake → examination → decision → reported, or ends at triage."""

    TRIAGE = "triage"  # received, waiting for the decision to continue, forward or close
    EXAMINATION = "examination"  # continued: summons, examination record
    DECISION = "decision"  # examined: waiting for the PPK's decision and decree
    DECIDED = "decided"  # decree issued: delivery and objection windows run
    REPORTED = "reported"  # the referrer was told; the case is over
    FORWARDED = "forwarded"  # sent to Gakkumdu or Bawaslu: not the employer's to decide
    CLOSED = "closed"  # closed as unfounded, with a reason

    @property
    def is_open(self) -> bool:
        return self in (CaseStage.TRIAGE, CaseStage.EXAMINATION, CaseStage.DECISION, CaseStage.DECIDED)


#: The stages in which a case is still running (a deadline may apply).
OPEN_STAGES = tuple(stage for stage in CaseStage if stage.is_open)


class CaseMemberRole(enum.StrEnum):
    """What a staff member does on one case; membership is what lets anyone but a case officer see it."""

    OFFICER = "officer"  # runs the case (its opener by default)
    EXAMINER = "examiner"  # on the examination team: the direct superior, the inspectorate, BKPSDM
    PPK_DELEGATE = "ppk_delegate"  # records the decision for the PPK
    LIAISON = "liaison"  # the referrer's liaison (Bawaslu, BKN): reads the case, takes no step


class Case(db.Model):
    """One suspected violation by one employee."""

    __tablename__ = "cases"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: "KN-2026-0007": shown on every page and document; unique per install.
    number: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    employee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("employees.id"), index=True)
    violation_form_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("violation_forms.id"))
    source: so.Mapped[CaseSource] = enum_column(CaseSource)
    #: The referral letter (sources that send one): number, date and the day it was received.
    letter_number: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    letter_date: so.Mapped[date | None]
    received_on: so.Mapped[date]
    occurred_on: so.Mapped[date | None]
    known_on: so.Mapped[date | None]
    #: What happened, as the letter or finding says it (case data: never public).
    summary: so.Mapped[str] = so.mapped_column(sa.Text)
    stage: so.Mapped[CaseStage] = enum_column(CaseStage, default=CaseStage.TRIAGE, index=True)
    #: Why the case was forwarded or closed at triage.
    triage_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    forwarded_to: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    employee: so.Mapped[Employee] = so.relationship()
    members: so.Mapped[list[CaseMember]] = so.relationship(back_populates="case", cascade="all, delete-orphan")
    evidence: so.Mapped[list[CaseEvidence]] = so.relationship(back_populates="case", cascade="all, delete-orphan",
                                                              order_by="CaseEvidence.id")
    steps: so.Mapped[list[CaseStep]] = so.relationship(back_populates="case", cascade="all, delete-orphan",
                                                       order_by="CaseStep.id")

    def __repr__(self) -> str:
        return f"<Case {self.number}>"


class CaseMember(db.Model):
    """A staff member on a case's team."""

    __tablename__ = "case_members"
    __table_args__ = (sa.UniqueConstraint("case_id", "staff_id", "role"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    staff_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"), index=True)
    role: so.Mapped[CaseMemberRole] = enum_column(CaseMemberRole)
    added_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    case: so.Mapped[Case] = so.relationship(back_populates="members")
    staff: so.Mapped[Staff] = so.relationship()


class CaseEvidence(db.Model):
    """An evidence file: stored under instance/case-files/ by its SHA-256, metadata stripped from images."""

    __tablename__ = "case_evidence"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The name it was uploaded under (shown; the file on disk is named by its hash).
    file_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(50))
    size: so.Mapped[int]
    #: SHA-256 of the stored bytes (after EXIF was stripped from an image), hex.
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"))
    uploaded_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    case: so.Mapped[Case] = so.relationship(back_populates="evidence")


class CaseReporter(db.Model):
    """Who reported (a public or media report, an internal finding): kept apart, shown to super admins only."""

    __tablename__ = "case_reporters"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    contact: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)


class CaseStep(db.Model):
    """One thing that happened on a case (opened, triaged, summoned, …): the case's own timeline."""

    __tablename__ = "case_steps"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: e.g. "opened", "continued", "forwarded", "closed", "member_added", "evidence_added".
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff.id"))
    at_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)

    case: so.Mapped[Case] = so.relationship(back_populates="steps")


class Attendance(enum.StrEnum):
    """Whether the employee came to a summoned examination."""

    PENDING = "pending"
    ATTENDED = "attended"
    ABSENT = "absent"


class CaseSummons(db.Model):
    """A written summons to examination (PP 94/2021): round 1 or 2, the letter, when and where, and who came."""

    __tablename__ = "case_summonses"
    __table_args__ = (sa.UniqueConstraint("case_id", "round"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    round: so.Mapped[int]
    letter_number: so.Mapped[str] = so.mapped_column(sa.String(100))
    issued_on: so.Mapped[date]
    exam_on: so.Mapped[date]
    #: "09.00 WIB": as printed; free text because offices write it their way.
    exam_time: so.Mapped[str] = so.mapped_column(sa.String(40))
    place: so.Mapped[str] = so.mapped_column(sa.String(300))
    attendance: so.Mapped[Attendance] = enum_column(Attendance, default=Attendance.PENDING)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class RecordSigning(enum.StrEnum):
    """How the examination record (BAP) was signed by the employee."""

    PAPER = "paper"  # printed and signed by hand
    SCREEN = "screen"  # signed on the screen with the signature pad
    REFUSED = "refused"  # the employee refused to sign: the refusal is recorded


class CaseExamination(db.Model):
    """The examination record (berita acara pemeriksaan, BAP): typed questions and answers, and how it was signed."""

    __tablename__ = "case_examinations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    held_on: so.Mapped[date]
    place: so.Mapped[str] = so.mapped_column(sa.String(300))
    record: so.Mapped[str] = so.mapped_column(sa.Text)
    signing: so.Mapped[RecordSigning] = enum_column(RecordSigning)
    #: The employee's drawn signature when signed on the screen (PNG, checked like a declaration signature).
    signature_png: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    refusal_note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class CaseDecision(db.Model):
    """The PPK's decision: the sanction from the catalogue, the decree (SK), its delivery and when it is in force."""

    __tablename__ = "case_decisions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    sanction_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sanctions.id"))
    #: Decided on the evidence alone (two absences), as PP 94/2021 allows.
    on_evidence_only: so.Mapped[bool] = so.mapped_column(default=False)
    reasons: so.Mapped[str] = so.mapped_column(sa.Text)
    decree_number: so.Mapped[str] = so.mapped_column(sa.String(100))
    decree_on: so.Mapped[date]
    delivered_on: so.Mapped[date | None]
    in_force_from: so.Mapped[date | None]
    in_force_until: so.Mapped[date | None]
    decided_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class DocumentKind(enum.StrEnum):
    """The printed documents of a case."""

    SUMMONS_1 = "summons_1"
    SUMMONS_2 = "summons_2"
    EXAMINATION = "examination"  # the BAP
    DECREE = "decree"  # the SK
    REPORT_BACK = "report_back"  # the letter to the referrer


class CaseDocument(db.Model):
    """A printed document of a case, with the Ed25519 token its QR carries; a reissue supersedes the old one."""

    __tablename__ = "case_documents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[DocumentKind] = enum_column(DocumentKind)
    #: Random code the token names (like a certificate code); what /v/ looks up.
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    token: so.Mapped[str] = so.mapped_column(sa.String(400))
    kid: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: The letter's own number and date as printed.
    number: so.Mapped[str] = so.mapped_column(sa.String(100))
    issued_on: so.Mapped[date]
    #: Everything the PDF prints, frozen when issued (the PDF is rebuilt from it, identical each time).
    content_json: so.Mapped[str] = so.mapped_column(sa.Text)
    superseded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("case_documents.id"))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff.id"))
    created_dt: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
