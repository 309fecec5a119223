"""services/strategy: strategies, goals and departments — every write, its audit event, and refusals."""

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, Department, Goal, Strategy
from strategitracker.services import ServiceError, archiving
from strategitracker.services import strategy as svc
from strategitracker.services.strategy import strategies as strategies_module
from tests import factories

START, END = date(2024, 1, 1), date(2028, 12, 31)


@pytest.fixture(autouse=True)
def english(db):
    """Service messages are checked in English; outside a request the app would use Danish."""
    with force_locale("en"):
        yield


@pytest.fixture
def actor(make_user, org):
    return make_user("facilitator", org)


def events(action: str | None = None) -> list[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(_db.session.scalars(stmt))


def count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def new_strategy(org, actor, **kw):
    values = {"title": "Vækst i Thy", "vision": "", "period_start": START, "period_end": END}
    values.update(kw)
    return svc.create_strategy(org, **values, actor=actor)


# -- strategies --------------------------------------------------------------------------------------------


def test_create_strategy_stores_fields_and_records_event(db, org, actor):
    strategy = new_strategy(org, actor, title="  Vækst i Thy  ", vision=" Flere job ")
    assert (strategy.title, strategy.vision, strategy.organisation_id) == ("Vækst i Thy", "Flere job", org.id)
    assert strategy.archived_at is None and strategy.published is False
    [event] = events("strategy.create")
    assert (event.entity_type, event.entity_id, event.organisation_id, event.user_id) == (
        "strategy",
        strategy.id,
        org.id,
        actor.id,
    )
    assert event.after == {
        "title": "Vækst i Thy",
        "vision": "Flere job",
        "period_start": "2024-01-01",
        "period_end": "2028-12-31",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "needs a title"),
        ({"title": "x" * 301}, "at most 300"),
        ({"period_end": date(2023, 12, 31)}, "end on or after"),
        ({"period_start": None}, "period start and end"),
    ],
)
def test_create_strategy_refuses_bad_input_and_writes_nothing(db, org, actor, changes, message):
    before = (count(Strategy), count(AuditEvent))
    with pytest.raises(ServiceError, match=message):
        new_strategy(org, actor, **changes)
    assert (count(Strategy), count(AuditEvent)) == before


def test_period_of_one_day_is_allowed(db, org, actor):
    assert new_strategy(org, actor, period_start=START, period_end=START).period_end == START


def test_duplicate_strategy_title_is_refused_ignoring_case(db, org, other_org, actor):
    new_strategy(org, actor, title="Vækst i Thy")
    with pytest.raises(svc.FieldError, match="already exists") as exc:
        new_strategy(org, actor, title="VÆKST I THY")
    assert exc.value.field == "title"
    assert len(events("strategy.create")) == 1
    # another organisation may use the same title
    assert new_strategy(other_org, actor, title="Vækst i Thy").organisation_id == other_org.id


def test_duplicate_of_an_archived_strategy_says_so(db, org, actor):
    archived = new_strategy(org, actor, title="Gammel strategi")
    archiving.set_archived(archived, True, actor=actor)
    with pytest.raises(ServiceError, match="archived strategy is already called Gammel strategi"):
        new_strategy(org, actor, title="Gammel strategi")


def test_update_strategy_records_only_changed_fields(db, org, actor):
    strategy = new_strategy(org, actor)
    svc.update_strategy(
        strategy,
        title="Vækst i Thy",
        vision="Ny vision",
        period_start=START,
        period_end=date(2030, 1, 1),
        actor=actor,
    )
    assert strategy.vision == "Ny vision" and strategy.period_end == date(2030, 1, 1)
    [event] = events("strategy.update")
    assert event.before == {"vision": "", "period_end": "2028-12-31"}
    assert event.after == {"vision": "Ny vision", "period_end": "2030-01-01"}
    assert event.user_id == actor.id and event.entity_id == strategy.id


