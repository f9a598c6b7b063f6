"""Tests for netralitas.core.identity (NIP PNS, NI PPPK and NIK handling)."""

import contextlib
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netralitas.core.identity import (
    IdentityError,
    ParsedNik,
    ParsedNip,
    derive_birth_date_and_gender,
    identity_warnings,
    make_nik,
    make_nip_pns,
    make_nip_pppk,
    normalize_number,
    parse_nik,
    parse_nip,
    parse_nip_pns,
    parse_nip_pppk,
)

TODAY = date(2026, 11, 21)
PNS = "198001012005011001"
PPPK = "199005152022212005"
NIK_MALE = "3201011501800001"
NIK_FEMALE = "3201015501800002"


def error_of(parser, value, **kwargs) -> str:
    """Return the IdentityError message the parser raises for value."""
    with pytest.raises(IdentityError) as info:
        parser(value, today=TODAY, **kwargs)
    return str(info.value)


# --- normalisation -----------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "19800101 200501 1 001",
        "19800101.200501.1.001",
        "19800101-200501-1-001",
        "  198001012005011001\t",
        "\u00a019800101 200501 1 001\n",
    ],
)
def test_normalize_strips_separators(raw):
    assert normalize_number(raw) == PNS


def test_normalize_keeps_other_characters():
    assert normalize_number("1980/01_01") == "1980/01_01"


# --- NIP PNS -----------------------------------------------------------------


def test_parse_valid_pns():
    parsed = parse_nip_pns(PNS, today=TODAY)
    assert parsed == ParsedNip(PNS, "PNS", date(1980, 1, 1), "L", "200501", "001")


@pytest.mark.parametrize("raw", ["19800101 200501 1 001", "19800101.200501.1.001", "19800101-200501-1-001"])
def test_parse_pns_accepts_simpeg_spacing(raw):
    assert parse_nip_pns(raw, today=TODAY).number == PNS


def test_parse_pns_female():
    parsed = parse_nip_pns("198512312010122123", today=TODAY)
    assert (parsed.birth_date, parsed.gender, parsed.appointment, parsed.sequence) == (
        date(1985, 12, 31),
        "P",
        "201012",
        "123",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("19800101200501100", "NIP harus 18 digit angka (terbaca 17 digit)"),
        ("1980010120050110011", "NIP harus 18 digit angka (terbaca 19 digit)"),
        ("", "NIP wajib diisi"),
        ("   ", "NIP wajib diisi"),
        ("19800101200501100A", "NIP hanya boleh berisi angka (ditemukan karakter 'A')"),
        # Arabic-Indic digits pass str.isdigit() but are not valid in a NIP.
        ("\u0661" * 18, "NIP hanya boleh berisi angka (ditemukan karakter '\u0661')"),
        ("19800101\x00200501", "NIP hanya boleh berisi angka (ditemukan karakter '\\x00')"),
        ("198013012005011001", "Tanggal lahir pada NIP tidak valid (19801301)"),
        ("198002302005011001", "Tanggal lahir pada NIP tidak valid (19800230)"),
        ("193912312005011001", "Tahun lahir pada NIP tidak boleh sebelum 1940 (1939)"),
        ("202701012005011001", "Tanggal lahir pada NIP (01-01-2027) tidak boleh di masa depan"),
        ("198001012005131001", "Bulan TMT CPNS pada NIP tidak valid (13)"),
        ("198001012005001001", "Bulan TMT CPNS pada NIP tidak valid (00)"),
        ("198001012005201001", "Bulan TMT CPNS pada NIP tidak valid (20)"),
        ("198001012005013001", "Digit jenis kelamin pada NIP harus 1 atau 2 (terbaca 3)"),
        ("198001012005010001", "Digit jenis kelamin pada NIP harus 1 atau 2 (terbaca 0)"),
        ("198001012005011000", "Nomor urut pada NIP tidak boleh 000"),
        (PPPK, "NIP ini berformat PPPK, bukan PNS"),
    ],
)
def test_parse_pns_errors(value, message):
    assert error_of(parse_nip_pns, value) == message


def test_pns_appointment_before_age_15():
    message = error_of(parse_nip_pns, "198001011994011001")
    assert message.startswith("Tahun TMT CPNS pada NIP (1994) terlalu awal")
    assert "minimal 15 tahun" in message


def test_pns_appointment_after_age_60():
    message = error_of(parse_nip_pns, "195001012011011001")
    assert message.startswith("Tahun TMT CPNS pada NIP (2011) terlalu jauh")


