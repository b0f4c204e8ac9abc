"""The server-side XmR chart and the summary icons: what they draw, how they read
without colour or sight, and that the same markup renders in WeasyPrint."""

import io
import re
from decimal import Decimal
from xml.etree import ElementTree

import pypdf
import pytest
from weasyprint import HTML

from carehub.pdf import render_pdf
from sites.charts import (
    CONCERNING,
    IMPROVING,
    LINE,
    assurance_icon,
    number,
    variation_icon,
    xmr_chart,
)
from sites.spc import Assurance, Variation, xmr

SVG = "{http://www.w3.org/2000/svg}"

# The hand-worked series of tests/sites/test_spc.py: mean 40, limits 26.7 to 53.3.
WORKED = [41, 44, 39, 45, 37, 36, 35, 42, 46, 35, 36, 44]
MONTHS = [
    "Apr 2025",
    "May 2025",
    "Jun 2025",
    "Jul 2025",
    "Aug 2025",
    "Sep 2025",
    "Oct 2025",
    "Nov 2025",
    "Dec 2025",
    "Jan 2026",
    "Feb 2026",
    "Mar 2026",
    "Apr 2026",
    "May 2026",
    "Jun 2026",
]


def chart_of(values, labels=None, **options):
    labels = labels or MONTHS[: len(values)]
    return xmr(list(zip(labels, values, strict=True)), **options)


def parse(svg):
    return ElementTree.fromstring(str(svg))  # noqa: S314 - our own output


def texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


