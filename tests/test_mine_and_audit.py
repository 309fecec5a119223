"""The "Mine" page and the administrators' audit log (filters, pages, before → after).

Users log in with English as their language so texts can be checked whatever the Danish catalogue says.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import ActionPlanUpdate, AuditEvent
from strategitracker.services import audit as audit_log
from tests import factories
from tests.conftest import PASSWORD
from tests.support import fresh_client
from tests.test_authorization_matrix import snapshot

# -- Mine ------------------------------------------------------------------------------------------------


@pytest.fixture
def goal(org):
    return factories.goal(factories.strategy(org), title="Bedre erhvervsklima")


def test_mine_lists_what_the_user_is_responsible_for(client, login, org, other_org, goal, make_user):
    me = login("editor", locale="en")
    other = make_user("editor", org)
    today = date.today()
    long_ago = datetime.now(UTC) - timedelta(days=90)
    factories.action_plan(
        goal, title="Min forsinkede plan", owner_user_id=me.id, due_date=today - timedelta(1)
    )
    quiet = factories.action_plan(goal, title="Min stille plan", owner_user_id=me.id, created_at=long_ago)
    _db.session.add(
        ActionPlanUpdate(action_plan=quiet, new_status="not_started", progress=0, created_at=long_ago)
    )
    factories.action_plan(goal, title="Min afsluttede plan", owner_user_id=me.id, status="done", progress=100)
    factories.action_plan(goal, title="Andres plan", owner_user_id=other.id)
    factories.action_plan(goal, title="Arkiveret plan", owner_user_id=me.id, archived_at=datetime.now(UTC))
    factories.action_plan(
        factories.goal(factories.strategy(other_org)), title="Fremmed plan", owner_user_id=me.id
    )
    kpi = factories.kpi(goal, name="Mit nøgletal uden målinger", owner_user_id=me.id)
    factories.kpi(goal, name="Andres nøgletal", owner_user_id=other.id)
    _db.session.commit()

    response = client.get(f"/o/{org.slug}/mine")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in (
        "Min forsinkede plan",
        "Min stille plan",
        "Min afsluttede plan",
        "Mit nøgletal uden målinger",
    ):
        assert text in html, text
    for text in ("Andres plan", "Arkiveret plan", "Fremmed plan", "Andres nøgletal"):
        assert text not in html, text
    assert "1 action plan is overdue." in html
    assert "1 action plan has not been updated for 30 days." in html
    assert "1 KPI needs a new measurement." in html
    assert "Overdue" in html and "Update due" in html and "Measurement due" in html
    assert "Bedre erhvervsklima" in html
    assert kpi.name in html


def test_mine_explains_plans_a_viewer_is_responsible_for_but_may_not_update(client, login, org, goal):
    """Made responsible before a viewer could no longer be named (the rule now refuses it)."""
    me = login("viewer", locale="en")
    factories.action_plan(goal, title="Gammel plan", owner_user_id=me.id)
    html = client.get(f"/o/{org.slug}/mine").get_data(as_text=True)
    assert "Gammel plan" in html
    assert "your role may not report their progress" in html


def test_mine_does_not_explain_anything_to_an_editor(client, login, org, goal):
    me = login("editor", locale="en")
    factories.action_plan(goal, title="Min plan", owner_user_id=me.id)
    html = client.get(f"/o/{org.slug}/mine").get_data(as_text=True)
    assert "Min plan" in html and "your role may not report" not in html


def test_mine_when_nothing_is_owned(client, login, org):
    login("viewer", locale="en")
    html = client.get(f"/o/{org.slug}/mine").get_data(as_text=True)
    assert "Nothing is overdue or waiting for an update." in html
    assert "You are not responsible for any open action plans." in html
    assert "You are not responsible for any KPIs." in html


def test_navigation_has_mine_for_everyone_and_the_audit_log_for_admins(client, login, org):
    login("facilitator", locale="en")
    html = client.get(f"/o/{org.slug}/").get_data(as_text=True)
    assert f'href="/o/{org.slug}/mine"' in html
    assert f'href="/o/{org.slug}/audit"' not in html


def test_navigation_shows_the_audit_log_to_admins(client, login, org):
    login("admin", locale="en")
    html = client.get(f"/o/{org.slug}/").get_data(as_text=True)
    assert f'href="/o/{org.slug}/audit"' in html


# -- audit log -------------------------------------------------------------------------------------------


def event(org, action, *, user=None, at=None, entity_type=None, entity_id=1, before=None, after=None):
    row = AuditEvent(
        organisation_id=org.id,
        user_id=user.id if user else None,
        action=action,
        entity_type=entity_type or action.split(".")[0],
        entity_id=entity_id,
        before=before,
        after=after,
        created_at=at or datetime.now(UTC),
    )
    _db.session.add(row)
    _db.session.flush()
    return row


def rows_in(html: str) -> list[str]:
    """The event codes of the log's rows (the page shows their words; the row keeps the code)."""
    return re.findall(r'<tr data-action="([^"]+)">', html)


