"""Dashboards: a strategy's dashboard and timeline, and a rank KPI's comparison with other municipalities."""

from flask import Blueprint

bp = Blueprint("dashboards", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
