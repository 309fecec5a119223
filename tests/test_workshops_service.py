"""The workshop service: phases, cards, merging, dot voting, the join link, conversion and the audit trail."""

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.extensions import db as _db
from strategitracker.models import (
    KPI,
    ActionPlan,
    AuditEvent,
    Goal,
    Workshop,
    WorkshopCard,
    WorkshopParticipant,
    WorkshopVote,
)
from strategitracker.services import ServiceError
from strategitracker.services import workshop as service
from tests import factories
from tests import workshop_factories as wf

TODAY = date(2025, 3, 1)


@pytest.fixture(autouse=True)
def english(db):
    """The services' messages in English, whatever the Danish catalogue says."""
    with force_locale("en"):
        yield


@pytest.fixture
def actor(make_user, org):
    return make_user("facilitator", org)


@pytest.fixture
def workshop(db, org):
    return wf.workshop(org, dots_per_participant=3)


@pytest.fixture
def guest(workshop):
    return wf.participant(workshop)


def events(action: str | None = None) -> list[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(_db.session.scalars(stmt))


def count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def voting(workshop, actor):
    service.next_phase(workshop, actor=actor)
    assert workshop.phase == "voting"


# -- creating ---------------------------------------------------------------------------------------------


def test_create_swot_workshop(db, org, actor):
    strategy = factories.strategy(org)
    workshop = service.create_workshop(
        org, title=" Strategidag ", held_on=TODAY, layout="swot", strategy=strategy, actor=actor
    )
    assert workshop.title == "Strategidag"
    assert [c["key"] for c in workshop.columns] == ["strengths", "weaknesses", "opportunities", "threats"]
    assert (workshop.phase, workshop.results_revealed, workshop.facilitator_id) == (
        "collecting",
        False,
        actor.id,
    )
    assert workshop.strategy_id == strategy.id
    assert len(workshop.join_token) >= 43
    [event] = events("workshop.create")
    assert (event.entity_id, event.user_id, event.organisation_id) == (workshop.id, actor.id, org.id)
    assert workshop.join_token not in str(event.after)


def test_plan_and_free_layouts(db, org, actor):
    plan = service.create_workshop(org, title="A", held_on=TODAY, layout="plan", actor=actor)
    assert [c["key"] for c in plan.columns] == ["goals", "action_plans", "kpis"]
    free = service.create_workshop(
        org, title="B", held_on=TODAY, layout="free", free_columns=["Borgere", "Virksomheder"], actor=actor
    )
    assert free.columns == [{"key": "c1", "title": "Borgere"}, {"key": "c2", "title": "Virksomheder"}]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], "1 to 8"),
        ([f"K{n}" for n in range(9)], "1 to 8"),
        (["x" * 61], "at most 60"),
        (["Borgere", "borgere"], "different name"),
    ],
)
def test_free_columns_are_checked(db, org, actor, names, message):
    with pytest.raises(ServiceError, match=message):
        service.create_workshop(org, title="C", held_on=TODAY, layout="free", free_columns=names, actor=actor)
    assert count(Workshop) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"title": "x" * 301}, "at most 300"),
        ({"dots_per_participant": 0}, "from 1 to 50"),
        ({"dots_per_participant": 51}, "from 1 to 50"),
        ({"layout": "grid"}, "layout"),
    ],
)
def test_create_refuses_bad_input(db, org, actor, changes, message):
    values = {"title": "D", "held_on": TODAY, "layout": "swot", **changes}
    with pytest.raises(ServiceError, match=message):
        service.create_workshop(org, actor=actor, **values)
    assert count(Workshop) == 0
    assert events() == []


def test_strategy_of_another_organisation_is_refused(db, org, other_org, actor):
    with pytest.raises(ServiceError):
        service.create_workshop(
            org, title="E", held_on=TODAY, layout="swot", strategy=factories.strategy(other_org), actor=actor
        )


