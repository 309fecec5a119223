"""strategitracker.formatting writes numbers and dates exactly as the rules say, however the number is
reached (the quick float formatting and the Decimal rounding must never differ), and reads back what it
writes; the KPI formatter of the charts builds on it."""

import math
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from strategitracker.charts.figures import LABELS_EN, KPIFormatter
from strategitracker.formatting import (
    NumberFormat,
    csv_number,
    format_date,
    format_number,
    format_percent,
    parse_number,
    plotly_separators,
    read_number,
)
from strategitracker.forms import number_problem
from strategitracker.progress import KPIInput, Point, Target

DA_LABELS = {
    **LABELS_EN,
    "rank_of": "nr. %(rank)s af %(n)s",
    "rank_only": "nr. %(rank)s",
    "source": "Kilde: %(source)s",
    "target_by": "%(value)s senest %(date)s",
}


def reference_number(value, decimals, locale):
    """The rule written the slow, obvious way: round the printed number half away from zero with Decimal,
    group thousands, and swap the separators for Danish; with no precision given, at most 2 decimals and no
    trailing zeros."""
    if value is None or not math.isfinite(float(value)):
        return ""
    value = float(value)
    trim = decimals is None
    decimals = 2 if trim else decimals
    number = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if number == 0:
        number = abs(number)
    text = f"{number:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.translate(str.maketrans(",.", ".,")) if locale.startswith("da") else text


def spread_of_values() -> list[float]:
    """Whole numbers, fractions, printed ties (x.5, x.x5, x.xx5), tiny and huge numbers, both signs."""
    rng = random.Random(20240301)
    values = [0.0, -0.0, 0.5, -0.5, 1.005, 2.5, 0.125, -0.005, 2.675, 1.115, 8.345, 9.995, 99.995, 0.045]
    values += [1e-300, -1e-300, 1e9, 999_999_999.5, 1e15 + 0.5, 2.0**53 + 2, 1234567.891, -1234.5]
    for _ in range(4000):
        scale = 10 ** rng.randint(0, 4)
        values.append(rng.uniform(-1e5, 1e5))
        values.append(round(rng.uniform(-1e5, 1e5), rng.randint(0, 4)))
        values.append((rng.randint(-100_000, 100_000) + 0.5) / scale)  # a tie at some precision
        values.append(rng.randint(-(10**6), 10**6) / scale + 0.005)
        values.append(rng.uniform(-1, 1) * 10 ** rng.randint(-6, 16))
        values.append(float(rng.randint(-(10**13), 10**13)))
    return values


@pytest.mark.parametrize("locale", ["da", "en", "da_DK"])
def test_format_number_follows_the_rounding_rule_for_a_spread_of_values(locale):
    for value in spread_of_values():
        for decimals in (None, 0, 1, 2, 3):
            assert format_number(value, decimals, locale) == reference_number(value, decimals, locale), (
                value,
                decimals,
            )


