"""Turning a workshop card into a goal, action plan or KPI, and finding the card an item came from.

The ordinary services create the item (same validation and audit events); the provenance is recorded on
both sides: the item's `source_card_id`, and the card's converted_kind, converted_id and votes_at_conversion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...models import KPI, ActionPlan, ConvertedKind, Goal, Strategy, User, Workshop, WorkshopCard
from .. import ServiceError
from ..action_plan import ActionPlanFields, create_action_plan
from ..kpi import KPIData, create_kpi
from ..strategy import create_goal
from .cards import card_total, check_visible
from .rules import record_workshop_event

# -- turning cards into the plan ---------------------------------------------------------------------------


@dataclass
class Conversion:
    """What the facilitator fills in when turning a card into a goal, an action plan or a KPI."""

    title: str
    description: str = ""
    strategy: Strategy | None = None  # for a goal
    goal: Goal | None = None  # for an action plan or a KPI
    owner: str = ""  # goal, action plan: the responsible role
    owner_user_id: int | None = None  # goal, action plan: the responsible member
    department_id: int | None = None  # action plan
    start_date: date | None = None  # action plan
    due_date: date | None = None  # action plan
    unit: str = ""  # KPI


def _check_convertible(card: WorkshopCard) -> Workshop:
    workshop = card.workshop
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    check_visible(card, workshop)
    if card.converted_kind is not None:
        raise ServiceError(_("This card has already been turned into part of the plan."))
    return workshop


def _set_source(item: Goal | ActionPlan | KPI, card: WorkshopCard) -> None:
    """Record where the item came from without counting it as an edit (an action plan's version stays 1)."""
    table = type(item).__table__
    db.session.execute(sa.update(table).where(table.c.id == item.id).values(source_card_id=card.id))
    set_committed_value(item, "source_card_id", card.id)


def convert_card(
    card: WorkshopCard, kind: str, data: Conversion, *, actor: User, today: date
) -> Goal | ActionPlan | KPI:
    """Create the goal, action plan or KPI through its own service, then link it and the card both ways."""
    workshop = _check_convertible(card)
    org_id = workshop.organisation_id
    if kind == ConvertedKind.GOAL:
        if data.strategy is None or data.strategy.organisation_id != org_id:
            raise ServiceError(_("Choose the strategy the goal belongs to."))
        item = create_goal(
            data.strategy,
            title=data.title,
            description=data.description,
            owner=data.owner,
            owner_user_id=data.owner_user_id,
            actor=actor,
        )
    elif kind in (ConvertedKind.ACTION_PLAN, ConvertedKind.KPI):
        if data.goal is None or data.goal.organisation_id != org_id:
            raise ServiceError(_("Choose the goal it belongs to."))
        if data.goal.archived_at is not None or data.goal.strategy.archived_at is not None:
            raise ServiceError(_("The goal is archived. Choose another goal."))
        if kind == ConvertedKind.ACTION_PLAN:
            fields = ActionPlanFields(
                title=data.title,
                description=data.description,
                owner=data.owner,
                owner_user_id=data.owner_user_id,
                department_id=data.department_id,
                start_date=data.start_date,
                due_date=data.due_date,
            )
            item = create_action_plan(data.goal, fields, actor=actor, today=today)
        else:
            item = create_kpi(
                data.goal, KPIData(name=data.title, description=data.description, unit=data.unit), actor=actor
            )
    else:
        raise ServiceError(_("Choose what the card should become."))
    _set_source(item, card)
    card.converted_kind = ConvertedKind(kind).value
    card.converted_id = item.id
    card.votes_at_conversion = card_total(card)
    db.session.flush()
    record_workshop_event(
        "workshop.card_convert",
        "workshop_card",
        card.id,
        workshop,
        actor.id,
        after={"kind": card.converted_kind, "item_id": item.id, "votes": card.votes_at_conversion},
    )
    return item


def provenance(item: Any) -> tuple[WorkshopCard, Workshop] | None:
    """The card (and its workshop) a goal, action plan or KPI was made from: one query, or none."""
    card_id = getattr(item, "source_card_id", None)
    if card_id is None:
        return None
    row = db.session.execute(
        sa.select(WorkshopCard, Workshop)
        .join(Workshop, WorkshopCard.workshop_id == Workshop.id)
        .where(WorkshopCard.id == card_id, Workshop.organisation_id == item.organisation_id)
    ).first()
    return (row[0], row[1]) if row else None
