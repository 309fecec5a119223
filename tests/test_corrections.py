"""Correcting mistakes: a measurement or target deleted, a baseline changed, each with a reason that the
audit log keeps with the old values; every page, the public one included, shows the change at once."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, KPITarget, Measurement
from tests import factories
from tests.test_authorization_matrix import snapshot

SLUG = "testkommune"  # the slug of the `org` fixture
WRONG = 8123  # the mistyped value: distinctive, so a page showing it is easy to find


@pytest.fixture
def kpi(org):
    strategy = factories.strategy(org, title="Erhvervsstrategi", published=True)
    goal = factories.goal(strategy, title="Flere virksomheder")
    kpi = factories.kpi(
        goal,
        name="Nye virksomheder",
        kind="number",
        unit="stk.",
        baseline_value=100,
        baseline_date=date(2019, 1, 1),
    )
    factories.measurement(kpi, date(2020, 1, 1), 120)
    _db.session.commit()
    return kpi


@pytest.fixture
def wrong(kpi):
    measurement = factories.measurement(kpi, date(2021, 1, 1), WRONG, note="tastefejl")
    _db.session.commit()
    return measurement


def pages(kpi) -> dict[str, str]:
    goal = kpi.goal
    return {
        "kpi": f"/o/{SLUG}/kpis/{kpi.id}",
        "goal": f"/o/{SLUG}/goals/{goal.id}",
        "report": f"/o/{SLUG}/strategies/{goal.strategy_id}/report",
        "dashboard": f"/o/{SLUG}/strategies/{goal.strategy_id}/dashboard",
        "public": f"/public/{SLUG}/strategies/{goal.strategy_id}",
    }


def responsible(user, kpi):
    """Make `user` the KPI's responsible person: an editor enters and deletes their own KPIs' values."""
    kpi.owner_user_id = user.id
    _db.session.commit()
    return user


def shows_wrong_value(text: str) -> bool:
    return any(form in text for form in ("8.123", "8,123", "8123", "8\u00a0123"))


def test_a_deleted_measurement_disappears_from_every_page(client, login, kpi, wrong):
    editor, wrong_id = responsible(login("editor"), kpi), wrong.id
    for name, path in pages(kpi).items():
        response = client.get(path)
        assert response.status_code == 200, name
        assert shows_wrong_value(response.get_data(as_text=True)), name  # also fills the page cache

    confirm = client.get(f"/o/{SLUG}/measurements/{wrong_id}/delete")
    assert confirm.status_code == 200 and "Begrundelse" in confirm.get_data(as_text=True)
    response = client.post(f"/o/{SLUG}/measurements/{wrong_id}/delete", data={"reason": "Indtastet for 2021"})
    assert response.status_code == 302

    assert _db.session.get(Measurement, wrong_id) is None
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "measurement.delete"))
    assert (event.entity_id, event.user_id, event.organisation_id) == (
        wrong_id,
        editor.id,
        kpi.goal.strategy.organisation_id,
    )
    assert event.before["value"] == WRONG and event.before["period"] == "2021-01-01"
    assert event.after == {"reason": "Indtastet for 2021"}
    for name, path in pages(kpi).items():
        response = client.get(path)
        assert response.status_code == 200, name
        assert not shows_wrong_value(response.get_data(as_text=True)), name


@pytest.mark.parametrize("role, offered", [("viewer", False), ("editor", True)])
def test_the_kpi_page_offers_delete_and_correct_to_editors(client, login, kpi, wrong, role, offered):
    responsible(login(role), kpi)
    page = client.get(pages(kpi)["kpi"]).get_data(as_text=True)
    assert (f"/measurements/{wrong.id}/delete" in page) is offered
    assert (f"/measurements/{wrong.id}/edit" in page) is offered
    assert (">Slet<" in page and ">Ret<" in page) is offered  # the buttons in Danish


def test_a_deletion_without_a_reason_is_refused(client, login, kpi, wrong):
    responsible(login("editor"), kpi)
    before = snapshot()
    response = client.post(f"/o/{SLUG}/measurements/{wrong.id}/delete", data={"reason": "  "})
    assert response.status_code == 400
    assert "Angiv en begrundelse: den gemmes i revisionsloggen." in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_viewer_cannot_delete(client, login, kpi, wrong):
    login("viewer")
    path = f"/o/{SLUG}/measurements/{wrong.id}/delete"
    assert client.get(path).status_code == 403
    assert client.post(path, data={"reason": "x"}).status_code == 403
    assert _db.session.get(Measurement, wrong.id) is not None


def test_another_organisations_measurement_and_target_are_not_found(client, login, org, other_org):
    goal = factories.goal(factories.strategy(other_org))
    theirs = factories.kpi(goal)
    measurement = factories.measurement(theirs, date(2020, 1, 1), 5)
    target = factories.target(theirs, 9, date(2030, 1, 1))
    _db.session.commit()
    login("admin")
    before = snapshot()
    for path in (
        f"/o/{org.slug}/measurements/{measurement.id}/delete",
        f"/o/{org.slug}/targets/{target.id}/delete",
    ):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"reason": "x"}).status_code == 404
    assert snapshot() == before


def test_a_facilitator_deletes_a_target_with_a_reason(client, login, kpi):
    old = factories.target(kpi, 150, date(2025, 1, 1), set_on=date(2020, 1, 1))
    new = factories.target(kpi, 1500, date(2025, 1, 1), set_on=date(2021, 1, 1))
    _db.session.commit()
    old_id, new_id = old.id, new.id
    facilitator = login("facilitator")
    page = client.get(pages(kpi)["kpi"]).get_data(as_text=True)
    assert f"/targets/{new_id}/delete" in page
    response = client.post(f"/o/{SLUG}/targets/{new_id}/delete", data={"reason": "Et nul for meget"})
    assert response.status_code == 302
    assert [t.id for t in _db.session.scalars(sa.select(KPITarget))] == [
        old_id
    ]  # the earlier one is current again
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "kpi.target_delete"))
    assert event.user_id == facilitator.id and event.entity_id == new_id
    assert event.before["value"] == 1500 and event.after == {"reason": "Et nul for meget"}


def test_correct_on_a_target_fills_the_target_form_with_it(client, login, kpi):
    target = factories.target(kpi, 175, date(2026, 1, 1))
    _db.session.commit()
    login("facilitator")
    page = client.get(f"{pages(kpi)['kpi']}?correct_target={target.id}").get_data(as_text=True)
    assert 'value="175"' in page and 'value="2026-01-01"' in page
