"""The pseudonymisation check: every identifier kind blocks, near misses do not, and
the helpers that replace identifying details."""

from datetime import date

import pytest

from careplans.pseudonymise import (
    Hit,
    Identifiers,
    Kind,
    Replacement,
    age_band,
    check_text,
    relative_week,
    replace_all,
)

# Test data only: the domain reference's fictional couple, NHS test number
# 943 476 5919, a postcode in the NHS's ZZ99 pseudo-area and Ofcom's drama numbers.
EVANS = Identifiers(
    names=["Mrs Gwen Evans", "Tom Evans", "Sian Evans-Price"],
    worker_names=["Olivia Hart"],
    nhs_numbers=["943 476 5919"],
    postcodes=["ZZ99 3AA"],
    addresses=["14 Acacia Avenue\nHightown, ZZ99 3AA"],
    phones=["01632 960123"],
    birth_dates=[date(1938, 3, 12)],
)

# The case study as it should be written: pseudonym, age band, relative weeks,
# money, frequencies, no place names.
CLEAN = """Mr and Mrs E are a couple in the 85\u201389 age band who live at home.
Mrs E fell in the winter and now has restricted mobility; Mr E became her main carer.
He had never cooked, and in week 3 the assessment found they were not eating well.
The usual offer would have been community meals. Asked what they wanted, Mrs E said:
"quality time together at mealtimes, without the stress of his cooking".
Arranged from week 5: dial-a-ride twice a week to lunch at a café of their choice,
support with shopping and cooking for Mr E, and once a week a takeaway of their
favourite Chinese food. The cost is £41.54 a week more than community meals (£1,234.50
a year), 3/4 of their meals are now shared, and at the review in March 2026
(week 12) 2 of 3 outcomes were fully met. Visits take 0.5 hours at 10:30."""


def kinds(hits):
    return [(hit.kind, hit.text) for hit in hits]


class TestCleanTextPasses:
    def test_the_pseudonymised_evans_case_study_has_no_hits(self):
        assert check_text(CLEAN, EVANS) == []

    @pytest.mark.parametrize(
        "near_miss",
        [
            "They moved near Evanston.",  # a name inside a longer word
            "The Devans family next door",
            "Gwendoline came to visit.",
            "Tommy and Tomas",
            "Olivias",
        ],
    )
    def test_a_word_containing_a_name_is_not_a_hit(self, near_miss):
        assert check_text(near_miss, EVANS) == []

    @pytest.mark.parametrize(
        "figure",
        [
            "£41.54",
            "week 3",
            "3/4 of her meals",
            "March 2026",
            "10:30",
            "2 of 3",
            "0.5 hours",
            "£1,234.50",
            "85\u201389",
            "twice a week",
            "a 24-hour line",
            "version 2",
            "12 people",
            "1 in 3",
            "£12,000 a year",
        ],
    )
    def test_amounts_counts_and_relative_times_are_not_dates_or_phones(self, figure):
        assert check_text(figure) == []


class TestIdentifiersBlock:
    @pytest.mark.parametrize(
        ("text", "kind", "matched"),
        [
            ("We met Evans today.", Kind.NAME, "Evans"),
            ("Mrs Evans's meals", Kind.NAME, "Evans's"),
            ("The Evans' house", Kind.NAME, "Evans'"),
            ("EVANS said", Kind.NAME, "EVANS"),
            ("gwen said", Kind.NAME, "gwen"),
            ("Gwen  Evans came", Kind.NAME, "Gwen  Evans"),  # one hit for the name
            ("Sian Evans-Price", Kind.NAME, "Sian Evans-Price"),
            ("Mrs Price's daughter", Kind.NAME, "Price's"),
            ("Olivia visited", Kind.WORKER, "Olivia"),
            ("Olivia Hart visited", Kind.WORKER, "Olivia Hart"),
            ("NHS no 943 476 5919.", Kind.NHS_NUMBER, "943 476 5919"),
            ("NHS no 9434765919.", Kind.NHS_NUMBER, "9434765919"),
            ("NHS no 943-476-5919.", Kind.NHS_NUMBER, "943-476-5919"),
            ("Post to ZZ99 3AA.", Kind.POSTCODE, "ZZ99 3AA"),
            ("Post to zz993aa.", Kind.POSTCODE, "zz993aa"),
            ("They live at 14 Acacia Avenue.", Kind.ADDRESS, "14 Acacia Avenue"),
            ("They live on Acacia Ave.", Kind.ADDRESS, "Acacia Ave."),
            ("in acacia  avenue", Kind.ADDRESS, "acacia  avenue"),
            ("near Hightown", Kind.ADDRESS, "Hightown"),
            ("Ring 01632 960123.", Kind.PHONE, "01632 960123"),
            ("Ring 01632960123.", Kind.PHONE, "01632960123"),
            ("Ring (01632) 960 123.", Kind.PHONE, "(01632) 960 123"),
            ("Ring +44 1632 960123.", Kind.PHONE, "+44 1632 960123"),
            ("Born 12/03/1938.", Kind.BIRTH_DATE, "12/03/1938"),
            ("Born 12.3.38.", Kind.BIRTH_DATE, "12.3.38"),
            ("Born 1938-03-12.", Kind.BIRTH_DATE, "1938-03-12"),
            ("Born 12 March 1938.", Kind.BIRTH_DATE, "12 March 1938"),
            ("Her birthday is the 12th of March.", Kind.BIRTH_DATE, "12th of March"),
            ("Born March 12, 1938.", Kind.BIRTH_DATE, "March 12, 1938"),
        ],
    )
    def test_each_identifier_kind_blocks(self, text, kind, matched):
        assert kinds(check_text(text, EVANS)) == [(kind, matched)]

    def test_titles_and_initials_are_not_names(self):
        # "Mrs" from "Mrs Gwen Evans" and the pseudonym's "E" are not identifiers.
        assert check_text("Mr and Mrs E", EVANS) == []
        middle_initial = Identifiers(names=["Gwen M Evans"])
        assert check_text("Mrs E went to M and S.", middle_initial) == []

    def test_every_occurrence_is_found(self):
        hits = check_text("Evans, then evans, then EVANS.", EVANS)

        assert [h.text for h in hits] == ["Evans", "evans", "EVANS"]


