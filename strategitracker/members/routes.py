"""Member administration for an organisation's administrators."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Invitation, Membership
from ..permissions import Action, deny, org_view
from ..services import accounts as members
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
        invitations=members.list_invitations(g.org),
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
    """The same answer whether or not the address has an account (see members.invite_member)."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    return submit(
        lambda: members.invite_member(
            g.org,
            form.email.data,
            form.name.data,
            form.role.data,
            form.temporary_password.data,
            actor=current_user,
        ),
        success=_(
            "The invitation to %(email)s has been created. The person accepts it after logging in: with "
            "their own password if the address already has an account, otherwise with the temporary "
            "password, which must then be changed.",
            email=form.email.data.strip().lower(),
        ),
        done=lambda _invitation: redirect(url_for(".index", slug=g.org.slug)),
        refused=lambda: _page(form, 400),
    )


@bp.post("/invitations/<int:invitation_id>/withdraw")
@org_view(Action.MANAGE_MEMBERS)
def withdraw_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != g.org.id:
        deny(404)
    members.withdraw_invitation(invitation, actor=current_user)
    db.session.commit()
    flash(_("The invitation has been withdrawn."), "success")
    return redirect(url_for(".index", slug=g.org.slug))


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


@bp.post("/<int:membership_id>/logout-everywhere")
@org_view(Action.MANAGE_MEMBERS)
def logout_everywhere(membership_id: int):
    return _apply(
        membership_id,
        lambda m: members.log_out_everywhere(m.user, actor_id=current_user.id, organisation_id=g.org.id),
    )


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
