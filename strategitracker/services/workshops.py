"""Strategy workshops: a board of idea cards in columns, dot voting, and cards turned into the plan.

Rules chosen here (docs/workshops.md explains them to users; tests/test_workshops_service.py checks them):

- Phases run collecting → voting → closed. The facilitator may go back from voting to collecting (to take in a
  forgotten idea); dots already placed stay and count again when voting reopens. Closed is final, and closing
  reveals the results.
- Cards are added, and edited by their author only, while collecting. The facilitator moves cards between
  columns and merges duplicates while the workshop is not closed; cards are never deleted.
- Merging card B into card A hides B (merged_into_id = A) and moves B's dots to A: a participant who had dots
  on both keeps the sum on A, so nobody's number of dots changes. A's text is kept, or A and B's texts
  combined.
- Each participant has `dots_per_participant` dots, may put several on one card and take them back, all only
  while voting. The number of dots can be changed while collecting only.
- Votes are anonymous: a participant's own dots are theirs to see; totals are shown to everyone once the
  facilitator reveals the results. Nobody else's dots are ever shown per person.
- A join link (a long random token) gives a guest this workshop's board until the workshop is closed or the
  link is revoked; a new link replaces the old one. Organisation members join with their own account.
- Turning a card into a goal, action plan or KPI uses the ordinary services (same validation and audit
  events), then records the provenance: the new item's `source_card_id`, and the card's converted_kind,
  converted_id and the dots it had (`votes_at_conversion`). A card is turned into at most one item.

Every function flushes (never commits) and records an audit event; a refused request raises ServiceError and
changes nothing.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import (
    ConvertedKind,
    Layout,
    Organisation,
    Phase,
    Strategy,
    User,
    Workshop,
    WorkshopParticipant,
)
from ..models._types import utcnow
from . import ServiceError, audit

TITLE_MAX = 300
CARD_TEXT_MAX = 500
DISPLAY_NAME_MAX = 80
COLUMN_TITLE_MAX = 60
FREE_COLUMNS_MIN, FREE_COLUMNS_MAX = 1, 8
DOTS_MIN, DOTS_MAX = 1, 50
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters

# The fixed layouts: column keys with their (English msgid) titles, translated when shown.
FIXED_COLUMNS: dict[str, list[tuple[str, Any]]] = {
    Layout.SWOT: [
        ("strengths", _l("Strengths")),
        ("weaknesses", _l("Weaknesses")),
        ("opportunities", _l("Opportunities")),
        ("threats", _l("Threats")),
    ],
    Layout.PLAN: [
        ("goals", _l("Goals")),
        ("action_plans", _l("Action plans")),
        ("kpis", _l("KPIs")),
    ],
}
FIXED_TITLES = {key: title for columns in FIXED_COLUMNS.values() for key, title in columns}

PHASE_LABELS = {
    Phase.COLLECTING: _l("Collecting ideas"),
    Phase.VOTING: _l("Voting"),
    Phase.CLOSED: _l("Closed"),
}
LAYOUT_LABELS = {
    Layout.SWOT: _l("SWOT (strengths, weaknesses, opportunities, threats)"),
    Layout.PLAN: _l("Goals, action plans and KPIs"),
    Layout.FREE: _l("Free columns"),
}
KIND_LABELS = {
    ConvertedKind.GOAL: _l("Goal"),
    ConvertedKind.ACTION_PLAN: _l("Action plan"),
    ConvertedKind.KPI: _l("KPI"),
}
NEXT_PHASE = {Phase.COLLECTING: Phase.VOTING, Phase.VOTING: Phase.CLOSED}


# -- helpers -----------------------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _state(workshop: Workshop) -> dict[str, Any]:
    return {
        "title": workshop.title,
        "held_on": _jsonable(workshop.held_on),
        "strategy_id": workshop.strategy_id,
        "dots_per_participant": workshop.dots_per_participant,
    }


def _record(
    action: str,
    entity_type: str,
    entity_id: int | None,
    workshop: Workshop,
    user_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        action,
        entity_type,
        entity_id,
        organisation_id=workshop.organisation_id,
        user_id=user_id,
        before=before,
        after={"workshop_id": workshop.id, **(after or {})},
    )


def _clean_text(value: str | None, *, empty: str, too_long: str, maximum: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(empty)
    if len(text) > maximum:
        raise ServiceError(too_long)
    return text


def _card_text(value: str | None) -> str:
    return _clean_text(
        value,
        empty=_("Write something on the card."),
        too_long=_("A card can hold at most %(n)d characters.", n=CARD_TEXT_MAX),
        maximum=CARD_TEXT_MAX,
    )


def _check_dots(value: int | None) -> int:
    if value is None or not DOTS_MIN <= value <= DOTS_MAX:
        raise ServiceError(_("The number of dots must be from %(lo)d to %(hi)d.", lo=DOTS_MIN, hi=DOTS_MAX))
    return value


def _check_strategy(org_id: int, strategy: Strategy | None) -> None:
    if strategy is not None and strategy.organisation_id != org_id:
        raise ServiceError(_("Choose one of the organisation's strategies."))


def is_closed(workshop: Workshop) -> bool:
    return workshop.phase == Phase.CLOSED or workshop.archived_at is not None


def _refuse_if_closed(workshop: Workshop) -> None:
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    if workshop.phase == Phase.CLOSED:
        raise ServiceError(_("The workshop is closed."))


def parse_free_columns(text: str | None) -> list[str]:
    """The facilitator's column names, one per line (blank lines ignored)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def free_columns_problem(names: list[str]) -> str | None:
    if not FREE_COLUMNS_MIN <= len(names) <= FREE_COLUMNS_MAX:
        return _(
            "Give from %(lo)d to %(hi)d column names, one per line.", lo=FREE_COLUMNS_MIN, hi=FREE_COLUMNS_MAX
        )
    if any(len(name) > COLUMN_TITLE_MAX for name in names):
        return _("A column name may be at most %(n)d characters.", n=COLUMN_TITLE_MAX)
    if len({name.casefold() for name in names}) != len(names):
        return _("Each column needs a different name.")
    return None


