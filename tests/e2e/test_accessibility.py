"""axe-core on every page: no serious or critical accessibility violation (WCAG 2.1 AA is the bar).

axe-core comes from npm (package.json) and is injected into a browser context that bypasses the CSP.
Organisation pages are opened as the admin, who sees every edit button and form; "my action plans" as
the editor who is responsible for the plan. A test below fails when a page (a GET route) is added that
is not checked here: every GET route is a page unless it is a file (a dot in its last part, or listed in
FILES and checked by its Content-Type) or listed in NOT_PAGES with the reason. Pages outside an
organisation (log-in, account, superuser, public and guest pages) have their own tests (OWN_TESTS).
"""

import random
import re
import uuid
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import (
    KPI,
    Invitation,
    Municipality,
    Organisation,
    ReportSnapshot,
    Strategy,
    SurveyRank,
    User,
)
from strategitracker.services import accounts, report
from strategitracker.services import workshop as workshops
from strategitracker.services.reminder import links as reminder_links
from tests.e2e import PASSWORD, WORKSPACE_PAGES, assert_accessible, html_lang, log_in

pytestmark = pytest.mark.e2e

# Every GET route is a page that must be checked, except these. A route whose last part has a dot
# (report.docx, qr.svg, personal-data.<fmt>, openapi.json) is a file; the blueprints and endpoints below are
# not pages, for the reason given.
NOT_PAGES = {
    "api": "the JSON API (its HTML documentation is api_docs.docs)",
    "static": "static files",
    "bootstrap.static": "static files",
    "core.healthz": "the health check for the load balancer, plain text",
    "core.switch_organisation": "redirects to the chosen organisation",
    "auth.sso_login": "redirects to the organisation's identity provider",
    "auth.sso_callback": "the identity provider's redirect back; it logs in and redirects",
    "workshops.guest_state": "the guest board's JSON state (polled by its script)",
}
# Files served under a path without a suffix: checked by their Content-Type below, so that a page never
# hides here. name -> (role, endpoint, the URL values taken from the world)
FILES: dict[str, tuple[str, str, Callable]] = {
    "measurements": ("admin", "exports.measurements", lambda w: {"strategy_id": w.strategy_id}),
    "action-plans": ("admin", "exports.action_plans", lambda w: {"strategy_id": w.strategy_id}),
    "action-plan-history": ("admin", "exports.action_plan_history", lambda w: {"strategy_id": w.strategy_id}),
    "rankings": ("admin", "exports.rankings", lambda w: {}),
    "inquiries": ("admin", "inquiries.export", lambda w: {}),
    "workshop-state": ("admin", "workshops.state", lambda w: {"workshop_id": w.workshop_id}),
}
# Pages outside an organisation's workspace, checked by a test of their own below: endpoint -> the test.
OWN_TESTS = {
    "core.index": "test_welcome_page",
    "auth.login": "test_login_page",
    "auth.change_password": "test_account_page",
    "auth.invitations": "test_invitations_page_and_the_waiting_invitation_on_the_members_page",
    "reminders.settings": "test_account_page",
    "api_tokens.tokens": "test_account_page",
    "api_docs.docs": "test_api_documentation",
    "admin.organisations": "test_organisations_page_for_the_superuser",
    "admin.identity_provider": "test_identity_provider_page_for_the_superuser",
    "admin.national_log": "test_national_data_pages_for_the_superuser",
    "admin.rankings": "test_national_data_pages_for_the_superuser",
    "admin.audit_log": "test_national_data_pages_for_the_superuser",
    "admin.rankings_preview": "test_rankings_import_preview_for_the_superuser",
    "privacy.users": "test_users_page_for_the_superuser",
    "imports.preview": "test_import_preview",
    "reminders.settings_by_link": "test_reminder_settings_by_link",
    "workshops.guest_join": "test_guest_workshop_pages",
    "workshops.guest_board": "test_guest_workshop_pages",
    "search.public_search": "test_public_pages",
    "public.index": "test_public_pages",
    "public.strategy": "test_public_pages",
    "public.goal": "test_public_pages",
    "public.snapshot": "test_public_pages",
    "reports.confirm_unpublish_snapshot": "test_taking_a_frozen_report_off_the_public_page",
}