def test_update_and_dots_only_while_collecting(db, workshop, actor):
    assert service.update_workshop(
        workshop, title="Nyt navn", held_on=TODAY, strategy=None, dots_per_participant=7, actor=actor
    )
    assert (workshop.title, workshop.dots_per_participant) == ("Nyt navn", 7)
    [event] = events("workshop.update")
    assert event.before["title"] != event.after["title"] == "Nyt navn"
    voting(workshop, actor)
    with pytest.raises(ServiceError, match="only be changed while ideas are being collected"):
        service.update_workshop(
            workshop, title="Nyt navn", held_on=TODAY, strategy=None, dots_per_participant=2, actor=actor
        )
    # the rest may still change
    assert service.update_workshop(
        workshop, title="Andet navn", held_on=TODAY, strategy=None, dots_per_participant=7, actor=actor
    )


# -- phases -----------------------------------------------------------------------------------------------


def test_phases_go_forward_and_closing_reveals_the_results(db, workshop, actor):
    assert service.next_phase(workshop, actor=actor) == "voting"
    assert not workshop.results_revealed
    assert service.next_phase(workshop, actor=actor) == "closed"
    assert workshop.results_revealed
    with pytest.raises(ServiceError, match="cannot be opened again"):
        service.next_phase(workshop, actor=actor)
    phases = [(e.before["phase"], e.after["phase"]) for e in events("workshop.phase")]
    assert phases == [("collecting", "voting"), ("voting", "closed")]


def test_voting_may_go_back_to_collecting_keeping_the_dots(db, workshop, actor, guest):
    card = wf.card(workshop, guest)
    voting(workshop, actor)
    service.add_vote(card, guest)
    assert service.previous_phase(workshop, actor=actor) == "collecting"
    assert service.card_total(card) == 1
    voting(workshop, actor)
    assert service.card_total(card) == 1


@pytest.mark.parametrize("phase", ["collecting", "closed"])
def test_only_voting_goes_back(db, workshop, actor, phase):
    workshop.phase = phase
    with pytest.raises(ServiceError, match="Only voting"):
        service.previous_phase(workshop, actor=actor)
    assert workshop.phase == phase
    assert events("workshop.phase") == []


@pytest.mark.parametrize("phase", ["collecting", "voting"])
def test_results_are_not_shown_while_voting_is_open(db, workshop, actor, phase):
    workshop.phase = phase
    with pytest.raises(ServiceError, match="when voting closes"):
        service.set_results_revealed(workshop, True, actor=actor)
    assert not workshop.results_revealed
    assert [e for e in events() if e.action.startswith("workshop.results")] == []


def test_results_can_be_hidden_and_shown_again_after_voting(db, workshop, actor):
    voting(workshop, actor)
    service.next_phase(workshop, actor=actor)
    assert workshop.results_revealed  # closing shows them
    assert not service.set_results_revealed(workshop, True, actor=actor)  # already shown: no event
    assert service.set_results_revealed(workshop, False, actor=actor)
    assert service.set_results_revealed(workshop, True, actor=actor)
    assert [e.action for e in events() if e.action.startswith("workshop.results")] == [
        "workshop.results_hide",
        "workshop.results_reveal",
    ]


def test_nobody_votes_once_the_results_are_shown(db, workshop, actor, guest):
    card = wf.card(workshop, guest)
    voting(workshop, actor)
    service.add_vote(card, guest)
    workshop.results_revealed = True  # as an older workshop may have it
    with pytest.raises(ServiceError, match="voting has ended"):
        service.add_vote(card, guest)
    with pytest.raises(ServiceError, match="voting has ended"):
        service.remove_vote(card, guest)
    service.next_phase(workshop, actor=actor)
    with pytest.raises(ServiceError, match="is closed"):
        service.add_vote(card, guest)
    assert service.card_total(card) == 1


