"""Workshop pages and forms: creating, the board (members and guests), cards, votes, the projector's JSON,
the QR code, conversion through the form, the provenance include, minutes, and the query budget."""

import re
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from strategitracker.extensions import db as _db
from strategitracker.models import (
    ActionPlan,
    AuditEvent,
    Goal,
    Workshop,
    WorkshopCard,
    WorkshopParticipant,
    WorkshopVote,
)
from strategitracker.services import workshop as service
from tests import factories
from tests import workshop_factories as wf
from tests.test_authorization_matrix import snapshot


@pytest.fixture
def workshop(db, org):
    workshop = wf.workshop(org, dots_per_participant=2)
    _db.session.commit()
    return workshop


def base(org, workshop) -> str:
    return f"/o/{org.slug}/workshops/{workshop.id}"


def text(response) -> str:
    return response.get_data(as_text=True)


def english(client) -> None:
    """Anonymous visitors (guests) choose English for the session, so the tests can name the English text."""
    assert client.post("/language", data={"locale": "en"}).status_code == 302


def join_as_guest(client, workshop, name="Gæst Gitte") -> WorkshopParticipant:
    response = client.post(f"/w/{workshop.join_token}", data={"display_name": name})
    assert response.status_code == 302, text(response)
    assert response.location.endswith(f"/w/{workshop.join_token}/board")
    return _db.session.scalar(sa.select(WorkshopParticipant).order_by(WorkshopParticipant.id.desc()))


def cards() -> list[WorkshopCard]:
    return list(_db.session.scalars(sa.select(WorkshopCard).order_by(WorkshopCard.id)))


# -- creating and editing ---------------------------------------------------------------------------------


