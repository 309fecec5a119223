"""Log-in, log-out and password change."""

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..services import accounts, audit
from . import bp
from .sessions import safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


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
        return redirect(safe_next(request.args.get("next")) or url_for("core.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        audit.record("auth.logout", "user", current_user.id, user_id=current_user.id)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    from .forms import ChangePasswordForm

    form = ChangePasswordForm()
    if form.validate_on_submit():
        accounts.change_password(current_user, form.new_password.data)
        db.session.commit()
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("core.index"))
    return render_template("auth/change_password.html", form=form)
