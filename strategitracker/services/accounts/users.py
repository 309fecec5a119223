"""Organisations, users and memberships."""

import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import Membership, Organisation, Role, User
from ...models.user import new_session_token
from .. import ServiceError, audit

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def get_organisation(slug: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug.strip().lower()))


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_organisation(
    slug: str, name: str, municipality_code: int | None = None, *, actor_id: int | None = None
) -> Organisation:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise ServiceError(
            _("Invalid short name %(slug)s: use lower-case letters, digits and hyphens.", slug=slug)
        )
    if not name.strip():
        raise ServiceError(_("The organisation needs a name."))
    if get_organisation(slug) is not None:
        raise ServiceError(_("The short name %(slug)s is already in use.", slug=slug))
    if municipality_code is not None:
        if not 100 <= municipality_code <= 999:
            raise ServiceError(_("The municipality code must be a number from 100 to 999."))
        taken = db.session.scalar(
            sa.select(Organisation).where(Organisation.municipality_code == municipality_code)
        )
        if taken is not None:
            raise ServiceError(
                _(
                    "The municipality code %(code)s is already used by %(name)s.",
                    code=municipality_code,
                    name=taken.name,
                )
            )
    org = Organisation(slug=slug, name=name.strip(), municipality_code=municipality_code)
    db.session.add(org)
    db.session.flush()
    audit.record(
        "organisation.create",
        "organisation",
        org.id,
        organisation_id=org.id,
        user_id=actor_id,
        after={"slug": slug, "name": org.name, "municipality_code": municipality_code},
    )
    return org


def email_problem(email: str) -> str | None:
    """Why `email` is not an e-mail address a user can have (email-validator's rules), in the user's
    language, or None. The one check of e-mail addresses: the member form and `create_user` both ask it."""
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        return _email_message(str(error))
    return None


def _email_message(reason: str) -> str:
    """email-validator's English reason as a translated message: its main cases each have their own."""
    if "@-sign" not in reason and "at-sign" not in reason:
        if "too long" in reason:
            return _("The e-mail address is too long.")
        return _("The e-mail address contains characters that are not allowed.")
    if "must have an @-sign" in reason or "at-sign" in reason:
        return _("An e-mail address must have an @-sign, e.g. name@kommune.dk.")
    if "before the @-sign" in reason:
        return _("The part before the @-sign is missing or contains characters that are not allowed.")
    return _("The part after the @-sign must be a domain name such as kommune.dk.")


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(_("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def create_user(
    email: str,
    name: str,
    password: str,
    *,
    is_superuser: bool = False,
    must_change_password: bool = False,
    locale: str = "da",
    actor_id: int | None = None,
) -> User:
    email = email.strip().lower()
    if problem := email_problem(email):
        raise ServiceError(problem)
    if not name.strip():
        raise ServiceError(_("The user needs a name."))
    validate_password(password)
    if get_user_by_email(email) is not None:
        raise ServiceError(_("A user with the e-mail address %(email)s already exists.", email=email))
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        is_superuser=is_superuser,
        must_change_password=must_change_password,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        "user",
        user.id,
        user_id=actor_id,
        after={"email": email, "name": user.name, "is_superuser": is_superuser},
    )
    return user


def parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ServiceError(
            _("Unknown role %(role)s; use one of: %(allowed)s.", role=role, allowed=allowed)
        ) from None


def add_membership(
    user: User, org: Organisation, role: str | Role, *, actor_id: int | None = None
) -> Membership:
    role = parse_role(str(role))
    existing = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org.id)
    )
    if existing is not None:
        raise ServiceError(_("%(email)s is already a member of %(org)s.", email=user.email, org=org.name))
    membership = Membership(user=user, organisation=org, role=role.value)
    db.session.add(membership)
    db.session.flush()
    audit.record(
        "membership.create",
        "membership",
        membership.id,
        organisation_id=org.id,
        user_id=actor_id,
        after={"user": user.email, "role": role.value},
    )
    return membership


def end_sessions(user: User) -> None:
    """A new session token: every session and remember-me cookie issued before stops working."""
    user.session_token = new_session_token()
    db.session.flush()


def log_out_everywhere(user: User, *, actor_id: int, organisation_id: int | None = None) -> None:
    end_sessions(user)
    audit.record(
        "user.logout_everywhere",
        "user",
        user.id,
        organisation_id=organisation_id,
        user_id=actor_id,
        after={"user": user.email},
    )


def change_password(user: User, new_password: str) -> None:
    """The user's own change; it also clears a temporary password and ends the user's other sessions."""
    validate_password(new_password)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    end_sessions(user)
    audit.record("user.password_change", "user", user.id, user_id=user.id)
