"""Refusals of the API as RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

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
