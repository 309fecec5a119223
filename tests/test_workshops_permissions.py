"""What a workshop's join link gives: this board, and nothing else.

- A guest who joined workshop A through its link gets, on EVERY route of the app, exactly what an anonymous
  visitor gets — except on A's own join-link routes (tests over the whole authorization matrix, which lists
  every registered route).
- A guest of A gets nothing of workshop B: B's cards through A's link are not found (404), B's link routes
  need joining B (403), and the organisation's pages send the guest to the log-in page.
- A revoked link, a closed, archived or unknown workshop answer 410/404 with a clear message.
- The session cannot be bent to another workshop's participant or to a member's participant row.
- Adding cards and placing dots is rate limited per participant; CSRF applies to guests too.
"""

import re

import pytest
import sqlalchemy as sa
from flask import Flask

from strategitracker.extensions import db as _db
from strategitracker.extensions import limiter
from strategitracker.models import WorkshopCard, WorkshopParticipant
from tests import workshop_factories as wf
from tests.support import fresh_client
from tests.test_authorization_matrix import (
    ANONYMOUS,
    MATRIX,
    OK,
    _key_id,
    build_objects,
    build_url,
    outcome,
    snapshot,
)

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def objects(org):
    return build_objects(org)


def english(client) -> None:
    assert client.post("/language", data={"locale": "en"}).status_code == 302


def join(client, workshop, name="Gæst") -> WorkshopParticipant:
    response = client.post(f"/w/{workshop.join_token}", data={"display_name": name})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return _db.session.scalar(sa.select(WorkshopParticipant).order_by(WorkshopParticipant.id.desc()))


def is_own_board_route(endpoint: str) -> bool:
    return endpoint.startswith("workshops.guest_")


# -- a guest everywhere ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(MATRIX), ids=_key_id)
def test_a_guest_gets_what_an_anonymous_visitor_gets(app, client, objects, key):
    """Every registered route (the matrix lists them all): anonymous outcome, except this board's routes."""
    join(client, objects.workshop)
    endpoint, method = key
    route = MATRIX[key]
    url = build_url(app, endpoint, route.url(objects))
    response = client.open(url, method=method, data=route.form(objects))
    expected = OK if is_own_board_route(endpoint) else route.access[ANONYMOUS]
    assert outcome(response) == expected, (
        f"{method} {url} as a guest of the workshop: {response.status_code} {response.location or ''}, "
        f"expected {expected}"
    )


def test_guests_json_requests_elsewhere_are_unauthorized(client, objects):
    join(client, objects.workshop)
    url = f"/o/{objects.org.slug}/workshops/{objects.workshop.id}/state"
    response = client.get(url, headers={"Accept": "application/json"})
    assert (response.status_code, response.get_json()) == (401, {"error": "unauthorized"})


def test_guest_board_routes_work_for_the_guest(client, objects):
    guest = join(client, objects.workshop)
    token = objects.workshop.join_token
    assert client.get(f"/w/{token}/board").status_code == 200
    assert client.get(f"/w/{token}/state").get_json()["phase"] == "collecting"
    response = client.post(f"/w/{token}/cards", data={"column_key": "threats", "text": "Idé"})
    assert response.status_code == 302
    card = _db.session.scalar(sa.select(WorkshopCard).where(WorkshopCard.author_id == guest.id))
    assert card is not None


# -- another workshop --------------------------------------------------------------------------------------


@pytest.fixture
def two_workshops(db, org, other_org):
    a = wf.workshop(org, title="Værksted A")
    b = wf.workshop(org, title="Værksted B")
    foreign = wf.workshop(other_org, title="Andet værksted")
    member = wf.participant(b)
    b_card = wf.card(b, member, text="B's idé")
    foreign_card = wf.card(foreign, text="Fremmed idé")
    for w in (a, b, foreign):
        w.phase = "voting"
    _db.session.commit()
    return a, b, b_card, foreign, foreign_card


