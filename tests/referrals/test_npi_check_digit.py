"""The NPI check digit, against the examples of CMS's NPI check-digit document."""

from __future__ import annotations

import pytest

from ketacare.referrals.npi import check_digit, npi_problem


def test_cms_example_identifier_123456789_has_check_digit_3():
    # CMS: 24 + 2+2+6+4+1+0+6+1+4+8+1+8 ... = 67, next number ending in zero 70, 70 - 67 = 3.
    assert check_digit("123456789") == 3
    assert npi_problem("1234567893") is None


def test_cms_example_is_the_luhn_check_of_the_card_issuer_number_with_prefix_80840():
    digits = [int(c) for c in "808401234567893"]
    total = sum(
        d if i % 2 == 0 else (2 * d) // 10 + (2 * d) % 10 for i, d in enumerate(reversed(digits))
    )
    assert total % 10 == 0


@pytest.mark.parametrize("wrong_last", "012456789")
def test_any_other_last_digit_of_the_cms_example_is_refused(wrong_last):
    assert "check digit does not match" in npi_problem("123456789" + wrong_last)


def test_a_total_ending_in_zero_gives_check_digit_zero():
    # CMS step 3: "If the total ... is a number ending in zero, the check digit is zero".
    nine = next(f"{n:09d}" for n in range(100_000_000, 100_001_000) if check_digit(f"{n:09d}") == 0)
    assert npi_problem(nine + "0") is None
    assert npi_problem(nine + "1") is not None


@pytest.mark.parametrize(
    "value", ["", "123456789", "12345678931", "12345678a3", "١٢٣٤٥٦٧٨٩٣", " 1234567893"]
)
def test_anything_but_ten_ascii_digits_is_refused_by_its_length_or_form(value):
    assert npi_problem(value) == "An NPI has exactly 10 digits."


def test_check_digit_refuses_an_identifier_part_that_is_not_nine_digits():
    with pytest.raises(ValueError, match="nine digits"):
        check_digit("12345678")
