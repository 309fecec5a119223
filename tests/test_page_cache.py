"""The goal page's cached part: kept until the data changes, per language, day and rights; the data version
that keys it moves with every committed change and only then; a repeat view of an unchanged page gets 304."""

import gzip
import importlib
import re
from datetime import date

import brotli
import pytest
import sqlalchemy as sa

from strategitracker.charts import pages
from strategitracker.extensions import db as _db
from strategitracker.models import Goal, Measurement, User
from strategitracker.services.audit import record
from strategitracker.web import page_cache
from strategitracker.web.change_tracking import current_version
from tests import factories
from tests.conftest import PASSWORD
from tests.support import fresh_client, opened, without_csrf_tokens


@pytest.fixture
def goal(org):
    strategy = factories.strategy(org, title="Erhvervsstrategi")
    goal = factories.goal(strategy, title="Flere arbejdspladser", owner="Erhvervschefen")
    kpi = factories.kpi(goal, name="Ledighed", kind="number", unit="personer", direction="lower")
    factories.measurement(kpi, date(2020, 1, 1), 812)
    factories.action_plan(goal, title="Erhvervsservice", status="in_progress", due_date=date(2030, 1, 1))
    _db.session.commit()
    return goal


def goal_url(org, goal) -> str:
    return f"/o/{org.slug}/goals/{goal.id}"


@pytest.fixture
def builds(monkeypatch):
    """How often the goal page built its shared part (instead of taking it from the cache)."""
    from strategitracker.goals import routes

    calls = []
    original = routes._goal_body

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(routes, "_goal_body", counting)
    return calls


# --- the data version ---------------------------------------------------------------------------------------


def test_a_committed_change_gives_a_new_version(db, goal):
    before = current_version()
    assert before is not None
    goal.title = "Flere job"
    db.session.commit()
    assert current_version() != before


def test_a_commit_without_changes_and_a_rolled_back_change_keep_the_version(db, goal):
    before = current_version()
    db.session.commit()
    assert current_version() == before
    goal.title = "Aldrig gemt"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert current_version() == before


def test_log_in_and_the_audit_trail_keep_the_version(db, client, make_user, org):
    user = make_user("viewer", org)
    db.session.commit()
    before = current_version()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.last_login_at is not None  # log-in sets it and writes a log-in event
    record("test.event", "organisation", org.id, organisation_id=org.id)
    db.session.commit()
    assert current_version() == before


def test_bulk_and_raw_writes_give_a_new_version(db, goal):
    kpi = goal.kpis[0]
    before = current_version()
    db.session.execute(sa.insert(Measurement), [{"kpi_id": kpi.id, "period": date(2021, 1, 1), "value": 700}])
    db.session.commit()
    after_bulk = current_version()
    assert after_bulk != before
    db.session.execute(sa.text("SELECT count(*) FROM measurement"))
    db.session.commit()
    assert current_version() == after_bulk
    db.session.execute(sa.text("UPDATE goal SET title = 'Rå SQL' WHERE id = :id"), {"id": goal.id})
    db.session.commit()
    assert current_version() != after_bulk


# --- the goal page ------------------------------------------------------------------------------------------


def test_the_second_view_takes_the_part_from_the_cache(client, login, org, goal, builds, count_queries):
    login("viewer")
    first = client.get(goal_url(org, goal))
    with count_queries() as statements:
        second = client.get(goal_url(org, goal))
    assert first.status_code == second.status_code == 200
    assert len(builds) == 1
    # the same page but for the CSRF tokens, which carry the second they were signed in
    assert without_csrf_tokens(second.get_data(as_text=True)) == without_csrf_tokens(
        first.get_data(as_text=True)
    )
    assert "Erhvervsservice" in second.get_data(as_text=True)
    assert not any("FROM measurement" in s for s in statements)


def test_a_new_measurement_shows_at_once(client, login, org, goal, builds):
    editor = login("editor", locale="en")
    kpi = goal.kpis[0]
    kpi.owner_user_id = editor.id  # an editor enters measurements for their own KPIs
    _db.session.commit()
    assert "700 personer" not in client.get(goal_url(org, goal)).get_data(as_text=True)  # not an id: 3700
    response = client.post(
        f"/o/{org.slug}/kpis/{kpi.id}/measurements",
        data={"measurement-period": "2021-01-01", "measurement-value": "700"},
    )
    assert response.status_code == 302
    page = client.get(goal_url(org, goal)).get_data(as_text=True)
    assert "700 personer" in page
    assert len(builds) == 2


def test_a_status_update_shows_at_once(client, login, org, goal):
    login("editor", locale="en")
    plan = goal.action_plans[0]
    assert "Delayed" not in client.get(goal_url(org, goal)).get_data(as_text=True)
    response = client.post(
        f"/o/{org.slug}/action-plans/{plan.id}/update",
        data={"status": "delayed", "progress": "", "comment": "Mangler budget", "version": str(plan.version)},
    )
    assert response.status_code == 302
    assert "Delayed" in client.get(goal_url(org, goal)).get_data(as_text=True)


