"""Strategy, goal and department pages and forms: what they show, valid and invalid input, nothing changed.

Users log in with the English locale so the assertions can name the English text.
"""

import html
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, Department, Goal, Strategy
from strategitracker.services import ServiceError
from strategitracker.services import strategy as svc
from tests import factories


def body(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def rows(model) -> list[tuple]:
    """Every row of `model`'s table plus the audit log, to show that a refused request changed nothing."""
    _db.session.expire_all()
    table = model.__table__
    return [
        *[tuple(r) for r in _db.session.execute(sa.select(table).order_by(table.c.id))],
        *[tuple(r) for r in _db.session.execute(sa.select(AuditEvent.__table__).order_by(AuditEvent.id))],
    ]


def actions() -> list[str]:
    """The audit events of strategies, goals and departments (log-ins leave events too)."""
    return list(
        _db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.entity_type.in_(["strategy", "goal", "department"]))
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def facilitator(login):
    return login("facilitator", locale="en")


@pytest.fixture
def viewer(login):
    return login("viewer", locale="en")


@pytest.fixture
def strategy(org):
    return factories.strategy(
        org, title="Fra myndighed til service", vision="Én indgang", period_start=date(2016, 1, 1)
    )


# -- home --------------------------------------------------------------------------------------------------


def test_home_lists_current_strategies_with_period_goals_and_published_flag(client, org, other_org, viewer):
    published = factories.strategy(org, title="Offentlig strategi", published=True)
    factories.goal(published)
    factories.goal(published)
    factories.goal(published, archived_at=date(2024, 1, 1))  # archived goals are not counted
    factories.strategy(org, title="Kladde", period_start=date(2020, 1, 1), period_end=date(2021, 12, 31))
    factories.strategy(org, title="Skjult", archived_at=date(2024, 1, 1))
    factories.strategy(other_org, title="Nabokommunens strategi")
    _db.session.commit()
    page = body(client.get(f"/o/{org.slug}/"))
    assert "Offentlig strategi" in page and "Kladde" in page
    assert "Skjult" not in page and "Nabokommunens strategi" not in page
    assert "Published" in page and "Not published" in page
    assert "Jan 1, 2020 – Dec 31, 2021" in page
    offentlig = page[page.index("Offentlig strategi") : page.index("Offentlig strategi") + 1200]
    assert "Goals</dt>" in offentlig and ">2</dd>" in offentlig
    # a viewer gets neither the create button nor the archive
    assert "New strategy" not in page and "Show archived strategies" not in page
    assert "Skjult" not in body(client.get(f"/o/{org.slug}/?archived=1"))


def test_facilitator_sees_create_button_and_archived_strategies(client, org, facilitator):
    factories.strategy(org, title="Aktiv")
    factories.strategy(org, title="Gammel", archived_at=date(2024, 1, 1))
    _db.session.commit()
    page = body(client.get(f"/o/{org.slug}/"))
    assert "New strategy" in page and f"/o/{org.slug}/?archived=1" in page
    assert "Gammel" not in page
    archived = body(client.get(f"/o/{org.slug}/?archived=1"))
    assert "Archived strategies" in archived and "Gammel" in archived and "Aktiv" not in archived
    assert "Restore" in archived


# -- strategy page -----------------------------------------------------------------------------------------


def _attention_data(strategy, today: date):
    """A goal with one overdue plan, one stale KPI and one KPI off track."""
    goal = factories.goal(strategy, title="Hurtig sagsbehandling", owner="Direktør")
    stale = factories.kpi(goal, name="Gammelt nøgletal", frequency="yearly")
    factories.measurement(stale, today - timedelta(days=4 * 365), 5)
    off = factories.kpi(
        goal,
        name="Sagsbehandlingstid",
        frequency="monthly",
        direction="lower",
        baseline_value=100,
        baseline_date=today - timedelta(days=400),
    )
    factories.target(off, 20, today + timedelta(days=365), set_on=today - timedelta(days=400))
    factories.measurement(off, today - timedelta(days=10), 100)
    factories.action_plan(
        goal, title="Forhåndsdialog", status="in_progress", due_date=today - timedelta(days=1)
    )
    factories.action_plan(goal, title="Afsluttet plan", status="done", due_date=today - timedelta(days=30))
    factories.action_plan(goal, title="Ny plan", due_date=today + timedelta(days=30))
    return goal


def test_strategy_page_shows_vision_goals_status_progress_counts_and_attention(
    client, org, strategy, viewer, today
):
    goal = _attention_data(strategy, today)
    factories.goal(strategy, title="Arkiveret mål", archived_at=date(2024, 1, 1))
    _db.session.commit()
    response = client.get(f"/o/{org.slug}/strategies/{strategy.id}")
    page = body(response)
    assert response.status_code == 200
    assert "Fra myndighed til service" in page and "Én indgang" in page
    assert "Jan 1, 2016 – Dec 31, 2027" in page
    assert f'href="/o/{org.slug}/goals/{goal.id}"' in page
    assert "Arkiveret mål" not in page
    # status as text (+ symbol), progress as a labelled bar with the number in text, counts per status
    assert "Off track" in page
    assert 'role="progressbar"' in page and "Progress of Hurtig sagsbehandling" in page
    assert "Not started: <strong>1</strong>" in page
    assert "In progress: <strong>1</strong>" in page
    assert "Done: <strong>1</strong>" in page
    assert "Delayed: <strong>0</strong>" in page and "Cancelled: <strong>0</strong>" in page
    attention = page[page.index("What needs attention") : page.index('id="goals-heading"')]
    assert "Overdue action plans (1)" in attention and "Forhåndsdialog" in attention
    assert "Out-of-date KPIs (1)" in attention and "Gammelt nøgletal" in attention
    assert "KPIs off track (1)" in attention and "Sagsbehandlingstid" in attention
    assert "Afsluttet plan" not in attention
    # no edit buttons for a viewer
    assert "Edit strategy" not in page and "New goal" not in page and "Archive strategy" not in page


def test_strategy_page_without_problems_says_nothing_needs_attention(client, org, strategy, viewer):
    factories.goal(strategy, title="Mål uden data")
    _db.session.commit()
    page = body(client.get(f"/o/{org.slug}/strategies/{strategy.id}"))
    assert "Nothing needs attention right now" in page
    assert "No progress figure yet" in page and "No data" in page


def test_facilitator_sees_edit_buttons_and_archived_goals(client, org, strategy, facilitator):
    factories.goal(strategy, title="Aktivt mål")
    factories.goal(strategy, title="Arkiveret mål", archived_at=date(2024, 1, 1))
    _db.session.commit()
    url = f"/o/{org.slug}/strategies/{strategy.id}"
    page = body(client.get(url))
    assert "Edit strategy" in page and "Archive strategy" in page and "New goal" in page
    assert "Arkiveret mål" not in page
    page = body(client.get(url + "?archived=1"))
    assert "Archived goals" in page and "Arkiveret mål" in page


def test_archived_strategy_page_still_opens_with_a_notice(client, org, strategy, login):
    strategy.archived_at = date(2024, 1, 1)
    _db.session.commit()
    url = f"/o/{org.slug}/strategies/{strategy.id}"
    login("viewer", locale="en")
    page = body(client.get(url))
    assert "This strategy is archived" in page and "Restore strategy" not in page
    client.post("/logout")
    login("facilitator", locale="en")
    page = body(client.get(url))
    assert "Restore strategy" in page and "Edit strategy" not in page and "New goal" not in page


def test_pages_of_another_organisation_are_not_found(client, org, other_org, viewer):
    foreign = factories.strategy(other_org)
    foreign_goal = factories.goal(foreign)
    _db.session.commit()
    assert client.get(f"/o/{org.slug}/strategies/{foreign.id}").status_code == 404
    assert client.get(f"/o/{org.slug}/goals/{foreign_goal.id}").status_code == 404


# -- goal page ---------------------------------------------------------------------------------------------


def test_goal_page_shows_kpis_and_action_plans(client, org, strategy, make_user, viewer, today):
    owner = make_user("editor", org, name="Karen Jensen")
    goal = factories.goal(
        strategy, title="Top 10", description="Blandt de 10 bedste", owner="Direktør", owner_user_id=owner.id
    )
    rank = factories.kpi(
        goal,
        name="Placering i DI's måling",
        kind="rank",
        direction="lower",
        baseline_value=92,
        baseline_date=date(2015, 9, 1),
        baseline_out_of=96,
    )
    factories.target(rank, 10, date(2027, 9, 1), set_on=date(2016, 1, 1))
    factories.measurement(rank, today - timedelta(days=30), 6, out_of=93)
    share = factories.kpi(
        goal, name="Andel tilfredse", kind="percent", baseline_value=40, baseline_date=date(2016, 1, 1)
    )
    factories.measurement(share, today - timedelta(days=30), 55.5)
    department = factories.department(org, name="Teknik og Miljø", short_name="TM")
    factories.action_plan(
        goal,
        title="Erhvervskontakten",
        owner="Erhvervschef",
        department=department,
        status="delayed",
        due_date=today - timedelta(days=3),
        progress=40,
    )
    factories.action_plan(goal, title="Kursus", owner_user_id=owner.id, status="done", progress=100)
    _db.session.commit()
    page = body(client.get(f"/o/{org.slug}/goals/{goal.id}"))
    assert "Top 10" in page and "Blandt de 10 bedste" in page
    assert "Direktør" in page and "Karen Jensen" in page
    assert "<caption" in page and 'scope="col"' in page
    assert "no. 6 of 93" in page and "no. 92 of 96" in page and "no. 10" in page
    assert "Sep 1, 2027" in page
    assert "55.5%" in page and "40%" in page  # English writes % without a space
    assert (
        "Erhvervskontakten" in page and "Erhvervschef" in page and "TM" in page and "Teknik og Miljø" in page
    )
    assert "Delayed" in page and "Overdue" in page and "Done" in page
    assert "Progress of Erhvervskontakten" in page and "Progress of Placering i DI's måling" in page
    assert "Edit goal" not in page


def test_goal_page_links_to_kpi_and_action_plan_pages_when_they_exist(app, client, org, strategy, viewer):
    goal = factories.goal(strategy)
    kpi = factories.kpi(goal, name="Nøgletal A")
    factories.action_plan(goal, title="Plan A")
    _db.session.commit()
    page = body(client.get(f"/o/{org.slug}/goals/{goal.id}"))
    if "kpis.kpi" in app.view_functions:
        assert (
            f"/o/{org.slug}/kpis/{kpi.id}" in page or f"kpi_id={kpi.id}" in page or "Nøgletal A</a>" in page
        )
    else:
        assert "Nøgletal A</a>" not in page
    if "action_plans.action_plan" in app.view_functions:
        assert "Plan A</a>" in page
    else:
        assert "Plan A</a>" not in page


def test_archived_goal_page_opens_with_restore_for_facilitators(client, org, strategy, facilitator):
    goal = factories.goal(strategy, title="Gammelt mål", archived_at=date(2024, 1, 1))
    _db.session.commit()
    page = body(client.get(f"/o/{org.slug}/goals/{goal.id}"))
    assert "This goal is archived" in page and "Restore goal" in page and "Edit goal" not in page


def test_goal_page_lists_archived_kpis_and_action_plans_for_facilitators(client, org, strategy, login):
    goal = factories.goal(strategy)
    factories.kpi(goal, name="Aktivt nøgletal")
    factories.kpi(goal, name="Gammelt nøgletal", archived_at=date(2024, 1, 1))
    factories.action_plan(goal, title="Gammel plan", archived_at=date(2024, 1, 1))
    _db.session.commit()
    url = f"/o/{org.slug}/goals/{goal.id}"
    login("facilitator", locale="en")
    page = body(client.get(url))
    assert "Aktivt nøgletal" in page and "Gammelt nøgletal" not in page and "Gammel plan" not in page
    assert "Show archived KPIs and action plans" in page
    page = body(client.get(url + "?archived=1"))
    archived = page[page.index('id="archived-heading"') :]
    assert "Gammelt nøgletal" in archived and "Gammel plan" in archived and "Aktivt nøgletal" not in archived
    client.post("/logout")
    login("viewer", locale="en")
    page = body(client.get(url + "?archived=1"))
    assert "Gammelt nøgletal" not in page and "Show archived KPIs" not in page


# -- strategy forms ----------------------------------------------------------------------------------------

VALID_STRATEGY = {
    "title": "Vækst i Thy",
    "vision": "Flere job",
    "period_start": "2024-01-01",
    "period_end": "2028-12-31",
}


def test_new_strategy_form_opens(client, org, facilitator):
    response = client.get(f"/o/{org.slug}/strategies/new")
    assert response.status_code == 200
    page = body(response)
    assert '<label class="form-label" for="period_start">' in page and 'type="date"' in page


def test_create_strategy(client, org, facilitator):
    response = client.post(f"/o/{org.slug}/strategies/new", data=VALID_STRATEGY)
    strategy = _db.session.scalar(sa.select(Strategy).where(Strategy.title == "Vækst i Thy"))
    assert response.status_code == 302
    assert response.location.endswith(f"/o/{org.slug}/strategies/{strategy.id}")
    assert (strategy.vision, strategy.period_end, strategy.organisation_id) == (
        "Flere job",
        date(2028, 12, 31),
        org.id,
    )
    assert actions() == ["strategy.create"]
    assert "has been created" in body(client.get(response.location))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 301}, "Field cannot be longer than 300 characters."),
        ({"vision": "x" * 10_001}, "Field cannot be longer than 10000 characters."),
        ({"period_start": ""}, "This field is required."),
        ({"period_end": "31-12-2028"}, "Not a valid date value."),
        ({"period_end": "2023-12-31"}, "The period must end on or after its start date."),
    ],
)
def test_create_strategy_invalid_input_changes_nothing(client, org, facilitator, changes, message):
    before = rows(Strategy)
    response = client.post(f"/o/{org.slug}/strategies/new", data=VALID_STRATEGY | changes)
    assert response.status_code == 400
    page = body(response)
    assert message in page and "The strategy was not saved" in page
    assert 'aria-invalid="true"' in page
    assert rows(Strategy) == before


