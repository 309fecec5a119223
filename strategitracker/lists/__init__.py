"""Organisation-wide lists: every action plan, every KPI, and one department's page."""

from flask import Blueprint

bp = Blueprint("lists", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