def test_pns_appointment_after_next_year():
    assert parse_nip_pns("200001012027011001", today=TODAY).appointment == "202701"
    message = error_of(parse_nip_pns, "200001012028011001")
    assert message == "Tahun TMT CPNS pada NIP (2028) tidak boleh melewati tahun 2027"


def test_pns_appointment_bounds_are_inclusive():
    assert parse_nip_pns("198001011995011001", today=TODAY).appointment == "199501"
    assert parse_nip_pns("196001012020011001", today=TODAY).appointment == "202001"


# --- NI PPPK -----------------------------------------------------------------


def test_parse_valid_pppk():
    parsed = parse_nip_pppk(PPPK, today=TODAY)
    assert parsed == ParsedNip(PPPK, "PPPK", date(1990, 5, 15), "P", "2022", "005")


def test_parse_pppk_accepts_spacing():
    assert parse_nip_pppk("19900515 2022 2 1 2 005", today=TODAY).number == PPPK


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("19900515202221200", "NIP harus 18 digit angka (terbaca 17 digit)"),
        ("19900515202221200x", "NIP hanya boleh berisi angka (ditemukan karakter 'x')"),
        ("199013152022212005", "Tanggal lahir pada NIP tidak valid (19901315)"),
        ("199005152022512005", "Digit ke-13 NIP PPPK harus 2 (kode PPPK), terbaca 5"),
        ("199005152022152005", "Digit ke-13 NIP PPPK harus 2 (kode PPPK), terbaca 1"),
        ("199005152022202005", "Digit kontrak (ke-14) pada NIP PPPK harus 1 sampai 9, terbaca 0"),
        ("199005152022213005", "Digit jenis kelamin pada NIP harus 1 atau 2 (terbaca 3)"),
        ("199005152022212000", "Nomor urut pada NIP tidak boleh 000"),
        (PNS, "NIP ini berformat PNS, bukan PPPK"),
    ],
)
def test_parse_pppk_errors(value, message):
    assert error_of(parse_nip_pppk, value) == message


def test_pppk_appointment_before_age_15():
    message = error_of(parse_nip_pppk, "201001012022212005")
    assert message.startswith("Tahun pengangkatan pada NIP PPPK (2022) terlalu awal")


def test_pppk_appointment_after_next_year():
    message = error_of(parse_nip_pppk, "199005152030212005")
    assert message == "Tahun pengangkatan pada NIP PPPK (2030) tidak boleh melewati tahun 2027"


# --- parse_nip dispatch ------------------------------------------------------


@pytest.mark.parametrize("category", [None, "", "Honorer", "lainnya"])
def test_parse_nip_detects_format(category):
    assert parse_nip(PNS, category, today=TODAY).kind == "PNS"
    assert parse_nip(PPPK, category, today=TODAY).kind == "PPPK"


def test_parse_nip_respects_category():
    assert parse_nip(PNS, "PNS", today=TODAY).kind == "PNS"
    assert parse_nip(PPPK, " pppk ", today=TODAY).kind == "PPPK"
    assert error_of(parse_nip, PPPK, category="PNS") == "NIP ini berformat PPPK, bukan PNS"
    assert error_of(parse_nip, PNS, category="PPPK") == "NIP ini berformat PNS, bukan PPPK"


def test_parse_nip_auto_reports_the_relevant_format_error():
    assert error_of(parse_nip, "198001012005131001") == "Bulan TMT CPNS pada NIP tidak valid (13)"
    gender_error = "Digit jenis kelamin pada NIP harus 1 atau 2 (terbaca 3)"
    assert error_of(parse_nip, "199005152022213005") == gender_error


def test_parse_nip_rejects_non_text():
    assert error_of(parse_nip, None) == "NIP wajib diisi"
    assert error_of(parse_nip, 198001012005011001) == "NIP harus berupa teks (terbaca int)"


def test_identity_error_is_value_error():
    assert issubclass(IdentityError, ValueError)


# --- NIK ---------------------------------------------------------------------


def test_parse_valid_nik_male():
    parsed = parse_nik(NIK_MALE, today=TODAY)
    assert parsed == ParsedNik(NIK_MALE, "320101", date(1980, 1, 15), "L", "0001")


def test_parse_valid_nik_female_day_plus_40():
    parsed = parse_nik(NIK_FEMALE, today=TODAY)
    assert (parsed.birth_date, parsed.gender, parsed.sequence) == (date(1980, 1, 15), "P", "0002")


def test_parse_nik_accepts_spacing():
    assert parse_nik("32.01.01 150180 0001", today=TODAY).number == NIK_MALE


