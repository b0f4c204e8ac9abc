"""The archive's lines: how a value is written to JSON and read back.

One JSON object per line (UTF-8, ``\\n`` after each), keys in the order of the
manifest's ``fields``. Dates, times and datetimes are ISO 8601 in full (with
microseconds and offset), decimals and UUIDs are strings, JSON fields are JSON.
"""

import datetime
import decimal
import hashlib
import json
import tomllib
import uuid
from functools import cache
from pathlib import Path

from django.conf import settings


def _plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"Cannot write a {type(value).__name__} to the archive")


def encode_line(row: dict) -> bytes:
    return (
        json.dumps(row, default=_plain, ensure_ascii=False, separators=(",", ":"))
        + "\n"
    ).encode()


class CountingWriter:
    """A stream into the ZIP that counts lines and hashes the bytes it is given."""

    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.count = 0

    def write_row(self, row: dict):
        data = encode_line(row)
        self.sha256.update(data)
        self.stream.write(data)
        self.count += 1


@cache
def carehub_version() -> str:
    path = Path(settings.BASE_DIR) / "pyproject.toml"
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):  # pragma: no cover
        return "unknown"


class ArchiveRefused(Exception):
    """The archive cannot be restored; the message says why. Nothing was written."""
