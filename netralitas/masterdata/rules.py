"""Field rules for agencies and employees, shared by the admin forms and the spreadsheet importer."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from netralitas.core import identity
from netralitas.core.messages import lazy_message as _l
from netralitas.masterdata.models import AgencyKind, Category, Gender

NAME_MAX = 200
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,39}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
CATEGORY_ALIASES = {"P3K": Category.PPPK, "HARIAN LEPAS": Category.UPAHAN, "THL": Category.UPAHAN}
GENDER_ALIASES = {"L": Gender.L, "LAKI-LAKI": Gender.L, "LAKI LAKI": Gender.L, "PRIA": Gender.L, "M": Gender.L,
                  "P": Gender.P, "PEREMPUAN": Gender.P, "WANITA": Gender.P, "F": Gender.P}
#: Identity categories that are issued a NIP.
NIP_CATEGORIES = (Category.PNS, Category.PPPK)
#: Digits Excel keeps of a number; a longer NIP/NIK typed as a number loses the rest (they become 0).
EXCEL_SIGNIFICANT_DIGITS = 15
#: Above this a float no longer holds every integer exactly.
EXACT_FLOAT_LIMIT = 2 ** 53
#: SIMPEG/SIASN names for agency kinds (PEMKOT, UPTD PUSKESMAS, RSUD, ...), one per line; see its header.
AGENCY_KIND_SYNONYMS_FILE = Path(__file__).with_name("agency_kind_synonyms.csv")


@dataclass
class Cleaned:
    """Result of checking one record: typed values, errors per field, and warnings."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        """Record a problem with one field; message is a lazy string, said in the reader's language."""
        self.errors.append((column, message))

    @property
    def is_valid(self) -> bool:
        return not self.errors


def text(value: Any) -> str:
    """Cell or form value as trimmed text; None and blanks become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: Any) -> date:
    """A date from a date cell or text in YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(_l("Tanggal '%(raw)s' tidak dikenali; gunakan YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY", raw=raw))


def normalize_code(value: Any) -> str:
    """Agency codes are compared trimmed and upper-cased."""
    return text(value).upper()


def clean_agency(raw: dict[str, Any]) -> Cleaned:
    """Check one agency record with keys kode, nama, kode_induk, jenis."""
    result = Cleaned()
    code = normalize_code(raw.get("kode"))
    if not code:
        result.error("kode", _l("Kode wajib diisi"))
    elif not CODE_PATTERN.match(code):
        result.error("kode", _l("Kode hanya huruf, angka, titik, garis miring atau strip (maks. 40)"))
    name = text(raw.get("nama"))
    if not name:
        result.error("nama", _l("Nama wajib diisi"))
    elif len(name) > NAME_MAX:
        result.error("nama", _l("Nama terlalu panjang (maks. %(max)s karakter)", max=NAME_MAX))
    elif any(ord(ch) < 32 for ch in name):  # as for employees: XLSX exports cannot hold them, PDFs cannot print them
        result.error("nama", _l("Nama berisi karakter kontrol"))
    parent_code = normalize_code(raw.get("kode_induk")) or None
    if parent_code and parent_code == code:
        result.error("kode_induk", _l("Kode induk tidak boleh sama dengan kode sendiri"))
    kind_text = " ".join(text(raw.get("jenis")).split())
    # "-" is how many exports write an empty cell.
    kind = agency_kind_of(kind_text) if kind_key(kind_text) else AgencyKind.LAINNYA
    # An unknown kind (None) is not an error: the kind only drives labels, and refusing a root row would
    # refuse every row below it. The importer decides what it becomes and warns.
    result.values = {"code": code, "name": name, "parent_code": parent_code, "kind": kind, "kind_text": kind_text}
    return result


def kind_key(value: Any) -> str:
    """How agency kinds are compared: letters and digits only, upper-cased ('Satpol-PP' = 'SATPOL PP')."""
    return "".join(ch for ch in text(value).upper() if ch.isalnum())


def load_agency_kind_synonyms(path: Path) -> dict[str, AgencyKind]:
    """The kind names themselves plus the synonyms file, by kind_key; a name mapped two ways is a bug."""
    table = {kind_key(kind.value): kind for kind in AgencyKind}
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines):
        key, kind = kind_key(row["sebutan"]), AgencyKind(row["jenis"].strip())
        if table.setdefault(key, kind) != kind:
            raise ValueError(f"{path.name}: {row['sebutan']!r} maps to both {table[key]} and {kind}")
    return table


AGENCY_KIND_SYNONYMS = load_agency_kind_synonyms(AGENCY_KIND_SYNONYMS_FILE)


def agency_kind_of(value: Any) -> AgencyKind | None:
    """The kind a SIMPEG/SIASN 'jenis' value names (synonyms included); None when it names none."""
    return AGENCY_KIND_SYNONYMS.get(kind_key(value))