@pytest.mark.parametrize(
    ("short_year", "expected_year"),
    [("11", 2011), ("05", 2005), ("00", 2000), ("12", 1912), ("40", 1940), ("99", 1999)],
)
def test_nik_century_guess(short_year, expected_year):
    value = f"3201010101{short_year}0001"
    if expected_year < 1940:
        expected = f"Tahun lahir pada NIK tidak boleh sebelum 1940 ({expected_year})"
        assert error_of(parse_nik, value) == expected
    else:
        assert parse_nik(value, today=TODAY).birth_date.year == expected_year


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("320101150180000", "NIK harus 16 digit angka (terbaca 15 digit)"),
        (PNS, "NIK harus 16 digit angka (terbaca 18 digit)"),
        ("", "NIK wajib diisi"),
        ("3201011501800O01", "NIK hanya boleh berisi angka (ditemukan karakter 'O')"),
        ("0001011501800001", "Kode provinsi pada NIK tidak valid (00); harus 11 sampai 94"),
        ("1001011501800001", "Kode provinsi pada NIK tidak valid (10); harus 11 sampai 94"),
        ("9501011501800001", "Kode provinsi pada NIK tidak valid (95); harus 11 sampai 94"),
        ("3201013201800001", "Tanggal lahir pada NIK tidak valid (320180)"),
        ("3201010001800001", "Tanggal lahir pada NIK tidak valid (000180)"),
        ("3201014001800001", "Tanggal lahir pada NIK tidak valid (400180)"),
        ("3201017201800001", "Tanggal lahir pada NIK tidak valid (720180)"),
        ("3201012902810001", "Tanggal lahir pada NIK tidak valid (290281)"),
        ("3201011513800001", "Tanggal lahir pada NIK tidak valid (151380)"),
        ("3201011501800000", "Nomor urut pada NIK tidak boleh 0000"),
    ],
)
def test_parse_nik_errors(value, message):
    assert error_of(parse_nik, value) == message


def test_nik_province_bounds_are_inclusive():
    assert parse_nik("1101011501800001", today=TODAY).region == "110101"
    assert parse_nik("9401011501800001", today=TODAY).region == "940101"


def test_nik_leap_day_female():
    assert parse_nik("3201016902800001", today=TODAY).birth_date == date(1980, 2, 29)


# --- warnings and derivation ------------------------------------------------


def test_warnings_empty_when_consistent():
    nip = parse_nip(PNS, today=TODAY)
    nik = parse_nik("3201010101800001", today=TODAY)
    assert identity_warnings(nip=nip, nik=nik, birth_date=date(1980, 1, 1), gender="L") == []
    assert identity_warnings(nip=nip, nik=nik, birth_date=datetime(1980, 1, 1, 8), gender=" laki-laki ") == []
    assert identity_warnings() == []


def test_warning_nip_vs_nik_birth_date():
    nip = parse_nip("198001022005011001", today=TODAY)
    nik = parse_nik("3201010101800001", today=TODAY)
    assert identity_warnings(nip=nip, nik=nik) == [
        "Tanggal lahir pada NIK (01-01-80) berbeda dengan NIP (02-01-1980)"
    ]


def test_warning_ignores_nik_century():
    nip = parse_nip(PNS, today=TODAY)
    nik = ParsedNik("3201010101800001", "320101", date(2080, 1, 1), "L", "0001")
    assert identity_warnings(nip=nip, nik=nik, birth_date=date(1980, 1, 1)) == []


def test_warning_nip_vs_nik_gender():
    nip = parse_nip(PNS, today=TODAY)
    nik = parse_nik("3201014101800001", today=TODAY)
    assert identity_warnings(nip=nip, nik=nik) == [
        "Jenis kelamin pada NIK (perempuan) berbeda dengan NIP (laki-laki)"
    ]


def test_warnings_for_entered_data():
    nip = parse_nip(PNS, today=TODAY)
    nik = parse_nik("3201010101800001", today=TODAY)
    warnings = identity_warnings(nip=nip, nik=nik, birth_date=date(1981, 1, 1), gender="P")
    assert warnings == [
        "Tanggal lahir yang diisi (01-01-1981) berbeda dengan NIP (01-01-1980)",
        "Tanggal lahir yang diisi (01-01-1981) berbeda dengan NIK (01-01-80)",
        "Jenis kelamin yang diisi (perempuan) berbeda dengan NIP (laki-laki)",
        "Jenis kelamin yang diisi (perempuan) berbeda dengan NIK (laki-laki)",
    ]


