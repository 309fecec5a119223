"""Workshop mode: idea boards, dot voting, a projector view, minutes, and cards turned into the plan."""

from . import facilitator, guests, members, state  # noqa: E402, F401  (the views, registered on `bp`)
from .common import bp

__all__ = ["bp"]
