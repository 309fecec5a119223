"""Schemathesis against the served OpenAPI document: every operation, with a read and a write token.

Cases are generated from the document (valid and invalid input alike) and sent to the app through WSGI;
each answer must be no server error and must match the document (status, content type, headers, body).
A write that the document allows may still be refused by the domain's rules (a period that has not begun,
a correction without a reason): a 422 problem, so the check that schema-valid input is accepted runs on the
reads only.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from strategitracker.extensions import db
from tests import factories
from tests.api_support import bearer, strategy_data, token_for

#: Examples per operation and token; with 10 GET and 3 write operations this makes well over 1,000 cases.
EXAMPLES = 45


def test_generated_requests_get_no_server_error_and_match_the_document(app, org, make_user):
    editor = make_user("facilitator", org)
    data = strategy_data(org, owner=editor)
    strategy_data(org, owner=editor)
    known = {"kpi_id": data.kpi.id, "action_plan_id": data.plan.id, "strategy_id": data.strategy.id}
    factories.department(org)
    read_token, write_token = token_for(editor, org), token_for(editor, org, write=True)
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    sent = {"read": 0, "write": 0}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13
    for operation in operations:
        for kind, secret in (("read", read_token), ("write", write_token)):
            _fuzz(operation, known, secret, lambda kind=kind: sent.update({kind: sent[kind] + 1}))
    assert sum(sent.values()) >= 1000, sent


def _cases(operation, known: dict[str, int]):
    """Valid and invalid requests, half of them on rows that exist (random ids mostly find nothing)."""
    names = {parameter.name for parameter in operation.path_parameters}
    existing = {name: value for name, value in known.items() if name in names}
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    variants = [operation.as_strategy(mode) for mode in modes]
    if existing:
        variants += [operation.as_strategy(mode, path_parameters=existing) for mode in modes]
    return st.one_of(variants)


def _fuzz(operation, known: dict[str, int], secret: str, count) -> None:
    """Send `operation`'s generated cases with the token and check every answer against the document."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=_cases(operation, known))
    def run(case):
        count()
        # The token is sent by the test, not generated: a "negative" case whose only flaw is a missing
        # Authorization header is answered with the token, so that check cannot judge it.
        excluded = [negative_data_rejection] + ([] if case.method == "GET" else [positive_data_acceptance])
        # WSGI answers come as sent: uncompressed, so the checks can read them.
        headers = {**bearer(secret), "Accept-Encoding": "identity"}
        case.call_and_validate(headers=headers, excluded_checks=excluded)
        db.session.rollback()

    run()
