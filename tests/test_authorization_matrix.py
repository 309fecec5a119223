"""Who may open which route: every (endpoint, method) the app registers × every kind of visitor.

`MATRIX` is the table. A new route gets one line in it, e.g.

    ("goals.goal", "GET"): Route(ORG_VIEWER, lambda o: o.at(goal_id=o.goal.id)),

and `test_matrix_lists_every_registered_route` fails until it has one. `Objects` holds real rows made by the
factories (a strategy, goal, KPI, action plan, members … of one organisation) to build URLs from.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask, url_for

from strategitracker.extensions import db as _db
from strategitracker.models import (
    ContactMapEntry,
    IdentityProvider,
    Inquiry,
    OutreachMeeting,
    ReportSnapshot,
    Role,
    UpdateRound,
)
from strategitracker.permissions import MIN_ROLE, Action, has_role, role_in
from strategitracker.services import accounts, reminder, report
from tests import factories, workshop_factories
from tests.conftest import PASSWORD

# --- outcomes -----------------------------------------------------------------------------------------------

# allowed: < 500, no 401/403/404/405/429, no redirect to the log-in page (200, a 302 back, a 400 form error)
OK = "ok"
LOGIN = "login"  # 302 to the log-in page
UNAUTHORIZED = 401  # for JSON API routes (anonymous)
FORBIDDEN = 403
NOT_FOUND = 404

ANONYMOUS, VIEWER, EDITOR, FACILITATOR, ADMIN, OUTSIDER, SUPERUSER = ROLES = (
    "anonymous",
    "viewer",
    "editor",
    "facilitator",
    "admin",
    "outsider",  # an administrator of another organisation, not a member of this one
    "superuser",
)
ORG_ROLES = {VIEWER: Role.VIEWER, EDITOR: Role.EDITOR, FACILITATOR: Role.FACILITATOR, ADMIN: Role.ADMIN}


@dataclass(frozen=True)
class Access:
    """An access category: the expected outcome for each kind of visitor."""

    name: str
    outcomes: dict[str, Any] = field(compare=False)
    org_scoped: bool = False  # lives under /o/<slug>/ and answers 404 to non-members

    def __getitem__(self, role: str) -> Any:
        return self.outcomes[role]


def _org(minimum: Role | Action, *, api: bool = False) -> Access:
    """A page of one organisation that needs at least `minimum` there; a superuser counts as admin."""
    if isinstance(minimum, Action):
        minimum = MIN_ROLE[minimum]
    outcomes = {ANONYMOUS: UNAUTHORIZED if api else LOGIN, OUTSIDER: NOT_FOUND, SUPERUSER: OK}
    outcomes |= {name: OK if has_role(role, minimum) else FORBIDDEN for name, role in ORG_ROLES.items()}
    return Access(f"org-{minimum.value}{'-api' if api else ''}", outcomes, org_scoped=True)


PUBLIC = Access("public", dict.fromkeys(ROLES, OK))
AUTHENTICATED = Access("authenticated", {**dict.fromkeys(ROLES, OK), ANONYMOUS: LOGIN})
SUPERUSER_ONLY = Access("superuser", {**dict.fromkeys(ROLES, FORBIDDEN), ANONYMOUS: LOGIN, SUPERUSER: OK})
LOGOUT = Access("logout", dict.fromkeys(ROLES, LOGIN))  # always ends on the log-in page
# an invitation is answered only by the account it was made for (none of the visitors here)
INVITEE_ONLY = Access("invitee", {**dict.fromkeys(ROLES, NOT_FOUND), ANONYMOUS: LOGIN})
ORG_VIEWER = _org(Role.VIEWER)
ORG_EDITOR = _org(Role.EDITOR)
ORG_FACILITATOR = _org(Role.FACILITATOR)
ORG_ADMIN = _org(Role.ADMIN)
# The REST API answers a bearer token only: a session, whatever its role, gets 401 (tests/test_api.py
# covers the tokens: roles, scopes, organisations, revoked and expired ones)
API_TOKEN_ONLY = Access("api-token", dict.fromkeys(ROLES, UNAUTHORIZED))
# the way in through an organisation's identity provider: visitors start there; a logged-in user is home
SSO_ENTRY = Access("sso-entry", {**dict.fromkeys(ROLES, OK), ANONYMOUS: LOGIN})
# A workshop board's join-link routes: only a guest who joined gets in (see test_workshops_permissions.py)
WORKSHOP_GUEST = Access("workshop-guest", dict.fromkeys(ROLES, FORBIDDEN))
CATEGORIES = (
    PUBLIC,
    AUTHENTICATED,
    SUPERUSER_ONLY,
    LOGOUT,
    INVITEE_ONLY,
    ORG_VIEWER,
    ORG_EDITOR,
    ORG_FACILITATOR,
    ORG_ADMIN,
    WORKSHOP_GUEST,
    API_TOKEN_ONLY,
    SSO_ENTRY,
)


# --- the objects URLs are built from ------------------------------------------------------------------------


@dataclass
class Objects:
    """Real rows of one organisation, for URL ids and forms."""

    org: Any
    membership: Any  # an active viewer (a user who belongs to this organisation only)
    inactive_membership: Any  # a deactivated viewer
    invitation: Any  # of an account that belongs to no organisation yet
    department: Any
    strategy: Any
    goal: Any
    kpi: Any
    target: Any
    measurement: Any
    action_plan: Any
    workshop: Any
    card: Any  # an idea card on the workshop's board
    update_round: Any = None  # an open update round of the strategy
    token: Any = None  # a personal access token of the organisation's member
    snapshot: Any = None  # a frozen report of the strategy
    inquiry: Any = None  # an unanswered business inquiry
    contact: Any = None  # a member on the contact map
    meeting: Any = None  # an outreach meeting

    def at(self, **ids: Any) -> dict[str, Any]:
        """URL values for a page of this organisation."""
        return {"slug": self.org.slug, **ids}


def build_objects(org) -> Objects:
    member = factories.user(password=PASSWORD)
    former = factories.user(password=PASSWORD)
    strategy = factories.strategy(org)
    goal = factories.goal(strategy)
    kpi = factories.kpi(goal, baseline_value=10, baseline_date=date(2016, 1, 1))
    workshop = workshop_factories.workshop(org)
    objects = Objects(
        org=org,
        membership=factories.membership(member, org, "viewer"),
        inactive_membership=factories.membership(former, org, "viewer", active=False),
        invitation=factories.invitation(factories.user(password=PASSWORD), org, "editor"),
        department=factories.department(org),
        strategy=strategy,
        goal=goal,
        kpi=kpi,
        target=factories.target(kpi, 20, date(2027, 12, 31)),
        measurement=factories.measurement(kpi, date(2020, 12, 31), 15),
        action_plan=factories.action_plan(goal),
        workshop=workshop,
        card=workshop_factories.card(workshop),
    )
    objects.update_round = UpdateRound(
        organisation_id=org.id, strategy_id=strategy.id, deadline=date(2030, 1, 1)
    )
    _db.session.add(objects.update_round)
    objects.token = accounts.create_token(member, org, "BI", write=False, days=None)[0]
    _db.session.flush()
    objects.snapshot = ReportSnapshot(
        organisation_id=org.id,
        strategy_id=strategy.id,
        title="Byrådsmøde",
        report_date=date(2027, 1, 12),
        document=report.report_document(report.strategy_report(strategy, date(2026, 1, 1))),
    )
    _db.session.add(objects.snapshot)
    objects.inquiry = Inquiry(
        organisation_id=org.id, received_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC), company_name="Firma A/S"
    )
    _db.session.add(objects.inquiry)
    objects.contact = ContactMapEntry(
        organisation_id=org.id, department_id=objects.department.id, user_id=member.id, topics="Byggesager"
    )
    objects.meeting = OutreachMeeting(
        organisation_id=org.id, held_on=date(2026, 1, 6), company_name="Firma A/S"
    )
    _db.session.add_all([objects.contact, objects.meeting])
    _db.session.commit()
    return objects


class _Probe:
    """Stands in for `Objects` at collection time, to learn which values a route's URL needs."""

    at = Objects.at

    def __getattr__(self, name: str) -> Any:
        return SimpleNamespace(id=0, slug="probe", email="probe@example.org")


