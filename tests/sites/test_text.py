"""Shortening text where it is shown: whole words, then "…"; never half a word."""

import pytest
from django.template import Context, Template

from sites.text import shorten

LONG = (
    "Dial-a-ride twice a week to lunch at the café or pub they choose; the driver "
    "keeps Karen's phone number"
)


@pytest.mark.parametrize(
    ("limit", "shown"),
    [
        (
            80,
            "Dial-a-ride twice a week to lunch at the café or pub they choose; the driver…",
        ),
        (70, "Dial-a-ride twice a week to lunch at the café or pub they choose; the…"),
        (60, "Dial-a-ride twice a week to lunch at the café or pub they…"),
        # Punctuation left hanging before the ellipsis is dropped.
        (66, "Dial-a-ride twice a week to lunch at the café or pub they choose…"),
        (12, "Dial-a-ride…"),
        # A first word longer than the limit is kept whole, not cut.
        (5, "Dial-a-ride…"),
    ],
)
def test_long_text_is_cut_between_words_and_ends_with_an_ellipsis(limit, shown):
    assert shorten(LONG, limit) == shown
    assert len(shown) <= max(limit, len("Dial-a-ride…"))


def test_every_shortening_keeps_only_whole_words():
    words = LONG.split()
    for limit in range(1, len(LONG)):
        kept = shorten(LONG, limit).removesuffix("…").split()
        n = len(kept)
        assert kept[:-1] == words[: n - 1], limit
        # The last word is whole; only punctuation after it may have been dropped.
        assert kept[-1] == words[n - 1].rstrip(",;:."), limit


@pytest.mark.parametrize("text", [LONG, "", "Short", "  spaced  out  "])
def test_text_that_fits_is_left_exactly_as_written(text):
    assert shorten(text, len(text)) == text
    assert shorten(text, 200) == text


def test_nothing_shortens_to_nothing():
    assert shorten(None, 10) == ""


def test_the_template_filter_shortens_the_same_way_and_escapes():
    rendered = Template("{% load text %}{{ value|shorten:60 }}").render(
        Context({"value": LONG + " <b>"})
    )

    assert rendered == "Dial-a-ride twice a week to lunch at the café or pub they…"
    assert "<b>" not in Template("{% load text %}{{ v|shorten:200 }}").render(
        Context({"v": "<b>bold</b>"})
    )
