"""Log-in, log-out, remember me, safe `next`, idle timeout, temporary passwords, organisation switcher."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from config import Config, ProductionConfig, TestingConfig
from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, User
from strategitracker.services import accounts
from tests.conftest import PASSWORD

NEW_PASSWORD = "another-long-password"


def audit_rows(action: str) -> list[AuditEvent]:
    _db.session.expire_all()
    return list(_db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def is_logged_in(client) -> bool:
    response = client.get("/account/password")
    if response.status_code == 200:
        return True
    assert urlsplit(response.location).path == "/login"
    return False


def post_login(client, email, password=PASSWORD, **kwargs):
    data = {"email": email, "password": password}
    if kwargs.pop("remember", False):
        data["remember"] = "y"
    return client.post("/login", data=data, **kwargs)


@pytest.fixture
def member(make_user, org):
    user = make_user("viewer", org)
    _db.session.commit()
    return user


# --- log-in and log-out -------------------------------------------------------------------------------------


def test_login_page_has_email_and_password_fields(client):
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in ("email", "password", "remember"):
        assert f'name="{name}"' in html
    assert 'type="password"' in html


def test_login_logs_in_and_is_audited(client, member):
    response = post_login(client, member.email)
    assert response.status_code == 302
    assert response.location == "/"
    with client.session_transaction() as session:
        assert session["_user_id"] == member.get_id()
        assert session["last_seen"]
    assert is_logged_in(client)
    (event,) = audit_rows("auth.login")
    assert (event.user_id, event.entity_type, event.entity_id) == (member.id, "user", member.id)
    assert event.ip_address == "127.0.0.1"
    _db.session.refresh(member)
    assert member.last_login_at is not None


def test_login_email_is_case_insensitive(client, member):
    assert post_login(client, "  " + member.email.upper() + " ").status_code == 302
    assert is_logged_in(client)


@pytest.mark.parametrize("password", ["wrong-password", "", PASSWORD.upper()])
def test_wrong_password_is_refused_and_audited(client, member, password):
    response = post_login(client, member.email, password)
    assert response.status_code == 200
    assert not is_logged_in(client)
    if password:
        (event,) = audit_rows("auth.login_failed")
        assert event.user_id == member.id
        assert event.after == {"email": member.email}
    else:  # an empty field is a form error, not a log-in attempt
        assert audit_rows("auth.login_failed") == []
    assert audit_rows("auth.login") == []


def test_unknown_email_is_refused_with_the_same_message(client, member):
    with client.session_transaction() as session:
        session["locale"] = "en"  # the message is checked in English
    wrong_password = post_login(client, member.email, "wrong-password").get_data(as_text=True)
    unknown = post_login(client, "nobody@example.org")
    assert unknown.status_code == 200
    assert not is_logged_in(client)
    (_, event) = sorted(audit_rows("auth.login_failed"), key=lambda e: e.id)
    assert event.user_id is None and event.after == {"email": "nobody@example.org"}
    message = "Wrong e-mail or password, or the account is deactivated."
    assert message in wrong_password and message in unknown.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, make_user, org):
    user = make_user("admin", org, active=False)
    _db.session.commit()
    response = post_login(client, user.email)
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert [e.user_id for e in audit_rows("auth.login_failed")] == [user.id]


def test_user_deactivated_during_a_session_loses_access(client, login, org):
    user = login("admin")
    assert client.get(f"/o/{org.slug}/").status_code == 200
    user.active = False
    _db.session.commit()
    response = client.get(f"/o/{org.slug}/")
    assert urlsplit(response.location).path == "/login"


def test_deactivated_membership_hides_that_organisation_only(client, make_user, org, other_org):
    user = make_user("editor", org)
    user.memberships[0].active = False
    from tests import factories

    factories.membership(user, other_org, "viewer")
    _db.session.commit()
    assert post_login(client, user.email).status_code == 302
    assert client.get(f"/o/{org.slug}/").status_code == 404
    assert client.get(f"/o/{other_org.slug}/").status_code == 200
    # the only organisation left is opened directly
    assert client.get("/").location == f"/o/{other_org.slug}/"


def test_logout_is_a_post_that_ends_the_session(client, login):
    user = login("viewer")
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)
    response = client.post("/logout")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
    assert not is_logged_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session and "last_seen" not in session
    assert [e.user_id for e in audit_rows("auth.logout")] == [user.id]


def test_logged_in_user_visiting_login_goes_to_the_front_page(client, login):
    login("viewer")
    assert client.get("/login").location == "/"


# --- passwords ----------------------------------------------------------------------------------------------


def test_passwords_are_hashed(client, member):
    assert PASSWORD not in member.password_hash
    assert member.password_hash.startswith("pbkdf2:sha256:1$")  # cheap in tests
    assert check_password_hash(member.password_hash, PASSWORD)


def test_production_hashes_with_scrypt(app, monkeypatch):
    assert Config.PASSWORD_HASH_METHOD == ProductionConfig.PASSWORD_HASH_METHOD == "scrypt"
    assert TestingConfig.PASSWORD_HASH_METHOD.startswith("pbkdf2")
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    with app.app_context():
        hashed = accounts.hash_password(PASSWORD)
    assert hashed.startswith("scrypt:")
    assert check_password_hash(hashed, PASSWORD)


def test_change_password(client, login):
    user = login("viewer")
    assert client.get("/account/password").status_code == 200
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    assert [e.user_id for e in audit_rows("user.password_change")] == [user.id]
    client.post("/logout")
    assert post_login(client, user.email, PASSWORD).status_code == 200
    assert post_login(client, user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "form, error",
    [
        (
            {"current_password": "wrong-password", "new_password": NEW_PASSWORD},
            "The current password is wrong.",
        ),
        ({"current_password": PASSWORD, "new_password": "short"}, 'id="new_password-error"'),
        (
            {"current_password": PASSWORD, "new_password": PASSWORD},
            "Choose a password other than the current one.",
        ),
        (
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": "x" * 20},
            "The two passwords differ.",
        ),
    ],
)
def test_change_password_refuses_bad_input(client, login, form, error):
    user = login("viewer", locale="en")
    old_hash = user.password_hash
    form.setdefault("confirm", form["new_password"])
    response = client.post("/account/password", data=form)
    assert response.status_code == 200
    assert error in response.get_data(as_text=True)
    _db.session.expire_all()
    assert user.password_hash == old_hash
    assert audit_rows("user.password_change") == []


def test_temporary_password_holds_the_user_on_the_password_page(client, login, org):
    user = login("editor", must_change_password=True)
    # the log-in itself sent the user to the password page
    for path in (f"/o/{org.slug}/", "/", "/switch?slug=" + org.slug, f"/o/{org.slug}/members/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location == "/account/password", path
    assert client.post("/language", data={"locale": "en"}).location == "/account/password"
    assert client.get("/account/password").status_code == 200
    assert client.get("/healthz").status_code == 200

    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert user.must_change_password is False
    assert client.get(f"/o/{org.slug}/").status_code == 200


def test_login_with_temporary_password_goes_to_the_password_page(client, make_user, org):
    user = make_user("viewer", org, must_change_password=True)
    _db.session.commit()
    response = client.post(f"/login?next=/o/{org.slug}/", data={"email": user.email, "password": PASSWORD})
    assert response.location == "/account/password"


def test_held_user_can_still_log_out(client, login):
    login("viewer", must_change_password=True)
    response = client.post("/logout")
    assert urlsplit(response.location).path == "/login"
    assert not is_logged_in(client)


def test_anonymous_password_page_asks_to_log_in(client):
    response = client.get("/account/password")
    assert urlsplit(response.location).path == "/login"
    assert parse_qs(urlsplit(response.location).query)["next"] == ["/account/password"]


# --- the `next` parameter -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example/o/x/",
        "//evil.example",
        "//evil.example/o/x/",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "https:/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\t/evil.example",
        " //evil.example",
        "/\n/evil.example",
    ],
)
def test_next_to_another_site_is_ignored(client, member, target):
    response = client.post(
        "/login", query_string={"next": target}, data={"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/"


def test_next_on_this_site_is_honoured(client, member, org):
    response = client.post(
        "/login", query_string={"next": f"/o/{org.slug}/"}, data={"email": member.email, "password": PASSWORD}
    )
    assert response.location == f"/o/{org.slug}/"


def test_login_redirect_round_trip_returns_to_the_page(client, member, org):
    response = client.get(f"/o/{org.slug}/")
    assert urlsplit(response.location).path == "/login"
    response = client.post(response.location, data={"email": member.email, "password": PASSWORD})
    assert response.location == f"/o/{org.slug}/"


def test_language_switch_next_is_safe(client, member, org):
    assert client.post("/language", data={"locale": "en", "next": "//evil.example/"}).location == "/"
    assert client.post("/language", data={"locale": "da", "next": "/login"}).location == "/login"


# --- remember me and the idle timeout -----------------------------------------------------------------------


def _set_last_seen(client, minutes_ago: float) -> None:
    with client.session_transaction() as session:
        session["last_seen"] = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


def test_remember_me_sets_a_remember_cookie(client, member):
    post_login(client, member.email, remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax"
    with client.session_transaction() as session:
        assert session["remember"] is True


def test_without_remember_me_there_is_no_remember_cookie(client, member):
    post_login(client, member.email)
    assert client.get_cookie("remember_token") is None


def test_idle_session_expires(app, client, member, org):
    post_login(client, member.email)
    idle = app.config["IDLE_TIMEOUT_MINUTES"]
    _set_last_seen(client, idle - 1)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    _set_last_seen(client, idle + 1)
    response = client.get(f"/o/{org.slug}/")
    assert urlsplit(response.location).path == "/login"
    assert parse_qs(urlsplit(response.location).query)["next"] == [f"/o/{org.slug}/?"]
    assert not is_logged_in(client)


def test_idle_timeout_is_configurable(app, client, member, org, monkeypatch):
    monkeypatch.setitem(app.config, "IDLE_TIMEOUT_MINUTES", 5)
    post_login(client, member.email)
    _set_last_seen(client, 4)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    _set_last_seen(client, 6)
    assert urlsplit(client.get(f"/o/{org.slug}/").location).path == "/login"


def test_each_request_refreshes_last_seen(app, client, member, org):
    post_login(client, member.email)
    idle = app.config["IDLE_TIMEOUT_MINUTES"]
    _set_last_seen(client, idle - 1)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    with client.session_transaction() as session:
        last_seen = datetime.fromisoformat(session["last_seen"])
    assert datetime.now(UTC) - last_seen < timedelta(minutes=1)


def test_remember_me_keeps_an_idle_session(app, client, member, org):
    post_login(client, member.email, remember=True)
    _set_last_seen(client, app.config["IDLE_TIMEOUT_MINUTES"] * 10)
    assert client.get(f"/o/{org.slug}/").status_code == 200


def test_remember_cookie_survives_a_closed_browser_and_idle_time(app, client, member, org):
    post_login(client, member.email, remember=True)
    client.delete_cookie("session")  # the browser was closed: only the remember cookie is left
    assert client.get(f"/o/{org.slug}/").status_code == 200
    _set_last_seen(client, app.config["IDLE_TIMEOUT_MINUTES"] * 10)
    assert client.get(f"/o/{org.slug}/").status_code == 200


# --- the organisation switcher ------------------------------------------------------------------------------


def test_switcher_lists_the_users_organisations_and_switches(client, make_user, org, other_org):
    from tests import factories

    user = make_user("viewer", org)
    factories.membership(user, other_org, "editor")
    _db.session.commit()
    post_login(client, user.email)
    page = client.get("/")
    assert page.status_code == 200  # two organisations: the user chooses
    html = client.get(f"/o/{org.slug}/").get_data(as_text=True)
    assert 'name="slug"' in html and other_org.name in html and org.name in html
    response = client.get("/switch", query_string={"slug": other_org.slug})
    assert response.location == f"/o/{other_org.slug}/"
    assert client.get(response.location).status_code == 200


def test_switch_to_an_organisation_one_is_not_member_of_is_not_found(client, login, other_org):
    login("viewer")
    response = client.get("/switch", query_string={"slug": other_org.slug})
    assert client.get(response.location).status_code == 404
    assert client.get("/switch").location == "/"


def test_superuser_sees_every_organisation(client, login, org, other_org):
    login("superuser")
    html = client.get("/").get_data(as_text=True)
    assert org.name in html and other_org.name in html
    assert client.get(f"/o/{other_org.slug}/").status_code == 200


def test_users_are_stored_with_lowercase_email(db, make_user):
    user = make_user(email="someone@example.org")
    assert _db.session.scalar(sa.select(User.email).where(User.id == user.id)) == "someone@example.org"
