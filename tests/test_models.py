"""Every named CHECK and UNIQUE constraint rejects bad data, and a row just inside it is accepted.

The constraints live in the database (built by the committed migrations), so each case inserts a row
in its own SAVEPOINT and expects an IntegrityError that names the constraint: PostgreSQL always names
it; SQLite names CHECK constraints ("CHECK constraint failed: <name>") and reports UNIQUE ones by
their columns ("UNIQUE constraint failed: <table>.<column>, ..."). A constraint added to the models
without a case here fails `test_every_constraint_has_a_case`.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    ApiToken,
    AuditEvent,
    ContactMapEntry,
    ConvertedKind,
    DataVersion,
    Department,
    ExternalIdentity,
    Goal,
    IdentityProvider,
    Inquiry,
    Invitation,
    KPITarget,
    Layout,
    Measurement,
    Membership,
    Municipality,
    Organisation,
    OutreachMeeting,
    Phase,
    ReminderPreference,
    ReportSnapshot,
    Role,
    SentNotification,
    SentNotificationItem,
    Status,
    Strategy,
    SurveyRank,
    UpdateRequest,
    UpdateRound,
    User,
    Workshop,
    WorkshopCard,
    WorkshopParticipant,
    WorkshopVote,
)
from tests import factories

_seq = itertools.count(1)

World = SimpleNamespace
Overrides = dict[str, Any]


@pytest.fixture
def world(db, org, other_org, make_user) -> World:
    """One valid row in every table that a case refers to (duplicates of these break UNIQUEs)."""
    user = make_user("viewer", org, email="anna@example.org")
    strategy = factories.strategy(org, title="Vision 2030")
    goal = factories.goal(strategy)
    kpi = factories.kpi(goal)
    municipality = Municipality(code=787, name="Thisted")
    db.session.add(municipality)
    db.session.flush()
    survey_rank = SurveyRank(
        survey="DI Lokalt Erhvervsklima",
        year=2024,
        municipality_id=municipality.id,
        category="Samlet",
        rank=50,
        out_of=98,
    )
    db.session.add(survey_rank)
    action_plan = factories.action_plan(goal)
    workshop = Workshop(
        organisation_id=org.id, title="Strategiværksted", held_on=date(2025, 3, 1), join_token="token-1"
    )
    db.session.add(workshop)
    db.session.flush()
    participant = WorkshopParticipant(workshop_id=workshop.id, user_id=user.id, display_name="Anna")
    guest = WorkshopParticipant(workshop_id=workshop.id, display_name="Gæst")
    db.session.add_all([participant, guest])
    db.session.flush()
    card = WorkshopCard(workshop_id=workshop.id, author_id=participant.id, column_key="s", text="Idé")
    db.session.add(card)
    db.session.flush()
    db.session.add(WorkshopVote(card_id=card.id, participant_id=participant.id, dots=2))
    factories.invitation(user, other_org)
    db.session.flush()
    world = World(
        org=org,
        other_org=other_org,
        user=user,
        department=factories.department(org, name="Teknik og Miljø"),
        strategy=strategy,
        goal=goal,
        kpi=kpi,
        measurement=factories.measurement(kpi, date(2020, 1, 1), 10.0),
        action_plan=action_plan,
        municipality=municipality,
        survey_rank=survey_rank,
        workshop=workshop,
        participant=participant,
        guest=guest,
        card=card,
    )
    _add_reminder_rows(world)
    world.token = _api_token(world)
    db.session.add(world.token)
    db.session.flush()
    _add_sso_rows(world)
    _add_outreach_rows(world)
    return world


def _add_outreach_rows(w: World) -> None:
    """The world's user on the contact map for the world's department."""
    _db.session.add(
        ContactMapEntry(organisation_id=w.org.id, department_id=w.department.id, user_id=w.user.id)
    )
    _db.session.flush()


def _add_sso_rows(w: World) -> None:
    """The organisation's identity provider and a provider account linked to the world's user."""
    _db.session.add_all(
        [_identity_provider(w, organisation_id=w.org.id), _external_identity(w, subject="world")]
    )
    _db.session.flush()


def _add_reminder_rows(w: World) -> None:
    """An update round asking for the world's action plan and KPI, and an e-mail with one item."""
    w.update_round = UpdateRound(organisation_id=w.org.id, strategy_id=w.strategy.id, deadline=D2)
    w.update_round.requests = [
        UpdateRequest(owner_user_id=w.user.id, action_plan_id=w.action_plan.id),
        UpdateRequest(owner_user_id=w.user.id, kpi_id=w.kpi.id, period=D1),
    ]
    w.notification = _sent_notification(w, key="digest:world")
    w.notification.items = [SentNotificationItem(item_key="kpi:1:2025-01-01", label="Nøgletal")]
    _db.session.add_all([w.update_round, w.notification, ReminderPreference(user_id=w.user.id)])
    _db.session.flush()


