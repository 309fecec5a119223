"""Log-in, log-out and password change."""

from datetime import UTC, datetime

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..models import Invitation
from ..services import accounts, audit
from . import bp
from .sessions import safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def _password_check_key() -> str:
    """Wrong current passwords are counted per account, whatever the address or session they come from."""
    return "password-check:" + (str(current_user.id) if current_user.is_authenticated else "-")


def _wrong_current_password(response) -> bool:
    return bool(g.get("wrong_current_password"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key)
def login():
    from .forms import LoginForm

    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.get_user_by_email(form.email.data)
        if user is None or not user.active or not accounts.check_password(user, form.password.data):
            audit.record(
                "auth.login_failed",
                "user",
                user.id if user else None,
                user_id=user.id if user else None,
                after={"email": form.email.data.strip().lower()},
            )
            db.session.commit()
            flash(_("Wrong e-mail or password, or the account is deactivated."), "error")
            return render_template("auth/login.html", form=form), 200
        login_user(user, remember=form.remember.data)
        session.permanent = True
        session["remember"] = bool(form.remember.data)
        session["last_seen"] = datetime.now(UTC).isoformat()
        user.last_login_at = datetime.now(UTC)
        audit.record("auth.login", "user", user.id, user_id=user.id)
        db.session.commit()
        if user.must_change_password:
            flash(_("Choose a new password before you go on."), "warning")
            return redirect(url_for("auth.change_password"))
        if accounts.has_pending_invitations(user):
            return redirect(url_for("auth.invitations"))
        return redirect(safe_next(request.args.get("next")) or url_for("core.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Ends this session and every other one of the user: a copied cookie is worthless afterwards."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
        audit.record("auth.logout", "user", current_user.id, user_id=current_user.id)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    accounts.log_out_everywhere(current_user, actor_id=current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(
    _login_limit, methods=["POST"], key_func=_password_check_key, deduct_when=_wrong_current_password
)
@login_required
def change_password():
    from .forms import ChangePasswordForm

    form = ChangePasswordForm()
    valid = form.validate_on_submit()
    g.wrong_current_password = form.wrong_current_password
    if valid:
        accounts.change_password(current_user, form.new_password.data)
        db.session.commit()
        # This session goes on with the new token; every other one has ended.
        login_user(current_user._get_current_object(), remember=session.get("remember", False))
        flash(_("Your password has been changed."), "success")
        if accounts.has_pending_invitations(current_user):
            return redirect(url_for("auth.invitations"))
        return redirect(url_for("core.index"))
    return render_template("auth/change_password.html", form=form)


@bp.get("/account/invitations")
@login_required
def invitations():
    from ..members.forms import role_choices

    return render_template(
        "auth/invitations.html",
        invitations=accounts.pending_invitations(current_user),
        role_labels={choice.value: choice.label for choice in role_choices()},
    )


def _own_invitation_or_404(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.user_id != current_user.id:
        abort(404)
    return invitation


@bp.post("/account/invitations/<int:invitation_id>/accept")
@login_required
def accept_invitation(invitation_id: int):
    invitation = _own_invitation_or_404(invitation_id)
    membership = accounts.accept_invitation(invitation, user=current_user)
    db.session.commit()
    flash(_("You are now a member of %(org)s.", org=membership.organisation.name), "success")
    return redirect(url_for("strategies.home", slug=membership.organisation.slug))


@bp.post("/account/invitations/<int:invitation_id>/decline")
@login_required
def decline_invitation(invitation_id: int):
    accounts.decline_invitation(_own_invitation_or_404(invitation_id), user=current_user)
    db.session.commit()
    flash(_("The invitation has been declined."), "info")
    return redirect(url_for("auth.invitations"))