def test_archived_workshop_refuses_changes(db, workshop, actor, guest):
    assert service.set_archived(workshop, True, actor=actor)
    for change in (
        lambda: service.next_phase(workshop, actor=actor),
        lambda: service.add_card(workshop, guest, column_key="strengths", text="x"),
    ):
        with pytest.raises(ServiceError, match="archived"):
            change()
    assert service.set_archived(workshop, False, actor=actor)
    assert [e.action for e in events()][-2:] == ["workshop.archive", "workshop.restore"]


# -- the join link and participants -----------------------------------------------------------------------


def test_token_problems(db, workshop, actor):
    assert service.token_problem(workshop) is None
    assert service.workshop_by_token(workshop.join_token) is workshop
    assert service.token_problem(None)[0] == 404
    assert service.workshop_by_token("x" * 100) is None
    service.revoke_link(workshop, actor=actor)
    status, message = service.token_problem(workshop)
    assert status == 410 and "withdrawn" in message
    old = workshop.join_token
    service.new_link(workshop, actor=actor)
    assert workshop.join_token != old and workshop.token_revoked_at is None
    assert service.workshop_by_token(old) is None
    workshop.phase = "closed"
    status, message = service.token_problem(workshop)
    assert status == 410 and "ended" in message
    assert [e.action for e in events()] == ["workshop.link_revoke", "workshop.link_new"]
    assert all(old not in str(e.after) and workshop.join_token not in str(e.after) for e in events())


def test_guest_joins_with_a_display_name(db, workshop):
    participant = service.join_as_guest(workshop, "  Ole  ")
    assert (participant.display_name, participant.user_id) == ("Ole", None)
    [event] = events("workshop.join")
    assert event.user_id is None and event.after["guest"] is True
    for bad in ("", "   ", "x" * 81):
        with pytest.raises(ServiceError):
            service.join_as_guest(workshop, bad)
    workshop.token_revoked_at = workshop.created_at
    with pytest.raises(ServiceError, match="withdrawn"):
        service.join_as_guest(workshop, "Lise")
    assert count(WorkshopParticipant) == 1


def test_member_joins_once(db, workshop, make_user, org):
    user = make_user("viewer", org, name="Mette Medlem")
    first = service.join_as_member(workshop, user)
    again = service.join_as_member(workshop, user)
    assert first.id == again.id and first.display_name == "Mette Medlem" and first.user_id == user.id
    assert len(events("workshop.join")) == 1


# -- cards ------------------------------------------------------------------------------------------------


def test_add_card(db, workshop, guest):
    card = service.add_card(workshop, guest, column_key="threats", text="  Fraflytning  ")
    assert (card.text, card.column_key, card.author_id) == ("Fraflytning", "threats", guest.id)
    [event] = events("workshop.card_add")
    assert event.entity_id == card.id and event.after["participant_id"] == guest.id


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("threats", "", "Write something"),
        ("threats", "   ", "Write something"),
        ("threats", "x" * 501, "at most 500"),
        ("nowhere", "Idé", "columns"),
    ],
)
def test_add_card_refuses_bad_input(db, workshop, guest, column, text, message):
    with pytest.raises(ServiceError, match=message):
        service.add_card(workshop, guest, column_key=column, text=text)
    assert count(WorkshopCard) == 0


def test_card_of_exactly_500_characters(db, workshop, guest):
    assert len(service.add_card(workshop, guest, column_key="threats", text="x" * 500).text) == 500


def test_cards_only_while_collecting(db, workshop, guest, actor):
    voting(workshop, actor)
    with pytest.raises(ServiceError, match="only be added while ideas are being collected"):
        service.add_card(workshop, guest, column_key="threats", text="Sent")


def test_participant_of_another_workshop_cannot_add(db, org, workshop):
    stranger = wf.participant(wf.workshop(org))
    with pytest.raises(ServiceError, match="not a participant"):
        service.add_card(workshop, stranger, column_key="threats", text="x")


