"""The board as JSON, for the pages that refresh themselves: for members and for guests (join link)."""

from __future__ import annotations

from flask import (
    jsonify,
)

from ..permissions import Action, org_view
from ..services import workshop as board_service
from . import bp
from .common import GUEST, ORG, joined_guest, member_state, workshop_or_404


@bp.get(f"{ORG}/<int:workshop_id>/state")
@org_view(Action.VIEW)
def state(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    response = jsonify(member_state(workshop))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"{GUEST}/state")
def guest_state(token: str):
    workshop, participant = joined_guest(token)
    board = board_service.load_board(workshop, participant)
    response = jsonify(board_service.board_state(board))
    response.headers["Cache-Control"] = "no-store"
    return response
