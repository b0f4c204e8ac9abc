"""The server-side SVG bar charts: accessible, escaped, and allowed by the CSP."""

import re
from decimal import Decimal
from xml.etree import ElementTree

from panels.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ElementTree.fromstring(str(svg))  # noqa: S314 - our own output


def test_a_chart_is_an_image_with_a_title_for_screen_readers():
    svg = bar_chart([("Approved", 3), ("Declined", 1)], title="Decisions by kind")

    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Decisions by kind"
    assert root.find(f"{SVG}title").text == "Decisions by kind"


def test_each_row_has_a_label_a_bar_and_its_value():
    root = parse(bar_chart([("Approved", 3), ("Declined", 1)], title="Decisions"))

    texts = [t.text for t in root.iter(f"{SVG}text")]
    bars = [int(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert texts == ["Approved", "3", "Declined", "1"]
    assert len(bars) == 2
    assert bars[0] > bars[1] > 0


def test_labels_and_titles_are_escaped():
    svg = str(
        bar_chart(
            [("<script>alert(1)</script>", 2), ('Tom & "Jerry"', 1)],
            title="<b>Kinds</b>",
        )
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<b>" not in svg
    root = parse(svg)  # still well-formed XML
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in texts
    assert 'Tom & "Jerry"' in texts
    assert root.find(f"{SVG}title").text == "<b>Kinds</b>"


def test_formatted_values_are_escaped_too():
    svg = str(bar_chart([("Spend", Decimal("5"))], title="t", fmt=lambda v: f"<{v}>"))

    assert "&lt;5&gt;" in svg
    assert "<5>" not in svg


def test_a_row_of_zero_has_no_bar_but_keeps_its_label_and_value():
    root = parse(bar_chart([("Approved", 2), ("Declined", 0)], title="Decisions"))

    widths = [int(r.get("width")) for r in root.iter(f"{SVG}rect")]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert widths[1] == 0
    assert widths[0] > 0
    assert "Declined" in texts
    assert "0" in texts


def test_all_zero_rows_do_not_divide_by_zero():
    root = parse(bar_chart([("Approved", 0), ("Declined", 0)], title="Decisions"))

    assert [int(r.get("width")) for r in root.iter(f"{SVG}rect")] == [0, 0]


def test_a_tiny_value_still_shows_a_bar():
    root = parse(bar_chart([("Big", 100_000), ("Small", 1)], title="Decisions"))

    assert [int(r.get("width")) for r in root.iter(f"{SVG}rect")][1] == 1


def test_an_empty_chart_says_there_is_nothing_to_show():
    root = parse(bar_chart([], title="Decisions by kind"))

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Decisions by kind"
    assert list(root.iter(f"{SVG}rect")) == []
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Nothing to show yet."]
    assert int(root.get("height")) > 0


def test_money_values_use_the_given_format():
    svg = bar_chart(
        [("Authorised by panel", Decimal("1234.5"))],
        title="Spend",
        fmt=lambda v: f"£{v:,.2f}",
    )

    assert "£1,234.50" in [t.text for t in parse(svg).iter(f"{SVG}text")]


def test_a_chart_has_no_inline_style_so_the_csp_allows_it():
    for rows in ([("Approved", 3), ("<x>", 0)], []):
        svg = str(bar_chart(rows, title="Decisions"))

        assert not re.search(r"\sstyle\s*=", svg, re.IGNORECASE)
        assert "<style" not in svg.lower()
        assert "<script" not in svg.lower()


def test_a_long_label_has_room_to_the_left_of_its_bar():
    """Right-aligned at x, a label needs x pixels of room: the panel dashboard's
    "Approved in part or at a lower amount" was cut at the chart's left edge."""
    label = "Approved in part or at a lower amount"
    root = parse(bar_chart([(label, 2), ("Declined", 1)], title="Decisions"))

    label_x = next(
        float(t.get("x")) for t in root.iter(f"{SVG}text") if t.text == label
    )
    # DejaVu Sans at 13 px: at most about 0.6 em a character in running text.
    assert label_x >= len(label) * 13 * 0.6
    bar_x = min(float(r.get("x")) for r in root.iter(f"{SVG}rect"))
    assert bar_x > label_x


def test_short_labels_keep_the_usual_column():
    root = parse(bar_chart([("Approved", 3)], title="Decisions"))

    assert [float(r.get("x")) for r in root.iter(f"{SVG}rect")] == [250.0]