class TestPatternsBlock:
    @pytest.mark.parametrize(
        ("text", "kind", "matched"),
        [
            ("NHS 401 023 2137", Kind.ANY_NHS_NUMBER, "401 023 2137"),
            ("NHS 4010232137", Kind.ANY_NHS_NUMBER, "4010232137"),
            ("At SW1A 1AA", Kind.ANY_POSTCODE, "SW1A 1AA"),
            ("At sw1a1aa", Kind.ANY_POSTCODE, "sw1a1aa"),
            ("At M1 1AE", Kind.ANY_POSTCODE, "M1 1AE"),
            ("Call 07700 900123", Kind.ANY_PHONE, "07700 900123"),
            ("Call 07700900123", Kind.ANY_PHONE, "07700900123"),
            ("Call 020 7946 0000", Kind.ANY_PHONE, "020 7946 0000"),
            ("Call 0161-496-0000", Kind.ANY_PHONE, "0161-496-0000"),
            ("Call 0161 496 0000.", Kind.ANY_PHONE, "0161 496 0000"),
            ("Call +44 (0)7700 900123", Kind.ANY_PHONE, "+44 (0)7700 900123"),
            ("Call 0044 7700 900123", Kind.ANY_PHONE, "0044 7700 900123"),
            ("Call 0800 123 4567", Kind.ANY_PHONE, "0800 123 4567"),
            ("Mail a.person@example.org", Kind.EMAIL, "a.person@example.org"),
            ("On 12/03/2025", Kind.DATE, "12/03/2025"),
            ("On 12-3-25", Kind.DATE, "12-3-25"),
            ("On 2025-03-12", Kind.DATE, "2025-03-12"),
            ("On 12 March 2025", Kind.DATE, "12 March 2025"),
            ("On 12th March", Kind.DATE, "12th March"),
            ("On 1st Sept", Kind.DATE, "1st Sept"),
            ("On March 12th", Kind.DATE, "March 12th"),
            ("On 3 Dec 2024", Kind.DATE, "3 Dec 2024"),
        ],
    )
    def test_each_pattern_blocks_whoever_it_belongs_to(self, text, kind, matched):
        assert kinds(check_text(text)) == [(kind, matched)]

    def test_an_nhs_number_with_a_wrong_check_digit_is_not_one(self):
        assert check_text("Ref 943 476 5918") == []

    def test_a_number_that_is_too_short_for_a_phone_is_not_one(self):
        assert check_text("Call 01632 9601") == []

    def test_an_impossible_date_is_not_a_date(self):
        assert check_text("Scored 33/13/2025") == []

    def test_an_email_holding_a_name_is_reported_whole(self):
        hits = check_text("Write to gwen.evans@example.org", EVANS)

        assert kinds(hits) == [(Kind.EMAIL, "gwen.evans@example.org")]


