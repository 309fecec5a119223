"""Language choice, and the template filters that write numbers and dates in the current language."""

from datetime import date, datetime

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, to_user_timezone
from flask_login import current_user

from ..formatting import format_date, format_datetime, format_number, format_rank, with_unit


def select_locale() -> str:
    """The user's stored language (the API: the token owner's), else the session's choice, else Danish."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if request.path.startswith("/api/"):  # the token's owner, never a session cookie
        api_user = g.get("api_user")
        return api_user.locale if api_user is not None else default
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return session_locale()


def session_locale() -> str:
    """The language chosen this session, else Danish; needs no database (error pages use it)."""
    chosen = session.get("locale")
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def number(value: float | int | None, digits: int = 1) -> str:
    """A number in the current language (1.234,5 in Danish), at most `digits` decimals, none trailing."""
    if value is None:
        return "–"
    return format_number(value, None, str(get_locale()), at_most=digits)


def rank(value: float | int | None) -> str:
    """A place in a ranking in the current language: always a whole number."""
    if value is None:
        return "–"
    return format_rank(value, str(get_locale()))


def percent(value: float | int | None, digits: int = 0) -> str:
    """A percentage in the current language: "12,5 %" in Danish, "12.5%" in English."""
    if value is None:
        return "–"
    return with_unit(number(value, digits), "%", str(get_locale()))


def unit(text: str, unit_name: str | None) -> str:
    """A formatted number and its unit in the current language ("67 %" in Danish, "67%" in English)."""
    return with_unit(text, unit_name, str(get_locale()))


def day(value: date | datetime | str | None, fmt: str = "medium") -> str:
    """A date (or a time, in the user's time zone) in the current language; "–" for none. An ISO date
    string is read as a date (frozen reports keep their dates so)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        moment = to_user_timezone(value)
        return format_datetime(moment, str(get_locale()))
    return format_date(value, str(get_locale()), fmt)


def register_i18n(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["rank"] = rank
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["unit"] = unit