# Builders: a valid new row (not yet added) for each table, with `overrides` applied.


def _organisation(w: World, **kw: Any) -> Organisation:
    n = next(_seq)
    return Organisation(**{"slug": f"ny-{n}", "name": f"Ny Kommune {n}", **kw})


def _user(w: World, **kw: Any) -> User:
    n = next(_seq)
    return User(**{"email": f"ny{n}@example.org", "name": f"Ny {n}", "password_hash": "x", **kw})


def _membership(w: World, **kw: Any) -> Membership:
    # The world's user is a member of `org`, not yet of `other_org`.
    return Membership(**{"user_id": w.user.id, "organisation_id": w.other_org.id, "role": "viewer", **kw})


def _invitation(w: World, **kw: Any) -> Invitation:
    # The world's user is invited to `other_org`, not yet to `org`.
    return Invitation(**{"user_id": w.user.id, "organisation_id": w.org.id, "role": "viewer", **kw})


def _api_token(w: World, **kw: Any) -> ApiToken:
    return ApiToken(
        **{
            "user_id": w.user.id,
            "organisation_id": w.org.id,
            "name": "BI",
            "prefix": "st_abcdefg",
            "token_hash": f"{next(_seq):064d}",
            "scope": "read",
            **kw,
        }
    )


def _department(w: World, **kw: Any) -> Department:
    return Department(**{"organisation_id": w.org.id, "name": f"Forvaltning {next(_seq)}", **kw})


def _strategy(w: World, **kw: Any) -> Strategy:
    return Strategy(
        **{
            "organisation_id": w.org.id,
            "title": f"Strategi {next(_seq)}",
            "period_start": date(2024, 1, 1),
            "period_end": date(2030, 12, 31),
            **kw,
        }
    )


def _goal(w: World, **kw: Any) -> Goal:
    return Goal(
        **{"organisation_id": w.org.id, "strategy_id": w.strategy.id, "title": f"Mål {next(_seq)}", **kw}
    )


def _kpi(w: World, **kw: Any) -> KPI:
    return KPI(**{"organisation_id": w.org.id, "goal_id": w.goal.id, "name": f"Nøgletal {next(_seq)}", **kw})


def _measurement(w: World, **kw: Any) -> Measurement:
    return Measurement(**{"kpi_id": w.kpi.id, "period": date(2022, 1, 1), "value": 12.5, **kw})


def _action_plan(w: World, **kw: Any) -> ActionPlan:
    return ActionPlan(
        **{"organisation_id": w.org.id, "goal_id": w.goal.id, "title": f"Handleplan {next(_seq)}", **kw}
    )


def _action_plan_update(w: World, **kw: Any) -> ActionPlanUpdate:
    return ActionPlanUpdate(
        **{"action_plan_id": w.action_plan.id, "new_status": "in_progress", "progress": 10, **kw}
    )


def _municipality(w: World, **kw: Any) -> Municipality:
    n = next(_seq)
    return Municipality(**{"code": 100 + n % 600, "name": f"Kommune {n}", **kw})


def _survey_rank(w: World, **kw: Any) -> SurveyRank:
    # The world's rank is for 2024; the same survey, municipality and category in 2025 is a new row.
    values = {
        "survey": w.survey_rank.survey,
        "year": 2025,
        "municipality_id": w.municipality.id,
        "category": w.survey_rank.category,
        "rank": 10,
        "out_of": 98,
    }
    return SurveyRank(**{**values, **kw})


def _audit_event(w: World, **kw: Any) -> AuditEvent:
    return AuditEvent(**{"action": "test", "entity_type": "test", **kw})


def _data_version(w: World, **kw: Any) -> DataVersion:
    return DataVersion(**{"id": 2, "version": 7, **kw})  # row 1 is the migration's


def _kpi_target(w: World, **kw: Any) -> KPITarget:
    values = {"kpi_id": w.kpi.id, "value": 5.0, "target_date": date(2030, 1, 1), "set_on": date(2024, 1, 1)}
    return KPITarget(**{**values, **kw})


def _workshop(w: World, **kw: Any) -> Workshop:
    values = {"organisation_id": w.org.id, "title": "Værksted", "held_on": D1, "join_token": f"t{next(_seq)}"}
    return Workshop(**{**values, **kw})


def _workshop_participant(w: World, **kw: Any) -> WorkshopParticipant:
    return WorkshopParticipant(**{"workshop_id": w.workshop.id, "display_name": f"Gæst {next(_seq)}", **kw})


def _workshop_card(w: World, **kw: Any) -> WorkshopCard:
    return WorkshopCard(**{"workshop_id": w.workshop.id, "column_key": "s", "text": "Ny idé", **kw})


