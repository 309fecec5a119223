"""Log-in throttling with Flask-Limiter: LOGIN_RATE_LIMIT per IP address and per account, answered by 429."""

import os
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from limits import parse

import strategitracker
from strategitracker.extensions import db as _db
from strategitracker.extensions import limiter
from tests.conftest import PASSWORD
from tests.support import fresh_client

MSGID = "Too many attempts. Wait a minute and try again."
DANISH_CATALOGUE = Path(strategitracker.__file__).parent / "translations/da/LC_MESSAGES/messages.mo"


@pytest.fixture
def throttled(app, monkeypatch):
    """Switch the (module-level) limiter on for one test, with empty counters before and after."""
    monkeypatch.setattr(limiter, "enabled", True)
    limiter.reset()
    yield parse(app.config["LOGIN_RATE_LIMIT"]).amount
    limiter.reset()


@pytest.fixture
def user(make_user, org):
    user = make_user("viewer", org)
    _db.session.commit()
    return user


def attempt(client, email, password="wrong-password", ip="10.0.0.1"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def expected_message(app) -> str:
    """The message in the language the anonymous visitor gets (Danish, the default)."""
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        message = gettext(MSGID)
    if DANISH_CATALOGUE.exists():
        assert message.startswith("For mange forsøg"), message
    return message


def assert_throttled(app, response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61  # the window of "10 per minute", rounded up
    html = response.get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert heading and heading.group(1).strip() == expected_message(app)


def test_the_limit_comes_from_the_configuration(app):
    assert app.config["LOGIN_RATE_LIMIT"] == os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")


def test_too_many_attempts_from_one_address(app, client, user, throttled):
    for n in range(throttled):
        response = attempt(client, f"someone{n}@example.org")
        assert response.status_code == 200, n
    assert_throttled(app, attempt(client, "someone-else@example.org"))
    # the right password does not help from the same address …
    assert_throttled(app, attempt(client, user.email, PASSWORD))
    # … but another address may still log in
    assert attempt(client, user.email, PASSWORD, ip="10.0.0.2").status_code == 302


def test_too_many_attempts_on_one_account(app, client, user, make_user, throttled):
    for n in range(throttled):
        assert attempt(client, user.email, ip=f"10.0.1.{n}").status_code == 200, n
    assert_throttled(app, attempt(client, user.email, PASSWORD, ip="10.0.2.1"))
    assert_throttled(app, attempt(client, "  " + user.email.upper(), PASSWORD, ip="10.0.2.2"))
    # other accounts are not affected
    other = make_user("viewer", user.memberships[0].organisation)
    _db.session.commit()
    assert attempt(client, other.email, PASSWORD, ip="10.0.2.3").status_code == 302


def test_throttled_attempts_are_not_logged_in(app, client, user, throttled):
    for n in range(throttled):
        attempt(client, user.email, ip=f"10.0.3.{n}")
    assert attempt(client, user.email, PASSWORD, ip="10.0.4.1").status_code == 429
    assert client.get("/account/password").status_code == 302


def test_showing_the_login_page_is_not_throttled(client, throttled):
    for _ in range(throttled + 5):
        assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.5.1"}).status_code == 200


def test_counters_reset(app, client, user, throttled):
    for n in range(throttled):
        attempt(client, f"x{n}@example.org", ip="10.0.6.1")
    assert attempt(client, user.email, PASSWORD, ip="10.0.6.1").status_code == 429
    limiter.reset()
    assert attempt(client, user.email, PASSWORD, ip="10.0.6.1").status_code == 302


def test_json_clients_get_a_json_429(app, client, throttled):
    for n in range(throttled):
        attempt(client, f"y{n}@example.org", ip="10.0.7.1")
    response = client.post(
        "/login",
        data={"email": "z@example.org", "password": "x"},
        headers={"Accept": "application/json"},
        environ_base={"REMOTE_ADDR": "10.0.7.1"},
    )
    assert response.status_code == 429
    assert response.get_json() == {"error": expected_message(app)}
    assert 1 <= int(response.headers["Retry-After"]) <= 61


def test_limiter_is_off_in_the_other_tests(client, user):
    assert not limiter.enabled
    for n in range(15):
        assert attempt(client, f"w{n}@example.org", ip="10.0.8.1").status_code == 200


def change_password(client, current, new="a-brand-new-passphrase"):
    return client.post(
        "/account/password", data={"current_password": current, "new_password": new, "confirm": new}
    )


def test_throttled_answers_say_when_to_try_again(app, client, throttled):
    for n in range(throttled):
        attempt(client, f"r{n}@example.org", ip="10.0.9.1")
    response = attempt(client, "r@example.org", ip="10.0.9.1")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61


def test_wrong_current_passwords_are_throttled(app, client, user, make_user, throttled):
    assert attempt(client, user.email, PASSWORD).status_code == 302
    for n in range(throttled):
        response = change_password(client, f"guess-{n}")
        assert response.status_code == 200, n
        assert "The current password is wrong" in response.get_data(as_text=True) or "forkert" in (
            response.get_data(as_text=True)
        )
    response = change_password(client, PASSWORD)  # the right one does not help now
    assert_throttled(app, response)
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert client.get("/account/password").status_code == 200  # the page itself still opens
    # a new session of the same account is still counted …
    other = fresh_client(app)
    assert attempt(other, user.email, PASSWORD, ip="10.0.10.1").status_code == 302
    assert change_password(other, PASSWORD).status_code == 429
    # … another account is not
    someone = make_user("viewer", user.memberships[0].organisation)
    _db.session.commit()
    third = fresh_client(app)
    assert attempt(third, someone.email, PASSWORD, ip="10.0.10.2").status_code == 302
    assert change_password(third, PASSWORD).status_code == 302


def test_right_current_passwords_and_other_form_errors_are_not_counted(app, client, user, throttled):
    assert attempt(client, user.email, PASSWORD).status_code == 302
    for _ in range(throttled + 2):
        response = client.post(
            "/account/password",
            data={"current_password": PASSWORD, "new_password": "long-enough-1", "confirm": "different-1"},
        )
        assert response.status_code == 200
    assert change_password(client, PASSWORD).status_code == 302
