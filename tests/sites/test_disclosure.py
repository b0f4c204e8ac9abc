"""Disclosure control: small counts hidden, the rest rounded to 5, and no total or
percentage that gives a hidden cell away."""

from dataclasses import fields
from decimal import Decimal

import pytest

from sites.disclosure import (
    PARTIAL_NOTE,
    RULE_NOTE,
    SUPPRESSED_NOTE,
    Cell,
    disclose,
    disclose_share,
    disclose_table,
    rounded,
)


class TestOneCount:
    @pytest.mark.parametrize(
        ("count", "shown"),
        [
            (0, "0"),  # zero is not disclosive: shown as 0
            (1, "*"),  # 1 to 7: fewer than 8
            (7, "*"),
            (8, "10"),  # 8 is nearer 10 than 5
            (9, "10"),
            (10, "10"),
            (12, "10"),  # 2 from 10, 3 from 15
            (13, "15"),  # 3 from 10, 2 from 15
            (17, "15"),
            (18, "20"),
            (22, "20"),
            (23, "25"),
            (1002, "1,000"),
            (1003, "1,005"),
        ],
    )
    def test_each_boundary(self, count, shown):
        assert disclose(count).display == shown

    def test_a_suppressed_count_is_explained(self):
        cell = disclose(4)

        assert cell.suppressed
        assert cell.value is None
        assert cell.explanation == "fewer than 8"
        assert str(cell) == "*"

    def test_a_shown_count_has_its_rounded_value_and_no_explanation(self):
        cell = disclose(13)

        assert (cell.value, cell.suppressed, cell.explanation) == (15, False, "")

    def test_the_true_count_is_nowhere_in_the_cell(self):
        # A template could only ever show what the cell holds.
        cell = disclose(13)

        assert [getattr(cell, f.name) for f in fields(Cell)] == [
            "15",
            15,
            False,
            False,
        ]

    @pytest.mark.parametrize("bad", [12.5, Decimal("12.5"), "12", None, True])
    def test_a_count_that_is_not_a_whole_number_is_refused(self, bad):
        with pytest.raises(ValueError, match="whole number"):
            rounded(bad)

    def test_whole_decimals_and_floats_from_sql_are_counts(self):
        assert rounded(Decimal("13")) == 15
        assert rounded(13.0) == 15

    def test_a_negative_count_is_refused(self):
        with pytest.raises(ValueError, match="negative"):
            disclose(-1)


class TestShares:
    def test_a_percentage_is_worked_out_from_the_rounded_figures(self):
        # 9 of 23: rounded 10 of 25 = 40% (the true 39.1% would round to 39%).
        assert disclose_share(9, 23).display == "40%"

    def test_a_percentage_rounds_half_up(self):
        # 10 of 80 = 12.5% -> 13%
        assert disclose_share(10, 80).display == "13%"

    def test_a_suppressed_numerator_hides_the_percentage(self):
        cell = disclose_share(5, 40)

        assert cell.display == "*"
        assert cell.suppressed

    def test_a_suppressed_denominator_hides_the_percentage(self):
        assert disclose_share(0, 6).display == "*"

    def test_none_of_something_is_zero_percent(self):
        assert disclose_share(0, 40).display == "0%"

    def test_a_share_of_nothing_is_not_applicable(self):
        cell = disclose_share(0, 0)

        assert cell.display == "\u2013"
        assert cell.value is None
        assert cell.explanation == "nothing to compare with"


class TestTable:
    CATEGORIES = ["Asked for", "Service-led", "Not recorded"]

    def test_cells_totals_and_notes(self):
        table = disclose_table(
            [("Alpha", [23, 41, 0]), ("Bravo", [12, 9, 3])], self.CATEGORIES
        )

        alpha, bravo = table.rows
        assert [c.display for c in alpha.cells] == ["25", "40", "0"]
        assert alpha.total.display == "65"
        assert not alpha.total.partial
        assert [c.display for c in bravo.cells] == ["10", "10", "*"]
        # Bravo's total adds the shown 10 + 10 and leaves the * out.
        assert bravo.total.display == "20"
        assert bravo.total.partial
        assert bravo.total.explanation == "leaves out figures shown as *"
        assert [c.display for c in table.column_totals] == ["35", "50", "0"]
        assert table.column_totals[2].partial
        assert table.grand_total.display == "85"
        assert table.grand_total.partial
        assert table.notes == (RULE_NOTE, SUPPRESSED_NOTE, PARTIAL_NOTE)

    def test_a_naive_total_would_reveal_the_hidden_cell_but_ours_does_not(self):
        counts = [5, 20, 30]
        table = disclose_table([("Gamma", counts)], self.CATEGORIES)
        row = table.rows[0]
        shown = [c.value for c in row.cells]  # [None, 20, 30]

        naive_total = rounded(sum(counts))  # the true 55, rounded: 55
        assert naive_total - shown[1] - shown[2] == 5  # the hidden count, exactly

        assert row.total.value == 50
        assert row.total.value - shown[1] - shown[2] == 0  # reveals nothing

    @pytest.mark.parametrize("hidden", range(1, 8))
    def test_nothing_shown_depends_on_a_hidden_count(self, hidden):
        # Every value 1-7 of the hidden cell gives the very same table, so no
        # total, percentage or note can narrow it down.
        def render(count):
            table = disclose_table(
                [("Delta", [count, 20, 33]), ("Echo", [14, 8, 0])],
                self.CATEGORIES,
                shares=True,
            )
            return (
                [
                    [c.display for c in (*r.cells, r.total, *r.shares)]
                    for r in table.rows
                ],
                [c.display for c in table.column_totals],
                table.grand_total.display,
                table.notes,
            )

        assert render(hidden) == render(1)

    def test_row_shares_come_from_the_rounded_figures(self):
        # Cells 23, 41, 0 -> 25, 40, 0; total 65: 25/65 = 38.46% -> 38%,
        # 40/65 = 61.54% -> 62%, 0%.
        table = disclose_table([("Alpha", [23, 41, 0])], self.CATEGORIES, shares=True)

        assert [c.display for c in table.rows[0].shares] == ["38%", "62%", "0%"]

    def test_a_suppressed_cell_has_a_suppressed_share(self):
        table = disclose_table([("Bravo", [12, 9, 3])], self.CATEGORIES, shares=True)

        # 10 and 10 of a shown total of 20; the * stays *.
        assert [c.display for c in table.rows[0].shares] == ["50%", "50%", "*"]

    def test_a_table_with_nothing_hidden_has_only_the_rule_note(self):
        table = disclose_table([("Alpha", [23, 41, 0])], self.CATEGORIES)

        assert table.notes == (RULE_NOTE,)
        assert not table.grand_total.partial

    def test_an_empty_table_totals_zero(self):
        table = disclose_table([], self.CATEGORIES)

        assert [c.display for c in table.column_totals] == ["0", "0", "0"]
        assert table.grand_total.display == "0"

    def test_a_row_with_the_wrong_number_of_counts_is_refused(self):
        with pytest.raises(ValueError, match="has 2 counts for 3 categories"):
            disclose_table([("Alpha", [1, 2])], self.CATEGORIES)

    def test_the_notes_are_plain_english(self):
        assert "fewer than 8" in RULE_NOTE
        assert "nearest 5" in RULE_NOTE
