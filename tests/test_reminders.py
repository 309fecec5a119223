"""Reminder digests and escalations over a real SMTP server: what arrives, to whom, in which language,
with working links; nothing twice; nothing of another organisation; a failed e-mail is sent by a later run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from strategitracker import PROJECT_ROOT, create_app, progress
from strategitracker.extensions import db as _db
from strategitracker.extensions import limiter
from strategitracker.models import ActionPlanUpdate, ReminderPreference, SentNotification, User
from strategitracker.services import reminder
from tests import factories
from tests.conftest import PASSWORD
from tests.smtp_inbox import free_port, smtp_server
from tests.support import fresh_client

BASE_URL = "http://127.0.0.1:5000"


@pytest.fixture
def smtp_port(app, monkeypatch) -> int:
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    return port


@pytest.fixture
def inbox(smtp_port):
    with smtp_server(smtp_port) as received:
        yield received


@dataclass
class Owned:
    user: User
    kpi_name: str
    overdue_plan: str
    quiet_plan: str
    goal_id: int


def own_items(org, user: User, label: str, goal_owner: User | None = None) -> Owned:
    """A stale KPI, an overdue plan and a plan without an update for 60 days, all owned by `user`."""
    today = date.today()
    goal = factories.goal(
        factories.strategy(org), title=f"Mål {label}", owner_user_id=goal_owner.id if goal_owner else None
    )
    kpi = factories.kpi(
        goal,
        name=f"Ledighed {label}",
        frequency="yearly",
        owner_user_id=user.id,
        baseline_value=5,
        baseline_date=progress.add_months(today.replace(day=1), -48),
    )
    factories.measurement(kpi, progress.add_months(today.replace(day=1), -36), 4)
    factories.action_plan(
        goal,
        title=f"Forsinket plan {label}",
        owner_user_id=user.id,
        status="in_progress",
        due_date=today - timedelta(days=3),
    )
    long_ago = datetime.now(UTC) - timedelta(days=60)
    quiet = factories.action_plan(
        goal, title=f"Stille plan {label}", owner_user_id=user.id, status="in_progress", created_at=long_ago
    )
    _db.session.add(
        ActionPlanUpdate(action_plan=quiet, new_status="in_progress", progress=10, created_at=long_ago)
    )
    _db.session.flush()
    return Owned(user, kpi.name, f"Forsinket plan {label}", quiet.title, goal.id)


def run(runner, *args: str):
    return runner.invoke(args=["reminders", "send", *args])


def log_in(client, user: User) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_digest_in_danish_lists_the_owners_items_with_working_links(
    inbox, runner, client, org, other_org, make_user
):
    editor = make_user("editor", org, name="Erik Ejer")
    mine = own_items(org, editor, "A")
    stranger = make_user("editor", other_org)
    own_items(other_org, stranger, "Fremmed")
    _db.session.commit()

    result = run(runner, "--org", org.slug)
    assert result.exit_code == 0, result.output

    [digest] = inbox.to(editor.email)
    assert digest.recipients == [editor.email]
    assert digest.subject == "Dine opdateringer i Testkommune"
    assert "Kære Erik Ejer" in digest.text
    for title in (mine.kpi_name, mine.overdue_plan, mine.quiet_plan):
        assert title in digest.text and title in digest.html
    assert "Nøgletal, der venter på en ny måling" in digest.text
    assert "Fremmed" not in digest.text and "Fremmed" not in digest.html
    assert not inbox.to(stranger.email)  # only --org's owners

    links = digest.links(BASE_URL)
    settings_link = next(link for link in links if "/reminders/settings/" in link)
    log_in(client, editor)
    for link in links:
        if link != settings_link:
            assert client.get(link).status_code == 200, link
    anonymous = fresh_client(client.application)
    page = anonymous.get(settings_link)
    assert page.status_code == 200 and "Påmindelser" in page.get_data(as_text=True)
    assert anonymous.post(settings_link, data={"frequency": "off"}).status_code == 302
    assert reminder.frequency_of(editor) == "off"

    again = run(runner, "--org", org.slug)
    assert again.exit_code == 0, again.output
    assert len(inbox.messages) == 1


def test_a_user_of_two_organisations_gets_one_digest_each_with_only_its_items(
    inbox, runner, client, org, other_org, make_user
):
    consultant = make_user("editor", org, locale="en")
    factories.membership(consultant, other_org, "editor")
    here = own_items(org, consultant, "Her")
    there = own_items(other_org, consultant, "Der")
    _db.session.commit()

    assert run(runner).exit_code == 0
    digests = {m.subject: m for m in inbox.to(consultant.email)}
    assert set(digests) == {"Your updates in Testkommune", "Your updates in Anden Kommune"}
    assert here.kpi_name in digests["Your updates in Testkommune"].text
    assert there.kpi_name not in digests["Your updates in Testkommune"].text
    assert there.quiet_plan in digests["Your updates in Anden Kommune"].text
    assert here.quiet_plan not in digests["Your updates in Anden Kommune"].text
    assert "KPIs waiting for a new measurement" in digests["Your updates in Testkommune"].text
    links = digests["Your updates in Testkommune"].links(BASE_URL)
    [settings_link] = [link for link in links if "/settings/" in link]
    page = client.get(settings_link).get_data(as_text=True)  # not logged in: the e-mail's language
    assert "<h1>Reminders</h1>" in page


def test_daily_weekly_and_off(inbox, org, make_user):
    daily, weekly, off = (make_user("editor", org) for _ in range(3))
    for user in (daily, weekly, off):
        own_items(org, user, str(user.id))
    _db.session.add_all(
        [
            ReminderPreference(user_id=daily.id, frequency="daily"),
            ReminderPreference(user_id=off.id, frequency="off"),
        ]
    )
    monday = date(2026, 11, 30)
    for day in (monday, monday + timedelta(days=1)):
        reminder.run_day(org, day, dry_run=False, commit=_db.session.flush)
    assert len(inbox.to(daily.email)) == 2
    assert len(inbox.to(weekly.email)) == 1
    assert not inbox.to(off.email)


def test_late_items_are_escalated_once_to_the_goal_owner_or_else_the_facilitators(inbox, org, make_user):
    boss = make_user("viewer", org, name="Chefen")
    facilitator = make_user("facilitator", org)
    owner = make_user("editor", org, name="Olga Ejer")
    with_boss = own_items(org, owner, "Chef", goal_owner=boss)
    ownerless = own_items(org, owner, "Uden")
    for _ in range(2):
        reminder.run_day(org, date.today(), dry_run=False, commit=_db.session.flush)

    [to_boss] = inbox.to(boss.email)
    assert to_boss.subject == "Forsinkede opdateringer i Testkommune"
    # the KPI (stale for a year) and the quiet plan (30 days late) are late by more than 14 days; the overdue
    # plan (3 days) is not yet
    assert with_boss.kpi_name in to_boss.text and with_boss.quiet_plan in to_boss.text
    assert with_boss.overdue_plan not in to_boss.text
    assert "ansvarlig: Olga Ejer" in to_boss.text
    assert ownerless.kpi_name not in to_boss.text
    [to_facilitator] = inbox.to(facilitator.email)
    assert ownerless.kpi_name in to_facilitator.text and with_boss.kpi_name not in to_facilitator.text


def test_a_run_without_the_server_records_the_failure_and_the_next_run_delivers(
    smtp_port, runner, org, make_user
):
    editor = make_user("editor", org)
    own_items(org, editor, "A")
    _db.session.commit()

    down = run(runner)
    assert down.exit_code != 0
    assert "1 fejlede" in down.output
    row = _db.session.scalar(sa.select(SentNotification).where(SentNotification.user_id == editor.id))
    assert (row.status, row.attempts) == ("failed", 1) and row.last_error

    with smtp_server(smtp_port) as inbox:
        up = run(runner)
        assert up.exit_code == 0, up.output
        assert [m.recipients for m in inbox.messages] == [[editor.email]]
        _db.session.refresh(row)
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
        assert run(runner).exit_code == 0
        assert len(inbox.messages) == 1


def test_a_refused_recipient_is_recorded_and_the_others_are_delivered(inbox, runner, org, make_user):
    refused, accepted = make_user("editor", org), make_user("editor", org)
    own_items(org, refused, "A")
    own_items(org, accepted, "B")
    _db.session.commit()
    inbox.refuse.add(refused.email)

    result = run(runner)
    assert result.exit_code != 0 and "SMTPRecipientsRefused" in result.output
    assert [m.recipients for m in inbox.messages] == [[accepted.email]]
    inbox.refuse.clear()
    assert run(runner).exit_code == 0
    assert len(inbox.to(refused.email)) == 1 and len(inbox.to(accepted.email)) == 1


def test_dry_run_sends_and_records_nothing(inbox, runner, org, make_user):
    editor = make_user("editor", org)
    own_items(org, editor, "A")
    _db.session.commit()
    result = run(runner, "--dry-run")
    assert result.exit_code == 0 and f"ville sende: digest til {editor.email}" in result.output
    assert not inbox.messages
    assert not _db.session.scalar(sa.select(sa.func.count()).select_from(SentNotification))
    assert run(runner, "--org", "ukendt").exit_code != 0


def test_mine_shows_what_was_sent_and_admins_see_the_sending_log(inbox, client, org, other_org, make_user):
    editor = make_user("editor", org)
    own_items(org, editor, "A")
    stranger = make_user("editor", other_org, name="Fremmed Person")
    own_items(other_org, stranger, "B")
    for organisation in (org, other_org):
        reminder.run_day(organisation, date.today(), dry_run=False, commit=_db.session.flush)
    admin = make_user("admin", org)
    _db.session.commit()

    log_in(client, editor)
    mine = client.get(f"/o/{org.slug}/mine").get_data(as_text=True)
    assert "Dine opdateringer i Testkommune" in mine
    assert client.get(f"/o/{org.slug}/sending-log").status_code == 403
    assert "sending-log" not in mine

    client.post("/logout")
    log_in(client, admin)
    home = client.get(f"/o/{org.slug}/mine").get_data(as_text=True)
    assert f"/o/{org.slug}/sending-log" in home
    log = client.get(f"/o/{org.slug}/sending-log").get_data(as_text=True)
    assert editor.email in log and "Fremmed Person" not in log and stranger.email not in log


def test_a_forged_settings_link_is_not_found(client, org, make_user):
    user = make_user("editor", org)
    assert client.get("/reminders/settings/not-a-token").status_code == 404
    link = reminder.settings_url(user.id).removeprefix("http://127.0.0.1:5000")
    assert client.get(link[:-2] + "xx").status_code == 404


@pytest.fixture
def empty_database(app, tmp_path):
    """A database of its own, of the kind the suite runs on: a SQLite file, or a new PostgreSQL database."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'two-runs.db'}"
        return
    name = f"{url.database}_two_runs"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def test_two_runs_at_once_send_every_email_once(empty_database):
    """Two `flask reminders send` started together on one database take turns: each e-mail goes once."""
    url = empty_database

    class TwoRunsConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    other = create_app(TwoRunsConfig)
    limiter.enabled = False
    with other.app_context():
        upgrade()
        org = factories.organisation(slug="to-koersler", name="To Kørsler")
        owners = [factories.user(name=f"Ejer {n}") for n in range(3)]
        for owner in owners:
            factories.membership(owner, org, "editor")
            own_items(org, owner, owner.name)
        _db.session.commit()
        emails = sorted(owner.email for owner in owners)
        _db.session.remove()
        _db.engine.dispose()

    port = free_port()
    env = os.environ | {"DATABASE_URL": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "flask", "--app", "strategitracker", "reminders", "send"]
    with smtp_server(port) as inbox:
        runs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
    assert sorted(r for m in inbox.messages for r in m.recipients) == emails
    counts = [
        re.search(r"(\d+) sendt, 0 fejlede, (\d+) allerede sendt", output).groups() for output in outputs
    ]
    assert sum(int(sent) for sent, _skipped in counts) == 3, outputs  # between them, each e-mail once
    assert sum(int(skipped) for _sent, skipped in counts) == 3, outputs


def test_a_member_changes_the_reminder_setting_from_mine(client, login, org):
    user = login("viewer")
    mine = client.get(f"/o/{org.slug}/mine").get_data(as_text=True)
    assert "/reminders/settings" in mine and "Der er ikke sendt e-mails til dig" in mine
    page = client.get("/reminders/settings").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="weekly"', page)  # the default
    refused = client.post("/reminders/settings", data={"frequency": "hourly"})
    assert refused.status_code == 400 and "Ikke et gyldigt valg" in refused.get_data(as_text=True)
    assert reminder.frequency_of(user) == "weekly"
    assert client.post("/reminders/settings", data={"frequency": "daily"}).status_code == 302
    assert reminder.frequency_of(user) == "daily"
