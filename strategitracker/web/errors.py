"""Error pages: HTML for people, JSON for API clients; a Danish message for throttling and CSRF."""

import math
import time

import sqlalchemy as sa
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db, limiter
from ..permissions import wants_json
from .database import SAFE_METHODS, committed_in_request, is_busy_database
from .i18n import session_locale
from .problems import api_title, problem, problem_from_exception

HEALTH_ENDPOINT = "core.healthz"


def too_many_requests(exc: HTTPException):
    if request.path.startswith("/api/"):
        response = problem(429, _("Too many requests"), _("Wait a minute and try again."))
        response.headers["Retry-After"] = str(_seconds_until_allowed())
        return response
    response, status = _render(429, _("Too many attempts. Wait a minute and try again."))
    return response, status, {"Retry-After": str(_seconds_until_allowed())}


def register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("The form had expired or was not sent from this site. Reload the page and try again.")
        return _render(400, message)

    app.register_error_handler(429, too_many_requests)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.response is not None:  # e.g. a JSON response passed to abort()
            return exc
        if request.path.startswith("/api/"):  # no route: the API's clients read problem details
            return problem_from_exception(exc, api_title(exc.code or 500))
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have access to this page."),
            404: _("The page was not found."),
            405: _("That is not allowed here."),
        }
        return _render(exc.code or 500, messages.get(exc.code, exc.description))

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    @app.errorhandler(sa.exc.TimeoutError)
    def database_unavailable(exc: sa.exc.SQLAlchemyError):
        """The database is busy (SQLite's other writer held it too long) or cannot be reached: a 503 with
        Retry-After that says truthfully whether the request's change was saved. The page is drawn
        without the database (no log-in or navigation look-ups), which may still be down."""
        busy = is_busy_database(exc)
        if not busy:
            current_app.logger.error("Database unavailable: %s", exc)
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            current_app.logger.info("Rollback after a database error failed too", exc_info=True)
        if request.endpoint == HEALTH_ENDPOINT:  # e.g. the log-in check of a signed-in caller failed
            return jsonify(status="error", database="unreachable"), 503
        with force_locale(session_locale()):  # the user's own language would need the database
            return _unavailable_page(_unavailable_message(busy), retry_after=5 if busy else 10)


def _unavailable_message(busy: bool) -> str:
    if committed_in_request():
        if busy:
            return _(
                "Your change was saved, but the database is too busy to show the next page. "
                "Reload the page in a moment."
            )
        return _(
            "Your change was saved, but the database cannot be reached to show the next page. "
            "Reload the page in a moment."
        )
    if busy:
        return _("The database is busy right now, and nothing was saved. Try again in a moment.")
    if request.method in SAFE_METHODS:
        return _(
            "The page cannot be shown right now because the database cannot be reached. "
            "Try again in a moment."
        )
    return _("The database cannot be reached right now, and nothing was saved. Try again in a moment.")


def _unavailable_page(message: str, *, retry_after: int) -> Response:
    """The 503 page, rendered straight from its template: no context processor runs (they would look up
    the user and the navigation in the database)."""
    if wants_json():
        response = jsonify(error=message)
    else:
        template = current_app.jinja_env.get_template("busy.html")
        response = current_app.make_response(template.render(message=message, locale=session_locale()))
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after)
    return response


def _seconds_until_allowed() -> int:
    """When the breached limit lets the next attempt through (a minute when no limit says)."""
    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def _render(status: int, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status