def reader(app, make_user, org, role: str, locale: str):
    """A client logged in as a new user; the users are made before any page is cached."""
    user = make_user(role, org, locale=locale)
    _db.session.commit()
    client = fresh_client(app)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_each_right_gets_its_own_part(app, make_user, org, goal, builds):
    viewer, admin = (reader(app, make_user, org, role, "en") for role in ("viewer", "admin"))
    viewer_page = viewer.get(goal_url(org, goal)).get_data(as_text=True)
    admin_page = admin.get(goal_url(org, goal)).get_data(as_text=True)
    assert len(builds) == 2
    assert f"/o/{org.slug}/goals/{goal.id}/kpis/new" in admin_page
    assert f"/o/{org.slug}/goals/{goal.id}/kpis/new" not in viewer_page


def test_each_language_gets_its_own_part(app, make_user, org, goal, builds):
    english, danish = (reader(app, make_user, org, "viewer", locale) for locale in ("en", "da"))
    english_page = english.get(goal_url(org, goal)).get_data(as_text=True)
    danish_page = danish.get(goal_url(org, goal)).get_data(as_text=True)
    assert len(builds) == 2
    assert "Progress charts" in english_page and "Grafer over fremdrift" in danish_page
    assert "Progress charts" not in danish_page


def test_the_part_is_built_again_the_next_day(client, login, org, goal, builds, monkeypatch):
    login("viewer")
    client.get(goal_url(org, goal))

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.fromordinal(date.today().toordinal() + 1)

    monkeypatch.setattr(page_cache, "date", Tomorrow)
    client.get(goal_url(org, goal))
    assert len(builds) == 2


def test_the_shared_part_holds_nothing_of_the_reader(client, login, org, goal, monkeypatch):
    kept = []
    original = page_cache.fragment

    def keeping(*args, **kwargs):
        part = original(*args, **kwargs)
        kept.append(part)
        return part

    monkeypatch.setattr(page_cache, "fragment", keeping)
    login("admin", name="Læseren Lis")
    page = client.get(goal_url(org, goal)).get_data(as_text=True)
    assert "Læseren Lis" in page and 'name="csrf_token"' in page  # the page has both …
    (part,) = kept
    assert "Læseren Lis" not in part.html and "csrf_token" not in part.html  # … its shared part neither


