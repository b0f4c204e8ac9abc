"""CSV exports: formula injection neutralised, numbers kept as numbers, streamed."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse

from sites.csvsafe import BOM, csv_lines, csv_response, safe_cell


def read_back(lines):
    """Parse our output the way a spreadsheet's CSV import would split it."""
    return list(csv.reader(io.StringIO("".join(lines))))


class TestSafeCell:
    @pytest.mark.parametrize(
        "dangerous",
        [
            '=HYPERLINK("http://example.invalid","Click")',
            "+1+1",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
            "\n=1+1",
            "\x00=1+1",
            "  =1+1",  # leading spaces are no hiding place
        ],
    )
    def test_each_dangerous_start_is_neutralised_with_a_quote(self, dangerous):
        assert safe_cell(dangerous) == "'" + dangerous

    @pytest.mark.parametrize(
        "ordinary",
        [
            "Mr and Mrs E",
            "Dial-a-ride twice a week",  # a hyphen inside is fine
            "a=b",
            "e-mail: not at the start @",
            "'already quoted",
            "£41.54",
            "",
            "   ",
        ],
    )
    def test_ordinary_text_is_left_alone(self, ordinary):
        assert safe_cell(ordinary) == ordinary

    @pytest.mark.parametrize(
        "figure", [0, 42, -5, Decimal("-12.50"), Decimal("41.54"), 1.5, -0.25]
    )
    def test_numbers_stay_numbers(self, figure):
        assert safe_cell(figure) is figure

    def test_a_negative_figure_passed_as_text_is_neutralised_like_any_text(self):
        assert safe_cell("-12.50") == "'-12.50"

    def test_other_values(self):
        assert safe_cell(None) == ""
        assert safe_cell(True) == "Yes"
        assert safe_cell(False) == "No"
        assert safe_cell(date(2025, 3, 12)) == "2025-03-12"
        assert safe_cell(datetime(2025, 3, 12, 9, 30)) == "2025-03-12T09:30:00"


class TestLines:
    def test_numbers_are_written_bare_and_text_quoted(self):
        lines = list(csv_lines([["Alpha", 12, Decimal("-26.50"), "=1+1"]]))

        assert lines == ['"Alpha",12,-26.50,"\'=1+1"\r\n']

    def test_commas_quotes_and_line_breaks_survive_a_round_trip(self):
        row = ['He said "no", twice', "Line one\nline two", "£41.54"]
        assert read_back(csv_lines([row])) == [row]

    def test_a_header_comes_first_and_is_neutralised_too(self):
        lines = list(csv_lines([[1, 2]], header=["Site", "=cmd"]))

        assert read_back(lines) == [["Site", "'=cmd"], ["1", "2"]]

    def test_a_byte_order_mark_starts_the_file_when_asked_for(self):
        with_bom = list(csv_lines([["a"]], header=["h"], bom=True))
        without = list(csv_lines([["a"]], header=["h"]))

        assert with_bom[0].startswith(BOM)
        assert not with_bom[1].startswith(BOM)
        assert "".join(with_bom).count(BOM) == 1
        assert not without[0].startswith(BOM)

    def test_an_empty_export_with_a_bom_is_just_the_bom(self):
        assert list(csv_lines([], bom=True)) == [BOM]
        assert list(csv_lines([])) == []

    def test_rows_are_read_lazily_one_at_a_time(self):
        consumed = []

        def rows():
            for i in range(1000):
                consumed.append(i)
                yield [i]

        lines = csv_lines(rows(), header=["n"])
        assert next(lines) == '"n"\r\n'
        assert next(lines) == "0\r\n"
        assert consumed == [0]


class TestResponse:
    def test_a_streamed_download_that_excel_opens_as_utf8(self):
        response = csv_response(
            [["Alpha", 25, "=2+5"], ["Bravo", "*", "£41.54"]],
            filename="programme-figures.csv",
            header=["Site", "Cases", "Note"],
        )

        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="programme-figures.csv"'
        )
        assert response["Cache-Control"] == "no-store"
        body = b"".join(response.streaming_content)
        assert body.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark
        text = body.decode("utf-8-sig")
        assert read_back([text]) == [
            ["Site", "Cases", "Note"],
            ["Alpha", "25", "'=2+5"],
            ["Bravo", "*", "£41.54"],
        ]

    @pytest.mark.parametrize(
        "filename", ["Jane Doe.csv", "../x.csv", "figures.xlsx", 'a"b.csv', ""]
    )
    def test_an_unsafe_filename_is_refused(self, filename):
        with pytest.raises(ValueError, match="Unsafe CSV filename"):
            csv_response([], filename=filename)
