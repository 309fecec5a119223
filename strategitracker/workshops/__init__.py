"""Workshop mode: idea boards, dot voting, a projector view, minutes, and cards turned into the plan."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)

from . import (  # noqa: E402, F401  (the views, registered on `bp`)
    card_conversion,
    card_sorting,
    facilitation,
    guests,
    members,
    minutes,
    state,
    workshop_setup,
)