def layout_columns(layout: str, free_names: list[str] | None = None) -> list[dict[str, str]]:
    """The board's columns for a layout: fixed keys and titles, or the facilitator's names as c1…c8."""
    if layout in FIXED_COLUMNS:
        return [{"key": key, "title": str(title)} for key, title in FIXED_COLUMNS[Layout(layout)]]
    if layout != Layout.FREE:
        raise ServiceError(_("Choose a board layout."))
    names = free_names or []
    problem = free_columns_problem(names)
    if problem:
        raise ServiceError(problem)
    return [{"key": f"c{n}", "title": name} for n, name in enumerate(names, start=1)]


def column_title(workshop: Workshop, column: dict[str, str]) -> str:
    """A column's title in the reader's language (fixed layouts), or as the facilitator typed it."""
    if workshop.layout != Layout.FREE and column["key"] in FIXED_TITLES:
        return str(FIXED_TITLES[column["key"]])
    return column["title"]


def column_keys(workshop: Workshop) -> list[str]:
    return [column["key"] for column in workshop.columns]


def _check_column(workshop: Workshop, key: str | None) -> str:
    if key not in column_keys(workshop):
        raise ServiceError(_("Choose one of the board's columns."))
    return key


# -- workshops ---------------------------------------------------------------------------------------------


