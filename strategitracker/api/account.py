"""The account's page of personal access tokens: make one (its secret shown once) and revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..extensions import db
from ..forms import Form
from ..models import ApiToken, Organisation
from ..models._types import utcnow
from ..permissions import user_organisations
from ..services import accounts
from ..services.accounts.api_tokens import MAX_DAYS, MAX_NAME, aware, token_is_live
from ..view_helpers import optional_int, submit

bp = Blueprint("api_tokens", __name__)


class TokenForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    organisation = SelectField(_l("Organisation"), coerce=optional_int, validators=[DataRequired()])
    write = BooleanField(_l("May also write (measurements, action-plan updates)"))
    days = IntegerField(_l("Expires after (days)"), validators=[Optional(), NumberRange(min=1, max=MAX_DAYS)])


def _form() -> TokenForm:
    form = TokenForm()
    form.organisation.choices = [(org.id, org.name) for org in user_organisations(current_user)]
    return form


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    now = utcnow()
    tokens = [
        (token, token_is_live(token, now), aware(token.expires_at))
        for token in accounts.user_tokens(current_user)
    ]
    return render_template("api/tokens.html", form=form, tokens=tokens, secret=secret), status


@bp.get("/account/tokens")
@login_required
def tokens():
    return _page(_form())


@bp.post("/account/tokens")
@login_required
def create_token():
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=400)
    org = db.session.get(Organisation, form.organisation.data)
    if org is None:
        abort(404)
    return submit(
        lambda: accounts.create_token(
            current_user, org, form.name.data, write=form.write.data, days=form.days.data
        ),
        success=_("The token has been made. Copy it now: it is not shown again."),
        done=lambda made: _page(_form(), secret=made[1]),
        refused=lambda: _page(form, status=400),
        form=form,
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    return submit(
        lambda: accounts.revoke_token(token, actor=current_user),
        success=_("The token %(name)s has been revoked.", name=token.name),
        done=lambda _changed: redirect(url_for(".tokens")),
        refused=lambda: redirect(url_for(".tokens")),
    )
