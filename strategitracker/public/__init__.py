"""The public, no-login pages under /public: the published strategies of every organisation."""

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/public")

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