def test_update_strategy_without_changes_records_nothing(db, org, actor):
    strategy = new_strategy(org, actor)
    svc.update_strategy(
        strategy, title="Vækst i Thy", vision="", period_start=START, period_end=END, actor=actor
    )
    assert events("strategy.update") == []


def test_update_strategy_refuses_a_title_in_use_and_changes_nothing(db, org, actor):
    new_strategy(org, actor, title="Første")
    second = new_strategy(org, actor, title="Anden")
    with pytest.raises(ServiceError, match="already exists"):
        svc.update_strategy(
            second, title="første", vision="x", period_start=START, period_end=END, actor=actor
        )
    assert (second.title, second.vision) == ("Anden", "")
    # keeping its own title (in another case) is fine
    svc.update_strategy(second, title="ANDEN", vision="", period_start=START, period_end=END, actor=actor)
    assert second.title == "ANDEN"


def test_update_strategy_refuses_bad_period_and_changes_nothing(db, org, actor):
    strategy = new_strategy(org, actor)
    with pytest.raises(svc.FieldError) as exc:
        svc.update_strategy(
            strategy, title="Nyt navn", vision="", period_start=END, period_end=START, actor=actor
        )
    assert exc.value.field == "period_end"
    assert (strategy.title, strategy.period_start) == ("Vækst i Thy", START)
    assert events("strategy.update") == []


def test_archived_strategy_cannot_be_edited(db, org, actor):
    strategy = new_strategy(org, actor)
    archiving.set_archived(strategy, True, actor=actor)
    with pytest.raises(ServiceError, match="archived"):
        svc.update_strategy(strategy, title="Nyt", vision="", period_start=START, period_end=END, actor=actor)
    assert strategy.title == "Vækst i Thy"


def test_archive_and_restore_strategy(db, org, actor):
    strategy = new_strategy(org, actor)
    assert archiving.set_archived(strategy, True, actor=actor) is True
    assert strategy.archived_at is not None
    assert archiving.set_archived(strategy, True, actor=actor) is False  # already archived: no second event
    [archived] = events("strategy.archive")
    assert archived.before == {"archived_at": None} and archived.after["archived_at"]
    assert archiving.set_archived(strategy, False, actor=actor) is True
    assert strategy.archived_at is None
    assert archiving.set_archived(strategy, False, actor=actor) is False
    [restored] = events("strategy.restore")
    assert restored.after == {"archived_at": None} and restored.entity_id == strategy.id


# -- goals -------------------------------------------------------------------------------------------------


def new_goal(strategy, actor, **kw):
    values = {"title": "Top 10", "description": "", "owner": "", "owner_user_id": None, "position": None}
    values.update(kw)
    return svc.create_goal(strategy, **values, actor=actor)


def test_create_goal_goes_last_and_records_event(db, org, actor):
    strategy = factories.strategy(org)
    factories.goal(strategy, position=4)
    goal = new_goal(strategy, actor, title=" Top 10 ", owner=" Direktør ", owner_user_id=actor.id)
    assert (goal.title, goal.owner, goal.owner_user_id, goal.position) == ("Top 10", "Direktør", actor.id, 5)
    assert goal.organisation_id == org.id and goal.strategy_id == strategy.id
    [event] = events("goal.create")
    assert event.after == {
        "strategy_id": strategy.id,
        "title": "Top 10",
        "description": "",
        "owner": "Direktør",
        "owner_user_id": actor.id,
        "position": 5,
    }
    assert (event.entity_type, event.entity_id, event.user_id) == ("goal", goal.id, actor.id)


def test_first_goal_gets_position_one_and_explicit_position_is_kept(db, org, actor):
    strategy = factories.strategy(org)
    assert new_goal(strategy, actor).position == 1
    assert new_goal(strategy, actor, title="Andet", position=0).position == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "needs a title"),
        ({"title": "x" * 301}, "at most 300"),
        ({"owner": "x" * 201}, "at most 200"),
        ({"position": -1}, "0 or more"),
    ],
)
def test_create_goal_refuses_bad_input(db, org, actor, changes, message):
    strategy = factories.strategy(org)
    before = (count(Goal), count(AuditEvent))
    with pytest.raises(ServiceError, match=message):
        new_goal(strategy, actor, **changes)
    assert (count(Goal), count(AuditEvent)) == before


