"""Error pages: HTML for people, JSON for API clients; a Danish message for throttling and CSRF."""

from flask import Flask, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .permissions import wants_json


def register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("The form had expired or was not sent from this site. Reload the page and try again.")
        return _render(400, message)

    @app.errorhandler(429)
    def too_many_requests(exc: HTTPException):
        return _render(429, _("Too many attempts. Wait a minute and try again."))

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


def _render(status: int, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status
