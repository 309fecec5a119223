"""One home for each rule: the form, the service and the import refuse the same input with the same message.

For each rule, the same bad input goes through the web form (as a logged-in user), the service (as code
would call it) and the file import; all three must refuse it, write nothing, and say the same words.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import date

import pytest
from flask_babel import force_locale

from strategitracker.models import KPI, Goal, User
from strategitracker.services import ServiceError, imports
from strategitracker.services import action_plan as plan_service
from strategitracker.services import kpi as kpi_service
from tests import factories
from tests.test_authorization_matrix import snapshot

FUTURE = "2099-01-01"


@dataclass
class World:
    org_slug: str
    org: object
    goal: Goal
    kpi: KPI
    actor: User
    outsider: User
    viewer: User


@pytest.fixture
def world(org, other_org, login, make_user) -> World:
    goal = factories.goal(factories.strategy(org), title="Flere virksomheder")
    kpi = factories.kpi(goal, name="Nye virksomheder", kind="number", frequency="yearly")
    outsider = make_user("facilitator", other_org, email="ude@example.org")
    viewer = make_user("viewer", org, email="laeser@example.org")
    actor = login("facilitator", locale="en")
    return World(org.slug, org, goal, kpi, actor, outsider, viewer)


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode()


def imported(world: World, kind: str, rows: list[list[str]]) -> list[str]:
    with force_locale("en"):
        prepared = imports.prepare(
            kind, to_csv(rows), "data.csv", org=world.org, actor=world.actor, role=None
        )
    return [problem.message for problem in prepared.problems]


def served(call) -> str:
    with force_locale("en"), pytest.raises(ServiceError) as refused:
        call()
    return str(refused.value)


def posted(client, path: str, data: dict) -> str:
    response = client.post(path, data=data)
    assert response.status_code == 400
    return html.unescape(response.get_data(as_text=True))


# --- the inputs, one rule each ----------------------------------------------------------------------------


def create_plan(world: World, **kw):
    """What the service is asked: a new action plan under the goal with these fields."""
    fields = plan_service.ActionPlanFields(**{"title": "Dialogkursus", "status": "not_started", **kw})
    return lambda: plan_service.create_action_plan(world.goal, fields, actor=world.actor, today=date.today())


PLAN_FORM = {"title": "Dialogkursus", "owner_user_id": "", "department_id": "", "status": "not_started"}
PLAN_FILE = ["Handleplan", "Mål", "Status", "Fremdrift", "Afsluttet den", "Note", "Ansvarlig e-mail"]


LONG_COMMENT = "Dialog " * 714 + "abc"  # 5,001 characters


def plan_row(world: World, status="Ikke startet", progress="", done_on="", note="", email="") -> list[str]:
    return ["Dialogkursus", world.goal.title, status, progress, done_on, note, email]


RULES = {
    "a measurement period after the current one": (
        "The period Jan 1, 2099 lies in a year that has not begun yet.",
        lambda w: (
            f"/o/{w.org_slug}/kpis/{w.kpi.id}/measurements",
            {"measurement-period": FUTURE, "measurement-value": "5"},
        ),
        lambda w: lambda: kpi_service.add_measurement(w.kpi, date(2099, 1, 1), 5, actor=w.actor),
        lambda w: ("measurements", [["Nøgletal", "Periode", "Værdi"], [w.kpi.name, FUTURE, "5"]]),
    ),
    "done with less than 100 %": (
        "A done action plan has progress 100: set the progress to 100, or choose another status (e.g. in "
        "progress).",
        lambda w: (None, PLAN_FORM | {"status": "done", "progress": "60", "done_on": "2020-01-01"}),
        lambda w: create_plan(w, status="done", progress=60, done_on=date(2020, 1, 1)),
        lambda w: ("action-plans", [PLAN_FILE, plan_row(w, "Afsluttet", "60", "2020-01-01")]),
    ),
    "done without a done-on date": (
        "Give the date the action plan was done.",
        lambda w: (None, PLAN_FORM | {"status": "done", "progress": "100", "done_on": ""}),
        lambda w: create_plan(w, status="done", progress=100),
        lambda w: ("action-plans", [PLAN_FILE, plan_row(w, "Afsluttet", "100")]),
    ),
    "delayed without a note": (
        "A comment is required when the status is delayed: explain why and what happens next.",
        lambda w: (None, PLAN_FORM | {"status": "delayed", "progress": "10", "comment": ""}),
        lambda w: create_plan(w, status="delayed", progress=10),
        lambda w: ("action-plans", [PLAN_FILE, plan_row(w, "Forsinket", "10")]),
    ),
    "an owner who is not a member": (
        "The responsible person must be an active member of the organisation.",
        lambda w: (None, PLAN_FORM | {"progress": "0", "owner_user_id": str(w.outsider.id)}),
        lambda w: create_plan(w, owner_user_id=w.outsider.id),
        lambda w: ("action-plans", [PLAN_FILE, plan_row(w, email=w.outsider.email)]),
    ),
    "an owner who may not update the plan": (
        "The responsible person must be a member who may report progress on action plans; a viewer may not. "
        "Choose another member, or give this member another role first.",
        lambda w: (None, PLAN_FORM | {"progress": "0", "owner_user_id": str(w.viewer.id)}),
        lambda w: create_plan(w, owner_user_id=w.viewer.id),
        lambda w: ("action-plans", [PLAN_FILE, plan_row(w, email=w.viewer.email)]),
    ),
    "a comment that is too long": (
        "A comment can have at most 5,000 characters; this one has 5,001. Shorten it and save again.",
        lambda w: (None, PLAN_FORM | {"status": "in_progress", "progress": "10", "comment": LONG_COMMENT}),
        lambda w: create_plan(w, status="in_progress", progress=10, comment=LONG_COMMENT),
        lambda w: ("action-plans", [PLAN_FILE, plan_row(w, "I gang", "10", note=LONG_COMMENT)]),
    ),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_form_service_and_import_refuse_with_the_same_message(client, world, rule):
    message, form, service, file = RULES[rule]
    before = snapshot()

    path, data = form(world)
    page = posted(client, path or f"/o/{world.org_slug}/goals/{world.goal.id}/action-plans/new", data)
    assert message in page

    assert served(service(world)) == message

    kind, rows = file(world)
    assert imported(world, kind, rows) == [message]
    assert snapshot() == before


# --- the editor's status report says the same ---------------------------------------------------------------

STATUS_REPORTS = {
    "done with less than 100 %": ({"status": "done", "progress": "60", "done_on": "2020-01-01"}, "done with"),
    "done without a done-on date": ({"status": "done", "progress": "", "done_on": ""}, "done without"),
    "delayed without a note": ({"status": "delayed", "progress": "10", "comment": " "}, "delayed"),
    "a comment that is too long": (
        {"status": "in_progress", "progress": "50", "comment": LONG_COMMENT},
        "a comment",
    ),
}


@pytest.mark.parametrize("case", list(STATUS_REPORTS))
def test_the_status_report_refuses_with_the_same_message(client, world, case):
    data, rule = STATUS_REPORTS[case]
    message = next(text for name, (text, *_ways) in RULES.items() if name.startswith(rule))
    plan = factories.action_plan(world.goal, status="in_progress", progress=40)
    before = snapshot()
    form = {"comment": "", "version": str(plan.version)} | data
    assert message in posted(client, f"/o/{world.org_slug}/action-plans/{plan.id}/update", form)
    progress = int(data["progress"]) if data["progress"] else None
    done_on = date.fromisoformat(data["done_on"]) if data.get("done_on") else None
    report = lambda: plan_service.record_update(  # noqa: E731
        plan,
        status=data["status"],
        progress_value=progress,
        comment=data.get("comment", ""),
        actor=world.actor,
        expected_version=plan.version,
        today=date.today(),
        done_on=done_on,
    )
    assert served(report) == message
    assert snapshot() == before
