"""The organisation's audit log."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
