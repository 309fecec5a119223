"""Update rounds, the reminder setting (also through the signed link in an e-mail) and the sending log."""

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Strategy, UpdateRound, User
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import reminder as service
from ..view_helpers import submit
from . import bp
from .forms import OpenRoundForm, ReminderSettingsForm


def _flash_report(report: service.RunReport) -> None:
    if report.sent:
        flash(
            ngettext("E-mail sent to %(num)d owner.", "E-mail sent to %(num)d owners.", len(report.sent)),
            "success",
        )
    if report.failed:
        flash(
            _(
                "%(num)d e-mails could not be sent; they are tried again by the next run.",
                num=len(report.failed),
            ),
            "warning",
        )
    if not report.sent and not report.failed:
        flash(_("Nobody needed an e-mail."), "info")


@bp.route("/o/<slug>/strategies/<int:strategy_id>/rounds", methods=["GET", "POST"])
@org_view(Action.RUN_UPDATE_ROUND)
def rounds(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    form = OpenRoundForm()
    if form.validate_on_submit():
        response = submit(
            lambda: service.open_round(
                strategy, form.deadline.data, form.message.data or "", current_user, date.today()
            ),
            done=_send_requests,
            refused=lambda: None,
            form=form,
        )
        if response is not None:
            return response
    status = 400 if form.errors else 200
    return render_template(
        "reminders/rounds.html",
        strategy=strategy,
        form=form,
        rounds=service.rounds_of(strategy),
        open_round=service.open_round_of(strategy),
    ), status


def _send_requests(update_round: UpdateRound):
    """After the round is saved: each owner's request by e-mail (each e-mail committed as it goes)."""
    report = service.send_round_emails(
        g.org, update_round, date.today(), reminder=False, commit=db.session.commit
    )
    _flash_report(report)
    return redirect(url_for(".round", slug=g.org.slug, round_id=update_round.id))


@bp.get("/o/<slug>/rounds/<int:round_id>", endpoint="round")
@org_view(Action.RUN_UPDATE_ROUND)
def show_round(round_id: int):
    update_round = get_in_org_or_404(UpdateRound, round_id)
    status = service.round_status(update_round, date.today())
    return render_template("reminders/round.html", round=update_round, status=status, states=service)


@bp.post("/o/<slug>/rounds/<int:round_id>/remind")
@org_view(Action.RUN_UPDATE_ROUND)
def remind(round_id: int):
    update_round = get_in_org_or_404(UpdateRound, round_id)
    if update_round.closed_at is not None:
        flash(_("The update round is closed."), "warning")
    else:
        _flash_report(
            service.send_round_emails(
                g.org, update_round, date.today(), reminder=True, commit=db.session.commit
            )
        )
    return redirect(url_for(".round", slug=g.org.slug, round_id=round_id))


@bp.post("/o/<slug>/rounds/<int:round_id>/close")
@org_view(Action.RUN_UPDATE_ROUND)
def close(round_id: int):
    update_round = get_in_org_or_404(UpdateRound, round_id)
    back = redirect(url_for(".round", slug=g.org.slug, round_id=round_id))
    return submit(
        lambda: service.close_round(update_round, current_user, date.today()),
        success=lambda status: _(
            "The update round is closed: %(answered)d of %(total)d items answered.",
            answered=status.count(service.ANSWERED),
            total=status.total,
        ),
        done=lambda _status: back,
        refused=lambda: back,
    )


@bp.get("/o/<slug>/sending-log")
@org_view(Action.VIEW_SENDING_LOG)
def sending_log():
    status = request.args.get("status") or None
    if status not in (None, "sent", "failed"):
        status = None
    log = service.sending_log(g.org, request.args.get("page", 1, type=int), status)
    return render_template("reminders/sending_log.html", log=log, status=status)


def _settings(user: User, template_args: dict):
    form = ReminderSettingsForm(data={"frequency": service.frequency_of(user)})
    if form.validate_on_submit():
        response = submit(
            lambda: service.set_frequency(user, form.frequency.data),
            success=_("Your reminder setting is saved."),
            done=lambda _result: redirect(request.url),
            refused=lambda: None,
            form=form,
        )
        if response is not None:
            return response
    status = 400 if form.errors else 200
    return render_template("reminders/settings.html", form=form, user=user, **template_args), status


@bp.route("/reminders/settings", methods=["GET", "POST"])
@login_required
def settings():
    return _settings(current_user, {"by_link": False})


@bp.route("/reminders/settings/<token>", methods=["GET", "POST"])
def settings_by_link(token: str):
    """The link in every e-mail: change one's reminder setting without logging in."""
    user_id = service.user_id_from_token(token)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        abort(404)
    with force_locale(user.locale):  # the language of the e-mail the link came in
        return _settings(user, {"by_link": True})
