"""Phone numbers on contacts, checked and written one way (``phonenumbers``, offline).

UK numbers are written as people in the UK dial them (0113 496 0000); others in the
international form (+33 1 23 45 67 89). A number that cannot be dialled is refused
with a message that says what to type.
"""

import phonenumbers
from django.core.exceptions import ValidationError

REGION = "GB"
PHONE_HELP = "A UK number (e.g. 0113 496 0000) or an international one starting +."


def format_phone(text: str) -> str:
    """``text`` as a formatted number; blank stays blank; an invalid number raises."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "This is not a phone number we can dial. Type a UK number with its "
            "area code (e.g. 0113 496 0000), or an international one starting +.",
            code="phone_invalid",
        )
    if phonenumbers.region_code_for_number(number) == REGION:
        style = phonenumbers.PhoneNumberFormat.NATIONAL
    else:
        style = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def validate_phone(text: str) -> None:
    format_phone(text)
