"""Numbers typed into the KPI forms are read the way of the user's language (strategitracker.formatting):
Danish "3.500" is 3500 in every number field, a malformed number is refused with the right ways to type it,
and a stored value is shown so that saving the form again keeps it."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import KPI, KPITarget, Measurement
from tests import factories
from tests.test_authorization_matrix import snapshot


@pytest.fixture
def kpi(org):
    goal = factories.goal(factories.strategy(org))
    kpi = factories.kpi(
        goal, name="Antal arbejdspladser", baseline_value=3100, baseline_date=date(2015, 1, 1), unit="job"
    )
    _db.session.commit()
    return kpi


def url(org, *parts) -> str:
    return "/".join([f"/o/{org.slug}", *map(str, parts)])


def measurement(period: str, value: str) -> dict:
    return {"measurement-period": period, "measurement-value": value}


def target(value: str, target_date: str = "2027-01-01") -> dict:
    return {"target-value": value, "target-target_date": target_date}


def kpi_form(kpi: KPI, baseline: str) -> dict:
    return {
        "name": kpi.name,
        "kind": "number",
        "direction": "higher",
        "frequency": "yearly",
        "unit": kpi.unit,
        "baseline_value": baseline,
        "baseline_date": "2015-01-01",
        "baseline_reason": "Tastefejl rettet",
    }


def page(response) -> str:
    return response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")


def stored_measurement(kpi: KPI) -> float | None:
    return _db.session.scalar(sa.select(Measurement.value).where(Measurement.kpi_id == kpi.id))


def stored_target(kpi: KPI) -> float | None:
    return _db.session.scalar(sa.select(KPITarget.value).where(KPITarget.kpi_id == kpi.id))


def stored_baseline(kpi: KPI) -> float | None:
    _db.session.expire_all()
    return _db.session.get(KPI, kpi.id).baseline_value


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("3.500", 3500.0), ("3.980", 3980.0), ("3.500,5", 3500.5), ("3,5", 3.5), ("1.234.567", 1234567.0)],
)
def test_danish_numbers_are_stored_as_meant_in_every_number_field(client, login, org, kpi, typed, stored):
    login("facilitator", locale="da")
    assert (
        client.post(
            url(org, "kpis", kpi.id, "measurements"), data=measurement("2020-01-01", typed)
        ).status_code
        == 302
    )
    assert client.post(url(org, "kpis", kpi.id, "targets"), data=target(typed)).status_code == 302
    assert client.post(url(org, "kpis", kpi.id, "edit"), data=kpi_form(kpi, typed)).status_code == 302
    assert (stored_measurement(kpi), stored_target(kpi), stored_baseline(kpi)) == (stored, stored, stored)


def test_a_new_kpi_reads_its_danish_baseline(client, login, org, kpi):
    login("facilitator", locale="da")
    data = kpi_form(kpi, "4.250") | {"name": "Antal virksomheder"}
    assert client.post(url(org, "goals", kpi.goal_id, "kpis", "new"), data=data).status_code == 302
    assert _db.session.scalar(sa.select(KPI.baseline_value).where(KPI.name == "Antal virksomheder")) == 4250


def test_english_numbers_are_read_the_english_way(client, login, org, kpi):
    kpi.owner_user_id = login("editor", locale="en").id  # an editor enters their own KPIs' values
    _db.session.commit()
    response = client.post(
        url(org, "kpis", kpi.id, "measurements"), data=measurement("2020-01-01", "3,500.5")
    )
    assert response.status_code == 302
    assert stored_measurement(kpi) == 3500.5


@pytest.mark.parametrize(
    ("locale", "typed", "message"),
    [
        ("da", "3.50", "Skriv tallet som 350 eller 3,5."),
        ("da", "12.5", "Skriv tallet som 125 eller 12,5."),
        ("da", "tre", "Skriv et tal, fx 3.500 eller 3,5."),
        ("en", "3,5", "Write the number as 35 or 3.5."),
        ("en", "3.500,5", "Write the number as 3.5005 or 3,500.5."),
    ],
)
def test_a_malformed_number_is_refused_with_the_right_ways_to_type_it(
    client, login, org, kpi, locale, typed, message
):
    login("facilitator", locale=locale)
    before = snapshot()
    for path, data in [
        (("kpis", kpi.id, "measurements"), measurement("2020-01-01", typed)),
        (("kpis", kpi.id, "targets"), target(typed)),
        (("kpis", kpi.id, "edit"), kpi_form(kpi, typed)),
    ]:
        response = client.post(url(org, *path), data=data)
        assert response.status_code == 400, path
        assert message in page(response), path
        assert typed in page(response)  # the text stays in the field to be corrected
    assert snapshot() == before


@pytest.mark.parametrize(("locale", "shown"), [("da", 'value="3.500,25"'), ("en", 'value="3,500.25"')])
def test_a_stored_value_is_shown_the_local_way_and_saved_again_unchanged(
    client, login, org, kpi, locale, shown
):
    kpi.baseline_value = 3500.25
    _db.session.commit()
    login("facilitator", locale=locale)
    assert shown in page(client.get(url(org, "kpis", kpi.id, "edit")))
    typed = shown.split('"')[1]
    assert client.post(url(org, "kpis", kpi.id, "edit"), data=kpi_form(kpi, typed)).status_code == 302
    assert stored_baseline(kpi) == 3500.25


@pytest.mark.parametrize(("locale", "shown"), [("da", "<td>3.500,5</td>"), ("en", "<td>3,500.5</td>")])
def test_an_import_preview_shows_the_values_read_the_local_way(client, login, org, kpi, locale, shown):
    """A Danish file's "3.500,5" is shown as read: 3.500,5 in Danish, 3,500.5 in English."""
    login("facilitator", locale=locale)
    data = "Nøgletal;Periode;Værdi\r\n" + f"{kpi.name};2020;3.500,5\r\n"
    response = client.post(
        url(org, "imports", "measurements"),
        data={"file": (io.BytesIO(data.encode()), "tal.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert shown in page(client.get(response.location))
