"""The organisation's audit log for administrators: filter, page through, see before → after."""

from flask import g, render_template, request, url_for

from ..permissions import Action, org_view
from ..services import audit as service
from . import bp
from .action_plan_forms import AuditFilterForm

FILTER_ARGS = ("action", "entity_type", "entity_id", "user_id", "date_from", "date_to")


@bp.get("/audit")
@org_view(Action.VIEW_AUDIT)
def audit_log():
    choices = service.filter_choices(g.org)
    form = AuditFilterForm(
        request.args, actions=choices.actions, entity_types=choices.entity_types, users=choices.users
    )
    if not form.validate():
        return render_template("workspace/audit_log.html", form=form, result=None, page_url=None), 400
    filters = service.AuditFilter(
        action=form.action.data or None,
        entity_type=form.entity_type.data or None,
        entity_id=form.entity_id.data,
        user_id=form.user_id.data,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    page = request.args.get("page", 1, type=int)
    result = service.events_page(g.org, filters, page=page)
    kept = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}

    def page_url(number: int) -> str:
        return url_for(".audit_log", slug=g.org.slug, page=number, **kept)

    return render_template(
        "workspace/audit_log.html",
        form=form,
        result=result,
        page_url=page_url,
        filtered=bool(kept),
    )
