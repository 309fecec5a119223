"""Refusals of the API as RFC 9457 problem details (`application/problem+json`).

A body or query that does not match the API's document is refused by webargs with marshmallow's messages,
which are English ("Not a valid date.", "Must be one of: open, closed."); they reach the caller in the token
owner's language through translations/<lang>/LC_MESSAGES/marshmallow.po, whose entries are the messages as
marshmallow writes them, a value shown as {name}. A message the catalogue does not know stays as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from http import HTTPStatus
from typing import Any

from flask import Response, json
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..formatting import language
from .i18n import library_catalogue

_VALUE = re.compile(r"(\{\w+\})")

PROBLEM_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str | None = None, errors: Any = None) -> Response:
    """A problem details response; `errors` names the fields that were wrong, by field."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="strategitracker"'
    return response


def problem_from_exception(exc: HTTPException, title: str) -> Response:
    """An HTTP error raised on the way (webargs' validation errors carry their messages per field)."""
    data = getattr(exc, "data", None) or {}
    errors = data.get("messages") if isinstance(data, dict) else None
    errors = in_language(errors)
    status = exc.code or 500
    detail = None if errors else (exc.description if status != 404 else None)
    return problem(status, title, detail, errors)


def api_title(status: int) -> str:
    """The title of a problem, in the caller's language."""
    titles = {
        400: _("The request could not be understood"),
        401: _("Not authorised"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("That method is not allowed here"),
        406: _("The answer can only be JSON"),
        409: _("Conflict"),
        415: _("Send JSON"),
        422: _("The request was not valid"),
        429: _("Too many requests"),
    }
    return titles.get(
        status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    )


def in_language(messages: Any) -> Any:
    """webargs' messages per field (nested dicts and lists of texts) in the current language."""
    if isinstance(messages, dict):
        return {name: in_language(value) for name, value in messages.items()}
    if isinstance(messages, list):
        return [in_language(value) for value in messages]
    if isinstance(messages, str):
        for pattern, translation in _patterns(language(get_locale())):
            if found := pattern.fullmatch(messages):
                return translation.format(**found.groupdict())
    return messages


@lru_cache(maxsize=4)
def _patterns(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each message of the catalogue as a pattern that finds its values, the most literal first (so
    "Must be … {min} and … {max}." is tried before "Must be … {min}.")."""
    catalogue = library_catalogue("marshmallow", lang)
    if catalogue is None:
        return ()
    entries = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        parts = _VALUE.split(str(message.id))
        regex = "".join(
            f"(?P<{part[1:-1]}>.+)" if _VALUE.fullmatch(part) else re.escape(part) for part in parts
        )
        literal = sum(len(part) for part in parts if not _VALUE.fullmatch(part))
        entries.append((literal, re.compile(regex, re.S), str(message.string)))
    entries.sort(key=lambda entry: -entry[0])
    return tuple((pattern, translation) for _literal, pattern, translation in entries)
