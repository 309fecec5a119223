"""The REST API v1 under /api/v1, described by an OpenAPI 3.1 document that flask-smorest builds from the
code (/api/v1/openapi.json), with Swagger UI from an installed package at /api/v1/docs.

Callers send `Authorization: Bearer <personal access token>`; see auth.py. Refusals are problem details
(RFC 9457) in the token owner's language.
"""

from __future__ import annotations

import http

from flask import Flask, Response, current_app, g
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from ..extensions import csrf, limiter
from ..web.problems import PROBLEM_TYPE, api_title, problem_from_exception
from .schemas import ProblemSchema

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="A municipality's strategy, goals, KPIs and action plans",
)


def problems(*statuses: int):
    """Document the problems an operation may answer (besides its success), each with its reason, so the
    OpenAPI document names every status a caller must handle."""

    def decorate(view):
        for status in statuses:
            view = bp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


#: Every operation: no valid token (401), too many requests (429).
EVERY = (401, 429)
#: Every write besides: an unreadable body (400), a token or role that may not (403), and a refusal by the
#: domain's rules or a body that does not match the document (422).
WRITES = (*EVERY, 400, 403, 422)


class ProblemApi(Api):
    """flask-smorest's Api, answering errors only on its own routes and describing them as problem details.

    flask-smorest would handle every HTTP error of the app as JSON; the pages keep their own error pages,
    so the API's blueprint handles its own (see `register_api`)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        return None

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


SPEC_OPTIONS = {
    "info": {
        "description": "Read a municipality's strategy into BI tools and push KPI measurements from other "
        "systems. Send `Authorization: Bearer <token>`; make a token under Account → API tokens.",
    },
    "servers": [{"url": "/"}],
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
}


def register_api(app: Flask) -> None:
    from . import account, docs

    app.config.setdefault("API_TITLE", "strategitracker")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", SPEC_OPTIONS)
    app.config.setdefault("API_RATE_LIMIT", "600 per minute")
    api = ProblemApi(app)
    api.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(account.bp)


def _caching(response: Response) -> Response:
    """Clients revalidate with the ETag; nothing lingers in shared caches."""
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Authorization")
    links = g.get("api_links")
    if links and response.status_code == 200:
        response.headers["Link"] = links
    return response


def _http_error(exc: HTTPException):
    if exc.response is not None:
        return exc.response
    return problem_from_exception(exc, api_title(exc.code or 500))


def _set_up_blueprint() -> None:
    """Once, before any app registers the blueprint: token authentication, caching headers, problem
    details, no CSRF and a rate limit per token."""
    from . import auth, inquiries, routes  # noqa: F401  (the routes register on the blueprint)

    bp.before_request(auth.authenticate)
    bp.after_request(_caching)
    bp.register_error_handler(HTTPException, _http_error)
    csrf.exempt(bp)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=auth.rate_limit_key)(bp)


_set_up_blueprint()