def _is_file(rule) -> bool:
    return "." in rule.rule.rsplit("/", 1)[-1]


def _is_page(rule) -> bool:
    return (
        "GET" in rule.methods
        and rule.endpoint.split(".")[0] not in NOT_PAGES
        and rule.endpoint not in NOT_PAGES
        and not _is_file(rule)
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
    "new-inquiry": ("inquiries.new", lambda w: {}, "main form:has([name=company_name])"),
    "edit-inquiry": (
        "inquiries.edit",
        lambda w: {"inquiry_id": w.inquiry_id},
        "main form:has([name=company_name])",
    ),
    "new-workshop": ("workshops.new", lambda w: {}, WITH_TITLE),
    "edit-workshop": ("workshops.edit", lambda w: {"workshop_id": w.workshop_id}, WITH_TITLE),
    "convert-card": (
        "workshops.convert_card",
        lambda w: {"workshop_id": w.workshop_id, "card_id": w.card_id, "kind": "action_plan"},
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
    checked = (
        {endpoint for _role, endpoint, _values in WORKSPACE_PAGES.values()}
        | {endpoint for _role, endpoint, _values in FILES.values()}
        | set(OWN_TESTS)
    )
    assert pages - checked == set(), "pages without an accessibility check: add them to WORKSPACE_PAGES"
    assert checked - pages == set(), "checked endpoints that are no (longer) pages"
    assert all(callable(globals().get(test)) for test in OWN_TESTS.values())


@pytest.mark.parametrize("name", list(FILES))
def test_files_without_a_suffix_are_no_pages(open_axe_page, signed_in, shared_world, url_for, name):
    world = shared_world
    role, endpoint, values = FILES[name]
    response = open_axe_page(signed_in(world.emails[role])).request.get(
        url_for(endpoint, slug=world.slug, **values(world))
    )
    assert response.status == 200, f"{endpoint} answered {response.status}"
    assert not response.headers["content-type"].startswith("text/html"), f"{endpoint} is a page"


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


@pytest.mark.parametrize("endpoint", ["auth.change_password", "reminders.settings", "api_tokens.tokens"])
def test_account_page(open_axe_page, signed_in, shared_world, url_for, endpoint):
    axe_page = open_axe_page(signed_in(shared_world.emails["editor"]))
    response = axe_page.goto(url_for(endpoint))
    assert response.status == 200
    assert_accessible(axe_page, f"the account page {endpoint}")


def test_reminder_settings_by_link(axe_page: Page, shared_world, server_app: Flask, url_for):
    """The page the link in a reminder e-mail opens, without logging in."""
    with server_app.test_request_context("/"):
        token = reminder_links.settings_token(shared_world.user_ids["editor"])
    response = axe_page.goto(url_for("reminders.settings_by_link", token=token))
    assert response.status == 200
    assert_accessible(axe_page, "the reminder settings opened by the e-mail's link")


def test_api_documentation(axe_page: Page, url_for):
    axe_page.goto(url_for("api_docs.docs"))
    operations = axe_page.locator("#swagger-ui .opblock-summary-control")
    expect(operations.first).to_be_visible()
    assert_accessible(axe_page, "the API documentation")
    for index in (1, 6):  # a read with query parameters, a write with a request body
        operations.nth(index).click()
    expect(axe_page.locator("#swagger-ui .opblock-body")).to_have_count(2)
    assert_accessible(axe_page, "the API documentation with two operations opened")


def _collecting_workshop(app: Flask, world) -> str:
    """A second workshop of the world's organisation, still collecting ideas: its join token."""
    with app.app_context():
        workshop = workshops.create_workshop(
            accounts.get_organisation(world.slug),
            title="Idéer til erhvervsklimaet",
            held_on=date.today(),
            layout="plan",
            actor=db.session.get(User, world.user_ids["admin"]),
        )
        db.session.commit()
        token = workshop.join_token
        db.session.remove()
    return token


@pytest.mark.parametrize("phase", ["voting", "collecting"])
def test_guest_workshop_pages(axe_page: Page, shared_world, app: Flask, url_for, phase):
    token = shared_world.workshop_token if phase == "voting" else _collecting_workshop(app, shared_world)
    response = axe_page.goto(url_for("workshops.guest_join", token=token))
    assert response.status == 200
    assert_accessible(axe_page, "the workshop's join page")
    axe_page.locator("main form [name=display_name]").fill("Gitte Gæst")
    axe_page.locator("main form [type=submit]").click()
    expect(axe_page).to_have_url(re.compile(r"/board$"))
    assert_accessible(axe_page, f"the guest's workshop board ({phase})")


def test_public_pages(axe_page: Page, world, app: Flask, url_for):
    with app.app_context():
        strategy = db.session.get(Strategy, world.strategy_id)
        strategy.published = True
        report.set_snapshot_published(
            db.session.get(ReportSnapshot, world.snapshot_id),
            True,
            actor=db.session.get(User, world.user_ids["admin"]),
        )
        db.session.commit()
        db.session.remove()
    ids = {"org_slug": world.slug, "strategy_id": world.strategy_id}
    for endpoint, values in [
        ("public.index", {}),
        ("public.strategy", ids),
        ("public.goal", ids | {"goal_id": world.goal_id}),
        ("public.snapshot", ids | {"snapshot_id": world.snapshot_id}),
        ("search.public_search", {"q": "erhverv"}),
        ("search.public_search", {}),
    ]:
        response = axe_page.goto(url_for(endpoint, **values))
        assert response.status == 200, endpoint
        axe_page.wait_for_load_state("networkidle")
        assert_accessible(axe_page, f"{endpoint} {values}")


def test_taking_a_frozen_report_off_the_public_page(open_axe_page, signed_in, world, app: Flask, url_for):
    """The confirm page asked for before a shown frozen report is taken off the public page."""
    with app.app_context():
        db.session.get(ReportSnapshot, world.snapshot_id).published = True
        db.session.commit()
        db.session.remove()
    page = open_axe_page(signed_in(world.emails["admin"]))
    path = url_for("reports.confirm_unpublish_snapshot", slug=world.slug, snapshot_id=world.snapshot_id)
    assert page.goto(path).status == 200
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    assert_accessible(page, "the confirm page of taking a frozen report off the public page")


def _upload(page: Page, path: str, data: bytes) -> None:
    """Upload a CSV file through the import form: the preview follows."""
    page.goto(path)
    form = page.locator("main form:has(input[type=file])")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "tal.csv", "mimeType": "text/csv", "buffer": data}]
    )
    form.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/preview\?"))


