"""Importing action plans: goal and department by name, statuses, dates, owners, replacing, history, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.models import ActionPlan, ActionPlanUpdate, AuditEvent
from tests import factories
from tests.imports.conftest import to_csv

HEADER = [
    "Handleplan",
    "Mål",
    "Forvaltning",
    "Status",
    "Start",
    "Frist",
    "Fremdrift",
    "Afsluttet den",
    "Note",
]


@pytest.fixture(autouse=True)
def english(db):
    """Problems are described in English, like the `run` fixture prepares them (outside a request: Danish)."""
    with force_locale("en"):
        yield


def described(prepared) -> list[str]:
    return [p.describe() for p in prepared.problems]


def test_problems_name_the_unknown_department_goal_and_status(db, world, run, counts):
    before = counts()
    data = to_csv(
        [
            HEADER,
            ["A", world.goal.title, "Kultur og Fritid", "I gang", "", "", "", "", ""],
            ["B", "Ukendt mål", "", "I gang", "", "", "", "", ""],
            ["C", world.goal.title, "", "Halvvejs", "", "", "", "", ""],
            ["D", world.goal.title, "", "I gang", "2019-05-01", "2019-01-01", "", "", ""],
            ["E", world.goal.title, "", "I gang", "", "", "120", "", ""],
            ["F", world.goal.title, "", "I gang", "", "", "", "2019-01-01", ""],
            ["", world.goal.title, "", "", "", "", "", "", ""],
        ]
    )
    prepared, _ = run("action-plans", data, write=False)
    assert described(prepared) == [
        "Row 2, column C “Forvaltning”: found “Kultur og Fritid”: Unknown department “Kultur og Fritid”. The "
        "organisation's departments are: Byg og Miljø, Erhverv og Beskæftigelse.",
        "Row 3, column B “Mål”: found “Ukendt mål”: Unknown goal “Ukendt mål”: the organisation has no goal "
        "by that title.",
        "Row 4, column D “Status”: found “Halvvejs”: Expected a status: Ikke startet, I gang, Forsinket, "
        "Afsluttet or Udgået (or not_started, in_progress, delayed, done, cancelled).",
        "Row 5, column F “Frist”: found “2019-01-01”: The due date cannot be before the start date.",
        "Row 6, column G “Fremdrift”: found “120”: Expected a whole number from 0 to 100.",
        "Row 7, column H “Afsluttet den”: found “2019-01-01”: Only a done action plan has a done-on date.",
        "Row 8, column A “Handleplan”: This cell must be filled in.",
    ]
    assert counts() == before


def test_new_plans_get_a_first_history_entry_and_done_plans_a_done_date(db, world, run):
    data = to_csv(
        [
            HEADER,
            [
                "Erhvervskontakten",
                world.goal2.title,
                "Erhverv og Beskæftigelse",
                "Afsluttet",
                "sep 2016",
                "2017",
                "",
                "1. februar 2017",
                "Åbnet",
            ],
            ["Kursus", world.goal.title, "", "", "", "", "", "", ""],
        ]
    )
    prepared, result = run("action-plans", data, "plans.csv", actor=world.facilitator)
    assert result == {"created": 2, "replaced": 0, "skipped": 0, "rejected": 0}
    plans = db.session.scalars(sa.select(ActionPlan).order_by(ActionPlan.title)).all()
    done, new = plans
    assert (done.status, done.progress, done.done_on) == ("done", 100, date(2017, 2, 1))
    assert (done.start_date, done.due_date) == (date(2016, 9, 1), date(2017, 12, 31))
    assert (new.status, new.progress, new.done_on, new.organisation_id) == (
        "not_started",
        0,
        None,
        world.org.id,
    )
    history = db.session.execute(
        sa.select(
            ActionPlanUpdate.action_plan_id,
            ActionPlanUpdate.new_status,
            ActionPlanUpdate.comment,
            ActionPlanUpdate.author_id,
        ).order_by(ActionPlanUpdate.action_plan_id)
    ).all()
    assert sorted(tuple(h) for h in history) == sorted(
        [
            (done.id, "done", "Åbnet", world.facilitator.id),
            (new.id, "not_started", "Imported from plans.csv", world.facilitator.id),
        ]
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import.action_plans"))
    assert event.user_id == world.facilitator.id and event.after["created"] == 2


def test_the_same_title_in_the_same_goal_replaces_the_plan_with_history_and_audit(db, world, run):
    plan = factories.action_plan(
        world.goal, title="Erhvervskontakten", status="in_progress", progress=20, owner="Chef"
    )
    db.session.commit()
    data = to_csv(
        [["Title", "Goal", "Status", "Progress"], ["erhvervskontakten", world.goal.title, "I gang", "60"]]
    )
    prepared, result = run("action-plans", data, write=False)
    assert prepared.entries[0].status == "exists"
    prepared, result = run("action-plans", data, on_duplicate="replace")
    assert result["replaced"] == 1
    db.session.expire_all()
    plan = db.session.get(ActionPlan, plan.id)
    assert (plan.progress, plan.status, plan.owner, plan.version) == (60, "in_progress", "Chef", 2)
    update = db.session.scalar(sa.select(ActionPlanUpdate).where(ActionPlanUpdate.action_plan_id == plan.id))
    assert (update.old_status, update.new_status, update.progress) == ("in_progress", "in_progress", 60)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "action_plan.update"))
    assert event.before == {"progress": 20} and event.after == {"progress": 60}


def test_owner_email_links_a_member_and_others_are_refused(db, world, run, make_user):
    outsider = make_user(email="ude@example.org")
    db.session.commit()
    data = to_csv(
        [
            ["Handleplan", "Mål", "Ansvarlig", "Ansvarlig e-mail"],
            ["A", world.goal.title, "Chef", world.editor.email.upper()],
            ["B", world.goal.title, "Chef", outsider.email],
        ]
    )
    prepared, result = run("action-plans", data, accept_valid=True)
    assert described(prepared) == [
        "Row 3, column D “Ansvarlig e-mail”: found “ude@example.org”: The responsible person must be an "
        "active member of the organisation."
    ]
    plan = db.session.scalar(sa.select(ActionPlan))
    assert (plan.title, plan.owner_user_id) == ("A", world.editor.id)


def test_delayed_plans_without_a_note_are_refused(db, world, run):
    data = to_csv([["Handleplan", "Mål", "Status"], ["A", world.goal.title, "Forsinket"]])
    prepared, _ = run("action-plans", data, write=False)
    assert described(prepared) == [
        "Row 2, column C “Status”: A comment is required when the status is delayed: explain why and what "
        "happens next."
    ]


def test_archived_goals_are_refused(db, world, run):
    world.goal.archived_at = datetime.now(UTC)
    db.session.commit()
    data = to_csv([["Handleplan", "Mål"], ["A", world.goal.title]])
    prepared, _ = run("action-plans", data, write=False)
    assert "is archived" in described(prepared)[0]


def test_replacing_a_done_plan_keeps_its_done_on_date_unless_the_file_gives_one(db, world, run):
    plan = factories.action_plan(world.goal, title="A", status="done", progress=100, done_on=date(2017, 2, 1))
    db.session.commit()
    data = to_csv([["Handleplan", "Mål", "Status", "Note"], ["A", world.goal.title, "Afsluttet", "Færdig"]])
    prepared, result = run("action-plans", data, on_duplicate="replace")
    db.session.expire_all()
    assert result["replaced"] == 1
    assert db.session.get(ActionPlan, plan.id).done_on == date(2017, 2, 1)