def test_list_and_new_workshop(client, login, org):
    login("facilitator", locale="en")
    strategy = factories.strategy(org, title="Erhvervsstrategi")
    _db.session.commit()
    assert "New workshop" in text(client.get(f"/o/{org.slug}/workshops/"))
    response = client.post(
        f"/o/{org.slug}/workshops/new",
        data={
            "title": "Strategidag i Thisted",
            "held_on": "2025-03-01",
            "layout": "free",
            "free_columns": "Borgere\n\nVirksomheder\n",
            "dots_per_participant": "4",
            "strategy_id": str(strategy.id),
        },
    )
    assert response.status_code == 302
    workshop = _db.session.scalar(sa.select(Workshop))
    assert response.location == f"/o/{org.slug}/workshops/{workshop.id}"
    assert [c["title"] for c in workshop.columns] == ["Borgere", "Virksomheder"]
    assert (workshop.dots_per_participant, workshop.strategy_id) == (4, strategy.id)
    listing = text(client.get(f"/o/{org.slug}/workshops/"))
    assert "Strategidag i Thisted" in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"held_on": "1. marts"}, "Not a valid date value."),
        ({"dots_per_participant": "0"}, "Enter a whole number from 1 to 50."),
        ({"dots_per_participant": "51"}, "Enter a whole number from 1 to 50."),
        ({"layout": "grid"}, "Not a valid choice."),
        ({"layout": "free", "free_columns": ""}, "Give from 1 to 8 column names, one per line."),
        ({"layout": "free", "free_columns": "\n".join(f"K{n}" for n in range(9))}, "Give from 1 to 8"),
        ({"layout": "free", "free_columns": "A\na"}, "Each column needs a different name."),
        ({"strategy_id": "999999"}, "Not a valid choice."),
    ],
)
def test_new_workshop_invalid_input_changes_nothing(client, login, org, changes, message):
    login("facilitator", locale="en")
    before = snapshot()
    data = {"title": "Dag", "held_on": "2025-03-01", "layout": "swot", "dots_per_participant": "5", **changes}
    response = client.post(f"/o/{org.slug}/workshops/new", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert snapshot() == before


def test_strategy_of_another_organisation_is_not_a_choice(client, login, org, other_org):
    login("facilitator", locale="en")
    foreign = factories.strategy(other_org)
    _db.session.commit()
    data = {"title": "Dag", "held_on": "2025-03-01", "layout": "swot", "dots_per_participant": "5"}
    response = client.post(f"/o/{org.slug}/workshops/new", data=data | {"strategy_id": str(foreign.id)})
    assert response.status_code == 400 and "Not a valid choice." in text(response)


def test_edit_workshop(client, login, org, workshop):
    login("facilitator", locale="en")
    response = client.post(
        f"{base(org, workshop)}/edit",
        data={"title": "Nyt navn", "held_on": "2025-04-01", "dots_per_participant": "6", "strategy_id": ""},
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert (workshop.title, workshop.dots_per_participant, str(workshop.held_on)) == (
        "Nyt navn",
        6,
        "2025-04-01",
    )


def test_edit_dots_while_voting_is_refused(client, login, org, workshop):
    login("facilitator", locale="en")
    workshop.phase = "voting"
    _db.session.commit()
    before = snapshot()
    response = client.post(
        f"{base(org, workshop)}/edit",
        data={"title": "Nyt navn", "held_on": "2025-04-01", "dots_per_participant": "9", "strategy_id": ""},
    )
    assert response.status_code == 400
    assert "only be changed while ideas are being collected" in text(response)
    assert snapshot() == before


# -- the board for members --------------------------------------------------------------------------------


def test_member_adds_a_card_and_the_text_is_escaped(client, login, org, workshop):
    user = login("viewer", locale="en")
    response = client.post(
        f"{base(org, workshop)}/cards", data={"column_key": "threats", "text": "<script>alert(1)</script>"}
    )
    assert response.status_code == 302
    [card] = cards()
    assert card.text == "<script>alert(1)</script>"
    participant = _db.session.get(WorkshopParticipant, card.author_id)
    assert participant.user_id == user.id  # joined with the own account on first use
    page = text(client.get(base(org, workshop)))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"column_key": "threats", "text": ""}, "Write something on the card."),
        ({"column_key": "threats", "text": "x" * 501}, "A card can hold at most 500 characters."),
        ({"column_key": "nowhere", "text": "Idé"}, "Not a valid choice."),
    ],
)
def test_invalid_card_changes_nothing(client, login, org, workshop, data, message):
    login("viewer", locale="en")
    before = snapshot()
    response = client.post(f"{base(org, workshop)}/cards", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert snapshot() == before


def test_card_while_voting_is_refused(client, login, org, workshop):
    login("viewer", locale="en")
    workshop.phase = "voting"
    _db.session.commit()
    before = snapshot()
    response = client.post(f"{base(org, workshop)}/cards", data={"column_key": "threats", "text": "Sent"})
    assert response.status_code == 400
    assert "only be added while ideas are being collected" in text(response)
    assert "You are not taking part yet." in text(response)  # the first-use join was undone too
    assert snapshot() == before


def test_member_edits_own_card_only(client, login, org, workshop):
    login("viewer", locale="en")
    client.post(f"{base(org, workshop)}/cards", data={"column_key": "threats", "text": "Første"})
    [card] = cards()
    response = client.post(f"{base(org, workshop)}/cards/{card.id}/edit", data={"text": "Anden"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert card.text == "Anden"
    response = client.post(f"{base(org, workshop)}/cards/{card.id}/edit", data={"text": ""})
    assert response.status_code == 400 and "Write something on the card." in text(response)
    other_card = wf.card(workshop, wf.participant(workshop), text="Andens kort")
    _db.session.commit()
    response = client.post(f"{base(org, workshop)}/cards/{other_card.id}/edit", data={"text": "Kapret"})
    assert response.status_code == 400 and "Only the person who wrote a card can change it." in text(response)
    _db.session.expire_all()
    assert other_card.text == "Andens kort"


def test_member_votes_and_sees_only_own_dots_until_revealed(client, login, org, workshop):
    login("viewer", locale="en")
    other = wf.participant(workshop)
    card = wf.card(workshop, other, text="Bredbånd i hele kommunen")
    wf.vote(card, other, 2)
    workshop.phase = "voting"
    _db.session.commit()
    assert client.post(f"{base(org, workshop)}/cards/{card.id}/vote").status_code == 302
    state = client.get(f"{base(org, workshop)}/state").get_json()
    [state_card] = [c for column in state["columns"] for c in column["cards"]]
    assert (state_card["my_dots"], state_card["total"], state["my_dots_left"]) == (1, None, 1)
    page = text(client.get(base(org, workshop)))
    assert "Your dots: 1" in page and "Dots: 3" not in page
    assert client.post(f"{base(org, workshop)}/cards/{card.id}/vote").status_code == 302
    response = client.post(f"{base(org, workshop)}/cards/{card.id}/vote")
    assert response.status_code == 400 and "You have used all your 2 dots." in text(response)
    assert client.post(f"{base(org, workshop)}/cards/{card.id}/unvote").status_code == 302
    workshop.phase = "closed"
    workshop.results_revealed = True
    _db.session.commit()
    state = client.get(f"{base(org, workshop)}/state").get_json()
    assert state["ranking"][0]["total"] == 3


def test_viewer_sees_no_facilitator_controls(client, login, org, workshop):
    login("viewer", locale="en")
    page = text(client.get(base(org, workshop)))
    assert "Run the workshop" not in page and workshop.join_token not in page
    assert "/projector" not in page


def test_facilitator_board_shows_the_join_link_and_qr(client, login, org, workshop):
    login("facilitator", locale="en")
    page = text(client.get(base(org, workshop)))
    assert f"/w/{workshop.join_token}" in page
    response = client.get(f"{base(org, workshop)}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data and response.headers["Cache-Control"] == "no-store"


def test_only_facilitators_get_the_join_link_in_the_state(client, login, org, workshop):
    login("viewer", locale="en")
    assert client.get(f"{base(org, workshop)}/state").get_json()["join_url"] is None
    client.post("/logout")
    login("facilitator", locale="en")
    state = client.get(f"{base(org, workshop)}/state").get_json()
    assert state["join_url"].endswith(f"/w/{workshop.join_token}")
    client.post(f"{base(org, workshop)}/link/revoke")
    assert client.get(f"{base(org, workshop)}/state").get_json()["join_url"] is None


def test_qr_code_of_a_revoked_link_is_gone(client, login, org, workshop):
    login("facilitator", locale="en")
    assert client.post(f"{base(org, workshop)}/link/revoke").status_code == 302
    assert client.get(f"{base(org, workshop)}/qr.svg").status_code == 410
    assert "withdrawn" in text(client.get(base(org, workshop)))


# -- phases and the projector -----------------------------------------------------------------------------


def test_phase_keys_answer_json(client, login, org, workshop):
    login("facilitator", locale="en")
    headers = {"Accept": "application/json"}
    state = client.post(f"{base(org, workshop)}/phase/next", headers=headers).get_json()
    assert state["phase"] == "voting"
    response = client.post(f"{base(org, workshop)}/results", data={"revealed": "1"}, headers=headers)
    assert response.status_code == 400 and "Close the voting first" in response.get_json()["error"]
    state = client.post(f"{base(org, workshop)}/phase/back", headers=headers).get_json()
    assert state["phase"] == "collecting"
    response = client.post(f"{base(org, workshop)}/phase/back", headers=headers)
    assert response.status_code == 400 and "Only voting" in response.get_json()["error"]
    response = client.post(f"{base(org, workshop)}/results", data={"revealed": "maybe"}, headers=headers)
    assert response.status_code == 400


def test_phase_buttons_redirect(client, login, org, workshop):
    login("facilitator", locale="en")
    response = client.post(f"{base(org, workshop)}/phase/next", data={"next": "projector"})
    assert response.location == f"{base(org, workshop)}/projector"
    response = client.post(f"{base(org, workshop)}/phase/next")
    assert response.location == base(org, workshop)
    _db.session.expire_all()
    assert workshop.phase == "closed" and workshop.results_revealed


def test_results_wait_for_voting_to_close_and_end_the_voting(client, login, org, workshop):
    """The form and the projector's JSON ask the same service rule; nothing changes when it refuses."""
    card = wf.card(workshop)
    workshop.phase = "voting"
    _db.session.commit()
    login("facilitator", locale="en")
    response = client.post(f"{base(org, workshop)}/results", data={"revealed": "1"}, follow_redirects=True)
    assert "Close the voting first" in text(response)
    _db.session.expire_all()
    assert not workshop.results_revealed
    assert "Show the results" not in text(client.get(base(org, workshop)))
    assert client.post(f"{base(org, workshop)}/phase/next").status_code == 302
    _db.session.expire_all()
    assert workshop.results_revealed
    response = client.post(f"{base(org, workshop)}/cards/{card.id}/vote")
    assert response.status_code == 400 and "The workshop is closed." in text(response)
    assert service.card_total(card) == 0


def test_projector_page_has_no_inline_script_and_carries_the_csrf_token(client, login, org, workshop):
    login("facilitator", locale="en")
    page = text(client.get(f"{base(org, workshop)}/projector"))
    assert 'name="csrf-token"' in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert "js/workshop.js" in page and "data-state-url" in page


# -- guests -----------------------------------------------------------------------------------------------


def test_guest_joins_adds_a_card_and_votes(client, org, workshop):
    assert client.get(f"/w/{workshop.join_token}").status_code == 200
    participant = join_as_guest(client, workshop)
    assert participant.display_name == "Gæst Gitte" and participant.user_id is None
    board = f"/w/{workshop.join_token}/board"
    assert client.get(board).status_code == 200
    # joining again goes straight to the board
    assert client.get(f"/w/{workshop.join_token}").location.endswith("/board")
    response = client.post(
        f"/w/{workshop.join_token}/cards", data={"column_key": "strengths", "text": "Naturen"}
    )
    assert response.status_code == 302
    [card] = cards()
    assert card.author_id == participant.id
    response = client.post(f"/w/{workshop.join_token}/cards/{card.id}/edit", data={"text": "Naturen i Thy"})
    assert response.status_code == 302
    workshop.phase = "voting"
    _db.session.commit()
    assert client.post(f"/w/{workshop.join_token}/cards/{card.id}/vote").status_code == 302
    state = client.get(f"/w/{workshop.join_token}/state").get_json()
    [state_card] = [c for column in state["columns"] for c in column["cards"]]
    assert (state_card["text"], state_card["my_dots"], state_card["mine"]) == ("Naturen i Thy", 1, True)
    assert client.post(f"/w/{workshop.join_token}/cards/{card.id}/unvote").status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(WorkshopVote)) == 0


def test_a_guest_cannot_vote_once_the_results_are_shown(client, org, workshop):
    """An older workshop may show its results while in the voting phase: its guests' dots are refused."""
    join_as_guest(client, workshop)
    card = wf.card(workshop)
    workshop.phase, workshop.results_revealed = "voting", True
    _db.session.commit()
    response = client.post(f"/w/{workshop.join_token}/cards/{card.id}/vote")
    assert response.status_code == 400 and "afstemningen er slut" in text(response)  # the guest's Danish
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(WorkshopVote)) == 0
    assert "Sæt en prik" not in text(client.get(f"/w/{workshop.join_token}/board"))


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Enter the name the others will know you by."), ("x" * 81, "Field cannot be longer than 80")],
)
def test_guest_join_invalid_name(client, workshop, name, message):
    english(client)
    before = snapshot()
    response = client.post(f"/w/{workshop.join_token}", data={"display_name": name})
    assert response.status_code == 400 and message in text(response)
    assert snapshot() == before


def test_guest_board_without_joining_goes_to_the_join_page(client, workshop):
    response = client.get(f"/w/{workshop.join_token}/board")
    assert response.status_code == 302 and response.location == f"/w/{workshop.join_token}"
    before = snapshot()
    assert (
        client.post(
            f"/w/{workshop.join_token}/cards", data={"column_key": "strengths", "text": "x"}
        ).status_code
        == 403
    )
    assert client.get(f"/w/{workshop.join_token}/state").status_code == 403
    assert snapshot() == before


def test_member_opening_the_join_link_uses_the_own_account(client, login, org, workshop):
    login("viewer", locale="en")
    response = client.get(f"/w/{workshop.join_token}")
    assert response.status_code == 302 and response.location == base(org, workshop)


def test_guest_sees_no_links_into_the_organisation(client, org, workshop):
    factories_goal = factories.goal(factories.strategy(org))
    card = wf.card(workshop, text="Idé", converted_kind="goal", converted_id=factories_goal.id)
    _db.session.commit()
    join_as_guest(client, workshop)
    page = text(client.get(f"/w/{workshop.join_token}/board"))
    assert f"/o/{org.slug}/" not in page
    assert factories_goal.title in page and f"card-{card.id}" in page


# -- conversion through the form --------------------------------------------------------------------------


@pytest.fixture
def goal(db, org, workshop):
    strategy = factories.strategy(org, title="Erhvervsstrategi")
    goal = factories.goal(strategy, title="Et bedre erhvervsklima")
    workshop.strategy_id = strategy.id
    _db.session.commit()
    return goal


def test_convert_form_is_prefilled_and_creates_the_action_plan(client, login, org, workshop, goal):
    login("facilitator", locale="en")
    card = wf.card(workshop, text="Erhvervskontakt: svar inden for 24 timer")
    _db.session.commit()
    url = f"{base(org, workshop)}/cards/{card.id}/convert/action_plan"
    page = text(client.get(url))
    assert 'value="Erhvervskontakt: svar inden for 24 timer"' in page
    assert "Erhvervsstrategi › Et bedre erhvervsklima" in page
    response = client.post(url, data={"title": "Erhvervskontakten", "goal_id": str(goal.id), "due_date": ""})
    assert response.status_code == 302
    plan = _db.session.scalar(sa.select(ActionPlan))
    assert response.location == f"/o/{org.slug}/action-plans/{plan.id}"
    assert plan.source_card_id == card.id and plan.title == "Erhvervskontakten"
    _db.session.expire_all()
    assert (card.converted_kind, card.converted_id) == ("action_plan", plan.id)
    board = text(client.get(base(org, workshop)))
    assert f'href="/o/{org.slug}/action-plans/{plan.id}"' in board
    # the card cannot be converted twice
    response = client.get(url)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 301}, "Field cannot be longer than 300 characters."),
        ({"goal_id": "999999"}, "Not a valid choice."),
        ({"due_date": "snart"}, "Not a valid date value."),
    ],
)
def test_convert_invalid_input_changes_nothing(client, login, org, workshop, goal, data, message):
    login("facilitator", locale="en")
    card = wf.card(workshop)
    _db.session.commit()
    before = snapshot()
    form = {"title": "Plan", "goal_id": str(goal.id), **data}
    response = client.post(f"{base(org, workshop)}/cards/{card.id}/convert/action_plan", data=form)
    assert response.status_code == 400 and message in text(response)
    assert snapshot() == before


