"""Workshop mode: what its views share (the board page, the participant's actions, links).

The views are in workshop_setup.py (the list, creating and editing), facilitation.py (running a workshop:
phases, results, the join link, the projector), card_sorting.py (moving and merging cards),
card_conversion.py (cards into goals, action plans and KPIs), minutes.py, members.py and guests.py (the board
for members and for guests), and state.py (the board as JSON).

Two doors lead to a board:
- members of the organisation, logged in, under /o/<slug>/workshops/… (the usual `org_view` checks);
  facilitators and administrators (Action.RUN_WORKSHOP) create and run workshops;
- guests without an account, through the join link /w/<token>…: they give a display name, and their
  participant id is kept in the Flask session under the workshop's id. The token opens this one board and
  nothing else; a closed or archived workshop, or a revoked link, answers 410 with a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Response,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import ConvertedKind, Phase, Strategy, Workshop, WorkshopCard
from ..models import WorkshopParticipant as Participant
from ..permissions import Action, can, deny, get_in_org_or_404, wants_json
from ..services import ServiceError
from ..services import workshop as service
from ..view_helpers import submit
from . import bp
from .forms import (
    CardForm,
    EditCardForm,
)

ORG = "/o/<slug>/workshops"
GUEST = "/w/<token>"
SESSION_KEY = "workshop_guests"  # {str(workshop id): participant id}
#: Adding cards and placing dots, per participant.
PARTICIPANT_LIMIT = "30 per minute"


# -- helpers -----------------------------------------------------------------------------------------------


@bp.app_template_global()
def workshop_provenance(item) -> tuple[WorkshopCard, Workshop] | None:
    """For goal/action-plan/KPI pages: the card and workshop the item came from (one query, or none)."""
    return service.provenance(item)


def workshop_or_404(workshop_id: int) -> Workshop:
    return get_in_org_or_404(Workshop, workshop_id)


def card_or_404(workshop: Workshop, card_id: int) -> WorkshopCard:
    card = db.session.get(WorkshopCard, card_id)
    if card is None or card.workshop_id != workshop.id:
        deny(404)
    return card


def guest_participant(workshop: Workshop) -> Participant | None:
    """The guest participant this browser session joined `workshop` as, if any."""
    participant_id = session.get(SESSION_KEY, {}).get(str(workshop.id))
    if participant_id is None:
        return None
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id or participant.user_id is not None:
        return None
    return participant


def remember_guest(workshop: Workshop, participant: Participant) -> None:
    guests = dict(session.get(SESSION_KEY, {}))
    guests[str(workshop.id)] = participant.id
    session[SESSION_KEY] = guests


def _link_problem(status: int, message: str):
    if wants_json():
        response = jsonify(error=message)
    else:
        response = Response(render_template("workshops/link_problem.html", message=message, status=status))
    response.status_code = status
    abort(response)


def guest_workshop(token: str) -> Workshop:
    """The workshop of a usable join link; else a page that says why not (404/410)."""
    workshop = service.workshop_by_token(token)
    problem = service.token_problem(workshop)
    if problem:
        _link_problem(*problem)
    return workshop


def joined_guest(token: str) -> tuple[Workshop, Participant]:
    workshop = guest_workshop(token)
    participant = guest_participant(workshop)
    if participant is None:
        deny(403)
    return workshop, participant


def participant_key() -> str:
    """The rate-limit key: one participant of one workshop (guest or member), else the address."""
    args = request.view_args or {}
    if "token" in args:
        workshop = service.workshop_by_token(args["token"])
        participant = guest_participant(workshop) if workshop else None
        if participant is not None:
            return f"workshop-participant:{participant.id}"
    elif current_user.is_authenticated and "workshop_id" in args:
        return f"workshop-member:{current_user.id}:{args['workshop_id']}"
    return f"workshop-address:{request.remote_addr}"


@dataclass
class Links:
    """The board's URLs, for a member (slug + id) or a guest (token)."""

    workshop: Workshop
    slug: str | None = None
    token: str | None = None

    @property
    def guest(self) -> bool:
        return self.token is not None

    def _url(self, member: str, guest: str, **values) -> str:
        if self.token is not None:
            return url_for(f"workshops.{guest}", token=self.token, **values)
        return url_for(f"workshops.{member}", slug=self.slug, workshop_id=self.workshop.id, **values)

    def board(self) -> str:
        return self._url("board", "guest_board")

    def state(self) -> str:
        return self._url("state", "guest_state")

    def add_card(self) -> str:
        return self._url("add_card", "guest_add_card")

    def edit_card(self, card_id: int) -> str:
        return self._url("edit_card", "guest_edit_card", card_id=card_id)

    def vote(self, card_id: int) -> str:
        return self._url("vote", "guest_vote", card_id=card_id)

    def unvote(self, card_id: int) -> str:
        return self._url("unvote", "guest_unvote", card_id=card_id)


ITEM_ENDPOINTS = {
    ConvertedKind.GOAL: ("goals.goal", "goal_id"),
    ConvertedKind.ACTION_PLAN: ("action_plans.action_plan", "action_plan_id"),
    ConvertedKind.KPI: ("kpis.kpi", "kpi_id"),
}


