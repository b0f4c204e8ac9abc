"""Kept for migration ``0006_legal_record``, which names this path: the phone rules
live in ``sites.phones`` (the lowest app, so sites can check their duty line too)."""

from sites.phones import PHONE_HELP, format_phone, validate_phone

__all__ = ["PHONE_HELP", "format_phone", "validate_phone"]