def test_convert_form_asks_for_owner_department_and_start(client, login, org, other_org, workshop, goal):
    """The action plan made from a card gets its owner, department and dates, checked by the action plans'
    rules: a due date before the start and an outsider as owner are refused with their usual messages."""
    login("facilitator", locale="en")
    card = wf.card(workshop)
    owner = factories.user(name="Ejer Eriksen")
    factories.membership(owner, org, "editor")
    outsider = factories.user(name="Udefra")
    factories.membership(outsider, other_org, "editor")
    department = factories.department(org, name="Teknik og Miljø")
    _db.session.commit()
    url = f"{base(org, workshop)}/cards/{card.id}/convert/action_plan"
    page = text(client.get(url))
    for label in ("Responsible (role)", "Responsible person", "Department", "Start", "Due date"):
        assert f">{label}" in page
    assert "Ejer Eriksen" in page and "Teknik og Miljø" in page and "Udefra" not in page
    base_form = {"title": "Plan", "goal_id": str(goal.id), "department_id": str(department.id)}
    before = snapshot()
    refused = client.post(url, data=base_form | {"start_date": "2027-02-01", "due_date": "2027-01-01"})
    assert refused.status_code == 400 and "The due date cannot be before the start date." in text(refused)
    refused = client.post(url, data=base_form | {"owner_user_id": str(outsider.id)})
    assert refused.status_code == 400 and "member" in text(refused)
    assert snapshot() == before
    data = base_form | {
        "owner": "Erhvervschef",
        "owner_user_id": str(owner.id),
        "start_date": "2027-01-01",
        "due_date": "2027-06-30",
    }
    assert client.post(url, data=data).status_code == 302
    plan = _db.session.scalar(sa.select(ActionPlan))
    assert (plan.owner, plan.owner_user_id, plan.department_id) == ("Erhvervschef", owner.id, department.id)
    assert (plan.start_date.isoformat(), plan.due_date.isoformat()) == ("2027-01-01", "2027-06-30")


