"""The SIASN export: decided cases as rows of BKN SIASN's discipline record (riwayat hukuman disiplin), to upload.

One row per decided case the staff member may see (stage decided or reported, with its decision), ASN only: PNS and
PPPK have a NIP and a SIASN record; contract, upahan, BLUD and BUMD staff have neither, so their decisions stay out.

The columns follow the fields of SIASN's discipline record as its web service takes them (POST /hukdis/save:
jenisHukumanId, jenisTingkatHukumanId, skNomor, skTanggal, hukumanTanggal, akhirHukumanTanggal, masaTahun,
masaBulan, alasanHukumanDisiplinId), as published open-source SIASN clients use them; BKN's own upload template was
not found in public, so the XLSX carries a sheet that maps each column to its SIASN field. SIASN's fields take ids
from its reference tables; the file gives the catalogue's words and codes, which the uploader picks there.

No free text: the violation is its catalogue code, never the decision's reasons.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import force_locale
from werkzeug.utils import secure_filename

from netralitas.audit.services import record
from netralitas.cases.models import Case, CaseDecision, CaseStage
from netralitas.cases.services import visible_cases
from netralitas.core.spreadsheet import CSV_BOM, XlsxSheet, csv_chunk, write_xlsx_stream
from netralitas.extensions import db
from netralitas.legal.models import Sanction, SanctionLevel, ViolationForm
from netralitas.masterdata.models import Category, Employee

if TYPE_CHECKING:
    from netralitas.auth.models import Staff

#: Stages whose cases carry a decree to report.
DECIDED_STAGES = (CaseStage.DECIDED, CaseStage.REPORTED)
#: Employment categories SIASN keeps a record of (both have a NIP).
ASN_CATEGORIES = (Category.PNS, Category.PPPK)
CSV_DELIMITER = ";"
COLUMNS = ("Nomor kasus", "NIP", "Nama", "Jenis hukuman disiplin", "Tingkat hukuman", "Nomor SK", "Tanggal SK",
           "TMT hukuman", "Akhir hukuman", "Masa hukuman (bulan)", "Kode pelanggaran")
WIDTHS = (16, 21, 36, 60, 14, 28, 12, 12, 12, 12, 16)
#: The second sheet of the XLSX: each column, the SIASN field it fills, and how.
GUIDE_COLUMNS = ("Kolom", "Isian SIASN", "Keterangan")
GUIDE = (
    ("Nomor kasus", "-", "Nomor kasus di aplikasi Netralitas, untuk mencocokkan; tidak diunggah."),
    ("NIP", "pnsOrangId", "SIASN mencari pegawai dari NIP."),
    ("Nama", "-", "Untuk pemeriksaan; tidak diunggah."),
    ("Jenis hukuman disiplin", "jenisHukumanId", "Pilih jenis yang sama dari referensi jenis hukuman SIASN."),
    ("Tingkat hukuman", "jenisTingkatHukumanId",
     "Ringan, Sedang atau Berat. Sanksi moral (kode etik, PP 42/2004) bukan hukuman disiplin PP 94/2021: periksa "
     "apakah perlu dicatat di SIASN."),
    ("Nomor SK", "skNomor", ""),
    ("Tanggal SK", "skTanggal", "SIASN menulis tanggal sebagai dd-mm-yyyy."),
    ("TMT hukuman", "hukumanTanggal", "Tanggal mulai berlaku hukuman."),
    ("Akhir hukuman", "akhirHukumanTanggal", "Kosong bila hukuman tidak berjangka waktu."),
    ("Masa hukuman (bulan)", "masaTahun, masaBulan", "Misalnya 12 bulan = 1 tahun 0 bulan; kosong bila tidak berjangka."),
    ("Kode pelanggaran", "alasanHukumanDisiplinId",
     "Kode bentuk pelanggaran dari katalog (SKB Netralitas ASN 2022); pilih alasan yang sesuai dari referensi SIASN."),
    ("", "", "Nama isian mengikuti layanan web SIASN (POST /hukdis/save) sebagaimana dipakai pustaka integrasi "
             "SIASN terbuka; belum diverifikasi terhadap templat unggah resmi BKN."),
)


@dataclass(frozen=True)
class SiasnRow:
    """One decided case as SIASN's discipline record needs it."""

    case_number: str
    nip: str | None
    name: str
    sanction: str
    level: SanctionLevel
    decree_number: str
    decree_on: date
    in_force_from: date | None
    in_force_until: date | None
    duration_months: int | None
    violation_code: str


def decided_query(staff: Staff) -> sa.Select:
    """The decided ASN cases the staff member may see, by decree date then case number."""
    return (sa.select(Case.number, Employee.nip, Employee.name, Sanction.text, Sanction.level,
                      CaseDecision.decree_number, CaseDecision.decree_on, CaseDecision.in_force_from,
                      CaseDecision.in_force_until, Sanction.duration_months, ViolationForm.code)
            .join(CaseDecision, CaseDecision.case_id == Case.id)
            .join(Sanction, Sanction.id == CaseDecision.sanction_id)
            .join(Employee, Employee.id == Case.employee_id)
            .join(ViolationForm, ViolationForm.id == Case.violation_form_id)
            .where(Case.stage.in_(DECIDED_STAGES), Employee.category.in_(ASN_CATEGORIES), visible_cases(staff))
            .order_by(CaseDecision.decree_on, Case.number))


def siasn_rows(staff: Staff) -> list[SiasnRow]:
    """The export's rows for the staff member (a few hundred a year at most: read at once)."""
    return [SiasnRow(*row) for row in db.session.execute(decided_query(staff))]


def row_cells(row: SiasnRow) -> list[Any]:
    """One row's cells in COLUMNS order; the level in Indonesian whatever the screen's language."""
    with force_locale("id"):
        level = str(row.level.label)
    return [row.case_number, row.nip, row.name, row.sanction, level, row.decree_number, row.decree_on,
            row.in_force_from, row.in_force_until, row.duration_months, row.violation_code]


def siasn_csv(rows: list[SiasnRow]) -> bytes:
    """UTF-8 CSV with a BOM, semicolon-separated (Excel set to Indonesian opens it in columns), dates ISO."""
    return (CSV_BOM + csv_chunk([COLUMNS, *(row_cells(row) for row in rows)], CSV_DELIMITER)).encode("utf-8")


def write_siasn_xlsx(handle: IO[bytes], rows: list[SiasnRow]) -> int:
    """The rows on a first sheet, the column guide on a second; returns the row count."""
    return write_xlsx_stream(handle, [
        XlsxSheet("Hukuman disiplin", COLUMNS, (row_cells(row) for row in rows), WIDTHS),
        XlsxSheet("Petunjuk", GUIDE_COLUMNS, GUIDE, (24, 28, 100)),
    ])[0]


def export_file_name(today: date, extension: str) -> str:
    """'siasn-hukdis-<local date>.<ext>'."""
    return secure_filename(f"siasn-hukdis-{today:%Y%m%d}.{extension}")


def record_export(actor: Staff, file_format: str, rows: list[SiasnRow]) -> None:
    """Audit an export of disciplined employees' names and NIP: who, which format, how many, which cases."""
    record(actor, "case.siasn_export", "case", None,
           f"Ekspor SIASN hukuman disiplin ({file_format}, {len(rows)} kasus)",
           {"format": file_format, "count": len(rows), "cases": [row.case_number for row in rows]})