def test_create_strategy_with_a_title_in_use_is_refused_with_a_clear_message(
    client, org, strategy, facilitator
):
    before = rows(Strategy)
    response = client.post(
        f"/o/{org.slug}/strategies/new", data=VALID_STRATEGY | {"title": "fra myndighed til SERVICE"}
    )
    assert response.status_code == 400
    assert "A strategy called Fra myndighed til service already exists. Choose another title." in body(
        response
    )
    assert rows(Strategy) == before


def test_edit_strategy(client, org, strategy, facilitator):
    url = f"/o/{org.slug}/strategies/{strategy.id}/edit"
    page = body(client.get(url))
    assert 'value="Fra myndighed til service"' in page and 'value="2016-01-01"' in page
    response = client.post(url, data=VALID_STRATEGY)
    assert response.status_code == 302
    assert (strategy.title, strategy.period_start) == ("Vækst i Thy", date(2024, 1, 1))
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "strategy.update"))
    assert event.before["title"] == "Fra myndighed til service" and event.after["title"] == "Vækst i Thy"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "This field is required."),
        ({"period_end": "2015-01-01"}, "The period must end on or after its start date."),
        ({"title": "Anden strategi"}, "A strategy called Anden strategi already exists."),
    ],
)
def test_edit_strategy_invalid_input_changes_nothing(client, org, strategy, facilitator, changes, message):
    factories.strategy(org, title="Anden strategi")
    _db.session.commit()
    before = rows(Strategy)
    data = {
        "title": strategy.title,
        "vision": "Ændret",
        "period_start": "2016-01-01",
        "period_end": "2027-12-31",
    }
    response = client.post(f"/o/{org.slug}/strategies/{strategy.id}/edit", data=data | changes)
    assert response.status_code == 400
    assert message in body(response)
    assert rows(Strategy) == before