def _workshop_vote(w: World, **kw: Any) -> WorkshopVote:
    # The world's member participant has voted on the world's card; the guest has not.
    return WorkshopVote(**{"card_id": w.card.id, "participant_id": w.guest.id, "dots": 1, **kw})


def _reminder_preference(w: World, **kw: Any) -> ReminderPreference:
    # The world's user has a preference; the other organisation's new user has none.
    return ReminderPreference(**{"user_id": factories.user().id, "frequency": "daily", **kw})


def _update_round(w: World, **kw: Any) -> UpdateRound:
    return UpdateRound(**{"organisation_id": w.org.id, "strategy_id": w.strategy.id, "deadline": D2, **kw})


def _report_snapshot(w: World, **kw: Any) -> ReportSnapshot:
    values = {"organisation_id": w.org.id, "strategy_id": w.strategy.id, "title": "Byrådsmøde"}
    return ReportSnapshot(**{**values, "report_date": D2, "document": {"goals": []}, **kw})


def _update_request(w: World, **kw: Any) -> UpdateRequest:
    # The world's round asks for the world's plan and KPI; this asks for a new plan.
    plan = factories.action_plan(w.goal)
    values = {"round_id": w.update_round.id, "owner_user_id": w.user.id, "action_plan_id": plan.id}
    return UpdateRequest(**{**values, **kw})


def _sent_notification(w: World, **kw: Any) -> SentNotification:
    values = {
        "key": f"digest:{next(_seq)}",
        "organisation_id": w.org.id,
        "user_id": w.user.id,
        "kind": "digest",
        "email": w.user.email,
        "subject": "Dine opdateringer",
        "body_text": "Tekst",
        "body_html": "<p>Tekst</p>",
        "status": "sent",
    }
    return SentNotification(**{**values, **kw})


def _sent_notification_item(w: World, **kw: Any) -> SentNotificationItem:
    return SentNotificationItem(
        **{"notification_id": w.notification.id, "item_key": "plan:1", "label": "P", **kw}
    )


def _identity_provider(w: World, **kw: Any) -> IdentityProvider:
    if "organisation_id" not in kw:
        kw["organisation_id"] = _added(_organisation(w)).id
    fields = {
        "discovery_url": "https://idp.example.org",
        "client_id": "app",
        "allowed_domains": ["example.org"],
    }
    return IdentityProvider(**{**fields, "group_roles": {}, **kw})


def _external_identity(w: World, **kw: Any) -> ExternalIdentity:
    return ExternalIdentity(
        **{"user_id": w.user.id, "issuer": "https://idp.example.org", "subject": f"s{next(_seq)}", **kw}
    )


def _inquiry(w: World, **kw: Any) -> Inquiry:
    values = {"organisation_id": w.org.id, "received_at": datetime(2026, 3, 2, 9, 0), "company_name": "Firma"}
    return Inquiry(**{**values, **kw})


def _inquiry_department(w: World, **kw: Any) -> Inquiry:
    """The link table has no class of its own: an inquiry with a department writes a row of it."""
    return _inquiry(w, departments=[factories.department(w.org)], **kw)


def _contact_map_entry(w: World, **kw: Any) -> ContactMapEntry:
    values = {"organisation_id": w.org.id, "department_id": _added(_department(w)).id, "user_id": w.user.id}
    return ContactMapEntry(**{**values, "topics": "Byggesag", **kw})


def _outreach_meeting(w: World, **kw: Any) -> OutreachMeeting:
    values = {"organisation_id": w.org.id, "held_on": date(2026, 3, 2), "company_name": "Firma"}
    return OutreachMeeting(**{**values, **kw})


def _outreach_participant(w: World, **kw: Any) -> OutreachMeeting:
    """The link table has no class of its own: a meeting with a participant writes a row of it."""
    return _outreach_meeting(w, participants=[w.user], **kw)


def _outreach_department(w: World, **kw: Any) -> OutreachMeeting:
    """The link table has no class of its own: a meeting with a department writes a row of it."""
    return _outreach_meeting(w, departments=[w.department], **kw)