def audit_url(org, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/o/{org.slug}/audit" + (f"?{query}" if query else "")


def test_audit_log_lists_the_organisations_events_newest_first(client, login, org, other_org, make_user):
    admin = login("admin", locale="en", name="Admin Alma")
    other_admin = make_user("admin", other_org)
    event(
        org,
        "action_plan.update",
        user=admin,
        at=datetime(2024, 5, 1, tzinfo=UTC),
        before={"status": "in_progress", "progress": 40},
        after={"status": "delayed", "progress": 40, "comment": "Mangler budget"},
    )
    event(org, "membership.role_change", user=admin, at=datetime(2024, 6, 1, tzinfo=UTC))
    event(other_org, "action_plan.archive", user=other_admin, at=datetime(2024, 7, 1, tzinfo=UTC))
    _db.session.commit()
    response = client.get(audit_url(org))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # the admin's own log-in just now is a member's sign-in; the other organisation's event is not shown
    assert rows_in(html) == ["auth.login", "membership.role_change", "action_plan.update"]
    assert "Admin Alma" in html and admin.email in html
    # words, not codes: the event, the fields and the statuses
    assert "<del>In progress</del>" in html and "<ins>Delayed</ins>" in html and "Mangler budget" in html
    assert "Action plan status updated" in html and "Role changed" in html
    assert "in_progress" not in html and "membership.role_change<" not in html
    [update_row] = [row for row in html.split("<tbody>")[1].split("<tr ") if "action_plan.update" in row]
    assert ">Status<" in update_row and ">Progress (%)<" not in update_row  # unchanged fields are left out


def test_audit_diff_shows_only_changed_fields():
    changes = audit_log.diff({"status": "in_progress", "progress": 40}, {"status": "delayed", "progress": 40})
    assert [(c.field, c.before, c.after) for c in changes] == [("status", "in_progress", "delayed")]
    created = audit_log.diff(None, {"title": "Ny"})
    assert [(c.field, c.before, c.after) for c in created] == [("title", None, "Ny")]
    removed = audit_log.diff({"archived_at": "2024-01-01"}, {})
    assert [(c.field, c.before, c.after) for c in removed] == [("archived_at", "2024-01-01", None)]


def test_audit_log_filters(client, login, org, make_user):
    admin = login("admin", locale="en")
    editor = make_user("editor", org)
    event(org, "action_plan.create", user=admin, at=datetime(2024, 1, 10, 12, tzinfo=UTC), entity_id=7)
    event(org, "action_plan.update", user=editor, at=datetime(2024, 2, 10, 12, tzinfo=UTC), entity_id=7)
    event(org, "action_plan.update", user=editor, at=datetime(2024, 3, 10, 12, tzinfo=UTC), entity_id=8)
    event(org, "kpi.create", user=admin, at=datetime(2024, 3, 15, 12, tzinfo=UTC), entity_id=7)
    event(org, "membership.role_change", user=admin, at=datetime(2024, 4, 10, 12, tzinfo=UTC))
    _db.session.commit()

    def shown(**args):
        response = client.get(audit_url(org, **args))
        assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
        return rows_in(response.get_data(as_text=True))

    assert shown(action="action_plan") == ["action_plan.update", "action_plan.update", "action_plan.create"]
    assert shown(action="action_plan.update") == ["action_plan.update", "action_plan.update"]
    assert shown(entity_type="kpi") == ["kpi.create"]
    assert shown(entity_type="action_plan", entity_id=7) == ["action_plan.update", "action_plan.create"]
    assert shown(user_id=editor.id) == ["action_plan.update", "action_plan.update"]
    assert shown(date_from="2024-02-01", date_to="2024-03-10") == ["action_plan.update", "action_plan.update"]
    assert shown(date_to="2024-01-31") == ["action_plan.create"]
    assert shown(action="action_plan", user_id=admin.id) == ["action_plan.create"]
    # a prefix is matched literally: "_" is no wildcard
    assert shown(action="action%plan") == []


def test_the_filter_offers_the_organisations_own_values(client, login, org, other_org, make_user):
    admin = login("admin", locale="en", name="Admin Alma")
    stranger = make_user("admin", other_org, name="Fremmed Frede")
    event(org, "action_plan.update", user=admin)
    event(other_org, "strategy.publish", user=stranger)
    _db.session.commit()
    html = client.get(audit_url(org)).get_data(as_text=True)
    assert '<option value="action_plan">Action plan: every event</option>' in html
    assert '<option value="action_plan.update">Action plan status updated</option>' in html
    assert "strategy.publish" not in html and "Fremmed Frede" not in html
    for label in ("Action", "Entity", "User", "From", "To"):
        assert f">{label}</label>" in html


@pytest.mark.parametrize(
    "args, message",
    [
        ({"date_from": "yesterday"}, "Not a valid date value."),
        (
            {"date_from": "2024-05-01", "date_to": "2024-04-01"},
            "The end date cannot be before the start date.",
        ),
        ({"user_id": "999999"}, "Not a valid choice."),
        ({"entity_id": "seven"}, "Not a valid integer value."),
    ],
)
def test_a_bad_filter_says_what_is_wrong(client, login, org, args, message):
    login("admin", locale="en")
    before = snapshot()
    response = client.get(audit_url(org, **args))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "The filter is not valid" in html
    assert snapshot() == before


def test_audit_log_pages_by_fifty(client, login, org):
    admin = login("admin", locale="en")
    _db.session.execute(sa.delete(AuditEvent))  # the log-in: only the events made here are counted
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(120):
        event(
            org,
            "kpi.update" if n % 2 else "goal.update",
            user=admin,
            at=start + timedelta(hours=n),
            entity_id=n,
        )
    _db.session.commit()
    first = client.get(audit_url(org)).get_data(as_text=True)
    assert len(rows_in(first)) == 50
    assert "Showing 1–50 of 120 events." in first and "Page 1 of 3" in first
    assert f'href="/o/{org.slug}/audit?page=2"' in first
    last = client.get(audit_url(org, page=3)).get_data(as_text=True)
    assert len(rows_in(last)) == 20 and re.search(r"<td>Goal 0\s", last)  # no such goal: kind and number
    # beyond the last page: the last page; filters are kept in the page links
    assert len(rows_in(client.get(audit_url(org, page=99)).get_data(as_text=True))) == 20
    filtered = client.get(audit_url(org, action="kpi")).get_data(as_text=True)
    assert "Showing 1–50 of 60 events." in filtered
    assert f'href="/o/{org.slug}/audit?page=2&amp;action=kpi"' in filtered


def test_audit_log_is_for_admins_only(client, login, org):
    login("facilitator")
    assert client.get(audit_url(org)).status_code == 403


def test_audit_events_page_service_counts_and_clamps(db, org):
    for n in range(3):
        event(org, "goal.update", at=datetime(2024, 1, 1 + n, tzinfo=UTC))
    result = audit_log.events_page(org, audit_log.AuditFilter(), page=5, per_page=2)
    assert (result.total, result.page, result.pages, len(result.rows)) == (3, 2, 2, 1)
    assert (result.first_index, result.last_index, result.has_next, result.has_previous) == (
        3,
        3,
        False,
        True,
    )
    empty = audit_log.events_page(org, audit_log.AuditFilter(action="nothing"))
    assert (empty.total, empty.page, empty.pages, empty.rows) == (0, 1, 1, [])


# -- sign-ins ----------------------------------------------------------------------------------------------


def sign_in(client, email: str, password: str) -> None:
    client.post("/login", data={"email": email, "password": password})


def test_admins_see_their_members_log_ins_and_failed_log_ins(app, client, login, org, other_org, make_user):
    member = make_user("editor", org, email="medlem@example.org")
    outsider = make_user("editor", other_org, email="ude@example.org")
    _db.session.commit()
    sign_in(fresh_client(app), member.email, PASSWORD)
    other = fresh_client(app)
    sign_in(other, member.email, "forkert")
    sign_in(other, outsider.email, PASSWORD)
    sign_in(fresh_client(app), "ukendt@example.org", "forkert")
    admin = login("admin", locale="en")
    html = client.get(audit_url(org, action="auth")).get_data(as_text=True)
    rows = html.split("<tbody>")[1]
    assert (
        "medlem@example.org" in rows and 'data-action="auth.login_failed"' in rows and "Failed log-in" in rows
    )
    assert "ude@example.org" not in rows and "ukendt@example.org" not in rows
    events = audit_log.events_page(org, audit_log.AuditFilter(action="auth")).rows
    assert [(row.event.action, row.user.email) for row in events] == [
        ("auth.login", admin.email),  # the admin's own, just now
        ("auth.login_failed", member.email),
        ("auth.login", member.email),
    ]


def test_superusers_see_every_sign_in_in_the_site_wide_log(app, client, login, org, make_user):
    _db.session.commit()
    sign_in(fresh_client(app), "ukendt@example.org", "forkert")
    event(org, "action_plan.update")  # an organisation's event is not site-wide
    _db.session.commit()
    login("superuser", locale="en")
    response = client.get("/admin/audit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Site-wide audit log" in html and "ukendt@example.org" in html
    assert "action_plan.update" not in html
    assert client.get("/admin/audit?action=auth.login_failed").status_code == 200