def test_convert_to_a_goal_names_its_owner(client, login, org, workshop, goal):
    login("facilitator", locale="en")
    card = wf.card(workshop)
    owner = factories.user(name="Ejer Eriksen")
    factories.membership(owner, org, "editor")
    _db.session.commit()
    url = f"{base(org, workshop)}/cards/{card.id}/convert/goal"
    assert "Owner (person)" in text(client.get(url))
    data = {"title": "Nyt mål", "strategy_id": str(goal.strategy_id), "owner": "Direktør"}
    assert client.post(url, data=data | {"owner_user_id": str(owner.id)}).status_code == 302
    made = _db.session.scalar(sa.select(Goal).where(Goal.title == "Nyt mål"))
    assert (made.owner, made.owner_user_id, made.source_card_id) == ("Direktør", owner.id, card.id)


def test_convert_to_a_goal_of_another_organisation_is_refused(client, login, org, other_org, workshop, goal):
    login("facilitator", locale="en")
    card = wf.card(workshop)
    foreign = factories.goal(factories.strategy(other_org))
    _db.session.commit()
    before = snapshot()
    response = client.post(
        f"{base(org, workshop)}/cards/{card.id}/convert/kpi",
        data={"title": "KPI", "goal_id": str(foreign.id)},
    )
    assert response.status_code == 400 and "Not a valid choice." in text(response)
    assert snapshot() == before