BUILDERS: dict[str, Callable[..., Any]] = {
    "contact_map_entry": _contact_map_entry,
    "outreach_meeting": _outreach_meeting,
    "outreach_participant": _outreach_participant,
    "outreach_department": _outreach_department,
    "identity_provider": _identity_provider,
    "external_identity": _external_identity,
    "inquiry": _inquiry,
    "inquiry_department": _inquiry_department,
    "reminder_preference": _reminder_preference,
    "update_round": _update_round,
    "report_snapshot": _report_snapshot,
    "update_request": _update_request,
    "sent_notification": _sent_notification,
    "sent_notification_item": _sent_notification_item,
    "organisation": _organisation,
    "user_account": _user,
    "membership": _membership,
    "invitation": _invitation,
    "api_token": _api_token,
    "department": _department,
    "strategy": _strategy,
    "goal": _goal,
    "kpi": _kpi,
    "kpi_target": _kpi_target,
    "measurement": _measurement,
    "action_plan": _action_plan,
    "action_plan_update": _action_plan_update,
    "municipality": _municipality,
    "survey_rank": _survey_rank,
    "audit_event": _audit_event,
    "data_version": _data_version,
    "workshop": _workshop,
    "workshop_participant": _workshop_participant,
    "workshop_card": _workshop_card,
    "workshop_vote": _workshop_vote,
}


@dataclass(frozen=True)
class Case:
    """`bad` rows each break only `name`; `good` rows sit just inside it and must be accepted."""

    name: str
    table: str
    bad: Callable[[World], list[Overrides]]
    good: Callable[[World], list[Overrides]]

    def __str__(self) -> str:
        return self.name


D1, D2 = date(2025, 3, 1), date(2025, 6, 30)
WHEN = {"baseline_date": date(2020, 1, 1)}
RANK = {"kind": "rank", "direction": "lower", **WHEN}

