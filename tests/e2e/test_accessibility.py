"""axe-core on every page: no serious or critical accessibility violation (WCAG 2.1 AA is the bar).

axe-core comes from npm (package.json) and is injected into a browser context that bypasses the CSP.
Organisation pages are opened as the admin, who sees every edit button and form; "my action plans" as
the editor who is responsible for the plan. A test below fails when a page (a GET route) is added that
is not checked here (in the organisation's blueprints and members; log-in, start, password and superuser
pages have their own tests at the end).
"""

import random
import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page

from strategitracker.extensions import db
from strategitracker.models import KPI, Invitation, Municipality, Organisation, SurveyRank
from strategitracker.services import accounts
from tests.e2e import PASSWORD, WORKSPACE_PAGES, assert_accessible, html_lang, log_in

pytestmark = pytest.mark.e2e

# The pages the completeness check below covers: the organisation's pages (issue 4) and its members.
CHECKED_BLUEPRINTS = (
    "strategies",
    "goals",
    "kpis",
    "action_plans",
    "departments",
    "dashboards",
    "reports",
    "mine",
    "lists",
    "audit",
    "members",
)
# Downloads, not pages.
DOWNLOAD_SUFFIXES = (".xlsx", ".docx", ".csv", ".svg", ".json", ".js", ".pdf")


def _is_page(rule) -> bool:
    return (
        "GET" in rule.methods
        and rule.endpoint.split(".")[0] in CHECKED_BLUEPRINTS
        and not rule.rule.endswith(DOWNLOAD_SUFFIXES)
    )


# Forms submitted with their text fields emptied: the page with its error messages must be accessible too.
# name -> (endpoint, the URL values, CSS selector of the form on the page)
WITH_TITLE = "main form:has([name=title])"
WITH_NAME = "main form:has([name=name])"
EMPTY_FORMS: dict[str, tuple[str, Callable, str]] = {
    "new-strategy": ("strategies.new_strategy", lambda w: {}, WITH_TITLE),
    "edit-strategy": ("strategies.edit_strategy", lambda w: {"strategy_id": w.strategy_id}, WITH_TITLE),
    "new-goal": ("goals.new_goal", lambda w: {"strategy_id": w.strategy_id}, WITH_TITLE),
    "edit-goal": ("goals.edit_goal", lambda w: {"goal_id": w.goal_id}, WITH_TITLE),
    "new-department": ("departments.departments", lambda w: {}, WITH_NAME),
    "edit-department": (
        "departments.edit_department",
        lambda w: {"department_id": w.department_id},
        WITH_NAME,
    ),
    "new-kpi": ("kpis.new_kpi", lambda w: {"goal_id": w.goal_id}, WITH_NAME),
    "edit-kpi": ("kpis.edit_kpi", lambda w: {"kpi_id": w.kpi_id}, WITH_NAME),
    "new-target": ("kpis.kpi", lambda w: {"kpi_id": w.kpi_id}, 'main form[action$="/targets"]'),
    "new-measurement": (
        "kpis.kpi",
        lambda w: {"kpi_id": w.kpi_id},
        'main form[action$="/measurements"]',
    ),
    "edit-measurement": (
        "kpis.edit_measurement",
        lambda w: {"kpi_id": w.kpi_id, "measurement_id": w.measurement_id},
        "main form:has([name$=value])",
    ),
    "delete-measurement": (
        "kpis.delete_measurement",
        lambda w: {"measurement_id": w.measurement_id},
        "main form:has([name=reason])",
    ),
    "new-action-plan": ("action_plans.new_action_plan", lambda w: {"goal_id": w.goal_id}, WITH_TITLE),
    "new-meeting": ("inquiries.new_meeting", lambda w: {}, "main form:has([name=company_name])"),
    "contact-map": ("inquiries.contact_map", lambda w: {}, "main form:has([name=topics])"),
    "edit-action-plan": (
        "action_plans.edit_action_plan",
        lambda w: {"action_plan_id": w.plan_id},
        WITH_TITLE,
    ),
}


def _extra_user(app: Flask, *, superuser: bool = False, orgs: tuple[str, ...] = ()) -> str:
    """A committed user: a superuser, or a member (facilitator) of the organisations named by slug."""
    suffix = uuid.uuid4().hex[:10]
    with app.app_context():
        user = accounts.create_user(
            f"e2e-extra-{suffix}@example.org", f"E2E Konsulent {suffix}", PASSWORD, is_superuser=superuser
        )
        for slug in orgs:
            accounts.add_membership(user, accounts.get_organisation(slug), "facilitator")
        db.session.commit()
        email = user.email
        db.session.remove()
    return email


