"""National data held once: a rank KPI linked to a survey category reads the survey ranks of its
municipality, so the KPI page, the goal page, the peer page and the report show the same value; nobody types
a second copy in, and only superusers change the survey data."""

import io
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.extensions import db as _db
from strategitracker.models import KPI, AuditEvent, Measurement, Organisation, Strategy, SurveyRank
from strategitracker.services import ServiceError, imports
from strategitracker.services import kpi as kpi_service
from strategitracker.services.seed import seed_thisted
from tests.imports.conftest import to_csv
from tests.test_chart_pages import chart_blocks, table_of

REFUSED = "come from the national survey data (DI – Overordnet)"


@pytest.fixture
def thisted(db):
    seed_thisted()
    org = _db.session.scalar(sa.select(Organisation).where(Organisation.slug == "thisted"))
    strategy = _db.session.scalar(sa.select(Strategy).where(Strategy.organisation_id == org.id))
    kpi = _db.session.scalar(
        sa.select(KPI).where(KPI.organisation_id == org.id, KPI.survey_category == "Overordnet")
    )
    _db.session.commit()
    return org, strategy, kpi


def _import_as_superuser(client, data: bytes) -> None:
    response = client.post(
        "/admin/rankings",
        data={"file": (io.BytesIO(data), "di-2024.csv"), "survey": "di", "category": "Overordnet"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    token = parse_qs(urlsplit(response.location).query)["token"][0]
    confirm = client.post("/admin/rankings/confirm", data={"token": token, "on_duplicate": "replace"})
    assert confirm.status_code == 303


def _measurement_points(figure: dict) -> dict[str, float]:
    """Period → value of the chart's measurement trace."""
    for trace in figure["data"]:
        if trace.get("name") in ("Measurement", "Måling"):
            return dict(zip(trace["x"], trace["y"], strict=True))
    raise AssertionError([t.get("name") for t in figure["data"]])


def test_after_a_survey_import_every_page_shows_the_same_rank(client, login, thisted):
    org, strategy, kpi = thisted
    login("superuser", locale="en")
    table = to_csv([["Kommune", "2023", "N 2023", "2024", "N 2024"], ["Thisted", "30", "92", "24", "93"]])
    _import_as_superuser(client, table)
    assert (
        _db.session.scalar(
            sa.select(sa.func.count()).select_from(Measurement).where(Measurement.kpi_id == kpi.id)
        )
        == 0
    )

    kpi_page = client.get(f"/o/{org.slug}/kpis/{kpi.id}").get_data(as_text=True)
    rows = re.findall(
        r'<th scope="row" class="fw-normal text-nowrap">(\d{4})<div[^>]*>[^<]*</div></th>\s*'
        r'<td class="text-nowrap">(\d+)</td>\s*<td>(\d+)</td>',
        kpi_page,
    )
    assert rows[:2] == [("2024", "24", "93"), ("2023", "30", "92")]
    assert "The values of this KPI come from the national survey data" in kpi_page
    assert 'name="measurement-value"' not in kpi_page  # no form to type a second copy

    goal_page = client.get(f"/o/{org.slug}/goals/{kpi.goal_id}").get_data(as_text=True)
    goal_chart = chart_blocks(goal_page)[f"chart-kpi-{kpi.id}"]
    assert _measurement_points(goal_chart)["2024-09-01"] == 24
    assert _measurement_points(goal_chart)["2023-09-01"] == 30

    report = client.get(f"/o/{org.slug}/strategies/{strategy.id}/report").get_data(as_text=True)
    assert _measurement_points(chart_blocks(report)[f"chart-kpi-{kpi.id}"])["2024-09-01"] == 24

    peers = client.get(f"/o/{org.slug}/kpis/{kpi.id}/peers").get_data(as_text=True)
    thisted_line = chart_blocks(peers)[f"chart-peers-{kpi.id}"]["data"][0]
    assert dict(zip(thisted_line["x"], thisted_line["y"], strict=True))[2024] == 24
    assert "no. 24 of 93" in table_of(peers, f"chart-peers-{kpi.id}")

    log = client.get("/admin/national-log").get_data(as_text=True)
    assert "A survey rank was replaced" in log and "Survey rankings imported" in log


def test_a_measurement_for_a_linked_kpi_is_refused_in_the_form_the_service_and_the_import(
    client, login, thisted
):
    org, _strategy, kpi = thisted
    member = login("facilitator", organisation=org, locale="en")  # may enter values of every KPI
    ranks_before = _db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRank))
    response = client.post(
        f"/o/{org.slug}/kpis/{kpi.id}/measurements",
        data={"measurement-period": "2024-09-01", "measurement-value": "24", "measurement-out_of": "93"},
    )
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)

    with force_locale("en"), pytest.raises(ServiceError, match=re.escape(REFUSED)):
        kpi_service.add_measurement(kpi, date(2024, 9, 1), 24, 93, actor=member)

    data = to_csv([["KPI", "Period", "Value", "N"], [kpi.name, "2024", "24", "93"]])
    with force_locale("en"):
        prepared = imports.prepare("measurements", data, "m.csv", org=org, actor=None, role=None)
    assert [p.message for p in prepared.problems] == [
        "The values of this KPI come from the national survey data (DI – Overordnet) and cannot be entered "
        "here. The site administrators change the survey data."
    ]
    _db.session.rollback()
    assert (
        _db.session.scalar(
            sa.select(sa.func.count()).select_from(Measurement).where(Measurement.kpi_id == kpi.id)
        )
        == 0
    )
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRank)) == ranks_before


def test_the_cli_import_of_measurements_is_refused_too(runner, thisted, tmp_path):
    org, _strategy, kpi = thisted
    path = tmp_path / "m.csv"
    path.write_bytes(to_csv([["KPI", "Period", "Value", "N"], [kpi.name, "2024", "24", "93"]]))
    with force_locale("en"):
        result = runner.invoke(args=["import", "measurements", str(path), "--org", org.slug])
    assert result.exit_code == 1
    assert "national survey data" in result.output


def test_a_rank_kpi_of_an_organisation_without_a_municipality_code_keeps_its_own_values(db, org, make_user):
    from tests import factories

    org.municipality_code = None
    goal = factories.goal(factories.strategy(org))
    kpi = factories.kpi(goal, kind="rank", direction="lower", survey="di", survey_category="Overordnet")
    editor = make_user("editor", org)
    measurement = kpi_service.add_measurement(kpi, date(2024, 9, 1), 24, 93, actor=editor)
    assert measurement.id is not None


def test_national_changes_are_logged_site_wide_not_in_an_organisation(client, login, thisted):
    org, _strategy, _kpi = thisted
    login("superuser", locale="en")
    _import_as_superuser(client, to_csv([["Kommune", "2024", "N 2024"], ["Morsø", "3", "93"]]))
    events = _db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.startswith("national.import"))
    ).all()
    assert len(events) == 1 and events[0].organisation_id is None
    own_log = client.get(f"/o/{org.slug}/audit").get_data(as_text=True)
    assert "national.import_rankings" not in own_log


def test_the_national_log_speaks_danish_by_default(client, login, thisted):
    login("superuser")
    _import_as_superuser(client, to_csv([["Kommune", "2024", "N 2024"], ["Thisted", "24", "93"]]))
    html = client.get("/admin/national-log").get_data(as_text=True)
    assert "Placeringer i målingen importeret" in html
    assert "Kommuneregistret (98 kommuner)" in html