def test_only_the_author_edits_and_only_while_collecting(db, workshop, guest, actor):
    card = wf.card(workshop, guest, text="Gammel")
    other = wf.participant(workshop)
    with pytest.raises(ServiceError, match="Only the person who wrote"):
        service.edit_card(card, other, text="Kapret")
    assert service.edit_card(card, guest, text="Ny tekst")
    assert not service.edit_card(card, guest, text="Ny tekst")
    [event] = events("workshop.card_edit")
    assert (event.before, event.after["text"]) == ({"text": "Gammel"}, "Ny tekst")
    voting(workshop, actor)
    with pytest.raises(ServiceError, match="only be changed while ideas are being collected"):
        service.edit_card(card, guest, text="For sent")
    assert card.text == "Ny tekst"


def test_move_card(db, workshop, guest, actor):
    card = wf.card(workshop, guest, column_key="strengths")
    assert service.move_card(card, "opportunities", actor=actor)
    assert card.column_key == "opportunities"
    assert not service.move_card(card, "opportunities", actor=actor)
    with pytest.raises(ServiceError):
        service.move_card(card, "c9", actor=actor)
    [event] = events("workshop.card_move")
    assert event.before == {"column_key": "strengths"}


# -- merging ----------------------------------------------------------------------------------------------


def test_merge_moves_and_adds_the_dots(db, workshop, actor):
    anna, bo = wf.participant(workshop), wf.participant(workshop)
    keep = wf.card(workshop, anna, text="Bedre skiltning")
    dup = wf.card(workshop, bo, text="Skilte ved motorvejen")
    older_dup = wf.card(workshop, bo, text="Skilte", merged_into_id=dup.id)
    wf.vote(keep, anna, 1)
    wf.vote(dup, anna, 2)
    wf.vote(dup, bo, 1)
    service.merge_cards(dup, keep, combine_text=False, actor=actor)
    _db.session.expire_all()
    assert dup.merged_into_id == keep.id
    assert older_dup.merged_into_id == keep.id  # chains stay flat
    assert keep.text == "Bedre skiltning"
    votes = {v.participant_id: v.dots for v in _db.session.scalars(sa.select(WorkshopVote))}
    assert votes == {anna.id: 3, bo.id: 1}
    assert _db.session.scalar(sa.select(sa.func.count()).where(WorkshopVote.card_id == dup.id)) == 0
    [event] = events("workshop.card_merge")
    assert (
        event.entity_id == keep.id
        and event.after["merged_card_id"] == dup.id
        and event.after["dots_moved"] == 3
    )
    board = service.load_board(workshop)
    assert [v.card.id for v in board.cards] == [keep.id]
    assert board.cards[0].total == 4
    assert {c.id for c in board.cards[0].merged} == {dup.id, older_dup.id}


def test_merge_can_combine_the_texts(db, workshop, actor):
    keep, dup = wf.card(workshop, text="A"), wf.card(workshop, text="B")
    service.merge_cards(dup, keep, combine_text=True, actor=actor)
    assert keep.text == "A\n— B"  # the join shows, even on one line


def test_merge_refusals(db, workshop, actor):
    keep = wf.card(workshop, text="x" * 300)
    dup = wf.card(workshop, text="y" * 300)
    with pytest.raises(ServiceError, match="into itself"):
        service.merge_cards(keep, keep, combine_text=False, actor=actor)
    with pytest.raises(ServiceError, match="longer than 500"):
        service.merge_cards(dup, keep, combine_text=True, actor=actor)
    assert dup.merged_into_id is None and keep.text == "x" * 300
    converted = wf.card(workshop, converted_kind="goal", converted_id=1)
    with pytest.raises(ServiceError, match="part of the plan"):
        service.merge_cards(converted, keep, combine_text=False, actor=actor)
    foreign = wf.card(wf.workshop(factories.organisation()))
    with pytest.raises(ServiceError, match="another workshop"):
        service.merge_cards(foreign, keep, combine_text=False, actor=actor)
    workshop.phase = "closed"
    with pytest.raises(ServiceError, match="closed"):
        service.merge_cards(dup, keep, combine_text=False, actor=actor)
    assert events("workshop.card_merge") == []