def test_every_page_is_checked(server_app: Flask):
    pages = {rule.endpoint for rule in server_app.url_map.iter_rules() if _is_page(rule)}
    checked = {endpoint for _role, endpoint, _values in WORKSPACE_PAGES.values()}
    assert pages - checked == set(), "pages without an accessibility check: add them to WORKSPACE_PAGES"


@pytest.mark.parametrize("name", list(WORKSPACE_PAGES))
def test_workspace_page(open_axe_page, signed_in, shared_world, url_for, name):
    world = shared_world
    role, endpoint, values = WORKSPACE_PAGES[name]
    path = url_for(endpoint, slug=world.slug, **values(world))
    axe_page = open_axe_page(signed_in(world.emails[role]))
    response = axe_page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert_accessible(axe_page, f"{endpoint} ({name}) as {role}")


@pytest.mark.parametrize("name", list(EMPTY_FORMS))
def test_form_with_errors(open_axe_page, signed_in, shared_world, url_for, name):
    world = shared_world
    endpoint, values, selector = EMPTY_FORMS[name]
    axe_page = open_axe_page(signed_in(world.emails["admin"]))
    axe_page.goto(url_for(endpoint, slug=world.slug, **values(world)))
    form = axe_page.locator(selector)
    for text_input in form.locator("input[type=text], input:not([type]), textarea").all():
        text_input.fill("")
    with axe_page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator("[type=submit]").last.click()
    assert posted.value.status == 400, f"the empty {name} form answered {posted.value.status}"
    axe_page.wait_for_load_state()
    assert axe_page.locator("[aria-invalid=true]").count() > 0
    assert_accessible(axe_page, f"{endpoint} with errors ({name})")


def test_action_plan_update_with_errors(open_axe_page, signed_in, shared_world, url_for):
    """The editor's status report, delayed without the required comment."""
    world = shared_world
    axe_page = open_axe_page(signed_in(world.emails["editor"]))
    axe_page.goto(url_for("action_plans.action_plan", slug=world.slug, action_plan_id=world.plan_id))
    form = axe_page.locator('main form[action$="/update"]')
    form.locator("select[name=status]").select_option("delayed")
    form.locator("textarea[name=comment]").fill("")
    with axe_page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator("[type=submit]").click()
    assert posted.value.status == 400
    axe_page.wait_for_load_state()
    assert axe_page.locator("[aria-invalid=true]").count() > 0
    assert_accessible(axe_page, "the action plan's update form with errors")


def test_audit_log_with_an_invalid_filter(open_axe_page, signed_in, shared_world, url_for):
    world = shared_world
    axe_page = open_axe_page(signed_in(world.emails["admin"]))
    path = url_for("audit.audit_log", slug=world.slug, date_from="2024-02-01", date_to="2024-01-01")
    response = axe_page.goto(path)
    assert response.status == 400
    assert axe_page.locator("[aria-invalid=true]").count() > 0
    assert_accessible(axe_page, "the audit log with an invalid filter")


def _give_survey_data(app: Flask, world) -> None:
    """Make the world's organisation a municipality with DI ranks, and two peers with ranks too."""
    with app.app_context():
        used = set(db.session.scalars(sa.select(Municipality.code))) | set(
            db.session.scalars(
                sa.select(Organisation.municipality_code).where(Organisation.municipality_code.isnot(None))
            )
        )
        own, *peers = random.sample(sorted(set(range(100, 1000)) - used), 3)
        org = accounts.get_organisation(world.slug)
        org.municipality_code = own
        kpi = db.session.get(KPI, world.kpi_id)
        kpi.survey, kpi.survey_category = "di", "Overordnet"
        for n, code in enumerate([own, *peers]):
            municipality = Municipality(code=code, name=f"E2E Kommune {code} {world.suffix}")
            db.session.add(municipality)
            for year in (2019, 2020, 2021):
                db.session.add(
                    SurveyRank(
                        survey="di",
                        year=year,
                        municipality=municipality,
                        category="Overordnet",
                        rank=10 + 20 * n + (year - 2019),
                        out_of=93,
                    )
                )
        db.session.commit()
        db.session.remove()


def test_kpi_peers_page_with_survey_data(axe_page: Page, world, app: Flask, url_for):
    _give_survey_data(app, world)
    log_in(axe_page, world.emails["viewer"])
    response = axe_page.goto(url_for("dashboards.kpi_peers", slug=world.slug, kpi_id=world.kpi_id))
    assert response.status == 200
    assert_accessible(axe_page, "the KPI's peer comparison with survey data")


def test_welcome_page(axe_page: Page):
    axe_page.goto("/")
    assert_accessible(axe_page, "the welcome page")


def test_login_page(axe_page: Page):
    axe_page.goto("/login")
    assert_accessible(axe_page, "the log-in page")


