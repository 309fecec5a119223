"""Member administration for an organisation's administrators."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Membership
from ..permissions import Action, deny, org_view
from ..services import accounts as members
from ..services.accounts import get_user_by_email
from ..view_helpers import submit
from . import bp
from .forms import InviteForm, PasswordResetForm, RoleForm


def _membership_or_404(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != g.org.id:
        deny(404)
    return membership


def _page(invite_form: InviteForm | None = None, status: int = 200):
    return render_template(
        "members/list.html",
        memberships=members.list_members(g.org),
        invite_form=invite_form or InviteForm(),
        role_form=RoleForm(),
        reset_form=PasswordResetForm(),
    ), status


@bp.get("/")
@org_view(Action.MANAGE_MEMBERS)
def index():
    return _page()


@bp.post("/")
@org_view(Action.MANAGE_MEMBERS)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        is_new = get_user_by_email(form.email.data) is None
        if is_new and not form.temporary_password.data:
            form.temporary_password.errors.append(_("A new user needs a temporary password."))
        else:
            return submit(
                lambda: members.invite_member(
                    g.org,
                    form.email.data,
                    form.name.data,
                    form.role.data,
                    form.temporary_password.data,
                    actor=current_user,
                ),
                success=_("%(email)s is now a member.", email=form.email.data),
                done=lambda _membership: redirect(url_for(".index", slug=g.org.slug)),
                refused=lambda: _page(form, 400),
            )
    return _page(form, 400)


def _apply(membership_id: int, change) -> object:
    membership = _membership_or_404(membership_id)
    listing = url_for(".index", slug=g.org.slug)
    return submit(
        lambda: change(membership),
        success=_("The change has been saved."),
        done=lambda _result: redirect(listing),
        refused=lambda: redirect(listing),
    )


@bp.post("/<int:membership_id>/role")
@org_view(Action.MANAGE_MEMBERS)
def change_role(membership_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        _membership_or_404(membership_id)
        flash(_("Choose a valid role."), "error")
        return redirect(url_for(".index", slug=g.org.slug))
    return _apply(membership_id, lambda m: members.change_role(m, form.role.data, actor=current_user))


@bp.post("/<int:membership_id>/deactivate")
@org_view(Action.MANAGE_MEMBERS)
def deactivate(membership_id: int):
    return _apply(membership_id, lambda m: members.set_active(m, False, actor=current_user))


@bp.post("/<int:membership_id>/activate")
@org_view(Action.MANAGE_MEMBERS)
def activate(membership_id: int):
    return _apply(membership_id, lambda m: members.set_active(m, True, actor=current_user))


@bp.post("/<int:membership_id>/password")
@org_view(Action.MANAGE_MEMBERS)
def reset_password(membership_id: int):
    form = PasswordResetForm()
    if not form.validate_on_submit():
        _membership_or_404(membership_id)
        flash(_("The temporary password must be at least 8 characters."), "error")
        return redirect(url_for(".index", slug=g.org.slug))
    return _apply(
        membership_id, lambda m: members.reset_password(m, form.temporary_password.data, actor=current_user)
    )