def test_warning_for_entered_data_against_one_source():
    nik = parse_nik(NIK_FEMALE, today=TODAY)
    assert identity_warnings(nik=nik, birth_date=date(1880, 1, 15), gender="p") == []
    assert identity_warnings(nik=nik, gender="L") == [
        "Jenis kelamin yang diisi (laki-laki) berbeda dengan NIK (perempuan)"
    ]


def test_warning_for_unknown_gender_and_silence_for_blank():
    nip = parse_nip(PNS, today=TODAY)
    assert identity_warnings(nip=nip, gender="X") == [
        "Jenis kelamin yang diisi tidak dikenali ('X'); gunakan L atau P"
    ]
    assert identity_warnings(nip=nip, gender="  ") == []


def test_derive_prefers_nip():
    nip = parse_nip(PPPK, today=TODAY)
    nik = parse_nik(NIK_MALE, today=TODAY)
    assert derive_birth_date_and_gender(nip, nik) == (date(1990, 5, 15), "P")
    assert derive_birth_date_and_gender(None, nik) == (date(1980, 1, 15), "L")
    assert derive_birth_date_and_gender(nip, None) == (date(1990, 5, 15), "P")
    assert derive_birth_date_and_gender(None, None) == (None, None)


# --- builders ----------------------------------------------------------------


def test_make_examples():
    assert make_nip_pns(date(1980, 1, 1), 2005, 1, "L", 1) == PNS
    assert make_nip_pppk(date(1990, 5, 15), 2022, 1, "P", 5) == PPPK
    assert make_nik("320101", date(1980, 1, 15), "L", 1) == NIK_MALE
    assert make_nik("320101", date(1980, 1, 15), "P", 2) == NIK_FEMALE


@pytest.mark.parametrize(
    "call",
    [
        lambda: make_nip_pns(date(1980, 1, 1), 2005, 13, "L", 1),
        lambda: make_nip_pns(date(1980, 1, 1), 2005, 1, "X", 1),
        lambda: make_nip_pns(date(1980, 1, 1), 2005, 1, "L", 0),
        lambda: make_nip_pns(date(1980, 1, 1), 2005, 1, "L", 1000),
        lambda: make_nip_pns(date(1980, 1, 1), 1990, 1, "L", 1),
        lambda: make_nip_pns(date(1930, 1, 1), 1960, 1, "L", 1),
        lambda: make_nip_pppk(date(1990, 1, 1), 2022, 0, "L", 1),
        lambda: make_nip_pppk(date(1990, 1, 1), 2022, 10, "L", 1),
        lambda: make_nip_pppk(date(1990, 1, 1), 2060, 1, "L", 1),
        lambda: make_nik("3201", date(1980, 1, 1), "L", 1),
        lambda: make_nik("950101", date(1980, 1, 1), "L", 1),
        lambda: make_nik("320101", date(1930, 1, 1), "L", 1),
        lambda: make_nik("320101", date(2100, 1, 1), "L", 1),
        lambda: make_nik("320101", date(1980, 1, 1), "L", 10000),
    ],
)
def test_make_rejects_impossible_input(call):
    with pytest.raises(ValueError):
        call()


# --- properties --------------------------------------------------------------

births = st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31))
genders = st.sampled_from(["L", "P"])
nip_sequences = st.integers(min_value=1, max_value=999)


@st.composite
def appointment_years(draw, birth_date):
    """Draw an appointment year the validation accepts for this birth date on TODAY."""
    upper = min(birth_date.year + 60, TODAY.year + 1)
    return draw(st.integers(min_value=birth_date.year + 15, max_value=upper))


@st.composite
def pns_numbers(draw):
    """Draw the ingredients and the resulting valid PNS NIP."""
    born, gender, sequence = draw(births), draw(genders), draw(nip_sequences)
    year, month = draw(appointment_years(born)), draw(st.integers(min_value=1, max_value=12))
    return make_nip_pns(born, year, month, gender, sequence), (born, gender, f"{year}{month:02d}", sequence)


@st.composite
def pppk_numbers(draw):
    """Draw the ingredients and the resulting valid NI PPPK."""
    born, gender, sequence = draw(births), draw(genders), draw(nip_sequences)
    year, contract = draw(appointment_years(born)), draw(st.integers(min_value=1, max_value=9))
    return make_nip_pppk(born, year, contract, gender, sequence), (born, gender, str(year), sequence)


regions = st.builds(
    lambda province, rest: f"{province}{rest:04d}",
    st.integers(min_value=11, max_value=94),
    st.integers(min_value=0, max_value=9999),
)


