"""The audit trail in plain words: event names, field names, values, the objects and who acted.

Events are stored with codes (`membership.role_change`, `status: not_started`, `workshop_card #3`) so that
filters and exports stay stable; readers see the words of their language. This is the one mapping: the
organisation's log and the national log read it through `describe`, and `event_label`, `field_label` and
`value_words` serve anything else that shows an event. A code without words is shown as it is (a test lists
every event name the code records and requires words for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import (
    KPI,
    ActionPlan,
    AuditEvent,
    Department,
    Goal,
    Strategy,
    User,
    Workshop,
    WorkshopCard,
    WorkshopParticipant,
)
from ...permissions import ROLE_LABELS
from ...status import KPI_STATUS_LABELS, PLAN_STATUS_LABELS

#: Every event the application records, in words.
EVENT_LABELS: dict[str, Any] = {
    "action_plan.create": _l("Action plan created"),
    "action_plan.edit": _l("Action plan edited"),
    "action_plan.update": _l("Action plan status updated"),
    "action_plan.archive": _l("Action plan archived"),
    "action_plan.restore": _l("Action plan restored"),
    "api_token.create": _l("API key created"),
    "api_token.revoke": _l("API key withdrawn"),
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Failed log-in"),
    "auth.login_refused": _l("Log-in refused"),
    "auth.logout": _l("Logged out"),
    "contact_map.create": _l("Added to the contact map"),
    "contact_map.delete": _l("Removed from the contact map"),
    "contact_map.update": _l("Contact map changed"),
    "department.create": _l("Department created"),
    "department.update": _l("Department changed"),
    "department.archive": _l("Department archived"),
    "department.restore": _l("Department restored"),
    "goal.create": _l("Goal created"),
    "goal.update": _l("Goal changed"),
    "goal.archive": _l("Goal archived"),
    "goal.restore": _l("Goal restored"),
    "import.measurements": _l("Measurements imported"),
    "import.action_plans": _l("Action plans imported"),
    "import.rankings": _l("Rankings imported"),
    "inquiry.answer": _l("Inquiry answered"),
    "inquiry.create": _l("Inquiry registered"),
    "inquiry.update": _l("Inquiry changed"),
    "invitation.accept": _l("Invitation accepted"),
    "invitation.create": _l("Invitation sent"),
    "invitation.decline": _l("Invitation declined"),
    "invitation.withdraw": _l("Invitation withdrawn"),
    "kpi.create": _l("KPI created"),
    "kpi.update": _l("KPI changed"),
    "kpi.archive": _l("KPI archived"),
    "kpi.restore": _l("KPI restored"),
    "kpi.target_delete": _l("Target deleted"),
    "kpi.target_set": _l("Target set"),
    "measurement.correct": _l("Measurement corrected"),
    "measurement.create": _l("Measurement entered"),
    "measurement.delete": _l("Measurement deleted"),
    "membership.activate": _l("Member reactivated"),
    "membership.create": _l("Member added"),
    "membership.deactivate": _l("Member deactivated"),
    "membership.role_change": _l("Role changed"),
    "meeting.create": _l("Outreach meeting logged"),
    "meeting.delete": _l("Outreach meeting deleted"),
    "meeting.update": _l("Outreach meeting changed"),
    "national.import_rankings": _l("Survey rankings imported"),
    "national.migration": _l("KPIs' own ranks moved into the survey data"),
    "national.migration_conflict": _l("A KPI's own value differed from the survey and was dropped"),
    "national.register": _l("Register of municipalities loaded"),
    "national.seed": _l("Survey ranks loaded from the example data"),
    "national.survey_rank_correct": _l("A survey rank was replaced"),
    "organisation.create": _l("Organisation created"),
    "organisation.links": _l("Organisation's links changed"),
    "privacy.purge": _l("Personal data deleted"),
    "report.freeze": _l("Report frozen"),
    "report.publish": _l("Report published"),
    "report.unpublish": _l("Report withdrawn from the public"),
    "seed.thisted": _l("Example data loaded"),
    "sso.configure": _l("Single sign-on set up"),
    "sso.link": _l("Single sign-on linked"),
    "sso.login": _l("Logged in with single sign-on"),
    "sso.login_refused": _l("Single sign-on log-in refused"),
    "sso.role_change": _l("Role changed by single sign-on"),
    "strategy.create": _l("Strategy created"),
    "strategy.update": _l("Strategy changed"),
    "strategy.archive": _l("Strategy archived"),
    "strategy.restore": _l("Strategy restored"),
    "strategy.publish": _l("Strategy published"),
    "strategy.unpublish": _l("Strategy withdrawn from the public"),
    "update_round.close": _l("Update round closed"),
    "update_round.open": _l("Update round started"),
    "user.anonymise": _l("Person anonymised"),
    "user.create": _l("User created"),
    "user.logout_everywhere": _l("Logged out everywhere"),
    "user.password_change": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
    "workshop.archive": _l("Workshop archived"),
    "workshop.card_add": _l("Card added"),
    "workshop.card_convert": _l("Card turned into part of the plan"),
    "workshop.card_edit": _l("Card edited"),
    "workshop.card_merge": _l("Cards merged"),
    "workshop.card_move": _l("Card moved"),
    "workshop.create": _l("Workshop created"),
    "workshop.join": _l("Joined the workshop"),
    "workshop.link_new": _l("New join link"),
    "workshop.link_revoke": _l("Join link withdrawn"),
    "workshop.phase": _l("Workshop phase changed"),
    "workshop.restore": _l("Workshop restored"),
    "workshop.results_hide": _l("Results hidden"),
    "workshop.results_reveal": _l("Results shown"),
    "workshop.update": _l("Workshop changed"),
    "workshop.vote_add": _l("Dot placed"),
    "workshop.vote_remove": _l("Dot taken back"),
}

#: What the objects an event is about are called (with a number when they have no title of their own).
ENTITY_LABELS: dict[str, Any] = {
    "action_plan": _l("Action plan"),
    "api_token": _l("API key"),
    "contact_map_entry": _l("Contact map"),
    "department": _l("Department"),
    "goal": _l("Goal"),
    "identity_provider": _l("Single sign-on"),
    "import": _l("Import"),
    "inquiry": _l("Inquiry"),
    "invitation": _l("Invitation"),
    "kpi": _l("KPI"),
    "kpi_target": _l("Target"),
    "measurement": _l("Measurement"),
    "membership": _l("Membership"),
    "municipality": _l("Municipality"),
    "organisation": _l("Organisation"),
    "outreach_meeting": _l("Meeting"),
    "report_snapshot": _l("Report"),
    "site": _l("Site"),
    "strategy": _l("Strategy"),
    "survey_rank": _l("Ranking"),
    "update_round": _l("Update round"),
    "user": _l("User"),
    "workshop": _l("Workshop"),
    "workshop_card": _l("Workshop card"),
    "workshop_participant": _l("Workshop participant"),
}

#: The fields events record, in words.
FIELD_LABELS: dict[str, Any] = {
    "active": _l("Active"),
    "archived_at": _l("Archived"),
    "author": _l("Author"),
    "baseline_date": _l("Baseline date"),
    "baseline_value": _l("Baseline"),
    "column_key": _l("Column"),
    "columns": _l("Columns"),
    "comment": _l("Comment"),
    "department_id": _l("Department"),
    "description": _l("Description"),
    "direction": _l("Direction"),
    "done_on": _l("Done on"),
    "dots_moved": _l("Dots moved"),
    "dots_per_participant": _l("Dots per participant"),
    "due_date": _l("Due date"),
    "email": _l("E-mail"),
    "file": _l("File"),
    "frequency": _l("Frequency"),
    "goal_id": _l("Goal"),
    "held_on": _l("Date"),
    "kind": _l("Kind"),
    "layout": _l("Board layout"),
    "name": _l("Name"),
    "new_status": _l("New status"),
    "note": _l("Note"),
    "old_status": _l("Old status"),
    "owner": _l("Responsible (role)"),
    "owner_user_id": _l("Responsible person"),
    "period": _l("Period"),
    "period_end": _l("End"),
    "period_start": _l("Start"),
    "phase": _l("Phase"),
    "position": _l("Position"),
    "progress": _l("Progress (%)"),
    "published": _l("Published"),
    "reason": _l("Reason"),
    "results_revealed": _l("Results shown"),
    "role": _l("Role"),
    "short_name": _l("Short name"),
    "source": _l("Source"),
    "start_date": _l("Start"),
    "status": _l("Status"),
    "strategy_id": _l("Strategy"),
    "target_date": _l("Target date"),
    "target_value": _l("Target"),
    "text": _l("Text"),
    "title": _l("Title"),
    "unit": _l("Unit"),
    "user": _l("User"),
    "value": _l("Value"),
    "vision": _l("Vision"),
    "workshop_id": _l("Workshop"),
}

PHASE_WORDS: dict[str, Any] = {
    "collecting": _l("Collecting ideas"),
    "voting": _l("Voting"),
    "closed": _l("Closed"),
}

GUEST = _l("Guest")
ANONYMOUS = _l("Anonymous participant")
SYSTEM = _l("System")
#: Events that never say who acted (votes are secret).
ANONYMOUS_EVENTS = ("workshop.vote_add", "workshop.vote_remove")


def event_label(action: str) -> str:
    """An event's name in words; an unknown code as it is."""
    label = EVENT_LABELS.get(action)
    return str(label) if label is not None else action


