"""Invitations: another organisation's account joins only when its owner accepts, with the invited role."""

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, Invitation, Membership
from tests import factories
from tests.conftest import PASSWORD
from tests.support import fresh_client
from tests.test_authorization_matrix import snapshot

TEMPORARY = "temporary-password-1"


@pytest.fixture
def consultant(make_user, other_org):
    """An account whose own organisation is `other_org`."""
    user = make_user("facilitator", other_org, email="konsulent@example.org")
    _db.session.commit()
    return user


@pytest.fixture
def invited(client, login, org, consultant):
    """`org`'s admin invites the consultant as an editor; the client is then the consultant's browser."""
    login("admin")
    form = {"email": consultant.email, "name": "x", "role": "editor", "temporary_password": TEMPORARY}
    assert client.post(f"/o/{org.slug}/members/", data=form).status_code == 302
    client.post("/logout")
    return _db.session.scalar(sa.select(Invitation).where(Invitation.user_id == consultant.id))


def log_in(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def test_the_invited_person_sees_the_invitation_after_logging_in(client, org, consultant, invited):
    assert log_in(client, consultant).location == "/account/invitations"
    page = client.get("/account/invitations").get_data(as_text=True)
    assert org.name in page and f"/account/invitations/{invited.id}/accept" in page


def test_accepting_makes_a_membership_with_the_invited_role(client, org, consultant, invited):
    log_in(client, consultant)
    assert client.get(f"/o/{org.slug}/").status_code == 404  # not a member before accepting
    response = client.post(f"/account/invitations/{invited.id}/accept")
    assert response.location == f"/o/{org.slug}/"
    membership = _db.session.scalar(
        sa.select(Membership).where(Membership.user_id == consultant.id, Membership.organisation_id == org.id)
    )
    assert (membership.role, membership.active) == ("editor", True)
    assert _db.session.scalars(sa.select(Invitation)).all() == []
    assert client.get(f"/o/{org.slug}/").status_code == 200
    actions = _db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.user_id == consultant.id))
    assert {"membership.create", "invitation.accept"} <= set(actions)


def test_declining_changes_nothing_but_the_invitation(client, org, consultant, invited):
    log_in(client, consultant)
    memberships_before = [(m.organisation_id, m.role) for m in consultant.memberships]
    response = client.post(f"/account/invitations/{invited.id}/decline")
    assert response.location == "/account/invitations"
    _db.session.expire_all()
    assert [(m.organisation_id, m.role) for m in consultant.memberships] == memberships_before
    assert _db.session.scalars(sa.select(Invitation)).all() == []
    assert client.get(f"/o/{org.slug}/").status_code == 404


def test_nobody_else_can_answer_an_invitation(app, client, org, make_user, consultant, invited):
    intruder = make_user("admin", org)
    _db.session.commit()
    log_in(client, intruder)
    before = snapshot()
    assert client.post(f"/account/invitations/{invited.id}/accept").status_code == 404
    assert client.post(f"/account/invitations/{invited.id}/decline").status_code == 404
    assert consultant.email not in client.get("/account/invitations").get_data(as_text=True)
    assert snapshot() == before


def test_the_own_organisation_keeps_its_reset_rights(client, login, org, other_org, consultant, invited):
    """An invitation neither joins nor locks the account: its own administrators may still reset it."""
    login("admin", other_org)
    own = _db.session.scalar(sa.select(Membership).where(Membership.user_id == consultant.id))
    response = client.post(
        f"/o/{other_org.slug}/members/{own.id}/password", data={"temporary_password": "reset-by-home-1"}
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert consultant.must_change_password


def test_the_inviting_admin_cannot_reset_or_see_the_account(client, login, org, consultant, invited):
    admin_client = fresh_client(client.application)
    admin = factories.user(password=PASSWORD)
    factories.membership(admin, org, "admin")
    _db.session.commit()
    log_in(admin_client, admin)
    page = admin_client.get(f"/o/{org.slug}/members/").get_data(as_text=True)
    assert consultant.name not in page
    own = _db.session.scalar(sa.select(Membership).where(Membership.user_id == consultant.id))
    response = admin_client.post(
        f"/o/{org.slug}/members/{own.id}/password", data={"temporary_password": "x" * 9}
    )
    assert response.status_code == 404


def test_inviting_again_changes_the_role_of_the_one_invitation(client, login, org, consultant, invited):
    login("admin")
    form = {"email": consultant.email, "name": "x", "role": "viewer", "temporary_password": TEMPORARY}
    client.post(f"/o/{org.slug}/members/", data=form)
    (invitation,) = _db.session.scalars(sa.select(Invitation)).all()
    assert (invitation.id, invitation.role) == (invited.id, "viewer")


def test_an_admin_withdraws_an_invitation(client, login, org, consultant, invited):
    login("admin")
    response = client.post(f"/o/{org.slug}/members/invitations/{invited.id}/withdraw")
    assert response.status_code == 302
    assert _db.session.scalars(sa.select(Invitation)).all() == []
    other_client = fresh_client(client.application)
    assert log_in(other_client, consultant).location == "/"


def test_an_admin_of_another_organisation_cannot_withdraw_it(client, login, other_org, invited):
    login("admin", other_org)
    response = client.post(f"/o/{other_org.slug}/members/invitations/{invited.id}/withdraw")
    assert response.status_code == 404
    assert _db.session.get(Invitation, invited.id) is not None