def test_archived_strategy_cannot_be_edited_or_get_goals(client, org, strategy, facilitator):
    strategy.archived_at = date(2024, 1, 1)
    _db.session.commit()
    before = rows(Strategy) + rows(Goal)
    for url, data in [
        (f"/o/{org.slug}/strategies/{strategy.id}/edit", VALID_STRATEGY),
        (f"/o/{org.slug}/strategies/{strategy.id}/goals/new", {"title": "Nyt mål"}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 302 and response.location.endswith(f"/strategies/{strategy.id}")
        assert "is archived. Restore it" in body(client.get(response.location))
    assert rows(Strategy) + rows(Goal) == before


def test_archive_and_restore_strategy(client, org, strategy, facilitator):
    base = f"/o/{org.slug}/strategies/{strategy.id}"
    response = client.post(base + "/archive")
    assert response.status_code == 302 and response.location.endswith(base)
    assert strategy.archived_at is not None
    assert "Fra myndighed til service" not in body(client.get(f"/o/{org.slug}/"))
    assert "Fra myndighed til service" in body(client.get(f"/o/{org.slug}/?archived=1"))
    response = client.post(base + "/restore")
    assert response.status_code == 302
    assert strategy.archived_at is None
    assert actions() == ["strategy.archive", "strategy.restore"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/strategies/new"),
        ("post", "/strategies/new"),
        ("get", "/strategies/{s}/edit"),
        ("post", "/strategies/{s}/edit"),
        ("post", "/strategies/{s}/archive"),
        ("post", "/strategies/{s}/restore"),
        ("get", "/strategies/{s}/goals/new"),
        ("post", "/strategies/{s}/goals/new"),
        ("get", "/goals/{g}/edit"),
        ("post", "/goals/{g}/edit"),
        ("post", "/goals/{g}/archive"),
        ("post", "/goals/{g}/restore"),
        ("post", "/departments"),
        ("get", "/departments/{d}/edit"),
        ("post", "/departments/{d}/edit"),
        ("post", "/departments/{d}/archive"),
        ("post", "/departments/{d}/restore"),
    ],
)
@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_viewers_and_editors_may_not_change_strategies(client, org, strategy, login, role, method, path):
    goal = factories.goal(strategy)
    department = factories.department(org)
    login(role)
    before = rows(Strategy) + rows(Goal) + rows(Department)
    url = f"/o/{org.slug}" + path.format(s=strategy.id, g=goal.id, d=department.id)
    data = VALID_STRATEGY | {"name": "X"} if method == "post" else None
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 403
    assert rows(Strategy) + rows(Goal) + rows(Department) == before


# -- goal forms --------------------------------------------------------------------------------------------


def test_new_goal_form_offers_only_active_members_of_the_org(
    client, org, other_org, strategy, make_user, facilitator
):
    colleague = make_user("editor", org, name="Kollega Kirsten")
    outsider = make_user("admin", other_org, name="Fremmed Frede")
    _db.session.commit()
    page = body(client.get(f"/o/{org.slug}/strategies/{strategy.id}/goals/new"))
    assert f'value="{colleague.id}"' in page and "Kollega Kirsten" in page
    assert "Fremmed Frede" not in page and f'value="{outsider.id}"' not in page


def test_create_goal(client, org, strategy, make_user, facilitator):
    owner = make_user("editor", org)
    _db.session.commit()
    data = {
        "title": "Én indgang",
        "description": "Svar inden 24 timer",
        "owner": "Erhvervschef",
        "owner_user_id": str(owner.id),
        "position": "",
    }
    response = client.post(f"/o/{org.slug}/strategies/{strategy.id}/goals/new", data=data)
    goal = _db.session.scalar(sa.select(Goal).where(Goal.title == "Én indgang"))
    assert response.status_code == 302 and response.location.endswith(f"/o/{org.slug}/goals/{goal.id}")
    assert (goal.strategy_id, goal.owner, goal.owner_user_id, goal.position) == (
        strategy.id,
        "Erhvervschef",
        owner.id,
        1,
    )
    assert actions() == ["goal.create"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 301}, "Field cannot be longer than 300 characters."),
        ({"description": "x" * 10_001}, "Field cannot be longer than 10000 characters."),
        ({"owner": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"owner_user_id": "abc"}, "Invalid Choice: could not coerce."),
        ({"owner_user_id": "OUTSIDER"}, "Not a valid choice."),
        ({"position": "-1"}, "Number must be at least 0."),
        ({"position": "first"}, "Not a valid integer value."),
    ],
)
def test_create_goal_invalid_input_changes_nothing(
    client, org, other_org, strategy, make_user, facilitator, changes, message
):
    outsider = make_user("admin", other_org)
    _db.session.commit()
    if changes.get("owner_user_id") == "OUTSIDER":
        changes = {"owner_user_id": str(outsider.id)}
    before = rows(Goal)
    data = {"title": "Nyt mål", "description": "", "owner": "", "owner_user_id": "", "position": ""} | changes
    response = client.post(f"/o/{org.slug}/strategies/{strategy.id}/goals/new", data=data)
    assert response.status_code == 400
    page = body(response)
    assert message in page and "The goal was not saved" in page
    assert rows(Goal) == before


