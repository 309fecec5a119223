"""Who takes part in a workshop: the join link guests use (its token, revoking and renewing it) and the
participant rows of guests and members. The rules are in services/workshop/lifecycle.py's docstring.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Phase, User, Workshop, WorkshopParticipant
from ...models._types import utcnow
from .. import ServiceError, audit
from .rules import DISPLAY_NAME_MAX, clean_text, is_closed, new_token, record_workshop_event, refuse_if_closed


def participant_names(workshop: Workshop) -> list[str]:
    """Everyone who joined the workshop, by the name they gave (a member's current account name), sorted: for
    the minutes."""
    rows = db.session.execute(
        sa.select(WorkshopParticipant.display_name, User.name)
        .outerjoin(User, WorkshopParticipant.user_id == User.id)
        .where(WorkshopParticipant.workshop_id == workshop.id)
    ).all()
    return sorted((account or shown for shown, account in rows), key=str.casefold)


# -- the join link -----------------------------------------------------------------------------------------


def link_is_active(workshop: Workshop) -> bool:
    return workshop.token_revoked_at is None and not is_closed(workshop)


def revoke_link(workshop: Workshop, *, actor: User) -> bool:
    if workshop.token_revoked_at is not None:
        return False
    workshop.token_revoked_at = utcnow()
    db.session.flush()
    record_workshop_event(
        "workshop.link_revoke",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        after={"token_revoked_at": audit.jsonable(workshop.token_revoked_at)},
    )
    return True


def new_link(workshop: Workshop, *, actor: User) -> None:
    """A new join token; the old link stops working at once."""
    refuse_if_closed(workshop)
    workshop.join_token = new_token()
    workshop.token_revoked_at = None
    db.session.flush()
    # The token itself is a secret: the audit trail records only that it changed.
    record_workshop_event(
        "workshop.link_new", "workshop", workshop.id, workshop, actor.id, after={"new_link": True}
    )


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
    name = clean_text(
        display_name,
        empty=_("Enter the name the others will know you by."),
        too_long=_("The name may be at most %(n)d characters.", n=DISPLAY_NAME_MAX),
        maximum=DISPLAY_NAME_MAX,
    )
    participant = WorkshopParticipant(workshop_id=workshop.id, display_name=name)
    db.session.add(participant)
    db.session.flush()
    record_workshop_event(
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
    refuse_if_closed(workshop)
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
    record_workshop_event(
        "workshop.join",
        "workshop_participant",
        participant.id,
        workshop,
        user.id,
        after={"display_name": name, "guest": False},
    )
    return participant
