"""The API's refusals of a body or query that does not match its document come in the token owner's
language: marshmallow's and webargs' own messages through translations/da/LC_MESSAGES/marshmallow.po."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from marshmallow import Schema, fields, validate
from webargs.core import Parser

import strategitracker
from strategitracker.web.problems import in_language
from tests.api_support import bearer, strategy_data, token_for

CATALOGUE = Path(strategitracker.__file__).parent / "translations" / "da" / "LC_MESSAGES" / "marshmallow.po"


@pytest.fixture
def data(org, make_user):
    return strategy_data(org, owner=make_user("editor", org))


def _secret(make_user, org, locale: str) -> str:
    return token_for(make_user("facilitator", org, locale=locale), org, write=True)


def test_a_danish_owner_gets_the_refusal_in_danish(client, org, make_user, data):
    url = f"/api/v1/kpis/{data.kpi.id}/measurements"
    danish, english = (_secret(make_user, org, locale) for locale in ("da", "en"))
    body = {"period": "x", "note": 5}
    da = client.put(url, json=body, headers=bearer(danish)).get_json()
    en = client.put(url, json=body, headers=bearer(english)).get_json()
    assert da["status"] == en["status"] == 422
    assert da["errors"]["json"]["period"] == ["Ikke en gyldig dato."]
    assert da["errors"]["json"]["value"] == ["Feltet skal udfyldes."]
    assert en["errors"]["json"]["period"] == ["Not a valid date."]
    assert en["errors"]["json"]["value"] == ["Missing data for required field."]


def test_values_in_a_message_are_kept(client, org, make_user, data):
    danish = _secret(make_user, org, "da")
    response = client.get("/api/v1/inquiries?per_page=100000", headers=bearer(danish))
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["query"]["per_page"]
    assert re.fullmatch(r"Skal være mindst 1 og højst \d+\.", message), message
    unknown = client.get("/api/v1/inquiries?colour=blue", headers=bearer(danish)).get_json()
    assert unknown["errors"]["query"]["colour"] == ["Ukendt felt."]


def test_the_apis_own_checks_speak_the_owners_language(client, org, make_user, data):
    danish = _secret(make_user, org, "da")
    url = f"/api/v1/kpis/{data.kpi.id}/measurements"
    response = client.put(
        url, json={"period": "2020-01-01", "value": 1, "note": "a\x00b"}, headers=bearer(danish)
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["note"] == ["Teksten må ikke indeholde NUL-tegn."]


@pytest.mark.parametrize(
    "english, danish",
    [
        ("Must be one of: open, closed.", "Skal være en af: open, closed."),
        ("Must be greater than or equal to 1.", "Skal være mindst 1."),
        ("Must be greater than or equal to 1 and less than or equal to 5.", "Skal være mindst 1 og højst 5."),
        ("Longer than maximum length 2000.", "Længere end den største længde, 2000."),
        ("Something marshmallow may say one day.", "Something marshmallow may say one day."),
    ],
)
def test_a_message_is_matched_with_its_values(app, english, danish):
    with app.test_request_context(), force_locale("da"):
        assert in_language({"field": [english], "nested": {"0": [english]}}) == {
            "field": [danish],
            "nested": {"0": [danish]},
        }


def _library_messages() -> set[str]:
    """Every message marshmallow's fields, schemas and validators and webargs' parser can write, with the
    English words of their own placeholders filled in and the caller's values as {name}."""
    found: set[str] = {"Invalid JSON body.", Parser.DEFAULT_VALIDATION_MESSAGE}
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        for klass in cls.__mro__:
            found |= {str(m) for m in getattr(klass, "default_error_messages", {}).values()}
    found |= set(Schema._default_error_messages.values())
    for awareness in ("aware", "naive"):
        found.add(
            fields.AwareDateTime.default_error_messages["invalid_awareness"].format(
                awareness=awareness, obj_type="datetime"
            )
        )
    found.add(fields.DateTime.default_error_messages["invalid"].format(obj_type="datetime"))
    found.add(fields.Date.default_error_messages["invalid"].format(obj_type="date"))
    r = validate.Range
    ops = {"min": (r.message_gte, r.message_gt), "max": (r.message_lte, r.message_lt)}
    for low, high in zip(ops["min"], ops["max"], strict=True):
        found.add(r.message_min.format(min_op=low))
        found.add(r.message_max.format(max_op=high))
        found.add(r.message_all.format(min_op=low, max_op=high))
    length = validate.Length
    found |= {length.message_min, length.message_max, length.message_all, length.message_equal}
    for _name, cls in inspect.getmembers(validate, inspect.isclass):
        if isinstance(getattr(cls, "default_message", None), str):
            found.add(cls.default_message)
    return found


def test_every_entry_of_the_catalogue_is_a_message_of_the_libraries():
    """An upgrade that rewords a message shows here, instead of leaving the message in English."""
    with CATALOGUE.open("rb") as po:
        entries = {str(m.id): str(m.string) for m in read_po(po) if m.id}
    assert set(entries) <= _library_messages(), set(entries) - _library_messages()
    for english, danish in entries.items():
        assert danish and re.findall(r"\{\w+\}", english) == re.findall(r"\{\w+\}", danish), english
