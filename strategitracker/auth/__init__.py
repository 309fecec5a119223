"""Log-in, log-out, password change and the rules of a session."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