def clean_employee(raw: dict[str, Any], *, today: date | None = None) -> Cleaned:
    """Check one employee record (importer column names); NIP/NIK disagreements are warnings."""
    result = Cleaned()
    values = result.values
    values["name"] = _clean_name(raw.get("nama"), result)
    values["name_search"] = values["name"].lower()
    values["category"] = _clean_category(raw.get("kategori"), result)
    values["agency_code"] = normalize_code(raw.get("kode_unit"))
    if not values["agency_code"]:
        result.error("kode_unit", _l("Kode unit wajib diisi"))
    given_birth = _clean_optional(raw.get("tanggal_lahir"), parse_date, "tanggal_lahir", result)
    given_gender = _clean_gender(raw.get("jenis_kelamin"), result)
    nip = _clean_identity(raw.get("nip"), "nip", values["category"], result, today)
    nik = _clean_identity(raw.get("nik"), "nik", values["category"], result, today)
    if values["category"] in NIP_CATEGORIES and nip is None and not _has_error(result, "nip"):
        result.error("nip", _l("NIP wajib diisi untuk kategori %(category)s", category=values["category"].value))
    if nip is None and nik is None and not _has_error(result, "nip", "nik"):
        result.error("nik", _l("NIK wajib diisi bila tidak ada NIP"))
    derived_birth, derived_gender = identity.derive_birth_date_and_gender(nip, nik)
    result.warnings.extend(identity.identity_warnings(nip=nip, nik=nik, birth_date=given_birth, gender=given_gender))
    values["nip"] = nip.number if nip else None
    values["nik"] = nik.number if nik else None
    values["birth_date"] = given_birth or derived_birth
    values["gender"] = Gender(given_gender or derived_gender) if (given_gender or derived_gender) else None
    values["position"] = _clean_short_text(raw.get("jabatan"), "jabatan", result) or None
    values["phone"] = _clean_pattern(raw.get("no_hp"), PHONE_PATTERN, "no_hp", _l("Nomor HP tidak valid"), result)
    values["email"] = _clean_pattern(raw.get("email"), EMAIL_PATTERN, "email", _l("Format email tidak valid"), result)
    if values["email"]:
        values["email"] = values["email"].lower()
    return result


def _has_error(result: Cleaned, *columns: str) -> bool:
    return any(column in columns for column, _ in result.errors)


def _clean_name(value: Any, result: Cleaned) -> str:
    name = " ".join(text(value).split())
    if not name:
        result.error("nama", _l("Nama wajib diisi"))
    elif len(name) > NAME_MAX:
        result.error("nama", _l("Nama terlalu panjang (maks. %(max)s karakter)", max=NAME_MAX))
    elif any(ord(ch) < 32 for ch in name):
        result.error("nama", _l("Nama berisi karakter kontrol"))
    return name[:NAME_MAX]


def _clean_category(value: Any, result: Cleaned) -> Category | None:
    raw = text(value).upper()
    if raw in CATEGORY_ALIASES:
        return CATEGORY_ALIASES[raw]
    try:
        return Category(raw)
    except ValueError:
        if raw:
            result.error("kategori", _l("Kategori '%(value)s' tidak dikenal; pilih PNS, PPPK, KONTRAK, UPAHAN, BLUD "
                                        "atau BUMD", value=text(value)))
        else:
            result.error("kategori", _l("Kategori wajib diisi"))
        return None


def _clean_gender(value: Any, result: Cleaned) -> str | None:
    raw = text(value).upper()
    if not raw:
        return None
    if raw not in GENDER_ALIASES:
        result.error("jenis_kelamin", _l("Jenis kelamin harus L atau P"))
        return None
    return GENDER_ALIASES[raw].value


def _clean_identity(value: Any, column: str, category: Category | None, result: Cleaned, today: date | None):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = intact_number_digits(value)
        if value is None:
            result.error(column, _l("%(column)s tersimpan sebagai angka di Excel sehingga digit terakhir hilang; "
                                    "format kolom sebagai Teks lalu isi ulang", column=column.upper()))
            return None
    raw = text(value)
    if not raw:
        return None
    try:
        if column == "nik":
            return identity.parse_nik(raw, today=today)
        return identity.parse_nip(raw, category.value if category else None, today=today)
    except identity.IdentityError as exc:
        result.error(column, str(exc))
        return None


def intact_number_digits(value: int | float) -> str | None:
    """The digits of a number cell holding a NIP/NIK, or None when digits may have been lost.

    Excel keeps 15 significant digits, so a 16- or 18-digit number typed into it is saved ending in 0
    (and often in scientific notation, which openpyxl reads as a float). A longer number ending in another
    digit was written by a program (SIMPEG exports write exact integers) and is intact; so is a float only
    while it is exact (up to 2**53).
    """
    if isinstance(value, float):
        if not value.is_integer() or abs(value) > EXACT_FLOAT_LIMIT:
            return None
        value = int(value)
    digits = str(value)
    if len(digits) > EXCEL_SIGNIFICANT_DIGITS and digits.endswith("0"):
        return None
    return digits


def _clean_optional(value: Any, parser, column: str, result: Cleaned):
    if value is None or text(value) == "":
        return None
    try:
        return parser(value)
    except ValueError as exc:
        result.error(column, str(exc))
        return None


def _clean_short_text(value: Any, column: str, result: Cleaned) -> str:
    cleaned = " ".join(text(value).split())
    if len(cleaned) > NAME_MAX:
        result.error(column, _l("Teks terlalu panjang (maks. %(max)s karakter)", max=NAME_MAX))
    return cleaned[:NAME_MAX]


def _clean_pattern(value: Any, pattern: re.Pattern, column: str, message: str, result: Cleaned) -> str | None:
    raw = text(value)
    if not raw:
        return None
    if not pattern.match(raw) or len(raw) > NAME_MAX:
        result.error(column, message)
        return None
    return raw