def test_login_page_with_an_error(axe_page: Page, shared_world):
    axe_page.goto("/login")
    axe_page.locator("#email").fill(shared_world.emails["viewer"])
    axe_page.locator("#password").fill("wrong-password")
    axe_page.locator("main form [type=submit]").click()
    axe_page.wait_for_load_state()
    assert_accessible(axe_page, "the log-in page with an error")


def test_login_page_in_english(axe_page: Page):
    axe_page.goto("/login")
    axe_page.locator('button[name="locale"][value="en"]').click()
    axe_page.wait_for_load_state()
    assert html_lang(axe_page) == "en"
    assert_accessible(axe_page, "the log-in page in English")


def test_strategy_page_in_english(axe_page: Page, world, url_for):
    log_in(axe_page, world.emails["admin"])
    axe_page.goto(url_for("strategies.strategy", slug=world.slug, strategy_id=world.strategy_id))
    axe_page.locator('button[name="locale"][value="en"]').click()
    axe_page.wait_for_load_state()
    assert html_lang(axe_page) == "en"
    assert_accessible(axe_page, "the strategy page in English")


def test_change_password_page(open_axe_page, signed_in, shared_world, url_for):
    axe_page = open_axe_page(signed_in(shared_world.emails["viewer"]))
    axe_page.goto(url_for("auth.change_password"))
    assert_accessible(axe_page, "the change-password page")


def test_choose_organisation_page(axe_page: Page, shared_world, app: Flask, url_for):
    other = accounts_second_org(app)
    email = _extra_user(app, orgs=(shared_world.slug, other))
    log_in(axe_page, email)
    axe_page.goto(url_for("core.index"))
    assert axe_page.locator("#org-switch").count() == 1  # the organisation switcher is shown
    assert_accessible(axe_page, "the choose-organisation page")


def test_organisations_page_for_the_superuser(axe_page: Page, app: Flask, url_for):
    log_in(axe_page, _extra_user(app, superuser=True))
    response = axe_page.goto(url_for("admin.organisations"))
    assert response.status == 200
    assert_accessible(axe_page, "the organisations page (superuser)")


@pytest.mark.parametrize("endpoint", ["admin.national_log", "admin.rankings", "admin.audit_log"])
def test_national_data_pages_for_the_superuser(axe_page: Page, app: Flask, url_for, endpoint):
    log_in(axe_page, _extra_user(app, superuser=True))
    response = axe_page.goto(url_for(endpoint))
    assert response.status == 200
    assert_accessible(axe_page, f"{endpoint} (superuser)")


def accounts_second_org(app: Flask) -> str:
    slug = f"e2e-{uuid.uuid4().hex[:10]}"
    with app.app_context():
        accounts.create_organisation(slug, f"E2E Anden Kommune {slug[4:]}")
        db.session.commit()
        db.session.remove()
    return slug


def test_invitations_page_and_the_waiting_invitation_on_the_members_page(
    open_axe_page, signed_in, axe_page: Page, shared_world, app: Flask, url_for
):
    email = _extra_user(app)
    with app.app_context():
        invitation = Invitation(
            user=accounts.get_user_by_email(email),
            organisation=accounts.get_organisation(shared_world.slug),
            role="editor",
        )
        db.session.add(invitation)
        db.session.commit()
        db.session.remove()
    log_in(axe_page, email)
    axe_page.goto(url_for("auth.invitations"))
    assert axe_page.get_by_role("button", name="Tag imod").count() == 1
    assert_accessible(axe_page, "the invitations page")
    admin_page = open_axe_page(signed_in(shared_world.emails["admin"]))
    admin_page.goto(url_for("members.index", slug=shared_world.slug))
    assert admin_page.get_by_text(email).count() == 1
    assert_accessible(admin_page, "the members page with a waiting invitation")


def test_organisation_settings_page_with_an_error(open_axe_page, signed_in, shared_world, url_for):
    axe_page = open_axe_page(signed_in(shared_world.emails["admin"]))
    response = axe_page.goto(url_for("privacy.organisation_settings", slug=shared_world.slug))
    assert response.status == 200
    assert_accessible(axe_page, "the organisation's settings")
    axe_page.locator("#accessibility_statement_url").fill("ikke et link")
    axe_page.locator("main form [type=submit]").click()
    axe_page.wait_for_load_state()
    assert axe_page.locator(".invalid-feedback").count() == 1
    assert_accessible(axe_page, "the organisation's settings with an error")


def test_users_page_for_the_superuser(axe_page: Page, app: Flask, url_for):
    log_in(axe_page, _extra_user(app, superuser=True))
    response = axe_page.goto(url_for("privacy.users"))
    assert response.status == 200
    assert_accessible(axe_page, "the users page (superuser)")
