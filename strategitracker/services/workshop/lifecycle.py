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
- Votes are anonymous: a participant's own dots are theirs to see; totals are shown to everyone once voting
  has closed (closing shows them; the facilitator may hide and show them again). Results are never shown while
  voting is open, and no dot is placed once they are shown (rules.reveal_problem, rules.voting_problem).
  Nobody else's dots are ever shown per person.
- A join link (a long random token) gives a guest this workshop's board until the workshop is closed or the
  link is revoked; a new link replaces the old one. Organisation members join with their own account.
- Turning a card into a goal, action plan or KPI uses the ordinary services (same validation and audit
  events), then records the provenance: the new item's `source_card_id`, and the card's converted_kind,
  converted_id and the dots it had (`votes_at_conversion`). A card is turned into at most one item.

Every function flushes (never commits) and records an audit event; a refused request raises ServiceError and
changes nothing.

This module holds a workshop's lifecycle (creating, editing, archiving, phases, revealing results); the
shared limits and checks are in workshop_rules.py, the join link and participants in workshop_participants.py,
cards and dots in workshop_cards.py, the board in workshop_board.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ...extensions import db
from ...models import Organisation, Phase, Strategy, User, Workshop
from ...models._types import utcnow
from .. import ServiceError, audit
from .rules import (
    DOTS_MAX,
    DOTS_MIN,
    TITLE_MAX,
    clean_text,
    layout_columns,
    new_token,
    record_workshop_event,
    reveal_problem,
)

NEXT_PHASE = {Phase.COLLECTING: Phase.VOTING, Phase.VOTING: Phase.CLOSED}


def _state(workshop: Workshop) -> dict[str, Any]:
    return {
        "title": workshop.title,
        "held_on": audit.jsonable(workshop.held_on),
        "strategy_id": workshop.strategy_id,
        "dots_per_participant": workshop.dots_per_participant,
    }


def _check_dots(value: int | None) -> int:
    if value is None or not DOTS_MIN <= value <= DOTS_MAX:
        raise ServiceError(_("The number of dots must be from %(lo)d to %(hi)d.", lo=DOTS_MIN, hi=DOTS_MAX))
    return value


def _check_strategy(org_id: int, strategy: Strategy | None) -> None:
    if strategy is not None and strategy.organisation_id != org_id:
        raise ServiceError(_("Choose one of the organisation's strategies."))


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
    title = clean_text(
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
    record_workshop_event(
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
    title = clean_text(
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
    record_workshop_event(
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
    before = {"archived_at": audit.jsonable(workshop.archived_at)}
    workshop.archived_at = utcnow() if archived else None
    db.session.flush()
    record_workshop_event(
        f"workshop.{'archive' if archived else 'restore'}",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before=before,
        after={"archived_at": audit.jsonable(workshop.archived_at)},
    )
    return True


def _set_phase(workshop: Workshop, new_phase: Phase, actor: User) -> None:
    before = {"phase": workshop.phase, "results_revealed": workshop.results_revealed}
    workshop.phase = new_phase
    if new_phase == Phase.CLOSED:
        workshop.results_revealed = True
    db.session.flush()
    record_workshop_event(
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
    """Show or hide the dot totals (shown only once voting has closed). False when already so."""
    if problem := reveal_problem(workshop, revealed):
        raise ServiceError(problem)
    if workshop.results_revealed == revealed:
        return False
    workshop.results_revealed = revealed
    db.session.flush()
    record_workshop_event(
        "workshop.results_reveal" if revealed else "workshop.results_hide",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before={"results_revealed": not revealed},
        after={"results_revealed": revealed},
    )
    return True
