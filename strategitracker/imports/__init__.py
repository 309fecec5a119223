"""Importing measurements, benchmark rankings and action plans from .xlsx and .csv files (web and CLI)."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/o/<slug>/imports")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
