"""Parse, validate, cross-check and generate Indonesian identity numbers (NIP PNS, NI PPPK, NIK)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from netralitas.core.messages import lazy_message as _l

Gender = Literal["L", "P"]

NIP_LENGTH = 18
NIK_LENGTH = 16
MIN_BIRTH_YEAR = 1940
MIN_APPOINTMENT_AGE = 15
MAX_APPOINTMENT_AGE = 60
NIK_CENTURY_MIN_AGE = 15
NIK_FEMALE_DAY_OFFSET = 40
PROVINCE_MIN, PROVINCE_MAX = 11, 94

_GENDER_BY_DIGIT: dict[str, Gender] = {"1": "L", "2": "P"}
_DIGIT_BY_GENDER = {"L": "1", "P": "2"}
_GENDER_NAMES = {"L": _l("laki-laki"), "P": _l("perempuan")}
# Spreadsheets and older forms spell gender out; map those to the L/P codes.
_GENDER_ALIASES: dict[str, Gender] = {
    "L": "L",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "PRIA": "L",
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
}
#: Spaces (including the no-break space Excel exports), dots and dashes used to group digits.
_SEPARATORS = str.maketrans("", "", " \u00a0.-")


class IdentityError(ValueError):
    """Invalid identity number; str(exc) is a message for admins in their language (a lazy string)."""


@dataclass(frozen=True)
class ParsedNip:
    """A validated NIP of a PNS or an NI of a PPPK employee."""

    number: str
    kind: Literal["PNS", "PPPK"]
    birth_date: date
    gender: Gender
    appointment: str
    sequence: str


@dataclass(frozen=True)
class ParsedNik:
    """A validated NIK (population identity number)."""

    number: str
    region: str
    birth_date: date
    gender: Gender
    sequence: str


def normalize_number(raw: str) -> str:
    """Strip surrounding whitespace and the spaces, dots and dashes SIMPEG exports put inside numbers."""
    if not isinstance(raw, str):
        raise IdentityError(_l("Nomor identitas harus berupa teks (terbaca %(type)s)", type=type(raw).__name__))
    return raw.strip().translate(_SEPARATORS)


def parse_nip_pns(value: str, *, today: date | None = None) -> ParsedNip:
    """Parse and validate an 18-digit NIP in the PNS format."""
    number = _digits(value, NIP_LENGTH, "NIP")
    today = today or date.today()
    born = _nip_birth_date(number, today)
    if _has_pppk_marker(number):
        raise IdentityError(_l("NIP ini berformat PPPK, bukan PNS"))
    if not 1 <= int(number[12:14]) <= 12:
        raise IdentityError(_l("Bulan TMT CPNS pada NIP tidak valid (%(month)s)", month=number[12:14]))
    _check_appointment_year(int(number[8:12]), born, today, _l("Tahun TMT CPNS pada NIP"))
    gender = _nip_gender(number[14])
    sequence = _sequence(number[15:], "NIP")
    return ParsedNip(number, "PNS", born, gender, number[8:14], sequence)


def parse_nip_pppk(value: str, *, today: date | None = None) -> ParsedNip:
    """Parse and validate an 18-digit NI PPPK."""
    number = _digits(value, NIP_LENGTH, "NIP")
    today = today or date.today()
    born = _nip_birth_date(number, today)
    if number[12] != "2":
        if 1 <= int(number[12:14]) <= 12:
            raise IdentityError(_l("NIP ini berformat PNS, bukan PPPK"))
        raise IdentityError(_l("Digit ke-13 NIP PPPK harus 2 (kode PPPK), terbaca %(digit)s", digit=number[12]))
    if number[13] == "0":
        raise IdentityError(_l("Digit kontrak (ke-14) pada NIP PPPK harus 1 sampai 9, terbaca 0"))
    _check_appointment_year(int(number[8:12]), born, today, _l("Tahun pengangkatan pada NIP PPPK"))
    gender = _nip_gender(number[14])
    sequence = _sequence(number[15:], "NIP")
    return ParsedNip(number, "PPPK", born, gender, number[8:12], sequence)


def parse_nip(value: str, category: str | None = None, *, today: date | None = None) -> ParsedNip:
    """Parse a NIP as PNS or PPPK according to the category, or detect the format when it is unknown."""
    kind = category.strip().upper() if isinstance(category, str) else None
    if kind == "PNS":
        return parse_nip_pns(value, today=today)
    if kind == "PPPK":
        return parse_nip_pppk(value, today=today)
    number = _digits(value, NIP_LENGTH, "NIP")
    # The PPPK marker makes every PNS parse fail and its absence every PPPK parse fail, so
    # dispatching on it equals "try PNS, then PPPK" while reporting the more relevant error.
    parser = parse_nip_pppk if _has_pppk_marker(number) else parse_nip_pns
    return parser(number, today=today)


def parse_nik(value: str, *, today: date | None = None) -> ParsedNik:
    """Parse and validate a 16-digit NIK, guessing the birth century."""
    number = _digits(value, NIK_LENGTH, "NIK")
    today = today or date.today()
    if not PROVINCE_MIN <= int(number[:2]) <= PROVINCE_MAX:
        raise IdentityError(_l("Kode provinsi pada NIK tidak valid (%(code)s); harus %(low)s sampai %(high)s",
                               code=number[:2], low=PROVINCE_MIN, high=PROVINCE_MAX))
    day, month, short_year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    gender: Gender = "P" if day > NIK_FEMALE_DAY_OFFSET else "L"
    if gender == "P":
        day -= NIK_FEMALE_DAY_OFFSET
    year = _nik_century_year(short_year, today)
    born = _birth_date(year, month, day, today, "NIK", number[6:12])
    sequence = _sequence(number[12:], "NIK")
    return ParsedNik(number, number[:6], born, gender, sequence)


def identity_warnings(
    *,
    nip: ParsedNip | None = None,
    nik: ParsedNik | None = None,
    birth_date: date | None = None,
    gender: str | None = None,
) -> list[str]:
    """List warnings (lazy strings) where the NIP, the NIK and the entered data disagree."""
    warnings: list[str] = []
    if nip is not None and nik is not None:
        if not _same_short_date(nip.birth_date, nik.birth_date):
            warnings.append(_l("Tanggal lahir pada NIK (%(nik)s) berbeda dengan NIP (%(nip)s)",
                               nik=_short(nik.birth_date), nip=_long(nip.birth_date)))
        if nip.gender != nik.gender:
            warnings.append(_l("Jenis kelamin pada NIK (%(nik)s) berbeda dengan NIP (%(nip)s)",
                               nik=_GENDER_NAMES[nik.gender], nip=_GENDER_NAMES[nip.gender]))
    if birth_date is not None:
        warnings.extend(_birth_date_warnings(birth_date, nip, nik))
    if gender is not None and gender.strip():
        warnings.extend(_gender_warnings(gender, nip, nik))
    return warnings


def derive_birth_date_and_gender(
    nip: ParsedNip | None, nik: ParsedNik | None
) -> tuple[date | None, Gender | None]:
    """Return birth date and gender from the NIP, else from the NIK (whose century is only a guess)."""
    source = nip if nip is not None else nik
    if source is None:
        return None, None
    return source.birth_date, source.gender


def make_nip_pns(
    birth_date: date, appointment_year: int, appointment_month: int, gender: Gender, sequence: int
) -> str:
    """Build a valid PNS NIP; raise ValueError on impossible input."""
    _require_gender(gender)
    _require_range("appointment_year", appointment_year, 1000, 9999)
    _require_range("appointment_month", appointment_month, 1, 12)
    _require_range("sequence", sequence, 1, 999)
    number = (
        f"{_yyyymmdd(birth_date)}{appointment_year:04d}{appointment_month:02d}"
        f"{_DIGIT_BY_GENDER[gender]}{sequence:03d}"
    )
    # date.max disables the "not in the future" checks, which depend on when the number is used.
    parse_nip_pns(number, today=date.max)
    return number


def make_nip_pppk(
    birth_date: date, appointment_year: int, contract_digit: int, gender: Gender, sequence: int
) -> str:
    """Build a valid NI PPPK; raise ValueError on impossible input."""
    _require_gender(gender)
    _require_range("appointment_year", appointment_year, 1000, 9999)
    _require_range("contract_digit", contract_digit, 1, 9)
    _require_range("sequence", sequence, 1, 999)
    number = (
        f"{_yyyymmdd(birth_date)}{appointment_year:04d}2{contract_digit}"
        f"{_DIGIT_BY_GENDER[gender]}{sequence:03d}"
    )
    parse_nip_pppk(number, today=date.max)
    return number


def make_nik(region: str, birth_date: date, gender: Gender, sequence: int) -> str:
    """Build a valid NIK; raise ValueError on impossible input."""
    _require_gender(gender)
    if not (isinstance(region, str) and len(region) == 6 and region.isascii() and region.isdigit()):
        raise ValueError(f"region must be 6 ASCII digits, got {region!r}")
    # A two-digit year cannot tell 2100 from 2000, so later births cannot be encoded unambiguously.
    _require_range("birth year", birth_date.year, MIN_BIRTH_YEAR, 2099)
    _require_range("sequence", sequence, 1, 9999)
    day = birth_date.day + (NIK_FEMALE_DAY_OFFSET if gender == "P" else 0)
    number = f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{sequence:04d}"
    # Validate on a day when the century guess is guaranteed to land on the real birth year.
    parse_nik(number, today=date(birth_date.year + NIK_CENTURY_MIN_AGE, 12, 31))
    return number


def _digits(value: object, length: int, label: str) -> str:
    """Normalise the input and require exactly `length` ASCII digits."""
    if value is None:
        raise IdentityError(_l("%(label)s wajib diisi", label=label))
    if not isinstance(value, str):
        raise IdentityError(_l("%(label)s harus berupa teks (terbaca %(type)s)", label=label,
                               type=type(value).__name__))
    number = normalize_number(value)
    if not number:
        raise IdentityError(_l("%(label)s wajib diisi", label=label))
    bad = next((char for char in number if not (char.isascii() and char.isdigit())), None)
    if bad is not None:
        raise IdentityError(_l("%(label)s hanya boleh berisi angka (ditemukan karakter %(char)s)", label=label,
                               char=repr(bad)))
    if len(number) != length:
        raise IdentityError(_l("%(label)s harus %(length)s digit angka (terbaca %(count)s digit)", label=label,
                               length=length, count=len(number)))
    return number


def _has_pppk_marker(number: str) -> bool:
    """Tell whether digits 13-14 hold the PPPK code `2` plus a contract digit 1-9."""
    return number[12] == "2" and number[13] != "0"


def _nip_birth_date(number: str, today: date) -> date:
    """Validate the YYYYMMDD birth date that opens every NIP."""
    year, month, day = int(number[:4]), int(number[4:6]), int(number[6:8])
    return _birth_date(year, month, day, today, "NIP", number[:8])


def _birth_date(year: int, month: int, day: int, today: date, label: str, shown: str) -> date:
    """Build a birth date that is real, not before MIN_BIRTH_YEAR and not in the future."""
    try:
        born = date(year, month, day)
    except ValueError:
        raise IdentityError(_l("Tanggal lahir pada %(label)s tidak valid (%(shown)s)", label=label,
                               shown=shown)) from None
    if born.year < MIN_BIRTH_YEAR:
        raise IdentityError(_l("Tahun lahir pada %(label)s tidak boleh sebelum %(min)s (%(year)s)", label=label,
                               min=MIN_BIRTH_YEAR, year=born.year))
    if born > today:
        raise IdentityError(_l("Tanggal lahir pada %(label)s (%(date)s) tidak boleh di masa depan", label=label,
                               date=_long(born)))
    return born


def _check_appointment_year(year: int, born: date, today: date, what: str) -> None:
    """Require an appointment at working age and not beyond next year."""
    if year < born.year + MIN_APPOINTMENT_AGE:
        raise IdentityError(_l("%(what)s (%(year)s) terlalu awal: usia saat pengangkatan minimal %(age)s tahun "
                               "(lahir %(born)s)", what=what, year=year, age=MIN_APPOINTMENT_AGE, born=born.year))
    if year > born.year + MAX_APPOINTMENT_AGE:
        raise IdentityError(_l("%(what)s (%(year)s) terlalu jauh: usia saat pengangkatan maksimal %(age)s tahun "
                               "(lahir %(born)s)", what=what, year=year, age=MAX_APPOINTMENT_AGE, born=born.year))
    if year > today.year + 1:
        raise IdentityError(_l("%(what)s (%(year)s) tidak boleh melewati tahun %(limit)s", what=what, year=year,
                               limit=today.year + 1))


def _nip_gender(digit: str) -> Gender:
    """Map the NIP gender digit to L/P."""
    gender = _GENDER_BY_DIGIT.get(digit)
    if gender is None:
        raise IdentityError(_l("Digit jenis kelamin pada NIP harus 1 atau 2 (terbaca %(digit)s)", digit=digit))
    return gender


def _sequence(digits: str, label: str) -> str:
    """Reject the all-zero sequence number, which is never issued."""
    if int(digits) == 0:
        raise IdentityError(_l("Nomor urut pada %(label)s tidak boleh %(digits)s", label=label, digits=digits))
    return digits


def _nik_century_year(short_year: int, today: date) -> int:
    """Pick the century that makes the holder at least NIK_CENTURY_MIN_AGE years old."""
    year = 2000 + short_year
    return year if year <= today.year - NIK_CENTURY_MIN_AGE else year - 100


def _birth_date_warnings(given: date, nip: ParsedNip | None, nik: ParsedNik | None) -> list[str]:
    """Compare an entered birth date with the NIP (full date) and the NIK (no century)."""
    warnings = []
    if nip is not None and _ymd(given) != _ymd(nip.birth_date):
        warnings.append(_l("Tanggal lahir yang diisi (%(given)s) berbeda dengan NIP (%(nip)s)",
                           given=_long(given), nip=_long(nip.birth_date)))
    if nik is not None and not _same_short_date(given, nik.birth_date):
        warnings.append(_l("Tanggal lahir yang diisi (%(given)s) berbeda dengan NIK (%(nik)s)",
                           given=_long(given), nik=_short(nik.birth_date)))
    return warnings


def _gender_warnings(given: str, nip: ParsedNip | None, nik: ParsedNik | None) -> list[str]:
    """Compare an entered gender with the NIP and the NIK."""
    code = _GENDER_ALIASES.get(given.strip().upper())
    if code is None:
        return [_l("Jenis kelamin yang diisi tidak dikenali (%(given)s); gunakan L atau P", given=repr(given))]
    warnings = []
    for label, parsed in (("NIP", nip), ("NIK", nik)):
        if parsed is not None and parsed.gender != code:
            warnings.append(_l("Jenis kelamin yang diisi (%(given)s) berbeda dengan %(label)s (%(parsed)s)",
                               given=_GENDER_NAMES[code], label=label, parsed=_GENDER_NAMES[parsed.gender]))
    return warnings


def _same_short_date(first: date, second: date) -> bool:
    """Compare day, month and two-digit year, as a NIK carries no century."""
    return (first.day, first.month, first.year % 100) == (second.day, second.month, second.year % 100)


def _ymd(value: date) -> tuple[int, int, int]:
    """Return the calendar fields, so a datetime compares equal to its date."""
    return value.year, value.month, value.day


def _long(value: date) -> str:
    """Format a date as DD-MM-YYYY."""
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def _short(value: date) -> str:
    """Format a date as DD-MM-YY, the precision a NIK offers."""
    return f"{value.day:02d}-{value.month:02d}-{value.year % 100:02d}"


def _yyyymmdd(value: date) -> str:
    """Format a date as the YYYYMMDD prefix of a NIP."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _require_gender(gender: str) -> None:
    """Reject anything but the L/P codes in the make_* builders."""
    if gender not in ("L", "P"):
        raise ValueError(f"gender must be 'L' or 'P', got {gender!r}")


def _require_range(name: str, value: int, low: int, high: int) -> None:
    """Reject integers the fixed-width formats cannot hold."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in {low}..{high}, got {value!r}")