class TestWhereHitsAre:
    def test_offsets_line_and_column_point_at_the_words(self):
        text = "First line is fine.\nThen Mrs Evans\n  rang 07700 900123."
        hits = check_text(text, EVANS)

        assert hits == [
            Hit(Kind.NAME, "Evans", 29, 34, line=2, column=10),
            Hit(Kind.ANY_PHONE, "07700 900123", 42, 54, line=3, column=8),
        ]
        assert all(text[h.start : h.end] == h.text for h in hits)

    def test_the_most_specific_kind_is_reported_once(self):
        # The person's own NHS number is also "an NHS number"; their date of birth
        # is also "a date": each is reported once, as theirs.
        hits = check_text("943 476 5919 born 12/03/1938", EVANS)

        assert kinds(hits) == [
            (Kind.NHS_NUMBER, "943 476 5919"),
            (Kind.BIRTH_DATE, "12/03/1938"),
        ]

    def test_hits_come_in_reading_order(self):
        hits = check_text("12/03/2025 Evans 07700 900123 Olivia", EVANS)

        assert [h.start for h in hits] == sorted(h.start for h in hits)
        assert [h.kind for h in hits] == [
            Kind.DATE,
            Kind.NAME,
            Kind.ANY_PHONE,
            Kind.WORKER,
        ]

    def test_each_kind_has_a_plain_english_label(self):
        assert all(kind.label for kind in Kind)
        assert Kind.DATE.label.startswith("An exact date")
        assert check_text("Evans", EVANS)[0].label == (
            "A name of the person or their family"
        )


class TestAgeBand:
    @pytest.mark.parametrize(
        ("on", "band"),
        [
            (date(2023, 3, 11), "80\u201384"),  # the day before turning 85
            (date(2023, 3, 12), "85\u201389"),  # the 85th birthday
            (date(2028, 3, 11), "85\u201389"),
            (date(2028, 3, 12), "90\u201394"),
            (date(2033, 3, 12), "95 or over"),
            (date(2040, 1, 1), "95 or over"),
        ],
    )
    def test_five_year_bands(self, on, band):
        assert age_band(date(1938, 3, 12), on) == band

    def test_a_leap_day_birthday_comes_on_1_march_in_other_years(self):
        born = date(1940, 2, 29)

        assert age_band(born, date(2025, 2, 28)) == "80\u201384"  # still 84
        assert age_band(born, date(2025, 3, 1)) == "85\u201389"

    def test_the_top_band_can_be_moved(self):
        assert age_band(date(1938, 3, 12), date(2033, 3, 12), top=100) == ("95\u201399")

    def test_a_birth_after_the_day_is_refused(self):
        with pytest.raises(ValueError, match="after"):
            age_band(date(2030, 1, 1), date(2025, 1, 1))


class TestRelativeWeek:
    @pytest.mark.parametrize(
        ("day", "week"),
        [
            (date(2025, 3, 6), "week 1"),  # first contact
            (date(2025, 3, 12), "week 1"),  # day 6
            (date(2025, 3, 13), "week 2"),  # day 7
            (date(2025, 3, 20), "week 3"),
            (date(2025, 4, 2), "week 4"),  # across a month end: day 27
        ],
    )
    def test_weeks_count_from_first_contact(self, day, week):
        assert relative_week(day, date(2025, 3, 6)) == week

    def test_earlier_days_are_before_first_contact(self):
        assert relative_week(date(2025, 3, 5), date(2025, 3, 6)) == (
            "before first contact"
        )


class TestReplaceAll:
    def test_names_are_replaced_longest_first_and_logged_with_counts(self):
        text = "Gwen Evans and Tom Evans. Evans's takeaway; gwen evans agreed."
        new, log = replace_all(
            text,
            [
                Replacement("Evans", "E", "name"),
                Replacement("Gwen Evans", "Mrs E", "name"),
                Replacement("Tom", "Mr", "name"),
            ],
        )

        assert new == "Mrs E and Mr E. E's takeaway; Mrs E agreed."
        assert log == (
            Replacement("Evans", "E", "name", count=2),
            Replacement("Gwen Evans", "Mrs E", "name", count=2),
            Replacement("Tom", "Mr", "name", count=1),
        )

    def test_only_whole_words_are_replaced(self):
        new, log = replace_all("Evanston and Evans", [Replacement("Evans", "E")])

        assert new == "Evanston and E"
        assert log[0].count == 1

    def test_a_replacement_is_never_replaced_again(self):
        new, _ = replace_all(
            "Hightown Road",
            [Replacement("Hightown Road", "a street"), Replacement("street", "lane")],
        )

        assert new == "a street"

    def test_a_replacement_that_never_matched_is_logged_with_a_count_of_zero(self):
        new, log = replace_all("Nothing here", [Replacement("Evans", "E", "name")])

        assert new == "Nothing here"
        assert log == (Replacement("Evans", "E", "name", count=0),)

    def test_blank_originals_are_ignored(self):
        assert replace_all("text", [Replacement("  ", "x")]) == ("text", ())

    def test_the_replaced_text_passes_the_check(self):
        text = "Gwen Evans rang Olivia Hart from Hightown."
        new, _ = replace_all(
            text,
            [
                Replacement("Gwen Evans", "Mrs E", "name"),
                Replacement("Olivia Hart", "their social worker", "worker"),
                Replacement("Hightown", "their town", "place"),
            ],
        )

        assert check_text(text, EVANS) != []
        assert check_text(new, EVANS) == []
