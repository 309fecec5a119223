"""The REST API: tokens, who sees and changes what, problem details, pages, ETags and the writes."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from strategitracker.extensions import db
from strategitracker.models import ActionPlanUpdate, ApiToken, AuditEvent, Measurement
from strategitracker.services import accounts
from tests import factories
from tests.api_support import bearer, expire, strategy_data, token_for
from tests.conftest import PASSWORD

PROBLEM = "application/problem+json"


@pytest.fixture
def editor(make_user, org):
    return make_user("editor", org)


@pytest.fixture
def data(org, editor):
    return strategy_data(org, owner=editor)


def _put(client, secret, kpi_id, **body):
    body.setdefault("period", "2020-01-01")
    body.setdefault("value", 17)
    return client.put(f"/api/v1/kpis/{kpi_id}/measurements", json=body, headers=bearer(secret))


def test_openapi_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    assert "/api/v1/kpis/{kpi_id}/measurements" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_loads_swagger_ui_from_the_app_itself(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "swagger-ui-bundle.js" in page and "http" not in page.split("<body>")[1].replace("http-equiv", "")
    script = page.split('<script src="')[1].split('"')[0]
    assert client.get(script).status_code == 200


def test_cli_token_pushes_a_measurement_that_the_kpi_page_shows_at_once(client, runner, org, editor, data):
    db.session.commit()
    result = runner.invoke(
        args=["tokens", "create", editor.email, "--org", org.slug, "--name", "Økonomisystem", "--write"]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    response = _put(client, secret, data.kpi.id, period="2021-01-01", value=1234.5)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["result"] == "created"
    client.post("/login", data={"email": editor.email, "password": PASSWORD})
    page = client.get(f"/o/{org.slug}/kpis/{data.kpi.id}").get_data(as_text=True)
    assert "1.234,5" in page


def test_cli_refuses_a_non_member_and_an_unknown_organisation(runner, org, other_org, make_user):
    outsider = make_user("admin", other_org)
    result = runner.invoke(args=["tokens", "create", outsider.email, "--org", org.slug, "--name", "x"])
    assert result.exit_code != 0 and "medlem" in result.output
    result = runner.invoke(args=["tokens", "create", outsider.email, "--org", "nowhere", "--name", "x"])
    assert result.exit_code != 0


def test_only_a_hash_of_the_token_is_stored(org, editor):
    secret = token_for(editor, org)
    stored = db.session.scalar(sa.select(ApiToken))
    assert secret not in (stored.token_hash, stored.prefix) and secret.startswith(stored.prefix)


def test_put_is_an_idempotent_upsert_through_the_service(client, org, editor, data):
    secret = token_for(editor, org, write=True)
    assert _put(client, secret, data.kpi.id).status_code == 201
    again = _put(client, secret, data.kpi.id)
    assert again.status_code == 200 and again.get_json()["result"] == "unchanged"
    refused = _put(client, secret, data.kpi.id, value=18)
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    corrected = _put(client, secret, data.kpi.id, value=18, reason="Revideret tal")
    assert corrected.get_json()["result"] == "corrected"
    rows = db.session.scalars(sa.select(Measurement).where(Measurement.kpi_id == data.kpi.id)).all()
    assert sorted(m.value for m in rows) == [14, 18]
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entity_type == "measurement"))
    assert sorted(actions) == ["measurement.correct", "measurement.create"]


def test_refusals_are_problem_details_in_the_owners_language(client, org, make_user, data):
    danish = make_user("facilitator", org, locale="da")
    english = make_user("facilitator", org, locale="en")
    future = {"period": f"{date.today().year + 2}-01-01"}
    da = _put(client, token_for(danish, org, write=True), data.kpi.id, **future).get_json()
    en = _put(client, token_for(english, org, write=True), data.kpi.id, **future).get_json()
    assert "år" in da["detail"] and "year" in en["detail"]
    assert da["status"] == 422 and da["title"] != en["title"]


def test_bad_input_is_422_and_changes_nothing(client, org, editor, data):
    secret = token_for(editor, org, write=True)
    for body in (
        {"period": "x", "value": 1},
        {"period": "2020-01-01"},
        {"period": "2020-01-01", "value": "a"},
    ):
        response = client.put(f"/api/v1/kpis/{data.kpi.id}/measurements", json=body, headers=bearer(secret))
        assert response.status_code == 422 and response.get_json()["errors"]
    assert db.session.scalar(sa.select(sa.func.count(Measurement.id))) == 1


def test_action_plan_update_goes_through_the_same_rules(client, org, editor, data):
    secret = token_for(editor, org, write=True)
    url = f"/api/v1/action-plans/{data.plan.id}/updates"
    delayed = client.post(url, json={"status": "delayed"}, headers=bearer(secret))
    assert delayed.status_code == 422 and "kommentar" in delayed.get_json()["detail"].lower()
    ok = client.post(
        url, json={"status": "in_progress", "progress": 40, "comment": "Godt i gang"}, headers=bearer(secret)
    )
    assert ok.status_code == 201, ok.get_data(as_text=True)
    assert ok.get_json()["action_plan"]["progress"] == 40
    stale = client.post(url, json={"status": "in_progress", "version": 1}, headers=bearer(secret))
    assert stale.status_code == 409 and stale.content_type == PROBLEM
    history = client.get(f"/api/v1/action-plans/{data.plan.id}", headers=bearer(secret)).get_json()["updates"]
    assert [u["comment"] for u in history] == ["Godt i gang"]


def test_a_read_token_cannot_write(client, org, editor, data):
    secret = token_for(editor, org)
    assert _put(client, secret, data.kpi.id).status_code == 403
    response = client.post(
        f"/api/v1/action-plans/{data.plan.id}/updates", json={"status": "in_progress"}, headers=bearer(secret)
    )
    assert response.status_code == 403 and response.content_type == PROBLEM
    assert db.session.scalar(sa.select(sa.func.count(ActionPlanUpdate.id))) == 0


def test_a_viewers_write_token_cannot_write(client, org, make_user, data):
    viewer = make_user("viewer", org)
    secret = token_for(viewer, org, write=True)
    assert client.get("/api/v1/kpis", headers=bearer(secret)).status_code == 200
    assert _put(client, secret, data.kpi.id).status_code == 403
    assert (
        client.post(
            f"/api/v1/action-plans/{data.plan.id}/updates",
            json={"status": "in_progress"},
            headers=bearer(secret),
        ).status_code
        == 403
    )


def test_an_editor_writes_only_the_measurements_of_their_own_kpis(client, org, make_user, data):
    other_editor = make_user("editor", org)
    assert _put(client, token_for(other_editor, org, write=True), data.kpi.id).status_code == 403


def test_a_token_follows_its_owners_current_role(client, org, editor, data):
    secret = token_for(editor, org, write=True)
    membership = editor.memberships[0]
    membership.role = "viewer"
    db.session.flush()
    assert _put(client, secret, data.kpi.id).status_code == 403
    membership.active = False
    db.session.flush()
    assert client.get("/api/v1/kpis", headers=bearer(secret)).status_code == 401


def test_revoked_expired_and_unknown_tokens_get_401(client, org, editor, data):
    revoked, expired = token_for(editor, org), token_for(editor, org, days=1)
    accounts.revoke_token(accounts.find_live_token(revoked), actor=editor)
    expire(expired)
    for headers in (
        bearer(revoked),
        bearer(expired),
        bearer("st_nonsense"),
        {"Authorization": "Basic eDp5"},
        {},
    ):
        response = client.get("/api/v1/organisations", headers=headers)
        assert response.status_code == 401 and response.content_type == PROBLEM
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_of_one_organisation_sees_and_changes_nothing_of_another(
    client, org, other_org, make_user, data
):
    outsider = make_user("admin", other_org)
    theirs = strategy_data(other_org)
    secret = token_for(outsider, other_org, write=True)
    for path in ("strategies", "goals", "kpis", "action-plans", "departments"):
        items = client.get(f"/api/v1/{path}", headers=bearer(secret)).get_json()["items"]
        ids = {item["id"] for item in items}
        assert ids and not ids & {
            data.strategy.id,
            data.goal.id,
            data.kpi.id,
            data.plan.id,
            data.department.id,
        }
        assert ids & {theirs.strategy.id, theirs.goal.id, theirs.kpi.id, theirs.plan.id, theirs.department.id}
    for path in (f"strategies/{data.strategy.id}", f"kpis/{data.kpi.id}", f"action-plans/{data.plan.id}"):
        assert client.get(f"/api/v1/{path}", headers=bearer(secret)).status_code == 404
    assert _put(client, secret, data.kpi.id).status_code == 404
    assert (
        client.post(
            f"/api/v1/action-plans/{data.plan.id}/updates",
            json={"status": "in_progress"},
            headers=bearer(secret),
        ).status_code
        == 404
    )
    orgs = client.get("/api/v1/organisations", headers=bearer(secret)).get_json()["items"]
    assert [o["slug"] for o in orgs] == [other_org.slug]


def test_session_cookies_never_authorise_the_api(client, login, data):
    login("admin")
    assert client.get("/api/v1/kpis").status_code == 401
    response = client.put(
        f"/api/v1/kpis/{data.kpi.id}/measurements", json={"period": "2020-01-01", "value": 1}
    )
    assert response.status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(Measurement.id))) == 1


def test_token_requests_need_no_csrf_token(app, org, editor, data):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _put(app.test_client(), token_for(editor, org, write=True), data.kpi.id)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 201


def test_lists_are_paginated_with_meta_and_link_header(client, org, editor, data):
    for _n in range(3):
        factories.goal(data.strategy)
    secret = token_for(editor, org)
    response = client.get("/api/v1/goals?per_page=2&page=2", headers=bearer(secret))
    body = response.get_json()
    assert body["meta"] == {"page": 2, "per_page": 2, "total": 4, "pages": 2}
    assert len(body["items"]) == 2
    assert 'rel="prev"' in response.headers["Link"] and 'rel="next"' not in response.headers["Link"]


def test_updated_since_and_period_filters(client, org, editor, data):
    secret = token_for(editor, org)
    future = client.get("/api/v1/action-plans?updated_since=2999-01-01T00:00:00Z", headers=bearer(secret))
    assert future.get_json()["items"] == []
    past = client.get("/api/v1/strategies?updated_since=2000-01-01T00:00:00%2B01:00", headers=bearer(secret))
    assert [s["id"] for s in past.get_json()["items"]] == [data.strategy.id]
    kpi = client.get(f"/api/v1/kpis/{data.kpi.id}?period_from=2020-01-01", headers=bearer(secret)).get_json()
    assert kpi["measurements"] == [] and kpi["targets"][0]["value"] == 20 and kpi["baseline"]["value"] == 10
    kpi = client.get(f"/api/v1/kpis/{data.kpi.id}", headers=bearer(secret)).get_json()
    assert [m["value"] for m in kpi["measurements"]] == [14]


def test_etag_answers_304_until_the_data_changes(client, org, editor, data):
    secret = token_for(editor, org, write=True)
    url = f"/api/v1/kpis/{data.kpi.id}"
    etag = client.get(url, headers=bearer(secret)).headers["ETag"]
    assert client.get(url, headers={**bearer(secret), "If-None-Match": etag}).status_code == 304
    _put(client, secret, data.kpi.id)
    assert client.get(url, headers={**bearer(secret), "If-None-Match": etag}).status_code == 200


def test_survey_ranks_are_national(client, org, editor):
    secret = token_for(editor, org)
    body = client.get("/api/v1/survey-ranks?year=2019", headers=bearer(secret)).get_json()
    assert body["meta"]["page"] == 1 and isinstance(body["items"], list)


def test_unknown_api_routes_answer_problem_details(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.content_type == PROBLEM


def test_account_page_makes_a_token_shown_once_and_revokes_it(client, login, org):
    user = login("editor")
    page = client.post(
        "/account/tokens", data={"name": "Power BI", "organisation": org.id, "write": "y", "days": "30"}
    )
    assert page.status_code == 200
    secret = page.get_data(as_text=True).split('id="new-token" class="user-select-all">')[1].split("<")[0]
    assert (
        client.get("/api/v1/organisations", headers=bearer(secret)).get_json()["items"][0]["scope"] == "write"
    )
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Power BI" in listing and secret not in listing
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/organisations", headers=bearer(secret)).status_code == 401


def test_account_page_refuses_a_token_for_another_organisation(client, login, other_org):
    login("editor")
    response = client.post("/account/tokens", data={"name": "x", "organisation": other_org.id})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
