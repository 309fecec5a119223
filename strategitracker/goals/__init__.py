"""Goals: a goal's page with its KPIs and action plans, and its forms."""

from flask import Blueprint

bp = Blueprint("goals", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
