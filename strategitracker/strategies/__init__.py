"""Strategies: the organisation's start page, a strategy's page and forms, archiving and publishing."""

from flask import Blueprint

bp = Blueprint("strategies", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
