"""What the panel pages' tests share: the decision's outcomes, words for its reasons
and conditions, and one field's block on a page."""

import html

from panels.models import Decision
from tests.helpers import url

O = Decision.Outcome  # noqa: E741
REASONS = "Going to the allotment club meets his need to stay in touch with friends."
CONDITIONS = "Review after the growing season whether he still goes every week."


def field_block(response, name):
    """The HTML crispy renders for one field: its input, help and errors."""
    page = response.content.decode()
    start = page.index(f'id="div_id_{name}"')
    end = page.find('id="div_id_', start + 1)
    return html.unescape(page[start : end if end != -1 else None])


def panel_ids(panel):
    return [m.user for m in panel.members.all()]


# url name -> the URL's arguments, from the records. Who may open each page (every
# role x every page) is generated in tests/test_permissions.py.
VIEWS = {
    "meeting_open": lambda r: [r["meeting"].code],
    "meeting_close": lambda r: [r["meeting"].code],
    "item_add": lambda r: [r["meeting"].code],
    "item_move": lambda r: [r["item"].code],
    "item_decide": lambda r: [r["item"].code],
    "chairs_action": lambda r: [r["waiting"].code],
    "decision_detail": lambda r: [r["decision"].code],
    "decision_told": lambda r: [r["decision"].code],
}


def view_url(name, records):
    return url(name, *VIEWS[name](records))
