"""Values beyond what a KPI can hold (more than 1e15 either way, NaN, infinity) are refused by the one rule
in services/kpi_rules.py with the same message in the forms, the services and the import; and a huge value
already in the database (put there by hand) makes no page fail."""

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.extensions import db as _db
from strategitracker.models import KPI, KPITarget, Measurement
from strategitracker.services import ServiceError, imports
from strategitracker.services import kpi as kpis
from strategitracker.services.kpi import MAX_ABS_VALUE, value_problem
from tests import factories
from tests.imports.conftest import to_csv
from tests.test_authorization_matrix import snapshot

TOO_LARGE = {
    "da": "Tallet er for stort: en værdi skal ligge mellem −1.000.000.000.000.000 og 1.000.000.000.000.000.",
    "en": "The number is too large: a value must lie between −1,000,000,000,000,000 and "
    "1,000,000,000,000,000.",
}


@pytest.fixture
def kpi(org):
    goal = factories.goal(factories.strategy(org, published=True), title="Flere arbejdspladser")
    kpi = factories.kpi(
        goal, name="Antal arbejdspladser", baseline_value=3100, baseline_date=date(2015, 1, 1)
    )
    factories.measurement(kpi, date(2019, 1, 1), 3300)
    factories.target(kpi, 4000, date(2027, 1, 1))
    _db.session.commit()
    return kpi


def url(org, *parts) -> str:
    return "/".join([f"/o/{org.slug}", *map(str, parts)])


def page(response) -> str:
    return response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")


def test_the_rule_holds_at_its_bounds(app):
    with app.test_request_context():
        for kind in ("number", "percent", "rank"):
            assert value_problem(kind, float("nan")) is not None
            assert value_problem(kind, float("inf")) is not None
        assert value_problem("number", MAX_ABS_VALUE) is None
        assert value_problem("number", -MAX_ABS_VALUE) is None
        assert value_problem("number", 1.000001e15) is not None
        assert value_problem("number", -1e30) is not None


@pytest.mark.parametrize("locale", ["da", "en"])
@pytest.mark.parametrize("typed", ["1e30", "-1e16", "1.000.000.000.000.001", "1e400"])
def test_forms_refuse_a_value_too_large_with_the_rule_message(client, login, org, kpi, locale, typed):
    if locale == "en":
        typed = typed.replace(".", ",")
    login("facilitator", locale=locale)
    before = snapshot()
    forms = [
        (("kpis", kpi.id, "measurements"), {"measurement-period": "2020-01-01", "measurement-value": typed}),
        (("kpis", kpi.id, "targets"), {"target-value": typed, "target-target_date": "2028-01-01"}),
        (
            ("kpis", kpi.id, "edit"),
            {
                "name": kpi.name,
                "kind": "number",
                "direction": "higher",
                "frequency": "yearly",
                "baseline_value": typed,
                "baseline_date": "2015-01-01",
                "baseline_reason": "Tastefejl rettet",
            },
        ),
    ]
    for path, data in forms:
        response = client.post(url(org, *path), data=data)
        assert response.status_code == 400, path
        assert TOO_LARGE[locale] in page(response), path
    assert snapshot() == before


@pytest.mark.parametrize("locale", ["da", "en"])
def test_form_service_and_import_refuse_1e30_with_the_same_message(
    app, client, login, org, kpi, make_user, locale
):
    """The form (a measurement), each service that writes a value and the measurement import: the message
    of the one rule, `value_problem`."""
    message = TOO_LARGE[locale]
    login("facilitator", locale=locale)
    form = client.post(
        url(org, "kpis", kpi.id, "measurements"),
        data={"measurement-period": "2020-01-01", "measurement-value": "1e30"},
    )
    assert message in page(form)

    actor = make_user("facilitator", org)
    _db.session.commit()
    before = snapshot()
    with app.test_request_context(), force_locale(locale):
        writes = [
            lambda: kpis.add_measurement(kpi, date(2020, 1, 1), 1e30, actor=actor),
            lambda: kpis.add_target(kpi, 1e30, date(2028, 1, 1), actor=actor),
            lambda: kpis.update_kpi(kpi, kpis.KPIData(name=kpi.name, **BASELINE_1E30), actor=actor),
            lambda: kpis.create_kpi(
                kpi.goal, kpis.KPIData(name="Nyt nøgletal", **BASELINE_1E30), actor=actor
            ),
        ]
        for write in writes:
            with pytest.raises(ServiceError) as refused:
                write()
            assert str(refused.value).endswith(message)  # the KPI service names the field: "Baseline: …"
        _db.session.rollback()

        data = to_csv([["Nøgletal", "Periode", "Værdi"], [kpi.name, "2020", "1e30"]])
        prepared = imports.prepare("measurements", data, "data.csv", org=org, actor=actor, role=None)
        assert [p.message for p in prepared.problems] == [message]
    assert snapshot() == before


