"""The `number` and `day` template filters: the formats of strategitracker.formatting in the current
language, rounded as the charts round."""

from datetime import date

import flask_babel
import pytest
from flask_babel import force_locale

from strategitracker.formatting import format_number
from strategitracker.i18n import day, number

DATES = [date(2015, 1, 1), date(2019, 9, 1), date(2024, 2, 29), date(2031, 12, 31)]


@pytest.mark.parametrize(
    ("value", "digits", "da", "en"),
    [
        (0, 1, "0", "0"),
        (0.5, 0, "1", "1"),
        (0.5, 1, "0,5", "0.5"),
        (1234, 1, "1.234", "1,234"),
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (-0.04, 1, "0", "0"),
        (99.95, 1, "100", "100"),
        (3.0, 2, "3", "3"),
    ],
)
def test_number_writes_the_current_language_without_trailing_zeros(app, value, digits, da, en):
    with app.test_request_context():
        with force_locale("da"):
            assert number(value, digits) == da
            assert number(None) == "–"
        with force_locale("en"):
            assert number(value, digits) == en


def test_a_table_rounds_half_away_from_zero_like_a_chart(app):
    """12.5 % is 13 % in a table and in a chart; 12.25 with one decimal is 12,3 (Babel alone gives 12,2)."""
    with app.test_request_context(), force_locale("da"):
        assert number(12.5, 0) == format_number(12.5, 0, "da") == "13"
        assert number(12.25, 1) == "12,3"
        assert number(-2.5, 0) == "-3"
        assert number(12.96, 1) == "13"


@pytest.mark.parametrize("locale", ["da", "en"])
@pytest.mark.parametrize("fmt", ["short", "medium", "long"])
def test_day_matches_babel_in_each_locale(app, locale, fmt):
    with app.test_request_context(), force_locale(locale):
        for value in DATES:
            assert day(value, fmt) == flask_babel.format_date(value, fmt)
        assert day(None) == "–"


def test_the_kept_results_follow_the_locale(app):
    with app.test_request_context():
        with force_locale("da"):
            danish = (number(1234.5), day(date(2019, 9, 1), "long"))
        with force_locale("en"):
            english = (number(1234.5), day(date(2019, 9, 1), "long"))
        with force_locale("da"):
            again = (number(1234.5), day(date(2019, 9, 1), "long"))
    assert danish == ("1.234,5", "1. september 2019")
    assert english == ("1,234.5", "September 1, 2019")
    assert again == danish
