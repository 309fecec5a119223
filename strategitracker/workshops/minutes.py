"""A workshop's minutes, as a page and as an Excel workbook (every member may read them)."""

from __future__ import annotations

from flask import Response, render_template

from ..extensions import db
from ..models import Layout, Phase, Strategy, User, Workshop
from ..permissions import Action, org_view
from ..services import workshop as service
from . import bp
from .common import ORG, item_url, workshop_or_404


def _minutes_context(workshop: Workshop) -> dict:
    facilitator = db.session.get(User, workshop.facilitator_id) if workshop.facilitator_id else None
    strategy = db.session.get(Strategy, workshop.strategy_id) if workshop.strategy_id else None
    return {
        "workshop": workshop,
        "board": service.load_board(workshop),
        "participant_names": service.participant_names(workshop),
        "facilitator": facilitator,
        "strategy": strategy,
        "phase_label": service.PHASE_LABELS[Phase(workshop.phase)],
        "layout_label": service.LAYOUT_LABELS[Layout(workshop.layout)],
        "kind_labels": service.KIND_LABELS,
        "item_url": item_url,
    }


@bp.get(f"{ORG}/<int:workshop_id>/minutes")
@org_view(Action.VIEW)
def minutes(workshop_id: int):
    return render_template("workshops/minutes.html", **_minutes_context(workshop_or_404(workshop_id)))


@bp.get(f"{ORG}/<int:workshop_id>/minutes.xlsx")
@org_view(Action.VIEW)
def minutes_xlsx(workshop_id: int):
    context = _minutes_context(workshop_or_404(workshop_id))
    body = service.minutes_xlsx(
        context["board"],
        item_url=lambda card: item_url(card, external=True),
        facilitator_name=context["facilitator"].name if context["facilitator"] else "",
        strategy_title=context["strategy"].title if context["strategy"] else "",
        participant_names=context["participant_names"],
    )
    response = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="workshop-{workshop_id}-minutes.xlsx"'
    return response
