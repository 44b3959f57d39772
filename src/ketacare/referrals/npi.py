"""The National Provider Identifier's check digit, as CMS specifies it.

Source: CMS, "Requirements for National Provider Identifier (NPI) Check Digit"
(NPIcheckdigit.pdf, NPI Standard, Administrative Simplification; docs/referrals.md). An NPI
is ten digits, the last being a Luhn (ISO/IEC 7812, modulus 10 "double-add-double") check
digit computed as if the card-issuer prefix 80840 stood in front of the nine others. The
prefix's own contribution to the sum is the constant 24, which CMS adds in step 2.

Plain Python: no Django, so the rule reads on its own and is tested against CMS's example.
"""

from __future__ import annotations

NPI_LENGTH = 10
PREFIX_CONSTANT = 24  # CMS: the digits 8 0 8 4 0 of the 80840 prefix, doubled and added


def check_digit(first_nine: str) -> int:
    """The check digit CMS computes for the nine-digit identifier part.

    CMS's example: 123456789 -> 24 + 43 = 67; 70 - 67 = 3, so the NPI is 1234567893.
    """
    if len(first_nine) != NPI_LENGTH - 1 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("the identifier part of an NPI is nine digits")
    total = PREFIX_CONSTANT
    # Step 1: double alternate digits, beginning with the rightmost one.
    for position, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
        total += digit // 10 + digit % 10  # step 2: add the digits of each product
    return (10 - total % 10) % 10  # step 3: up to the next number ending in zero


def npi_problem(value: str) -> str | None:
    """Why `value` is not a valid NPI, in words for the person who typed it; None if valid."""
    if len(value) != NPI_LENGTH or not value.isascii() or not value.isdigit():
        return "An NPI has exactly 10 digits."
    if int(value[-1]) != check_digit(value[:-1]):
        return "This is not a valid NPI: its check digit does not match. Please check the number."
    return None