def test_unknown_kind_is_not_found(client, login, org, workshop):
    login("facilitator", locale="en")
    card = wf.card(workshop)
    _db.session.commit()
    assert client.get(f"{base(org, workshop)}/cards/{card.id}/convert/strategy").status_code == 404


def test_goal_and_action_plan_pages_say_where_they_came_from(
    client, login, org, workshop, goal, count_queries
):
    login("viewer", locale="en")
    card = wf.card(workshop)
    new_goal = factories.goal(goal.strategy, source_card_id=card.id)
    plan = factories.action_plan(goal, source_card_id=card.id)
    plain_plan = factories.action_plan(goal)
    _db.session.commit()
    goal_page = text(client.get(f"/o/{org.slug}/goals/{new_goal.id}"))
    plan_page = text(client.get(f"/o/{org.slug}/action-plans/{plan.id}"))
    for page in (goal_page, plan_page):
        assert "From workshop" in page and workshop.title in page
        assert f"/o/{org.slug}/workshops/{workshop.id}#card-{card.id}" in page
    assert "From workshop" not in text(client.get(f"/o/{org.slug}/action-plans/{plain_plan.id}"))
    # one query for the card and workshop, none without a source card
    with count_queries() as with_source:
        client.get(f"/o/{org.slug}/action-plans/{plan.id}")
    with count_queries() as without_source:
        client.get(f"/o/{org.slug}/action-plans/{plain_plan.id}")
    assert len(with_source) == len(without_source) + 1


