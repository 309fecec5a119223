"""An editor deletes a wrong measurement from the KPI page with the keyboard only, giving a reason.

The Danish UI (the default) is used, as a municipal editor would see it; the deletion asks for the reason on
its own page (no script, no pop-up), and the old value lands in the audit log.
"""

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import AuditEvent, Measurement
from tests.e2e import log_in

pytestmark = pytest.mark.e2e


def test_editor_deletes_a_measurement_with_the_keyboard(page: Page, world, app: Flask, url_for):
    log_in(page, world.emails["editor"])
    page.goto(url_for("kpis.kpi", slug=world.slug, kpi_id=world.kpi_id))
    delete = page.get_by_role("link", name=re.compile(r"^Slet målingen for 2019"))
    delete.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Slet en måling")
    page.get_by_label(re.compile(r"^Begrundelse")).focus()
    page.keyboard.type("Indtastet for det forkerte år")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Slet", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.kpi_name)
    expect(page.get_by_text("Målingen er slettet.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Slet målingen for 2019"))).to_have_count(0)
    with app.app_context():
        assert db.session.get(Measurement, world.measurement_id) is None
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.action == "measurement.delete", AuditEvent.entity_id == world.measurement_id
            )
        )
        assert event.before["value"] == 6 and event.after == {"reason": "Indtastet for det forkerte år"}
        db.session.remove()
