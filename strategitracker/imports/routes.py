"""Import pages: upload a file → preview what it holds and what is wrong → confirm (or cancel).

The uploaded file is kept server-side under a random token (services/imports/pending.py) that is also
remembered in the user's session; a token that is not in the session, or belongs to another user or
organisation, answers 404. On confirmation the stored file is checked again against the database as it
is now, and written in one transaction only if nothing changed since the preview.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import PurePath
from types import SimpleNamespace

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Organisation, Role
from ..permissions import deny, org_view
from ..services import imports as service
from ..services.imports import columns, pending
from ..services.imports.prepared import EXISTS, INVALID, NEW, REPEAT, SAME, Preview
from ..view_helpers import submit
from . import bp
from .forms import CancelForm, ConfirmForm, RankingUploadForm, UploadForm

SESSION_KEY = "pending_imports"
KEEP_PENDING = 5
PAGE_SIZE = 100
FILTERS = ("all", INVALID, "duplicates", NEW)


#: The import pages (list, preview, confirm) are open to whoever may import anything: measurements are
#: the least of the imports. Each kind then asks its own action (services.imports.may_import).
ANY_IMPORT = service.IMPORT_ACTION[service.MEASUREMENTS]


@dataclass(frozen=True)
class Scope:
    """Where an import runs: an organisation's import pages, or the site administration's page for national
    data (`org` None). The upload, preview, confirm and cancel steps are the same in both."""

    org: Organisation | None
    role: Role | None

    def url(self, step: str, **values) -> str:
        if self.org is None:
            return url_for(NATIONAL_ENDPOINTS[step], **values)
        return url_for(f"imports.{step}", slug=self.org.slug, **values)

    @property
    def name(self) -> str:
        return self.org.name if self.org is not None else _("Site administration")

    @property
    def urls(self) -> SimpleNamespace:
        return SimpleNamespace(
            index=self.url("index"),
            confirm=self.url("confirm"),
            cancel=self.url("cancel"),
            preview=lambda **values: self.url("preview", **values),
        )

    def may(self, kind: str | None) -> bool:
        if self.org is None:
            return kind in service.NATIONAL and service.may_import(kind, None, current_user)
        return kind not in service.NATIONAL and service.may_import(kind, self.role, current_user)


#: The site administration's endpoints of each step (admin/routes.py).
NATIONAL_ENDPOINTS = {
    "index": "admin.national_log",
    "upload": "admin.rankings",
    "preview": "admin.rankings_preview",
    "confirm": "admin.rankings_confirm",
    "cancel": "admin.rankings_cancel",
}


def org_scope() -> Scope:
    return Scope(g.org, g.role)


def national_scope() -> Scope:
    return Scope(None, None)


def _max_upload() -> int:
    return current_app.config["IMPORT_MAX_UPLOAD_BYTES"]


@bp.before_request
def _refuse_large_uploads():
    if request.method == "POST" and (request.content_length or 0) > _max_upload() + 256 * 1024:
        return _too_large()
    return None


@bp.errorhandler(413)
def _too_large(exc=None):
    megabytes = _max_upload() // (1024 * 1024)
    message = _(
        "The file is larger than %(size)s MB. Split it into smaller files and import them one at a time.",
        size=megabytes,
    )
    return render_template("error.html", status=413, message=message), 413


# --- pages ----------------------------------------------------------------------------------------------


def _kinds() -> list[dict]:
    """The kinds this user may import here; rankings (national data) only for superusers, on the site
    administration's page."""
    labels = {
        service.MEASUREMENTS: (
            _("Measurements"),
            _("Values of the organisation's KPIs: KPI, period, value."),
        ),
        service.RANKINGS: (
            _("Benchmark rankings"),
            _("DI's survey (or another) for all municipalities, one row per year or one column per year."),
        ),
        service.ACTION_PLANS: (
            _("Action plans"),
            _("Action plans with goal, owner, department, status, dates and progress."),
        ),
        service.INQUIRIES: (
            _("Business inquiries"),
            _("Inquiries from a phone system or CRM: received, channel, business, CVR, answer and outcome."),
        ),
    }
    pages = {
        service.MEASUREMENTS: (org_scope(), lambda: url_for("imports.measurements", slug=g.org.slug)),
        service.RANKINGS: (national_scope(), lambda: national_scope().url("upload")),
        service.ACTION_PLANS: (org_scope(), lambda: url_for("imports.action_plans", slug=g.org.slug)),
        service.INQUIRIES: (org_scope(), lambda: url_for("imports.inquiries", slug=g.org.slug)),
    }
    return [
        {"kind": kind, "label": label, "help": help_text, "url": pages[kind][1]()}
        for kind, (label, help_text) in labels.items()
        if pages[kind][0].may(kind)
    ]


