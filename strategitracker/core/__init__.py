"""The start page, the organisation switcher and the health check."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
