"""Right of access: everything the app holds about one person, as JSON and as a readable workbook.

`org` narrows it to what one organisation holds (an administrator's copy for a member): the profile and the
rows of that organisation, with the sign-in events its audit log shows. Without `org` (the person's own copy,
or a superuser's) it is everything. Rows name no other person: events by someone else about the person
keep neither that someone nor their IP address, and changes the person made to someone else's account
keep no before/after.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    AuditEvent,
    Goal,
    Invitation,
    KPITarget,
    Measurement,
    Membership,
    Organisation,
    ReminderPreference,
    SentNotification,
    User,
    Workshop,
    WorkshopCard,
    WorkshopParticipant,
)
from ..audit import words as audit_words
from ..exports import Sheet
from ..exports import to_xlsx as sheets_to_xlsx

#: Audit entities that are a person's account; someone else's before/after of these is left out.
PERSON_ENTITIES = ("user", "membership", "invitation")
SIGN_IN_PREFIX = "auth."


@dataclass
class Section:
    """One kind of data: a key for JSON, a translated title and column labels for the workbook."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]


def _section(key: str, title: str, columns: list[tuple[str, str]], rows) -> Section:
    names = [name for name, _label in columns]
    return Section(key, title, columns, [dict(zip(names, row, strict=True)) for row in rows])


def _org_filter(column, org: Organisation | None) -> list[sa.ColumnElement[bool]]:
    return [] if org is None else [column == org.id]


def _profile(user: User) -> Section:
    columns = [
        ("id", _("Id")),
        ("name", _("Name")),
        ("email", _("E-mail")),
        ("locale", _("Language")),
        ("active", _("Active")),
        ("is_superuser", _("Superuser")),
        ("created_at", _("Created")),
        ("last_login_at", _("Last log-in")),
        ("anonymised_at", _("Anonymised")),
    ]
    row = (
        user.id,
        user.name,
        user.email,
        user.locale,
        user.active,
        user.is_superuser,
        user.created_at,
        user.last_login_at,
        user.anonymised_at,
    )
    return _section("profile", _("Profile"), columns, [row])


def _memberships(user: User, org: Organisation | None) -> Section:
    rows = db.session.execute(
        sa.select(Organisation.name, Membership.role, Membership.active, Membership.created_at)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id, *_org_filter(Membership.organisation_id, org))
        .order_by(Organisation.name)
    ).all()
    columns = [
        ("organisation", _("Organisation")),
        ("role", _("Role")),
        ("active", _("Active")),
        ("since", _("Since")),
    ]
    return _section("memberships", _("Memberships"), columns, rows)


def _invitations(user: User, org: Organisation | None) -> Section:
    rows = db.session.execute(
        sa.select(Organisation.name, Invitation.role, Invitation.created_at)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .where(Invitation.user_id == user.id, *_org_filter(Invitation.organisation_id, org))
        .order_by(Invitation.created_at)
    ).all()
    columns = [("organisation", _("Organisation")), ("role", _("Role")), ("invited_at", _("Invited"))]
    return _section("invitations", _("Invitations"), columns, rows)


def _own_entities(user: User) -> sa.ColumnElement[bool]:
    memberships = sa.select(Membership.id).where(Membership.user_id == user.id)
    invitations = sa.select(Invitation.id).where(Invitation.user_id == user.id)
    return sa.or_(
        sa.and_(AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id),
        sa.and_(AuditEvent.entity_type == "membership", AuditEvent.entity_id.in_(memberships)),
        sa.and_(AuditEvent.entity_type == "invitation", AuditEvent.entity_id.in_(invitations)),
    )


def _audit_scope(org: Organisation | None) -> list[sa.ColumnElement[bool]]:
    if org is None:
        return []
    return [
        sa.or_(
            AuditEvent.organisation_id == org.id,
            sa.and_(AuditEvent.organisation_id.is_(None), AuditEvent.action.startswith(SIGN_IN_PREFIX)),
        )
    ]