BASELINE_1E30 = {"baseline_value": 1e30, "baseline_date": date(2015, 1, 1)}


def _store_huge_values(kpi: KPI, value: float) -> None:
    """Put `value` into the baseline, a measurement and a target by SQL, as a hand edit of the database
    would."""
    _db.session.execute(sa.update(KPI).where(KPI.id == kpi.id).values(baseline_value=value))
    _db.session.execute(sa.update(Measurement).where(Measurement.kpi_id == kpi.id).values(value=value))
    _db.session.execute(
        sa.insert(Measurement).values(
            kpi_id=kpi.id, period=date(2020, 1, 1), value=-value, note="", source=""
        )
    )
    _db.session.execute(sa.update(KPITarget).where(KPITarget.kpi_id == kpi.id).values(value=value))
    _db.session.commit()


@pytest.mark.parametrize("value", [1e30, 1e300, -1e30])
@pytest.mark.parametrize("locale", ["da", "en"])
def test_huge_stored_values_make_no_page_fail(client, login, org, kpi, value, locale):
    _store_huge_values(kpi, value)
    strategy_id = kpi.goal.strategy_id
    login("viewer", locale=locale)
    pages = [
        url(org, "kpis", kpi.id),
        url(org, "goals", kpi.goal_id),
        url(org, "strategies", strategy_id),
        url(org, "strategies", strategy_id, "dashboard"),
        url(org, "strategies", strategy_id, "timeline"),
        url(org, "mine"),
        url(org, "strategies", strategy_id, "report"),
        url(org, "strategies", strategy_id, "report.xlsx"),
        f"{url(org, 'exports', 'measurements')}?kpi_id={kpi.id}&format=csv",
        f"{url(org, 'exports', 'measurements')}?kpi_id={kpi.id}&format=xlsx",
        f"/public/{org.slug}/strategies/{strategy_id}",
        "/public",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)


@pytest.fixture
def rank_kpi(org):
    goal = factories.goal(factories.strategy(org))
    kpi = factories.kpi(goal, name="Placering i DI's måling", kind="rank", direction="lower")
    _db.session.commit()
    return kpi


@pytest.mark.parametrize(
    ("locale", "message"),
    [("da", "N kan højst være 1.000.000."), ("en", "N cannot be more than 1,000,000.")],
)
def test_form_service_and_import_refuse_an_n_beyond_the_bound_alike(
    app, client, login, org, rank_kpi, make_user, locale, message
):
    """N beyond a million (or beyond what the database holds) is refused, never a failing page."""
    rank_kpi.owner_user_id = login("editor", locale=locale).id  # an editor enters their own KPIs' values
    _db.session.commit()
    for typed in ("1000001", "99999999999"):
        form = client.post(
            url(org, "kpis", rank_kpi.id, "measurements"),
            data={"measurement-period": "2019-09-01", "measurement-value": "6", "measurement-out_of": typed},
        )
        assert form.status_code == 400
        assert message in page(form)

    actor = make_user("editor", org)
    _db.session.commit()
    with app.test_request_context(), force_locale(locale):
        with pytest.raises(ServiceError) as refused:
            kpis.add_measurement(rank_kpi, date(2019, 9, 1), 6, 1_000_001, actor=actor)
        assert str(refused.value) == message
        _db.session.rollback()
        data = to_csv([["Nøgletal", "Periode", "Værdi", "N"], [rank_kpi.name, "2019", "6", "1000001"]])
        prepared = imports.prepare("measurements", data, "data.csv", org=org, actor=actor, role=None)
        assert [p.message for p in prepared.problems] == [message]
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Measurement)) == 0
