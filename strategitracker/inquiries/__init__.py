"""The business inquiry log (Erhvervskontakten): quick entry, the list with filters, the desk; the contact map
and the outreach meetings (outreach.py)."""

from flask import Blueprint

bp = Blueprint("inquiries", __name__, url_prefix="/o/<slug>/inquiries")

from . import outreach, routes  # noqa: E402,F401  (the views, registered on `bp`)