def create_workshop(
    org: Organisation,
    *,
    title: str,
    held_on: date,
    layout: str,
    free_columns: list[str] | None = None,
    strategy: Strategy | None = None,
    dots_per_participant: int = 5,
    actor: User,
) -> Workshop:
    title = _clean_text(
        title,
        empty=_("The workshop needs a title."),
        too_long=_("The title may be at most %(n)d characters.", n=TITLE_MAX),
        maximum=TITLE_MAX,
    )
    if held_on is None:
        raise ServiceError(_("Enter the date of the workshop."))
    _check_strategy(org.id, strategy)
    columns = layout_columns(layout, free_columns)
    workshop = Workshop(
        organisation_id=org.id,
        strategy_id=strategy.id if strategy else None,
        facilitator_id=actor.id,
        title=title,
        held_on=held_on,
        layout=layout,
        columns=columns,
        phase=Phase.COLLECTING,
        dots_per_participant=_check_dots(dots_per_participant),
        results_revealed=False,
        join_token=new_token(),
    )
    db.session.add(workshop)
    db.session.flush()
    _record(
        "workshop.create",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        after={**_state(workshop), "layout": layout, "columns": [c["title"] for c in columns]},
    )
    return workshop


def update_workshop(
    workshop: Workshop,
    *,
    title: str,
    held_on: date,
    strategy: Strategy | None,
    dots_per_participant: int,
    actor: User,
) -> bool:
    """Change title, date, strategy and (while collecting) the number of dots; False when nothing changed."""
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    title = _clean_text(
        title,
        empty=_("The workshop needs a title."),
        too_long=_("The title may be at most %(n)d characters.", n=TITLE_MAX),
        maximum=TITLE_MAX,
    )
    if held_on is None:
        raise ServiceError(_("Enter the date of the workshop."))
    _check_strategy(workshop.organisation_id, strategy)
    dots = _check_dots(dots_per_participant)
    if dots != workshop.dots_per_participant and workshop.phase != Phase.COLLECTING:
        raise ServiceError(_("The number of dots can only be changed while ideas are being collected."))
    before = _state(workshop)
    workshop.title = title
    workshop.held_on = held_on
    workshop.strategy_id = strategy.id if strategy else None
    workshop.dots_per_participant = dots
    after = _state(workshop)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return False
    db.session.flush()
    _record(
        "workshop.update",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before={k: before[k] for k in changed},
        after=changed,
    )
    return True


def set_archived(workshop: Workshop, archived: bool, *, actor: User) -> bool:
    if (workshop.archived_at is not None) == archived:
        return False
    before = {"archived_at": _jsonable(workshop.archived_at)}
    workshop.archived_at = utcnow() if archived else None
    db.session.flush()
    _record(
        f"workshop.{'archive' if archived else 'restore'}",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before=before,
        after={"archived_at": _jsonable(workshop.archived_at)},
    )
    return True


def _set_phase(workshop: Workshop, new_phase: Phase, actor: User) -> None:
    before = {"phase": workshop.phase, "results_revealed": workshop.results_revealed}
    workshop.phase = new_phase
    if new_phase == Phase.CLOSED:
        workshop.results_revealed = True
    db.session.flush()
    _record(
        "workshop.phase",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before=before,
        after={"phase": workshop.phase, "results_revealed": workshop.results_revealed},
    )


def next_phase(workshop: Workshop, *, actor: User) -> str:
    """collecting → voting → closed; returns the new phase."""
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    target = NEXT_PHASE.get(Phase(workshop.phase))
    if target is None:
        raise ServiceError(_("The workshop is closed; it cannot be opened again."))
    _set_phase(workshop, target, actor)
    return workshop.phase


def previous_phase(workshop: Workshop, *, actor: User) -> str:
    """voting → collecting (the dots placed so far are kept); nothing else goes back."""
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    if workshop.phase != Phase.VOTING:
        raise ServiceError(_("Only voting can go back to collecting ideas."))
    _set_phase(workshop, Phase.COLLECTING, actor)
    return workshop.phase


