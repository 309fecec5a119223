"""Site administration for superusers: organisations, and the site-wide audit log (every sign-in)."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..members.forms import OrganisationForm
from ..models import Organisation
from ..permissions import superuser_required
from ..services import ServiceError, accounts
from ..workspace.audit_log import audit_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(form: OrganisationForm, status: int = 200):
    organisations = db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()
    return render_template("admin/organisations.html", organisations=organisations, form=form), status


@bp.get("/organisations")
@superuser_required
def organisations():
    return _page(OrganisationForm())


@bp.post("/organisations")
@superuser_required
def create_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        code_text = (form.municipality_code.data or "").strip()
        if code_text and not code_text.isdigit():
            form.municipality_code.errors.append(_("The municipality code must be a number from 100 to 999."))
            return _page(form, 400)
        try:
            org = accounts.create_organisation(
                form.slug.data,
                form.name.data,
                int(code_text) if code_text else None,
                actor_id=current_user.id,
            )
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return _page(form, 400)
        db.session.commit()
        flash(_("The organisation %(name)s has been created.", name=org.name), "success")
        return redirect(url_for(".organisations"))
    return _page(form, 400)


@bp.get("/audit")
@superuser_required
def audit_log():
    """Events stored without an organisation: every log-in and failed log-in, and national data."""
    return audit_page(None, ".audit_log")
