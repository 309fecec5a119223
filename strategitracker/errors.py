"""Error pages: HTML for people, JSON for API clients; a Danish message for throttling and CSRF."""

import math
import time

import sqlalchemy as sa
from flask import Flask, current_app, jsonify, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .database import is_busy_database
from .extensions import db, limiter
from .i18n import session_locale
from .permissions import wants_json


def register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("The form had expired or was not sent from this site. Reload the page and try again.")
        return _render(400, message)

    @app.errorhandler(429)
    def too_many_requests(exc: HTTPException):
        response = current_app.make_response(
            _render(429, _("Too many attempts. Wait a minute and try again."))
        )
        response.headers["Retry-After"] = str(_seconds_until_reset())
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.response is not None:  # e.g. a JSON response passed to abort()
            return exc
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have access to this page."),
            404: _("The page was not found."),
            405: _("That is not allowed here."),
        }
        return _render(exc.code or 500, messages.get(exc.code, exc.description))

    @app.errorhandler(sa.exc.OperationalError)
    def database_busy(exc: sa.exc.OperationalError):
        """Another writer held the embedded database too long: nothing was saved, so say so and ask
        for a retry. The page is drawn without the database (no log-in or navigation look-ups)."""
        if not is_busy_database(exc):
            raise exc
        db.session.rollback()
        locale = session_locale()
        with force_locale(locale):
            message = _("The database is busy right now, and nothing was saved. Try again in a moment.")
            if wants_json():
                response = jsonify(error=message)
            else:
                response = current_app.make_response(
                    render_template("busy.html", message=message, locale=locale)
                )
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response


def _seconds_until_reset() -> int:
    """When the limit that was hit lets the next attempt through (a minute if that is unknown)."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, math.ceil(breached.reset_at - time.time()))


def _render(status: int, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status
