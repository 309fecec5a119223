"""Update rounds: a facilitator asks every owner in a strategy for an update by a deadline.

An action plan counts as answered when it got an update after the round opened; a KPI when the period
asked for has a measurement. Closing the round writes down when each item was answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    Goal,
    Measurement,
    Strategy,
    UpdateRequest,
    UpdateRound,
    User,
)
from ...models._types import utcnow
from .. import FieldError, ServiceError, audit
from ..overview import CLOSED_STATUSES
from .owed import DueItem, ItemKind, next_period

ANSWERED, WAITING, LATE = "answered", "waiting", "late"


def round_problems(strategy: Strategy, deadline: date | None, today: date) -> list[str]:
    """Why a round cannot be opened (empty when it can)."""
    problems = []
    if strategy.archived_at is not None:
        problems.append(_("The strategy is archived."))
    if deadline is None:
        problems.append(_("Give a deadline."))
    elif deadline < today:
        problems.append(_("The deadline must not be in the past."))
    if open_round_of(strategy) is not None:
        problems.append(_("The strategy already has an open update round; close it first."))
    return problems


def open_round_of(strategy: Strategy) -> UpdateRound | None:
    return db.session.scalar(
        sa.select(UpdateRound).where(UpdateRound.strategy_id == strategy.id, UpdateRound.closed_at.is_(None))
    )


def rounds_of(strategy: Strategy) -> list[UpdateRound]:
    return list(
        db.session.scalars(
            sa.select(UpdateRound)
            .where(UpdateRound.strategy_id == strategy.id)
            .order_by(UpdateRound.opened_at.desc(), UpdateRound.id.desc())
        )
    )


def _owned_in_strategy(model, strategy: Strategy):
    return (
        sa.select(model)
        .join(model.goal)
        .where(
            Goal.strategy_id == strategy.id,
            Goal.archived_at.is_(None),
            model.archived_at.is_(None),
            model.owner_user_id.is_not(None),
        )
        .order_by(model.id)
    )


def _requests_for(strategy: Strategy, deadline: date) -> list[UpdateRequest]:
    """One request per open action plan with an owner, and per KPI with an owner whose next period is due."""
    requests = [
        UpdateRequest(owner_user_id=plan.owner_user_id, action_plan_id=plan.id)
        for plan in db.session.scalars(_owned_in_strategy(ActionPlan, strategy))
        if plan.status not in CLOSED_STATUSES
    ]
    kpis = list(db.session.scalars(_owned_in_strategy(KPI, strategy)))
    latest = dict(
        db.session.execute(
            sa.select(Measurement.kpi_id, sa.func.max(Measurement.period))
            .where(Measurement.kpi_id.in_([k.id for k in kpis]))
            .group_by(Measurement.kpi_id)
        ).all()
    )
    for kpi in kpis:
        period = next_period(kpi, latest.get(kpi.id)) or deadline.replace(day=1)
        if period <= deadline:
            requests.append(UpdateRequest(owner_user_id=kpi.owner_user_id, kpi_id=kpi.id, period=period))
    return requests


def open_round(strategy: Strategy, deadline: date, message: str, user: User, today: date) -> UpdateRound:
    """Open a round with a request for everything owed by the deadline; refused with a message."""
    problems = round_problems(strategy, deadline, today)
    if problems:
        raise FieldError(" ".join(problems), "deadline")
    requests = _requests_for(strategy, deadline)
    if not requests:
        raise FieldError(
            _("Nobody is responsible for an open action plan or a due KPI in this strategy."), "deadline"
        )
    update_round = UpdateRound(
        organisation_id=strategy.organisation_id,
        strategy_id=strategy.id,
        deadline=deadline,
        message=message.strip(),
        opened_by_id=user.id,
        requests=requests,
    )
    db.session.add(update_round)
    db.session.flush()
    audit.record(
        "update_round.open",
        "update_round",
        update_round.id,
        organisation_id=strategy.organisation_id,
        user_id=user.id,
        after={"strategy_id": strategy.id, "deadline": deadline.isoformat(), "requests": len(requests)},
    )
    return update_round


@dataclass
class RequestState:
    request: UpdateRequest
    answered_at: datetime | None
    state: str


@dataclass
class OwnerState:
    owner: User
    items: list[RequestState] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for item in self.items if item.state == state)

    @property
    def unanswered(self) -> list[RequestState]:
        return [item for item in self.items if item.state != ANSWERED]


@dataclass
class RoundStatus:
    round: UpdateRound
    owners: list[OwnerState]

    def count(self, state: str) -> int:
        return sum(owner.count(state) for owner in self.owners)

    @property
    def total(self) -> int:
        return sum(len(owner.items) for owner in self.owners)


def _answer_times(update_round: UpdateRound) -> tuple[dict[int, datetime], dict[tuple[int, date], datetime]]:
    plan_ids = [r.action_plan_id for r in update_round.requests if r.action_plan_id]
    kpi_ids = [r.kpi_id for r in update_round.requests if r.kpi_id]
    plans = dict(
        db.session.execute(
            sa.select(ActionPlanUpdate.action_plan_id, sa.func.min(ActionPlanUpdate.created_at))
            .where(
                ActionPlanUpdate.action_plan_id.in_(plan_ids),
                ActionPlanUpdate.created_at >= update_round.opened_at,
            )
            .group_by(ActionPlanUpdate.action_plan_id)
        ).all()
    )
    kpis = {
        (kpi_id, period): entered
        for kpi_id, period, entered in db.session.execute(
            sa.select(Measurement.kpi_id, Measurement.period, Measurement.entered_at).where(
                Measurement.kpi_id.in_(kpi_ids)
            )
        )
    }
    return plans, kpis


def round_status(update_round: UpdateRound, today: date) -> RoundStatus:
    """Per owner and item: answered, waiting (not yet) or late (the deadline has passed), in five queries."""
    requests = list(
        db.session.scalars(
            sa.select(UpdateRequest)
            .where(UpdateRequest.round_id == update_round.id)
            .options(
                selectinload(UpdateRequest.owner),
                selectinload(UpdateRequest.action_plan),
                selectinload(UpdateRequest.kpi),
            )
            .order_by(UpdateRequest.id)
        )
    )
    if update_round.closed_at is None:
        plans, kpis = _answer_times(update_round)
    owners: dict[int, OwnerState] = {}
    for request in requests:
        if update_round.closed_at is not None:
            answered = request.answered_at
        elif request.action_plan_id:
            answered = plans.get(request.action_plan_id)
        else:
            answered = kpis.get((request.kpi_id, request.period))
        state = ANSWERED if answered else (LATE if today > update_round.deadline else WAITING)
        owners.setdefault(request.owner_user_id, OwnerState(request.owner)).items.append(
            RequestState(request, answered, state)
        )
    ordered = sorted(owners.values(), key=lambda o: (o.owner.name.lower(), o.owner.id))
    return RoundStatus(update_round, ordered)


def close_round(update_round: UpdateRound, user: User, today: date) -> RoundStatus:
    """Close the round and record when each item was answered (or that it was not)."""
    if update_round.closed_at is not None:
        raise ServiceError(_("The update round is already closed."))
    status = round_status(update_round, today)
    for owner in status.owners:
        for item in owner.items:
            item.request.answered_at = item.answered_at
    update_round.closed_at = utcnow()
    update_round.closed_by_id = user.id
    db.session.flush()
    audit.record(
        "update_round.close",
        "update_round",
        update_round.id,
        organisation_id=update_round.organisation_id,
        user_id=user.id,
        after={"answered": status.count(ANSWERED), "requests": status.total},
    )
    return status


def request_item(request: UpdateRequest, update_round: UpdateRound) -> DueItem:
    """A round request as an e-mail line."""
    target = request.action_plan or request.kpi
    endpoint, arg = (
        ("action_plans.action_plan", "action_plan_id") if request.action_plan else ("kpis.kpi", "kpi_id")
    )
    return DueItem(
        key=f"round:{update_round.id}:{'plan' if request.action_plan else 'kpi'}:{target.id}",
        kind=ItemKind.ROUND,
        title=target.title if request.action_plan else target.name,
        endpoint=endpoint,
        endpoint_args=((arg, target.id),),
        late_since=update_round.deadline,
        goal_id=target.goal_id,
        goal_title="",
        goal_owner_user_id=None,
        owner_user_id=request.owner_user_id,
        detail=request.period,
    )


def open_requests_of(org_id: int, user: User, today: date) -> list[DueItem]:
    """The user's unanswered items in the organisation's open rounds."""
    rounds = db.session.scalars(
        sa.select(UpdateRound)
        .join(UpdateRound.requests)
        .where(
            UpdateRound.organisation_id == org_id,
            UpdateRound.closed_at.is_(None),
            UpdateRequest.owner_user_id == user.id,
        )
        .distinct()
    )
    items: list[DueItem] = []
    for update_round in rounds:
        for owner in round_status(update_round, today).owners:
            if owner.owner.id == user.id:
                items += [request_item(item.request, update_round) for item in owner.unanswered]
    return items


def open_rounds(org_id: int) -> list[UpdateRound]:
    return list(
        db.session.scalars(
            sa.select(UpdateRound)
            .where(UpdateRound.organisation_id == org_id, UpdateRound.closed_at.is_(None))
            .order_by(UpdateRound.id)
        )
    )