def test_goal_form_of_another_organisations_strategy_is_not_found(client, org, other_org, facilitator):
    foreign = factories.strategy(other_org)
    _db.session.commit()
    before = rows(Goal)
    assert (
        client.post(f"/o/{org.slug}/strategies/{foreign.id}/goals/new", data={"title": "X"}).status_code
        == 404
    )
    assert rows(Goal) == before


def test_edit_goal(client, org, strategy, facilitator):
    goal = factories.goal(strategy, title="Gammelt", owner="Chef", position=2)
    _db.session.commit()
    url = f"/o/{org.slug}/goals/{goal.id}/edit"
    page = body(client.get(url))
    assert 'value="Gammelt"' in page and 'value="2"' in page
    data = {
        "title": "Nyt",
        "description": "Beskrivelse",
        "owner": "Chef",
        "owner_user_id": "",
        "position": "3",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302 and response.location.endswith(f"/goals/{goal.id}")
    assert (goal.title, goal.description, goal.position) == ("Nyt", "Beskrivelse", 3)
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "goal.update"))
    assert event.before == {"title": "Gammelt", "description": "", "position": 2}


def test_edit_goal_keeps_an_owner_who_left_and_refuses_bad_input(
    client, org, strategy, make_user, facilitator
):
    former = make_user("editor", org, name="Tidligere Tove")
    goal = factories.goal(strategy, title="Mål", owner_user_id=former.id)
    former.memberships[0].active = False
    _db.session.commit()
    url = f"/o/{org.slug}/goals/{goal.id}/edit"
    page = body(client.get(url))
    assert "Tidligere Tove (no longer a member)" in page
    before = rows(Goal)
    response = client.post(url, data={"title": "", "owner_user_id": str(former.id)})
    assert response.status_code == 400 and "This field is required." in body(response)
    assert rows(Goal) == before
    response = client.post(url, data={"title": "Nyt navn", "owner_user_id": str(former.id)})
    assert response.status_code == 302 and goal.title == "Nyt navn" and goal.owner_user_id == former.id


