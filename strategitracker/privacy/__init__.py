"""Personal data and the public body's duties: one's own data and a member's, anonymising a former user,
the organisation's privacy and accessibility links, and the footer every page shows them in."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from . import routes  # noqa: E402,F401  (the views, registered on `bp`)