CASES = [
    # organisation
    Case(
        "ck_organisation_slug_not_empty", "organisation", lambda w: [{"slug": ""}], lambda w: [{"slug": "a"}]
    ),
    Case(
        "ck_organisation_municipality_code_range",
        "organisation",
        lambda w: [{"municipality_code": 99}, {"municipality_code": 1000}, {"municipality_code": -787}],
        lambda w: [{"municipality_code": 100}, {"municipality_code": 997}, {"municipality_code": None}],
    ),
    Case(
        "uq_organisation_slug",
        "organisation",
        lambda w: [{"slug": w.org.slug}],
        lambda w: [{"slug": w.org.slug + "-2"}],
    ),
    Case(
        "uq_organisation_municipality_code",
        "organisation",
        lambda w: [{"municipality_code": w.org.municipality_code}],
        lambda w: [{"municipality_code": 787}],
    ),
    # user_account
    Case(
        "ck_user_account_email_lowercase",
        "user_account",
        lambda w: [{"email": "Anna.B@example.org"}, {"email": "anna.b@EXAMPLE.ORG"}],
        lambda w: [{"email": "anna.b@example.org"}],
    ),
    Case(
        "ck_user_account_locale_valid",
        "user_account",
        lambda w: [{"locale": "de"}, {"locale": "DA"}, {"locale": ""}],
        lambda w: [{"locale": "da"}, {"locale": "en"}],
    ),
    Case(
        "uq_user_account_email",
        "user_account",
        lambda w: [{"email": w.user.email}],
        lambda w: [{"email": "anna2@example.org"}],
    ),
    # membership
    Case(
        "ck_membership_role_valid",
        "membership",
        lambda w: [{"role": "owner"}, {"role": "Admin"}, {"role": ""}],
        lambda w: [{"role": role.value} for role in Role],
    ),
    Case(
        "uq_membership_user_id_organisation_id",
        "membership",
        lambda w: [{"organisation_id": w.org.id}],
        lambda w: [{"organisation_id": w.other_org.id}],
    ),
    Case(
        "ck_api_token_scope_valid",
        "api_token",
        lambda w: [{"scope": "admin"}, {"scope": "Read"}, {"scope": ""}],
        lambda w: [{"scope": "read"}, {"scope": "write"}],
    ),
    Case(
        "uq_api_token_token_hash",
        "api_token",
        lambda w: [{"token_hash": w.token.token_hash}],
        lambda w: [{}],
    ),
    Case(
        "ck_invitation_role_valid",
        "invitation",
        lambda w: [{"role": "owner"}, {"role": "Admin"}, {"role": ""}],
        lambda w: [{"role": role.value} for role in Role],
    ),
    Case(
        "uq_invitation_user_id_organisation_id",
        "invitation",
        lambda w: [{"organisation_id": w.other_org.id}],
        lambda w: [{"organisation_id": w.org.id}],
    ),
    # department
    Case(
        "uq_department_organisation_id_name",
        "department",
        lambda w: [{"name": w.department.name}],
        lambda w: [{"name": w.department.name, "organisation_id": w.other_org.id}],
    ),
    # strategy and goal
    Case(
        "ck_strategy_period_order",
        "strategy",
        lambda w: [{"period_start": D2, "period_end": D1}],
        lambda w: [{"period_start": D1, "period_end": D1}, {"period_start": D1, "period_end": D2}],
    ),
    Case(
        "uq_strategy_organisation_id_title",
        "strategy",
        lambda w: [{"title": w.strategy.title}],
        lambda w: [{"title": w.strategy.title, "organisation_id": w.other_org.id}],
    ),
    Case(
        "ck_goal_position_not_negative",
        "goal",
        lambda w: [{"position": -1}],
        lambda w: [{"position": 0}, {"position": 7}],
    ),
    # kpi
    Case(
        "ck_kpi_kind_valid",
        "kpi",
        lambda w: [{"kind": "ratio"}, {"kind": "Number"}],
        lambda w: [{"kind": "number"}, {"kind": "percent"}, {"kind": "rank", "direction": "lower"}],
    ),
    Case(
        "ck_kpi_direction_valid",
        "kpi",
        lambda w: [{"direction": "up"}, {"direction": ""}],
        lambda w: [{"direction": "higher"}, {"direction": "lower"}],
    ),
    Case(
        "ck_kpi_frequency_valid",
        "kpi",
        lambda w: [{"frequency": "weekly"}],
        lambda w: [{"frequency": "monthly"}, {"frequency": "quarterly"}, {"frequency": "yearly"}],
    ),
    Case(
        "ck_kpi_rank_lower_is_better",
        "kpi",
        lambda w: [{"kind": "rank", "direction": "higher"}],
        lambda w: [{"kind": "rank", "direction": "lower"}, {"kind": "number", "direction": "higher"}],
    ),
    Case(
        "ck_kpi_baseline_has_date",
        "kpi",
        lambda w: [{"baseline_value": 5.0, "baseline_date": None}],
        lambda w: [{"baseline_value": 5.0, **WHEN}, {"baseline_value": None, "baseline_date": None}],
    ),
    Case(
        "ck_kpi_percent_baseline_range",
        "kpi",
        lambda w: [
            {"kind": "percent", "baseline_value": -0.5, **WHEN},
            {"kind": "percent", "baseline_value": 100.5, **WHEN},
        ],
        lambda w: [
            {"kind": "percent", "baseline_value": 0.0, **WHEN},
            {"kind": "percent", "baseline_value": 100.0, **WHEN},
            {"kind": "number", "baseline_value": 150.0, **WHEN},
        ],
    ),
    Case(
        "ck_kpi_baseline_rank_range",
        "kpi",
        lambda w: [
            {**RANK, "baseline_value": 0.0, "baseline_out_of": 98},
            {**RANK, "baseline_value": 99.0, "baseline_out_of": 98},
        ],
        lambda w: [
            {**RANK, "baseline_value": 1.0, "baseline_out_of": 98},
            {**RANK, "baseline_value": 98.0, "baseline_out_of": 98},
            {**RANK, "baseline_value": 12.0, "baseline_out_of": None},
        ],
    ),
    # measurement
    Case(
        "uq_measurement_kpi_id_period",
        "measurement",
        lambda w: [{"period": w.measurement.period}],
        lambda w: [{"period": date(2021, 1, 1)}],
    ),
    Case(
        "ck_measurement_rank_within_n",
        "measurement",
        lambda w: [{"value": 0.0, "out_of": 98}, {"value": 99.0, "out_of": 98}, {"value": 1.0, "out_of": 0}],
        lambda w: [
            {"value": 1.0, "out_of": 98},
            {"value": 98.0, "out_of": 98},
            {"value": -3.5, "out_of": None},
        ],
    ),
    # action_plan
    Case(
        "ck_action_plan_status_valid",
        "action_plan",
        lambda w: [{"status": "paused"}, {"status": "Done"}],
        lambda w: [{"status": status.value} for status in Status],
    ),
    Case(
        "ck_action_plan_progress_range",
        "action_plan",
        lambda w: [{"progress": -1}, {"progress": 101}],
        lambda w: [{"progress": 0}, {"progress": 100}],
    ),
    Case(
        "ck_action_plan_due_after_start",
        "action_plan",
        lambda w: [{"start_date": D2, "due_date": D1}],
        lambda w: [
            {"start_date": D1, "due_date": D1},
            {"start_date": D1, "due_date": D2},
            {"start_date": D2, "due_date": None},
            {"start_date": None, "due_date": D1},
        ],
    ),
    Case(
        "ck_action_plan_done_on_only_when_done",
        "action_plan",
        lambda w: [{"status": status.value, "done_on": D1} for status in Status if status != Status.DONE],
        lambda w: [{"status": "done", "done_on": D1}, {"status": "done", "done_on": None}],
    ),
    # action_plan_update
    Case(
        "ck_action_plan_update_new_status_valid",
        "action_plan_update",
        lambda w: [{"new_status": "paused"}],
        lambda w: [{"new_status": status.value, "comment": "Status"} for status in Status],
    ),
    Case(
        "ck_action_plan_update_old_status_valid",
        "action_plan_update",
        lambda w: [{"old_status": "paused"}, {"old_status": ""}],
        lambda w: [{"old_status": None}, {"old_status": "not_started"}, {"old_status": "done"}],
    ),
    Case(
        "ck_action_plan_update_progress_range",
        "action_plan_update",
        lambda w: [{"progress": -1}, {"progress": 101}],
        lambda w: [{"progress": 0}, {"progress": 100}],
    ),
    Case(
        "ck_action_plan_update_delayed_needs_comment",
        "action_plan_update",
        lambda w: [{"new_status": "delayed", "comment": ""}],
        lambda w: [
            {"new_status": "delayed", "comment": "Udbuddet er forsinket."},
            {"new_status": "in_progress", "comment": ""},
        ],
    ),
    # benchmark data
    Case(
        "ck_municipality_code_range",
        "municipality",
        lambda w: [{"code": 99}, {"code": 1000}],
        lambda w: [{"code": 100}, {"code": 999}],
    ),
    Case(
        "uq_municipality_code",
        "municipality",
        lambda w: [{"code": w.municipality.code}],
        lambda w: [{"code": w.municipality.code + 1}],
    ),
    Case(
        "uq_municipality_name",
        "municipality",
        lambda w: [{"name": w.municipality.name}],
        lambda w: [{"name": w.municipality.name + " Nord"}],
    ),
    Case(
        "uq_survey_rank_survey_year_municipality_id_category",
        "survey_rank",
        lambda w: [{"year": w.survey_rank.year}],
        lambda w: [
            {"year": w.survey_rank.year - 1},
            {"category": "Infrastruktur", "year": w.survey_rank.year},
        ],
    ),
    Case(
        "ck_survey_rank_rank_within_n",
        "survey_rank",
        lambda w: [{"rank": 0}, {"rank": 99, "out_of": 98}],
        lambda w: [{"rank": 1}, {"rank": 98, "out_of": 98}],
    ),
    Case(
        "ck_survey_rank_year_range",
        "survey_rank",
        lambda w: [{"year": 1969}, {"year": 2101}],
        lambda w: [{"year": 1970}, {"year": 2100}],
    ),
    # workshops
    Case(
        "ck_workshop_phase_valid",
        "workshop",
        lambda w: [{"phase": "open"}, {"phase": "Voting"}],
        lambda w: [{"phase": phase.value} for phase in Phase],
    ),
    Case(
        "ck_workshop_layout_valid",
        "workshop",
        lambda w: [{"layout": "grid"}, {"layout": ""}],
        lambda w: [{"layout": layout.value} for layout in Layout],
    ),
    Case(
        "ck_workshop_dots_range",
        "workshop",
        lambda w: [{"dots_per_participant": 0}, {"dots_per_participant": 51}],
        lambda w: [{"dots_per_participant": 1}, {"dots_per_participant": 50}],
    ),
    Case(
        "uq_workshop_join_token",
        "workshop",
        lambda w: [{"join_token": w.workshop.join_token}],
        lambda w: [{"join_token": w.workshop.join_token + "-2"}],
    ),
    Case(
        "uq_workshop_participant_workshop_id_user_id",
        "workshop_participant",
        lambda w: [{"user_id": w.user.id}],
        lambda w: [{"user_id": None}],
    ),
    Case(
        "ck_workshop_participant_display_name_not_empty",
        "workshop_participant",
        lambda w: [{"display_name": ""}, {"display_name": "   "}],
        lambda w: [{"display_name": "A"}],
    ),
    Case(
        "ck_workshop_card_text_not_empty",
        "workshop_card",
        lambda w: [{"text": ""}, {"text": "  "}],
        lambda w: [{"text": "x"}],
    ),
    Case(
        "ck_workshop_card_converted_kind_valid",
        "workshop_card",
        lambda w: [{"converted_kind": "strategy"}, {"converted_kind": ""}],
        lambda w: [{"converted_kind": None}] + [{"converted_kind": kind.value} for kind in ConvertedKind],
    ),
    Case(
        "ck_workshop_card_not_merged_into_itself",
        "workshop_card",
        lambda w: [{"id": 990001, "merged_into_id": 990001}],
        lambda w: [{"merged_into_id": None}, {"merged_into_id": w.card.id}],
    ),
    Case(
        "uq_workshop_vote_card_id_participant_id",
        "workshop_vote",
        lambda w: [{"participant_id": w.participant.id}],
        lambda w: [{"participant_id": w.guest.id}],
    ),
    Case(
        "ck_workshop_vote_dots_positive",
        "workshop_vote",
        lambda w: [{"dots": 0}, {"dots": -1}],
        lambda w: [{"dots": 1}, {"dots": 50}],
    ),
]
CASES += [
    Case(
        "uq_contact_map_entry_department_id_user_id",
        "contact_map_entry",
        lambda w: [{"department_id": w.department.id}],
        lambda w: [{"department_id": w.department.id, "user_id": _added(_user(w)).id}],
    ),
    Case(
        "ck_inquiry_channel_valid",
        "inquiry",
        lambda w: [{"channel": "fax"}, {"channel": ""}],
        lambda w: [{"channel": c} for c in ("phone", "email", "meeting", "visit", "other")],
    ),
    Case(
        "ck_inquiry_outcome_valid",
        "inquiry",
        lambda w: [{"outcome": "won"}, {"outcome": ""}],
        lambda w: [{"outcome": None}, {"outcome": "alternative"}, {"outcome": "refused"}],
    ),
    Case(
        "ck_kpi_derived_valid",
        "kpi",
        lambda w: [{"derived": "median"}, {"derived": ""}],
        lambda w: [{"derived": None}, {"derived": "answered_24h"}, {"derived": "inquiries"}],
    ),
    Case(
        "ck_reminder_preference_frequency_valid",
        "reminder_preference",
        lambda w: [{"frequency": "hourly"}, {"frequency": ""}],
        lambda w: [{"frequency": f} for f in ("daily", "weekly", "off")],
    ),
    Case(
        "uq_reminder_preference_user_id",
        "reminder_preference",
        lambda w: [{"user_id": w.user.id}],
        lambda w: [{"user_id": factories.user().id}],
    ),
    Case(
        "ck_update_request_plan_or_kpi_period",
        "update_request",
        lambda w: [
            {"action_plan_id": None},
            {"kpi_id": factories.kpi(w.goal).id},
            {"period": D1},
            {"action_plan_id": None, "kpi_id": factories.kpi(w.goal).id},
        ],
        lambda w: [{}, {"action_plan_id": None, "kpi_id": factories.kpi(w.goal).id, "period": D1}],
    ),
    Case(
        "uq_update_request_round_id_action_plan_id",
        "update_request",
        lambda w: [{"action_plan_id": w.action_plan.id}],
        lambda w: [{"round_id": _added(_update_round(w)).id, "action_plan_id": w.action_plan.id}],
    ),
    Case(
        "uq_update_request_round_id_kpi_id",
        "update_request",
        lambda w: [{"action_plan_id": None, "kpi_id": w.kpi.id, "period": D2}],
        lambda w: [
            {
                "round_id": _added(_update_round(w)).id,
                "action_plan_id": None,
                "kpi_id": w.kpi.id,
                "period": D2,
            }
        ],
    ),
    Case(
        "uq_sent_notification_key",
        "sent_notification",
        lambda w: [{"key": "digest:world"}],
        lambda w: [{"key": "digest:world:2"}],
    ),
    Case(
        "ck_sent_notification_kind_valid",
        "sent_notification",
        lambda w: [{"kind": "sms"}, {"kind": ""}],
        lambda w: [{"kind": k} for k in ("digest", "escalation", "round_request", "round_reminder")],
    ),
    Case(
        "ck_sent_notification_status_valid",
        "sent_notification",
        lambda w: [{"status": "queued"}, {"status": ""}],
        lambda w: [{"status": "sent"}, {"status": "failed"}],
    ),
]


