"""Pages reflow at 320 CSS px (WCAG 1.4.10): nothing cut off, no sideways scroll.

The crawl in test_accessibility.py checks the body of every page kind; here, the two
places that failed before: the people table's NHS numbers and the panel's charts.
"""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e

NARROW = {"width": 320, "height": 800}


def _box_fits(locator):
    # Not scrolled into view first: that would scroll a table's own container
    # sideways and hide the very cut-off this looks for.
    box = locator.bounding_box()
    assert box is not None, "not shown"
    return box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]


def _no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_people_table_shows_every_nhs_number_at_320_px(page, demo):
    page.set_viewport_size(NARROW)
    sign_in(page, "tom")
    page.goto("/s/northshire/people/?scope=all")
    numbers = page.locator(".person-table td[data-label='NHS number']")
    expect(numbers.first).to_be_visible()
    assert numbers.count() >= 4
    for i in range(numbers.count()):
        cell = numbers.nth(i)
        assert _box_fits(cell), f"NHS number {i + 1} is cut off"
        # Labelled, since the column heading is not shown at this width.
        assert cell.evaluate(
            "td => getComputedStyle(td, '::before').content"
        ).startswith('"NHS number')
    assert _no_sideways_scroll(page)


def test_the_panel_charts_fit_a_320_px_screen(page, demo):
    page.set_viewport_size(NARROW)
    sign_in(page, "priya")
    page.goto("/s/northshire/panel/")
    charts = page.locator("figure.chart svg")
    assert charts.count() >= 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert _box_fits(chart), f"chart {i + 1} overflows"
    assert _no_sideways_scroll(page)
