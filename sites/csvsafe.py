"""CSV that is safe to open in a spreadsheet, written row by row so it can stream.

**Formula injection** (OWASP "CSV injection"): a spreadsheet runs a cell that starts
with ``=``, ``+``, ``-`` or ``@`` as a formula, and tab and carriage return (and NUL,
which OWASP's ASVS adds; and line feed) can smuggle one in. Any *text* cell whose
first character, after any leading spaces, is one of these gets a leading ``'``,
which spreadsheets read as "this is text". Text is always quoted and embedded quotes
doubled (RFC 4180).

**Numbers stay numbers**: ``int``, ``float`` and ``Decimal`` values are written bare,
so -12.50 is a negative number in the spreadsheet, not text. Pass figures as numbers;
the same figure passed as the text "-12.50" is neutralised like any other text.

Other values: ``None`` is an empty cell, ``True``/``False`` are "Yes"/"No", dates
and times are ISO 8601 (2025-03-12), anything else is ``str(value)``.

**Streaming**: ``csv_lines`` yields one line at a time and reads rows lazily, so a
``StreamingHttpResponse`` can send a large export without building it in memory.
``csv_response`` wraps that, as ``carehub.pdf.pdf_response`` does for PDFs.
**Excel**: ``bom=True`` starts the file with a UTF-8 byte order mark, without which
Excel reads UTF-8 as Windows-1252 (and "£" turns into "Â£").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal

from django.http import StreamingHttpResponse

DANGEROUS_FIRST = frozenset("=+-@\t\r\n\x00")
BOM = "\ufeff"

# The same rule as PDFs: a slug, never room for a person's name.
_SAFE_FILENAME = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*\.csv")


def safe_cell(value):
    """One value as it should go into the CSV: numbers as numbers, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value)
    if text.lstrip(" ")[:1] in DANGEROUS_FIRST:
        return "'" + text
    return text


def csv_lines(
    rows: Iterable[Iterable], *, header: Iterable | None = None, bom: bool = False
) -> Iterator[str]:
    """Yield the CSV one line at a time (CRLF line ends), header first if given."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_NONNUMERIC)
    prefix = BOM if bom else ""
    if header is not None:
        yield prefix + writer.writerow([safe_cell(v) for v in header])
        prefix = ""
    for row in rows:
        yield prefix + writer.writerow([safe_cell(v) for v in row])
        prefix = ""
    if prefix:  # no rows and no header: still a file Excel reads as UTF-8
        yield prefix


def csv_response(
    rows: Iterable[Iterable],
    *,
    filename: str,
    header: Iterable | None = None,
    bom: bool = True,
) -> StreamingHttpResponse:
    """A streamed CSV download that no browser or proxy keeps a copy of."""
    # Refuse rather than slugify: a name that needs cleaning is a caller bug, and
    # it could carry a person's name into the download.
    if not _SAFE_FILENAME.fullmatch(filename) or len(filename) > 120:
        raise ValueError(f"Unsafe CSV filename: {filename!r}")
    response = StreamingHttpResponse(
        csv_lines(rows, header=header, bom=bom),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    """A file-like object whose write() hands the line back (Django's CSV recipe)."""

    def write(self, value: str) -> str:
        return value
