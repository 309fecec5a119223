"""The organisation's workspace under /o/<slug>/: strategies, goals, KPIs, measurements, action plans.

One blueprint; its views live in modules by subject, imported here so they register on it.
"""

from flask import Blueprint

bp = Blueprint("workspace", __name__, url_prefix="/o/<slug>")

from . import action_plans, audit_log, dashboards, kpis, mine, publishing, reports, routes  # noqa: E402,F401
