"""Downloads of personal data, anonymisation of former users, and the organisation's public links."""

import io
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Membership, Organisation, User
from ..permissions import Action, deny, org_view, superuser_required
from ..services import privacy
from ..view_helpers import submit
from . import bp
from .forms import AnonymiseForm, PublicLinksForm

MIMETYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.app_context_processor
def footer():
    """The footer's links: those of the page's organisation (`footer_org`), else the site-wide ones."""
    return {"public_links": privacy.public_links}


def _download(user: User, org: Organisation | None, fmt: str):
    if fmt not in MIMETYPES:
        deny(404)
    now = datetime.now(UTC)
    sections = privacy.personal_data(user, org)
    data = privacy.to_json(sections, now) if fmt == "json" else privacy.to_xlsx(sections)
    response = send_file(
        io.BytesIO(data),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"personoplysninger-{user.id}-{now:%Y-%m-%d}.{fmt}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/account/personal-data.<fmt>")
@login_required
def my_data(fmt: str):
    return _download(current_user._get_current_object(), None, fmt)


@bp.get("/o/<slug>/members/<int:membership_id>/personal-data.<fmt>")
@org_view(Action.EXPORT_PERSONAL_DATA)
def member_data(membership_id: int, fmt: str):
    """What this organisation holds about one of its members (also a former one), with the profile."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != g.org.id:
        deny(404)
    return _download(membership.user, g.org, fmt)


@bp.route("/o/<slug>/settings", methods=["GET", "POST"])
@org_view(Action.EDIT_ORGANISATION_SETTINGS)
def organisation_settings():
    form = PublicLinksForm(obj=g.org)

    def page(status: int = 200):
        return render_template("privacy/settings.html", form=form), status

    if not form.validate_on_submit():
        return page(400 if form.is_submitted() else 200)
    return submit(
        lambda: privacy.set_public_links(
            g.org,
            form.accessibility_statement_url.data,
            form.privacy_notice_url.data,
            actor_id=current_user.id,
        ),
        success=_("The change has been saved."),
        done=lambda _result: redirect(url_for(".organisation_settings", slug=g.org.slug)),
        refused=lambda: page(400),
        form=form,
    )


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        deny(404)
    return user


@bp.get("/admin/users")
@superuser_required
def users():
    everyone = db.session.scalars(sa.select(User).order_by(User.name, User.id)).all()
    return render_template("privacy/users.html", users=everyone, form=AnonymiseForm())


@bp.get("/admin/users/<int:user_id>/personal-data.<fmt>")
@superuser_required
def user_data(user_id: int, fmt: str):
    return _download(_user_or_404(user_id), None, fmt)


@bp.post("/admin/users/<int:user_id>/anonymise")
@superuser_required
def anonymise(user_id: int):
    user = _user_or_404(user_id)
    listing = redirect(url_for(".users"))
    if not AnonymiseForm().validate_on_submit():
        flash(_("Tick the box to confirm the anonymisation."), "error")
        return listing
    return submit(
        lambda: privacy.anonymise(user, actor=current_user._get_current_object()),
        success=_("The user has been anonymised as %(name)s.", name=privacy.placeholder_name(user.id)),
        done=lambda _counts: listing,
        refused=lambda: listing,
    )
