"""No personal data on /transparansi: a scan of every page, print page and feed for the names, NIP, NIK, case and
letter numbers, decree numbers, reporters and what was reported, in a government full of all of them."""
from __future__ import annotations

from datetime import date

from netralitas.calendar.services import local_today
from netralitas.cases.models import CaseSource, CaseStage
from netralitas.masterdata.models import Category
from netralitas.public_reports.models import ReportStage
from tests.transparency.conftest import wib

NAMES = ("Siti Rahayuningsih", "Bambang Wicaksono", "Dewi Anggraini Putri", "Yohanes Pattiasina", "Made Sukarsana",
         "Nur Aisyah Lubis")


def test_no_name_nip_nik_case_number_or_reporter_anywhere(client, city, make_employee, make_event, sign_for,
                                                          add_case, add_report):
    this_year = local_today().year
    event = make_event(slug="pilkada", name="Deklarasi Pilkada")
    categories = (Category.PNS, Category.PPPK, Category.KONTRAK, Category.PNS, Category.UPAHAN, Category.PNS)
    units = (city.a, city.a1, city.b, city.a, city.b, city.city)
    employees = [make_employee(unit, name=name, category=category, position=f"Jabatan Rahasia {i}")
                 for i, (name, category, unit) in enumerate(zip(NAMES, categories, units, strict=True))]
    for employee in employees[:4]:
        sign_for(event, employee)
    secrets = {*NAMES, *(e.nip for e in employees if e.nip), *(e.nik for e in employees if e.nik),
               *(f"Jabatan Rahasia {i}" for i in range(len(NAMES)))}
    stages = (CaseStage.TRIAGE, CaseStage.EXAMINATION, CaseStage.DECISION, CaseStage.DECIDED, CaseStage.REPORTED,
              CaseStage.FORWARDED, CaseStage.CLOSED)
    for year in (2025, this_year):
        for i, stage in enumerate(stages):
            decided = stage in (CaseStage.DECIDED, CaseStage.REPORTED)
            case = add_case(employees[i % len(employees)], date(year, 3, 3 + i), stage=stage,
                            source=CaseSource.BAWASLU if i % 2 else CaseSource.PUBLIC,
                            triaged_at=wib(year, 3, 20, 9) if stage != CaseStage.TRIAGE else None,
                            decree_on=date(year, 4, 20) if decided else None,
                            summary=f"RAHASIA-PERKARA-{year}-{i}")
            secrets |= {case.number, case.summary}
            if case.letter_number:
                secrets.add(case.letter_number)
            report = add_report(wib(year, 3, 1, 9), stage=ReportStage.CASE, case=case,
                                subject_name=f"Terlapor Rahasia {year}-{i}", reporter_name=f"Pelapor Rahasia {year}-{i}",
                                description=f"RAHASIA-LAPORAN-{year}-{i}")
            secrets |= {report.subject_name, report.reporter_name, report.description, report.number}
        for stage in (ReportStage.RECEIVED, ReportStage.IN_REVIEW, ReportStage.FORWARDED, ReportStage.DISMISSED):
            report = add_report(wib(year, 5, 1, 9), stage=stage, subject_name=f"Terlapor Lain {year} {stage}",
                                reporter_name=f"Pelapor Lain {year} {stage}")
            secrets |= {report.subject_name, report.reporter_name, report.number}
    secrets.add("800/SK-")  # the decree numbers' common part

    scanned = 0
    for year in (2025, this_year):
        for lang in ("id", "en"):
            query = {"tahun": year, "acara": "pilkada", "lang": lang}
            for path in ("/transparansi/KOTA", "/transparansi/KOTA/cetak", "/transparansi/KOTA.json"):
                response = client.get(path, query_string=query)
                assert response.status_code == 200, path
                body = response.get_data(as_text=True).lower()
                found = [secret for secret in secrets if secret.lower() in body]
                assert not found, f"{path} {query}: {found}"
                scanned += 1
    assert scanned == 12
    # The scan looked at pages with figures: everything here was counted (a 0 would be shown, a small count is null).
    feed = client.get("/transparansi/KOTA.json", query_string={"tahun": 2025, "acara": "pilkada"}).get_json()
    assert [row["code"] for row in feed["declarations"]["by_agency"]] == ["DINAS-A", "DINAS-B", "KOTA"]
    assert feed["declarations"]["by_agency"][0]["signed"] is None
    assert feed["enforcement"]["cases"]["triage"] is None  # one case there: counted, and hidden as a small count
    assert feed["enforcement"]["reports"]["in_review"] is None