def data_marks(root):
    """Plotted points carry a tooltip <title>; legend samples do not."""
    return [
        element
        for element in root
        if element.tag in {f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon"}
        and element.find(f"{SVG}title") is not None
    ]


class TestXmRChart:
    def test_the_chart_is_an_image_named_and_described_for_screen_readers(self):
        rendered = xmr_chart(chart_of(WORKED), title="Share asked for")

        root = parse(rendered.svg)
        assert root.get("role") == "img"
        assert root.get("aria-label") == "Share asked for"
        assert root.find(f"{SVG}title").text == "Share asked for"
        assert root.find(f"{SVG}desc").text == rendered.text

    def test_the_chart_scales_with_its_view_box_and_has_no_pixel_width(self):
        root = parse(xmr_chart(chart_of(WORKED), title="t").svg)

        assert root.get("viewBox") == "0 0 640 320"
        assert root.get("width") is None
        assert root.get("height") is None

    def test_the_chart_has_no_inline_style_or_script_so_the_csp_allows_it(self):
        special = chart_of([*WORKED, 60, 20], baseline=12, direction="up", target=45)
        for chart in (chart_of(WORKED), special, chart_of([])):
            svg = str(xmr_chart(chart, title="t", y_label="%").svg)

            assert not re.search(r"\sstyle\s*=", svg, re.IGNORECASE)
            assert "<style" not in svg.lower()
            assert "<script" not in svg.lower()
            assert not re.search(r"\son\w+\s*=", svg, re.IGNORECASE)

    def test_every_point_is_plotted_with_its_period_and_value_in_a_tooltip(self):
        root = parse(xmr_chart(chart_of(WORKED), title="t").svg)

        marks = data_marks(root)
        assert len(marks) == 12
        assert marks[0].find(f"{SVG}title").text == "Apr 2025: 41"
        assert marks[-1].find(f"{SVG}title").text == "Mar 2026: 44"
        assert {m.tag for m in marks} == {f"{SVG}circle"}
        assert {m.get("fill") for m in marks} == {LINE}

    def test_special_cause_points_differ_in_shape_as_well_as_colour(self):
        # Months 13 and 14: 60 is above the upper limit 53.3 (improving when up
        # is better: a blue square); 20 is below 26.7 (concerning: an orange
        # triangle). Common-cause points stay small grey circles.
        chart = chart_of([*WORKED, 60, 20], baseline=12, direction="up")
        marks = data_marks(parse(xmr_chart(chart, title="t").svg))

        high, low = marks[12], marks[13]
        assert (high.tag, high.get("fill")) == (f"{SVG}rect", IMPROVING)
        assert (low.tag, low.get("fill")) == (f"{SVG}polygon", CONCERNING)
        assert all(m.tag == f"{SVG}circle" for m in marks[:12])
        assert "outside the process limits" in high.find(f"{SVG}title").text
        assert "concerning" in low.find(f"{SVG}title").text

    def test_a_legend_names_each_kind_of_point_shown(self):
        chart = chart_of([*WORKED, 60, 20], baseline=12, direction="up")
        shown = texts(parse(xmr_chart(chart, title="t").svg))

        assert "Common cause" in shown
        assert "Special cause: improving" in shown
        assert "Special cause: concerning" in shown
        assert "Special cause: unusual" not in shown

    def test_mean_limits_and_target_are_drawn_and_labelled(self):
        chart = chart_of(WORKED, direction="up", target=45)
        root = parse(xmr_chart(chart, title="t").svg)

        shown = texts(root)
        assert "Mean 40" in shown
        assert "Upper 53.3" in shown
        assert "Lower 26.7" in shown
        assert "Target 45" in shown
        lines = list(root.iter(f"{SVG}line"))
        dashes = [line.get("stroke-dasharray") for line in lines]
        assert dashes.count("6 4") == 2  # full (not trial) limits
        assert dashes.count("8 3 2 3") == 1  # the target

    def test_axes_are_labelled(self):
        chart = chart_of(WORKED)
        shown = texts(
            parse(
                xmr_chart(
                    chart, title="t", y_label="% of responses", x_label="Month"
                ).svg
            )
        )

        assert "% of responses" in shown
        assert "Month" in shown
        assert "Apr 2025" in shown
        assert "Mar 2026" in shown  # the latest period is always named
        assert {"30", "40", "50"} <= set(shown)  # y-axis ticks

    def test_long_series_name_only_some_periods_but_always_the_latest(self):
        labels = [f"Week {i}" for i in range(1, 31)]
        chart = chart_of([10 + i % 3 for i in range(30)], labels=labels)
        shown = [
            t for t in texts(parse(xmr_chart(chart, title="t").svg)) if "Week" in t
        ]

        assert len(shown) <= 8
        assert shown[0] == "Week 1"
        assert shown[-1] == "Week 30"

    def test_trial_limits_are_marked(self):
        chart = chart_of(WORKED[:8])
        root = parse(xmr_chart(chart, title="t").svg)

        assert "Trial limits" in texts(root)
        dashes = [line.get("stroke-dasharray") for line in root.iter(f"{SVG}line")]
        assert dashes.count("2 3") == 2
        assert "trial limits" in xmr_chart(chart, title="t").text

    def test_full_limits_are_not_marked_as_trial(self):
        root = parse(xmr_chart(chart_of(WORKED), title="t").svg)

        assert "Trial limits" not in texts(root)

    def test_a_rebase_breaks_the_lines_and_is_marked(self):
        chart = chart_of([*WORKED, 60, 62, 58], rebase_at=[12])
        root = parse(xmr_chart(chart, title="t").svg)

        assert texts(root).count("Re-based") == 1
        means = [
            line
            for line in root.iter(f"{SVG}line")
            if line.get("stroke") == "#222" and line.get("stroke-dasharray") is None
        ]
        # Two mean lines, one per segment, and the later one starts after the first
        # one ends.
        assert len(means) == 2
        assert float(means[1].get("x1")) > float(means[0].get("x2"))
        assert "Mean 60" in texts(root)  # the labels are the limits now in force
        assert "Trial limits" in texts(root)  # 3 points after the re-base

    def test_labels_and_title_are_escaped(self):
        chart = chart_of([1, 2, 3], labels=["<b>Q1</b>", "Q2 & Q3", '"Q4"'])
        svg = str(xmr_chart(chart, title="<script>x</script>", y_label="<i>").svg)

        assert "<script>" not in svg
        assert "<b>" not in svg
        root = parse(svg)  # still well-formed
        assert root.find(f"{SVG}title").text == "<script>x</script>"
        assert "<b>Q1</b>" in texts(root)

    def test_a_counts_axis_does_not_go_below_zero(self):
        chart = chart_of([0, 3, 1, 4, 2], floor=0)
        ticks = [
            t for t in texts(parse(xmr_chart(chart, title="t").svg)) if t.isdigit()
        ]

        assert ticks[0] == "0"
        assert "\u22122" not in texts(parse(xmr_chart(chart, title="t").svg))

    def test_an_empty_chart_says_there_is_nothing_to_show(self):
        rendered = xmr_chart(chart_of([]), title="People waiting")

        root = parse(rendered.svg)
        assert texts(root) == ["Nothing to show yet."]
        assert rendered.text == "People waiting: no figures yet."

    def test_a_single_point_is_drawn_without_limits(self):
        root = parse(xmr_chart(chart_of([7]), title="t").svg)

        assert len(data_marks(root)) == 1
        assert "Mean 7" in texts(root)
        assert not any(t.startswith("Upper") for t in texts(root))

    def test_the_rendered_chart_drops_into_a_template_as_markup(self):
        rendered = xmr_chart(chart_of(WORKED), title="t")

        assert str(rendered) == rendered.svg
        assert rendered.__html__() == rendered.svg


class TestTextAlternative:
    def test_it_says_what_the_chart_shows_and_the_latest_value(self):
        rendered = xmr_chart(chart_of(WORKED), title="Share asked for")

        assert rendered.text == (
            "Share asked for, from Apr 2025 to Mar 2026: the latest value is 44 "
            "(Mar 2026). No special cause variation."
        )

    def test_it_names_special_cause_at_the_latest_point_and_why(self):
        chart = chart_of([*WORKED, 20], baseline=12, direction="up", target=30)
        alternative = xmr_chart(chart, title="Share asked for").text

        assert alternative == (
            "Share asked for, from Apr 2025 to Apr 2026: the latest value is 20 "
            "(Apr 2026). The latest point shows special cause variation, concerning "
            "(lower values): it is outside the process limits; on current limits "
            "the measure will sometimes meet and sometimes miss the target of 30."
        )

    def test_it_mentions_earlier_special_cause(self):
        chart = chart_of([*WORKED, 60, 41], baseline=12)
        alternative = xmr_chart(chart, title="t").text

        assert (
            "No special cause at the latest point, but 1 earlier point shows it, "
            "most recently Apr 2026"
        ) in alternative

    def test_it_says_when_limits_are_trial_limits(self):
        alternative = xmr_chart(chart_of(WORKED[:5]), title="t").text

        assert alternative.endswith(
            "the limits are trial limits, from fewer than 12 points."
        )

    def test_every_kind_of_special_cause_reads_as_words(self):
        # Neither direction better: a run of 7 low reads "unusually low".
        values = [*WORKED, 36, 36, 36, 36, 36, 36, 36]
        labels = [f"Month {i}" for i in range(1, 20)]
        chart = chart_of(values, labels=labels, baseline=12)
        alternative = xmr_chart(chart, title="t").text

        assert "special cause variation, unusually low: it is part of a run" in (
            alternative
        )

    def test_it_uses_the_given_number_format(self):
        chart = chart_of([1234, 1500])
        alternative = xmr_chart(chart, title="Cost", fmt=lambda v: f"£{v:,}").text

        assert "the latest value is £1,500 (May 2025)" in alternative
        assert "trial limits" in alternative


class TestIcons:
    @pytest.mark.parametrize("variation", list(Variation))
    def test_each_variation_icon_is_named_by_its_meaning(self, variation):
        root = parse(variation_icon(variation))

        assert root.get("role") == "img"
        assert root.get("aria-label") == variation.label
        assert root.find(f"{SVG}title").text == variation.label

    @pytest.mark.parametrize(
        ("variation", "letter"),
        [
            (Variation.IMPROVING_HIGH, "H"),
            (Variation.CONCERNING_HIGH, "H"),
            (Variation.NEITHER_HIGH, "H"),
            (Variation.IMPROVING_LOW, "L"),
            (Variation.CONCERNING_LOW, "L"),
            (Variation.NEITHER_LOW, "L"),
        ],
    )
    def test_special_cause_icons_carry_a_letter_not_only_a_colour(
        self, variation, letter
    ):
        assert texts(parse(variation_icon(variation))) == [letter]

    def test_the_common_cause_icon_has_no_letter(self):
        assert texts(parse(variation_icon(Variation.COMMON_CAUSE))) == []

    def test_improving_and_concerning_icons_differ_in_colour_too(self):
        improving = parse(variation_icon(Variation.IMPROVING_HIGH))
        concerning = parse(variation_icon(Variation.CONCERNING_HIGH))

        assert improving.find(f"{SVG}circle").get("stroke") == IMPROVING
        assert concerning.find(f"{SVG}circle").get("stroke") == CONCERNING

    @pytest.mark.parametrize(
        ("assurance", "letter"),
        [
            (Assurance.PASSING, "P"),
            (Assurance.FAILING, "F"),
            (Assurance.HIT_AND_MISS, "?"),
        ],
    )
    def test_assurance_icons_carry_a_letter_and_their_meaning(self, assurance, letter):
        root = parse(assurance_icon(assurance))

        assert texts(root) == [letter]
        assert root.get("aria-label") == assurance.label

    def test_no_target_means_no_assurance_icon(self):
        assert str(assurance_icon(Assurance.NONE)) == ""

    def test_icons_keep_a_small_fixed_size(self):
        root = parse(variation_icon(Variation.COMMON_CAUSE, size=32))

        assert (root.get("width"), root.get("height")) == ("32", "32")
        assert root.get("viewBox") == "0 0 40 40"

    def test_icons_have_no_inline_style(self):
        for svg in [
            *(variation_icon(v) for v in Variation),
            *(assurance_icon(a) for a in Assurance),
        ]:
            assert "style" not in str(svg).lower()


class TestInPrint:
    def test_the_chart_renders_in_a_pdf_with_its_labels(self):
        chart = chart_of([*WORKED, 60], baseline=12, direction="up", target=45)
        rendered = xmr_chart(chart, title="Share asked for", y_label="% asked for")

        data = render_pdf("pdf/sample.html", {"reference": "R-1", "body": rendered})
        text = "\n".join(
            page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages
        )

        for label in ("Mean 40", "Upper 53.3", "Target 45", "Apr 2026", "% asked for"):
            assert label in text

    @pytest.mark.parametrize("width", [300, 520])
    def test_the_chart_fills_its_container_and_keeps_its_proportions(self, width):
        rendered = xmr_chart(chart_of(WORKED), title="t")
        html = (
            f"<html><head><style>div {{ width: {width}px }} svg {{ display: block }}"
            f"</style></head><body><div>{rendered}</div></body></html>"
        )

        page = HTML(string=html).render().pages[0]
        box = next(b for b in _boxes(page._page_box) if "svg" in _tag(b))

        assert box.width == pytest.approx(width)
        assert box.height == pytest.approx(width / 2)  # viewBox 640 x 320

    def test_icons_render_in_a_pdf(self):
        body = variation_icon(Variation.CONCERNING_LOW) + assurance_icon(
            Assurance.FAILING
        )
        data = HTML(string=f"<html><body>{body}</body></html>").write_pdf()
        text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()

        assert text.split() == ["L", "F"]


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _tag(box):
    return str(getattr(box, "element_tag", ""))


class TestNumber:
    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (40, "40"),
            ("53.30", "53.3"),
            ("48.866666", "48.87"),
            ("1234.5", "1,234.5"),
            ("-2.5", "\u22122.5"),
            ("-0.001", "0"),
            ("0", "0"),
        ],
    )
    def test_figures_are_shown_plainly(self, value, shown):
        assert number(Decimal(value)) == shown
