"""Search: an organisation's goals, KPIs, action plans, strategies and workshops, and the public search
over published strategies."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
