"""The council report of a strategy: print-ready page and Excel workbook."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
