"""Masking never reveals a whole identity number and keeps names recognisable but partial."""
from hypothesis import given
from hypothesis import strategies as st

from netralitas.core.masking import MASK, mask_name, mask_number


def test_nip_and_nik_keep_only_the_ends():
    assert mask_number("198504122010032007") == "1985" + MASK * 10 + "2007"
    assert mask_number("3273015204850012") == "3273" + MASK * 8 + "0012"
    assert mask_number("") == "" and mask_number(None) == ""


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_masked_number_never_contains_the_middle(number):
    masked = mask_number(number)
    assert len(masked) == len(number)
    assert masked != number
    assert masked.count(MASK) >= max(len(number) - 8, 1)


def test_names_show_first_word_and_initials():
    assert mask_name("Siti Rahayu Lestari") == f"Siti R{MASK * 5} L{MASK * 6}"
    assert mask_name("Budi") == "Budi"
    assert mask_name("  ") == ""
