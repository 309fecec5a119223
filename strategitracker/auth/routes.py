"""Log-in, log-out and password change."""

from datetime import UTC, datetime

import requests
from authlib.common.errors import AuthlibBaseError
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from joserfc.errors import JoseError

from ..extensions import db, limiter
from ..models import IdentityProvider, Invitation, User
from ..services import accounts, audit, sso
from . import bp, oidc
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
    providers = sso.enabled_providers()
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
            return render_template("auth/login.html", form=form, providers=providers), 200
        if problem := sso.password_login_problem(user):
            audit.record("auth.login_refused", "user", user.id, user_id=user.id, after={"reason": "sso_only"})
            db.session.commit()
            flash(problem, "error")
            return render_template("auth/login.html", form=form, providers=providers), 200
        _start_session(user, remember=bool(form.remember.data))
        audit.record("auth.login", "user", user.id, user_id=user.id)
        db.session.commit()
        return _after_login(user, request.args.get("next"))
    return render_template("auth/login.html", form=form, providers=providers)


def _start_session(user: User, *, remember: bool) -> None:
    login_user(user, remember=remember)
    session.permanent = True
    session["remember"] = remember
    session["last_seen"] = datetime.now(UTC).isoformat()
    user.last_login_at = datetime.now(UTC)


def _after_login(user: User, next_url: str | None):
    if user.must_change_password:
        flash(_("Choose a new password before you go on."), "warning")
        return redirect(url_for("auth.change_password"))
    if accounts.has_pending_invitations(user):
        return redirect(url_for("auth.invitations"))
    return redirect(safe_next(next_url) or url_for("core.index"))


def _enabled_provider_or_404(slug: str) -> IdentityProvider:
    org = accounts.get_organisation(slug)
    provider = sso.provider_for(org) if org is not None else None
    if provider is None or not provider.enabled:
        abort(404)
    return provider


@bp.get("/login/sso/<org_slug>")
def sso_login(org_slug: str):
    """Off to the organisation's identity provider (authorization code flow with PKCE, state and nonce)."""
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    provider = _enabled_provider_or_404(org_slug)
    session["sso_next"] = safe_next(request.args.get("next"))
    try:
        return oidc.client(provider).authorize_redirect(
            url_for(".sso_callback", org_slug=org_slug, _external=True)
        )
    except (requests.RequestException, AuthlibBaseError, ValueError):
        flash(
            _(
                "The identity provider of %(org)s cannot be reached. Try again later.",
                org=provider.organisation.name,
            ),
            "error",
        )
        return redirect(url_for(".login"))


def _verified_sign_in(provider: IdentityProvider) -> sso.SignIn:
    """Exchange the code, verify the ID token and apply its claims; any failure is a refusal on record."""
    try:
        token = oidc.client(provider).authorize_access_token(claims_options=oidc.claims_options(provider))
    except (AuthlibBaseError, JoseError) as error:
        return sso.refuse(provider, f"{type(error).__name__}: {getattr(error, 'error', '') or error}"[:200])
    except (requests.RequestException, ValueError, KeyError) as error:
        return sso.refuse(provider, type(error).__name__)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        return sso.refuse(provider, "no_id_token")
    return sso.sign_in(provider, str(claims["iss"]), claims)


@bp.get("/login/sso/<org_slug>/callback")
def sso_callback(org_slug: str):
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    provider = _enabled_provider_or_404(org_slug)
    result = _verified_sign_in(provider)
    if result.user is None:
        db.session.commit()
        flash(result.problem, "error")
        return redirect(url_for(".login"))
    _start_session(result.user, remember=False)
    session["sso_provider"] = provider.id
    db.session.commit()
    return _after_login(result.user, session.pop("sso_next", None))


@bp.post("/logout")
def logout():
    """Ends this session and every other one of the user: a copied cookie is worthless afterwards."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
        audit.record("auth.logout", "user", current_user.id, user_id=current_user.id)
        db.session.commit()
    provider_id = session.get("sso_provider")
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    provider = db.session.get(IdentityProvider, provider_id) if isinstance(provider_id, int) else None
    end_session = oidc.logout_url(provider, url_for("auth.login", _external=True)) if provider else None
    if end_session:
        # A page that goes on to the provider: the form's own redirect could not leave the site
        # (Content-Security-Policy form-action 'self').
        return render_template("auth/provider_logout.html", end_session=end_session, provider=provider)
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