# -- voting -----------------------------------------------------------------------------------------------


def test_dots_limit(db, workshop, guest, actor):
    first, second = wf.card(workshop), wf.card(workshop)
    voting(workshop, actor)
    assert service.add_vote(first, guest) == 1
    assert service.add_vote(first, guest) == 2  # several dots on one card
    assert service.add_vote(second, guest) == 1
    with pytest.raises(ServiceError, match="used all your 3 dots"):
        service.add_vote(second, guest)
    assert service.dots_used(guest) == 3
    # take one back, and it can be placed elsewhere
    assert service.remove_vote(first, guest) == 1
    assert service.add_vote(second, guest) == 2
    assert service.remove_vote(second, guest) == 1
    assert service.remove_vote(second, guest) == 0
    assert _db.session.scalar(sa.select(WorkshopVote).where(WorkshopVote.card_id == second.id)) is None
    with pytest.raises(ServiceError, match="no dots on this card"):
        service.remove_vote(second, guest)
    assert [e.action for e in events() if e.action.startswith("workshop.vote")] == [
        "workshop.vote_add",
        "workshop.vote_add",
        "workshop.vote_add",
        "workshop.vote_remove",
        "workshop.vote_add",
        "workshop.vote_remove",
        "workshop.vote_remove",
    ]


def test_vote_events_do_not_say_who_placed_the_dot(db, app, workshop, guest, actor, make_user, org):
    """The board promises that nobody sees whose dots are where: neither does the audit log."""
    mine = service.join_as_member(workshop, make_user("editor", org))
    card = wf.card(workshop)
    voting(workshop, actor)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        service.add_vote(card, guest)
        service.add_vote(card, mine)
        service.remove_vote(card, mine)
    votes = [e for e in events() if e.action.startswith("workshop.vote")]
    assert len(votes) == 3
    for event in votes:
        assert (event.user_id, event.ip_address, event.before) == (None, None, None)
        assert set(event.after) == {"workshop_id", "change"}
    assert [e.after["change"] for e in votes] == [1, 1, -1]


def test_no_votes_while_collecting(db, workshop, guest):
    card = wf.card(workshop)
    with pytest.raises(ServiceError, match="only be placed or taken back while voting is open"):
        service.add_vote(card, guest)
    assert count(WorkshopVote) == 0


def test_no_votes_after_voting_closed(db, workshop, guest, actor):
    card = wf.card(workshop)
    voting(workshop, actor)
    service.add_vote(card, guest)
    service.next_phase(workshop, actor=actor)
    with pytest.raises(ServiceError, match="closed"):
        service.add_vote(card, guest)
    with pytest.raises(ServiceError, match="closed"):
        service.remove_vote(card, guest)
    assert service.card_total(card) == 1


def test_no_votes_on_merged_cards_or_from_other_workshops(db, org, workshop, guest, actor):
    keep, dup = wf.card(workshop), wf.card(workshop)
    service.merge_cards(dup, keep, combine_text=False, actor=actor)
    voting(workshop, actor)
    with pytest.raises(ServiceError, match="merged"):
        service.add_vote(dup, guest)
    stranger = wf.participant(wf.workshop(org))
    with pytest.raises(ServiceError, match="not a participant"):
        service.add_vote(keep, stranger)


def test_dots_are_per_participant(db, workshop, actor):
    card = wf.card(workshop)
    people = [wf.participant(workshop) for _ in range(3)]
    voting(workshop, actor)
    for person in people:
        for _ in range(3):
            service.add_vote(card, person)
    assert service.card_total(card) == 9


# -- the board --------------------------------------------------------------------------------------------


