"""Refuse request shapes no page can use before a view sees them: ids the database cannot hold and NUL
bytes. Without these, PostgreSQL refuses the value ("integer out of range", "cannot contain NUL") and
SQLite's driver overflows, and the visitor would get a server error instead of a 400 or a 404."""

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from ..models import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:…>` bounded to the ids the database can hold: a larger number matches no route (404)."""

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed=False
    ):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def as_id(value: object) -> int:
    """An id from a form or a query string: a whole number the database can hold, else ValueError (a
    form field's "could not coerce" error)."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"not an id: {number}")
    return number


def register_request_guards(app: Flask) -> None:
    """Install the bounded id converter for every route (before the blueprints add their rules) and the
    check for NUL bytes."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)


def refuse_nul_bytes() -> None:
    """400 for a NUL byte in the path, the query string or a form field (name or value): no text the app
    keeps may hold one, and PostgreSQL refuses it."""
    if "\x00" in request.path or _has_nul(request.args.items(multi=True)):
        abort(400)
    if request.method not in ("GET", "HEAD", "OPTIONS") and _has_nul(request.form.items(multi=True)):
        abort(400)


def _has_nul(items) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in items)
