"""Logging in, and switching the UI to English: the choice is stored on the user and follows them."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import User
from tests.e2e import EMAIL_LABEL, LOG_IN_BUTTON, LOG_OUT_BUTTON, PASSWORD_LABEL, html_lang, log_in

pytestmark = pytest.mark.e2e


def _stored_locale(app: Flask, user_id: int) -> str:
    with app.app_context():
        locale = db.session.get(User, user_id).locale
        db.session.remove()
    return locale


def test_login_page_has_a_labelled_form_in_danish(page: Page):
    response = page.goto("/login")
    assert response.status == 200
    assert html_lang(page) == "da"
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_label(EMAIL_LABEL)).to_be_visible()
    expect(page.get_by_label(PASSWORD_LABEL)).to_have_attribute("type", "password")
    expect(page.get_by_role("button", name=LOG_IN_BUTTON)).to_be_visible()


def test_wrong_password_is_refused_with_a_message(page: Page, world):
    log_in_url = "/login"
    page.goto(log_in_url)
    page.get_by_label(EMAIL_LABEL).fill(world.emails["editor"])
    page.get_by_label(PASSWORD_LABEL).fill("not-the-password")
    page.get_by_role("button", name=LOG_IN_BUTTON).click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name=LOG_OUT_BUTTON)).to_have_count(0)


def test_member_logs_in_to_the_organisation_and_opens_the_strategy(page: Page, world, url_for):
    log_in(page, world.emails["editor"])
    expect(page).to_have_url(re.compile(re.escape(url_for("strategies.home", slug=world.slug)) + "$"))
    expect(page.get_by_role("button", name=LOG_OUT_BUTTON)).to_be_visible()
    page.get_by_role("link", name=world.strategy_title).click()
    expect(page).to_have_url(
        re.compile(
            re.escape(url_for("strategies.strategy", slug=world.slug, strategy_id=world.strategy_id)) + "$"
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(world.strategy_title)
    expect(page.get_by_text(world.goal_title).first).to_be_visible()


def test_switching_to_english_changes_the_page_and_is_stored_on_the_user(page: Page, world, app, url_for):
    log_in(page, world.emails["viewer"])
    strategy_path = url_for("strategies.strategy", slug=world.slug, strategy_id=world.strategy_id)
    page.goto(strategy_path)
    assert html_lang(page) == "da"
    assert _stored_locale(app, world.user_ids["viewer"]) == "da"

    page.locator('button[name="locale"][value="en"]').click()

    # Back on the same page, now in English, with the way back to Danish offered.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(re.escape(strategy_path) + r"\??$"))
    expect(page.locator('button[name="locale"][value="da"]')).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert _stored_locale(app, world.user_ids["viewer"]) == "en"

    # Other pages follow, and so does the next log-in (the choice is the user's, not the session's).
    page.goto(url_for("strategies.home", slug=world.slug))
    assert html_lang(page) == "en"
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strategies")
    page.get_by_role("button", name="Log out").click()
    page.context.clear_cookies()
    log_in(page, world.emails["viewer"])
    assert html_lang(page) == "en"

    # And back to Danish.
    page.locator('button[name="locale"][value="da"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    assert _stored_locale(app, world.user_ids["viewer"]) == "da"


def test_anonymous_visitor_can_switch_the_login_page_to_english(page: Page):
    page.goto("/login")
    assert html_lang(page) == "da"
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_label("Password")).to_be_visible()
