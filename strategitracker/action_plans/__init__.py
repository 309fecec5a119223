"""Action plans: a plan's page with its history, status updates and its forms."""

from flask import Blueprint

bp = Blueprint("action_plans", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
