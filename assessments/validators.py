import re

from django.core.exceptions import ValidationError

NHS_NUMBER_HELP = (
    "Ten digits, spaces allowed, e.g. 943 476 5919. Leave blank if unknown."
)


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    """Modulus 11 check digit, as the NHS Number standard defines it."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(
            "An NHS number has exactly ten digits.", code="nhs_number_length"
        )
    if not nhs_number_is_valid(digits):
        raise ValidationError(
            "This is not a valid NHS number: its check digit does not match. "
            "Please check each digit.",
            code="nhs_number_check_digit",
        )


UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", (value or "").upper())
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def validate_postcode(value: str) -> None:
    if value and not UK_POSTCODE.match(normalise_postcode(value)):
        raise ValidationError(
            "Enter a UK postcode, e.g. NE1 4ST.", code="postcode_format"
        )
