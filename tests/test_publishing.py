"""Publishing a strategy (admins only, audited) and the public pages (no log-in, nothing internal)."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import ActionPlanUpdate, AuditEvent, Organisation, Strategy, User
from strategitracker.models._types import utcnow
from strategitracker.services import ServiceError
from strategitracker.services import strategy as publishing
from tests import factories
from tests.test_authorization_matrix import snapshot
from tests.test_strategy_pages_query_budget import LARGE, SMALL, build


def events(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


# -- the service ---------------------------------------------------------------------------------------------


def test_publish_and_unpublish_leave_audit_events(org, make_user):
    admin = make_user("admin", org)
    strategy = factories.strategy(org)
    assert publishing.publish_strategy(strategy, actor=admin) is True
    assert strategy.published and strategy.published_at is not None
    (event,) = events("strategy.publish")
    assert (event.entity_type, event.entity_id, event.organisation_id, event.user_id) == (
        "strategy",
        strategy.id,
        org.id,
        admin.id,
    )
    assert event.before == {"published": False, "published_at": None}
    assert event.after["published"] is True and event.after["published_at"]

    assert publishing.publish_strategy(strategy, actor=admin) is False  # already published: no event
    assert len(events("strategy.publish")) == 1

    assert publishing.unpublish_strategy(strategy, actor=admin) is True
    assert not strategy.published and strategy.published_at is None
    (event,) = events("strategy.unpublish")
    assert event.before["published"] is True
    assert event.after == {"published": False, "published_at": None}
    assert publishing.unpublish_strategy(strategy, actor=admin) is False
    assert len(events("strategy.unpublish")) == 1


def test_an_archived_strategy_cannot_be_published(org, make_user):
    admin = make_user("admin", org)
    strategy = factories.strategy(org, archived_at=utcnow())
    with pytest.raises(ServiceError):
        publishing.publish_strategy(strategy, actor=admin)
    assert not strategy.published
    assert events("strategy.publish") == []


# -- the views -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "superuser"])
def test_admin_publishes_and_unpublishes(client, org, login, role):
    user = login(role)
    strategy = factories.strategy(org)
    _db.session.commit()
    strategy_id = strategy.id
    page = f"/o/{org.slug}/strategies/{strategy_id}"

    html = client.get(page).get_data(as_text=True)
    assert f'href="{page}/publish"' in html  # a link to the confirm page, not a form that publishes

    # one click is not enough: a post without the confirmation leads to the confirm page
    response = client.post(f"{page}/publish")
    assert (response.status_code, response.location) == (302, f"{page}/publish")
    _db.session.expire_all()
    assert not _db.session.get(Strategy, strategy_id).published
    assert events("strategy.publish") == []

    confirm = client.get(f"{page}/publish").get_data(as_text=True)
    assert "Preview of the public page" in confirm or "Forhåndsvisning af den offentlige side" in confirm
    assert strategy.title in confirm and 'name="confirmed" value="1"' in confirm

    response = client.post(f"{page}/publish", data={"confirmed": "1"})
    assert (response.status_code, response.location) == (302, page)
    _db.session.expire_all()
    assert _db.session.get(Strategy, strategy_id).published
    (event,) = events("strategy.publish")
    assert (event.user_id, event.entity_id) == (user.id, strategy_id)

    html = client.get(page).get_data(as_text=True)
    assert f"/strategies/{strategy_id}/unpublish" in html
    assert f"/public/{org.slug}/strategies/{strategy_id}" in html  # a link to the public page
    assert client.get(f"/public/{org.slug}/strategies/{strategy_id}").status_code == 200

    assert client.post(f"{page}/unpublish").status_code == 302
    _db.session.expire_all()
    assert not _db.session.get(Strategy, strategy_id).published
    assert len(events("strategy.unpublish")) == 1
    assert client.get(f"/public/{org.slug}/strategies/{strategy_id}").status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor", "facilitator"])
def test_only_admins_may_publish(client, org, login, role):
    login(role)
    strategy = factories.strategy(org)
    published = factories.strategy(org, published=True, published_at=utcnow())
    _db.session.commit()
    html = client.get(f"/o/{org.slug}/strategies/{strategy.id}").get_data(as_text=True)
    assert "/publish" not in html
    before = snapshot()
    assert client.post(f"/o/{org.slug}/strategies/{strategy.id}/publish").status_code == 403
    assert client.post(f"/o/{org.slug}/strategies/{published.id}/unpublish").status_code == 403
    assert snapshot() == before


def test_anonymous_and_outsiders_cannot_publish(client, org, other_org, login):
    strategy = factories.strategy(org)
    _db.session.commit()
    before = snapshot()
    response = client.post(f"/o/{org.slug}/strategies/{strategy.id}/publish")
    assert response.status_code == 302 and "/login" in response.location
    assert snapshot() == before
    login("admin", organisation=other_org)
    before = snapshot()
    assert client.post(f"/o/{org.slug}/strategies/{strategy.id}/publish").status_code == 404
    assert client.post(f"/o/{other_org.slug}/strategies/{strategy.id}/publish").status_code == 404
    assert snapshot() == before


def test_publishing_an_archived_strategy_is_refused_with_a_message(client, org, login):
    login("admin", locale="en")
    strategy = factories.strategy(org, archived_at=utcnow())
    _db.session.commit()
    before = snapshot()
    response = client.post(
        f"/o/{org.slug}/strategies/{strategy.id}/publish", data={"confirmed": "1"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Restore it before publishing it" in response.get_data(as_text=True)
    assert snapshot() == before


# -- the public pages ----------------------------------------------------------------------------------------

SECRET_COMMENT = "Intern kommentar: budgettet er sprængt"
OLDER_COMMENT = "Ældre intern bemærkning om fremdrift"
PLAN_NOTE = "Hemmelig note om handleplanen"
MEASUREMENT_NOTE = "Tallet er foreløbigt, må ikke citeres"
TARGET_NOTE = "Målet er politisk omstridt"


def seed_public(org, make_user, *, published: bool = True) -> dict:
    """A strategy with a goal, a KPI (owner user, notes) and an action plan (owner user, comments, note)."""
    owner = make_user("editor", org, email="hemmelig.ejer@example.org", name="Hemmelig Ejersen")
    author = make_user("editor", org, email="forfatter@example.org", name="Anders Forfatter")
    strategy = factories.strategy(
        org,
        title="Erhvervsstrategi",
        vision="Thy skal være bedst.",
        published=published,
        published_at=utcnow(),
    )
    goal = factories.goal(
        strategy, title="Et bedre erhvervsklima", owner="Erhvervschef", owner_user_id=owner.id
    )
    kpi = factories.kpi(
        goal,
        name="Placering i DI's måling",
        kind="rank",
        direction="lower",
        baseline_value=92,
        baseline_date=date(2015, 9, 1),
        baseline_out_of=96,
        owner="Erhvervskonsulent",
        owner_user_id=owner.id,
        source="Dansk Industri",
    )
    factories.target(
        kpi, 10, date(2027, 9, 1), set_on=date(2016, 1, 1), note=TARGET_NOTE, set_by_id=author.id
    )
    factories.measurement(kpi, date(2019, 9, 1), 6, out_of=93, note=MEASUREMENT_NOTE, entered_by_id=author.id)
    department = factories.department(org, name="Erhvervsforvaltningen")
    plan = factories.action_plan(
        goal,
        title="Erhvervskontakten",
        owner="Erhvervskonsulent",
        owner_user_id=owner.id,
        department=department,
        status="in_progress",
        progress=40,
        due_date=date.today() - timedelta(days=3),
        note=PLAN_NOTE,
    )
    for comment in (OLDER_COMMENT, SECRET_COMMENT):
        _db.session.add(
            ActionPlanUpdate(
                action_plan=plan,
                author_id=author.id,
                author_name=author.name,
                new_status="in_progress",
                progress=40,
                comment=comment,
            )
        )
    archived_goal = factories.goal(strategy, title="Arkiveret mål", archived_at=utcnow())
    factories.kpi(goal, name="Arkiveret nøgletal", archived_at=utcnow())
    factories.action_plan(goal, title="Arkiveret handleplan", archived_at=utcnow())
    factories.action_plan(archived_goal, title="Handleplan under arkiveret mål")
    _db.session.commit()
    return {"strategy": strategy, "goal": goal, "kpi": kpi, "plan": plan, "owner": owner, "author": author}


def test_a_published_strategy_is_shown_to_anonymous_visitors(client, org, make_user):
    seeded = seed_public(org, make_user)
    strategy = seeded["strategy"]
    response = client.get(f"/public/{org.slug}/strategies/{strategy.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Erhvervsstrategi", "Thy skal være bedst.", "Et bedre erhvervsklima"):
        assert text in html
    assert 'role="progressbar"' in html
    goal_path = f"/public/{org.slug}/strategies/{strategy.id}/goals/{seeded['goal'].id}"
    assert f'href="{goal_path}"' in html  # each goal in short, its detail on its own page
    assert "chart-data" not in html and "plotly-" not in html  # no charts to draw: no plotly.js
    # the goal's own page: the KPI's chart with its table, and the action plans
    response = client.get(goal_path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Et bedre erhvervsklima", "Erhvervschef", "Erhvervsstrategi"):
        assert text in html
    assert "Placering i DI&#39;s måling" in html  # the KPI's chart caption
    assert f'data-target="chart-kpi-{seeded["kpi"].id}"' in html  # the chart's figure
    assert 'class="chart-table"' in html and "<caption>" in html  # with its data table
    assert "Erhvervskontakten" in html and "Erhvervskonsulent" in html and "Erhvervsforvaltningen" in html
    assert 'role="progressbar"' in html
    assert "plotly-" in html  # plotly.js is loaded, from the app itself


def test_the_public_page_explains_the_status_words_and_progress(client, org, make_user):
    seeded = seed_public(org, make_user)
    html = client.get(f"/public/{org.slug}/strategies/{seeded['strategy'].id}").get_data(as_text=True)
    legend = html.split('id="status-legend"')[1].split("</details>")[0]
    assert "<summary" in legend and "Hvad betyder statusordene?" in legend
    for word in ("På rette spor", "I risiko", "Bagud", "Forældet", "Ingen målsætning", "Ingen data"):
        assert word in legend
    assert "burde være kommet en nyere" in legend  # why "Forældet"
    assert re.search(r"på rette spor ved 36\s%", legend)  # why "On track" can sit next to 36 %


def test_the_public_page_shows_nothing_internal(client, org, make_user):
    seeded = seed_public(org, make_user)
    strategy_path = f"/public/{org.slug}/strategies/{seeded['strategy'].id}"
    for path in (strategy_path, f"{strategy_path}/goals/{seeded['goal'].id}", "/public"):
        html = client.get(path).get_data(as_text=True)
        for secret in (
            SECRET_COMMENT,
            OLDER_COMMENT,
            PLAN_NOTE,
            MEASUREMENT_NOTE,
            TARGET_NOTE,
            "hemmelig.ejer@example.org",
            "forfatter@example.org",
            "Hemmelig Ejersen",
            "Anders Forfatter",
            "@example.org",
            "Arkiveret mål",
            "Arkiveret nøgletal",
            "Arkiveret handleplan",
            "Handleplan under arkiveret mål",
        ):
            assert secret not in html, (path, secret)
        assert "/o/" not in html  # no links into the organisation's workspace


def test_public_list_shows_the_published_strategies_of_all_organisations(client, org, other_org):
    factories.strategy(org, title="Offentlig strategi A", published=True)
    factories.strategy(other_org, title="Offentlig strategi B", published=True)
    factories.strategy(org, title="Kladde", published=False)
    factories.strategy(other_org, title="Arkiveret og offentlig", published=True, archived_at=utcnow())
    _db.session.commit()
    response = client.get("/public")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Offentlig strategi A" in html and "Offentlig strategi B" in html
    assert org.name in html and other_org.name in html
    assert "Kladde" not in html and "Arkiveret og offentlig" not in html


def test_the_public_pages_are_linked_from_the_welcome_page_and_the_footer(client, org, login):
    assert 'href="/public"' in client.get("/").get_data(as_text=True)
    login("viewer")
    assert 'href="/public"' in client.get(f"/o/{org.slug}/").get_data(as_text=True)


def test_unpublished_archived_and_foreign_strategies_are_not_found(client, org, other_org, make_user):
    unpublished = seed_public(org, make_user, published=False)["strategy"]
    archived = factories.strategy(org, published=True, archived_at=utcnow())
    factories.goal(archived, title="Mål i en arkiveret strategi")
    published = factories.strategy(org, title="Offentlig", published=True)
    foreign_unpublished = factories.strategy(other_org, title="Andens kladde")
    foreign_published = factories.strategy(other_org, title="Andens offentlige", published=True)
    _db.session.commit()
    assert client.get(f"/public/{org.slug}/strategies/{published.id}").status_code == 200
    for slug, strategy_id in [
        (org.slug, unpublished.id),
        (org.slug, archived.id),
        (org.slug, foreign_unpublished.id),  # another organisation's id under a published organisation's slug
        (org.slug, foreign_published.id),  # published, but not this organisation's
        (other_org.slug, published.id),
        ("findes-ikke", published.id),
        (org.slug, 987654),
    ]:
        response = client.get(f"/public/{slug}/strategies/{strategy_id}")
        assert response.status_code == 404, (slug, strategy_id)
        assert "Andens kladde" not in response.get_data(as_text=True)


def test_a_public_goal_page_shows_only_a_live_goal_of_a_published_strategy(client, org, other_org, make_user):
    seeded = seed_public(org, make_user)
    strategy, goal = seeded["strategy"], seeded["goal"]
    unpublished = factories.strategy(org, title="Kladde")
    unpublished_goal = factories.goal(unpublished, title="Kladdens mål")
    archived_goal = factories.goal(strategy, title="Arkiveret mål", archived_at=utcnow())
    other_published = factories.strategy(org, title="Anden offentlig", published=True)
    foreign = factories.strategy(other_org, title="Andens offentlige", published=True)
    foreign_goal = factories.goal(foreign, title="Andens mål")
    _db.session.commit()
    assert client.get(f"/public/{org.slug}/strategies/{strategy.id}/goals/{goal.id}").status_code == 200
    for slug, strategy_id, goal_id in [
        (org.slug, unpublished.id, unpublished_goal.id),  # the strategy is not published
        (org.slug, strategy.id, archived_goal.id),  # an archived goal
        (org.slug, other_published.id, goal.id),  # a goal under another of the organisation's strategies
        (org.slug, strategy.id, foreign_goal.id),  # another organisation's goal under a published strategy
        (other_org.slug, foreign.id, goal.id),
        (other_org.slug, strategy.id, goal.id),  # the right ids under another organisation's slug
        (org.slug, strategy.id, 987654),
    ]:
        response = client.get(f"/public/{slug}/strategies/{strategy_id}/goals/{goal_id}")
        assert response.status_code == 404, (slug, strategy_id, goal_id)
        html = response.get_data(as_text=True)
        assert "Andens mål" not in html and "Arkiveret mål" not in html and "Kladdens mål" not in html


def test_a_logged_in_member_sees_the_same_public_page(client, org, make_user, login):
    seeded = seed_public(org, make_user)
    login("admin")
    html = client.get(f"/public/{org.slug}/strategies/{seeded['strategy'].id}").get_data(as_text=True)
    assert SECRET_COMMENT not in html and "hemmelig.ejer@example.org" not in html


# -- query budget --------------------------------------------------------------------------------------------

BUDGET = 10


def test_public_pages_run_the_same_number_of_statements_at_two_sizes(
    client, org, other_org, make_user, count_queries
):
    members = [make_user("editor", org) for _ in range(2)]
    member_ids, other_org_id = [m.id for m in members], other_org.id

    statements_seen = {}

    def count(path: str) -> tuple[int, str]:
        _db.session.expunge_all()
        with count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        statements_seen[path] = statements
        return len(statements), response.get_data(as_text=True)

    def publish_all() -> None:
        _db.session.execute(sa.update(Strategy).values(published=True))
        _db.session.commit()

    small_id, small_goal_id = build(org, members, **SMALL)
    publish_all()
    small_slug = org.slug
    small_listing, html = count("/public")
    assert html.count("/strategies/") == SMALL["strategies"]
    small, _html = count(f"/public/{small_slug}/strategies/{small_id}")

    members = [_db.session.get(User, m) for m in member_ids]
    other_org = _db.session.get(Organisation, other_org_id)
    large_id, _goal = build(other_org, members, **LARGE)
    publish_all()
    large_slug = other_org.slug
    large_listing, html = count("/public")
    assert html.count("/strategies/") == SMALL["strategies"] + LARGE["strategies"]
    large, html = count(f"/public/{large_slug}/strategies/{large_id}")
    assert html.count('class="sparkline"') == LARGE["goals"] * LARGE["kpis"]
    goal_paths = re.findall(rf'href="(/public/{large_slug}/strategies/{large_id}/goals/\d+)"', html)
    assert len(goal_paths) == LARGE["goals"]
    large_goal, html = count(goal_paths[-1])
    assert html.count('class="chart-data"') == LARGE["kpis"]
    small_goal, html = count(f"/public/{small_slug}/strategies/{small_id}/goals/{small_goal_id}")

    assert small_listing == large_listing <= 3, statements_seen["/public"]  # savepoint + one SELECT
    assert small == large <= BUDGET
    assert small_goal == large_goal <= BUDGET