def field_label(name: str) -> str:
    """A field's name in words; an unknown one with its underscores as spaces."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ").capitalize()


def value_words(name: str, value: Any) -> Any:
    """A recorded value in words where the code has some (statuses, roles, phases, yes/no); else as it is."""
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if not isinstance(value, str):
        return value
    words = _VALUE_WORDS.get(name, {}).get(value)
    return str(words) if words is not None else value


_ROLE_WORDS = {role.value: label for role, label in ROLE_LABELS.items()}
_VALUE_WORDS: dict[str, dict[str, Any]] = {
    "status": {**KPI_STATUS_LABELS, **PLAN_STATUS_LABELS},
    "old_status": PLAN_STATUS_LABELS,
    "new_status": PLAN_STATUS_LABELS,
    "role": _ROLE_WORDS,
    "phase": PHASE_WORDS,
}


def _iso_day(value: str) -> date | datetime | None:
    """An ISO date or time as the audit event keeps it, or None."""
    if len(value) < 10 or value[4:5] != "-" or value[7:8] != "-":
        return None
    try:
        return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    except ValueError:
        return None


def shown_value(name: str, value: Any, refs: dict[tuple[str, Any], str] | None = None) -> Any:
    """What the log shows for a value: the name of the person, department, goal or strategy an id points
    at, words for a code, a date or number in the reader's style, or the value as it is."""
    from ...web.i18n import day, number

    if name in REFERENCE_FIELDS and (name, value) in (refs or {}):
        return (refs or {})[(name, value)]
    shown = value_words(name, value)
    if isinstance(shown, float):
        return number(shown, digits=6)
    if isinstance(shown, str) and (moment := _iso_day(shown)) is not None:
        return day(moment)
    return shown