def test_archive_and_restore_goal(client, org, strategy, facilitator):
    goal = factories.goal(strategy, title="Mål der arkiveres")
    _db.session.commit()
    response = client.post(f"/o/{org.slug}/goals/{goal.id}/archive")
    assert response.status_code == 302 and response.location.endswith(f"/goals/{goal.id}")
    assert goal.archived_at is not None
    assert "Mål der arkiveres" not in body(client.get(f"/o/{org.slug}/strategies/{strategy.id}"))
    edit = client.get(f"/o/{org.slug}/goals/{goal.id}/edit")
    assert edit.status_code == 302  # archived: restore first
    response = client.post(f"/o/{org.slug}/goals/{goal.id}/restore")
    assert response.status_code == 302 and goal.archived_at is None
    assert actions() == ["goal.archive", "goal.restore"]


# -- departments -------------------------------------------------------------------------------------------


def test_departments_page_lists_current_departments(client, org, other_org, viewer):
    factories.department(org, name="Teknik og Miljø", short_name="TM")
    factories.department(org, name="Lukket forvaltning", archived_at=date(2024, 1, 1))
    factories.department(other_org, name="Nabo-forvaltning")
    _db.session.commit()
    page = body(client.get(f"/o/{org.slug}/departments"))
    assert "Teknik og Miljø" in page and "TM" in page
    assert "Lukket forvaltning" not in page and "Nabo-forvaltning" not in page
    assert "Add a department" not in page and "Edit" not in page


