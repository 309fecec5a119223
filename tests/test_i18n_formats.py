"""The `number` and `day` template filters: Babel's formats per locale, kept per value and locale."""

from datetime import date

import flask_babel
import pytest
from flask_babel import force_locale

from strategitracker.web.i18n import day, number

VALUES = [0, 1, -1, 0.5, 12.25, 1234, 1234.5, 1234567.891, -0.04, 99.95, 3.0]
DATES = [date(2015, 1, 1), date(2019, 9, 1), date(2024, 2, 29), date(2031, 12, 31)]


@pytest.mark.parametrize("locale", ["da", "en"])
def test_number_matches_babel_in_each_locale(app, locale):
    with app.test_request_context(), force_locale(locale):
        for value in VALUES:
            for digits in (0, 1, 2):
                expected = (
                    flask_babel.format_decimal(int(value), format="#,##0")
                    if float(value).is_integer()
                    else flask_babel.format_decimal(value, format="#,##0." + "#" * digits)
                )
                assert number(value, digits) == expected
        assert number(None) == "–"


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
