"""Language choice and Danish-first formatting helpers for templates."""

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal as babel_format_decimal
from flask import Flask, current_app, has_request_context, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The user's stored language, else the one chosen this session, else Danish."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return session_locale()


def session_locale() -> str:
    """The language chosen this session, else Danish; needs no database (error pages use it)."""
    chosen = session.get("locale")
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def number(value: float | int | None, digits: int = 1) -> str:
    """A number in the current locale (1.234,5 in Danish), without trailing zero decimals."""
    if value is None:
        return "–"
    return _number(value, digits, str(get_locale()))


# Pages write the same few hundred dates and numbers over and over; Babel looks up the locale's patterns
# on every call, so the results are kept per value and locale (dates and numbers do not depend on time zone).
@lru_cache(maxsize=8192)
def _number(value: float | int, digits: int, locale: str) -> str:
    if float(value).is_integer():
        return babel_format_decimal(int(value), format="#,##0", locale=locale)
    return babel_format_decimal(value, format="#,##0." + "#" * digits, locale=locale)


@lru_cache(maxsize=8192)
def _day(value: date, fmt: str, locale: str) -> str:
    return babel_format_date(value, fmt, locale=locale)


def day(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_datetime(value, "short" if fmt == "medium" else fmt)
    return _day(value, fmt, str(get_locale()))


def register_i18n(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["day"] = day
