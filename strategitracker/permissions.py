"""Who may do what: the one place that decides, per organisation and role.

Each permission is a named `Action`; MIN_ROLE says which role it needs, ANY_ITEM_ROLE from which role it
reaches beyond the items a user is responsible for. Views and services ask `can`, `may` or `may_on` and
never name a role.

Organisation-scoped views use `org_view(action)`. It answers 302 to the log-in page for anonymous HTML
requests (401 for JSON), 404 when the user is not a member of the organisation (its existence is not
revealed), and 403 when the member's role is too low. Objects are loaded with `get_in_org_or_404`, which
never returns another organisation's row.

Within a request the logged-in user's active memberships (with their organisations) are read once: the
role check of `org_view` and the navigation's organisation switcher share them (`user_memberships`).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g, has_request_context, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import contains_eager

from .extensions import db, login_manager
from .models import Membership, Organisation, Role, User

T = TypeVar("T")


class Action(StrEnum):
    """Things a user can do within an organisation; each needs a minimum role."""

    VIEW = "view"
    UPDATE_ACTION_PLAN = "update_action_plan"
    ENTER_MEASUREMENT = "enter_measurement"
    EDIT_STRATEGY = "edit_strategy"
    RUN_WORKSHOP = "run_workshop"
    IMPORT_DATA = "import_data"
    MANAGE_MEMBERS = "manage_members"
    PUBLISH = "publish"
    VIEW_AUDIT = "view_audit"
    RUN_UPDATE_ROUND = "run_update_round"
    VIEW_SENDING_LOG = "view_sending_log"
    EXPORT_PERSONAL_DATA = "export_personal_data"
    EDIT_ORGANISATION_SETTINGS = "edit_organisation_settings"
    FREEZE_REPORT = "freeze_report"
    VIEW_INQUIRIES = "view_inquiries"
    LOG_INQUIRY = "log_inquiry"
    LOG_MEETING = "log_meeting"
    MANAGE_CONTACT_MAP = "manage_contact_map"


MIN_ROLE: dict[Action, Role] = {
    Action.VIEW: Role.VIEWER,
    Action.UPDATE_ACTION_PLAN: Role.EDITOR,
    Action.ENTER_MEASUREMENT: Role.EDITOR,
    Action.EDIT_STRATEGY: Role.FACILITATOR,
    Action.RUN_WORKSHOP: Role.FACILITATOR,
    Action.IMPORT_DATA: Role.FACILITATOR,
    Action.MANAGE_MEMBERS: Role.ADMIN,
    Action.PUBLISH: Role.ADMIN,
    Action.VIEW_AUDIT: Role.ADMIN,
    Action.RUN_UPDATE_ROUND: Role.FACILITATOR,
    Action.VIEW_SENDING_LOG: Role.ADMIN,
    Action.EXPORT_PERSONAL_DATA: Role.ADMIN,
    Action.EDIT_ORGANISATION_SETTINGS: Role.ADMIN,
    Action.FREEZE_REPORT: Role.FACILITATOR,
    # the inquiry log holds contact persons (personal data): not for the council's viewers
    Action.VIEW_INQUIRIES: Role.EDITOR,
    Action.LOG_INQUIRY: Role.EDITOR,
    # outreach meetings hold contact persons too; the contact map is kept by those who run the desk
    Action.LOG_MEETING: Role.EDITOR,
    Action.MANAGE_CONTACT_MAP: Role.EDITOR,
}

#: Actions that a role below the one given here may do only on the items it is responsible for.
ANY_ITEM_ROLE: dict[Action, Role] = {
    Action.ENTER_MEASUREMENT: Role.FACILITATOR,
}

#: The roles as members see them, lowest first (the members page offers them in this order).
ROLE_LABELS: dict[Role, str] = {
    Role.VIEWER: _l("Viewer (council)"),
    Role.EDITOR: _l("Editor (management)"),
    Role.FACILITATOR: _l("Facilitator (consultant)"),
    Role.ADMIN: _l("Administrator"),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.is_json or best == "application/json" or request.path.startswith("/api/")


def user_memberships(user: User) -> list[Membership]:
    """The user's active memberships with their organisations, by organisation name, in one statement.

    Kept on `g` for the rest of the request (the permission check and the navigation both need them);
    read again once a commit has expired them, so a page never refreshes them row by row.
    """
    if not user.is_authenticated:
        return []
    cached = g.get("_memberships") if has_request_context() else None
    if cached is not None and cached[0] == user.id and not any(sa.inspect(m).expired for m in cached[1]):
        return cached[1]
    memberships = list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.organisation)
            .options(contains_eager(Membership.organisation))
            .where(Membership.user_id == user.id, Membership.active.is_(True))
            .order_by(Organisation.name)
        )
    )
    if has_request_context():
        g._memberships = (user.id, memberships)
    return memberships


def membership_of(user: User, org: Organisation) -> Membership | None:
    """The user's active membership of `org`, if any."""
    return next((m for m in user_memberships(user) if m.organisation_id == org.id), None)


