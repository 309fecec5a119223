"""Bad URLs and text get 400 or 404, never a 5xx: ids beyond what the database holds, NUL bytes in the
path, the query string, form fields and the log-in e-mail, and CR/LF in `next`. Every route of the app is
asked once per kind of visitor and kind of bad value (the routes and their URLs come from the
authorization matrix)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms.fields.core import UnboundField

from strategitracker.extensions import db as _db
from tests.conftest import PASSWORD
from tests.test_authorization_matrix import (
    ADMIN,
    ANONYMOUS,
    EDITOR,
    FACILITATOR,
    MATRIX,
    SUPERUSER,
    VIEWER,
    build_objects,
    build_url,
    log_in_as,
)

ROLES = (ANONYMOUS, VIEWER, EDITOR, FACILITATOR, ADMIN, SUPERUSER)
KINDS = ("huge id in the path", "NUL in the path", "NUL in fields", "huge numbers and CR/LF in fields")
NUL_MARK = "qqnulqq"  # put into the URL where %00 goes (url_for would look for such a static file)
CRLF_NEXT = "/\r\nSet-Cookie: injected=1"
#: names the views read from the query string or a form besides the fields of the WTForms forms
QUERY_NAMES = ("next", "page", "show", "token", "slug", "v", "format", "danish", "archived", "survey", "peer")


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found)) if found else found


def field_names() -> list[str]:
    """Every field of every form the app defines, and the names read from the query string."""
    import strategitracker  # noqa: F401  (the forms are imported with their blueprints)

    names = set(QUERY_NAMES)
    for form in _subclasses(FlaskForm):
        names |= {name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField)}
    return sorted(names)


def huge_id(app: Flask) -> int:
    """The first id the database cannot hold: 2^31 for PostgreSQL's integer, 2^63 for SQLite's."""
    with app.app_context():
        return 2**63 if _db.engine.dialect.name == "sqlite" else 2**31


def _int_params(app: Flask, endpoint: str) -> set[str]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return {name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)}


def bad_request(app: Flask, key: tuple[str, str], kind: str, objects, names: list[str]):
    """(url, query, form) for one kind of bad value; None when the route has nothing to put it in."""
    endpoint, method = key
    route = MATRIX[key]
    values: dict[str, Any] = route.url(objects)
    ints = _int_params(app, endpoint)
    query: dict[str, Any] = {}
    form: dict[str, Any] = dict(route.effective_form(objects)) if method != "GET" else {}
    if kind == "huge id in the path":
        if not ints:
            return None
        values = {k: huge_id(app) if k in ints else v for k, v in values.items()}
    elif kind == "NUL in the path":
        texts = {k for k, v in values.items() if k not in ints and isinstance(v, str)}
        if not texts:
            return None
        values = {k: v + NUL_MARK if k in texts else v for k, v in values.items()}
        return build_url(app, endpoint, values).replace(NUL_MARK, "%00x"), query, form
    elif kind == "NUL in fields":
        query = dict.fromkeys(names, "a\x00b")
        form |= dict.fromkeys(names, "a\x00b")
        form["email"] = "someone\x00@example.org"
    else:
        number = str(huge_id(app))
        query = dict.fromkeys(names, number) | {"next": CRLF_NEXT}
        form |= dict.fromkeys(names, number) | {"next": CRLF_NEXT}
    return build_url(app, endpoint, values), query, form


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_bad_values_with_a_server_error(app, client, login, org, other_org, role):
    objects = build_objects(org)
    log_in_as(role, login, other_org)
    names = field_names()
    failures = []
    for key in sorted(MATRIX):
        for kind in KINDS:
            request = bad_request(app, key, kind, objects, names)
            if request is None:
                continue
            url, query, form = request
            url, _, own_query = url.partition("?")  # the route's own query values, then the bad ones
            query = dict(parse_qsl(own_query, keep_blank_values=True)) | query
            try:  # the tests propagate exceptions that would be a 500 in production
                response = client.open(url, method=key[1], query_string=query, data=form or None)
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{key[1]} {url} ({kind}): {exc!r}"[:300])
                _db.session.rollback()
                continue
            if response.status_code >= 500:
                failures.append(f"{key[1]} {url} ({kind}): {response.status_code}")
            location = response.headers.get("Location", "")
            assert "\r" not in location and "\n" not in location
            _db.session.rollback()
    assert failures == [], "\n".join(failures)


def test_each_kind_of_bad_value_gets_its_answer(app, client, login, org, make_user):
    objects = build_objects(org)
    public = f"/public/{org.slug}/strategies"
    assert client.get(f"{public}/{2**31}").status_code == 404
    assert client.get(f"{public}/{2**63}").status_code == 404
    assert client.get(f"/public/{org.slug}%00/strategies/{objects.strategy.id}").status_code == 400
    assert client.get("/public", query_string={"q": "a\x00"}).status_code == 400
    user = make_user("viewer", org)
    _db.session.commit()
    refused = client.post("/login", data={"email": user.email + "\x00", "password": "x"})
    assert refused.status_code == 400
    response = client.post(
        "/login", query_string={"next": CRLF_NEXT}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "injected" not in response.headers.get("Set-Cookie", "")