def test_the_compressed_page_is_the_page(client, login, org, goal):
    login("viewer")
    plain = client.get(goal_url(org, goal))
    for _ in range(2):  # built, then from the cache
        packed = client.get(goal_url(org, goal), headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert without_csrf_tokens(gzip.decompress(packed.data)) == without_csrf_tokens(plain.data)


def test_an_archived_goal_is_not_served_from_the_part_of_the_active_one(client, login, org, goal):
    login("admin", locale="en")
    assert "New KPI" in client.get(goal_url(org, goal)).get_data(as_text=True)
    _db.session.get(Goal, goal.id).archived_at = _db.func.now()
    _db.session.commit()
    page = client.get(goal_url(org, goal)).get_data(as_text=True)
    assert "This goal is archived" in page and "New KPI" not in page


# --- conditional GET ----------------------------------------------------------------------------------------


def _tag(response) -> str:
    tag = response.headers["ETag"]
    assert tag.startswith('W/"')  # weak: the same for every encoding of the page
    return tag


def test_a_repeat_view_is_not_modified(client, login, org, goal, builds):
    login("viewer")
    first = client.get(goal_url(org, goal), headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    tag = _tag(first)
    for encoding in ("gzip", "br", "identity"):
        again = client.get(goal_url(org, goal), headers={"If-None-Match": tag, "Accept-Encoding": encoding})
        assert again.status_code == 304
        assert again.data == b""
        assert again.headers["ETag"] == tag
    assert len(builds) == 1


def test_a_change_of_the_data_draws_the_page_again(client, login, org, goal):
    login("viewer")
    tag = _tag(client.get(goal_url(org, goal)))
    _db.session.get(Goal, goal.id).action_plans[0].title = "Iværksætterhuset"
    _db.session.commit()
    again = client.get(goal_url(org, goal), headers={"If-None-Match": tag})
    assert again.status_code == 200 and "Iværksætterhuset" in again.get_data(as_text=True)
    assert _tag(again) != tag


def test_another_reader_language_or_day_gets_its_own_tag(app, make_user, org, goal, monkeypatch):
    english, danish, admin = (
        reader(app, make_user, org, role, locale)
        for role, locale in (("viewer", "en"), ("viewer", "da"), ("admin", "en"))
    )
    tag = _tag(english.get(goal_url(org, goal)))
    for other in (danish, admin):  # another language, other rights; and another session and reader
        response = other.get(goal_url(org, goal), headers={"If-None-Match": tag})
        assert response.status_code == 200 and _tag(response) != tag

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.fromordinal(date.today().toordinal() + 1)

    monkeypatch.setattr(page_cache, "date", Tomorrow)
    assert english.get(goal_url(org, goal), headers={"If-None-Match": tag}).status_code == 200


def test_a_page_with_a_message_is_drawn_and_gets_no_tag(client, login, org, goal):
    login("viewer")
    tag = _tag(client.get(goal_url(org, goal)))
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Gemt.")]
    shown = client.get(goal_url(org, goal), headers={"If-None-Match": tag})
    assert shown.status_code == 200 and "Gemt." in shown.get_data(as_text=True)
    assert "ETag" not in shown.headers  # a repeat view must not show the message again
    assert client.get(goal_url(org, goal), headers={"If-None-Match": tag}).status_code == 304


def test_a_visitor_of_the_public_page_gets_304_within_the_session(app, db, goal):
    goal.strategy.published = True
    db.session.commit()
    url = f"/public/{goal.strategy.organisation.slug}/strategies/{goal.strategy_id}"
    visitor = fresh_client(app)
    tag = _tag(visitor.get(url))  # the first view starts the session that its language form needs
    assert visitor.get(url, headers={"If-None-Match": tag}).status_code == 304
    # another session has another CSRF secret, so its page (and its forms' tokens) are drawn for it
    assert fresh_client(app).get(url, headers={"If-None-Match": tag}).status_code == 200


# --- every page with a cached part --------------------------------------------------------------------------


def _rename_plan(goal):
    goal.action_plans[0].title = "Iværksætterhuset"


def _rename_goal(goal):
    goal.title = "Iværksætterhuset"


EVERY_PAGE = [
        ("strategitracker.goals.routes", "_goal_body", "/o/{slug}/goals/{goal}", _rename_plan),
        ("strategitracker.dashboards.routes", "_dashboard_body",
         "/o/{slug}/strategies/{strategy}/dashboard", _rename_goal),
        ("strategitracker.reports.routes", "_report_body", "/o/{slug}/strategies/{strategy}/report",
         _rename_plan),
        ("strategitracker.public.routes", "_body", "/public/{slug}/strategies/{strategy}", _rename_goal),
        ("strategitracker.public.routes", "_goal_body", "/public/{slug}/strategies/{strategy}/goals/{goal}",
         _rename_plan),
]  # fmt: skip


@pytest.mark.parametrize("module, builder, path, change", EVERY_PAGE)
def test_each_page_keeps_its_part_until_the_data_changes(
    client, login, db, org, goal, monkeypatch, module, builder, path, change
):
    views = importlib.import_module(module)
    calls = []
    original = getattr(views, builder)
    monkeypatch.setattr(views, builder, lambda *args: calls.append(1) or original(*args))
    goal.strategy.published = True
    db.session.commit()
    login("viewer")
    url = path.format(slug=org.slug, goal=goal.id, strategy=goal.strategy_id)
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and len(calls) == 1
    assert without_csrf_tokens(first.data) == without_csrf_tokens(second.data)
    assert "Iværksætterhuset" not in first.get_data(as_text=True)
    tag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    change(goal)
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "Iværksætterhuset" in changed.get_data(as_text=True)
    assert len(calls) == 2


def test_an_unpublished_strategy_is_not_served_from_its_cached_part(client, db, goal):
    strategy = goal.strategy
    strategy.published = True
    db.session.commit()
    url = f"/public/{strategy.organisation.slug}/strategies/{strategy.id}"
    assert client.get(url).status_code == 200
    strategy.published = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_the_report_draws_again_only_the_kpi_a_change_touched(client, login, db, org, goal, monkeypatch):
    """The report keeps each KPI's HTML and each goal's action plans under their content (charts.content_key):
    a new version of the data draws the whole page again but only what changed in it."""
    drawn = []
    original = pages.frozen_kpi_chart
    monkeypatch.setattr(
        pages, "frozen_kpi_chart", lambda kpi, *a, **kw: drawn.append(kpi["name"]) or original(kpi, *a, **kw)
    )
    other = factories.kpi(goal, name="Nye virksomheder", kind="number", unit="virksomheder")
    factories.measurement(other, date(2020, 1, 1), 140)
    db.session.commit()
    login("viewer")
    url = f"/o/{org.slug}/strategies/{goal.strategy_id}/report"

    before = opened(client.get(url).get_data(as_text=True))
    assert sorted(drawn) == ["Ledighed", "Nye virksomheder"] and "812 personer" in before
    measurement = db.session.scalar(sa.select(Measurement).where(Measurement.value == 812))
    measurement.value = 797
    db.session.commit()
    page = opened(client.get(url).get_data(as_text=True))
    assert drawn[2:] == ["Ledighed"]  # the other KPI came from the cache
    assert "797 personer" in page and "812 personer" not in page  # values, not ids

    goal.title = "Iværksætterhuset"  # in the action plans' caption: their HTML is drawn again
    db.session.commit()
    page = opened(client.get(url).get_data(as_text=True))
    assert drawn[3:] == []
    assert "Handleplaner for Iværksætterhuset" in page


# --- the page kept compressed (compression.py) --------------------------------------------------------------

BROTLI = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def drawn(monkeypatch):
    """How often a page was drawn: every view that is drawn asks for its part."""
    calls = []
    original = page_cache.fragment
    monkeypatch.setattr(page_cache, "fragment", lambda *a, **kw: calls.append(a[0]) or original(*a, **kw))
    return calls


@pytest.mark.parametrize("module, builder, path, change", EVERY_PAGE)
def test_each_page_is_sent_again_as_it_was_compressed(
    client, login, db, org, goal, drawn, module, builder, path, change
):
    goal.strategy.published = True
    db.session.commit()
    login("viewer")
    url = path.format(slug=org.slug, goal=goal.id, strategy=goal.strategy_id)
    first = client.get(url, headers=BROTLI)
    assert first.headers["Content-Encoding"] == "br" and len(drawn) == 1
    second = client.get(url, headers=BROTLI)
    # neither drawn nor compressed again: the same bytes, its CSRF tokens (still valid) included
    assert second.status_code == 200 and len(drawn) == 1
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Encoding"] == "br" and "Accept-Encoding" in second.headers["Vary"]
    assert int(second.headers["Content-Length"]) == len(second.data)
    page = brotli.decompress(second.data)
    assert b"Erhvervsstrategi" in page

    # another encoding is drawn and kept for itself; a client that takes none gets the page as it is
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and len(drawn) == 2
    assert without_csrf_tokens(gzip.decompress(packed.data)) == without_csrf_tokens(page)
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and len(drawn) == 3
    assert without_csrf_tokens(plain.data) == without_csrf_tokens(page)

    change(goal)
    db.session.commit()
    changed = client.get(url, headers=BROTLI)
    assert b"Iv\xc3\xa6rks\xc3\xa6tterhuset" in brotli.decompress(changed.data) and len(drawn) == 4
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_kept_page_is_only_sent_to_its_reader(app, make_user, org, goal, drawn):
    first, second = (reader(app, make_user, org, "viewer", "da") for _ in range(2))
    with app.app_context():
        names = [u.name for u in _db.session.scalars(sa.select(User).order_by(User.id.desc()).limit(2))]
    for client in (first, second, first, second):
        page = brotli.decompress(client.get(goal_url(org, goal), headers=BROTLI).data).decode()
        own = names[1] if client is first else names[0]
        other = names[0] if client is first else names[1]
        assert own in page and other not in page
    assert len(drawn) == 2  # once for each reader


def test_a_page_with_a_message_is_not_kept(client, login, org, goal, drawn):
    login("viewer")
    client.get(goal_url(org, goal), headers=BROTLI)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Gemt.")]
    shown = client.get(goal_url(org, goal), headers=BROTLI)
    assert "Gemt." in brotli.decompress(shown.data).decode() and len(drawn) == 2
    again = client.get(goal_url(org, goal), headers=BROTLI)
    assert "Gemt." not in brotli.decompress(again.data).decode() and len(drawn) == 2


def test_the_address_is_part_of_the_kept_page(client, login, org, goal, drawn):
    """The language form returns to the address the page was asked for, with its query."""
    login("viewer")
    asked = brotli.decompress(client.get(goal_url(org, goal) + "?fra=mail", headers=BROTLI).data).decode()
    plain = brotli.decompress(client.get(goal_url(org, goal), headers=BROTLI).data).decode()
    assert len(drawn) == 2
    assert f'value="{goal_url(org, goal)}?fra=mail"' in asked
    assert "fra=mail" not in plain


def test_the_forms_of_a_kept_page_are_accepted(app, client, login, org, goal, drawn, monkeypatch):
    """A kept page carries the CSRF token of its first view, which stays valid for the session."""
    login("viewer", locale="da")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    first = client.get(goal_url(org, goal), headers=BROTLI)
    kept = client.get(goal_url(org, goal), headers=BROTLI)
    assert kept.data == first.data and len(drawn) == 1
    page = brotli.decompress(kept.data).decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/language", data={"csrf_token": token, "locale": "en", "next": goal_url(org, goal)})
    assert answer.status_code == 302
    assert "Progress charts" in client.get(goal_url(org, goal)).get_data(as_text=True)
