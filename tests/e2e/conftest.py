"""Browser-test fixtures: a live server on the test database, one Chromium per run, a new context per test.

The live server is a second app on the same database as the session `app` fixture (tests/conftest.py), with
CSRF protection on so forms are tested as real, served by werkzeug in a background thread. It uses its own
database connections, so the data a browser test needs is COMMITTED (never the rolled-back `db` fixture),
with unique slugs and e-mail addresses (prefix "e2e-") per test. Every row added while the browser tests run
(by the seeding or through the browser) is deleted again when the e2e package ends, so the unit tests that
run afterwards see the database as it was.

A missing /usr/bin/chromium (or axe-core) fails the browser tests; it never skips them.
"""

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask import url_for as flask_url_for
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect, sync_playwright
from werkzeug.serving import make_server

from config import TestingConfig
from strategitracker import create_app
from strategitracker.extensions import db, limiter
from strategitracker.models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    ContactMapEntry,
    Department,
    Goal,
    Inquiry,
    KPITarget,
    Measurement,
    OutreachMeeting,
    Strategy,
    User,
)
from strategitracker.services import accounts, reminder, report
from strategitracker.services import workshop as workshops
from tests.e2e import AXE_JS, CHROMIUM, CHROMIUM_ARGS, PASSWORD, log_in

ROLES = ("viewer", "editor", "facilitator", "admin")
DEFAULT_TIMEOUT_MS = 15_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def _id_tables() -> list[sa.Table]:
    """The tables with an integer `id` primary key (all of the model's), parents before children."""
    return [
        table
        for table in db.metadata.sorted_tables
        if [column.name for column in table.primary_key.columns] == ["id"]
    ]


def _max_ids() -> dict[str, int]:
    return {table.name: db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0 for table in _id_tables()}


@pytest.fixture(scope="package", autouse=True)
def _remove_e2e_rows(app: Flask) -> Iterator[None]:
    """Delete, after the browser tests, every row they committed (children first): rows with a higher id
    than the highest one before the browser tests started."""
    with app.app_context():
        before = _max_ids()
        db.session.remove()
    yield
    with app.app_context():
        with db.engine.begin() as connection:
            for table in reversed(_id_tables()):
                connection.execute(table.delete().where(table.c.id > before[table.name]))
        db.session.remove()


@pytest.fixture(scope="package")
def server_app(app: Flask) -> Iterator[Flask]:
    """The app the live server runs: the test database, CSRF protection on."""

    class E2EConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True

    served = create_app(E2EConfig)
    # The limiter is one module-level object: create_app switched it on again; the suite keeps it off
    # (as tests/conftest.py does), also so that the many log-ins from 127.0.0.1 here are not throttled.
    limiter.enabled = False
    yield served
    with served.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="package")