def test_goal_owner_must_be_an_active_member(db, org, other_org, actor, make_user):
    strategy = factories.strategy(org)
    outsider = make_user("admin", other_org)
    former = make_user("editor", org)
    former.memberships[0].active = False
    for user in (outsider, former):
        with pytest.raises(svc.FieldError, match="active member") as exc:
            new_goal(strategy, actor, owner_user_id=user.id)
        assert exc.value.field == "owner_user_id"
    assert count(Goal) == 0


def test_goals_cannot_be_added_to_an_archived_strategy(db, org, actor):
    strategy = factories.strategy(org)
    archiving.set_archived(strategy, True, actor=actor)
    with pytest.raises(ServiceError, match="archived"):
        new_goal(strategy, actor)
    assert count(Goal) == 0


def test_member_users_lists_active_members_of_the_org_only(db, org, other_org, actor, make_user):
    colleague = make_user("viewer", org, name="Anna")
    make_user("viewer", other_org)
    gone = make_user("viewer", org)
    gone.memberships[0].active = False
    assert {u.id for u in svc.member_users(org)} == {actor.id, colleague.id}


def test_update_goal_records_changed_fields(db, org, actor):
    goal = factories.goal(factories.strategy(org), title="Gammelt", position=1)
    svc.update_goal(
        goal, title="Nyt", description="", owner="Chef", owner_user_id=None, position=None, actor=actor
    )
    assert (goal.title, goal.owner, goal.position) == ("Nyt", "Chef", 1)  # no position given: unchanged
    [event] = events("goal.update")
    assert event.before == {"title": "Gammelt", "owner": ""}
    assert event.after == {"title": "Nyt", "owner": "Chef"}


def test_update_goal_keeps_a_former_member_as_owner_but_cannot_choose_one(db, org, actor, make_user):
    former = make_user("editor", org)
    goal = factories.goal(factories.strategy(org), owner_user_id=former.id)
    former.memberships[0].active = False
    svc.update_goal(
        goal, title="Nyt", description="", owner="", owner_user_id=former.id, position=0, actor=actor
    )
    assert goal.title == "Nyt"
    other = factories.goal(goal.strategy)
    with pytest.raises(ServiceError, match="active member"):
        svc.update_goal(
            other, title="X", description="", owner="", owner_user_id=former.id, position=0, actor=actor
        )
    assert other.owner_user_id is None


def test_archived_goal_cannot_be_edited(db, org, actor):
    goal = factories.goal(factories.strategy(org), title="Mål")
    archiving.set_archived(goal, True, actor=actor)
    with pytest.raises(ServiceError, match="archived"):
        svc.update_goal(
            goal, title="X", description="", owner="", owner_user_id=None, position=None, actor=actor
        )
    assert goal.title == "Mål"


def test_archive_and_restore_goal(db, org, actor):
    goal = factories.goal(factories.strategy(org))
    assert archiving.set_archived(goal, True, actor=actor) is True
    assert goal.archived_at is not None
    assert archiving.set_archived(goal, True, actor=actor) is False
    assert archiving.set_archived(goal, False, actor=actor) is True
    assert goal.archived_at is None
    assert [e.action for e in events() if e.entity_type == "goal"] == ["goal.archive", "goal.restore"]
    assert all(e.entity_id == goal.id and e.organisation_id == org.id for e in events())


# -- departments -------------------------------------------------------------------------------------------


def test_create_department_records_event(db, org, actor):
    department = svc.create_department(org, name=" Teknik og Miljø ", short_name=" TM ", actor=actor)
    assert (department.name, department.short_name, department.organisation_id) == (
        "Teknik og Miljø",
        "TM",
        org.id,
    )
    [event] = events("department.create")
    assert event.after == {"name": "Teknik og Miljø", "short_name": "TM"}
    assert (event.entity_type, event.entity_id, event.user_id) == ("department", department.id, actor.id)


