"""Test helpers shared by the fixtures and the tests."""

import re

from flask import Flask
from flask.testing import FlaskClient

from strategitracker.extensions import db


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production: a fresh `g` and its own db session.

    Without this, Flask reuses the test's app context for the client's requests, so `g` (the logged-in user,
    the CSRF token, `g.org`) and the session's identity map would leak from one request into the next.
    The test's own session is flushed before and expired after each request.
    """

    def open(self, *args, **kwargs):
        db.session.flush()  # the request sees what the test has set up
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # and the test then reads what the request wrote
        return response


def fresh_client(app: Flask) -> FreshContextClient:
    return FreshContextClient(app, app.response_class, use_cookies=True)


_SIGNED_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=|content=)"[^"]*\.[^"]*"')


def without_csrf_tokens(page: str | bytes) -> str:
    """The page with its CSRF tokens blanked: they carry the second they were signed in."""
    text = page.decode() if isinstance(page, bytes) else page
    return _SIGNED_TOKEN.sub(r"\1", text)


_WAITING = re.compile(r'<script type="text/html" class="chart-table-content">(.*?)</script>', re.S)


def opened(page: str) -> str:
    """The page as it reads once every folded table is opened (charts.js puts the waiting text in)."""
    return _WAITING.sub(r"\1", page)
