"""CSRF: every state-changing route refuses a request without a valid token, and changes nothing."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.support import fresh_client
from tests.test_authorization_matrix import (
    API_TOKEN_ONLY,
    MATRIX,
    build_objects,
    build_url,
    registered_routes,
    snapshot,
)

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_MESSAGE = "The form had expired or was not sent from this site."
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

#: The REST API takes no CSRF token: it answers bearer tokens only and ignores cookies (tests/test_api.py).
TOKEN_ONLY = {key for key, route in MATRIX.items() if route.access is API_TOKEN_ONLY}
WRITE_ROUTES = sorted(key for key in MATRIX if key[1] in STATE_CHANGING and key not in TOKEN_ONLY)


@pytest.fixture
def objects(org):
    return build_objects(org)


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def token_from(response) -> str:
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, "no CSRF token in the page"
    return match.group(1)


def test_every_state_changing_route_is_checked(app):
    registered = {key for key in registered_routes(app) if key[1] in STATE_CHANGING}
    assert registered - TOKEN_ONLY == set(WRITE_ROUTES)


@pytest.mark.parametrize("bad_token", [None, "", "not-a-token"])
@pytest.mark.parametrize("key", WRITE_ROUTES, ids=lambda key: f"{key[1]} {key[0]}")
def test_request_without_a_valid_token_is_refused(app, client, login, objects, monkeypatch, key, bad_token):
    endpoint, method = key
    route = MATRIX[key]
    login("superuser", locale="en")  # allowed everywhere, so only the missing token stops the request
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    form = route.effective_form(objects)
    if bad_token is not None:
        form["csrf_token"] = bad_token
    before = snapshot()
    response = client.open(build_url(app, endpoint, route.url(objects)), method=method, data=form)
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert snapshot() == before
    assert client.get("/account/password").status_code == 200  # still logged in (also after POST /logout)


def test_anonymous_login_without_token_is_refused(client, make_user, csrf_on):
    user = make_user()
    before = snapshot()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert snapshot() == before
    assert client.get("/account/password").status_code == 302


def test_login_and_logout_with_a_token_work(client, make_user, csrf_on):
    user = make_user()
    token = token_from(client.get("/login"))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/account/password").status_code == 200

    token = token_from(client.get("/account/password"))
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account/password").status_code == 302


def test_a_token_from_another_session_is_refused(app, client, make_user, csrf_on):
    user = make_user()
    foreign_token = token_from(fresh_client(app).get("/login"))
    client.get("/login")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": foreign_token}
    )
    assert response.status_code == 400


def test_member_forms_carry_tokens(app, client, login, objects, monkeypatch):
    login("admin")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    html = client.get(f"/o/{objects.org.slug}/members/").get_data(as_text=True)
    forms = re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S)
    post_forms = [f for f in forms if 'method="post"' in f]
    assert post_forms
    for form in post_forms:
        assert TOKEN_RE.search(form), form[:200]
    token = TOKEN_RE.search(post_forms[0]).group(1)
    response = client.post(
        f"/o/{objects.org.slug}/members/{objects.membership.id}/role",
        data={"role": "editor", "csrf_token": token},
    )
    assert response.status_code == 302