def test_board_state_hides_totals_until_revealed(db, workshop, guest, actor):
    other = wf.participant(workshop)
    a, b = wf.card(workshop, guest, text="A"), wf.card(workshop, other, text="B", column_key="threats")
    voting(workshop, actor)
    service.add_vote(b, other)
    service.add_vote(b, other)
    service.add_vote(a, guest)
    state = service.board_state(service.load_board(workshop, guest))
    cards = {c["id"]: c for column in state["columns"] for c in column["cards"]}
    assert cards[a.id]["my_dots"] == 1 and cards[a.id]["mine"] is True
    assert cards[b.id]["my_dots"] == 0 and cards[b.id]["mine"] is False  # the other's dots are not shown
    assert cards[a.id]["total"] is None and cards[b.id]["total"] is None
    assert state["ranking"] == [] and state["my_dots_left"] == 2 and state["dots_placed"] == 3
    service.next_phase(workshop, actor=actor)
    state = service.board_state(service.load_board(workshop, guest))
    assert [(c["text"], c["total"], c["rank"]) for c in state["ranking"]] == [("B", 2, 1), ("A", 1, 2)]


def test_equal_totals_share_a_rank(db, workshop, actor):
    p = wf.participant(workshop)
    cards = [wf.card(workshop) for _ in range(3)]
    wf.vote(cards[0], p, 2)
    wf.vote(cards[1], p, 2)
    board = service.load_board(workshop)
    assert [v.rank for v in board.ranked] == [1, 1, 3]


def test_fingerprint_changes_with_the_board_but_not_with_hidden_votes(db, workshop, guest, actor):
    card = wf.card(workshop)
    other = wf.participant(workshop)
    voting(workshop, actor)
    before = service.board_fingerprint(service.load_board(workshop, guest))
    service.add_vote(card, other)
    assert service.board_fingerprint(service.load_board(workshop, guest)) == before
    service.add_vote(card, guest)
    assert service.board_fingerprint(service.load_board(workshop, guest)) != before


# -- turning cards into the plan --------------------------------------------------------------------------


@pytest.fixture
def plan_world(db, org, workshop, actor, guest):
    strategy = factories.strategy(org)
    goal = factories.goal(strategy)
    workshop.strategy_id = strategy.id
    card = wf.card(workshop, guest, text="Erhvervskontakt med svar inden for 24 timer")
    voting(workshop, actor)
    service.add_vote(card, guest)
    service.add_vote(card, guest)
    return strategy, goal, card


def test_convert_to_action_plan_records_provenance(db, plan_world, workshop, actor):
    strategy, goal, card = plan_world
    data = service.Conversion(title=card.text, goal=goal, due_date=date(2026, 6, 30))
    plan = service.convert_card(card, "action_plan", data, actor=actor, today=TODAY)
    assert isinstance(plan, ActionPlan)
    assert (plan.goal_id, plan.title, plan.source_card_id, plan.due_date) == (
        goal.id,
        card.text,
        card.id,
        date(2026, 6, 30),
    )
    assert plan.version == 1  # recording the source is not an edit
    assert (card.converted_kind, card.converted_id, card.votes_at_conversion) == ("action_plan", plan.id, 2)
    _db.session.expire_all()
    assert _db.session.get(ActionPlan, plan.id).source_card_id == card.id
    actions = [e.action for e in events()]
    assert actions[-2:] == ["action_plan.create", "workshop.card_convert"]
    convert = events("workshop.card_convert")[0]
    assert convert.after == {
        "workshop_id": workshop.id,
        "kind": "action_plan",
        "item_id": plan.id,
        "votes": 2,
    }
    assert service.provenance(plan) == (card, workshop)


