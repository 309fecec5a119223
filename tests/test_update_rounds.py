"""Update rounds through the pages: a facilitator opens one, the owners get their requests by e-mail, the
round page counts answers, a reminder goes only to those who have not answered, closing records who did."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from strategitracker import progress
from strategitracker.extensions import db as _db
from strategitracker.models import ActionPlan, UpdateRequest, UpdateRound
from tests import factories
from tests.conftest import PASSWORD
from tests.smtp_inbox import free_port, smtp_server

BASE_URL = "http://127.0.0.1:5000"


@pytest.fixture
def inbox(app, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    with smtp_server(port) as received:
        yield received


@pytest.fixture
def strategy(org, other_org, make_user):
    """A strategy with two owners: Anna (an open plan and a yearly KPI due) and Bo (an open plan); a done
    plan and another organisation's plan are never asked for."""
    anna = make_user("editor", org, name="Anna Ejer")
    bo = make_user("editor", org, name="Bo Ejer", locale="en")
    strategy = factories.strategy(org, title="Erhvervsstrategi")
    goal = factories.goal(strategy, title="Bedre erhvervsklima")
    factories.action_plan(goal, title="Annas plan", owner_user_id=anna.id, status="in_progress", progress=20)
    factories.action_plan(goal, title="Bos plan", owner_user_id=bo.id, status="in_progress")
    factories.action_plan(goal, title="Færdig plan", owner_user_id=bo.id, status="done", progress=100)
    kpi = factories.kpi(goal, name="Annas nøgletal", frequency="yearly", owner_user_id=anna.id)
    factories.measurement(kpi, progress.add_months(date.today().replace(day=1), -12), 10)
    foreign = factories.goal(factories.strategy(other_org))
    factories.action_plan(foreign, title="Fremmed plan", owner_user_id=anna.id)
    _db.session.commit()
    return strategy


def log_in(client, email: str) -> None:
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_a_round_from_opening_to_closing(inbox, client, login, org, strategy):
    facilitator = login("facilitator")
    rounds_url = f"/o/{org.slug}/strategies/{strategy.id}/rounds"
    strategy_page = client.get(f"/o/{org.slug}/strategies/{strategy.id}").get_data(as_text=True)
    assert rounds_url in strategy_page

    deadline = date.today() + timedelta(days=10)
    response = client.post(rounds_url, data={"deadline": deadline.isoformat(), "message": "Før byrådsmødet."})
    assert response.status_code == 302
    update_round = _db.session.scalar(sa.select(UpdateRound).where(UpdateRound.strategy_id == strategy.id))
    round_url = f"/o/{org.slug}/rounds/{update_round.id}"
    assert response.headers["Location"].endswith(round_url)

    anna_mail = next(m for m in inbox.messages if "Annas plan" in m.text)
    bo_mail = next(m for m in inbox.messages if "Bos plan" in m.text)
    assert len(inbox.messages) == 2
    assert anna_mail.subject == "Opdatering ønskes i Testkommune"
    assert "Annas nøgletal" in anna_mail.text and "Før byrådsmødet." in anna_mail.text
    assert "Bos plan" not in anna_mail.text and "Fremmed plan" not in anna_mail.text
    assert bo_mail.subject == "Update requested in Testkommune"
    assert "Færdig plan" not in bo_mail.text
    kpi_period = progress.add_months(date.today().replace(day=1), 0)
    assert (
        _db.session.scalar(sa.select(UpdateRequest.period).where(UpdateRequest.kpi_id.is_not(None)))
        == kpi_period
    )

    page = client.get(round_url).get_data(as_text=True)
    assert "Anna Ejer" in page and "Bo Ejer" in page
    assert "Besvaret: 0" in page and "Endnu ikke: 3" in page

    # Anna updates her plan through its page and enters the KPI's period; Bo does nothing
    anna_email, bo_email = anna_mail.recipients[0], bo_mail.recipients[0]
    plan = _db.session.scalar(sa.select(ActionPlan).where(ActionPlan.title == "Annas plan"))
    log_in(client, anna_email)
    answered = client.post(
        f"/o/{org.slug}/action-plans/{plan.id}/update",
        data={"status": "in_progress", "progress": "50", "comment": "Godt i gang.", "version": plan.version},
    )
    assert answered.status_code == 302
    kpi = plan.goal.kpis[0]
    factories.measurement(kpi, kpi_period, 12)
    _db.session.commit()

    log_in(client, facilitator.email)
    page = client.get(round_url).get_data(as_text=True)
    assert "Besvaret: 2" in page and "Endnu ikke: 1" in page

    assert client.post(f"{round_url}/remind").status_code == 302
    reminders = inbox.messages[2:]
    assert [m.recipients for m in reminders] == [[bo_email]]
    assert (
        reminders[0].subject == "Reminder: update requested in Testkommune"
        and "Bos plan" in reminders[0].text
    )
    client.post(f"{round_url}/remind")  # the same day: not again
    assert len(inbox.messages) == 3

    assert client.post(f"{round_url}/close").status_code == 302
    _db.session.refresh(update_round)
    assert update_round.closed_at is not None and update_round.closed_by_id == facilitator.id
    answered_at = {r.owner.name: r.answered_at is not None for r in update_round.requests}
    assert answered_at == {"Anna Ejer": True, "Bo Ejer": False}
    page = client.get(round_url).get_data(as_text=True)
    assert "Lukket" in page and "Besvaret: 2" in page
    assert "Send en påmindelse" not in page


def test_a_late_item_shows_as_late_and_bad_deadlines_are_refused(inbox, client, login, org, strategy):
    login("facilitator")
    rounds_url = f"/o/{org.slug}/strategies/{strategy.id}/rounds"
    past = client.post(rounds_url, data={"deadline": (date.today() - timedelta(days=1)).isoformat()})
    assert past.status_code == 400 and "Fristen må ikke ligge i fortiden." in past.get_data(as_text=True)
    assert client.post(rounds_url, data={"deadline": "31-02-2026"}).status_code == 400
    assert not _db.session.scalar(sa.select(sa.func.count()).select_from(UpdateRound))

    assert client.post(rounds_url, data={"deadline": date.today().isoformat()}).status_code == 302
    again = client.post(rounds_url, data={"deadline": date.today().isoformat()})
    assert again.status_code == 400 and "Se, hvem der har svaret" in again.get_data(as_text=True)
    update_round = _db.session.scalar(sa.select(UpdateRound))
    update_round.deadline = date.today() - timedelta(days=1)
    update_round.opened_at = datetime.now(UTC) - timedelta(days=5)
    _db.session.commit()
    page = client.get(f"/o/{org.slug}/rounds/{update_round.id}").get_data(as_text=True)
    assert "For sent: 3" in page


def test_only_facilitators_run_rounds_and_never_in_another_organisation(
    client, login, org, other_org, strategy
):
    login("editor")
    assert client.get(f"/o/{org.slug}/strategies/{strategy.id}/rounds").status_code == 403
    assert f"/strategies/{strategy.id}/rounds" not in client.get(
        f"/o/{org.slug}/strategies/{strategy.id}"
    ).get_data(as_text=True)
    client.post("/logout")
    login("facilitator", other_org)
    assert client.get(f"/o/{other_org.slug}/strategies/{strategy.id}/rounds").status_code == 404
    assert client.get(f"/o/{org.slug}/strategies/{strategy.id}/rounds").status_code == 404