def item_url(card: WorkshopCard, *, external: bool = False) -> str | None:
    """The page of the goal/action plan/KPI a card became (members only)."""
    if not card.converted_kind or not card.converted_id:
        return None
    endpoint, arg = ITEM_ENDPOINTS[ConvertedKind(card.converted_kind)]
    return url_for(endpoint, slug=g.org.slug, _external=external, **{arg: card.converted_id})


def join_url(workshop: Workshop) -> str:
    return url_for("workshops.guest_join", token=workshop.join_token, _external=True)


def _card_form(workshop: Workshop, **kwargs) -> CardForm:
    form = CardForm(**kwargs)
    form.set_columns([(c["key"], service.column_title(workshop, c)) for c in workshop.columns])
    return form


def render_board(
    workshop: Workshop,
    links: Links,
    participant: Participant | None,
    *,
    status: int = 200,
    card_form: CardForm | None = None,
    editing: tuple[int, EditCardForm] | None = None,
):
    board = service.load_board(workshop, participant)
    facilitator = not links.guest and can(Action.RUN_WORKSHOP)
    context = {
        "workshop": workshop,
        "board": board,
        "links": links,
        "participant": participant,
        "facilitator": facilitator,
        "card_form": card_form or _card_form(workshop, formdata=None),
        "editing": editing,
        "fingerprint": service.board_fingerprint(board),
        "phase_label": service.PHASE_LABELS[Phase(workshop.phase)],
        "kind_labels": service.KIND_LABELS,
        "item_url": None if links.guest else item_url,
        "closed": service.is_closed(workshop),
    }
    if facilitator:
        context |= {
            "join_url": join_url(workshop),
            "link_active": service.link_is_active(workshop),
            "strategy": db.session.get(Strategy, workshop.strategy_id) if workshop.strategy_id else None,
        }
    return render_template("workshops/board.html", **context), status


def on_board(
    write, workshop: Workshop, links: Links, participant_of=None, *, success=None, anchor=None, **kw
):
    """Submit a participant's action: back to the board (at `anchor`), or the board again with the refusal.

    `anchor` may be a function of the service's result. `participant_of(create=False)` is asked only after
    the rollback: a participant row made by this very request (a member's first card) is gone again."""
    workshop_id = workshop.id

    def board_again():
        participant = participant_of(create=False) if participant_of else None
        return render_board(db.session.get(Workshop, workshop_id), links, participant, status=400, **kw)

    def to_board(result):
        at = anchor(result) if callable(anchor) else anchor
        return redirect(links.board() + (f"#{at}" if at else ""))

    return submit(write, success=success, done=to_board, refused=board_again)


def fixed_participant(participant: Participant | None):
    return lambda create: participant


# -- shared participant actions (a member's or a guest's) --------------------------------------------------


def submit_card(workshop: Workshop, links: Links, participant_of):
    form = _card_form(workshop)
    if not form.validate_on_submit():
        return render_board(workshop, links, participant_of(create=False), status=400, card_form=form)
    return on_board(
        lambda: service.add_card(
            workshop, participant_of(create=True), column_key=form.column_key.data, text=form.text.data
        ),
        workshop,
        links,
        participant_of,
        success=_("Your card has been added."),
        anchor=lambda card: f"card-{card.id}",
        card_form=form,
    )


def submit_card_edit(workshop: Workshop, links: Links, participant: Participant | None, card_id: int):
    card = card_or_404(workshop, card_id)
    form = EditCardForm()
    if not form.validate_on_submit():
        return render_board(workshop, links, participant, status=400, editing=(card.id, form))

    def edit():
        if participant is None:
            raise ServiceError(_("Only the person who wrote a card can change it."))
        return service.edit_card(card, participant, text=form.text.data)

    return on_board(
        edit,
        workshop,
        links,
        fixed_participant(participant),
        success=_("Your card has been changed."),
        anchor=f"card-{card.id}",
        editing=(card.id, form),
    )


def submit_vote(workshop: Workshop, links: Links, participant_of, card_id: int, *, add: bool):
    card = card_or_404(workshop, card_id)

    def vote():
        participant = participant_of(create=add)
        if participant is None:
            raise ServiceError(_("You have no dots on this card."))
        if add:
            return service.add_vote(card, participant)
        return service.remove_vote(card, participant)

    return on_board(vote, workshop, links, participant_of, anchor=f"card-{card.id}")


# -- the board, for members --------------------------------------------------------------------------------


def member_links(workshop: Workshop) -> Links:
    return Links(workshop, slug=g.org.slug)


def member_participant_of(workshop: Workshop):
    def participant_of(create: bool) -> Participant | None:
        if create:
            return service.join_as_member(workshop, current_user)
        return service.member_participant(workshop, current_user)

    return participant_of


def member_state(workshop: Workshop) -> dict:
    board = service.load_board(workshop, service.member_participant(workshop, current_user))
    link = join_url(workshop) if can(Action.RUN_WORKSHOP) else None
    return service.board_state(board, item_url=item_url, join_url=link)


def guest_links(workshop: Workshop, token: str) -> Links:
    return Links(workshop, token=token)
