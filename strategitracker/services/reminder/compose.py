"""Writing the e-mails: HTML and plain text from templates/email/, in the recipient's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ...models import NotificationKind, Organisation, UpdateRound, User
from .links import absolute_url, settings_url
from .owed import DueItem, ItemKind, kind_label

KIND_ORDER = (ItemKind.ROUND, ItemKind.PLAN_OVERDUE, ItemKind.KPI_STALE, ItemKind.PLAN_UPDATE)


@dataclass
class Outgoing:
    """An e-mail ready to send; `key` is what makes sure it goes out once."""

    key: str
    organisation_id: int
    user: User
    kind: str
    subject: str
    text: str
    html: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (item key, label)


@dataclass(frozen=True)
class Line:
    item: DueItem
    url: str
    owner_name: str = ""


def _sections(
    items: list[DueItem], org: Organisation, owners: dict[int, str]
) -> list[tuple[str, list[Line]]]:
    sections = []
    for kind in KIND_ORDER:
        lines = [
            Line(
                i,
                absolute_url(i.endpoint, slug=org.slug, **dict(i.endpoint_args)),
                owners.get(i.owner_user_id, ""),
            )
            for i in items
            if i.kind == kind
        ]
        if lines:
            sections.append((kind_label(kind), lines))
    return sections


def _render(name: str, **context) -> tuple[str, str]:
    """Text and HTML of templates/email/<name>, without the pages' context processors (request only)."""
    text = current_app.jinja_env.get_template(f"email/{name}.txt")
    html = current_app.jinja_env.get_template(f"email/{name}.html")
    return text.render(context), html.render(context)


def _locale(user: User) -> str:
    return user.locale or "da"


def _build(
    key: str, kind: str, org: Organisation, user: User, template: str, items: list[DueItem], **context
):
    with force_locale(_locale(user)):
        subjects = {
            NotificationKind.DIGEST: _("Your updates in %(org)s", org=org.name),
            NotificationKind.ESCALATION: _("Late updates in %(org)s", org=org.name),
            NotificationKind.ROUND_REQUEST: _("Update requested in %(org)s", org=org.name),
            NotificationKind.ROUND_REMINDER: _("Reminder: update requested in %(org)s", org=org.name),
        }
        text, html = _render(
            template,
            user=user,
            org=org,
            sections=_sections(items, org, context.pop("owners", {})),
            mine_url=absolute_url("mine.mine", slug=org.slug),
            settings_url=settings_url(user.id),
            **context,
        )
        return Outgoing(
            key=key,
            organisation_id=org.id,
            user=user,
            kind=kind,
            subject=subjects[kind],
            text=text,
            html=html,
            items=[(i.key, i.title[:400]) for i in items],
        )


def digest(org: Organisation, user: User, items: list[DueItem], period: str, today: date) -> Outgoing:
    key = f"digest:{org.id}:{user.id}:{period}"
    return _build(key, NotificationKind.DIGEST, org, user, "digest", items, today=today)


def escalation(
    org: Organisation, recipient: User, items: list[DueItem], owners: dict[int, str], today: date
) -> Outgoing:
    key = f"escalation:{org.id}:{recipient.id}:{today.isoformat()}"
    return _build(
        key, NotificationKind.ESCALATION, org, recipient, "escalation", items, today=today, owners=owners
    )


def round_request(org: Organisation, update_round: UpdateRound, user: User, items: list[DueItem]) -> Outgoing:
    key = f"round:{update_round.id}:request:{user.id}"
    return _build(
        key, NotificationKind.ROUND_REQUEST, org, user, "round", items, round=update_round, reminder=False
    )


def round_reminder(
    org: Organisation, update_round: UpdateRound, user: User, items: list[DueItem], today: date
) -> Outgoing:
    key = f"round:{update_round.id}:reminder:{user.id}:{today.isoformat()}"
    return _build(
        key, NotificationKind.ROUND_REMINDER, org, user, "round", items, round=update_round, reminder=True
    )