def set_results_revealed(workshop: Workshop, revealed: bool, *, actor: User) -> bool:
    """Show or hide the dot totals; results exist from the voting phase on. False when already so."""
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    if revealed and workshop.phase == Phase.COLLECTING:
        raise ServiceError(_("There are no results to show before voting."))
    if workshop.results_revealed == revealed:
        return False
    workshop.results_revealed = revealed
    db.session.flush()
    _record(
        "workshop.results_reveal" if revealed else "workshop.results_hide",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before={"results_revealed": not revealed},
        after={"results_revealed": revealed},
    )
    return True


# -- the join link -----------------------------------------------------------------------------------------


def link_is_active(workshop: Workshop) -> bool:
    return workshop.token_revoked_at is None and not is_closed(workshop)


def revoke_link(workshop: Workshop, *, actor: User) -> bool:
    if workshop.token_revoked_at is not None:
        return False
    workshop.token_revoked_at = utcnow()
    db.session.flush()
    _record(
        "workshop.link_revoke",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        after={"token_revoked_at": _jsonable(workshop.token_revoked_at)},
    )
    return True


def new_link(workshop: Workshop, *, actor: User) -> None:
    """A new join token; the old link stops working at once."""
    _refuse_if_closed(workshop)
    workshop.join_token = new_token()
    workshop.token_revoked_at = None
    db.session.flush()
    # The token itself is a secret: the audit trail records only that it changed.
    _record("workshop.link_new", "workshop", workshop.id, workshop, actor.id, after={"new_link": True})


def workshop_by_token(token: str) -> Workshop | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(Workshop).where(Workshop.join_token == token))


def token_problem(workshop: Workshop | None) -> tuple[int, str] | None:
    """Why a join link cannot be used now: (HTTP status, message), or None when it can."""
    if workshop is None:
        return 404, _(
            "This join link is not valid. Check the address, or ask the facilitator for a new link."
        )
    if workshop.archived_at is not None or workshop.phase == Phase.CLOSED:
        return 410, _("This workshop has ended, so its join link no longer works. Thank you for taking part.")
    if workshop.token_revoked_at is not None:
        return 410, _("The facilitator has withdrawn this join link. Ask the facilitator for a new link.")
    return None


# -- participants ------------------------------------------------------------------------------------------


def join_as_guest(workshop: Workshop, display_name: str) -> WorkshopParticipant:
    problem = token_problem(workshop)
    if problem:
        raise ServiceError(problem[1])
    name = _clean_text(
        display_name,
        empty=_("Enter the name the others will know you by."),
        too_long=_("The name may be at most %(n)d characters.", n=DISPLAY_NAME_MAX),
        maximum=DISPLAY_NAME_MAX,
    )
    participant = WorkshopParticipant(workshop_id=workshop.id, display_name=name)
    db.session.add(participant)
    db.session.flush()
    _record(
        "workshop.join",
        "workshop_participant",
        participant.id,
        workshop,
        None,
        after={"display_name": name, "guest": True},
    )
    return participant


def member_participant(workshop: Workshop, user: User) -> WorkshopParticipant | None:
    return db.session.scalar(
        sa.select(WorkshopParticipant).where(
            WorkshopParticipant.workshop_id == workshop.id, WorkshopParticipant.user_id == user.id
        )
    )


def join_as_member(workshop: Workshop, user: User) -> WorkshopParticipant:
    """The member's participant row on this board, made on first use."""
    existing = member_participant(workshop, user)
    if existing is not None:
        return existing
    _refuse_if_closed(workshop)
    name = (user.name or user.email).strip()[:DISPLAY_NAME_MAX] or user.email[:DISPLAY_NAME_MAX]
    participant = WorkshopParticipant(workshop_id=workshop.id, user_id=user.id, display_name=name)
    try:
        with db.session.begin_nested():
            db.session.add(participant)
            db.session.flush()
    except sa.exc.IntegrityError:  # joined at the same moment in another request
        existing = member_participant(workshop, user)
        if existing is None:
            raise
        return existing
    _record(
        "workshop.join",
        "workshop_participant",
        participant.id,
        workshop,
        user.id,
        after={"display_name": name, "guest": False},
    )
    return participant