def live_server(server_app: Flask) -> Iterator[str]:
    """The base URL of the app served over real HTTP on 127.0.0.1 (a free port)."""
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="package")
def url_for(server_app: Flask) -> Callable[..., str]:
    """Paths of the live server's endpoints, e.g. url_for("goals.goal", slug=..., goal_id=...)."""

    def build(endpoint: str, **values) -> str:
        with server_app.test_request_context("/"):
            return flask_url_for(endpoint, **values)

    return build


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for all browser tests: Debian's /usr/bin/chromium, never a downloaded one."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}, which is missing. Install it with "
            "`make browser` (scripts/ensure-browser.sh) or `sudo apt-get install chromium`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _new_context(browser: Browser, base_url: str, **kwargs) -> BrowserContext:
    context = browser.new_context(
        base_url=base_url, locale="da-DK", timezone_id="Europe/Copenhagen", **kwargs
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return context


@dataclass
class PageProblems:
    """What went wrong in the browser while a test ran: script errors, CSP refusals, missing assets."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.messages.append(f"script error: {error}"))
        page.on(
            "console",
            lambda msg: (
                self.messages.append(f"console: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )

        def on_response(response: Response) -> None:
            if (
                response.request.resource_type in {"stylesheet", "script", "image", "font"}
                and response.status >= 400
            ):
                self.messages.append(f"{response.status} for {response.url}")

        page.on("response", on_response)


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser: Browser, live_server: str, page_problems: PageProblems) -> Iterator[Page]:
    """A page in a fresh context (no cookies) with the app's real Content-Security-Policy in force.
    Script errors, CSP refusals and missing assets fail the test (see `page_problems`)."""
    context = _new_context(browser, live_server)
    try:
        page = context.new_page()
        page_problems.watch(page)
        yield page
    finally:
        context.close()
    assert not page_problems.messages, "the browser reported problems:\n" + "\n".join(page_problems.messages)


#: A phone as Lighthouse's mobile preset sees it: a touch screen without a mouse (`(hover: none)`).
PHONE = {
    "viewport": {"width": 412, "height": 823},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}


@pytest.fixture
def open_phone_page(
    browser: Browser, live_server: str, page_problems: PageProblems
) -> Iterator[Callable[..., Page]]:
    """Opens pages as a phone does (see PHONE), with the app's Content-Security-Policy; pass a
    `storage_state` (see `signed_in`) to start logged in. Browser problems fail the test, as with `page`."""
    contexts: list[BrowserContext] = []

    def open_page(storage_state: dict | None = None) -> Page:
        context = _new_context(browser, live_server, storage_state=storage_state, **PHONE)
        contexts.append(context)
        page = context.new_page()
        page_problems.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not page_problems.messages, "the browser reported problems:\n" + "\n".join(page_problems.messages)


@pytest.fixture
def open_axe_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh contexts that bypass the CSP, so the test can inject axe-core; pass a
    `storage_state` (see `signed_in`) to start logged in."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"The accessibility checks need axe-core at {AXE_JS}: run `npm install` in the project "
            "(`make browser` does it).",
            pytrace=False,
        )
    contexts: list[BrowserContext] = []

    def open_page(storage_state: dict | None = None) -> Page:
        context = _new_context(browser, live_server, bypass_csp=True, storage_state=storage_state)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def axe_page(open_axe_page: Callable[..., Page]) -> Page:
    """An anonymous page for axe checks."""
    return open_axe_page()


@pytest.fixture(scope="package")
def signed_in(browser: Browser, live_server: str) -> Callable[[str], dict]:
    """The cookies of a log-in through the form, once per e-mail address, for `open_axe_page`."""
    states: dict[str, dict] = {}

    def state_for(email: str) -> dict:
        if email not in states:
            context = _new_context(browser, live_server)
            try:
                log_in(context.new_page(), email)
                states[email] = context.storage_state()
            finally:
                context.close()
        return states[email]

    return state_for


@dataclass(frozen=True)
class World:
    """One organisation's committed data for a browser test: ids, names and the members' e-mails."""

    slug: str
    org_name: str
    suffix: str
    emails: dict[str, str]
    user_ids: dict[str, int]
    department_id: int
    department_name: str
    strategy_id: int
    strategy_title: str
    goal_id: int
    goal_title: str
    kpi_id: int
    kpi_name: str
    measurement_id: int
    target_id: int
    plan_id: int
    plan_title: str
    snapshot_id: int
    meeting_id: int
    # Only the shared world has these (see `seed_activity`): one update round may be open per strategy.
    workshop_id: int | None = None
    workshop_token: str | None = None
    card_id: int | None = None
    round_id: int | None = None
    inquiry_id: int | None = None


def seed_world(app: Flask) -> World:
    """An organisation with a member of each role and a strategy → goal → KPI (target, measurement) and
    action plan (with one update), committed. The editor is responsible for the KPI and the action
    plan."""
    suffix = uuid.uuid4().hex[:10]
    with app.app_context():
        org = accounts.create_organisation(f"e2e-{suffix}", f"E2E Kommune {suffix}")
        users = {}
        for role in ROLES:
            user = accounts.create_user(
                f"e2e-{role}-{suffix}@example.org", f"E2E {role.capitalize()} {suffix}", PASSWORD
            )
            accounts.add_membership(user, org, role)
            users[role] = user
        department = Department(
            organisation=org, name="Erhvervs- og Udviklingsforvaltningen", short_name="EUF"
        )
        strategy = Strategy(
            organisation_id=org.id,
            title="Erhvervsstrategi 2016–2027",
            vision="Thy skal være et af landets bedste steder at drive virksomhed.",
            period_start=date(2016, 1, 1),
            period_end=date(2027, 12, 31),
        )
        goal = Goal(
            strategy=strategy,
            organisation_id=org.id,
            title="Et bedre erhvervsklima",
            description="Kommunen skal være blandt de bedste i DI's måling af lokal erhvervsvenlighed.",
            owner="Erhvervschef",
        )
        kpi = KPI(
            goal=goal,
            organisation_id=org.id,
            name="Placering i DI's måling af lokal erhvervsvenlighed",
            kind="rank",
            direction="lower",
            frequency="yearly",
            baseline_value=92,
            baseline_date=date(2015, 9, 1),
            baseline_out_of=96,
            source="Dansk Industri",
            owner_user_id=users["editor"].id,  # an editor enters and corrects the values of their own KPIs
        )
        target = KPITarget(value=10, target_date=date(2027, 9, 1), set_on=date(2016, 1, 1))
        kpi.targets.append(target)
        measurement = Measurement(period=date(2019, 9, 1), value=6, out_of=93, source="DI 2019")
        kpi.measurements.append(measurement)
        plan = ActionPlan(
            goal=goal,
            organisation_id=org.id,
            department=department,
            title="Erhvervskontakten: svar inden for 24 timer",
            description="Én indgang for virksomhederne, med svar inden for et døgn.",
            owner="Erhvervskonsulent",
            owner_user_id=users["editor"].id,
            status="in_progress",
            progress=40,
            start_date=date(2016, 3, 1),
            due_date=date(2027, 6, 30),
        )
        plan.updates.append(
            ActionPlanUpdate(
                author_id=users["facilitator"].id,
                author_name=users["facilitator"].name,
                old_status="not_started",
                new_status="in_progress",
                progress=40,
                comment="Erhvervskontakten er åbnet.",
            )
        )
        db.session.add_all([department, strategy, goal, kpi, plan])
        db.session.flush()
        meeting = OutreachMeeting(
            organisation_id=org.id,
            held_on=date(2026, 3, 4),
            company_name="Thy Smedie ApS",
            topic="Udvidelse",
            participants=[users["editor"]],
            departments=[department],
        )
        db.session.add_all(
            [
                ContactMapEntry(
                    organisation_id=org.id,
                    department_id=department.id,
                    user_id=users["editor"].id,
                    topics="Byggesager, miljø",
                ),
                meeting,
            ]
        )
        db.session.commit()
        snapshot = report.freeze_report(
            report.strategy_report(strategy, date.today()),
            title="Byrådsmøde",
            report_date=date.today(),
            summary="",
            actor=users["facilitator"],
        )
        db.session.commit()
        world = World(
            slug=org.slug,
            org_name=org.name,
            suffix=suffix,
            emails={role: user.email for role, user in users.items()},
            user_ids={role: user.id for role, user in users.items()},
            department_id=department.id,
            department_name=department.name,
            strategy_id=strategy.id,
            strategy_title=strategy.title,
            goal_id=goal.id,
            goal_title=goal.title,
            kpi_id=kpi.id,
            kpi_name=kpi.name,
            measurement_id=measurement.id,
            target_id=target.id,
            plan_id=plan.id,
            plan_title=plan.title,
            snapshot_id=snapshot.id,
            meeting_id=meeting.id,
        )
        db.session.remove()
    return world


def seed_activity(app: Flask, world: World) -> World:
    """The world with a workshop (voting, a card with a dot; a guest link), an open update round
    and a logged inquiry, committed, so that the pages of each can be opened."""
    with app.app_context():
        org = accounts.get_organisation(world.slug)
        admin = db.session.get(User, world.user_ids["admin"])
        strategy = db.session.get(Strategy, world.strategy_id)
        workshop = workshops.create_workshop(
            org, title="Strategidag", held_on=date.today(), layout="swot", strategy=strategy, actor=admin
        )
        guest = workshops.join_as_guest(workshop, "Erhvervsrådet")
        card = workshops.add_card(workshop, guest, column_key="strengths", text="Stærke lokale virksomheder")
        workshops.next_phase(workshop, actor=admin)
        workshops.add_vote(card, workshops.join_as_member(workshop, admin))
        update_round = reminder.open_round(
            strategy, date.today() + timedelta(days=7), "", admin, date.today()
        )
        inquiry = Inquiry(
            organisation_id=org.id,
            received_at=datetime.now(UTC) - timedelta(hours=2),
            company_name="Thy Smedie ApS",
            contact_name="Karen Smed",
            topic="Byggetilladelse til ny hal",
            handler_id=world.user_ids["editor"],
            departments=[db.session.get(Department, world.department_id)],
        )
        db.session.add(inquiry)
        db.session.commit()
        world = replace(
            world,
            workshop_id=workshop.id,
            workshop_token=workshop.join_token,
            card_id=card.id,
            round_id=update_round.id,
            inquiry_id=inquiry.id,
        )
        db.session.remove()
    return world


@pytest.fixture
def world(app: Flask) -> World:
    return seed_world(app)


@pytest.fixture(scope="module")
def shared_world(app: Flask) -> World:
    """One organisation for a whole test module whose tests only read (or submit invalid forms)."""
    return seed_activity(app, seed_world(app))