def _audit_row(event: AuditEvent, user: User, about: bool) -> tuple:
    by_them = event.user_id == user.id
    changes_shown = about or event.entity_type not in PERSON_ENTITIES
    return (
        event.created_at,
        audit_words.event_label(event.action),
        audit_words.entity_words(event.entity_type, None),
        event.entity_id,
        by_them,
        event.ip_address if by_them else None,
        json.dumps(event.before, ensure_ascii=False) if changes_shown and event.before else "",
        json.dumps(event.after, ensure_ascii=False) if changes_shown and event.after else "",
    )


def _audit(user: User, org: Organisation | None) -> Section:
    about = _own_entities(user)
    rows = db.session.execute(
        sa.select(AuditEvent, about.label("about"))
        .where(sa.or_(AuditEvent.user_id == user.id, about), *_audit_scope(org))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    columns = [
        ("at", _("Time")),
        ("action", _("Action")),
        ("entity_type", _("Entity")),
        ("entity_id", _("Entity id")),
        ("by_you", _("Done by the person")),
        ("ip_address", _("IP address")),
        ("before", _("Before")),
        ("after", _("After")),
    ]
    return _section(
        "audit_events", _("Audit events"), columns, [_audit_row(e, user, bool(a)) for e, a in rows]
    )


def _updates(user: User, org: Organisation | None) -> Section:
    rows = db.session.execute(
        sa.select(
            ActionPlan.title,
            ActionPlanUpdate.created_at,
            ActionPlanUpdate.old_status,
            ActionPlanUpdate.new_status,
            ActionPlanUpdate.progress,
            ActionPlanUpdate.comment,
        )
        .join(ActionPlan, ActionPlan.id == ActionPlanUpdate.action_plan_id)
        .where(ActionPlanUpdate.author_id == user.id, *_org_filter(ActionPlan.organisation_id, org))
        .order_by(ActionPlanUpdate.created_at, ActionPlanUpdate.id)
    ).all()
    columns = [
        ("action_plan", _("Action plan")),
        ("at", _("Time")),
        ("old_status", _("Old status")),
        ("new_status", _("New status")),
        ("progress", _("Progress")),
        ("comment", _("Comment")),
    ]
    return _section("action_plan_updates", _("Updates and comments"), columns, rows)


def _measurements(user: User, org: Organisation | None) -> Section:
    rows = db.session.execute(
        sa.select(
            KPI.name,
            Measurement.period,
            Measurement.value,
            Measurement.out_of,
            Measurement.note,
            Measurement.source,
            Measurement.entered_at,
        )
        .join(KPI, KPI.id == Measurement.kpi_id)
        .where(Measurement.entered_by_id == user.id, *_org_filter(KPI.organisation_id, org))
        .order_by(Measurement.entered_at, Measurement.id)
    ).all()
    columns = [
        ("kpi", _("KPI")),
        ("period", _("Period")),
        ("value", _("Value")),
        ("out_of", _("Out of")),
        ("note", _("Note")),
        ("source", _("Source")),
        ("entered_at", _("Entered")),
    ]
    return _section("measurements", _("Measurements entered"), columns, rows)


def _targets(user: User, org: Organisation | None) -> Section:
    rows = db.session.execute(
        sa.select(KPI.name, KPITarget.value, KPITarget.target_date, KPITarget.set_on, KPITarget.note)
        .join(KPI, KPI.id == KPITarget.kpi_id)
        .where(KPITarget.set_by_id == user.id, *_org_filter(KPI.organisation_id, org))
        .order_by(KPITarget.created_at, KPITarget.id)
    ).all()
    columns = [
        ("kpi", _("KPI")),
        ("value", _("Value")),
        ("target_date", _("Target date")),
        ("set_on", _("Set on")),
        ("note", _("Note")),
    ]
    return _section("targets", _("Targets set"), columns, rows)


def _responsibilities(user: User, org: Organisation | None) -> Section:
    rows: list[tuple] = []
    for kind, model, title in (
        (_("Goal"), Goal, Goal.title),
        (_("KPI"), KPI, KPI.name),
        (_("Action plan"), ActionPlan, ActionPlan.title),
    ):
        rows += [
            (kind, name)
            for (name,) in db.session.execute(
                sa.select(title)
                .where(model.owner_user_id == user.id, *_org_filter(model.organisation_id, org))
                .order_by(model.id)
            )
        ]
    return _section(
        "responsibilities", _("Responsible for"), [("kind", _("Kind")), ("title", _("Title"))], rows
    )


def _workshops(user: User, org: Organisation | None) -> Section:
    rows = db.session.execute(
        sa.select(
            Workshop.title, Workshop.held_on, WorkshopParticipant.display_name, WorkshopParticipant.created_at
        )
        .join(Workshop, Workshop.id == WorkshopParticipant.workshop_id)
        .where(WorkshopParticipant.user_id == user.id, *_org_filter(Workshop.organisation_id, org))
        .order_by(Workshop.held_on, Workshop.id)
    ).all()
    columns = [
        ("workshop", _("Workshop")),
        ("held_on", _("Held on")),
        ("display_name", _("Name on the board")),
        ("joined_at", _("Joined")),
    ]
    return _section("workshops", _("Workshop participation"), columns, rows)


def _cards(user: User, org: Organisation | None) -> Section:
    rows = db.session.execute(
        sa.select(Workshop.title, WorkshopCard.text, WorkshopCard.created_at)
        .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopCard.author_id)
        .join(Workshop, Workshop.id == WorkshopCard.workshop_id)
        .where(WorkshopParticipant.user_id == user.id, *_org_filter(Workshop.organisation_id, org))
        .order_by(WorkshopCard.created_at, WorkshopCard.id)
    ).all()
    columns = [("workshop", _("Workshop")), ("text", _("Text")), ("created_at", _("Created"))]
    return _section("workshop_cards", _("Workshop cards"), columns, rows)