def role_in(user: User, org: Organisation) -> Role | None:
    """The user's role in `org`; a superuser counts as admin everywhere."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    membership = membership_of(user, org)
    return Role(membership.role) if membership else None


def has_role(role: Role | None, minimum: Role) -> bool:
    return role is not None and role.rank >= minimum.rank


def can(action: Action, role: Role | None = None) -> bool:
    """Whether the current user (or `role`) may do `action` in the current organisation."""
    if role is None:
        role = g.get("role")
    return has_role(role, MIN_ROLE[action])


def may_on(action: Action, owner_user_id: int | None, role: Role | None, user_id: int | None) -> bool:
    """Whether `role`, held by `user_id`, may do `action` on an item that `owner_user_id` is responsible for.

    Below ANY_ITEM_ROLE[action] an action is allowed only on the items the user is responsible for: an
    editor enters measurements for their own KPIs, by form and by import alike.
    """
    if not can(action, role):
        return False
    anyone_from = ANY_ITEM_ROLE.get(action)
    if anyone_from is None or has_role(role, anyone_from):
        return True
    return owner_user_id is not None and owner_user_id == user_id


def may(action: Action, owner_user_id: int | None) -> bool:
    """`may_on` for the current user in the current organisation (views and templates)."""
    user_id = current_user.id if current_user.is_authenticated else None
    return may_on(action, owner_user_id, g.get("role"), user_id)


def user_organisations(user: User) -> list[Organisation]:
    """The organisations the user can open: all for a superuser, else those with an active membership."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))
    return [membership.organisation for membership in user_memberships(user)]


def deny(status: int) -> None:
    """Stop the request with `status`, as JSON for API clients."""
    if wants_json():
        response = jsonify(error={401: "unauthorized", 403: "forbidden", 404: "not found"}[status])
        response.status_code = status
        abort(response)
    abort(status)


def org_view(action: Action = Action.VIEW) -> Callable:
    """Decorate a view under /o/<slug>/: load the organisation into `g.org` and check `action`."""
    minimum = MIN_ROLE[action]

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, slug: str, **kwargs: Any):
            if not current_user.is_authenticated:
                if wants_json():
                    deny(401)
                return login_manager.unauthorized()
            org, role = _org_and_role(current_user, slug)
            if role is None:
                deny(404)
            if not has_role(role, minimum):
                deny(403)
            g.org, g.role = org, role
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _org_and_role(user: User, slug: str) -> tuple[Organisation | None, Role | None]:
    """The organisation `slug` and the user's role in it; (None, None) when the user may not open it."""
    if user.is_superuser:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
        return org, Role.ADMIN if org is not None else None
    membership = next((m for m in user_memberships(user) if m.organisation.slug == slug), None)
    if membership is None:
        return None, None
    return membership.organisation, Role(membership.role)


def superuser_required(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_superuser:
            deny(403)
        return view(*args, **kwargs)

    return wrapper


def get_in_org_or_404(model: type[T], object_id: int, *, options: tuple = ()) -> T:
    """Load `model` by id within the current organisation (`g.org`); anything else is a 404."""
    stmt = sa.select(model).where(model.id == object_id, model.organisation_id == g.org.id).options(*options)
    obj = db.session.scalar(stmt)
    if obj is None:
        deny(404)
    return obj


def may_change_national_data(user: User | None) -> bool:
    """National reference data (the municipality register, survey ranks) is shared by every organisation:
    only superusers change it (and the command line, which acts as the site operator)."""
    return user is not None and user.is_authenticated and user.is_superuser