def test_import_preview(open_axe_page, signed_in, shared_world, url_for):
    """The preview of a file with a good row and a wrong one."""
    world = shared_world
    axe_page = open_axe_page(signed_in(world.emails["admin"]))
    rows = ["Nøgletal;Periode;Værdi;N", f"{world.kpi_name};2020;8;93", f"{world.kpi_name};2021;x;93"]
    _upload(axe_page, url_for("imports.measurements", slug=world.slug), "\r\n".join(rows).encode())
    assert_accessible(axe_page, "the import's preview")


def test_rankings_import_preview_for_the_superuser(axe_page: Page, app: Flask, url_for):
    log_in(axe_page, _extra_user(app, superuser=True))
    rows = [
        "År;Kommune;Kommunekode;Kategori;Placering;N",
        "2019;Ukendt Kommune;999;Overordnet;6;93",
        "2020;Ukendt Kommune;999;Overordnet;x;93",
    ]
    _upload(axe_page, url_for("admin.rankings"), "\r\n".join(rows).encode())
    assert_accessible(axe_page, "the rankings import's preview")


def test_identity_provider_page_for_the_superuser(axe_page: Page, app: Flask, shared_world, url_for):
    log_in(axe_page, _extra_user(app, superuser=True))
    response = axe_page.goto(url_for("admin.identity_provider", org_slug=shared_world.slug))
    assert response.status == 200
    assert_accessible(axe_page, "the organisation's log-in settings (superuser)")


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