def url_params(route: Route) -> set[str]:
    return set(route.url(_Probe()))


# --- the table ----------------------------------------------------------------------------------------------

Form = Callable[[Objects], dict[str, Any]]


def _none(o: Objects) -> dict[str, Any]:
    return {}


def _published(o: Objects) -> dict[str, Any]:
    """The URL values of the strategy's public page, the strategy published first (else the page is a 404)."""
    if isinstance(o, Objects):
        o.strategy.published = True
        _db.session.commit()
    return {"org_slug": o.org.slug, "strategy_id": o.strategy.id}


def _published_snapshot(o: Objects) -> dict[str, Any]:
    """The URL values of a frozen report on the public page, the strategy and the report published first."""
    if isinstance(o, Objects):
        o.snapshot.published = True
    return {**_published(o), "snapshot_id": o.snapshot.id}


def _published_goal(o: Objects) -> dict[str, Any]:
    """The URL values of a goal's public page, its strategy published first (else the page is a 404)."""
    return {**_published(o), "goal_id": o.goal.id}


def _settings_link(o: Objects) -> dict[str, Any]:
    """The URL values of the signed link to a member's reminder setting."""
    if not isinstance(o, Objects):
        return {"token": "probe"}
    return {"token": reminder.settings_token(o.membership.user.id)}


UNREACHABLE_PROVIDER = "http://127.0.0.1:9/.well-known/openid-configuration"


def _with_provider(o: Objects) -> dict[str, Any]:
    """The URL values of the organisation's single sign-on, configured first with a provider that does not
    answer: a visitor's log-in ends back on the log-in page with a message, and no request leaves the
    machine."""
    if (
        isinstance(o, Objects)
        and _db.session.scalar(
            sa.select(IdentityProvider).where(IdentityProvider.organisation_id == o.org.id)
        )
        is None
    ):
        _db.session.add(
            IdentityProvider(
                organisation_id=o.org.id,
                discovery_url=UNREACHABLE_PROVIDER,
                client_id="strategitracker",
                client_secret_env="UNSET_VARIABLE",
                allowed_domains=["example.org"],
                group_roles={},
                default_role="viewer",
            )
        )
        _db.session.commit()
    return {"org_slug": o.org.slug}


@dataclass(frozen=True)
class Route:
    access: Access
    url: Form = _none  # the URL values (url_for keyword arguments)
    form: Form = _none  # a harmless or invalid form: the allowed outcome is a 302 back or a 400 form error
    valid_form: Form | None = None  # a form that would change something (for the CSRF and cross-org tests)
    # the item the visitor is made responsible for first: below a facilitator, measurements are entered
    # only for one's own KPIs (permissions.ANY_ITEM_ROLE); test_editors_enter_measurements_only_for_own_kpis
    responsible_for: Callable[[Objects], Any] | None = None

    def effective_form(self, o: Objects) -> dict[str, Any]:
        return (self.valid_form or self.form)(o)


NEW_PASSWORD = "a-brand-new-password"

