"""The action-plan page, status updates, and create/edit/archive/restore through the forms.

Users log in with English as their language so messages can be checked whatever the Danish catalogue says.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import ActionPlan, ActionPlanUpdate, AuditEvent
from tests import factories
from tests.test_authorization_matrix import snapshot


@pytest.fixture
def goal(org):
    strategy = factories.strategy(org, title="Vækst i Thy")
    return factories.goal(strategy, title="Bedre erhvervsklima")


@pytest.fixture
def department(org):
    return factories.department(org, name="Erhverv og Udvikling")


@pytest.fixture
def owner(make_user, org):
    return make_user("editor", org, name="Erhvervschef Ebbe", email="ebbe@example.org")


@pytest.fixture
def plan(db, goal, department, owner):
    plan = factories.action_plan(
        goal,
        title="Erhvervskontakten",
        description="Svar til virksomheder inden for 24 timer",
        owner="Erhvervschef",
        owner_user_id=owner.id,
        department_id=department.id,
        status="in_progress",
        start_date=date(2016, 1, 1),
        due_date=date.today() - timedelta(days=3),
        progress=60,
    )
    _db.session.add_all(
        [
            ActionPlanUpdate(
                action_plan=plan,
                author_name="Første Forfatter",
                new_status="not_started",
                progress=0,
                comment="Oprettet",
                created_at=datetime(2016, 1, 1, 9, tzinfo=UTC),
            ),
            ActionPlanUpdate(
                action_plan=plan,
                author_name="Anden Forfatter",
                old_status="not_started",
                new_status="in_progress",
                progress=60,
                comment="Hotline åbnet",
                created_at=datetime(2016, 3, 1, 9, tzinfo=UTC),
            ),
        ]
    )
    _db.session.commit()
    return plan


def page_url(org, plan) -> str:
    return f"/o/{org.slug}/action-plans/{plan.id}"


def version_in(html: str) -> int:
    return int(re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1))


def count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


# -- the page --------------------------------------------------------------------------------------------


def test_page_shows_the_plan_and_its_full_history(client, login, org, plan):
    login("viewer", locale="en")
    response = client.get(page_url(org, plan))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in (
        "Erhvervskontakten",
        "Bedre erhvervsklima",
        "Vækst i Thy",
        "Svar til virksomheder inden for 24 timer",
        "Erhvervschef",
        "Erhvervschef Ebbe",
        "Erhverv og Udvikling",
        "In progress",
        "Overdue",
        "60%",  # English writes % without a space
        "Due date",
        "Done on",
    ):
        assert text in html, text
    # newest first, with who, the status change and the comment
    assert html.index("Hotline åbnet") < html.index("Oprettet")
    assert "Anden Forfatter" in html and "Første Forfatter" in html
    # a viewer reads but gets no forms
    assert "/update" not in html and "/edit" not in html and "/archive" not in html


def test_page_is_not_overdue_when_done(client, login, org, goal):
    plan = factories.action_plan(
        goal, status="done", progress=100, done_on=date.today(), due_date=date(2020, 1, 1)
    )
    _db.session.commit()
    login("viewer", locale="en")
    html = client.get(page_url(org, plan)).get_data(as_text=True)
    assert "Overdue" not in html and "Done" in html


def test_editor_sees_the_update_form_facilitator_also_edit_and_archive(client, login, org, plan):
    login("editor", locale="en")
    html = client.get(page_url(org, plan)).get_data(as_text=True)
    assert f"/action-plans/{plan.id}/update" in html and version_in(html) == plan.version
    assert f"/action-plans/{plan.id}/edit" not in html


def test_facilitator_sees_edit_and_archive(client, login, org, plan):
    login("facilitator", locale="en")
    html = client.get(page_url(org, plan)).get_data(as_text=True)
    assert f"/action-plans/{plan.id}/edit" in html and f"/action-plans/{plan.id}/archive" in html


def test_another_organisations_plan_is_not_found(client, login, org, other_org):
    foreign = factories.action_plan(factories.goal(factories.strategy(other_org)))
    _db.session.commit()
    login("admin")
    assert client.get(page_url(org, foreign)).status_code == 404


# -- status updates --------------------------------------------------------------------------------------


def post_update(client, org, plan, **data):
    values = {"status": "in_progress", "progress": "", "comment": "", "version": str(plan.version)}
    values.update(data)
    return client.post(f"/o/{org.slug}/action-plans/{plan.id}/update", data=values)


def test_editor_updates_status_progress_and_comment(client, login, org, plan):
    editor = login("editor", locale="en", name="Redaktør Rikke")
    response = post_update(client, org, plan, status="delayed", progress="65", comment="Mangler budget")
    assert response.status_code == 302 and response.location == page_url(org, plan)
    _db.session.expire_all()
    assert (plan.status, plan.progress, plan.version) == ("delayed", 65, 2)
    entry = _db.session.scalars(
        sa.select(ActionPlanUpdate)
        .where(ActionPlanUpdate.action_plan_id == plan.id)
        .order_by(ActionPlanUpdate.id.desc())
    ).first()
    assert (
        entry.author_id,
        entry.author_name,
        entry.old_status,
        entry.new_status,
        entry.progress,
        entry.comment,
    ) == (
        editor.id,
        "Redaktør Rikke",
        "in_progress",
        "delayed",
        65,
        "Mangler budget",
    )
    [event] = _db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "action_plan.update")
    ).all()
    assert (event.user_id, event.entity_id, event.organisation_id) == (editor.id, plan.id, org.id)
    html = client.get(response.location).get_data(as_text=True)
    assert "The action plan has been updated." in html and "Mangler budget" in html


def test_done_sets_done_on_and_full_progress(client, login, org, plan):
    login("editor", locale="en")
    done_on = date.today().isoformat()
    assert post_update(client, org, plan, status="done", done_on=done_on).status_code == 302
    _db.session.expire_all()
    assert (plan.status, plan.progress, plan.done_on) == ("done", 100, date.today())


@pytest.mark.parametrize(
    "data, message",
    [
        ({"status": "delayed", "comment": ""}, "A comment is required when the status is delayed"),
        ({"status": "delayed", "comment": "   "}, "A comment is required when the status is delayed"),
        ({"progress": "150"}, "Enter a whole number from 0 to 100."),
        ({"progress": "-1"}, "Enter a whole number from 0 to 100."),
        ({"progress": "lots"}, "Not a valid integer value."),
        ({"status": "finished"}, "Not a valid choice."),
        ({"version": ""}, "The form is incomplete"),
    ],
)
def test_bad_update_is_refused_and_changes_nothing(client, login, org, plan, data, message):
    login("editor", locale="en")
    before = snapshot()
    response = post_update(client, org, plan, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_update_of_an_archived_plan_is_refused(client, login, org, plan):
    plan.archived_at = datetime.now(UTC)
    _db.session.commit()
    login("editor", locale="en")
    before = snapshot()
    response = post_update(client, org, plan, comment="x")
    assert response.status_code == 400
    assert "restore it before changing it" in response.get_data(as_text=True)
    assert snapshot() == before


def test_viewer_cannot_update(client, login, org, plan):
    login("viewer")
    before = snapshot()
    assert post_update(client, org, plan, comment="x").status_code == 403
    assert snapshot() == before


# -- create ----------------------------------------------------------------------------------------------


def new_url(org, goal) -> str:
    return f"/o/{org.slug}/goals/{goal.id}/action-plans/new"


def plan_form(**data):
    values = {
        "title": "Dialogkursus for medarbejdere",
        "description": "Kursus i god dialog med virksomheder",
        "owner": "HR-chef",
        "owner_user_id": "",
        "department_id": "",
        "status": "not_started",
        "start_date": "2016-02-01",
        "due_date": "2016-11-30",
        "progress": "0",
        "comment": "",
    }
    values.update(data)
    return values


def test_new_form_offers_the_organisations_members_and_departments(
    client, login, org, other_org, goal, owner, department
):
    factories.department(other_org, name="Fremmed Forvaltning")
    _db.session.commit()
    login("facilitator", locale="en")
    response = client.get(new_url(org, goal))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Erhvervschef Ebbe" in html and "Erhverv og Udvikling" in html
    assert "Fremmed Forvaltning" not in html
    for label in ("Title", "Responsible (role)", "Responsible person", "Department", "Start", "Due date"):
        assert f">{label}</label>" in html, label


def test_create_with_valid_input(client, login, org, goal, owner, department):
    actor = login("facilitator", locale="en")
    response = client.post(
        new_url(org, goal),
        data=plan_form(owner_user_id=str(owner.id), department_id=str(department.id), progress="5"),
    )
    assert response.status_code == 302
    plan = _db.session.scalars(
        sa.select(ActionPlan).where(ActionPlan.title == "Dialogkursus for medarbejdere")
    ).one()
    assert response.location == page_url(org, plan)
    assert (plan.goal_id, plan.owner_user_id, plan.department_id, plan.owner, plan.progress) == (
        goal.id,
        owner.id,
        department.id,
        "HR-chef",
        5,
    )
    assert (plan.start_date, plan.due_date) == (date(2016, 2, 1), date(2016, 11, 30))
    [event] = _db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "action_plan.create")
    ).all()
    assert (event.user_id, event.entity_id) == (actor.id, plan.id)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": ""}, "This field is required."),
        (
            {"start_date": "2016-12-01", "due_date": "2016-11-30"},
            "The due date cannot be before the start date.",
        ),
        ({"due_date": "30-11-2016"}, "Not a valid date value."),
        ({"progress": "101"}, "Enter a whole number from 0 to 100."),
        ({"progress": ""}, "Enter a whole number from 0 to 100."),
        ({"status": "delayed"}, "A comment is required when the status is delayed"),
        ({"status": "bogus"}, "Not a valid choice."),
        ({"title": "x" * 301}, "Field cannot be longer than 300 characters."),
    ],
)
def test_create_with_bad_input_changes_nothing(client, login, org, goal, data, message):
    login("facilitator", locale="en")
    before = snapshot()
    response = client.post(new_url(org, goal), data=plan_form(**data))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_create_refuses_another_organisations_department_and_people(
    client, login, org, other_org, goal, make_user
):
    foreign_department = factories.department(other_org)
    outsider = make_user("editor", other_org)
    archived = factories.department(org, archived_at=datetime.now(UTC))
    _db.session.commit()
    login("facilitator", locale="en")
    before = snapshot()
    for data, message in (
        ({"department_id": str(foreign_department.id)}, "Not a valid choice"),
        ({"department_id": str(archived.id)}, "Not a valid choice"),
        ({"owner_user_id": str(outsider.id)}, "The responsible person must be an active member"),
        ({"owner_user_id": "abc"}, "Invalid Choice"),
    ):
        response = client.post(new_url(org, goal), data=plan_form(**data))
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert snapshot() == before


def test_create_under_an_archived_goal_is_refused(client, login, org, goal):
    goal.archived_at = datetime.now(UTC)
    _db.session.commit()
    login("facilitator", locale="en")
    before = snapshot()
    response = client.post(new_url(org, goal), data=plan_form())
    assert response.status_code == 400
    assert "The goal is archived" in response.get_data(as_text=True)
    assert snapshot() == before


def test_editor_cannot_create(client, login, org, goal):
    login("editor")
    assert client.post(new_url(org, goal), data=plan_form()).status_code == 403
    assert count(ActionPlan) == 0


# -- edit ------------------------------------------------------------------------------------------------


def edit_url(org, plan) -> str:
    return f"/o/{org.slug}/action-plans/{plan.id}/edit"


def edit_form(plan, **data):
    values = plan_form(
        title=plan.title,
        description=plan.description,
        owner=plan.owner,
        owner_user_id=str(plan.owner_user_id or ""),
        department_id=str(plan.department_id or ""),
        status=plan.status,
        start_date=plan.start_date.isoformat() if plan.start_date else "",
        due_date=plan.due_date.isoformat() if plan.due_date else "",
        progress=str(plan.progress),
        version=str(plan.version),
    )
    values.update(data)
    return values


def test_edit_form_is_prefilled(client, login, org, plan):
    login("facilitator", locale="en")
    html = client.get(edit_url(org, plan)).get_data(as_text=True)
    assert 'value="Erhvervskontakten"' in html
    assert version_in(html) == plan.version
    assert re.search(rf'<option selected value="{plan.department_id}">', html)


def test_edit_with_valid_input(client, login, org, plan):
    actor = login("facilitator", locale="en")
    response = client.post(
        edit_url(org, plan), data=edit_form(plan, title="Erhvervskontakten 2.0", progress="80")
    )
    assert response.status_code == 302 and response.location == page_url(org, plan)
    _db.session.expire_all()
    assert (plan.title, plan.progress, plan.version) == ("Erhvervskontakten 2.0", 80, 2)
    [event] = _db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "action_plan.edit")).all()
    assert event.user_id == actor.id
    assert event.after["title"] == "Erhvervskontakten 2.0" and event.after["progress"] == 80


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "  "}, "This field is required."),
        ({"due_date": "2015-12-31"}, "The due date cannot be before the start date."),
        ({"status": "delayed"}, "A comment is required when the status is delayed"),
        ({"version": ""}, "The form is incomplete"),
    ],
)
def test_edit_with_bad_input_changes_nothing(client, login, org, plan, data, message):
    login("facilitator", locale="en")
    before = snapshot()
    response = client.post(edit_url(org, plan), data=edit_form(plan, **data))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_edit_keeps_a_former_member_as_owner(client, login, org, plan, owner):
    owner.memberships[0].active = False
    _db.session.commit()
    login("facilitator", locale="en")
    response = client.post(edit_url(org, plan), data=edit_form(plan, title="Ny titel"))
    assert response.status_code == 302
    _db.session.expire_all()
    assert plan.owner_user_id == owner.id


# -- archive / restore -----------------------------------------------------------------------------------


def test_archive_and_restore(client, login, org, plan):
    login("facilitator", locale="en")
    response = client.post(f"/o/{org.slug}/action-plans/{plan.id}/archive")
    assert response.status_code == 302
    _db.session.expire_all()
    assert plan.archived_at is not None
    html = client.get(page_url(org, plan)).get_data(as_text=True)
    assert "Archived" in html and f"/action-plans/{plan.id}/restore" in html
    assert f"/action-plans/{plan.id}/update" not in html
    response = client.post(f"/o/{org.slug}/action-plans/{plan.id}/restore")
    assert response.status_code == 302
    _db.session.expire_all()
    assert plan.archived_at is None
    actions = _db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.entity_type == "action_plan").order_by(AuditEvent.id)
    ).all()
    assert actions == ["action_plan.archive", "action_plan.restore"]


def test_restore_of_a_plan_that_is_not_archived_changes_nothing(client, login, org, plan):
    login("facilitator", locale="en")
    before = snapshot()
    response = client.post(f"/o/{org.slug}/action-plans/{plan.id}/restore", follow_redirects=True)
    assert "The action plan is not archived." in response.get_data(as_text=True)
    assert snapshot() == before


def test_editor_cannot_archive(client, login, org, plan):
    login("editor")
    assert client.post(f"/o/{org.slug}/action-plans/{plan.id}/archive").status_code == 403
    _db.session.expire_all()
    assert plan.archived_at is None