CASES += [
    Case(
        "uq_identity_provider_organisation_id",
        "identity_provider",
        lambda w: [{"organisation_id": w.org.id}],
        lambda w: [{"organisation_id": w.other_org.id}],
    ),
    Case(
        "ck_identity_provider_default_role_valid",
        "identity_provider",
        lambda w: [{"default_role": "emperor"}, {"default_role": ""}],
        lambda w: [{"default_role": r} for r in (None, "viewer", "editor", "facilitator", "admin")],
    ),
    Case(
        "uq_external_identity_issuer_subject",
        "external_identity",
        lambda w: [{"subject": "world"}],
        lambda w: [{"subject": "world", "issuer": "https://other.example.org"}, {"subject": "world-2"}],
    ),
]


def _added(obj: Any) -> Any:
    _db.session.add(obj)
    _db.session.flush()
    return obj


CASES_BY_NAME = {case.name: case for case in CASES}


def _metadata_constraints() -> dict[str, sa.Constraint | sa.Index]:
    """Every CHECK and UNIQUE constraint (and unique index) in the models, by name."""
    found: dict[str, sa.Constraint | sa.Index] = {}
    for table in _db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint | sa.UniqueConstraint):
                found[str(constraint.name)] = constraint
        for index in table.indexes:
            if index.unique:
                found[str(index.name)] = index
    return found


