"""Finding a page's forms, and hostile values for their fields (issue 11, item 13).

Forms are read from the pages themselves, so a new field, or a new form on any page,
is fuzzed without anyone listing it.
"""

import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import strategies as st

from sites.forms import TEXT_LIMIT


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, number, date, hidden, checkbox, radio, select, ...
    values: list = field(default_factory=list)  # what the page offers (or holds)
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def _add(self, name, kind, value=None, multiple=False):
        if self._form is None or not name or name == "csrfmiddlewaretoken":
            return
        known = self._form.fields.setdefault(name, Field(name, kind, [], multiple))
        if kind in {"checkbox", "select"} and multiple:
            known.multiple = True
        if value is not None:
            known.values.append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.page
            self._form = Form(action.split("#")[0], (a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                if kind == "submit" and a.get("name"):
                    self._add(a["name"], "submit", a.get("value", ""))
                return
            self._add(
                a.get("name"), kind, a.get("value", "on" if kind == "checkbox" else "")
            )
            if kind == "checkbox" and self._form is not None and a.get("name"):
                # Several boxes of one name are a multiple choice.
                known = self._form.fields[a["name"]]
                known.multiple = len(known.values) > 1
        elif tag == "select":
            self._select = a.get("name")
            self._add(self._select, "select", None, "multiple" in a)
        elif tag == "option" and self._select:
            self._add(self._select, "select", a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "textarea")
        elif tag == "button" and a.get("name"):
            self._add(a["name"], "submit", a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(page_address, markup):
    parser = _FormParser(page_address)
    parser.feed(markup)
    return parser.forms


# --- hostile values -------------------------------------------------------------------

NASTY_TEXT = [
    "",
    "   ",
    "\x00",
    "before\x00after",
    "\x1b[31mred\x1b[0m \x07\x08\x7f",
    "line\r\nbreak\rreturn",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE people; --',
    "{{ 7*7 }} {% now 'Y' %}",
    "%s %n %(name)s",
    "\u202egnp.exe",
    "\ufeff\u200b\u00a0",
    "😀" * 20,
    "x" * (TEXT_LIMIT + 1),  # longer than any field takes
]
NASTY_NUMBERS = [
    "-1",
    "0",
    "-0.01",
    "0.001",
    "1e9999",
    "-1e9999",
    "NaN",
    "Infinity",
    "99999999.99",
    "100000.01",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "1,000",
    "0x10",
    "½",
]
NASTY_DATES = [
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "0000-00-00",
    "2026-02-30",
    "2025-02-29",
    "2026-13-01",
    "31/12/2026",
    "yesterday",
    "2026-01-01T25:61",
]
NASTY_IDS = [
    "abc",
    "0",
    "-1",
    "99999999999999",
    "00000000-0000-0000-0000-000000000000",
    "../../etc/passwd",
]
# Query parameters every page is tried with, besides those of its own GET forms.
QUERY_NAMES = [
    "page",
    "q",
    "scope",
    "status",
    "date_from",
    "date_to",
    "other",
    "person",
    "kind",
    "role",
    "sort",
    "next",
    "from",
    "to",
    "year",
    "week",
]
DEEP_PAGES = ["0", "-1", "999999999", "9" * 30, "1.5", "last", "abc"]

text = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=40),  # any code point, control characters included
)
numbers = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
)
dates = st.one_of(st.sampled_from(NASTY_DATES), st.dates().map(lambda d: d.isoformat()))
ids = st.one_of(st.sampled_from(NASTY_IDS), st.uuids().map(str))
anything = st.one_of(text, numbers, dates, ids, st.sampled_from(DEEP_PAGES))

BY_KIND = {
    "text": text,
    "textarea": text,
    "search": text,
    "email": text,
    "tel": text,
    "password": text,
    "number": numbers,
    "date": dates,
    "datetime-local": dates,
    "time": text,
}


def sensible(f: Field):
    """What the page itself offers for the field: its value, or one of its choices."""
    offered = [v for v in f.values if v is not None]
    if not offered:
        return st.just("")
    if f.multiple:
        return st.lists(st.sampled_from(offered), max_size=len(offered), unique=True)
    return st.sampled_from(offered)


def value_for(f: Field):
    """A value for one field: sensible (so deeper checks are reached), hostile for its
    kind, hostile of any kind, or a list where one value is expected."""
    hostile = BY_KIND.get(f.kind, ids if f.kind in {"select", "radio"} else anything)
    return st.one_of(
        sensible(f),
        hostile,
        anything,
        st.lists(anything, min_size=2, max_size=3),
    )


def random_code():
    return str(uuid.uuid4())
