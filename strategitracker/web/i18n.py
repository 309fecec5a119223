"""Language choice, the template filters that write numbers and dates in the current language, and the
catalogues of libraries that ship no Danish (WTForms, marshmallow)."""

import functools
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, to_user_timezone
from flask_login import current_user
from jinja2 import pass_context

from ..formatting import format_date, format_datetime, format_number, format_rank, with_unit

_CATALOGUES = Path(__file__).resolve().parents[1] / "translations"


@functools.lru_cache(maxsize=8)
def library_catalogue(domain: str, lang: str) -> Catalog | None:
    """A library's messages in `lang`, from translations/<lang>/LC_MESSAGES/<domain>.po (read once per
    domain and language); None when there is none (English: the library's own words)."""
    path = _CATALOGUES / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=lang, domain=domain)


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


#: The template filters whose result depends on the reader's language (Flask-Babel's own included).
LOCALE_FILTERS = {
    "number": number,
    "percent": percent,
    "rank": rank,
    "day": day,
    "unit": unit,
}
BABEL_FILTERS = ("datetimeformat", "dateformat", "timeformat", "timedeltaformat")


def per_reader(filter_: Callable) -> Callable:
    """`filter_` as a template filter Jinja never folds: Jinja evaluates a plain filter on a literal
    (`{{ 36|percent }}`) once, when the template is compiled, in the language of its first reader; a filter
    that takes the render context is always run when the page is drawn."""

    @pass_context
    @functools.wraps(filter_)
    def at_render(_context, *args, **kwargs):
        return filter_(*args, **kwargs)

    return at_render


def register_i18n(app: Flask) -> None:
    """The language filters; called after Flask-Babel's set-up so that its filters are made per reader too."""
    app.jinja_env.globals["get_locale"] = get_locale
    for name, filter_ in LOCALE_FILTERS.items():
        app.jinja_env.filters[name] = per_reader(filter_)
    for name in BABEL_FILTERS:
        if name in app.jinja_env.filters:
            app.jinja_env.filters[name] = per_reader(app.jinja_env.filters[name])