@bp.get("/")
@org_view(ANY_IMPORT)
def index():
    return render_template("imports/index.html", kinds=_kinds())


def _column_help(kind: str) -> list[tuple[str, str, bool]]:
    wanted = columns.KINDS[kind][0]
    return [(c.da, c.en, c.required) for c in wanted]


def upload(scope: Scope, kind: str, form: UploadForm, options_of=lambda form: {}):
    """The upload page of `kind`; a valid file is checked, kept under a token and previewed."""
    titles = {
        service.MEASUREMENTS: _("Import measurements"),
        service.RANKINGS: _("Import benchmark rankings"),
        service.ACTION_PLANS: _("Import action plans"),
        service.INQUIRIES: _("Import business inquiries"),
    }

    def page(status: int = 200, problems=()):
        return render_template(
            "imports/upload.html",
            form=form,
            kind=kind,
            title=titles[kind],
            column_help=_column_help(kind),
            problems=problems,
            max_mb=_max_upload() // (1024 * 1024),
            urls=scope.urls,
            scope_name=scope.name,
        ), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(400)
    data = form.file.data.read(_max_upload() + 1)
    if len(data) > _max_upload():
        return _too_large()
    filename = PurePath(form.file.data.filename or "upload").name[-200:] or "upload"
    options = options_of(form)
    return submit(
        lambda: service.prepare(
            kind, data, filename, org=scope.org, actor=current_user, role=scope.role, options=options
        ),
        done=lambda prepared: _prepared(scope, prepared, page, data, kind, filename, options),
        refused=lambda: page(400),
        read_only=True,
    )


def _prepared(scope: Scope, prepared, page, data: bytes, kind: str, filename: str, options: dict):
    """Keep a readable upload for its preview; a file that cannot be imported is shown with its problems."""
    db.session.rollback()  # reading only; leave nothing behind
    if prepared.fatal:
        flash(_("The file could not be imported. Nothing was saved."), "error")
        return page(400, problems=prepared.fatal)
    meta = {
        "user_id": current_user.id,
        "org_id": scope.org.id if scope.org is not None else None,
        "kind": kind,
        "filename": filename,
        "options": options,
    }
    token = pending.store(data, prepared, meta)
    _remember(token)
    return redirect(scope.url("preview", token=token), 303)


@bp.route("/measurements", methods=["GET", "POST"])
@org_view(service.IMPORT_ACTION[service.MEASUREMENTS])
def measurements():
    return upload(org_scope(), service.MEASUREMENTS, UploadForm())


def ranking_options(form: RankingUploadForm) -> dict:
    return {
        "survey": (form.survey.data or "di").strip(),
        "category": (form.category.data or "").strip(),
        "out_of": form.out_of.data,
        "source": (form.source.data or "").strip(),
    }


@bp.route("/action-plans", methods=["GET", "POST"])
@org_view(service.IMPORT_ACTION[service.ACTION_PLANS])
def action_plans():
    return upload(org_scope(), service.ACTION_PLANS, UploadForm())


@bp.route("/inquiries", methods=["GET", "POST"])
@org_view(service.IMPORT_ACTION[service.INQUIRIES])
def inquiries():
    return upload(org_scope(), service.INQUIRIES, UploadForm())


# --- pending uploads ------------------------------------------------------------------------------------


def _remember(token: str) -> None:
    tokens = [t for t in session.get(SESSION_KEY, []) if pending.valid_token(t)]
    tokens.append(token)
    for old in tokens[:-KEEP_PENDING]:
        pending.delete(old)
    session[SESSION_KEY] = tokens[-KEEP_PENDING:]


def _forget(token: str) -> None:
    pending.delete(token)
    session[SESSION_KEY] = [t for t in session.get(SESSION_KEY, []) if t != token]


def _pending_meta(scope: Scope, token: str | None):
    """The upload's metadata; None when it is gone. 404 for a token that is not this user's here."""
    if not pending.valid_token(token) or token not in session.get(SESSION_KEY, []):
        deny(404)
    meta = pending.meta(token)
    if meta is None:
        return None
    org_id = scope.org.id if scope.org is not None else None
    if meta.get("user_id") != current_user.id or meta.get("org_id") != org_id:
        deny(404)
    if not scope.may(meta.get("kind")):
        deny(403)
    return meta


