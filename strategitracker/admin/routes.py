"""Site administration for superusers: organisations."""

import sqlalchemy as sa
from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..members.forms import OrganisationForm
from ..models import Organisation
from ..permissions import superuser_required
from ..services import accounts
from ..view_helpers import submit
from . import bp


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
        return submit(
            lambda: accounts.create_organisation(
                form.slug.data,
                form.name.data,
                int(code_text) if code_text else None,
                actor_id=current_user.id,
            ),
            success=lambda org: _("The organisation %(name)s has been created.", name=org.name),
            done=lambda _org: redirect(url_for(".organisations")),
            refused=lambda: _page(form, 400),
        )
    return _page(form, 400)