@settings(max_examples=300)
@given(pns_numbers())
def test_pns_round_trip(case):
    number, (born, gender, appointment, sequence) = case
    parsed = parse_nip_pns(number, today=TODAY)
    assert (parsed.birth_date, parsed.gender, parsed.appointment, int(parsed.sequence)) == (
        born,
        gender,
        appointment,
        sequence,
    )
    assert parse_nip(number, today=TODAY) == parsed
    spaced = f"{number[:8]} {number[8:14]} {number[14]} {number[15:]}"
    assert parse_nip(spaced, "PNS", today=TODAY) == parsed


@settings(max_examples=300)
@given(pppk_numbers())
def test_pppk_round_trip(case):
    number, (born, gender, appointment, sequence) = case
    parsed = parse_nip_pppk(number, today=TODAY)
    assert (parsed.birth_date, parsed.gender, parsed.appointment, int(parsed.sequence)) == (
        born,
        gender,
        appointment,
        sequence,
    )
    assert parse_nip(number, today=TODAY) == parsed


@settings(max_examples=300)
@given(regions, births, genders, st.integers(min_value=1, max_value=9999))
def test_nik_round_trip(region, born, gender, sequence):
    parsed = parse_nik(make_nik(region, born, gender, sequence), today=TODAY)
    assert (parsed.region, parsed.birth_date, parsed.gender, int(parsed.sequence)) == (
        region,
        born,
        gender,
        sequence,
    )


@settings(max_examples=200)
@given(pppk_numbers(), pns_numbers())
def test_formats_never_cross(pppk_case, pns_case):
    with pytest.raises(IdentityError, match="berformat PPPK, bukan PNS"):
        parse_nip_pns(pppk_case[0], today=TODAY)
    with pytest.raises(IdentityError, match="berformat PNS, bukan PPPK"):
        parse_nip_pppk(pns_case[0], today=TODAY)


PARSERS = [
    lambda v: parse_nip_pns(v, today=TODAY),
    lambda v: parse_nip_pppk(v, today=TODAY),
    lambda v: parse_nip(v, today=TODAY),
    lambda v: parse_nip(v, "PNS", today=TODAY),
    lambda v: parse_nip(v, "PPPK", today=TODAY),
    lambda v: parse_nik(v, today=TODAY),
    lambda v: parse_nik(v),
    lambda v: parse_nip(v),
]


def only_identity_errors(value):
    """Run every parser and let nothing but IdentityError escape."""
    for parser in PARSERS:
        try:
            parser(value)
        except IdentityError as exc:
            assert str(exc)


@settings(max_examples=500)
@given(st.text())
def test_arbitrary_text_raises_only_identity_error(value):
    only_identity_errors(value)


@settings(max_examples=500)
@given(st.text("0123456789", min_size=16, max_size=16) | st.text("0123456789", min_size=18, max_size=18))
def test_arbitrary_digit_strings_raise_only_identity_error(value):
    only_identity_errors(value)


@settings(max_examples=300)
@given(st.text("0123456789 .-", min_size=0, max_size=40))
def test_pns_and_pppk_are_mutually_exclusive(value):
    results = []
    for parser in (parse_nip_pns, parse_nip_pppk):
        with contextlib.suppress(IdentityError):
            results.append(parser(value, today=TODAY))
    assert len(results) <= 1
    try:
        assert [parse_nip(value, today=TODAY)] == results
    except IdentityError:
        assert results == []


@pytest.mark.parametrize(
    "value",
    ["1" * 100_000, "\x00\x01\x7f", "\u0661\u0662\u0663", "\ud800", "-. -", "12345678901234567\u0668"],
)
def test_pathological_inputs(value):
    only_identity_errors(value)


@settings(max_examples=300)
@given(pns_numbers(), pppk_numbers(), regions, st.integers(min_value=1, max_value=9999))
def test_warnings_follow_consistency(pns_case, pppk_case, region, sequence):
    for number, (born, gender, _, _) in (pns_case, pppk_case):
        nip = parse_nip(number, today=TODAY)
        nik = parse_nik(make_nik(region, born, gender, sequence), today=TODAY)
        assert identity_warnings(nip=nip, nik=nik, birth_date=born, gender=gender) == []
        other = "P" if gender == "L" else "L"
        mismatched = parse_nik(make_nik(region, born, other, sequence), today=TODAY)
        assert identity_warnings(nip=nip, nik=mismatched)
        assert identity_warnings(nip=nip, gender=other)
        assert derive_birth_date_and_gender(nip, mismatched) == (born, gender)