# -- merging and moving -----------------------------------------------------------------------------------


def test_merge_and_move_through_the_board(client, login, org, workshop):
    login("facilitator", locale="en")
    keep, dup = wf.card(workshop, text="Skilte"), wf.card(workshop, text="Skiltning")
    _db.session.commit()
    response = client.post(
        f"{base(org, workshop)}/cards/{dup.id}/merge", data={"into_id": str(keep.id), "combine": "y"}
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert dup.merged_into_id == keep.id and keep.text == "Skilte\n— Skiltning"
    response = client.post(f"{base(org, workshop)}/cards/{keep.id}/move", data={"column_key": "threats"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert keep.column_key == "threats"
    before = snapshot()
    assert (
        client.post(f"{base(org, workshop)}/cards/{keep.id}/move", data={"column_key": "x"}).status_code
        == 400
    )
    response = client.post(f"{base(org, workshop)}/cards/{keep.id}/merge", data={"into_id": str(dup.id)})
    assert response.status_code == 400  # a merged card is no choice
    assert snapshot() == before


# -- minutes ----------------------------------------------------------------------------------------------


def test_minutes_page_and_spreadsheet(client, login, org, workshop, goal):
    login("viewer", locale="en")
    p = wf.participant(workshop)
    card = wf.card(workshop, p, text="Iværksætterhus", converted_kind="goal", converted_id=goal.id)
    wf.vote(card, p, 2)
    wf.card(workshop, p, text="Skiltning")
    _db.session.commit()
    page = text(client.get(f"{base(org, workshop)}/minutes"))
    assert "Iværksætterhus" in page and "Skiltning" in page and goal.title in page
    assert "css/workshop.css" in page and "<caption>" in page
    response = client.get(f"{base(org, workshop)}/minutes.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).worksheets[1]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:4] == [1, "Strengths", "Iværksætterhus", 2]
    assert rows[0][6] == goal.title and rows[0][7].endswith(f"/o/{org.slug}/goals/{goal.id}")
    assert rows[1][2:4] == ["Skiltning", 0]


def test_the_minutes_name_the_participants(client, login, org, workshop):
    login("viewer", locale="en")
    wf.participant(workshop, display_name="Åse Østergaard")
    wf.participant(workshop, display_name="bent Bæk")
    _db.session.commit()
    page = text(client.get(f"{base(org, workshop)}/minutes"))
    assert "Names of the participants" in page and "bent Bæk, Åse Østergaard" in page
    response = client.get(f"{base(org, workshop)}/minutes.xlsx")
    summary = {
        row[0].value: row[1].value for row in load_workbook(BytesIO(response.data)).worksheets[0].iter_rows()
    }
    assert summary["Names of the participants"] == "bent Bæk, Åse Østergaard"


# -- audit and query budget -------------------------------------------------------------------------------


def test_view_writes_leave_audit_events(client, login, org, workshop):
    login("facilitator", locale="en")
    client.post(f"{base(org, workshop)}/cards", data={"column_key": "threats", "text": "Idé"})
    client.post(f"{base(org, workshop)}/phase/next")
    client.post(f"{base(org, workshop)}/link/revoke")
    client.post(f"{base(org, workshop)}/link/new")
    actions = list(_db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert [a for a in actions if a.startswith("workshop.")] == [
        "workshop.join",
        "workshop.card_add",
        "workshop.phase",
        "workshop.link_revoke",
        "workshop.link_new",
    ]


def _fill(workshop, n_cards: int, n_people: int) -> None:
    people = [wf.participant(workshop) for _ in range(n_people)]
    goal = factories.goal(factories.strategy(factories.organisation()))
    for i in range(n_cards):
        card = wf.card(workshop, people[i % n_people], column_key=workshop.columns[i % 4]["key"])
        if i % 3 == 0:
            wf.vote(card, people[(i + 1) % n_people], 1)
        if i % 5 == 0:
            card.converted_kind, card.converted_id = "goal", goal.id
        if i % 7 == 1:
            card.merged_into_id = card.id - 1
    _db.session.commit()


@pytest.mark.parametrize("page", ["", "/state", "/minutes", "/projector"])
def test_pages_run_a_fixed_number_of_queries(client, login, org, count_queries, page):
    login("facilitator", locale="en")
    small, large = wf.workshop(org), wf.workshop(org)
    _fill(small, 1, 1)
    _fill(large, 60, 12)
    counts = []
    for workshop in (small, large):
        url = f"{base(org, workshop)}{page}"
        client.get(url)  # the session's first statements after the commit are not the page's
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] <= 16, counts


def test_guest_board_runs_a_fixed_number_of_queries(client, org, count_queries):
    small, large = wf.workshop(org), wf.workshop(org)
    _fill(small, 1, 1)
    _fill(large, 60, 12)
    counts = []
    for workshop in (small, large):
        join_as_guest(client, workshop)
        url = f"/w/{workshop.join_token}/board"
        client.get(url)
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] <= 12, counts
