"""What a reporter (and the transparency page) may know of a report: one of four public stages, never the case itself."""
from __future__ import annotations

import enum

from netralitas.cases.models import CaseStage
from netralitas.core.messages import lazy_message as _l
from netralitas.public_reports.models import ReportStage


class PublicStatus(enum.StrEnum):
    """The stage shown on /lapor/status and counted on /transparansi."""

    RECEIVED = "received"  # in the queue
    IN_REVIEW = "in_review"  # a case officer has it, or a case runs on it
    FORWARDED = "forwarded"  # sent to the authority it belongs to
    CLOSED = "closed"  # dismissed, or the case on it ended; with a reason the reporter can read


STATUS_LABELS = {
    PublicStatus.RECEIVED: _l("Diterima"),
    PublicStatus.IN_REVIEW: _l("Sedang ditelaah"),
    PublicStatus.FORWARDED: _l("Diteruskan"),
    PublicStatus.CLOSED: _l("Ditutup"),
}

#: What the reporter reads when the case on their report ended (the case's own reasons are case data, never public).
CASE_OUTCOME_REASONS = {
    CaseStage.CLOSED: _l("Setelah ditelaah, laporan tidak dapat dilanjutkan ke pemeriksaan karena bukti belum cukup "
                         "atau perbuatan tidak termasuk pelanggaran netralitas."),
    CaseStage.DECIDED: _l("Laporan telah ditindaklanjuti dengan pemeriksaan dan keputusan pejabat yang berwenang. "
                          "Hasilnya tidak diumumkan karena termasuk informasi kepegawaian yang dikecualikan (UU KIP "
                          "Pasal 17 huruf h)."),
    CaseStage.FORWARDED: _l("Laporan diteruskan kepada instansi yang berwenang menanganinya."),
}
CASE_OUTCOME_REASONS[CaseStage.REPORTED] = CASE_OUTCOME_REASONS[CaseStage.DECIDED]


def public_status(stage: ReportStage, case_stage: CaseStage | None = None) -> PublicStatus:
    """The public stage of a report from its own stage and, once it became a case, the case's stage."""
    if stage == ReportStage.RECEIVED:
        return PublicStatus.RECEIVED
    if stage == ReportStage.FORWARDED:
        return PublicStatus.FORWARDED
    if stage == ReportStage.DISMISSED:
        return PublicStatus.CLOSED
    if stage == ReportStage.CASE and case_stage is not None:
        if case_stage == CaseStage.FORWARDED:
            return PublicStatus.FORWARDED
        if case_stage in (CaseStage.CLOSED, CaseStage.DECIDED, CaseStage.REPORTED):
            return PublicStatus.CLOSED
    return PublicStatus.IN_REVIEW
