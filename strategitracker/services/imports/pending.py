"""Uploads waiting for confirmation, kept server-side under `instance/imports/`.

Each upload gets a random token and three files: `<token>.upload` (the file as sent, read and checked again
when the user confirms), `<token>.pkl` (the `Preview` of the checked file, which the preview pages through)
and `<token>.json` (who uploaded it, for which organisation and kind). The web layer keeps the token in the
user's session and checks the owner on every use; these functions only store and find.
Pending uploads older than `MAX_AGE` are removed when a new one is stored.
"""

from __future__ import annotations

import json
import pickle
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

from .prepared import Prepared, Preview

MAX_AGE = 24 * 3600
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")
SUFFIXES = (".upload", ".pkl", ".json")


def directory() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def valid_token(token: object) -> bool:
    return isinstance(token, str) and TOKEN_RE.fullmatch(token) is not None


def _path(token: str, suffix: str) -> Path:
    if not valid_token(token):
        raise ValueError("invalid token")
    return directory() / f"{token}{suffix}"


def store(data: bytes, prepared: Prepared, meta: dict[str, Any]) -> str:
    """Keep an upload and the preview of its checked contents; returns the new token."""
    cleanup()
    token = secrets.token_urlsafe(24)
    _path(token, ".upload").write_bytes(data)
    save_preview(token, prepared)
    _path(token, ".json").write_text(json.dumps({**meta, "created": time.time()}), encoding="utf-8")
    return token


def save_preview(token: str, prepared: Prepared) -> None:
    path = _path(token, ".pkl")
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(prepared.preview(), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def meta(token: str) -> dict[str, Any] | None:
    if not valid_token(token):
        return None
    try:
        return json.loads(_path(token, ".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def upload(token: str) -> bytes | None:
    try:
        return _path(token, ".upload").read_bytes()
    except (OSError, ValueError):
        return None


def preview(token: str) -> Preview | None:
    try:
        with _path(token, ".pkl").open("rb") as fh:
            return pickle.load(fh)  # noqa: S301  (written by this module, under a random name)
    except (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def delete(token: str) -> None:
    if not valid_token(token):
        return
    for suffix in SUFFIXES:
        _path(token, suffix).unlink(missing_ok=True)


def cleanup(max_age: int = MAX_AGE) -> None:
    cutoff = time.time() - max_age
    for path in directory().iterdir():
        try:
            if path.suffix in (*SUFFIXES, ".tmp") and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
