"""The audit log for administrators: filter, page through, see before → after.

The organisation's log (its events and its members' sign-ins) is here; the site administration shows the
site-wide log with the same page.
"""

from flask import g, render_template, request, url_for

from ..models import Organisation
from ..permissions import Action, org_view
from ..services import audit as service
from . import bp
from .forms import AuditFilterForm

FILTER_ARGS = ("action", "entity_type", "entity_id", "user_id", "date_from", "date_to")


def audit_page(org: Organisation | None, endpoint: str, **url_values):
    """The audit log of `org` (None: the site-wide log), its filter and pages, at `endpoint`."""
    choices = service.filter_choices(org)
    form = AuditFilterForm(
        request.args, actions=choices.actions, entity_types=choices.entity_types, users=choices.users
    )
    context = {"form": form, "scope": org, "audit_url": url_for(endpoint, **url_values)}
    if not form.validate():
        return render_template("workspace/audit_log.html", result=None, page_url=None, **context), 400
    filters = service.AuditFilter(
        action=form.action.data or None,
        entity_type=form.entity_type.data or None,
        entity_id=form.entity_id.data,
        user_id=form.user_id.data,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    page = request.args.get("page", 1, type=int)
    result = service.events_page(org, filters, page=page)
    kept = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}

    def page_url(number: int) -> str:
        return url_for(endpoint, page=number, **url_values, **kept)

    return render_template(
        "workspace/audit_log.html", result=result, page_url=page_url, filtered=bool(kept), **context
    )


@bp.get("/audit")
@org_view(Action.VIEW_AUDIT)
def audit_log():
    return audit_page(g.org, ".audit_log", slug=g.org.slug)
