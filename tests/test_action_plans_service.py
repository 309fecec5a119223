"""services/action_plan: create/edit/archive/restore, status updates with history, "Mine", refusals."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm.exc import StaleDataError

from strategitracker.extensions import db as _db
from strategitracker.models import ActionPlan, ActionPlanUpdate, AuditEvent, Status
from strategitracker.progress import KPIStatus
from strategitracker.services import ServiceError, archiving, overview
from strategitracker.services import action_plan as svc
from tests import factories

TODAY = date(2025, 6, 15)


@pytest.fixture(autouse=True)
def english(db):
    """Service messages are checked in English; outside a request the app would use Danish."""
    with force_locale("en"):
        yield


@pytest.fixture
def actor(make_user, org):
    return make_user("facilitator", org, name="Facilitator Frida")


@pytest.fixture
def goal(org):
    return factories.goal(factories.strategy(org))


@pytest.fixture
def plan(goal):
    return factories.action_plan(goal, status="in_progress", progress=40)


def events(action: str | None = None) -> list[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(_db.session.scalars(stmt))


def history(plan: ActionPlan) -> list[ActionPlanUpdate]:
    return list(
        _db.session.scalars(
            sa.select(ActionPlanUpdate)
            .where(ActionPlanUpdate.action_plan_id == plan.id)
            .order_by(ActionPlanUpdate.id)
        )
    )


def count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def fields(**kw) -> svc.ActionPlanFields:
    values = {"title": "Erhvervskontakten", "status": "not_started", "progress": 0}
    values.update(kw)
    return svc.ActionPlanFields(**values)


def edit_fields(plan: ActionPlan, **kw) -> svc.ActionPlanFields:
    values = {
        name: getattr(plan, name)
        for name in (
            "title",
            "description",
            "owner",
            "owner_user_id",
            "department_id",
            "status",
            "start_date",
            "due_date",
            "progress",
        )
    }
    values.update(kw)
    return svc.ActionPlanFields(**values)


# -- create ----------------------------------------------------------------------------------------------


def test_create_stores_fields_history_and_event(db, org, goal, actor):
    department = factories.department(org, name="Teknik og Miljø")
    plan = svc.create_action_plan(
        goal,
        fields(
            title="  Erhvervskontakten  ",
            description="Svar inden for 24 timer",
            owner="Erhvervschef",
            owner_user_id=actor.id,
            department_id=department.id,
            status="in_progress",
            start_date=date(2016, 1, 1),
            due_date=date(2016, 12, 31),
            progress=10,
            comment="Start",
        ),
        actor=actor,
        today=TODAY,
    )
    assert (plan.title, plan.goal_id, plan.organisation_id, plan.department_id) == (
        "Erhvervskontakten",
        goal.id,
        org.id,
        department.id,
    )
    assert (plan.status, plan.progress, plan.done_on, plan.version) == ("in_progress", 10, None, 1)
    [entry] = history(plan)
    assert (entry.old_status, entry.new_status, entry.progress, entry.comment) == (
        None,
        "in_progress",
        10,
        "Start",
    )
    assert (entry.author_id, entry.author_name) == (actor.id, "Facilitator Frida")
    [event] = events("action_plan.create")
    assert (event.entity_type, event.entity_id, event.organisation_id, event.user_id) == (
        "action_plan",
        plan.id,
        org.id,
        actor.id,
    )
    assert event.after["title"] == "Erhvervskontakten"
    assert event.after["due_date"] == "2016-12-31"
    assert event.before is None


def test_create_as_done_sets_done_on(db, goal, actor):
    plan = svc.create_action_plan(
        goal, fields(status="done", progress=100, done_on=TODAY), actor=actor, today=TODAY
    )
    assert plan.done_on == TODAY


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": "   "}, "title"),
        ({"start_date": date(2020, 1, 2), "due_date": date(2020, 1, 1)}, "due date"),
        ({"status": "finished"}, "valid status"),
        ({"progress": 101}, "0 to 100"),
        ({"progress": -1}, "0 to 100"),
        ({"status": "delayed", "comment": "  "}, "comment is required"),
    ],
)
def test_create_refuses_bad_input(db, goal, actor, overrides, message):
    before = (count(ActionPlan), count(ActionPlanUpdate), count(AuditEvent))
    with pytest.raises(ServiceError, match=message):
        svc.create_action_plan(goal, fields(**overrides), actor=actor, today=TODAY)
    assert (count(ActionPlan), count(ActionPlanUpdate), count(AuditEvent)) == before


def test_create_refuses_departments_and_people_outside_the_organisation(
    db, org, other_org, goal, actor, make_user
):
    foreign_department = factories.department(other_org)
    archived_department = factories.department(org, archived_at=datetime.now(UTC))
    outsider = make_user("editor", other_org)
    former = make_user()
    factories.membership(former, org, "editor", active=False)
    for overrides in (
        {"department_id": foreign_department.id},
        {"department_id": archived_department.id},
        {"department_id": 999999},
        {"owner_user_id": outsider.id},
        {"owner_user_id": former.id},
    ):
        with pytest.raises(ServiceError):
            svc.create_action_plan(goal, fields(**overrides), actor=actor, today=TODAY)
    assert count(ActionPlan) == 0


def test_create_refuses_an_archived_goal(db, goal, actor):
    goal.archived_at = datetime.now(UTC)
    with pytest.raises(ServiceError, match="archived"):
        svc.create_action_plan(goal, fields(), actor=actor, today=TODAY)
    assert count(ActionPlan) == 0


# -- edit ------------------------------------------------------------------------------------------------


def test_edit_changes_fields_and_records_only_the_changes(db, org, plan, actor):
    department = factories.department(org)
    old_title = plan.title
    svc.update_action_plan(
        plan,
        edit_fields(plan, title="Ny titel", department_id=department.id, due_date=date(2026, 1, 31)),
        actor=actor,
        expected_version=1,
        today=TODAY,
    )
    assert (plan.title, plan.department_id, plan.due_date, plan.version) == (
        "Ny titel",
        department.id,
        date(2026, 1, 31),
        2,
    )
    [event] = events("action_plan.edit")
    assert event.before == {"title": old_title, "department_id": None, "due_date": None}
    assert event.after == {"title": "Ny titel", "department_id": department.id, "due_date": "2026-01-31"}
    assert history(plan) == []  # neither status nor progress changed


def test_edit_of_status_or_progress_enters_the_history(db, plan, actor):
    svc.update_action_plan(
        plan,
        edit_fields(plan, status="done", progress=100, comment="Færdig", done_on=TODAY),
        actor=actor,
        expected_version=1,
        today=TODAY,
    )
    assert (plan.status, plan.progress, plan.done_on) == ("done", 100, TODAY)
    [entry] = history(plan)
    assert (entry.old_status, entry.new_status, entry.progress, entry.comment) == (
        "in_progress",
        "done",
        100,
        "Færdig",
    )
    [event] = events("action_plan.edit")
    assert event.after["status"] == "done" and event.after["comment"] == "Færdig"
    assert event.after["done_on"] == TODAY.isoformat()


def test_edit_without_changes_writes_nothing(db, plan, actor):
    svc.update_action_plan(plan, edit_fields(plan), actor=actor, expected_version=1, today=TODAY)
    _db.session.flush()
    assert plan.version == 1
    assert events() == [] and history(plan) == []


def test_edit_to_delayed_needs_a_comment(db, plan, actor):
    with pytest.raises(ServiceError, match="comment is required"):
        svc.update_action_plan(
            plan, edit_fields(plan, status="delayed"), actor=actor, expected_version=1, today=TODAY
        )
    assert events() == []


def test_edit_with_a_stale_version_is_refused(db, plan, actor):
    with pytest.raises(svc.StaleVersion) as info:
        svc.update_action_plan(
            plan, edit_fields(plan, title="X"), actor=actor, expected_version=0, today=TODAY
        )
    assert info.value.plan is plan
    assert "Someone else updated this action plan" in str(info.value)
    assert plan.title != "X"
    assert events() == []


def test_edit_of_an_archived_plan_is_refused(db, plan, actor):
    archiving.set_archived(plan, True, actor=actor)
    with pytest.raises(ServiceError, match="archived"):
        svc.update_action_plan(
            plan, edit_fields(plan, title="X"), actor=actor, expected_version=plan.version, today=TODAY
        )


def test_edit_keeps_a_department_that_was_archived_later(db, org, goal, actor):
    department = factories.department(org)
    plan = factories.action_plan(goal, department_id=department.id)
    department.archived_at = datetime.now(UTC)
    svc.update_action_plan(plan, edit_fields(plan, title="Ny"), actor=actor, expected_version=1, today=TODAY)
    assert plan.department_id == department.id


# -- status updates --------------------------------------------------------------------------------------


def update(plan, actor, **kw):
    values = {"status": plan.status, "progress_value": None, "comment": "", "expected_version": plan.version}
    values.update(kw)
    return svc.record_update(plan, actor=actor, today=TODAY, **values)


def test_update_records_history_and_event(db, plan, actor):
    entry = update(plan, actor, status="delayed", progress_value=45, comment="Afventer budget")
    assert (plan.status, plan.progress, plan.version) == ("delayed", 45, 2)
    assert (entry.old_status, entry.new_status, entry.progress, entry.comment, entry.author_id) == (
        "in_progress",
        "delayed",
        45,
        "Afventer budget",
        actor.id,
    )
    [event] = events("action_plan.update")
    assert event.before == {"status": "in_progress", "progress": 40, "done_on": None}
    assert event.after == {
        "status": "delayed",
        "progress": 45,
        "done_on": None,
        "comment": "Afventer budget",
        "update_id": entry.id,
    }
    assert (event.entity_type, event.entity_id, event.user_id) == ("action_plan", plan.id, actor.id)


def test_update_to_done_sets_done_on_and_full_progress(db, plan, actor):
    update(plan, actor, status="done", done_on=date(2024, 1, 2))
    assert (plan.status, plan.progress, plan.done_on) == ("done", 100, date(2024, 1, 2))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"progress_value": 90, "done_on": TODAY}, "A done action plan has progress 100"),
        ({}, "Give the date the action plan was done."),
        ({"done_on": date(2099, 1, 1)}, "The done-on date cannot be in the future."),
    ],
)
def test_update_to_done_is_refused_without_full_progress_or_a_done_on_date(db, plan, actor, changes, message):
    with pytest.raises(ServiceError, match=message):
        update(plan, actor, status="done", **changes)
    assert plan.status == "in_progress"


def test_leaving_done_clears_done_on(db, goal, actor):
    plan = factories.action_plan(goal, status="done", progress=100, done_on=date(2024, 1, 1))
    update(plan, actor, status="in_progress", comment="Genåbnet")
    assert (plan.status, plan.done_on, plan.progress) == ("in_progress", None, 100)


def test_staying_done_keeps_the_original_done_on(db, goal, actor):
    plan = factories.action_plan(goal, status="done", progress=100, done_on=date(2024, 1, 1))
    update(plan, actor, comment="Evalueret")
    assert plan.done_on == date(2024, 1, 1)


def test_progress_none_keeps_the_current_progress(db, plan, actor):
    update(plan, actor, comment="Status uændret")
    assert plan.progress == 40


def test_comment_only_update_moves_the_version_on(db, plan, actor):
    update(plan, actor, comment="Møde holdt")
    assert plan.version == 2
    assert len(history(plan)) == 1


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"status": "delayed", "comment": ""}, "comment is required"),
        ({"status": "delayed", "comment": "   "}, "comment is required"),
        ({"status": "nope"}, "valid status"),
        ({"progress_value": 101}, "0 to 100"),
    ],
)
def test_update_refuses_bad_input(db, plan, actor, kw, message):
    with pytest.raises(ServiceError, match=message):
        update(plan, actor, **kw)
    _db.session.rollback()
    assert history(plan) == [] and events() == []


def test_staying_delayed_still_needs_a_comment(db, goal, actor):
    plan = factories.action_plan(goal, status="delayed")
    with pytest.raises(ServiceError, match="comment is required"):
        update(plan, actor, progress_value=20)


def test_update_with_a_stale_version_is_refused(db, plan, actor):
    with pytest.raises(svc.StaleVersion) as info:
        update(plan, actor, status="done", expected_version=plan.version - 1)
    assert info.value.plan is plan
    assert isinstance(info.value, ServiceError)
    assert plan.status == "in_progress"
    assert history(plan) == [] and events() == []


def test_update_of_an_archived_plan_is_refused(db, plan, actor):
    archiving.set_archived(plan, True, actor=actor)
    with pytest.raises(ServiceError, match="archived"):
        update(plan, actor, comment="x")


def test_a_write_between_check_and_flush_raises_stale_data(db, plan, actor):
    """Another transaction moved the version on after the plan was loaded: the versioned UPDATE misses."""
    _db.session.commit()
    table = ActionPlan.__table__
    _db.session.execute(sa.update(table).where(table.c.id == plan.id).values(version=table.c.version + 1))
    with pytest.raises(StaleDataError):
        update(plan, actor, comment="Sent")
    _db.session.rollback()
    assert count(ActionPlanUpdate) == 0


# -- archive / restore -----------------------------------------------------------------------------------


def test_archive_and_restore_record_events(db, plan, actor):
    assert archiving.set_archived(plan, True, actor=actor) is True
    assert plan.archived_at is not None
    assert archiving.set_archived(plan, True, actor=actor) is False  # already archived: no second event
    assert archiving.set_archived(plan, False, actor=actor) is True
    assert plan.archived_at is None
    assert archiving.set_archived(plan, False, actor=actor) is False
    archive, restore = events()
    assert (archive.action, archive.before, archive.after["archived_at"] is not None) == (
        "action_plan.archive",
        {"archived_at": None},
        True,
    )
    assert (restore.action, restore.after) == ("action_plan.restore", {"archived_at": None})
    assert restore.before["archived_at"] is not None


# -- reads -----------------------------------------------------------------------------------------------


def test_member_and_department_choices_are_the_organisations_own(db, org, other_org, make_user):
    member = make_user("viewer", org, name="A Medlem")
    make_user("viewer", other_org)
    former = make_user(name="B Tidligere")
    factories.membership(former, org, "viewer", active=False)
    assert svc.member_choices(org) == [member]
    assert svc.member_choices(org, keep=former.id) == [member, former]
    mine = factories.department(org, name="A")
    archived = factories.department(org, name="B", archived_at=datetime.now(UTC))
    factories.department(other_org, name="C")
    assert svc.department_choices(org) == [mine]
    assert svc.department_choices(org, keep=archived.id) == [mine, archived]


def test_history_is_newest_first(db, plan, actor):
    first = update(plan, actor, comment="Først")
    second = update(plan, actor, comment="Så")
    entries, owner = svc.load_action_plan_page(plan)
    assert [e.id for e in entries] == [second.id, first.id]
    assert owner is None


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_owned_items_flags_overdue_and_stale_plans(db, org, other_org, goal, make_user):
    me = make_user("editor", org)
    someone_else = make_user("editor", org)
    overdue = factories.action_plan(
        goal, owner_user_id=me.id, status="in_progress", due_date=TODAY - timedelta(1)
    )
    fresh = factories.action_plan(goal, owner_user_id=me.id, due_date=TODAY + timedelta(10))
    _db.session.add(
        ActionPlanUpdate(action_plan=fresh, new_status="not_started", progress=0, created_at=_at(TODAY))
    )
    quiet = factories.action_plan(goal, owner_user_id=me.id, created_at=_at(TODAY - timedelta(60)))
    _db.session.add(
        ActionPlanUpdate(
            action_plan=quiet, new_status="not_started", progress=0, created_at=_at(TODAY - timedelta(31))
        )
    )
    done = factories.action_plan(
        goal,
        owner_user_id=me.id,
        status="done",
        due_date=TODAY - timedelta(100),
        created_at=_at(date(2020, 1, 1)),
    )
    factories.action_plan(goal, owner_user_id=someone_else.id)
    factories.action_plan(goal, owner_user_id=me.id, archived_at=datetime.now(UTC))
    archived_goal = factories.goal(goal.strategy, archived_at=datetime.now(UTC))
    factories.action_plan(archived_goal, owner_user_id=me.id)
    factories.action_plan(factories.goal(factories.strategy(other_org)), owner_user_id=me.id)
    for p in (overdue, fresh):
        p.created_at = _at(TODAY)
    _db.session.flush()

    items = overview.owned_items(org, me, TODAY)
    by_plan = {item.plan.id: item for item in items.plans}
    assert set(by_plan) == {overdue.id, fresh.id, quiet.id, done.id}
    assert [p.plan.id for p in items.overdue_plans] == [overdue.id]
    assert [p.plan.id for p in items.plans_needing_update] == [quiet.id]
    assert [p.plan.id for p in items.closed_plans] == [done.id]
    assert by_plan[fresh.id].last_update.date() == TODAY
    assert by_plan[overdue.id].last_update is None


def test_owned_items_flags_kpis_without_fresh_measurements(db, org, goal, make_user):
    me = make_user("editor", org)
    fresh = factories.kpi(goal, owner_user_id=me.id, frequency="yearly")
    factories.measurement(fresh, TODAY - timedelta(days=100), 5)
    stale = factories.kpi(goal, owner_user_id=me.id, frequency="monthly")
    factories.measurement(stale, TODAY - timedelta(days=400), 5)
    empty = factories.kpi(goal, owner_user_id=me.id)
    factories.kpi(goal)  # nobody's
    items = overview.owned_items(org, me, TODAY)
    statuses = {k.kpi.id: k.summary.status for k in items.kpis}
    assert statuses[stale.id] == KPIStatus.STALE and statuses[empty.id] == KPIStatus.NO_DATA
    assert statuses[fresh.id] not in (KPIStatus.STALE, KPIStatus.NO_DATA)
    assert {k.kpi.id for k in items.kpis_needing_update} == {stale.id, empty.id}


def test_status_values_match_the_model():
    assert overview.CLOSED_STATUSES == {Status.DONE.value, Status.CANCELLED.value}