@pytest.mark.parametrize(
    ("value", "decimals", "da", "en"),
    [
        (1.005, 2, "1,01", "1.01"),  # the printed number, not the binary 1.00499…
        (2.5, 0, "3", "3"),  # half away from zero
        (-2.5, 0, "-3", "-3"),
        (-0.004, 2, "0,00", "0.00"),  # never "-0"
        (-0.0, 1, "0,0", "0.0"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (999_999_999.5, 0, "1.000.000.000", "1,000,000,000"),
        (12_345_678_901_234.5, 0, "12.345.678.901.235", "12,345,678,901,235"),
        (6, 0, "6", "6"),
        (None, 0, "", ""),
        (float("inf"), 0, "", ""),
    ],
)
def test_format_number_examples(value, decimals, da, en):
    assert format_number(value, decimals, "da") == da
    assert format_number(value, decimals, "en") == en


@pytest.mark.parametrize("locale", ["da", "en"])
@pytest.mark.parametrize("decimals", [None, 0, 2])
def test_number_format_gives_what_format_number_gives(locale, decimals):
    fmt = NumberFormat(decimals, locale)
    values = spread_of_values()[:3000] + [None, float("nan"), 7, -3]
    assert [fmt(v) for v in values] == [format_number(v, decimals, locale) for v in values]
    assert [fmt(v) for v in values] == [fmt(v) for v in values]  # the second time from its memory


def test_format_date_every_day_of_a_year_in_both_languages():
    months_da = [
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "maj",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "okt.",
        "nov.",
        "dec.",
    ]
    months_en = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert format_date(date(2019, 9, 1), "en", "long") == "September 1, 2019"
    for offset in range(366):
        day = date(2024, 1, 1) + timedelta(days=offset)
        assert format_date(day, "da") == f"{day.day}. {months_da[day.month - 1]} {day.year}"
        assert format_date(day, "da_DK") == format_date(day, "da")
        assert format_date(day, "en") == f"{months_en[day.month - 1]} {day.day}, {day.year}"
    assert format_date(None, "da") == ""


def kpi(kind="number", values=(1400.0, 1350.5, 1234.5), **extra) -> KPIInput:
    return KPIInput(
        direction="lower",
        frequency="yearly",
        baseline_value=extra.pop("baseline_value", 1500.0),
        baseline_date=date(2020, 1, 1),
        targets=[Target(1000.0, date(2026, 1, 1), date(2020, 1, 1))],
        measurements=[Point(date(2021 + i, 1, 1), v, extra.get("out_of")) for i, v in enumerate(values)],
        kind=kind,
    )


@pytest.mark.parametrize("locale", ["da", "en"])
def test_kpi_formatter_values_with_unit_precision_and_percent(locale):
    fmt = KPIFormatter(kpi(), "kr.", DA_LABELS, locale)
    assert fmt.decimals == 1  # 1350.5 needs one decimal, so every value gets one
    for value in (1400.0, 1350.5, 1234.56, 0.04, -3.25, 1e7 + 0.05):
        expected = f"{format_number(value, 1, locale)} kr."
        assert fmt.value(value) == expected
        assert fmt.value(value) == expected  # remembered, the same
        assert fmt.number(value) == format_number(value, 1, locale)

    percent = KPIFormatter(kpi("percent", values=(51.2, 60.0), baseline_value=40.0), "", DA_LABELS, locale)
    assert percent.value(94.6) == format_percent(94.6, 1, locale)  # "94,6 %" / "94.6%"
    days = KPIFormatter(kpi(values=(15.0, 12.0), baseline_value=20.0), "dage", DA_LABELS, locale)
    assert days.value(15) == "15 dage"


def test_kpi_formatter_ranks_targets_dates_and_sources_in_danish():
    fmt = KPIFormatter(kpi("rank", values=(6.0, 16.0), baseline_value=92.0, out_of=93), "", DA_LABELS, "da")
    assert fmt.value(6, 93) == "nr. 6 af 93"
    assert fmt.value(6) == "nr. 6"
    assert fmt.value(1234, 2000) == "nr. 1.234 af 2.000"
    target = Target(10.0, date(2019, 9, 1), date(2016, 1, 15))
    assert fmt.target(target) == "nr. 10 senest 1. sep. 2019"
    assert fmt.target(Target(5.0, date(2027, 9, 1), date(2023, 10, 1))) == "nr. 5 senest 1. sep. 2027"
    assert fmt.target(target) == "nr. 10 senest 1. sep. 2019"
    assert fmt.date(date(2024, 5, 17)) == "17. maj 2024" and fmt.date(None) == ""
    assert fmt.source_line("DI & <Dansk Byggeri>") == "Kilde: DI &amp; &lt;Dansk Byggeri&gt;"


# --- reading ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locale", "value"),
    [
        ("3.500", "da", 3500.0),
        ("3.500,5", "da", 3500.5),
        ("3,5", "da", 3.5),
        ("3.980", "da", 3980.0),
        ("1.234.567,89", "da", 1234567.89),
        ("-3.500", "da", -3500.0),
        ("\u22123,5", "da", -3.5),
        ("1 234,5", "da", 1234.5),
        ("1\u00a0234,5", "da", 1234.5),
        ("51 %", "da", 51.0),
        ("  42 ", "da", 42.0),
        ("3,500.5", "en", 3500.5),
        ("3.5", "en", 3.5),
        ("3,500", "en", 3500.0),
        ("1e30", "da", 1e30),
    ],
)
def test_parse_number_reads_each_language_its_own_way(app, text, locale, value):
    with app.test_request_context():
        assert parse_number(text, locale) == (value, False, ())
        assert read_number(text, locale) == value


@pytest.mark.parametrize(
    ("text", "locale", "danish", "english"),
    [
        ("3.50", "da", "Skriv tallet som 350 eller 3,5.", "Write the number as 350 or 3,5."),
        ("12.5", "da", "Skriv tallet som 125 eller 12,5.", "Write the number as 125 or 12,5."),
        ("3,5", "en", "Skriv tallet som 35 eller 3.5.", "Write the number as 35 or 3.5."),
        ("abc", "da", "Skriv et tal, fx 3.500 eller 3,5.", "Enter a number such as 3.500 or 3,5."),
        ("nan", "en", "Skriv et tal, fx 3,500 eller 3.5.", "Enter a number such as 3,500 or 3.5."),
        ("inf", "da", "Skriv et tal, fx 3.500 eller 3,5.", "Enter a number such as 3.500 or 3,5."),
    ],
)
def test_parse_number_refuses_a_malformed_number_and_shows_how_to_type_it(app, text, locale, danish, english):
    """The message is in the user's language; the example is in the language the number was read in."""
    with app.test_request_context():
        parsed = parse_number(text, locale)
        assert parsed.value is None and parsed.malformed
        with force_locale("da"):
            assert number_problem(parsed, locale) == danish
        with force_locale("en"):
            assert number_problem(parsed, locale) == english
        assert read_number(text, locale) is None


def test_parse_number_leaves_an_empty_field_to_the_form(app):
    with app.test_request_context():
        assert parse_number("", "da") == (None, False, ())
        assert parse_number("   ", "en") == (None, False, ())


def test_plotly_separators_follow_the_language():
    assert plotly_separators("da") == ",."
    assert plotly_separators("en") == ".,"


def test_csv_numbers_are_positional():
    assert csv_number(1e21) == "1000000000000000000000"
    assert csv_number(2.5e-05, decimal_comma=True) == "0,000025"


values = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15).map(float),
    st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False).map(float),
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
)


@given(value=values, decimals=st.integers(min_value=0, max_value=3))
def test_whatever_is_written_reads_back_in_both_languages(value, decimals):
    """Formatting with d decimals and reading again gives the value rounded half away from zero to d."""
    expected = float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))
    for locale in ("da", "en"):
        text = format_number(value, decimals, locale)
        assert read_number(text, locale) == expected, (value, text, locale)
        assert parse_number(text, locale) == (expected, False, ()), (value, text, locale)


@given(value=st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False).map(float))
def test_a_value_shown_in_a_form_reads_back_exactly(value):
    """A form shows a stored value with up to 6 decimals: saving the form again stores the same value."""
    for locale in ("da", "en"):
        text = format_number(value, None, locale, at_most=6)
        assert read_number(text, locale) == value, (value, text, locale)
