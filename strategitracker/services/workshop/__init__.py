"""Strategy workshops: the workshop and its phases (lifecycle.py), who takes part (participants.py), cards
and dots (cards.py), the board as a participant sees it (board.py), cards turned into the plan
(conversion.py), the minutes (minutes.py) and the limits and labels they share (rules.py)."""

from .board import board_fingerprint, board_state, load_board
from .cards import add_card, add_vote, card_total, dots_used, edit_card, merge_cards, move_card, remove_vote
from .conversion import Conversion, convert_card, provenance
from .lifecycle import (
    create_workshop,
    next_phase,
    previous_phase,
    set_archived,
    set_results_revealed,
    update_workshop,
)
from .minutes import minutes_xlsx
from .participants import (
    join_as_guest,
    join_as_member,
    link_is_active,
    member_participant,
    new_link,
    revoke_link,
    token_problem,
    workshop_by_token,
)
from .rules import (
    CARD_TEXT_MAX,
    DISPLAY_NAME_MAX,
    DOTS_MAX,
    DOTS_MIN,
    KIND_LABELS,
    LAYOUT_LABELS,
    PHASE_LABELS,
    TITLE_MAX,
    column_title,
    free_columns_problem,
    is_closed,
    layout_columns,
    new_token,
    parse_free_columns,
)

__all__ = [
    "CARD_TEXT_MAX",
    "Conversion",
    "DISPLAY_NAME_MAX",
    "DOTS_MAX",
    "DOTS_MIN",
    "KIND_LABELS",
    "LAYOUT_LABELS",
    "PHASE_LABELS",
    "TITLE_MAX",
    "add_card",
    "add_vote",
    "board_fingerprint",
    "board_state",
    "card_total",
    "column_title",
    "convert_card",
    "create_workshop",
    "dots_used",
    "edit_card",
    "free_columns_problem",
    "is_closed",
    "join_as_guest",
    "join_as_member",
    "layout_columns",
    "link_is_active",
    "load_board",
    "member_participant",
    "merge_cards",
    "minutes_xlsx",
    "move_card",
    "new_link",
    "new_token",
    "next_phase",
    "parse_free_columns",
    "previous_phase",
    "provenance",
    "remove_vote",
    "revoke_link",
    "set_archived",
    "set_results_revealed",
    "token_problem",
    "update_workshop",
    "workshop_by_token",
]
