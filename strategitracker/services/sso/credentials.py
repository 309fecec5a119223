"""The provider's client secret at rest: a Fernet token under a key derived from SECRET_KEY, or read from an
environment variable the configuration names (so the secret need not be in the database at all)."""

import base64
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from ...models import IdentityProvider


def _fernet() -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"strategitracker identity provider secret"
    ).derive(current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def client_secret(provider: IdentityProvider) -> str | None:
    """The secret in clear text, or None when it cannot be read (no secret, unset variable, a changed
    SECRET_KEY)."""
    if provider.client_secret_env:
        return os.environ.get(provider.client_secret_env) or None
    if not provider.client_secret_encrypted:
        return None
    try:
        return _fernet().decrypt(provider.client_secret_encrypted.encode()).decode()
    except InvalidToken:
        return None