def _expected_message(case: Case, dialect: str) -> str:
    """The part of the database's error message that identifies the constraint."""
    constraint = _metadata_constraints()[case.name]
    if dialect == "sqlite" and not isinstance(constraint, sa.CheckConstraint):
        columns = ", ".join(f"{case.table}.{column.name}" for column in constraint.columns)
        return f"UNIQUE constraint failed: {columns}"
    if dialect == "sqlite":
        return f"CHECK constraint failed: {case.name}"
    return f'"{case.name}"'


def _insert(obj: Any) -> None:
    with _db.session.begin_nested():
        _db.session.add(obj)
        _db.session.flush()


def _insert_and_undo(obj: Any) -> None:
    savepoint = _db.session.begin_nested()
    try:
        _db.session.add(obj)
        _db.session.flush()
        assert obj.id is not None
    finally:
        savepoint.rollback()


def test_every_constraint_has_a_case():
    in_models = set(_metadata_constraints())
    assert len(in_models) >= 30
    assert in_models - set(CASES_BY_NAME) == set(), "constraints without a test case"
    assert set(CASES_BY_NAME) - in_models == set(), "cases for constraints the models no longer have"
    assert len(CASES_BY_NAME) == len(CASES), "a constraint is listed twice"


def test_every_case_names_its_table():
    constraints = _metadata_constraints()
    for case in CASES:
        assert constraints[case.name].table.name == case.table, case.name


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint_rejects_bad_row(db, world, case: Case):
    expected = _expected_message(case, db.session.get_bind().dialect.name)
    count = sa.select(sa.func.count()).select_from(sa.table(case.table))
    before = db.session.scalar(count)
    bad_rows = case.bad(world)
    assert bad_rows
    for overrides in bad_rows:
        with pytest.raises(sa.exc.IntegrityError) as excinfo:
            _insert(BUILDERS[case.table](world, **overrides))
        assert expected in str(excinfo.value.orig), overrides
    # The session is still usable after the rejected inserts, and none of them was written.
    assert db.session.scalar(count) == before


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint_accepts_row_just_inside(db, world, case: Case):
    good_rows = case.good(world)
    assert good_rows
    for overrides in good_rows:
        _insert_and_undo(BUILDERS[case.table](world, **overrides))


