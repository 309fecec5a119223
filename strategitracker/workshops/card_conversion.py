"""Turning a workshop card into part of the plan: a goal, an action plan or a KPI."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields import SelectChoice

from ..extensions import db
from ..models import ActionPlan, ConvertedKind, Goal, Strategy, Workshop, WorkshopCard
from ..permissions import Action, deny, get_in_org_or_404, org_view
from ..services import action_plan as plan_service
from ..services import workshop as service
from ..view_helpers import submit
from . import bp
from .common import ORG, card_or_404, item_url, member_links, workshop_or_404
from .forms import CONVERT_FORMS
from .workshop_setup import org_strategies


def _goal_choices(workshop: Workshop) -> list[SelectChoice]:
    """Open goals of the organisation's open strategies; the workshop's own strategy first."""
    rows = db.session.execute(
        sa.select(Goal.id, Goal.title, Strategy.id, Strategy.title)
        .join(Strategy, Goal.strategy_id == Strategy.id)
        .where(
            Goal.organisation_id == g.org.id,
            Goal.archived_at.is_(None),
            Strategy.archived_at.is_(None),
        )
        .order_by(Strategy.title, Goal.position, Goal.id)
    ).all()
    rows.sort(key=lambda r: r[2] != workshop.strategy_id)  # stable: keeps the order within each strategy
    return [
        SelectChoice(str(goal_id), f"{strategy_title} › {title}")
        for goal_id, title, _sid, strategy_title in rows
    ]


def _prefill(card: WorkshopCard) -> tuple[str, str]:
    """A title from the card's text (first line, at most 300 characters), and the full text when longer."""
    text = card.text.strip()
    title = " ".join(text.splitlines()[0].split())[:300] if text else ""
    description = text if text != title else ""
    return title, description


@bp.route(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/convert/<kind>", methods=["GET", "POST"])
@org_view(Action.RUN_WORKSHOP)
def convert_card(workshop_id: int, card_id: int, kind: str):
    workshop = workshop_or_404(workshop_id)
    card = card_or_404(workshop, card_id)
    if kind not in CONVERT_FORMS:
        deny(404)
    links = member_links(workshop)
    if card.merged_into_id is not None or card.converted_kind is not None:
        flash(_("This card has already been merged or turned into part of the plan."), "error")
        return redirect(links.board() + f"#card-{card.id}")
    form_class = CONVERT_FORMS[kind]
    if request.method == "GET":
        title, description = _prefill(card)
        defaults = {"title": title, "description": description}
        if kind == ConvertedKind.GOAL and workshop.strategy_id:
            defaults["strategy_id"] = workshop.strategy_id
        form = form_class(formdata=None, **defaults)
    else:
        form = form_class()
    if kind != ConvertedKind.KPI:
        form.set_people(plan_service.member_choices(g.org), plan_service.department_choices(g.org), g.org.id)
    choices_missing = False
    if kind == ConvertedKind.GOAL:
        form.strategy_id.choices = [SelectChoice(str(s.id), s.title) for s in org_strategies()]
        choices_missing = not form.strategy_id.choices
    else:
        form.goal_id.choices = _goal_choices(workshop)
        choices_missing = not form.goal_id.choices
    context = {
        "form": form,
        "workshop": workshop,
        "card": card,
        "kind": kind,
        "kind_label": service.KIND_LABELS[ConvertedKind(kind)],
        "votes": service.card_total(card),
        "choices_missing": choices_missing,
    }
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("workshops/convert.html", **context), 200 if request.method == "GET" else 400
    data = _conversion(kind, form)
    return submit(
        lambda: service.convert_card(card, kind, data, actor=current_user, today=date.today()),
        success=_converted_message,
        done=lambda _item: redirect(item_url(card) or links.board()),
        refused=lambda: (render_template("workshops/convert.html", **context), 400),
    )


def _conversion(kind: str, form) -> service.Conversion:
    """What the valid form asks for; the strategy or goal is looked up in the organisation (else 404)."""
    data = service.Conversion(title=form.title.data, description=form.description.data or "")
    if kind != ConvertedKind.KPI:
        data.owner, data.owner_user_id = form.owner.data or "", form.owner_user_id.data
    if kind == ConvertedKind.GOAL:
        data.strategy = get_in_org_or_404(Strategy, form.strategy_id.data)
    else:
        data.goal = get_in_org_or_404(Goal, form.goal_id.data, options=(joinedload(Goal.strategy),))
        if kind == ConvertedKind.ACTION_PLAN:
            data.department_id = form.department_id.data
            data.start_date, data.due_date = form.start_date.data, form.due_date.data
        else:
            data.unit = form.unit.data or ""
    return data


def _converted_message(item) -> str:
    if isinstance(item, Goal):
        return _("The card is now the goal “%(title)s”.", title=item.title)
    if isinstance(item, ActionPlan):
        return _("The card is now the action plan “%(title)s”.", title=item.title)
    return _("The card is now the KPI “%(title)s”.", title=item.name)