def test_a_guest_of_one_workshop_gets_nothing_of_another(client, org, two_workshops):
    a, b, b_card, foreign, foreign_card = two_workshops
    join(client, a)
    before = snapshot()
    # B's (and another organisation's) cards through A's link: not found
    for card in (b_card, foreign_card):
        for action in ("vote", "unvote", "edit"):
            response = client.post(f"/w/{a.join_token}/cards/{card.id}/{action}", data={"text": "Kapret"})
            assert response.status_code == 404, (card.text, action)
    # B's link routes: A's guest has not joined B
    assert client.get(f"/w/{b.join_token}/state").status_code == 403
    assert client.post(f"/w/{b.join_token}/cards/{b_card.id}/vote").status_code == 403
    assert (
        client.post(f"/w/{b.join_token}/cards", data={"column_key": "threats", "text": "x"}).status_code
        == 403
    )
    response = client.get(f"/w/{b.join_token}/board")
    assert response.status_code == 302 and response.location == f"/w/{b.join_token}"
    assert "B's idé" not in client.get(f"/w/{b.join_token}").get_data(as_text=True)
    # the organisation's pages of either workshop: as for anyone not logged in
    for w in (a, b):
        for path in ("", "/state", "/minutes", "/projector", "/qr.svg"):
            response = client.get(f"/o/{org.slug}/workshops/{w.id}{path}")
            assert outcome(response) == "login", path
        response = client.post(f"/o/{org.slug}/workshops/{w.id}/cards/{b_card.id}/vote")
        assert outcome(response) == "login"
    assert snapshot() == before


def test_the_state_never_shows_another_workshops_cards(client, two_workshops):
    a, b, b_card, foreign, foreign_card = two_workshops
    join(client, a)
    body = client.get(f"/w/{a.join_token}/state").get_data(as_text=True)
    assert "B's idé" not in body and "Fremmed idé" not in body


def test_the_session_cannot_name_another_workshops_participant(client, two_workshops):
    a, b, b_card, foreign, foreign_card = two_workshops
    b_guest = wf.participant(b)
    b_member = _db.session.get(WorkshopParticipant, b_card.author_id)
    _db.session.commit()
    for participant_id in (b_guest.id, b_member.id):
        with client.session_transaction() as session:
            session["workshop_guests"] = {str(a.id): participant_id}
        assert client.get(f"/w/{a.join_token}/state").status_code == 403
        assert client.post(f"/w/{a.join_token}/cards/{b_card.id}/vote").status_code == 403


def test_a_members_participant_row_is_not_usable_as_a_guest(client, make_user, org, two_workshops):
    a, *_ = two_workshops
    member = wf.participant(a, user=make_user("viewer", org))
    _db.session.commit()
    with client.session_transaction() as session:
        session["workshop_guests"] = {str(a.id): member.id}
    assert client.get(f"/w/{a.join_token}/state").status_code == 403


# -- revoked, closed, archived, unknown --------------------------------------------------------------------


def _all_link_requests(client, token: str, card_id: int) -> list:
    return [
        client.get(f"/w/{token}"),
        client.post(f"/w/{token}", data={"display_name": "Ny gæst"}),
        client.get(f"/w/{token}/board"),
        client.get(f"/w/{token}/state"),
        client.post(f"/w/{token}/cards", data={"column_key": "threats", "text": "x"}),
        client.post(f"/w/{token}/cards/{card_id}/edit", data={"text": "y"}),
        client.post(f"/w/{token}/cards/{card_id}/vote"),
        client.post(f"/w/{token}/cards/{card_id}/unvote"),
    ]


def test_a_revoked_link_is_gone_with_a_message(client, login, org, objects):
    workshop = objects.workshop
    english(client)
    guest = join(client, workshop)
    card = wf.card(workshop, guest)
    workshop.token_revoked_at = workshop.created_at
    _db.session.commit()
    before = snapshot()
    for response in _all_link_requests(client, workshop.join_token, card.id):
        assert response.status_code == 410
        assert "The facilitator has withdrawn this join link." in response.get_data(as_text=True)
    response = client.get(f"/w/{workshop.join_token}/state", headers={"Accept": "application/json"})
    assert response.status_code == 410 and response.get_json()["error"].startswith("The facilitator")
    assert snapshot() == before


def test_a_new_link_replaces_the_old_one(client, objects):
    workshop = objects.workshop
    english(client)
    join(client, workshop)
    old = workshop.join_token
    workshop.join_token = "new-" + old[:40]
    _db.session.commit()
    response = client.get(f"/w/{old}/board")
    assert response.status_code == 404
    assert "This join link is not valid." in response.get_data(as_text=True)
    # the guest (same browser) comes back in with the new link, as the same participant
    assert client.get(f"/w/{workshop.join_token}").location == f"/w/{workshop.join_token}/board"


@pytest.mark.parametrize("how", ["closed", "archived"])
def test_a_closed_or_archived_workshops_link_is_gone(client, objects, how):
    workshop = objects.workshop
    english(client)
    guest = join(client, workshop)
    card = wf.card(workshop, guest)
    if how == "closed":
        workshop.phase = "closed"
    else:
        workshop.archived_at = workshop.created_at
    _db.session.commit()
    before = snapshot()
    for response in _all_link_requests(client, workshop.join_token, card.id):
        assert response.status_code == 410
        assert "This workshop has ended" in response.get_data(as_text=True)
    assert snapshot() == before


