"""Exports of measurements, action plans (with history) and benchmark rankings as .xlsx and .csv."""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/o/<slug>/exports")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
