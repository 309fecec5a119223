"""Organisations, users and memberships."""

import re

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Membership, Organisation, Role, User
from . import ServiceError, audit

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def get_organisation(slug: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_organisation(
    slug: str, name: str, municipality_code: int | None = None, *, actor_id: int | None = None
) -> Organisation:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise ServiceError(f"Ugyldig kortnavn {slug!r}: brug små bogstaver, tal og bindestreg.")
    if not name.strip():
        raise ServiceError("Organisationen skal have et navn.")
    if get_organisation(slug) is not None:
        raise ServiceError(f"Kortnavnet {slug!r} er allerede i brug.")
    if municipality_code is not None:
        if not 100 <= municipality_code <= 999:
            raise ServiceError("Kommunekoden skal være et tal fra 100 til 999.")
        taken = db.session.scalar(
            sa.select(Organisation).where(Organisation.municipality_code == municipality_code)
        )
        if taken is not None:
            raise ServiceError(f"Kommunekoden {municipality_code} bruges allerede af {taken.name}.")
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


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Adgangskoden skal være mindst {MIN_PASSWORD_LENGTH} tegn.")


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
    if not EMAIL_RE.match(email):
        raise ServiceError(f"Ugyldig e-mailadresse: {email!r}.")
    if not name.strip():
        raise ServiceError("Brugeren skal have et navn.")
    validate_password(password)
    if get_user_by_email(email) is not None:
        raise ServiceError(f"Der findes allerede en bruger med e-mailadressen {email}.")
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
        raise ServiceError(f"Ukendt rolle {role!r}; brug en af: {allowed}.") from None


def add_membership(
    user: User, org: Organisation, role: str | Role, *, actor_id: int | None = None
) -> Membership:
    role = parse_role(str(role))
    existing = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org.id)
    )
    if existing is not None:
        raise ServiceError(f"{user.email} er allerede medlem af {org.name}.")
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
