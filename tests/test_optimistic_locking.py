"""Two people open the same action plan; the first saves, the second is refused (409) and loses nothing.

Each editor has their own browser (test client, with a fresh `flask.g` per request) and English as language.
"""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import ActionPlan, ActionPlanUpdate, AuditEvent
from strategitracker.services import action_plan as service
from tests import factories
from tests.conftest import PASSWORD
from tests.support import fresh_client
from tests.test_authorization_matrix import snapshot

CONFLICT = "Someone else updated this action plan while you were editing"


@pytest.fixture
def plan(db, org):
    plan = factories.action_plan(
        factories.goal(factories.strategy(org)),
        title="Erhvervskontakten",
        status="in_progress",
        progress=20,
        start_date=date(2016, 1, 1),
        due_date=date(2030, 12, 31),
    )
    _db.session.commit()
    return plan


def browser(app, make_user, org, role: str, name: str):
    user = make_user(role, org, name=name, locale="en")
    _db.session.commit()
    client = fresh_client(app)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def version_in(html: str) -> int:
    return int(re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1))


def updates_of(plan) -> list[ActionPlanUpdate]:
    return list(
        _db.session.scalars(sa.select(ActionPlanUpdate).where(ActionPlanUpdate.action_plan_id == plan.id))
    )


def test_second_status_update_is_refused_and_keeps_the_input(app, make_user, org, plan):
    page = f"/o/{org.slug}/action-plans/{plan.id}"
    anna = browser(app, make_user, org, "editor", "Editor Anna")
    bo = browser(app, make_user, org, "editor", "Editor Bo")
    anna_version = version_in(anna.get(page).get_data(as_text=True))
    bo_version = version_in(bo.get(page).get_data(as_text=True))
    assert anna_version == bo_version == 1

    first = anna.post(
        f"{page}/update",
        data={"status": "in_progress", "progress": "55", "comment": "Annas status", "version": anna_version},
    )
    assert first.status_code == 302

    second = bo.post(
        f"{page}/update",
        data={
            "status": "delayed",
            "progress": "25",
            "comment": "Bos vigtige forklaring",
            "version": bo_version,
        },
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert CONFLICT in html and "your changes were not saved" in html
    # the current values are shown: Anna's update is on the page (progress 55 %, her comment in the history)
    assert "55%" in html and "Annas status" in html and "Editor Anna" in html
    # Bo's own input is kept in the form, now on the current version so he can save again on purpose
    assert re.search(r"<textarea[^>]*>\s*Bos vigtige forklaring</textarea>", html)
    assert re.search(r'<option selected value="delayed">', html)
    assert version_in(html) == 2

    _db.session.expire_all()
    assert (plan.status, plan.progress, plan.version) == ("in_progress", 55, 2)
    assert [(u.author_name, u.comment) for u in updates_of(plan)] == [("Editor Anna", "Annas status")]
    assert (
        _db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "action_plan.update")
        )
        == 1
    )

    # re-sending the kept input after reading the current values is accepted
    again = bo.post(
        f"{page}/update",
        data={
            "status": "delayed",
            "progress": "25",
            "comment": "Bos vigtige forklaring",
            "version": version_in(html),
        },
    )
    assert again.status_code == 302
    _db.session.expire_all()
    assert (plan.status, plan.progress, plan.version) == ("delayed", 25, 3)
    assert len(updates_of(plan)) == 2


def test_second_edit_is_refused_and_keeps_the_input(app, make_user, org, plan):
    edit = f"/o/{org.slug}/action-plans/{plan.id}/edit"
    carl = browser(app, make_user, org, "facilitator", "Facilitator Carl")
    dora = browser(app, make_user, org, "facilitator", "Facilitator Dora")
    carl_version = version_in(carl.get(edit).get_data(as_text=True))
    dora_version = version_in(dora.get(edit).get_data(as_text=True))

    def form(version, **data):
        values = {
            "title": "Erhvervskontakten",
            "description": "",
            "owner": "",
            "owner_user_id": "",
            "department_id": "",
            "status": "in_progress",
            "start_date": "2016-01-01",
            "due_date": "2030-12-31",
            "progress": "20",
            "comment": "",
            "version": version,
        }
        return values | data

    assert carl.post(edit, data=form(carl_version, title="Carls titel")).status_code == 302
    before = snapshot()
    second = dora.post(edit, data=form(dora_version, title="Doras titel", owner="Doras ansvarlige"))
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert CONFLICT in html
    assert "Carls titel" in html  # the current values
    assert 'value="Doras titel"' in html and 'value="Doras ansvarlige"' in html  # her input, kept
    assert version_in(html) == 2
    assert snapshot() == before
    _db.session.expire_all()
    assert plan.title == "Carls titel"


def test_a_write_that_slips_in_before_the_save_is_caught_at_the_database(
    app, make_user, org, plan, monkeypatch
):
    """The version check passes, but another transaction writes before our UPDATE: StaleDataError → 409."""
    page = f"/o/{org.slug}/action-plans/{plan.id}"
    editor = browser(app, make_user, org, "editor", "Editor Eva")
    version = version_in(editor.get(page).get_data(as_text=True))
    original = service.record_update

    def racing(plan_obj: ActionPlan, **kwargs):
        table = ActionPlan.__table__
        _db.session.execute(
            sa.update(table).where(table.c.id == plan_obj.id).values(version=table.c.version + 1, progress=77)
        )
        return original(plan_obj, **kwargs)

    monkeypatch.setattr(service, "record_update", racing)
    response = editor.post(
        f"{page}/update",
        data={
            "status": "done",
            "progress": "",
            "comment": "Evas kommentar",
            "version": version,
            "done_on": "2024-01-01",
        },
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert CONFLICT in html and "Evas kommentar" in html
    _db.session.expire_all()
    # the racing write was rolled back with ours in this test's transaction; nothing of ours is stored
    assert plan.status == "in_progress"
    assert updates_of(plan) == []
