"""Departments (forvaltninger) of the organisation: the list and its forms."""

from flask import Blueprint

bp = Blueprint("departments", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