def _gone(scope: Scope, message: str | None = None):
    flash(message or _("This import is no longer available. Upload the file again."), "warning")
    return redirect(scope.url("index"))


def _preview_page(
    scope: Scope, token: str, preview: Preview, form: ConfirmForm | None = None, status: int = 200
):
    show = request.args.get("show", "all")
    show = show if show in FILTERS else "all"
    rows = preview.rows(None if show == "all" else show)
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    try:
        page = min(max(1, int(request.args.get("page", 1))), pages)
    except ValueError:
        page = 1
    if form is None:
        form = ConfirmForm(token=token)
    return render_template(
        "imports/preview.html",
        prepared=preview,
        counts=preview.counts,
        token=token,
        form=form,
        rows=preview.page(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]),
        page=page,
        pages=pages,
        total=len(rows),
        show=show,
        statuses={
            NEW: _("New"),
            EXISTS: _("Already in the database, other values"),
            SAME: _("Already in the database, same values"),
            REPEAT: _("Repeats an earlier row"),
            INVALID: _("Problem"),
        },
        max_problems=PAGE_SIZE,
        urls=scope.urls,
        scope_name=scope.name,
    ), status


@bp.get("/preview")
@org_view(ANY_IMPORT)
def preview():
    return preview_page(org_scope())


def preview_page(scope: Scope):
    token = request.args.get("token")
    if not token:
        return _gone(scope, _("There is no import in progress."))
    if _pending_meta(scope, token) is None:
        return _gone(scope)
    preview_data = pending.preview(token)
    if preview_data is None:
        return _gone(scope)
    return _preview_page(scope, token, preview_data)


@bp.post("/confirm")
@org_view(ANY_IMPORT)
def confirm():
    return confirm_import(org_scope())


def confirm_import(scope: Scope):
    """Check the kept file again against the database as it is now; write it if nothing changed."""
    form = ConfirmForm()
    token = form.token.data
    if not token:
        return _gone(scope, _("There is no import in progress."))
    meta = _pending_meta(scope, token)
    data = pending.upload(token) if meta is not None else None
    stored = pending.preview(token) if meta is not None else None
    if meta is None or data is None or stored is None:
        return _gone(scope)
    if not form.validate():
        return _preview_page(scope, token, stored, form, 400)
    fresh = service.prepare(
        meta["kind"],
        data,
        meta["filename"],
        org=scope.org,
        actor=current_user,
        role=scope.role,
        options=meta.get("options") or {},
    )
    if fresh.signature() != stored.signature:
        db.session.rollback()
        pending.save_preview(token, fresh)
        flash(
            _("The data changed after the preview was made. Check the preview again before importing."),
            "warning",
        )
        return redirect(scope.url("preview", token=token), 303)
    if fresh.problems and not form.accept_valid.data:
        db.session.rollback()
        form.accept_valid.errors = [
            _("Tick this box to import only the valid rows, or cancel and correct the file.")
        ]
        return _preview_page(scope, token, stored, form, 400)
    return submit(
        lambda: service.write(
            fresh,
            org=scope.org,
            actor=current_user,
            on_duplicate=form.on_duplicate.data,
            accept_valid=bool(form.accept_valid.data),
        ),
        success=lambda counts: _(
            "%(file)s was imported: %(created)s created, %(replaced)s replaced, %(skipped)s skipped, "
            "%(rejected)s rejected.",
            file=meta["filename"],
            **{k: counts[k] for k in ("created", "replaced", "skipped", "rejected")},
        ),
        done=lambda _counts: _imported(scope, token),
        refused=lambda: _preview_page(scope, token, stored, form, 400),
        conflict=(IntegrityError,),
        on_conflict=lambda: _changed_meanwhile(scope, token, stored, form),
    )


def _imported(scope: Scope, token: str):
    _forget(token)
    return redirect(scope.url("index"), 303)


def _changed_meanwhile(scope: Scope, token: str, stored, form: ConfirmForm):
    """A unique constraint hit by a concurrent write: nothing was saved."""
    flash(
        _("Someone changed the same data while the file was being imported. Nothing was saved; try again."),
        "error",
    )
    return _preview_page(scope, token, stored, form, 409)


@bp.post("/cancel")
@org_view(ANY_IMPORT)
def cancel():
    return cancel_import(org_scope())


def cancel_import(scope: Scope):
    form = CancelForm()
    token = form.token.data
    if not token:
        return _gone(scope, _("There is no import in progress."))
    _pending_meta(scope, token)
    _forget(token)
    flash(_("The import was cancelled. Nothing was saved."), "info")
    return redirect(scope.url("index"), 303)