def _reminder_preference(user: User) -> Section:
    rows = db.session.execute(
        sa.select(ReminderPreference.frequency, ReminderPreference.updated_at).where(
            ReminderPreference.user_id == user.id
        )
    ).all()
    columns = [("frequency", _("Frequency")), ("updated_at", _("Changed"))]
    return _section("reminder_preference", _("Reminder setting"), columns, rows)


def _notifications(user: User, org: Organisation | None) -> Section:
    rows = db.session.execute(
        sa.select(
            SentNotification.created_at,
            SentNotification.kind,
            SentNotification.email,
            SentNotification.subject,
            SentNotification.status,
            SentNotification.sent_at,
            SentNotification.body_text,
        )
        .where(SentNotification.user_id == user.id, *_org_filter(SentNotification.organisation_id, org))
        .order_by(SentNotification.created_at, SentNotification.id)
    ).all()
    columns = [
        ("created_at", _("Created")),
        ("kind", _("Kind")),
        ("email", _("E-mail")),
        ("subject", _("Subject")),
        ("status", _("Status")),
        ("sent_at", _("Sent")),
        ("body", _("Text")),
    ]
    return _section("notifications", _("E-mails sent"), columns, rows)


def personal_data(user: User, org: Organisation | None = None) -> list[Section]:
    """Everything about `user` (within `org` when given, with the profile), one section per kind."""
    sections = [_profile(user), _memberships(user, org), _invitations(user, org), _audit(user, org)]
    sections += [_updates(user, org), _measurements(user, org), _targets(user, org)]
    sections += [_responsibilities(user, org), _workshops(user, org), _cards(user, org)]
    if org is None:
        sections.append(_reminder_preference(user))
    sections.append(_notifications(user, org))
    return sections


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def to_json(sections: list[Section], generated_at: datetime) -> bytes:
    document = {"generated_at": generated_at.isoformat(timespec="seconds")}
    document |= {s.key: [{k: _json_value(v) for k, v in row.items()} for row in s.rows] for s in sections}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def to_xlsx(sections: list[Section]) -> bytes:
    """One sheet per section, every text stored as text (never a formula)."""
    return sheets_to_xlsx(
        [
            Sheet(s.title, [label for _n, label in s.columns], [list(row.values()) for row in s.rows])
            for s in sections
        ]
    )
