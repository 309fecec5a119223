"""Search in an organisation and over published strategies: what is found, grouped by kind, and that
nothing of another organisation (or archived, unless asked) is. Runs on SQLite and on PostgreSQL
(full-text search in the Danish configuration there)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from strategitracker.extensions import db as _db
from strategitracker.services import search
from tests import factories, workshop_factories


@pytest.fixture
def thisted(db):
    org = factories.organisation(slug="thisted", name="Thisted Kommune")
    strategy = factories.strategy(org, title="Erhvervsstrategi", vision="Et stærkt erhvervsliv")
    goal = factories.goal(strategy, title="Flere virksomheder", description="Hjælp fra Erhvervskontakten")
    kpi = factories.kpi(goal, name="Tilfredshed med Erhvervskontakten")
    plans = [
        factories.action_plan(
            goal, title="Åben rådgivning", description="Erhvervskontakten holder åbent hus"
        ),
        factories.action_plan(goal, title="Erhvervskontakten på besøg"),
    ]
    factories.action_plan(goal, title="Cykelstier")
    old = factories.action_plan(goal, title="Gammel Erhvervskontakten-kampagne")
    old.archived_at = datetime.now(UTC)
    workshop = workshop_factories.workshop(org, title="Værksted om Erhvervskontakten")
    _db.session.commit()
    return {
        "org": org,
        "strategy": strategy,
        "goal": goal,
        "kpi": kpi,
        "plans": plans,
        "old": old,
        "ws": workshop,
    }


def _ids(found, kind):
    return {hit.id for hit in found[kind]}


def test_a_member_of_thisted_finds_the_kpi_and_the_plans_that_name_it(client, login, thisted):
    login("viewer", organisation=thisted["org"])
    response = client.get("/o/thisted/search?q=Erhvervskontakten")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tilfredshed med Erhvervskontakten" in text
    assert "Åben rådgivning" in text and "Erhvervskontakten på besøg" in text
    assert "Cykelstier" not in text and "Gammel Erhvervskontakten-kampagne" not in text
    assert 'aria-live="polite"' in text


def test_results_are_grouped_by_kind(thisted):
    found = search.search(thisted["org"], "Erhvervskontakten")
    assert list(found) == list(search.KINDS)
    assert _ids(found, "kpi") == {thisted["kpi"].id}
    assert _ids(found, "action_plan") == {plan.id for plan in thisted["plans"]}
    assert _ids(found, "goal") == {thisted["goal"].id}
    assert _ids(found, "workshop") == {thisted["ws"].id}
    assert _ids(search.search(thisted["org"], "erhvervsliv"), "strategy") == {thisted["strategy"].id}


def test_a_member_of_another_organisation_finds_nothing_of_thisted(client, login, thisted, other_org):
    factories.strategy(other_org, title="Anden strategi")
    _db.session.commit()
    login("admin", organisation=other_org)
    own = client.get(f"/o/{other_org.slug}/search?q=Erhvervskontakten").get_data(as_text=True)
    assert "Tilfredshed" not in own and "Åben rådgivning" not in own and "Værksted om" not in own
    assert all(not hits for hits in search.search(other_org, "Erhvervskontakten").values())
    assert client.get("/o/thisted/search?q=Erhvervskontakten").status_code == 404


def test_archived_items_only_when_asked(thisted):
    assert thisted["old"].id not in _ids(search.search(thisted["org"], "kampagne"), "action_plan")
    found = search.search(thisted["org"], "kampagne", include_archived=True)
    assert _ids(found, "action_plan") == {thisted["old"].id}
    assert found["action_plan"][0].archived


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "a\x00b", "x" * 5000, "\"'-!|&:*()"])
def test_odd_queries_find_nothing_and_never_fail(client, login, thisted, query):
    login("viewer", organisation=thisted["org"])
    response = client.get("/o/thisted/search", query_string={"q": query})
    assert response.status_code in (200, 400)  # a NUL byte is refused before the view
    assert "Tilfredshed" not in response.get_data(as_text=True)


def test_danish_words_are_found_in_other_forms_on_postgresql(thisted):
    found = search.search(thisted["org"], "erhvervskontakt")
    assert _ids(found, "kpi") == {thisted["kpi"].id}
    if _db.engine.dialect.name == "postgresql":
        # the Danish stemmer: the genitive finds the definite form
        assert _ids(search.search(thisted["org"], "Erhvervskontaktens"), "kpi") == {thisted["kpi"].id}


def test_public_search_finds_published_strategies_only(client, thisted, other_org):
    hidden = factories.strategy(other_org, title="Hemmelig erhvervsstrategi")
    thisted["strategy"].published = True
    _db.session.commit()
    response = client.get("/public/search?q=Erhvervskontakten")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Erhvervsstrategi" in text and "Thisted Kommune" in text
    assert hidden.title not in client.get("/public/search?q=erhvervsstrategi").get_data(as_text=True)
    assert client.get("/public/search?q=%25").status_code == 200


def test_search_reads_a_fixed_number_of_statements(client, login, thisted, count_queries):
    login("viewer", organisation=thisted["org"])

    def measure() -> int:
        assert client.get("/o/thisted/search?q=Erhvervskontakten").status_code == 200
        with count_queries() as statements:
            assert client.get("/o/thisted/search?q=Erhvervskontakten").status_code == 200
        return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))])

    small = measure()
    for n in range(19):
        goal = factories.goal(thisted["strategy"], description=f"Erhvervskontakten {n}")
        factories.kpi(goal, name=f"Erhvervskontakten {n}")
        factories.action_plan(goal, title=f"Erhvervskontakten {n}")
    _db.session.commit()
    assert measure() == small
