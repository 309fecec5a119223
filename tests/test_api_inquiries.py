"""The inquiry log through the API: the log's rules and audit, its filters and pages, and who may read and
write it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db
from strategitracker.models import AuditEvent, Inquiry
from strategitracker.services import accounts
from strategitracker.services import inquiry as service
from tests import factories
from tests.api_support import bearer, expire, token_for

PROBLEM = "application/problem+json"
VALID_CVR = "29189919"
RECEIVED = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def editor(make_user, org):
    return make_user("editor", org, locale="da")


def _log(org, actor, **kw) -> Inquiry:
    kw.setdefault("received_at", RECEIVED)
    kw.setdefault("company_name", "Thy Smedie ApS")
    made = service.log_inquiry(org, service.InquiryData(**kw), actor=actor)
    db.session.flush()
    return made


def _post(client, secret, **body):
    body.setdefault("received_at", "2026-03-02T09:30:00+01:00")
    body.setdefault("company_name", "Hanstholm Fisk A/S")
    return client.post("/api/v1/inquiries", json=body, headers=bearer(secret))


def test_a_write_token_logs_an_inquiry_through_the_logs_rules_and_audit(client, org, editor):
    department = factories.department(org)
    secret = token_for(editor, org, write=True)
    response = _post(
        client, secret, cvr="DK29189919", department_ids=[department.id], contact_name="Mette Holm"
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["cvr"] == VALID_CVR and body["received_at"] == "2026-03-02T08:30:00+00:00"
    assert body["departments"] == [{"id": department.id, "name": department.name}]
    assert body["contact_name"] == "Mette Holm" and body["late"] is True and body["answered_in_time"] is None
    stored = db.session.get(Inquiry, body["id"])
    assert stored.organisation_id == org.id and stored.company_name == "Hanstholm Fisk A/S"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "inquiry", AuditEvent.entity_id == stored.id)
    )
    assert event.action == "inquiry.create" and event.user_id == editor.id
    assert "Mette" not in str(event.after)  # the contact person is never audited


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"cvr": "12345678"}, "cvr", "CVR"),
        ({"received_at": "2200-01-01T00:00:00+00:00"}, None, None),
        ({"received_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()}, "received_at", "fremtiden"),
        ({"closed_at": "2026-03-03T10:00:00+00:00"}, "outcome", "afsluttes"),
        ({"first_answer_at": "2026-03-01T10:00:00+00:00"}, "first_answer_at", "før"),
        ({"department_ids": [999999]}, "department_ids", "forvaltninger"),
        ({"handler_id": 999999}, "handler_id", "medlem"),
        ({"received_at": "2026-03-02T09:30:00"}, None, None),  # no zone: refused, not guessed
        ({"company_name": "   "}, None, None),
    ],
)
def test_refusals_are_problems_in_danish_and_save_nothing(client, org, editor, body, field, words):
    response = _post(client, token_for(editor, org, write=True), **body)
    assert response.status_code == 422 and response.content_type == PROBLEM
    problem = response.get_json()
    assert problem["status"] == 422
    if words is not None:
        assert words in problem["detail"] and problem["errors"] == {field: [problem["detail"]]}, problem
    assert db.session.scalar(sa.select(sa.func.count(Inquiry.id))) == 0


def test_an_english_owner_gets_english_refusals(client, org, make_user):
    english = make_user("editor", org, locale="en")
    problem = _post(client, token_for(english, org, write=True), cvr="12345678").get_json()
    assert "CVR" in problem["detail"] and "valid" in problem["detail"]


def test_patch_records_the_first_answer_then_closes_with_an_outcome(client, org, editor):
    made = _log(org, editor, contact_phone="97 92 00 00")
    secret = token_for(editor, org, write=True)
    db.session.commit()
    url = f"/api/v1/inquiries/{made.id}"
    answered = client.patch(
        url, json={"first_answer_at": "2026-03-02T15:00:00+00:00"}, headers=bearer(secret)
    )
    assert answered.status_code == 200, answered.get_data(as_text=True)
    assert answered.get_json()["answered_in_time"] is True and answered.get_json()["late"] is False
    refused = client.patch(url, json={"closed_at": "2026-03-04T09:00:00+00:00"}, headers=bearer(secret))
    assert refused.status_code == 422 and db.session.get(Inquiry, made.id).closed_at is None
    closed = client.patch(
        url, json={"closed_at": "2026-03-04T09:00:00+00:00", "outcome": "alternative"}, headers=bearer(secret)
    )
    body = closed.get_json()
    assert body["outcome"] == "alternative" and body["contact_phone"] == "97 92 00 00"  # kept: left out
    assert body["company_name"] == "Thy Smedie ApS"
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.entity_type == "inquiry", AuditEvent.entity_id == made.id)
        .order_by(AuditEvent.id)
    )
    assert list(actions) == ["inquiry.create", "inquiry.update", "inquiry.update"]
    cleared = client.patch(url, json={"closed_at": None, "outcome": None}, headers=bearer(secret))
    assert cleared.get_json()["closed_at"] is None


def test_the_list_filters_pages_and_answers_304_when_unchanged(client, org, editor, make_user):
    department, handler = factories.department(org), make_user("editor", org)
    now = datetime.now(UTC)
    late = _log(org, editor, received_at=now - timedelta(hours=30), company_name="Sen")
    fresh = _log(org, editor, received_at=now - timedelta(hours=2), department_ids=[department.id])
    done = _log(
        org,
        editor,
        received_at=RECEIVED,
        handler_id=handler.id,
        first_answer_at=RECEIVED + timedelta(hours=1),
        closed_at=RECEIVED + timedelta(hours=2),
        outcome="answered",
    )
    secret = token_for(editor, org)
    db.session.commit()

    def ids(**query):
        response = client.get("/api/v1/inquiries", query_string=query, headers=bearer(secret))
        assert response.status_code == 200, response.get_data(as_text=True)
        return [item["id"] for item in response.get_json()["items"]]

    assert ids() == [fresh.id, late.id, done.id]  # newest first
    assert ids(state="late") == [late.id]
    assert ids(state="open") == [fresh.id, late.id]
    assert ids(department_id=department.id) == [fresh.id]
    assert ids(handler_id=handler.id) == [done.id]
    assert ids(received_from="2026-03-02", received_to="2026-03-02") == [done.id]
    assert ids(per_page=1, page=2) == [late.id]
    db.session.execute(sa.update(Inquiry).values(updated_at=RECEIVED))
    db.session.commit()
    assert ids(updated_since=(RECEIVED + timedelta(days=1)).isoformat()) == []
    client.patch(
        f"/api/v1/inquiries/{late.id}",
        json={"topic": "Byggetilladelse"},
        headers=bearer(token_for(editor, org, write=True)),
    )
    db.session.commit()
    assert ids(updated_since=(RECEIVED + timedelta(days=1)).isoformat()) == [late.id]
    first = client.get("/api/v1/inquiries", headers=bearer(secret))
    again = client.get(
        "/api/v1/inquiries", headers={**bearer(secret), "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_an_anonymised_inquiry_shows_no_contact_person(client, org, editor):
    made = _log(org, editor, contact_name="Mette Holm", contact_email="mette@example.dk")
    service.anonymise(datetime.now(UTC))
    secret = token_for(editor, org)
    db.session.commit()
    body = client.get(f"/api/v1/inquiries/{made.id}", headers=bearer(secret)).get_json()
    assert body["anonymised"] is True and body["contact_name"] == body["contact_email"] == ""


def test_a_token_of_another_organisation_sees_and_changes_nothing(client, org, other_org, editor, make_user):
    made = _log(org, editor)
    outsider = make_user("admin", other_org)
    secret = token_for(outsider, other_org, write=True)
    db.session.commit()
    assert client.get("/api/v1/inquiries", headers=bearer(secret)).get_json()["items"] == []
    assert client.get(f"/api/v1/inquiries/{made.id}", headers=bearer(secret)).status_code == 404
    patched = client.patch(f"/api/v1/inquiries/{made.id}", json={"topic": "x"}, headers=bearer(secret))
    assert patched.status_code == 404
    foreign = _post(client, secret, department_ids=[factories.department(org).id])
    assert foreign.status_code == 422  # a department of another organisation is refused
    db.session.expire_all()
    assert db.session.get(Inquiry, made.id).topic == ""
    assert db.session.scalar(sa.select(sa.func.count(Inquiry.id))) == 1


def test_a_read_token_cannot_write(client, org, editor):
    made = _log(org, editor)
    secret = token_for(editor, org)
    db.session.commit()
    assert _post(client, secret).status_code == 403
    patched = client.patch(f"/api/v1/inquiries/{made.id}", json={"topic": "x"}, headers=bearer(secret))
    assert patched.status_code == 403 and patched.content_type == PROBLEM
    assert client.get(f"/api/v1/inquiries/{made.id}", headers=bearer(secret)).status_code == 200


def test_a_viewers_write_token_neither_reads_nor_writes_the_log(client, org, editor, make_user):
    made = _log(org, editor)
    viewer = make_user("viewer", org, locale="da")
    secret = token_for(viewer, org, write=True)
    db.session.commit()
    for response in (
        _post(client, secret),
        client.patch(f"/api/v1/inquiries/{made.id}", json={"topic": "x"}, headers=bearer(secret)),
        client.get("/api/v1/inquiries", headers=bearer(secret)),
        client.get(f"/api/v1/inquiries/{made.id}", headers=bearer(secret)),
    ):
        assert response.status_code == 403 and response.content_type == PROBLEM
        assert "Din rolle" in response.get_json()["detail"]  # the owner's language
    assert db.session.scalar(sa.select(sa.func.count(Inquiry.id))) == 1


def test_revoked_and_expired_tokens_get_401(client, org, editor):
    made = _log(org, editor)
    revoked, expired = token_for(editor, org, write=True), token_for(editor, org, write=True, days=1)
    accounts.revoke_token(accounts.find_live_token(revoked), actor=editor)
    expire(expired)
    db.session.commit()
    for secret in (revoked, expired):
        assert client.get("/api/v1/inquiries", headers=bearer(secret)).status_code == 401
        assert client.get(f"/api/v1/inquiries/{made.id}", headers=bearer(secret)).status_code == 401
        assert _post(client, secret).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(Inquiry.id))) == 1


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_updated_since_at_the_calendars_ends_is_a_filter_not_an_error(client, org, editor, since):
    _log(org, editor)
    secret = token_for(editor, org)
    db.session.commit()
    expected = 1 if since.startswith("0001") else 0
    for path in ("/api/v1/strategies", "/api/v1/action-plans", "/api/v1/inquiries"):
        response = client.get(path, query_string={"updated_since": since}, headers=bearer(secret))
        assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["items"]) == expected


def test_a_time_past_the_calendars_end_is_refused_and_an_unreadable_body_is_400(client, org, editor):
    secret = token_for(editor, org, write=True)
    for stamp in ("0001-01-01T00:00:00+01:00", "1850-06-01T12:00:00+00:00"):
        response = _post(client, secret, received_at=stamp)
        assert response.status_code == 422 and "received_at" in response.get_json()["errors"]["json"]
    bad = client.post(
        "/api/v1/inquiries", data="{bad", content_type="application/json", headers=bearer(secret)
    )
    assert bad.status_code == 400 and bad.content_type == PROBLEM
