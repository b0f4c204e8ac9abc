"""NHS number check digits and postcodes: pure functions, no database."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from assessments.validators import (
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
)

KNOWN_VALID = "9990004110"


def check_digit(nine_digits: str) -> int:
    """Modulus 11, written out again here so the test does not trust the code."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine_digits))
    return (11 - total % 11) % 11


def error_code(validator, value):
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.code


# --- NHS number ----------------------------------------------------------------------


def test_a_known_valid_nhs_number_validates():
    assert nhs_number_is_valid(KNOWN_VALID)
    validate_nhs_number(KNOWN_VALID)  # raises if invalid


@pytest.mark.parametrize("position", range(10))
def test_changing_any_single_digit_of_a_valid_nhs_number_fails(position):
    original = int(KNOWN_VALID[position])
    for replacement in set(range(10)) - {original}:
        changed = (
            KNOWN_VALID[:position] + str(replacement) + KNOWN_VALID[position + 1 :]
        )
        assert not nhs_number_is_valid(changed), changed


def test_a_changed_digit_is_refused_with_the_check_digit_message():
    changed = "9990004111"
    assert error_code(validate_nhs_number, changed) == "nhs_number_check_digit"


@pytest.mark.parametrize(
    "value", ["999000411", "99900041100", "", "999-000-41", "99900O4110", "abcdefghij"]
)
def test_an_nhs_number_without_exactly_ten_digits_is_refused(value):
    assert not nhs_number_is_valid(value)
    assert error_code(validate_nhs_number, value) == "nhs_number_length"


@pytest.mark.parametrize(
    "typed", ["999 000 4110", " 9990004110 ", "999-000-4110", "999 000\t4110"]
)
def test_spaces_and_dashes_are_allowed_in_an_nhs_number(typed):
    assert normalise_nhs_number(typed) == KNOWN_VALID
    assert nhs_number_is_valid(typed)
    validate_nhs_number(typed)


@pytest.mark.parametrize("last", range(10))
def test_a_number_whose_check_digit_would_be_ten_is_never_valid(last):
    # 0000000060..69: the weighted sum is 12, so the check digit would be 10.
    prefix = "000000006"
    assert check_digit(prefix) == 10
    value = prefix + str(last)
    assert not nhs_number_is_valid(value)
    assert error_code(validate_nhs_number, value) == "nhs_number_check_digit"


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(prefix=nine_digits)
def test_appending_the_check_digit_validates_and_changing_the_last_digit_does_not(
    prefix,
):
    digit = check_digit(prefix)
    assume(digit != 10)
    assert nhs_number_is_valid(prefix + str(digit))
    validate_nhs_number(prefix + str(digit))
    for other in set(range(10)) - {digit}:
        assert not nhs_number_is_valid(prefix + str(other))


@given(first_eight=st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_a_prefix_whose_check_digit_would_be_ten_has_no_valid_number(first_eight):
    # Choose the ninth digit so that the check digit comes out as 10 (when one can).
    ninths = [d for d in "0123456789" if check_digit(first_eight + d) == 10]
    assume(ninths)
    prefix = first_eight + ninths[0]
    assert not any(nhs_number_is_valid(prefix + str(d)) for d in range(10))


# --- Postcode ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("ns42ev", "NS4 2EV"),
        ("NS4 2EV", "NS4 2EV"),
        ("  ns4   2ev ", "NS4 2EV"),
        ("ne14st", "NE1 4ST"),
        ("sw1a1aa", "SW1A 1AA"),
        ("m11ae", "M1 1AE"),
        ("", ""),
    ],
)
def test_postcodes_are_normalised_to_capitals_with_one_space(typed, normalised):
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize("typed", ["ns42ev", "NS4 2EV", "sw1a 1aa", "M1 1AE", ""])
def test_real_looking_postcodes_are_accepted(typed):
    validate_postcode(typed)  # raises if refused


@pytest.mark.parametrize(
    "garbage",
    ["hello", "12345", "NS4 2E", "NS42EVV", "N", "!!! ???", "1NS 2EV", "NS4 2E1"],
)
def test_garbage_is_refused_as_a_postcode(garbage):
    assert error_code(validate_postcode, garbage) == "postcode_format"
