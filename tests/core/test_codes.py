"""Crockford base32 codes: round trips, typo tolerance and check symbols."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netralitas.core import codes

code_text = st.text(alphabet=codes.ALPHABET, min_size=10, max_size=10)


@given(code_text)
@settings(max_examples=300)
def test_grouped_lowercase_and_lookalikes_parse_back(code):
    typed = codes.group(code).lower().replace("0", "o").replace("1", "l")
    assert codes.parse(typed, 10) == code


@given(code_text)
@settings(max_examples=300)
def test_check_symbol_round_trip(code):
    assert codes.parse_checked(codes.group(codes.with_check(code), 4), 10) == code


@given(code_text, st.integers(min_value=0, max_value=9), st.sampled_from(codes.ALPHABET))
@settings(max_examples=300)
def test_check_symbol_catches_every_single_substitution(code, position, replacement):
    if code[position] == replacement:
        return
    typo = code[:position] + replacement + code[position + 1:]
    with pytest.raises(codes.CodeError):
        codes.parse_checked(typo + codes.check_symbol(code), 10)


@given(code_text, st.integers(min_value=0, max_value=8))
@settings(max_examples=300)
def test_check_symbol_catches_adjacent_transpositions(code, position):
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    with pytest.raises(codes.CodeError):
        codes.parse_checked(swapped + codes.check_symbol(code), 10)


@pytest.mark.parametrize("typed", ["", "ABC", "ABCDEFGHJKM", "ABCDE-FGHJU", "ÄBCDEFGHJK"])
def test_wrong_length_or_alphabet_is_rejected(typed):
    with pytest.raises(codes.CodeError):
        codes.parse(typed, 10)


def test_derived_codes_are_stable_per_key_and_message():
    first = codes.derived_code(b"k1", "event:1:employee:2:0", 10)
    assert first == codes.derived_code(b"k1", "event:1:employee:2:0", 10)
    assert first != codes.derived_code(b"k2", "event:1:employee:2:0", 10)
    assert first != codes.derived_code(b"k1", "event:1:employee:2:1", 10)
    assert len(first) == 10 and set(first) <= set(codes.ALPHABET)


def test_random_codes_differ_and_use_the_alphabet():
    drawn = {codes.random_code(10) for _ in range(200)}
    assert len(drawn) == 200
    assert all(set(c) <= set(codes.ALPHABET) for c in drawn)


def test_a_wrong_check_character_message_allows_a_digit():
    """The check alphabet has digits as well as letters: the message must not say 'the last letter'."""
    assert any(symbol.isdigit() for symbol in codes.CHECK_ALPHABET)
    code = codes.with_check("7K2QM9XP")
    wrong = next(symbol for symbol in codes.CHECK_ALPHABET if symbol != code[-1] and symbol in codes.ALPHABET)
    with pytest.raises(codes.CodeError, match="huruf atau angka, adalah karakter pemeriksa"):
        codes.parse_checked(code[:-1] + wrong, len(code) - 1)
