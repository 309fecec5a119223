"""Every message of a form is in the user's language: WTForms' own ("This field is required.") and the
e-mail check's, posted in Danish and in English."""

from datetime import date

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

from strategitracker.extensions import db as _db
from strategitracker.forms import Form
from strategitracker.models import Measurement
from tests import factories


@pytest.fixture
def kpi(org):
    goal = factories.goal(factories.strategy(org))
    kpi = factories.kpi(
        goal, kind="rank", direction="lower", baseline_value=92, baseline_date=date(2015, 9, 1)
    )
    kpi.baseline_out_of = 96
    _db.session.commit()
    return kpi


def page(response) -> str:
    return response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")


def measurement(**fields: str) -> dict:
    return {f"measurement-{k}": v for k, v in ({"period": "2019-09-01", "value": "6"} | fields).items()}


CASES = [
    (measurement(period=""), "Feltet skal udfyldes.", "This field is required."),
    (
        measurement(out_of="mange"),
        "Ikke et gyldigt heltal. Skriv et helt tal, fx 12.",
        "Not a valid integer value.",
    ),
    (
        measurement(period="2019-13-01"),
        "Ikke en gyldig dato. Skriv fx 2024-09-01.",
        "Not a valid date value.",
    ),
    (
        measurement(out_of="93", note="x" * 2001),
        "Feltet må højst være 2000 tegn langt.",
        "Field cannot be longer than 2000 characters.",
    ),
]


@pytest.mark.parametrize(("data", "danish", "english"), CASES)
def test_wtforms_messages_follow_the_language(client, login, org, kpi, data, danish, english):
    for locale, message in (("da", danish), ("en", english)):
        kpi.owner_user_id = login("editor", locale=locale).id  # an editor enters their own KPIs' values
        _db.session.commit()
        response = client.post(f"/o/{org.slug}/kpis/{kpi.id}/measurements", data=data)
        assert response.status_code == 400
        assert message in page(response), locale
        client.post("/logout")
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Measurement)) == 0


@pytest.mark.parametrize(
    ("email", "danish", "english"),
    [
        ("ny.bruger", "En e-mailadresse skal have et @", "An e-mail address must have an @-sign"),
        ("ny@kommune", "Delen efter @ skal være et domænenavn", "The part after the @-sign must be a domain"),
        ("@kommune.dk", "Delen før @ mangler", "The part before the @-sign is missing"),
        ("ny bruger@kommune.dk", "Delen før @ mangler", "The part before the @-sign is missing"),
    ],
)
def test_email_messages_follow_the_language(client, login, org, email, danish, english):
    data = {"email": email, "name": "Ny Bruger", "role": "viewer", "temporary_password": "midlertidig-1"}
    for locale, message in (("da", danish), ("en", english)):
        login("admin", locale=locale)
        response = client.post(f"/o/{org.slug}/members/", data=data)
        assert response.status_code == 400
        assert message in page(response), locale
        assert "Invalid email address" not in page(response)
        client.post("/logout")


def test_every_form_of_the_app_speaks_the_users_language(app):
    """A form built on FlaskForm directly would show WTForms' English messages in the Danish UI. (The app
    is built, so every module with forms is imported.)"""
    forms = []
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("strategitracker."):
            forms.append(form)
    assert len(forms) > 20
    assert [f.__qualname__ for f in forms if not issubclass(f, Form)] == []