# -- the objects and the actors of a page of events --------------------------------------------------------

#: Fields that hold the id of something with a name: (model, the name's column).
REFERENCE_FIELDS: dict[str, tuple[Any, Any]] = {
    "owner_user_id": (User, User.name),
    "department_id": (Department, Department.name),
    "goal_id": (Goal, Goal.title),
    "strategy_id": (Strategy, Strategy.title),
}

_TITLED: dict[str, tuple[Any, Any]] = {
    "strategy": (Strategy, Strategy.title),
    "goal": (Goal, Goal.title),
    "kpi": (KPI, KPI.name),
    "action_plan": (ActionPlan, ActionPlan.title),
    "department": (Department, Department.name),
    "workshop": (Workshop, Workshop.title),
    "workshop_card": (WorkshopCard, WorkshopCard.text),
}
TITLE_MAX_SHOWN = 80


@dataclass(frozen=True)
class Words:
    """What the log shows for one event."""

    action: str
    entity: str
    actor: str | None  # None: the event's user is shown


def _titles(events: list[AuditEvent], org_id: int | None) -> dict[tuple[str, int], str]:
    """The titles of the objects the events are about, one query per kind, only in the organisation."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.entity_type in _TITLED and event.entity_id is not None:
            wanted.setdefault(event.entity_type, set()).add(event.entity_id)
    found: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        model, column = _TITLED[kind]
        stmt = sa.select(model.id, column).where(model.id.in_(ids))
        if org_id is not None and hasattr(model, "organisation_id"):
            stmt = stmt.where(model.organisation_id == org_id)
        elif org_id is not None:  # a card: through its workshop
            stmt = stmt.join(Workshop, WorkshopCard.workshop_id == Workshop.id).where(
                Workshop.organisation_id == org_id
            )
        for entity_id, title in db.session.execute(stmt):
            text = " ".join(str(title or "").split())
            found[(kind, entity_id)] = (
                text[: TITLE_MAX_SHOWN - 1] + "…" if len(text) > TITLE_MAX_SHOWN else text
            )
    return found


def _guest_names(events: list[AuditEvent]) -> dict[int, str]:
    ids = {
        event.after["participant_id"]
        for event in events
        if event.user_id is None and isinstance(event.after, dict) and "participant_id" in event.after
    }
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(WorkshopParticipant.id, WorkshopParticipant.display_name).where(
            WorkshopParticipant.id.in_(ids)
        )
    )
    return dict(rows.all())


def entity_words(entity_type: str, entity_id: int | None, title: str | None = None) -> str:
    """An object in words: its title, else its kind and number ("Workshop card 3")."""
    if title:
        return title
    label = ENTITY_LABELS.get(entity_type)
    kind = str(label) if label is not None else entity_type.replace("_", " ").capitalize()
    return kind if entity_id is None else f"{kind} {entity_id}"


def _actor(event: AuditEvent, guests: dict[int, str]) -> str | None:
    if event.user_id is not None:
        return None
    if event.action in ANONYMOUS_EVENTS:
        return str(ANONYMOUS)
    if event.action.startswith("workshop."):
        participant = (event.after or {}).get("participant_id") if isinstance(event.after, dict) else None
        return guests.get(participant) or str(GUEST)
    return str(SYSTEM)


def _references(events: list[AuditEvent], org_id: int | None) -> dict[tuple[str, Any], str]:
    """The names behind the ids the events' changes hold (a person, a department …), one query per field."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        for values in (event.before, event.after):
            for name, value in (values or {}).items() if isinstance(values, dict) else ():
                if name in REFERENCE_FIELDS and isinstance(value, int) and not isinstance(value, bool):
                    wanted.setdefault(name, set()).add(value)
    found: dict[tuple[str, Any], str] = {}
    for name, ids in wanted.items():
        model, column = REFERENCE_FIELDS[name]
        stmt = sa.select(model.id, column).where(model.id.in_(ids))
        if org_id is not None and hasattr(model, "organisation_id"):
            stmt = stmt.where(model.organisation_id == org_id)
        found.update({(name, ref_id): text for ref_id, text in db.session.execute(stmt)})
    return found


def describe(
    events: list[AuditEvent], org_id: int | None
) -> tuple[dict[int, Words], dict[tuple[str, Any], str]]:
    """Words for a page of events by event id, and the names behind the ids in their changes (a few
    queries for the whole page)."""
    titles = _titles(events, org_id)
    guests = _guest_names(events)
    described = {
        event.id: Words(
            action=event_label(event.action),
            entity=entity_words(
                event.entity_type, event.entity_id, titles.get((event.entity_type, event.entity_id or 0))
            ),
            actor=_actor(event, guests),
        )
        for event in events
    }
    return described, _references(events, org_id)
