"""Sessions that can be ended: a copied session or remember-me cookie stops working after log-out, a password
change, a deactivation or a "log out everywhere"."""

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, Membership
from tests.conftest import PASSWORD
from tests.support import fresh_client

NEW_PASSWORD = "a-brand-new-passphrase"


def logged_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def copy_of(app, client, *names):
    """A second browser holding copies of the first one's cookies."""
    other = fresh_client(app)
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        other.set_cookie(name, cookie.value)
    return other


def log_in(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


@pytest.fixture
def member(make_user, org):
    user = make_user("editor", org)
    _db.session.commit()
    return user


def test_a_copied_session_cookie_works_until_log_out(app, client, member):
    log_in(client, member)
    thief = copy_of(app, client, "session")
    assert logged_in(thief)
    client.post("/logout")
    assert not logged_in(client)
    assert not logged_in(thief)


def test_log_out_ends_a_remember_me_cookie(app, client, member):
    log_in(client, member, remember=True)
    remembered = copy_of(app, client, "remember_token")
    assert logged_in(remembered)  # the cookie alone restores the session
    fresh = copy_of(app, client, "remember_token")
    client.post("/logout")
    assert not logged_in(fresh)


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, client, member):
    log_in(client, member, remember=True)
    other_device = fresh_client(app)
    log_in(other_device, member, remember=True)
    stolen_cookie = copy_of(app, other_device, "remember_token")
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(other_device)
    assert not logged_in(stolen_cookie)
    # the remember-me cookie of this browser was renewed with the new token
    assert logged_in(copy_of(app, client, "remember_token"))


def test_deactivation_ends_the_members_sessions(app, client, login, member, org):
    member_client = fresh_client(app)
    log_in(member_client, member, remember=True)
    login("admin")
    membership = _db.session.scalar(sa.select(Membership).where(Membership.user_id == member.id))
    assert client.post(f"/o/{org.slug}/members/{membership.id}/deactivate").status_code == 302
    assert not logged_in(member_client)


def test_an_admin_logs_a_member_out_everywhere(app, client, login, member, org):
    member_client = fresh_client(app)
    log_in(member_client, member, remember=True)
    remembered = copy_of(app, member_client, "remember_token")
    admin = login("admin")
    membership = _db.session.scalar(sa.select(Membership).where(Membership.user_id == member.id))
    page = client.get(f"/o/{org.slug}/members/").get_data(as_text=True)
    assert f"/o/{org.slug}/members/{membership.id}/logout-everywhere" in page
    assert client.post(f"/o/{org.slug}/members/{membership.id}/logout-everywhere").status_code == 302
    assert not logged_in(member_client)
    assert not logged_in(remembered)
    assert logged_in(client)  # the admin's own session goes on
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.logout_everywhere"))
    assert event.user_id == admin.id and event.entity_id == member.id
    log_in(member_client, member)  # the member can simply log in again
    assert logged_in(member_client)


def test_an_admin_of_another_organisation_cannot_log_a_member_out(app, client, login, member, org, other_org):
    member_client = fresh_client(app)
    log_in(member_client, member)
    login("admin", other_org)
    membership = _db.session.scalar(sa.select(Membership).where(Membership.user_id == member.id))
    assert client.post(f"/o/{other_org.slug}/members/{membership.id}/logout-everywhere").status_code == 404
    assert client.post(f"/o/{org.slug}/members/{membership.id}/logout-everywhere").status_code in (403, 404)
    assert logged_in(member_client)


def test_a_user_logs_out_everywhere_from_the_account_page(app, client, member):
    log_in(client, member)
    other_device = fresh_client(app)
    log_in(other_device, member, remember=True)
    assert "/account/logout-everywhere" in client.get("/account/password").get_data(as_text=True)
    assert client.post("/account/logout-everywhere").status_code == 302
    assert not logged_in(client)
    assert not logged_in(other_device)


def test_a_deactivated_account_loses_its_sessions(app, client, member):
    log_in(client, member)
    member.active = False
    _db.session.commit()
    assert not logged_in(client)


def test_a_cookie_of_the_old_form_is_refused(app, client, member):
    log_in(client, member)
    with client.session_transaction() as session:
        session["_user_id"] = str(member.id)
    assert not logged_in(client)
