"""Member administration by an organisation's administrators, and organisations created by superusers."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, Invitation, Membership, Organisation, User
from tests import factories
from tests.conftest import PASSWORD
from tests.support import fresh_client
from tests.test_authorization_matrix import snapshot

TEMPORARY = "temporary-password-1"
LAST_ADMIN = "The organisation must keep at least one active administrator."
OTHER_ORGS = "The user also belongs to other organisations; only a superuser can reset the password."


@pytest.fixture
def admin(login):
    return login("admin", locale="en")  # the messages are checked in English


@pytest.fixture
def viewer(make_user, org) -> Membership:
    user = make_user("viewer", org)
    _db.session.commit()
    return user.memberships[0]


def members_url(org, *parts) -> str:
    return "/".join([f"/o/{org.slug}/members", *map(str, parts)])


def audit_actions() -> list[str]:
    _db.session.expire_all()
    return list(_db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def audit_events(action: str) -> list[AuditEvent]:
    _db.session.expire_all()
    return list(_db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def user_by_email(email: str) -> User | None:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(User).where(User.email == email))


def flashed(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


# --- the list and invitations -------------------------------------------------------------------------------


def test_admin_sees_the_members(client, org, admin, viewer):
    html = client.get(members_url(org, "")).get_data(as_text=True)
    assert admin.email in html and viewer.user.email in html


def test_each_members_role_is_selected_in_their_role_menu(client, org, admin, viewer):
    html = client.get(members_url(org, "")).get_data(as_text=True)
    menus = dict(re.findall(r'<select[^>]*id="role-(\d+)"[^>]*>(.*?)</select>', html, re.S))
    selected = {
        int(key): re.findall(r'<option value="(\w+)" selected>', options) for key, options in menus.items()
    }
    assert selected == {viewer.id: ["viewer"], _membership_id(org, admin): ["admin"]}
    assert all(len(re.findall(r"<option ", options)) == 4 for options in menus.values())


def _membership_id(org, user) -> int:
    return _db.session.scalar(
        sa.select(Membership.id).where(Membership.organisation_id == org.id, Membership.user_id == user.id)
    )


def invite(client, org, email, role="editor", name="Ny Bruger", password=TEMPORARY):
    form = {"email": email, "name": name, "role": role, "temporary_password": password}
    return client.post(members_url(org, ""), data=form)


def answer_shown(client, response) -> tuple:
    """What the admin learns: the status, where the answer leads, the messages and the page shown next."""
    page = client.get(response.location).get_data(as_text=True)
    page = re.sub(r'name="csrf_token" value="[^"]*"', "", page)
    return response.status_code, response.location, flashed_after(page)


def flashed_after(page: str) -> str:
    return " ".join(re.findall(r'<div class="alert[^>]*>(.*?)</div>', page, re.S))


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client, org, other_org, admin, make_user
):
    consultant = make_user("facilitator", other_org, email="konsulent@example.org", name="Kendt Konsulent")
    _db.session.commit()
    status, location, message = answer_shown(client, invite(client, org, "konsulent@example.org"))
    assert (status, location) == (302, members_url(org, ""))
    assert "invitation" in message.lower() and "konsulent@example.org" in message
    unknown = answer_shown(client, invite(client, org, "ukendt@example.org"))
    assert unknown == (status, location, message.replace("konsulent@", "ukendt@"))
    page = client.get(members_url(org, "")).get_data(as_text=True)
    assert "Kendt Konsulent" not in page  # the account's name is not revealed
    rows = re.findall(r"<tr>\s*<td>([^<]*@example.org)</td>\s*<td>([^<]*)</td>", page)
    assert ("konsulent@example.org", "Editor (management)") in rows
    assert ("ukendt@example.org", "Editor (management)") in rows
    # nobody became a member, and the consultant's own account is untouched
    _db.session.expire_all()
    assert [m.organisation_id for m in consultant.memberships] == [other_org.id]
    assert not consultant.must_change_password
    assert user_by_email("ukendt@example.org").memberships == []
    assert [e.after["email"] for e in audit_events("invitation.create")] == [
        "konsulent@example.org",
        "ukendt@example.org",
    ]


def test_a_new_address_logs_in_with_the_temporary_password_and_accepts(client, org, admin):
    response = invite(client, org, "Ny.Bruger@Example.org")
    assert response.status_code == 302
    user = user_by_email("ny.bruger@example.org")
    assert user is not None and user.must_change_password
    assert check_password_hash(user.password_hash, TEMPORARY)
    assert [e.user_id for e in audit_events("user.create")] == [admin.id]

    client.post("/logout")
    response = client.post("/login", data={"email": "ny.bruger@example.org", "password": TEMPORARY})
    assert response.location == "/account/password"
    new = "a-brand-new-passphrase"
    response = client.post(
        "/account/password", data={"current_password": TEMPORARY, "new_password": new, "confirm": new}
    )
    assert response.location == "/account/invitations"
    assert "Testkommune" in client.get("/account/invitations").get_data(as_text=True)
    (invitation,) = _db.session.scalars(sa.select(Invitation)).all()
    response = client.post(f"/account/invitations/{invitation.id}/accept")
    assert response.location == f"/o/{org.slug}/"
    _db.session.expire_all()
    (membership,) = user.memberships
    assert (membership.organisation_id, membership.role, membership.active) == (org.id, "editor", True)
    assert client.get(f"/o/{org.slug}/").status_code == 200


@pytest.mark.parametrize(
    "form, message",
    [
        (
            {"email": "new@example.org", "name": "New", "role": "viewer"},
            "temporary_password-error",
        ),
        (
            {"email": "new@example.org", "name": "New", "role": "viewer", "temporary_password": "short"},
            "at least 8",
        ),
        (
            {"email": "not-an-email", "name": "New", "role": "viewer", "temporary_password": TEMPORARY},
            "email-error",
        ),
        (
            {"email": "new@example.org", "name": "", "role": "viewer", "temporary_password": TEMPORARY},
            "name-error",
        ),
        (
            {"email": "new@example.org", "name": "New", "role": "emperor", "temporary_password": TEMPORARY},
            "role-error",
        ),
    ],
)
def test_invite_refuses_bad_input(client, org, admin, form, message):
    before = snapshot()
    response = client.post(members_url(org, ""), data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_invite_refuses_an_existing_member(client, org, admin, viewer):
    before = snapshot()
    response = invite(client, org, viewer.user.email, role="admin")
    assert response.status_code == 400
    assert "is already a member of" in response.get_data(as_text=True)
    assert snapshot() == before


# --- roles --------------------------------------------------------------------------------------------------


def test_change_role(client, org, admin, viewer):
    response = client.post(members_url(org, viewer.id, "role"), data={"role": "facilitator"})
    assert response.location == members_url(org, "")
    _db.session.expire_all()
    assert viewer.role == "facilitator"
    (event,) = audit_events("membership.role_change")
    assert (event.user_id, event.organisation_id, event.entity_id) == (admin.id, org.id, viewer.id)
    assert event.before == {"role": "viewer"}
    assert event.after == {"role": "facilitator", "user": viewer.user.email}


def test_change_role_refuses_an_unknown_role(client, org, admin, viewer):
    before = snapshot()
    response = client.post(members_url(org, viewer.id, "role"), data={"role": "emperor"})
    assert response.location == members_url(org, "")
    assert flashed(client) == ["Choose a valid role."]
    assert snapshot() == before


def test_role_change_takes_effect_at_once(client, org, make_user, login):
    editor = login("editor")
    assert client.get(members_url(org, "")).status_code == 403
    editor.memberships[0].role = "admin"
    _db.session.commit()
    assert client.get(members_url(org, "")).status_code == 200


def test_last_admin_cannot_be_demoted(client, org, admin):
    membership = admin.memberships[0]
    before = snapshot()
    response = client.post(members_url(org, membership.id, "role"), data={"role": "viewer"})
    assert response.location == members_url(org, "")
    assert flashed(client) == [LAST_ADMIN]
    assert snapshot() == before
    page = client.get(response.location).get_data(as_text=True)
    assert LAST_ADMIN in page


def test_last_admin_cannot_be_deactivated(client, org, admin):
    membership = admin.memberships[0]
    before = snapshot()
    client.post(members_url(org, membership.id, "deactivate"))
    assert flashed(client) == [LAST_ADMIN]
    assert snapshot() == before


def test_last_admin_rule_counts_only_active_admins(client, org, admin, make_user):
    deactivated = make_user("admin", org).memberships[0]
    deactivated.active = False
    make_user("admin", org, active=False)  # an admin whose account is closed
    _db.session.commit()
    before = snapshot()
    client.post(members_url(org, admin.memberships[0].id, "role"), data={"role": "editor"})
    assert flashed(client) == [LAST_ADMIN]
    assert snapshot() == before


def test_superuser_cannot_remove_the_last_admin_either(client, org, make_user, login):
    last = make_user("admin", org).memberships[0]
    _db.session.commit()
    login("superuser")
    before = snapshot()
    client.post(members_url(org, last.id, "deactivate"))
    client.post(members_url(org, last.id, "role"), data={"role": "viewer"})
    assert snapshot() == before


def test_an_admin_may_step_down_when_another_admin_remains(client, org, admin, make_user):
    make_user("admin", org)
    _db.session.commit()
    membership = admin.memberships[0]
    client.post(members_url(org, membership.id, "role"), data={"role": "editor"})
    _db.session.expire_all()
    assert membership.role == "editor"
    assert client.get(members_url(org, "")).status_code == 403


# --- deactivation -------------------------------------------------------------------------------------------


def test_deactivate_and_reactivate(client, org, admin, viewer):
    member_client = fresh_client(client.application)
    member_client.post("/login", data={"email": viewer.user.email, "password": PASSWORD})
    assert member_client.get(f"/o/{org.slug}/").status_code == 200

    assert client.post(members_url(org, viewer.id, "deactivate")).location == members_url(org, "")
    _db.session.expire_all()
    assert viewer.active is False
    assert member_client.get(f"/o/{org.slug}/").location.startswith("/login")  # deactivation logs out
    (event,) = audit_events("membership.deactivate")
    assert (event.user_id, event.entity_id, event.before, event.after) == (
        admin.id,
        viewer.id,
        {"active": True},
        {"active": False, "user": viewer.user.email},
    )

    client.post(members_url(org, viewer.id, "activate"))
    _db.session.expire_all()
    assert viewer.active is True
    member_client.post("/login", data={"email": viewer.user.email, "password": PASSWORD})
    assert member_client.get(f"/o/{org.slug}/").status_code == 200
    assert [e.entity_id for e in audit_events("membership.activate")] == [viewer.id]


def test_deactivating_twice_changes_nothing(client, org, admin, viewer):
    client.post(members_url(org, viewer.id, "deactivate"))
    before = snapshot()
    client.post(members_url(org, viewer.id, "deactivate"))
    assert snapshot() == before


# --- password reset by an administrator ---------------------------------------------------------------------


def test_admin_sets_a_temporary_password(client, org, admin, viewer):
    response = client.post(members_url(org, viewer.id, "password"), data={"temporary_password": TEMPORARY})
    assert response.location == members_url(org, "")
    user = viewer.user
    _db.session.expire_all()
    assert user.must_change_password
    assert check_password_hash(user.password_hash, TEMPORARY)
    (event,) = audit_events("user.password_reset")
    assert (event.user_id, event.entity_id, event.organisation_id) == (admin.id, user.id, org.id)

    member_client = fresh_client(client.application)
    assert member_client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    response = member_client.post("/login", data={"email": user.email, "password": TEMPORARY})
    assert response.location == "/account/password"


def test_password_reset_refuses_a_short_password(client, org, admin, viewer):
    before = snapshot()
    client.post(members_url(org, viewer.id, "password"), data={"temporary_password": "short"})
    assert flashed(client) == ["The temporary password must be at least 8 characters."]
    assert snapshot() == before


def test_password_reset_refuses_users_of_other_organisations(client, org, other_org, admin, viewer):
    factories.membership(viewer.user, other_org, "viewer", active=False)
    _db.session.commit()
    before = snapshot()
    client.post(members_url(org, viewer.id, "password"), data={"temporary_password": TEMPORARY})
    assert flashed(client) == [OTHER_ORGS]
    assert snapshot() == before


def test_password_reset_refuses_a_superuser_account(client, org, admin, make_user):
    superuser = make_user(is_superuser=True)
    membership = factories.membership(superuser, org, "viewer")
    _db.session.commit()
    before = snapshot()
    client.post(members_url(org, membership.id, "password"), data={"temporary_password": TEMPORARY})
    assert flashed(client) == [OTHER_ORGS]
    assert snapshot() == before


def test_superuser_may_reset_a_user_of_several_organisations(client, org, other_org, viewer, login):
    factories.membership(viewer.user, other_org, "editor")
    superuser = login("superuser")
    client.post(members_url(org, viewer.id, "password"), data={"temporary_password": TEMPORARY})
    _db.session.expire_all()
    assert check_password_hash(viewer.user.password_hash, TEMPORARY)
    assert [e.user_id for e in audit_events("user.password_reset")] == [superuser.id]


# --- another organisation's members -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, form",
    [
        ("role", {"role": "admin"}),
        ("deactivate", {}),
        ("activate", {}),
        ("password", {"temporary_password": TEMPORARY}),
    ],
)
@pytest.mark.parametrize("actor", ["admin", "superuser"])
def test_members_of_another_organisation_are_out_of_reach(
    client, org, other_org, make_user, login, action, form, actor
):
    """By id under this organisation's URL, or under the other one's URL: 404, and nothing changes."""
    stranger = make_user("viewer", other_org).memberships[0]
    if action == "activate":
        stranger.active = False
    login(actor)
    before = snapshot()
    assert client.post(members_url(org, stranger.id, action), data=form).status_code == 404
    if actor == "admin":
        assert client.post(members_url(other_org, stranger.id, action), data=form).status_code == 404
        assert client.get(members_url(other_org, "")).status_code == 404
        invite = {"email": "x@example.org", "name": "X", "role": "admin", "temporary_password": TEMPORARY}
        assert client.post(members_url(other_org, ""), data=invite).status_code == 404
    assert snapshot() == before


def test_missing_membership_is_not_found(client, org, admin):
    assert client.post(members_url(org, 999999, "deactivate")).status_code == 404


# --- organisations (superusers) -----------------------------------------------------------------------------


def test_superuser_creates_an_organisation(client, login):
    superuser = login("superuser")
    response = client.post(
        "/admin/organisations",
        data={"slug": "thisted", "name": "Thisted Kommune", "municipality_code": "787"},
    )
    assert response.location == "/admin/organisations"
    _db.session.expire_all()
    created = _db.session.scalar(sa.select(Organisation).where(Organisation.slug == "thisted"))
    assert (created.name, created.municipality_code) == ("Thisted Kommune", 787)
    (event,) = audit_events("organisation.create")
    assert (event.user_id, event.organisation_id) == (superuser.id, created.id)
    assert "Thisted Kommune" in client.get("/admin/organisations").get_data(as_text=True)
    assert client.get("/o/thisted/").status_code == 200


@pytest.mark.parametrize(
    "form, message",
    [
        ({"slug": "Not A Slug", "name": "X"}, "Invalid short name"),
        ({"slug": "testkommune", "name": "X"}, "is already in use"),
        ({"slug": "ny", "name": "X", "municipality_code": "abc"}, "must be a number from 100 to 999"),
        ({"slug": "ny", "name": "X", "municipality_code": "99"}, "must be a number from 100 to 999"),
        ({"slug": "ny", "name": "X", "municipality_code": "999"}, "is already used by Testkommune"),
        ({"slug": "ny", "name": ""}, "name-error"),
    ],
)
def test_create_organisation_refuses_bad_input(client, org, login, form, message):
    login("superuser", locale="en")
    before = snapshot()
    response = client.post("/admin/organisations", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_organisation_admins_cannot_create_organisations(client, org, admin):
    before = snapshot()
    assert client.post("/admin/organisations", data={"slug": "ny", "name": "Ny"}).status_code == 403
    assert snapshot() == before


def test_member_changes_are_audited_in_order(client, org, admin, viewer):
    client.post(members_url(org, viewer.id, "role"), data={"role": "editor"})
    client.post(members_url(org, viewer.id, "deactivate"))
    client.post(members_url(org, viewer.id, "activate"))
    client.post(members_url(org, viewer.id, "password"), data={"temporary_password": TEMPORARY})
    assert audit_actions()[-4:] == [
        "membership.role_change",
        "membership.deactivate",
        "membership.activate",
        "user.password_reset",
    ]