def test_convert_to_goal_and_kpi(db, plan_world, workshop, actor, org):
    strategy, goal, card = plan_world
    new_goal = service.convert_card(
        card,
        "goal",
        service.Conversion(title="Et bedre erhvervsklima", strategy=strategy),
        actor=actor,
        today=TODAY,
    )
    assert (
        isinstance(new_goal, Goal)
        and new_goal.source_card_id == card.id
        and new_goal.strategy_id == strategy.id
    )
    second = wf.card(workshop, text="Antal nye virksomheder")
    kpi = service.convert_card(
        second,
        "kpi",
        service.Conversion(title=second.text, goal=goal, unit="stk."),
        actor=actor,
        today=TODAY,
    )
    assert isinstance(kpi, KPI) and (kpi.name, kpi.unit, kpi.source_card_id) == (
        second.text,
        "stk.",
        second.id,
    )
    assert second.votes_at_conversion == 0
    assert [e.after["kind"] for e in events("workshop.card_convert")] == ["goal", "kpi"]
    assert "goal.create" in [e.action for e in events()] and "kpi.create" in [e.action for e in events()]


def test_conversion_refusals_change_nothing(db, plan_world, workshop, actor, other_org):
    strategy, goal, card = plan_world
    foreign_goal = factories.goal(factories.strategy(other_org))
    before = (count(ActionPlan), count(Goal), count(KPI), len(events()))
    bad = [
        ("action_plan", service.Conversion(title="x", goal=None), "Choose the goal"),
        ("action_plan", service.Conversion(title="x", goal=foreign_goal), "Choose the goal"),
        ("kpi", service.Conversion(title="x", goal=foreign_goal), "Choose the goal"),
        ("goal", service.Conversion(title="x", strategy=foreign_goal.strategy), "strategy"),
        ("strategy", service.Conversion(title="x"), "Choose what"),
    ]
    for kind, data, message in bad:
        with pytest.raises(ServiceError, match=message):
            service.convert_card(card, kind, data, actor=actor, today=TODAY)
    # the item's own service refuses an empty title
    with pytest.raises(ServiceError, match="needs a title"):
        service.convert_card(
            card,
            "action_plan",
            service.Conversion(title="  ", goal=goal),
            actor=actor,
            today=TODAY,
        )
    assert card.converted_kind is None
    assert (count(ActionPlan), count(Goal), count(KPI), len(events())) == before


def test_a_card_becomes_one_item_only(db, plan_world, actor):
    strategy, goal, card = plan_world
    service.convert_card(
        card, "goal", service.Conversion(title="Mål", strategy=strategy), actor=actor, today=TODAY
    )
    with pytest.raises(ServiceError, match="already been turned"):
        service.convert_card(
            card, "kpi", service.Conversion(title="KPI", goal=goal), actor=actor, today=TODAY
        )


def test_archived_goal_is_refused(db, plan_world, actor):
    strategy, goal, card = plan_world
    goal.archived_at = goal.created_at
    with pytest.raises(ServiceError, match="archived"):
        service.convert_card(
            card, "action_plan", service.Conversion(title="x", goal=goal), actor=actor, today=TODAY
        )


def test_provenance_is_none_without_a_source(db, org):
    goal = factories.goal(factories.strategy(org))
    assert service.provenance(goal) is None


# -- minutes ----------------------------------------------------------------------------------------------


def test_minutes_xlsx_keeps_formula_like_text_as_text(db, workshop, guest):
    from io import BytesIO

    from openpyxl import load_workbook

    wf.card(workshop, guest, text='=HYPERLINK("http://evil.example","klik")')
    wf.card(workshop, guest, text="Almindelig idé")
    body = service.minutes_xlsx(service.load_board(workshop), facilitator_name="Fie")
    book = load_workbook(BytesIO(body))
    sheet = book.worksheets[1]
    texts = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert '=HYPERLINK("http://evil.example","klik")' in texts
    assert all(row[2].data_type == "s" for row in sheet.iter_rows(min_row=2))
    assert book.worksheets[0]["B1"].value == workshop.title
