"""Checking a case study for identifying details, and the helpers that replace them.
Pure and offline: no Django models, no network.

``check_text(text, identifiers)`` finds every place the text names the person, carer
or family: the identifiers CareHub holds for them (names, NHS numbers, postcodes,
address lines, phone numbers, dates of birth, the allocated worker's name) and,
whoever they belong to, anything that *looks* identifying: a valid NHS number, a UK
postcode, a UK phone number, an e-mail address or an exact date. Each ``Hit`` has
its kind, the text matched and where it is (offsets, line and column), so the page
can show the place. Any hit blocks a case study from moving on.

How things are matched:

- **Names**: whole words, any case, with a possessive ("Evans's", "Evans'"); a full
  name and each part of it (two letters or more; titles such as "Mrs" are not
  names). "Evanston" does not contain the name "Evans". A name that is also an
  ordinary word (May, Hope, Rose) blocks that word too: the writer rephrases.
- **NHS numbers**: ten digits, together or grouped by spaces or hyphens. The
  person's own number always; any other when its check digit is valid
  (``assessments.validators.nhs_number_is_valid``).
- **Postcodes**: with or without the space, any case.
- **Address lines**: each line of an address (split at line breaks and commas),
  whole words, spaces and commas between words ignored, the street number optional,
  and common abbreviations (Road/Rd, Avenue/Ave, ...) treated as the same word.
- **Phone numbers**: UK numbers written 01632 960123, (01632) 960 123, 0161-496-0000,
  07700 900123, +44 7700 900123, +44 (0)7700 900123, 0044 ...: 10 or 11 digits from
  the leading 0. Amounts (£41.54) and short numbers never qualify.
- **Dates**: 12/03/2025, 12.3.25, 2025-03-12, 12 March 2025, 12th March, March 12th
  (a day with a month is an exact date; "March 2025" and "week 3" are not). A
  numeric date needs its year, so "3/4 of her meals" is not a date. A date that is
  the person's date of birth (also without the year) is reported as such.

Where two hits overlap, the more specific one is kept (the person's own NHS number
over "an NHS number", a date of birth over "a date").

The helpers: ``age_band`` (a five-year band instead of a date of birth),
``relative_week`` (a date made relative to first contact) and ``replace_all`` with its
``Replacement`` log (what was replaced, by what). The log holds the identifiers
themselves, so it stays with the identifiable record and never goes into the shared
snapshot, a log line or a URL. The same goes for hits: show them to the writer, never
log them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from assessments.validators import nhs_number_is_valid


class Kind(StrEnum):
    # What CareHub holds for the person, carer and family
    NAME = "name"
    WORKER = "worker"
    NHS_NUMBER = "nhs_number"
    POSTCODE = "postcode"
    ADDRESS = "address"
    PHONE = "phone"
    BIRTH_DATE = "birth_date"
    # Anything that looks identifying, whoever it belongs to
    ANY_NHS_NUMBER = "any_nhs_number"
    ANY_POSTCODE = "any_postcode"
    ANY_PHONE = "any_phone"
    EMAIL = "email"
    DATE = "date"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Kind.NAME: "A name of the person or their family",
    Kind.WORKER: "The allocated worker's name",
    Kind.NHS_NUMBER: "Their NHS number",
    Kind.POSTCODE: "Their postcode",
    Kind.ADDRESS: "Part of their address",
    Kind.PHONE: "Their phone number",
    Kind.BIRTH_DATE: "Their date of birth (use an age band instead)",
    Kind.ANY_NHS_NUMBER: "An NHS number",
    Kind.ANY_POSTCODE: "A postcode",
    Kind.ANY_PHONE: "A phone number",
    Kind.EMAIL: "An email address",
    Kind.DATE: "An exact date (say how long after first contact instead, e.g. week 3)",
}

# Where hits overlap, the earlier kind in this list wins.
_PRIORITY = [
    Kind.BIRTH_DATE,
    Kind.NHS_NUMBER,
    Kind.PHONE,
    Kind.POSTCODE,
    Kind.EMAIL,  # a whole address, even when it holds a name
    Kind.ADDRESS,
    Kind.NAME,
    Kind.WORKER,
    Kind.DATE,
    Kind.ANY_PHONE,
    Kind.ANY_NHS_NUMBER,
    Kind.ANY_POSTCODE,
]


@dataclass(frozen=True)
class Identifiers:
    """What CareHub holds for the person, carer and family, and their worker."""

    names: Sequence[str] = ()
    worker_names: Sequence[str] = ()
    nhs_numbers: Sequence[str] = ()
    postcodes: Sequence[str] = ()
    addresses: Sequence[str] = ()  # whole addresses; split into lines here
    phones: Sequence[str] = ()
    birth_dates: Sequence[date] = ()


@dataclass(frozen=True)
class Hit:
    kind: Kind
    text: str  # the words matched, exactly as written
    start: int  # offset of the first character
    end: int  # offset after the last character
    line: int  # 1-based
    column: int  # 1-based, in characters

    @property
    def label(self) -> str:
        return self.kind.label


def check_text(text: str, identifiers: Identifiers | None = None) -> list[Hit]:
    """Every identifying detail in ``text``, in reading order."""
    identifiers = identifiers or Identifiers()
    candidates = [
        *_name_hits(text, identifiers.names, Kind.NAME),
        *_name_hits(text, identifiers.worker_names, Kind.WORKER),
        *_address_hits(text, identifiers.addresses),
        *_nhs_number_hits(text, identifiers.nhs_numbers),
        *_postcode_hits(text, identifiers.postcodes),
        *_phone_hits(text, identifiers.phones),
        *_date_hits(text, identifiers.birth_dates),
        *((Kind.EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)),
    ]
    rank = {kind: i for i, kind in enumerate(_PRIORITY)}
    candidates.sort(key=lambda c: (rank[c[0]], -(c[2] - c[1]), c[1]))
    taken: list[tuple[Kind, int, int]] = []
    for kind, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in taken):
            taken.append((kind, start, end))
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    hits = []
    for kind, start, end in sorted(taken, key=lambda c: c[1]):
        line = bisect.bisect_right(line_starts, start)
        hits.append(
            Hit(
                kind=kind,
                text=text[start:end],
                start=start,
                end=end,
                line=line,
                column=start - line_starts[line - 1] + 1,
            )
        )
    return hits


# -- names and addresses ---------------------------------------------------------

_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "rev", "prof"}
_POSSESSIVE = r"(?:['\u2019]s?)?"


def _name_hits(text: str, names: Iterable[str], kind: Kind):
    phrases = set()
    for name in names:
        words = re.findall(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*", name or "")
        words = [w for w in words if w.lower().rstrip(".") not in _TITLES]
        if not words:
            continue
        phrases.add(tuple(words))
        for word in words:
            for part in {word, *re.split(r"[-'\u2019]", word)}:
                if len(part) >= 2:
                    phrases.add((part,))
    for words in phrases:
        pattern = r"\s+".join(re.escape(w) for w in words)
        regex = re.compile(rf"(?<!\w){pattern}{_POSSESSIVE}(?!\w)", re.IGNORECASE)
        for match in regex.finditer(text):
            yield kind, match.start(), match.end()


_STREET_WORDS = [
    ("road", "rd"),
    ("street", "st"),
    ("avenue", "ave", "av"),
    ("lane", "ln"),
    ("drive", "dr"),
    ("close", "cl"),
    ("court", "ct"),
    ("crescent", "cres", "cresc"),
    ("gardens", "gdns"),
    ("place", "pl"),
    ("terrace", "terr", "ter"),
    ("square", "sq"),
    ("grove", "gr"),
    ("park", "pk"),
]
_SAME_WORD = {word: group for group in _STREET_WORDS for word in group}


def _address_hits(text: str, addresses: Iterable[str]):
    for address in addresses:
        for line in re.split(r"[\n,]+", address or ""):
            words = re.findall(r"\w+(?:['\u2019]\w+)*", line)
            if not words or "".join(words).isdigit():
                continue
            if _is_postcode(" ".join(words)):
                continue  # matched as a postcode, with or without its space
            variants = [words]
            if re.fullmatch(r"\d+[a-z]?", words[0], re.IGNORECASE) and len(words) > 1:
                variants.append(words[1:])  # the street without its number
            for variant in variants:
                if len(" ".join(variant)) < 3:
                    continue
                pattern = r"[\s,.]+".join(_address_word(w) for w in variant)
                regex = re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE)
                for match in regex.finditer(text):
                    yield Kind.ADDRESS, match.start(), match.end()


def _address_word(word: str) -> str:
    group = _SAME_WORD.get(word.lower().rstrip("."))
    if group:
        full, *short = group
        return rf"(?:{full}|(?:{'|'.join(short)})\.?)"
    return re.escape(word)


# -- numbers, postcodes, e-mail --------------------------------------------------

_NHS_SHAPE = re.compile(r"(?<![\d\w])\d(?:[ -]?\d){9}(?![\d\w])")


def _nhs_number_hits(text: str, known: Iterable[str]):
    own = {re.sub(r"\D", "", n) for n in known if n}
    for match in _NHS_SHAPE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits in own:
            yield Kind.NHS_NUMBER, match.start(), match.end()
        elif nhs_number_is_valid(digits):
            yield Kind.ANY_NHS_NUMBER, match.start(), match.end()


_POSTCODE = re.compile(
    r"(?<![\w])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \t]*\d[ABD-HJLNP-UW-Z]{2}(?![\w])",
    re.IGNORECASE,
)


def _is_postcode(value: str) -> bool:
    return bool(_POSTCODE.fullmatch(value.strip()))


def _postcode_hits(text: str, known: Iterable[str]):
    own = {re.sub(r"\s", "", p).upper() for p in known if p}
    for match in _POSTCODE.finditer(text):
        compact = re.sub(r"\s", "", match.group()).upper()
        kind = Kind.POSTCODE if compact in own else Kind.ANY_POSTCODE
        yield kind, match.start(), match.end()


_PHONE = re.compile(
    r"(?<![\w+.])"
    r"(?:(?:\+|00)44(?:[ -]{0,2}\(0\))?|\(?0)"
    r"(?:[ \-().]{0,2}\d){9,10}"
    r"(?![\d\w])"
)


def _national(number: str) -> str | None:
    """A UK phone number as its national digits (0 and 9 or 10 more), or None."""
    digits = re.sub(r"\D", "", number)
    if number.lstrip("(").startswith(("+", "00")):
        digits = digits.removeprefix("00").removeprefix("44")
        digits = digits if digits.startswith("0") else "0" + digits
    if len(digits) in (10, 11) and digits[0] == "0" and digits[1] in "1235789":
        return digits
    return None


def _phone_hits(text: str, known: Iterable[str]):
    own = {_national(p) for p in known if p} - {None}
    for match in _PHONE.finditer(text):
        national = _national(match.group())
        if national is None:
            continue
        kind = Kind.PHONE if national in own else Kind.ANY_PHONE
        yield kind, match.start(), match.end()


_EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


# -- dates -----------------------------------------------------------------------

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_MONTH_NAMES = {**_MONTHS, **{name[:3]: n for name, n in _MONTHS.items()}, "sept": 9}
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"

_NUMERIC_DATE = re.compile(
    r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/\-]|\.\d)"
)
_ISO_DATE = re.compile(r"(?<![\d/.\-])(\d{4})([/\-])(\d{1,2})\2(\d{1,2})(?![\d/\-])")
_DAY_MONTH = re.compile(
    rf"(?<![\w])(\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+({_MONTH})"
    rf"(?:,?\s+(\d{{4}}))?(?![\w])",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"(?<![\w])({_MONTH})\.?\s+(\d{{1,2}}){_ORDINAL}(?![\w])(?:,?\s+(\d{{4}}))?",
    re.IGNORECASE,
)


def _date_hits(text: str, birth_dates: Iterable[date]):
    births = list(birth_dates)
    for start, end, readings in _dates(text):
        readings = [(d, m, y) for d, m, y in readings if 1 <= m <= 12 and 1 <= d <= 31]
        if not readings:
            continue
        born = any(_is_birth(reading, births) for reading in readings)
        yield (Kind.BIRTH_DATE if born else Kind.DATE), start, end


def _dates(text: str):
    """Yield (start, end, [(day, month, year or None), ...]) for each date shape."""
    for m in _NUMERIC_DATE.finditer(text):
        first, second, year = int(m.group(1)), int(m.group(3)), m.group(4)
        # Day first (British), or month first (as some people write).
        yield m.start(), m.end(), [(first, second, year), (second, first, year)]
    for m in _ISO_DATE.finditer(text):
        yield m.start(), m.end(), [(int(m.group(4)), int(m.group(3)), m.group(1))]
    for m in _DAY_MONTH.finditer(text):
        month = _MONTH_NAMES[m.group(2).lower()]
        yield m.start(), m.end(), [(int(m.group(1)), month, m.group(3))]
    for m in _MONTH_DAY.finditer(text):
        month = _MONTH_NAMES[m.group(1).lower()]
        yield m.start(), m.end(), [(int(m.group(2)), month, m.group(3))]


def _is_birth(reading, births: Sequence[date]) -> bool:
    day, month, year = reading
    for born in births:
        if (day, month) != (born.day, born.month):
            continue
        if year is None:
            return True
        if len(year) == 4 and int(year) == born.year:
            return True
        if len(year) == 2 and int(year) == born.year % 100:
            return True
    return False


# -- helpers for writing the case study ------------------------------------------


def age_band(birth_date: date, on: date, *, top: int = 95) -> str:
    """A five-year age band on a day, e.g. "85\u201389"; "95 or over" at the top.

    The top band is open because a very great age is rare enough to identify.
    Someone born on 29 February has their birthday on 1 March in other years.
    """
    if birth_date > on:
        raise ValueError("The date of birth is after the day the age is worked out on.")
    age = (
        on.year
        - birth_date.year
        - ((on.month, on.day) < (birth_date.month, birth_date.day))
    )
    if age >= top:
        return f"{top} or over"
    lower = age - age % 5
    return f"{lower}\u2013{lower + 4}"


def relative_week(day: date, first_contact: date) -> str:
    """A date as the week since first contact: the first 7 days are "week 1".

    Anything earlier is "before first contact", deliberately vague.
    """
    if day < first_contact:
        return "before first contact"
    return f"week {(day - first_contact).days // 7 + 1}"


@dataclass(frozen=True)
class Replacement:
    """One entry of the anonymisation log: what was replaced, by what, why."""

    original: str
    replacement: str
    reason: str = ""  # e.g. "name", "place", "date"
    count: int = 0  # how many times it was replaced


def replace_all(
    text: str, replacements: Iterable[Replacement]
) -> tuple[str, tuple[Replacement, ...]]:
    """Replace each original (whole words, any case) and return the text and the log.

    All replacements are made in one pass, longest original first, so "Gwen Evans"
    is replaced before "Evans" and no replacement is replaced again. Possessives
    keep their ending: "Evans's" becomes "Mrs E's".
    """
    replacements = [r for r in replacements if r.original.strip()]
    if not replacements:
        return text, ()
    ordered = sorted(replacements, key=lambda r: len(r.original), reverse=True)
    by_key = {_key(r.original): r for r in ordered}
    pattern = "|".join(
        r"\s+".join(re.escape(w) for w in r.original.split()) for r in ordered
    )
    regex = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)
    counts = dict.fromkeys(by_key, 0)

    def swap(match: re.Match) -> str:
        key = _key(match.group())
        counts[key] += 1
        return by_key[key].replacement

    new_text = regex.sub(swap, text)
    log = tuple(
        replace(by_key[_key(r.original)], count=counts[_key(r.original)])
        for r in replacements
    )
    return new_text, log


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()
