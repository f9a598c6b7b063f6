"""Retention (UU PDP: keep personal data no longer than needed): a closed report's personal data is erased after
PUBLIC_REPORT_RETENTION_DAYS.

Closed means forwarded, dismissed, or turned into a case (the case keeps its own copy under the case rules). What the
reporter and the subject wrote, who the reporter is, and the evidence files go; the stage, the dates, the topic and
the public reason stay, so the receipt still shows the outcome and /transparansi still counts the report. A file
still used by a case or another report is kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.cases.models import CaseEvidence
from netralitas.core.evidence import evidence_path
from netralitas.extensions import db
from netralitas.public_reports.models import PublicReport, PublicReportEvidence, PublicReportStep, ReportStage

#: The steps that close a report; the retention period runs from the latest of them.
CLOSING_STEPS = ("case_opened", "forwarded", "dismissed")
CLOSED_STAGES = (ReportStage.CASE, ReportStage.FORWARDED, ReportStage.DISMISSED)


@dataclass
class Purge:
    """What one run erased: report numbers, and the files to delete once the caller has committed."""

    numbers: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def purge_closed_reports(now: datetime, days: int) -> Purge:
    """Erase the personal data of reports closed more than `days` days before `now`; the caller commits, then
    calls remove_files()."""
    closed_dt = sa.func.max(PublicReportStep.at_dt)
    expired = (sa.select(PublicReportStep.report_id).where(PublicReportStep.kind.in_(CLOSING_STEPS))
               .group_by(PublicReportStep.report_id).having(closed_dt < now - timedelta(days=days)))
    reports = db.session.scalars(sa.select(PublicReport).where(
        PublicReport.id.in_(expired), PublicReport.stage.in_(CLOSED_STAGES), PublicReport.purged_dt.is_(None))
        .order_by(PublicReport.id)).all()
    done = Purge()
    for report in reports:
        done.files += _erase(report, now)
        done.numbers.append(report.number)
    if done.numbers:
        db.session.flush()
        done.files = [path for path in done.files if not _still_used(path)]
        record("retensi", "public_report.purge", "public_report", None,
               f"Data pribadi {len(done.numbers)} laporan masyarakat yang selesai dihapus (retensi {days} hari)",
               {"numbers": done.numbers, "files": len(done.files), "days": days})
    return done


def _erase(report: PublicReport, now: datetime) -> list[Path]:
    paths = [evidence_path(item.sha256, item.file_name.rsplit(".", 1)[-1]) for item in report.evidence]
    report.subject_name, report.description = "", ""
    report.subject_position = report.subject_unit = report.subject_handle = report.place = None
    report.reporter_name = report.reporter_contact = None
    report.evidence.clear()  # delete-orphan: the rows go
    report.purged_dt = now
    report.steps.append(PublicReportStep(kind="purged", at_dt=now))
    return paths


def _still_used(path: Path) -> bool:
    """Whether a case or a report not purged in this run still names the file (evidence is stored once per hash)."""
    sha256 = path.name.split(".", 1)[0]
    return db.session.scalar(sa.select(sa.or_(sa.exists().where(PublicReportEvidence.sha256 == sha256),
                                              sa.exists().where(CaseEvidence.sha256 == sha256))))


def remove_files(paths: list[Path]) -> int:
    """Delete the files a committed purge released; returns how many were there."""
    removed = 0
    for path in dict.fromkeys(paths):
        if path.exists():
            path.unlink()
            removed += 1
    return removed