def test_blank_short_name_is_stored_as_none(db, org, actor):
    assert svc.create_department(org, name="Børn og Unge", short_name="  ", actor=actor).short_name is None


@pytest.mark.parametrize(
    ("name", "short_name", "message"),
    [("", None, "needs a name"), ("x" * 201, None, "at most 200"), ("Navn", "x" * 41, "at most 40")],
)
def test_create_department_refuses_bad_input(db, org, actor, name, short_name, message):
    with pytest.raises(ServiceError, match=message):
        svc.create_department(org, name=name, short_name=short_name, actor=actor)
    assert (count(Department), count(AuditEvent)) == (0, 0)


def test_duplicate_department_name_is_refused(db, org, other_org, actor):
    svc.create_department(org, name="Teknik", actor=actor)
    with pytest.raises(svc.FieldError, match="department called Teknik already exists") as exc:
        svc.create_department(org, name="teknik", actor=actor)
    assert exc.value.field == "name"
    assert svc.create_department(other_org, name="Teknik", actor=actor).organisation_id == other_org.id


def test_duplicate_of_an_archived_department_says_so(db, org, actor):
    department = svc.create_department(org, name="Teknik", actor=actor)
    archiving.set_archived(department, True, actor=actor)
    with pytest.raises(ServiceError, match="archived department is already called Teknik"):
        svc.create_department(org, name="Teknik", actor=actor)


def test_update_department(db, org, actor):
    department = svc.create_department(org, name="Teknik", actor=actor)
    svc.update_department(department, name="Teknik og Miljø", short_name=None, actor=actor)
    [event] = events("department.update")
    assert event.before == {"name": "Teknik"} and event.after == {"name": "Teknik og Miljø"}
    svc.update_department(department, name="Teknik og Miljø", short_name="", actor=actor)
    assert len(events("department.update")) == 1  # nothing changed


def test_update_department_refuses_duplicate_and_archived(db, org, actor):
    svc.create_department(org, name="Teknik", actor=actor)
    other = svc.create_department(org, name="Social", actor=actor)
    with pytest.raises(ServiceError, match="already exists"):
        svc.update_department(other, name="TEKNIK", short_name=None, actor=actor)
    assert other.name == "Social"
    archiving.set_archived(other, True, actor=actor)
    with pytest.raises(ServiceError, match="archived"):
        svc.update_department(other, name="Socialforvaltningen", short_name=None, actor=actor)
    assert other.name == "Social"


def test_archive_and_restore_department(db, org, actor):
    department = svc.create_department(org, name="Teknik", actor=actor)
    assert archiving.set_archived(department, True, actor=actor) is True
    assert archiving.set_archived(department, True, actor=actor) is False
    assert archiving.set_archived(department, False, actor=actor) is True
    assert department.archived_at is None
    actions = [e.action for e in events() if e.entity_type == "department"]
    assert actions == ["department.create", "department.archive", "department.restore"]


def test_a_concurrent_duplicate_caught_by_the_database_gets_the_same_message(db, org, actor, monkeypatch):
    """Two requests may pass the check at once; the unique constraint then refuses the second politely."""
    new_strategy(org, actor, title="Vækst")
    svc.create_department(org, name="Teknik", actor=actor)
    _db.session.commit()
    monkeypatch.setattr(strategies_module, "_check_strategy_title", lambda *args, **kwargs: None)
    monkeypatch.setattr(strategies_module, "_check_department_name", lambda *args, **kwargs: None)
    with pytest.raises(svc.FieldError, match="strategy called Vækst already exists") as exc:
        new_strategy(org, actor, title="Vækst")
    assert exc.value.field == "title"
    _db.session.rollback()
    with pytest.raises(svc.FieldError, match="department called Teknik already exists"):
        svc.create_department(org, name="Teknik", actor=actor)
    _db.session.rollback()
    assert count(Strategy) == 1 and count(Department) == 1
