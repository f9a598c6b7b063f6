"""Rotating attendance codes: change every period, accept the previous one for a grace period."""
from datetime import UTC, datetime, timedelta

from netralitas.core import rotating_code

SECRET = "board-secret"
T0 = datetime(2026, 11, 21, 8, 0, 0, tzinfo=UTC)


def test_code_is_four_digits_and_stable_within_a_minute():
    code = rotating_code.code_at(SECRET, T0)
    assert len(code) == 4 and code.isdigit()
    assert rotating_code.code_at(SECRET, T0 + timedelta(seconds=59)) == code


def test_code_changes_between_minutes_and_secrets():
    codes = {rotating_code.code_at(SECRET, T0 + timedelta(minutes=m)) for m in range(30)}
    assert len(codes) > 20  # 4 digits: the odd repeat is allowed, a constant is not
    assert rotating_code.code_at("other", T0) != rotating_code.code_at(SECRET, T0) or \
        rotating_code.code_at("other", T0 + timedelta(minutes=1)) != rotating_code.code_at(SECRET, T0 + timedelta(minutes=1))


def test_previous_code_accepted_for_grace_period_only():
    code = rotating_code.code_at(SECRET, T0)
    assert rotating_code.matches(SECRET, code, T0 + timedelta(seconds=30))
    assert rotating_code.matches(SECRET, code, T0 + timedelta(seconds=90))  # one minute later: grace
    later = T0 + timedelta(seconds=150)
    assert not rotating_code.matches(SECRET, code, later) or rotating_code.code_at(SECRET, later) == code


def test_malformed_input_never_matches():
    for typed in ["", "12", "12345", "abcd", "١٢٣٤", None]:
        assert not rotating_code.matches(SECRET, typed, T0)


def test_seconds_left_counts_down():
    assert rotating_code.seconds_left(T0) == 60
    assert rotating_code.seconds_left(T0 + timedelta(seconds=45)) == 15
