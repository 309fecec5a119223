"""KPIs: a KPI's page with baseline, targets and measurements, and its forms."""

from flask import Blueprint

bp = Blueprint("kpis", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
