"""Organisations, users and memberships: creating them, passwords, and member administration within one
organisation (users.py; members.py)."""

from .members import change_role, invite_member, list_members, reset_password, set_active
from .users import (
    MIN_PASSWORD_LENGTH,
    add_membership,
    change_password,
    check_password,
    create_organisation,
    create_user,
    email_problem,
    get_organisation,
    get_user_by_email,
    hash_password,
    parse_role,
    validate_password,
)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "add_membership",
    "change_password",
    "change_role",
    "check_password",
    "create_organisation",
    "create_user",
    "email_problem",
    "get_organisation",
    "get_user_by_email",
    "hash_password",
    "invite_member",
    "list_members",
    "parse_role",
    "reset_password",
    "set_active",
    "validate_password",
]
