"""An organisation's members and their roles."""

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/o/<slug>/members")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
