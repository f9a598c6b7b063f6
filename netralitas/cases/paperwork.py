"""What each printed document of a case says, gathered from the case when its step is taken, then issued.

The steps (netralitas.cases.steps) call these right after recording themselves, so every summons, examination
record, decree and report back has its document with a QR at once; a reissue supersedes the old one.
The texts of the legal basis name the rules the legal catalogue names (README → Legal rules).
"""
from __future__ import annotations

import base64
from typing import Any

from netralitas.auth.models import Staff
from netralitas.cases.documents import issue_document
from netralitas.cases.models import (
    Case,
    CaseDecision,
    CaseExamination,
    CaseMemberRole,
    CaseSource,
    CaseSummons,
    DocumentKind,
    RecordSigning,
)
from netralitas.legal.models import Sanction
from netralitas.legal.services import deadline, violation_form
from netralitas.masterdata.models import Category

SKB_2022 = ("Keputusan Bersama Menteri PANRB, Menteri Dalam Negeri, Kepala BKN, Ketua KASN dan Ketua Bawaslu "
            "Tahun 2022 tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN")
PP_94_2021 = "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil"
PP_49_2018 = "Peraturan Pemerintah Nomor 49 Tahun 2018 tentang Manajemen PPPK"
#: Who a referral letter came from, as a report back names its addressee.
REFERRERS = {
    CaseSource.BAWASLU: "Bawaslu",
    CaseSource.BKN: "Badan Kepegawaian Negara",
    CaseSource.INSPECTORATE: "Inspektorat",
    CaseSource.OTHER_LETTER: "Pengirim surat",
}


def legal_basis(case: Case) -> list[str]:
    """The rules a document of this employee's case rests on."""
    if case.employee.category == Category.PNS:
        return [PP_94_2021, SKB_2022]
    if case.employee.category == Category.PPPK:
        return [PP_49_2018, SKB_2022]
    return [SKB_2022, "Perjanjian kerja pegawai"]


def _employee(case: Case) -> dict[str, Any]:
    employee = case.employee
    person: dict[str, Any] = {"name": employee.name, "unit": employee.agency.name}
    if employee.nip:
        person["nip"] = employee.nip
    elif employee.nik:
        person["nik"] = employee.nik
    if employee.position:
        person["position"] = employee.position
    return person


def _examiners(case: Case) -> list[dict[str, Any]]:
    team = [m.staff for m in case.members if m.role == CaseMemberRole.EXAMINER]
    return [{"name": staff.name} for staff in team] or [{"name": m.staff.name} for m in case.members
                                                         if m.role == CaseMemberRole.OFFICER]


def _signatory(actor: Staff, title: str) -> dict[str, Any]:
    return {"title": title, "name": actor.name}


def _subject(case: Case) -> str:
    form = violation_form(case.violation_form_id)
    return f"dugaan pelanggaran netralitas ASN: {form.text}" if form else "dugaan pelanggaran netralitas ASN"


def issue_summons(actor: Staff, case: Case, summons: CaseSummons, previous: CaseSummons | None) -> None:
    content: dict[str, Any] = {
        "employee": _employee(case), "signatory": _signatory(actor, "Atasan langsung / Tim pemeriksa"),
        "exam": {"date": summons.exam_on, "time": summons.exam_time, "place": summons.place},
        "examiners": _examiners(case), "subject": _subject(case), "legal_basis": legal_basis(case),
    }
    if previous is not None:
        content["previous_summons"] = {"number": previous.letter_number, "date": previous.issued_on}
        content["note"] = ("Apabila Saudara tidak memenuhi panggilan kedua ini, keputusan akan diambil berdasarkan "
                           "alat bukti dan keterangan yang ada.")
    kind = DocumentKind.SUMMONS_1 if summons.round == 1 else DocumentKind.SUMMONS_2
    issue_document(actor, case, kind, number=summons.letter_number, issued_on=summons.issued_on, content=content)


def issue_examination(actor: Staff, case: Case, examination: CaseExamination) -> None:
    content: dict[str, Any] = {
        "employee": _employee(case), "held_on": examination.held_on, "place": examination.place,
        "examiners": _examiners(case), "record": examination.record, "signing": examination.signing.value,
        "legal_basis": legal_basis(case),
    }
    if examination.signing == RecordSigning.REFUSED:
        content["refusal_note"] = examination.refusal_note
    if examination.signing == RecordSigning.SCREEN and examination.signature_png:
        content["employee_signature_png"] = base64.b64encode(examination.signature_png).decode()
    issue_document(actor, case, DocumentKind.EXAMINATION, number=f"BAP/{case.number}",
                   issued_on=examination.held_on, content=content)


def issue_decree(actor: Staff, case: Case, decision: CaseDecision, sanction: Sanction) -> None:
    remedy = deadline(sanction.remedy_deadline)
    content: dict[str, Any] = {
        "employee": _employee(case), "signatory": _signatory(actor, "Pejabat Pembina Kepegawaian"),
        "official": "PEJABAT PEMBINA KEPEGAWAIAN", "legal_basis": legal_basis(case),
        "considering": [f"bahwa Saudara terbukti melakukan {_subject(case)}"],
        "sanction": sanction.text, "level": str(sanction.level.label), "reasons": decision.reasons,
        "on_evidence_only": decision.on_evidence_only,
        "objection_text": (f"{remedy.label}: paling lama {remedy.working_days} hari kerja sejak keputusan ini "
                           f"diterima ({remedy.source})."),
    }
    if decision.in_force_from:
        content["in_force_from"] = decision.in_force_from
    if decision.in_force_until:
        content["in_force_until"] = decision.in_force_until
    issue_document(actor, case, DocumentKind.DECREE, number=decision.decree_number, issued_on=decision.decree_on,
                   content=content)


def issue_report_back(actor: Staff, case: Case, decision: CaseDecision, sanction: Sanction, *, letter_number: str,
                      sent_on) -> None:
    referrer = REFERRERS.get(case.source, "Pelapor")
    content: dict[str, Any] = {
        "employee": _employee(case), "signatory": _signatory(actor, "Petugas kasus BKPSDM"),
        "addressee": {"name": referrer}, "referrer": referrer,
        "letter": {"number": case.letter_number or case.number, "date": case.letter_date or case.received_on},
        "outcome": (f"Rekomendasi telah ditindaklanjuti dengan penjatuhan {sanction.text} "
                    f"({sanction.level.label})."),
        "decree": {"number": decision.decree_number, "date": decision.decree_on},
    }
    issue_document(actor, case, DocumentKind.REPORT_BACK, number=letter_number, issued_on=sent_on, content=content)