@pytest.mark.parametrize("table", sorted(BUILDERS))
def test_valid_row_is_accepted(db, world, table: str):
    count = sa.select(sa.func.count()).select_from(sa.table(table))
    before = db.session.scalar(count)
    _insert(BUILDERS[table](world))
    assert db.session.scalar(count) == before + 1


def test_every_table_has_a_builder():
    assert set(BUILDERS) == set(_db.metadata.tables)


def test_rejected_insert_leaves_no_row(db, world):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    with pytest.raises(sa.exc.IntegrityError):
        _insert(_organisation(world, slug=""))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == before
    assert world.org.slug == "testkommune"  # earlier rows of the test survive the rolled-back savepoint


# Indexes


def _indexed_leading_columns(table: sa.Table) -> set[str]:
    leading = {table.primary_key.columns.values()[0].name}
    for index in table.indexes:
        leading.add(index.columns.values()[0].name)
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            leading.add(constraint.columns.values()[0].name)
    return leading


FOREIGN_KEY_COLUMNS = [
    (table.name, column.name)
    for table in _db.metadata.sorted_tables
    for column in table.columns
    if column.foreign_keys
]


def test_there_are_foreign_keys_to_check():
    assert ("measurement", "kpi_id") in FOREIGN_KEY_COLUMNS
    assert len(FOREIGN_KEY_COLUMNS) >= 20


@pytest.mark.parametrize(
    ("table", "column"), FOREIGN_KEY_COLUMNS, ids=[f"{t}.{c}" for t, c in FOREIGN_KEY_COLUMNS]
)
def test_foreign_key_column_is_indexed_in_models(table: str, column: str):
    assert column in _indexed_leading_columns(_db.metadata.tables[table])


def test_foreign_key_columns_are_indexed_in_database(db):
    inspector = sa.inspect(db.session.connection())
    missing = []
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        leading = {index["column_names"][0] for index in inspector.get_indexes(table)}
        leading |= {uq["column_names"][0] for uq in inspector.get_unique_constraints(table)}
        for fk in inspector.get_foreign_keys(table):
            if fk["constrained_columns"][0] not in leading:
                missing.append(f"{table}.{fk['constrained_columns'][0]}")
    assert missing == []


def test_measurement_is_unique_per_kpi_and_period(db):
    uniques = [
        tuple(column.name for column in constraint.columns)
        for constraint in Measurement.__table__.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    ]
    assert ("kpi_id", "period") in uniques
    reflected = sa.inspect(db.session.connection()).get_unique_constraints("measurement")
    assert {"name": "uq_measurement_kpi_id_period", "column_names": ["kpi_id", "period"]} in [
        {"name": uq["name"], "column_names": uq["column_names"]} for uq in reflected
    ]
