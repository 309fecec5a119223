""" "Mine": what the current user is responsible for."""

from flask import Blueprint

bp = Blueprint("mine", __name__, url_prefix="/o/<slug>")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
