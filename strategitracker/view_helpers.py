"""What every organisation page does the same way: submit to a service, archive, list archived items.

A view parses its form, asks permissions.py, then hands the write to `submit`: the service changes the
model and flushes; `submit` commits once, or rolls the whole attempt back and shows the service's
refusal. No view writes its own `except ServiceError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, jsonify, redirect, request
from flask_login import current_user
from flask_wtf import FlaskForm

from .extensions import db
from .models import Archivable
from .permissions import Action, can
from .services import ServiceError, archiving
from .web.request_guards import as_id

T = TypeVar("T")


def optional_int(value: object) -> int | None:
    """Coerce a select's value: the empty choice ("", or "None" as WTForms writes a missing value) is None;
    anything else must be a whole number that can be an id (a ValueError becomes the field's "could not
    coerce" error)."""
    if value in (None, "", "None"):
        return None
    return as_id(value)


def show_archived() -> bool:
    """Whether to list archived items instead: asked for with ?archived=1, by those who may restore them."""
    return request.args.get("archived") == "1" and can(Action.EDIT_STRATEGY)


def show_refusal(exc: ServiceError, form: FlaskForm | None = None) -> None:
    """Undo the attempted write; put the message on its form field when there is one, else flash it."""
    db.session.rollback()
    field = getattr(form, getattr(exc, "field", "") or "", None) if form is not None else None
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


def submit(
    write: Callable[[], T],
    *,
    done: Callable[[T], Any],
    refused: Callable[[], Any],
    success: str | Callable[[T], str | None] | None = None,
    form: FlaskForm | None = None,
    conflict: tuple[type[Exception], ...] = (),
    on_conflict: Callable[[], Any] | None = None,
    as_json: bool = False,
    read_only: bool = False,
) -> Any:
    """Run the service call `write`, commit and answer `done(result)`; on a refusal answer `refused()`.

    `success` is flashed after the commit (a callable may return None to flash nothing). With `form`,
    a refusal naming a field is shown on that field. Exceptions in `conflict` (an outdated version,
    raised by the service or at commit) roll back and answer `on_conflict()` instead. `as_json` answers a
    refusal as {"error": message} with status 400 (nothing flashed) and flashes no success either.
    `read_only` (a preview, a download) commits nothing.
    """
    try:
        result = write()
        if not read_only:
            db.session.commit()
    except conflict:  # an empty tuple catches nothing
        db.session.rollback()
        return (on_conflict or refused)()
    except ServiceError as exc:
        if as_json:
            db.session.rollback()
            return jsonify(error=str(exc)), 400
        show_refusal(exc, form)
        return refused()
    message = None if as_json else success(result) if callable(success) else success
    if message:
        flash(message, "success")
    return done(result)


def archive_view(
    item: Archivable, archived: bool, done_message: str, target: str, unchanged_message: str | None = None
) -> Any:
    """Archive (or restore) `item`, commit, say what happened, and go back to `target`."""

    def said(changed: bool) -> str | None:
        if not changed and unchanged_message:
            flash(unchanged_message, "info")
        return done_message if changed else None

    return submit(
        lambda: archiving.set_archived(item, archived, actor=current_user),
        success=said,
        done=lambda _changed: redirect(target),
        refused=lambda: redirect(target),
    )