MATRIX: dict[tuple[str, str], Route] = {
    # static files and the site-wide pages
    ("static", "GET"): Route(PUBLIC, lambda o: {"filename": "css/app.css"}),
    ("bootstrap.static", "GET"): Route(PUBLIC, lambda o: {"filename": "css/bootstrap.min.css"}),
    ("core.healthz", "GET"): Route(PUBLIC),
    ("core.index", "GET"): Route(PUBLIC),
    ("core.set_language", "POST"): Route(
        PUBLIC, form=lambda o: {"locale": "xx"}, valid_form=lambda o: {"locale": "en"}
    ),
    ("core.switch_organisation", "GET"): Route(AUTHENTICATED, lambda o: {"slug": o.org.slug}),
    # the REST API, its OpenAPI document and its documentation page
    ("api-docs.openapi_json", "GET"): Route(PUBLIC),
    ("api_tokens.tokens", "GET"): Route(AUTHENTICATED),
    ("api_tokens.create_token", "POST"): Route(AUTHENTICATED, form=lambda o: {"name": ""}),
    # a token of another user's: 404 for all (test_api.py revokes one's own)
    ("api_tokens.revoke_token", "POST"): Route(INVITEE_ONLY, lambda o: {"token_id": o.token.id}),
    ("api_docs.docs", "GET"): Route(PUBLIC),
    ("api.organisations", "GET"): Route(API_TOKEN_ONLY),
    ("api.strategies", "GET"): Route(API_TOKEN_ONLY),
    ("api.strategy", "GET"): Route(API_TOKEN_ONLY, lambda o: {"strategy_id": o.strategy.id}),
    ("api.goals", "GET"): Route(API_TOKEN_ONLY),
    ("api.kpis", "GET"): Route(API_TOKEN_ONLY),
    ("api.kpi", "GET"): Route(API_TOKEN_ONLY, lambda o: {"kpi_id": o.kpi.id}),
    ("api.put_measurement", "PUT"): Route(API_TOKEN_ONLY, lambda o: {"kpi_id": o.kpi.id}),
    ("api.post_measurement", "POST"): Route(API_TOKEN_ONLY, lambda o: {"kpi_id": o.kpi.id}),
    ("api.action_plans", "GET"): Route(API_TOKEN_ONLY),
    ("api.action_plan", "GET"): Route(API_TOKEN_ONLY, lambda o: {"action_plan_id": o.action_plan.id}),
    ("api.update_action_plan", "POST"): Route(API_TOKEN_ONLY, lambda o: {"action_plan_id": o.action_plan.id}),
    ("api.departments", "GET"): Route(API_TOKEN_ONLY),
    ("api.survey_ranks", "GET"): Route(API_TOKEN_ONLY),
    ("api.inquiries", "GET"): Route(API_TOKEN_ONLY),
    ("api.inquiry", "GET"): Route(API_TOKEN_ONLY, lambda o: {"inquiry_id": o.inquiry.id}),
    ("api.create_inquiry", "POST"): Route(API_TOKEN_ONLY),
    ("api.update_inquiry", "PATCH"): Route(API_TOKEN_ONLY, lambda o: {"inquiry_id": o.inquiry.id}),
    # log-in and account
    ("auth.login", "GET"): Route(PUBLIC),
    ("auth.login", "POST"): Route(
        PUBLIC, valid_form=lambda o: {"email": o.membership.user.email, "password": PASSWORD}
    ),
    ("auth.logout", "POST"): Route(LOGOUT),
    ("auth.logout_everywhere", "POST"): Route(LOGOUT),
    ("auth.change_password", "GET"): Route(AUTHENTICATED),
    ("auth.invitations", "GET"): Route(AUTHENTICATED),
    ("auth.accept_invitation", "POST"): Route(INVITEE_ONLY, lambda o: {"invitation_id": o.invitation.id}),
    ("auth.decline_invitation", "POST"): Route(INVITEE_ONLY, lambda o: {"invitation_id": o.invitation.id}),
    ("auth.change_password", "POST"): Route(
        AUTHENTICATED,
        valid_form=lambda o: {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    ),
    # site administration
    ("admin.organisations", "GET"): Route(SUPERUSER_ONLY),
    ("admin.audit_log", "GET"): Route(SUPERUSER_ONLY),
    ("admin.create_organisation", "POST"): Route(
        SUPERUSER_ONLY,
        valid_form=lambda o: {"slug": "ny-kommune", "name": "Ny Kommune", "municipality_code": "101"},
    ),
    # national data (survey rankings) and its log: superusers only, never an organisation's members
    ("admin.rankings", "GET"): Route(SUPERUSER_ONLY),
    ("admin.rankings", "POST"): Route(
        SUPERUSER_ONLY,
        valid_form=lambda o: {
            "file": (
                io.BytesIO(b"Kommune;Kommunekode;Kategori;2019;N 2019\nThisted;787;Overordnet;6;93"),
                "r.csv",
            )
        },
    ),
    ("admin.rankings_preview", "GET"): Route(SUPERUSER_ONLY),
    ("admin.rankings_confirm", "POST"): Route(SUPERUSER_ONLY),
    ("admin.rankings_cancel", "POST"): Route(SUPERUSER_ONLY),
    ("admin.national_log", "GET"): Route(SUPERUSER_ONLY),
    # single sign-on: configured by superusers, used from the log-in page
    ("admin.identity_provider", "GET"): Route(SUPERUSER_ONLY, lambda o: {"org_slug": o.org.slug}),
    ("admin.identity_provider", "POST"): Route(
        SUPERUSER_ONLY,
        lambda o: {"org_slug": o.org.slug},
        valid_form=lambda o: {
            "enabled": "y",
            "discovery_url": "https://login.example.org/tenant/v2.0",
            "client_id": "strategitracker",
            "client_secret": "s3cret",
            "allowed_domains": "example.org",
            "group_roles": "staff = viewer",
            "default_role": "",
        },
    ),
    ("auth.sso_login", "GET"): Route(SSO_ENTRY, _with_provider),
    ("auth.sso_callback", "GET"): Route(SSO_ENTRY, _with_provider),
    # member administration
    ("members.index", "GET"): Route(ORG_ADMIN, lambda o: o.at()),
    ("members.invite", "POST"): Route(
        ORG_ADMIN,
        lambda o: o.at(),
        valid_form=lambda o: {
            "email": "ny.bruger@example.org",
            "name": "Ny Bruger",
            "role": "editor",
            "temporary_password": "temporary-pw-1",
        },
    ),
    ("members.change_role", "POST"): Route(
        ORG_ADMIN,
        lambda o: o.at(membership_id=o.membership.id),
        form=lambda o: {"role": "emperor"},
        valid_form=lambda o: {"role": "editor"},
    ),
    ("members.deactivate", "POST"): Route(ORG_ADMIN, lambda o: o.at(membership_id=o.membership.id)),
    ("members.logout_everywhere", "POST"): Route(ORG_ADMIN, lambda o: o.at(membership_id=o.membership.id)),
    ("members.withdraw_invitation", "POST"): Route(ORG_ADMIN, lambda o: o.at(invitation_id=o.invitation.id)),
    ("members.activate", "POST"): Route(ORG_ADMIN, lambda o: o.at(membership_id=o.inactive_membership.id)),
    ("members.reset_password", "POST"): Route(
        ORG_ADMIN,
        lambda o: o.at(membership_id=o.membership.id),
        valid_form=lambda o: {"temporary_password": "temporary-pw-2"},
    ),
    # the organisation's workspace
    ("strategies.home", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    ("strategies.strategy", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    ("dashboards.strategy_dashboard", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    ("dashboards.strategy_timeline", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    # strategies, goals and departments
    ("strategies.new_strategy", "GET"): Route(ORG_FACILITATOR, lambda o: o.at()),
    ("strategies.new_strategy", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(),
        valid_form=lambda o: {"title": "Ny plan", "period_start": "2024-01-01", "period_end": "2028-12-31"},
    ),
    ("strategies.edit_strategy", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(strategy_id=o.strategy.id)),
    ("strategies.edit_strategy", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(strategy_id=o.strategy.id),
        valid_form=lambda o: {"title": "Nyt navn", "period_start": "2024-01-01", "period_end": "2028-12-31"},
    ),
    ("strategies.archive_strategy", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(strategy_id=o.strategy.id)
    ),
    ("strategies.restore_strategy", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(strategy_id=o.strategy.id)
    ),
    ("goals.goal", "GET"): Route(ORG_VIEWER, lambda o: o.at(goal_id=o.goal.id)),
    ("goals.new_goal", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(strategy_id=o.strategy.id)),
    ("goals.new_goal", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(strategy_id=o.strategy.id), valid_form=lambda o: {"title": "Nyt mål"}
    ),
    ("goals.edit_goal", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(goal_id=o.goal.id)),
    ("goals.edit_goal", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(goal_id=o.goal.id), valid_form=lambda o: {"title": "Nyt navn"}
    ),
    ("goals.archive_goal", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(goal_id=o.goal.id)),
    ("goals.restore_goal", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(goal_id=o.goal.id)),
    ("departments.departments", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    ("departments.new_department", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(), valid_form=lambda o: {"name": "Ny forvaltning"}
    ),
    ("departments.edit_department", "GET"): Route(
        ORG_FACILITATOR, lambda o: o.at(department_id=o.department.id)
    ),
    ("departments.edit_department", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(department_id=o.department.id),
        valid_form=lambda o: {"name": "Nyt navn"},
    ),
    ("departments.archive_department", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(department_id=o.department.id)
    ),
    ("departments.restore_department", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(department_id=o.department.id)
    ),
    # KPIs, targets and measurements
    ("kpis.kpi", "GET"): Route(ORG_VIEWER, lambda o: o.at(kpi_id=o.kpi.id)),
    ("dashboards.kpi_peers", "GET"): Route(ORG_VIEWER, lambda o: o.at(kpi_id=o.kpi.id)),
    ("kpis.new_kpi", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(goal_id=o.goal.id)),
    ("kpis.new_kpi", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(goal_id=o.goal.id),
        valid_form=lambda o: {"name": "Nyt nøgletal"},
    ),
    ("kpis.edit_kpi", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(kpi_id=o.kpi.id)),
    ("kpis.edit_kpi", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(kpi_id=o.kpi.id),
        valid_form=lambda o: {"name": "Nyt navn"},
    ),
    ("kpis.archive_kpi", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(kpi_id=o.kpi.id)),
    ("kpis.restore_kpi", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(kpi_id=o.kpi.id)),
    ("kpis.add_target", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(kpi_id=o.kpi.id),
        valid_form=lambda o: {"target-value": "30", "target-target_date": "2026-12-31"},
    ),
    ("kpis.new_measurement", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(kpi_id=o.kpi.id),
        responsible_for=lambda o: o.kpi,
        valid_form=lambda o: {"measurement-period": "2021-12-31", "measurement-value": "16"},
    ),
    ("kpis.edit_measurement", "GET"): Route(
        ORG_EDITOR,
        lambda o: o.at(kpi_id=o.kpi.id, measurement_id=o.measurement.id),
        responsible_for=lambda o: o.kpi,
    ),
    ("kpis.edit_measurement", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(kpi_id=o.kpi.id, measurement_id=o.measurement.id),
        responsible_for=lambda o: o.kpi,
        valid_form=lambda o: {
            "measurement-period": "2020-12-31",
            "measurement-value": "17",
            "measurement-reason": "Tastefejl",
        },
    ),
    ("kpis.delete_measurement", "GET"): Route(
        ORG_EDITOR, lambda o: o.at(measurement_id=o.measurement.id), responsible_for=lambda o: o.kpi
    ),
    ("kpis.delete_measurement", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(measurement_id=o.measurement.id),
        valid_form=lambda o: {"reason": "Fejl"},
        responsible_for=lambda o: o.kpi,
    ),
    ("kpis.delete_target", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(target_id=o.target.id)),
    ("kpis.delete_target", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(target_id=o.target.id), valid_form=lambda o: {"reason": "Fejl"}
    ),
    # action plans, Mine and the audit log
    ("action_plans.action_plan", "GET"): Route(ORG_VIEWER, lambda o: o.at(action_plan_id=o.action_plan.id)),
    ("action_plans.update_action_plan", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(action_plan_id=o.action_plan.id),
        valid_form=lambda o: {"status": "in_progress", "progress": "50", "comment": "x", "version": "1"},
    ),
    ("action_plans.new_action_plan", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(goal_id=o.goal.id)),
    ("action_plans.new_action_plan", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(goal_id=o.goal.id),
        valid_form=lambda o: {"title": "Ny handleplan", "status": "not_started", "progress": "0"},
    ),
    ("action_plans.edit_action_plan", "GET"): Route(
        ORG_FACILITATOR, lambda o: o.at(action_plan_id=o.action_plan.id)
    ),
    ("action_plans.edit_action_plan", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(action_plan_id=o.action_plan.id),
        valid_form=lambda o: {"title": "Nyt navn", "status": "not_started", "progress": "0", "version": "1"},
    ),
    ("action_plans.archive_action_plan", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(action_plan_id=o.action_plan.id)
    ),
    ("action_plans.restore_action_plan", "POST"): Route(
        ORG_FACILITATOR, lambda o: o.at(action_plan_id=o.action_plan.id)
    ),
    ("mine.mine", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    # organisation-wide lists, a department's page and search
    ("lists.action_plans", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    ("lists.action_plans_xlsx", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    ("lists.kpis", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    ("lists.department", "GET"): Route(ORG_VIEWER, lambda o: o.at(department_id=o.department.id)),
    ("search.search", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    ("search.public_search", "GET"): Route(PUBLIC),
    ("audit.audit_log", "GET"): Route(ORG_ADMIN, lambda o: o.at()),
    # reminders: update rounds for facilitators, the sending log for admins, one's own setting for everyone
    ("reminders.rounds", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(strategy_id=o.strategy.id)),
    ("reminders.rounds", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(strategy_id=o.strategy.id),
        valid_form=lambda o: {"deadline": "2030-01-01"},
    ),
    ("reminders.round", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(round_id=o.update_round.id)),
    ("reminders.remind", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(round_id=o.update_round.id)),
    ("reminders.close", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(round_id=o.update_round.id)),
    ("reminders.sending_log", "GET"): Route(ORG_ADMIN, lambda o: o.at()),
    # the business inquiry log: editors and up (it holds contact persons)
    ("inquiries.index", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("inquiries.desk", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("inquiries.export", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("inquiries.new", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("inquiries.new", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(),
        form=lambda o: {"company_name": "Firma", "cvr": "12345678", "received_at": "2026-01-05T09:00"},
        valid_form=lambda o: {"company_name": "Firma", "channel": "phone", "received_at": "2026-01-05T09:00"},
    ),
    ("inquiries.edit", "GET"): Route(ORG_EDITOR, lambda o: o.at(inquiry_id=o.inquiry.id)),
    ("inquiries.edit", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(inquiry_id=o.inquiry.id),
        form=lambda o: {"company_name": "", "received_at": "2026-01-05T09:00"},
        valid_form=lambda o: {
            "company_name": "Firma B",
            "channel": "email",
            "received_at": "2026-01-05T09:00",
        },
    ),
    ("inquiries.answer", "POST"): Route(ORG_EDITOR, lambda o: o.at(inquiry_id=o.inquiry.id)),
    # the contact map and the outreach meetings: editors and up (they name people)
    ("inquiries.contact_map", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("inquiries.set_contact", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(),
        form=lambda o: {"department_id": str(o.department.id), "user_id": "", "topics": "Byg"},
        valid_form=lambda o: {
            "department_id": str(o.department.id),
            "user_id": str(o.membership.user_id),
            "topics": "Byggesager, miljø",
        },
    ),
    ("inquiries.remove_contact", "POST"): Route(ORG_EDITOR, lambda o: o.at(entry_id=o.contact.id)),
    ("inquiries.meetings", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("inquiries.new_meeting", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("inquiries.new_meeting", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(),
        form=lambda o: {"held_on": "2026-01-05", "company_name": "Firma", "cvr": "12345678"},
        valid_form=lambda o: {
            "held_on": "2026-01-05",
            "company_name": "Firma",
            "participant_ids": [str(o.membership.user_id)],
        },
    ),
    ("inquiries.edit_meeting", "GET"): Route(ORG_EDITOR, lambda o: o.at(meeting_id=o.meeting.id)),
    ("inquiries.edit_meeting", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(meeting_id=o.meeting.id),
        form=lambda o: {"held_on": "2026-01-05", "company_name": ""},
        valid_form=lambda o: {
            "held_on": "2026-01-05",
            "company_name": "Firma B",
            "participant_ids": [str(o.membership.user_id)],
        },
    ),
    ("inquiries.delete_meeting", "POST"): Route(ORG_EDITOR, lambda o: o.at(meeting_id=o.meeting.id)),
    ("reminders.settings", "GET"): Route(AUTHENTICATED),
    ("reminders.settings", "POST"): Route(
        AUTHENTICATED, form=lambda o: {"frequency": "hourly"}, valid_form=lambda o: {"frequency": "off"}
    ),
    ("reminders.settings_by_link", "GET"): Route(PUBLIC, _settings_link),
    ("reminders.settings_by_link", "POST"): Route(
        PUBLIC,
        _settings_link,
        form=lambda o: {"frequency": "hourly"},
        valid_form=lambda o: {"frequency": "off"},
    ),
    # personal data: one's own, a member's for the organisation's admins, anyone's for superusers;
    # the organisation's public links (accessibility statement, privacy notice) for its admins
    ("privacy.my_data", "GET"): Route(AUTHENTICATED, lambda o: {"fmt": "json"}),
    ("privacy.member_data", "GET"): Route(
        ORG_ADMIN, lambda o: o.at(membership_id=o.inactive_membership.id, fmt="xlsx")
    ),
    ("privacy.organisation_settings", "GET"): Route(ORG_ADMIN, lambda o: o.at()),
    ("privacy.organisation_settings", "POST"): Route(
        ORG_ADMIN,
        lambda o: o.at(),
        form=lambda o: {"accessibility_statement_url": "javascript:alert(1)"},
        valid_form=lambda o: {"accessibility_statement_url": "https://kommune.dk/was"},
    ),
    ("privacy.users", "GET"): Route(SUPERUSER_ONLY),
    ("privacy.user_data", "GET"): Route(
        SUPERUSER_ONLY, lambda o: {"user_id": o.membership.user.id, "fmt": "json"}
    ),
    ("privacy.anonymise", "POST"): Route(
        SUPERUSER_ONLY,
        lambda o: {"user_id": o.inactive_membership.user.id},
        valid_form=lambda o: {"confirm": "y"},
    ),
    # exports (exp): reading is for every member, so every export is for viewers and up
    ("exports.index", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    ("exports.measurements", "GET"): Route(ORG_VIEWER, lambda o: o.at(kpi_id=o.kpi.id, format="csv")),
    ("exports.action_plans", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    ("exports.action_plan_history", "GET"): Route(
        ORG_VIEWER, lambda o: o.at(goal_id=o.goal.id, format="csv")
    ),
    ("exports.rankings", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    # imports (imp): measurements from editors (own KPIs only), rankings and action plans from facilitators;
    # preview/confirm/cancel without an upload in progress go back to the start page
    ("imports.index", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("imports.measurements", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("imports.measurements", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(),
        valid_form=lambda o: {
            "file": (io.BytesIO(f"Nøgletal-id;Periode;Værdi\n{o.kpi.id};2021;16".encode()), "m.csv")
        },
    ),
    ("imports.action_plans", "GET"): Route(ORG_FACILITATOR, lambda o: o.at()),
    ("imports.action_plans", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(),
        valid_form=lambda o: {
            "file": (io.BytesIO(f"Handleplan;Mål\nNy plan;{o.goal.title}".encode()), "a.csv")
        },
    ),
    ("imports.inquiries", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("imports.inquiries", "POST"): Route(
        ORG_EDITOR,
        lambda o: o.at(),
        valid_form=lambda o: {
            "file": (io.BytesIO(b"Modtaget;Virksomhed\n02-03-2026 10:00;Thy Smedie ApS"), "i.csv")
        },
    ),
    ("imports.preview", "GET"): Route(ORG_EDITOR, lambda o: o.at()),
    ("imports.confirm", "POST"): Route(ORG_EDITOR, lambda o: o.at()),
    ("imports.cancel", "POST"): Route(ORG_EDITOR, lambda o: o.at()),
    # publishing, the public pages and the council report
    ("strategies.confirm_publish", "GET"): Route(ORG_ADMIN, lambda o: o.at(strategy_id=o.strategy.id)),
    ("strategies.publish_strategy", "POST"): Route(
        ORG_ADMIN, lambda o: o.at(strategy_id=o.strategy.id), valid_form=lambda o: {"confirmed": "1"}
    ),
    ("strategies.unpublish_strategy", "POST"): Route(ORG_ADMIN, lambda o: o.at(strategy_id=o.strategy.id)),
    ("reports.strategy_report", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    ("reports.strategy_report_xlsx", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    ("reports.strategy_report_docx", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    ("reports.snapshot_docx", "GET"): Route(ORG_VIEWER, lambda o: o.at(snapshot_id=o.snapshot.id)),
    ("reports.snapshots", "GET"): Route(ORG_VIEWER, lambda o: o.at(strategy_id=o.strategy.id)),
    ("reports.freeze", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(strategy_id=o.strategy.id),
        form=lambda o: {"title": "", "report_date": "2027-01-12"},
        valid_form=lambda o: {"title": "Byrådsmøde 12. januar 2027", "report_date": "2027-01-12"},
    ),
    ("reports.snapshot", "GET"): Route(ORG_VIEWER, lambda o: o.at(snapshot_id=o.snapshot.id)),
    ("reports.snapshot_changes", "GET"): Route(ORG_VIEWER, lambda o: o.at(snapshot_id=o.snapshot.id)),
    ("reports.confirm_publish_snapshot", "GET"): Route(ORG_ADMIN, lambda o: o.at(snapshot_id=o.snapshot.id)),
    ("reports.confirm_unpublish_snapshot", "GET"): Route(
        ORG_ADMIN, lambda o: o.at(snapshot_id=o.snapshot.id)
    ),
    ("reports.publish_snapshot", "POST"): Route(
        ORG_ADMIN, lambda o: o.at(snapshot_id=o.snapshot.id), valid_form=lambda o: {"confirmed": "1"}
    ),
    ("reports.unpublish_snapshot", "POST"): Route(
        ORG_ADMIN, lambda o: o.at(snapshot_id=o.snapshot.id), valid_form=lambda o: {"confirmed": "1"}
    ),
    ("public.index", "GET"): Route(PUBLIC),
    ("public.strategy", "GET"): Route(PUBLIC, _published),
    ("public.goal", "GET"): Route(PUBLIC, _published_goal),
    ("public.snapshot", "GET"): Route(PUBLIC, _published_snapshot),
    # workshops (ws): members under /o/<slug>/workshops, guests through the join link /w/<token>
    ("workshops.index", "GET"): Route(ORG_VIEWER, lambda o: o.at()),
    ("workshops.new", "GET"): Route(ORG_FACILITATOR, lambda o: o.at()),
    ("workshops.new", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(),
        valid_form=lambda o: {
            "title": "Nyt værksted",
            "held_on": "2025-03-01",
            "layout": "swot",
            "dots_per_participant": "5",
        },
    ),
    ("workshops.board", "GET"): Route(ORG_VIEWER, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.state", "GET"): Route(ORG_VIEWER, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.join", "POST"): Route(ORG_VIEWER, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.edit", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.edit", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(workshop_id=o.workshop.id),
        valid_form=lambda o: {"title": "Nyt navn", "held_on": "2025-03-01", "dots_per_participant": "5"},
    ),
    ("workshops.projector", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.qr_code", "GET"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.next_phase", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.previous_phase", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.reveal_results", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(workshop_id=o.workshop.id),
        form=lambda o: {"revealed": "maybe"},
        valid_form=lambda o: {"revealed": "0"},
    ),
    ("workshops.revoke_link", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.new_link", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.archive", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.restore", "POST"): Route(ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.add_card", "POST"): Route(
        ORG_VIEWER,
        lambda o: o.at(workshop_id=o.workshop.id),
        form=lambda o: {"column_key": "strengths", "text": ""},
        valid_form=lambda o: {"column_key": "strengths", "text": "Ny idé"},
    ),
    ("workshops.edit_card", "POST"): Route(
        ORG_VIEWER,
        lambda o: o.at(workshop_id=o.workshop.id, card_id=o.card.id),
        form=lambda o: {"text": ""},
        valid_form=lambda o: {"text": "Ændret idé"},
    ),
    ("workshops.vote", "POST"): Route(
        ORG_VIEWER, lambda o: o.at(workshop_id=o.workshop.id, card_id=o.card.id)
    ),
    ("workshops.unvote", "POST"): Route(
        ORG_VIEWER, lambda o: o.at(workshop_id=o.workshop.id, card_id=o.card.id)
    ),
    ("workshops.move_card", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(workshop_id=o.workshop.id, card_id=o.card.id),
        form=lambda o: {"column_key": "nowhere"},
        valid_form=lambda o: {"column_key": "threats"},
    ),
    ("workshops.merge_card", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(workshop_id=o.workshop.id, card_id=o.card.id),
        form=lambda o: {"into_id": ""},
    ),
    ("workshops.convert_card", "GET"): Route(
        ORG_FACILITATOR, lambda o: o.at(workshop_id=o.workshop.id, card_id=o.card.id, kind="action_plan")
    ),
    ("workshops.convert_card", "POST"): Route(
        ORG_FACILITATOR,
        lambda o: o.at(workshop_id=o.workshop.id, card_id=o.card.id, kind="action_plan"),
        form=lambda o: {"title": ""},
        valid_form=lambda o: {"title": "Ny handleplan", "goal_id": str(o.goal.id)},
    ),
    ("workshops.minutes", "GET"): Route(ORG_VIEWER, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.minutes_xlsx", "GET"): Route(ORG_VIEWER, lambda o: o.at(workshop_id=o.workshop.id)),
    ("workshops.guest_join", "GET"): Route(PUBLIC, lambda o: {"token": o.workshop.join_token}),
    ("workshops.guest_join", "POST"): Route(
        PUBLIC,
        lambda o: {"token": o.workshop.join_token},
        form=lambda o: {"display_name": ""},
        valid_form=lambda o: {"display_name": "Gæst"},
    ),
    ("workshops.guest_board", "GET"): Route(PUBLIC, lambda o: {"token": o.workshop.join_token}),
    ("workshops.guest_state", "GET"): Route(WORKSHOP_GUEST, lambda o: {"token": o.workshop.join_token}),
    ("workshops.guest_add_card", "POST"): Route(
        WORKSHOP_GUEST,
        lambda o: {"token": o.workshop.join_token},
        valid_form=lambda o: {"column_key": "strengths", "text": "Ny idé"},
    ),
    ("workshops.guest_edit_card", "POST"): Route(
        WORKSHOP_GUEST,
        lambda o: {"token": o.workshop.join_token, "card_id": o.card.id},
        valid_form=lambda o: {"text": "Ændret idé"},
    ),
    ("workshops.guest_vote", "POST"): Route(
        WORKSHOP_GUEST, lambda o: {"token": o.workshop.join_token, "card_id": o.card.id}
    ),
    ("workshops.guest_unvote", "POST"): Route(
        WORKSHOP_GUEST, lambda o: {"token": o.workshop.join_token, "card_id": o.card.id}
    ),
}

ORG_SCOPED = sorted(key for key, route in MATRIX.items() if route.access.org_scoped)
ORG_SCOPED_BY_ID = [key for key in ORG_SCOPED if url_params(MATRIX[key]) - {"slug"}]


def _key_id(key: tuple[str, str]) -> str:
    return f"{key[1]} {key[0]}"


# --- helpers shared with the other access tests -------------------------------------------------------------


def registered_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def build_url(app: Flask, endpoint: str, values: dict[str, Any]) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def outcome(response) -> Any:
    """Classify a response as OK, LOGIN or its status code."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308) and urlsplit(response.location).path == "/login":
        return LOGIN
    if status in (401, 403, 404, 405, 429) or status >= 500:
        return status
    return OK


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused request changed nothing."""
    _db.session.expire_all()
    rows = {}
    for table in _db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(r) for r in _db.session.execute(sa.select(table).order_by(*order))]
    return rows


def log_in_as(role: str, login, other_org) -> Any:
    """Log the client in as `role` (see ROLES); returns the user, None for anonymous."""
    if role == ANONYMOUS:
        return None
    if role == OUTSIDER:
        return login("admin", organisation=other_org)
    return login(role)


# --- the tests ----------------------------------------------------------------------------------------------


@pytest.fixture
def objects(org) -> Objects:
    return build_objects(org)


@pytest.fixture
def other_objects(other_org) -> Objects:
    return build_objects(other_org)


def test_matrix_lists_every_registered_route(app):
    registered = registered_routes(app)
    assert registered - set(MATRIX) == set(), "routes without a line in MATRIX"
    assert set(MATRIX) - registered == set(), "lines in MATRIX for routes the app does not have"


def test_every_category_names_every_visitor():
    for category in CATEGORIES:
        assert set(category.outcomes) == set(ROLES), category.name
    for key, route in MATRIX.items():
        assert set(route.access.outcomes) == set(ROLES), key


def test_organisation_routes_carry_the_organisation_in_the_url(app):
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    for endpoint, _method in ORG_SCOPED:
        assert rules[endpoint].startswith("/o/<slug>/"), endpoint
    for key, route in MATRIX.items():
        if "<slug>" in rules[key[0]]:
            assert route.access.org_scoped, f"{key} has the organisation in its URL but is not org-scoped"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(MATRIX), ids=_key_id)
def test_access(app, client, login, objects, other_org, key, role):
    endpoint, method = key
    route = MATRIX[key]
    user = log_in_as(role, login, other_org)
    if route.responsible_for is not None and user is not None:
        route.responsible_for(objects).owner_user_id = user.id
        _db.session.commit()
    url = build_url(app, endpoint, route.url(objects))
    response = client.open(url, method=method, data=route.form(objects))
    expected = route.access[role]
    assert outcome(response) == expected, (
        f"{method} {url} as {role}: {response.status_code} {response.location or ''}, "
        f"expected {expected} ({route.access.name})"
    )


@pytest.mark.parametrize("key", ORG_SCOPED, ids=_key_id)
def test_other_organisations_pages_are_not_found(app, client, login, objects, other_objects, key):
    """A member (even an administrator) of `org` gets 404 for every page of `other_org`."""
    endpoint, method = key
    route = MATRIX[key]
    login("admin")
    before = snapshot()
    url = build_url(app, endpoint, route.url(other_objects))
    assert url.startswith(f"/o/{other_objects.org.slug}/")
    response = client.open(url, method=method, data=route.effective_form(other_objects))
    assert response.status_code == 404, url
    assert snapshot() == before


@pytest.mark.parametrize("role", ["admin", "superuser"])
@pytest.mark.parametrize("key", ORG_SCOPED_BY_ID, ids=_key_id)
def test_objects_of_another_organisation_are_not_found(app, client, login, objects, other_objects, key, role):
    """Another organisation's object under this organisation's URL: 404 (GET and POST), superuser too."""
    endpoint, method = key
    route = MATRIX[key]
    login(role)
    before = snapshot()
    url = build_url(app, endpoint, route.url(other_objects) | {"slug": objects.org.slug})
    assert url.startswith(f"/o/{objects.org.slug}/")
    response = client.open(url, method=method, data=route.effective_form(other_objects))
    assert response.status_code == 404, url
    assert snapshot() == before


@pytest.mark.parametrize("key", ORG_SCOPED, ids=_key_id)
def test_unknown_organisation_is_not_found(app, client, login, objects, key):
    endpoint, method = key
    route = MATRIX[key]
    login("admin")
    url = build_url(app, endpoint, route.url(objects) | {"slug": "findes-ikke"})
    assert client.open(url, method=method, data=route.form(objects)).status_code == 404


@pytest.mark.parametrize("key", ORG_SCOPED, ids=_key_id)
def test_deactivated_membership_means_no_access(app, client, login, objects, key):
    endpoint, method = key
    route = MATRIX[key]
    user = login("admin")
    user.memberships[0].active = False
    _db.session.commit()
    url = build_url(app, endpoint, route.url(objects))
    assert client.open(url, method=method, data=route.form(objects)).status_code == 404


def test_json_clients_get_json_errors(client, login, objects, other_org):
    """API-style requests get 401/403/404 as JSON instead of a redirect or an HTML page."""
    headers = {"Accept": "application/json"}
    response = client.get(f"/o/{objects.org.slug}/", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"error": "unauthorized"}
    login("viewer")
    response = client.get(f"/o/{objects.org.slug}/members/", headers=headers)
    assert (response.status_code, response.get_json()) == (403, {"error": "forbidden"})
    response = client.get(f"/o/{other_org.slug}/", headers=headers)
    assert (response.status_code, response.get_json()) == (404, {"error": "not found"})


def test_roles_are_ordered_and_superuser_is_admin_everywhere(db, org, other_org, make_user):
    assert [r.rank for r in (Role.VIEWER, Role.EDITOR, Role.FACILITATOR, Role.ADMIN)] == [0, 1, 2, 3]
    assert has_role(Role.ADMIN, Role.VIEWER) and not has_role(Role.VIEWER, Role.EDITOR)
    assert not has_role(None, Role.VIEWER)
    superuser = make_user(is_superuser=True)
    editor = make_user("editor", org)
    assert role_in(superuser, org) == role_in(superuser, other_org) == Role.ADMIN
    assert role_in(editor, org) == Role.EDITOR
    assert role_in(editor, other_org) is None