def test_an_unknown_link_is_not_found(client, db):
    english(client)
    for token in ("nope", "x" * 43, "x" * 200):
        response = client.get(f"/w/{token}")
        assert response.status_code == 404
        assert "This join link is not valid." in response.get_data(as_text=True)


# -- rate limits -------------------------------------------------------------------------------------------


@pytest.fixture
def throttled(app, monkeypatch):
    """The limiter on for one test (TestingConfig turns it off), with empty counters before and after."""
    if not limiter.initialized:
        monkeypatch.setattr(limiter, "enabled", limiter.enabled)
        bare = Flask("limiter-setup")
        bare.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
        limiter.init_app(bare)
    monkeypatch.setattr(limiter, "enabled", True)
    limiter.reset()
    yield
    limiter.reset()


def test_adding_cards_is_limited_per_participant(app, objects, throttled):
    workshop = objects.workshop
    first, second = fresh_client(app), fresh_client(app)
    join(first, workshop, "Første")
    join(second, workshop, "Anden")
    url = f"/w/{workshop.join_token}/cards"
    for n in range(30):
        assert first.post(url, data={"column_key": "threats", "text": f"Idé {n}"}).status_code == 302, n
    assert first.post(url, data={"column_key": "threats", "text": "En for meget"}).status_code == 429
    # another participant (same address) is not affected
    assert second.post(url, data={"column_key": "threats", "text": "Min idé"}).status_code == 302
    texts = set(_db.session.scalars(sa.select(WorkshopCard.text)))
    assert "En for meget" not in texts and "Min idé" in texts


def test_voting_is_limited_per_participant(app, objects, throttled):
    workshop = objects.workshop
    client = fresh_client(app)
    join(client, workshop)
    workshop.phase = "voting"
    _db.session.commit()
    card = objects.card
    for n in range(15):
        assert client.post(f"/w/{workshop.join_token}/cards/{card.id}/vote").status_code == 302, n
        assert client.post(f"/w/{workshop.join_token}/cards/{card.id}/unvote").status_code == 302, n
    for n in range(15):
        assert client.post(f"/w/{workshop.join_token}/cards/{card.id}/vote").status_code in (302, 400), n
    assert client.post(f"/w/{workshop.join_token}/cards/{card.id}/vote").status_code == 429


def test_members_cards_are_limited_too(client, login, objects, throttled):
    login("viewer")
    url = f"/o/{objects.org.slug}/workshops/{objects.workshop.id}/cards"
    for n in range(30):
        assert client.post(url, data={"column_key": "threats", "text": f"Idé {n}"}).status_code == 302, n
    assert client.post(url, data={"column_key": "threats", "text": "En for meget"}).status_code == 429


def test_the_limiter_is_off_elsewhere(client, objects):
    assert not limiter.enabled
    join(client, objects.workshop)
    for n in range(35):
        response = client.post(
            f"/w/{objects.workshop.join_token}/cards", data={"column_key": "threats", "text": f"Idé {n}"}
        )
        assert response.status_code == 302


# -- CSRF ----------------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_guests_need_the_csrf_token(client, objects, csrf_on):
    token = objects.workshop.join_token
    before = snapshot()
    assert client.post(f"/w/{token}", data={"display_name": "Uden token"}).status_code == 400
    assert snapshot() == before
    csrf = TOKEN_RE.search(client.get(f"/w/{token}").get_data(as_text=True)).group(1)
    assert (
        client.post(f"/w/{token}", data={"display_name": "Med token", "csrf_token": csrf}).status_code == 302
    )
    before = snapshot()
    response = client.post(f"/w/{token}/cards", data={"column_key": "threats", "text": "Uden token"})
    assert response.status_code == 400
    assert snapshot() == before
    csrf = TOKEN_RE.search(client.get(f"/w/{token}/board").get_data(as_text=True)).group(1)
    response = client.post(
        f"/w/{token}/cards", data={"column_key": "threats", "text": "Med", "csrf_token": csrf}
    )
    assert response.status_code == 302


def test_projector_keys_send_the_token_in_a_header(app, client, login, objects, monkeypatch):
    login("facilitator")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    base = f"/o/{objects.org.slug}/workshops/{objects.workshop.id}"
    page = client.get(f"{base}/projector").get_data(as_text=True)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    headers = {"Accept": "application/json"}
    assert client.post(f"{base}/phase/next", headers=headers).status_code == 400
    response = client.post(f"{base}/phase/next", headers=headers | {"X-CSRFToken": csrf})
    assert response.status_code == 200 and response.get_json()["phase"] == "voting"