def test_create_department(client, org, facilitator):
    page = body(client.get(f"/o/{org.slug}/departments"))
    assert "Add a department" in page
    response = client.post(f"/o/{org.slug}/departments", data={"name": "Børn og Unge", "short_name": "BU"})
    assert response.status_code == 302 and response.location.endswith(f"/o/{org.slug}/departments")
    department = _db.session.scalar(sa.select(Department).where(Department.name == "Børn og Unge"))
    assert (department.short_name, department.organisation_id) == ("BU", org.id)
    assert actions() == ["department.create"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"name": "Ny", "short_name": "x" * 41}, "Field cannot be longer than 40 characters."),
        ({"name": "teknik"}, "A department called Teknik already exists. Choose another name."),
        ({"name": "Lukket"}, "An archived department is already called Lukket."),
    ],
)
def test_create_department_invalid_input_changes_nothing(client, org, facilitator, data, message):
    factories.department(org, name="Teknik")
    factories.department(org, name="Lukket", archived_at=date(2024, 1, 1))
    _db.session.commit()
    before = rows(Department)
    response = client.post(f"/o/{org.slug}/departments", data=data)
    assert response.status_code == 400
    assert message in body(response)
    assert rows(Department) == before


def test_edit_department(client, org, facilitator):
    department = factories.department(org, name="Teknik")
    factories.department(org, name="Social")
    _db.session.commit()
    url = f"/o/{org.slug}/departments/{department.id}/edit"
    assert 'value="Teknik"' in body(client.get(url))
    before = rows(Department)
    for data, message in [
        ({"name": ""}, "This field is required."),
        ({"name": "SOCIAL"}, "A department called Social already exists."),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 400 and message in body(response)
        assert rows(Department) == before
    response = client.post(url, data={"name": "Teknik og Miljø", "short_name": "TM"})
    assert response.status_code == 302
    assert (department.name, department.short_name) == ("Teknik og Miljø", "TM")
    assert actions() == ["department.update"]


def test_archive_and_restore_department(client, org, facilitator):
    department = factories.department(org, name="Teknik")
    _db.session.commit()
    base = f"/o/{org.slug}/departments/{department.id}"
    assert client.post(base + "/archive").status_code == 302
    assert department.archived_at is not None
    assert "Teknik</a></th>" not in body(client.get(f"/o/{org.slug}/departments"))
    archived = body(client.get(f"/o/{org.slug}/departments?archived=1"))
    assert "Archived departments" in archived and "Teknik</a></th>" in archived
    assert client.get(base + "/edit").status_code == 302  # archived: restore first
    assert client.post(base + "/restore").status_code == 302
    assert department.archived_at is None
    assert actions() == ["department.archive", "department.restore"]


def test_service_field_error_without_a_matching_field_is_flashed(
    client, org, strategy, facilitator, monkeypatch
):
    """A refusal the form cannot place next to a field is shown as an alert, and nothing is written."""

    def refuse(*args, **kwargs):
        raise ServiceError("Refused for a reason.")

    monkeypatch.setattr(svc, "create_goal", refuse)
    before = rows(Goal)
    response = client.post(
        f"/o/{org.slug}/strategies/{strategy.id}/goals/new", data={"title": "X", "owner_user_id": ""}
    )
    assert response.status_code == 400
    assert 'role="alert">Refused for a reason.' in body(response)
    assert rows(Goal) == before
