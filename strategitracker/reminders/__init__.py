"""Chasing updates: update rounds of a strategy, one's reminder setting, the sending log."""

from flask import Blueprint

bp = Blueprint("reminders", __name__)

from . import routes  # noqa: E402,F401
