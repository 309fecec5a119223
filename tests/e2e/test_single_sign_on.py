"""A superuser sets up single sign-on for an organisation in the browser, and a member of the municipality
then logs in through its (local, real) OpenID Connect provider and out again."""

import re
import uuid

import httpx
import pytest
from flask import Flask
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.services import accounts
from tests.e2e import LOG_OUT_BUTTON, PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def issuer():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def _superuser(app: Flask) -> str:
    email = f"e2e-super-{uuid.uuid4().hex[:10]}@example.org"
    with app.app_context():
        accounts.create_user(email, "E2E Superbruger", PASSWORD, is_superuser=True)
        db.session.commit()
        db.session.remove()
    return email


def test_a_superuser_sets_up_sso_and_a_member_logs_in_through_it(page: Page, app, world, issuer):
    log_in(page, _superuser(app))
    page.goto(f"/admin/organisations/{world.slug}/sso")
    page.get_by_label(re.compile("Udsteder")).fill(issuer)
    page.get_by_label("Klient-id").fill("strategitracker")
    page.get_by_label("Klienthemmelighed").fill("e2e-secret")
    page.get_by_label("Tilladte e-maildomæner").fill("e2e.example.org")
    page.get_by_label("Grupper og roller").fill("e2e-editors = editor")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text(f"Log-in via {world.org_name} er gemt.")).to_be_visible()
    page.get_by_role("button", name=LOG_OUT_BUTTON).click()

    email = f"sso-{world.suffix}@e2e.example.org"
    httpx.put(
        f"{issuer}/users/{world.suffix}",
        json={"email": email, "name": "Ny Medarbejder", "groups": ["e2e-editors"]},
    )
    page.goto("/login")
    page.get_by_role("link", name=f"Log ind med {world.org_name}").click()
    page.locator("input[name=sub]").first.fill(world.suffix)
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("button", name=LOG_OUT_BUTTON)).to_be_visible()
    page.goto(f"/o/{world.slug}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith(f"/o/{world.slug}/")

    page.get_by_role("button", name=LOG_OUT_BUTTON).click()  # logged out here, then on to the provider
    expect(page).to_have_url(re.compile(re.escape(issuer) + "/oauth2/end_session"))
    page.goto(f"/o/{world.slug}/")
    expect(page).to_have_url(re.compile("/login"))
