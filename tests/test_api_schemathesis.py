"""Schemathesis against the served OpenAPI document: every operation, with a read and a write token.

Cases are generated from the document, valid and invalid input alike, and sent to the app through WSGI;
every answer must be no server error and must match the document (status, content type, headers, body).
Schema-valid input must be accepted, and invalid input refused.

The token reaches schemathesis as the credential of the document's `bearerAuth` scheme (its
configuration), not as a header the test adds: a case whose flaw is a broken `Authorization` header is then
sent as generated and refused with 401, instead of being repaired on the way.

A write that the document allows may still be refused by the domain's rules (a period that has not begun,
a CVR number whose digits do not add up): each write documents those refusals (403, 404, 409, 422 problem
details), and only those count as accepting schema-valid input. A read has no such rules.
"""

from __future__ import annotations

from datetime import UTC, datetime

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from strategitracker.extensions import db
from strategitracker.services import inquiry as inquiry_service
from tests import factories
from tests.api_support import strategy_data, token_for

#: Examples per operation and token; with 12 reads and 5 writes this makes well over 1,000 cases.
EXAMPLES = 32
#: Answers to schema-valid input that are no refusal of the input (wrong token, missing row, rules).
NOT_ABOUT_THE_INPUT = ("400", "401", "default")


def test_generated_requests_get_no_server_error_and_match_the_document(app, client, org, make_user):
    editor = make_user("facilitator", org)
    data = strategy_data(org, owner=editor)
    strategy_data(org, owner=editor)
    inquiry = inquiry_service.log_inquiry(
        org,
        inquiry_service.InquiryData(
            received_at=datetime(2026, 3, 2, 8, 30, tzinfo=UTC), company_name="Smedie"
        ),
        actor=editor,
    )
    known = {
        "kpi_id": data.kpi.id,
        "action_plan_id": data.plan.id,
        "strategy_id": data.strategy.id,
        "inquiry_id": inquiry.id,
    }
    factories.department(org)
    read_token, write_token = token_for(editor, org), token_for(editor, org, write=True)
    db.session.commit()
    document = client.get("/api/v1/openapi.json").get_json()
    sent = {"read": 0, "write": 0}
    for kind, secret in (("read", read_token), ("write", write_token)):
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=_config(document, secret))
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 17
        for operation in operations:
            _fuzz(operation, known, lambda kind=kind: sent.update({kind: sent[kind] + 1}))
    assert sum(sent.values()) >= 1000, sent


def _config(document: dict, secret: str) -> SchemathesisConfig:
    """The token as the bearer scheme's credential; each write accepts valid input with its documented
    answers."""
    writes = [
        {
            "include-name": f"{method.upper()} {path}",
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": [
                        status for status in operation["responses"] if status not in NOT_ABOUT_THE_INPUT
                    ]
                }
            },
        }
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method in ("post", "put", "patch", "delete")
    ]
    return SchemathesisConfig.from_dict(
        {"auth": {"openapi": {"bearerAuth": {"bearer": secret}}}, "operations": writes}
    )


def _cases(operation, known: dict[str, int]):
    """Valid and invalid requests, half of them on rows that exist (random ids mostly find nothing)."""
    names = {parameter.name for parameter in operation.path_parameters}
    existing = {name: value for name, value in known.items() if name in names}
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    variants = [operation.as_strategy(mode) for mode in modes]
    if existing:
        variants += [operation.as_strategy(mode, path_parameters=existing) for mode in modes]
    return st.one_of(variants)


def _fuzz(operation, known: dict[str, int], count) -> None:
    """Send `operation`'s generated cases and check every answer against the document."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=_cases(operation, known))
    def run(case):
        count()
        # WSGI answers come as sent: uncompressed, so the checks can read them.
        case.call_and_validate(headers={"Accept-Encoding": "identity"})
        db.session.rollback()

    run()
