"""Site administration for superusers: organisations, national data (survey rankings), the log of national
data and the site-wide audit log (every sign-in).

National reference data is shared by every organisation, so it is changed here and nowhere under /o/<slug>/:
the rankings import runs the same upload → preview → confirm steps as an organisation's imports
(imports/routes.py) with the site as its scope.
"""

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.routes import audit_page
from ..extensions import db
from ..imports import routes as import_pages
from ..imports.forms import RankingUploadForm
from ..members.forms import OrganisationForm
from ..models import Organisation
from ..permissions import superuser_required
from ..services import accounts, audit, sso, survey
from ..services import imports as import_service
from ..view_helpers import submit
from . import bp
from .forms import IdentityProviderForm


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


# --- single sign-on -------------------------------------------------------------------------------------


def _organisation_or_404(slug: str) -> Organisation:
    org = accounts.get_organisation(slug)
    if org is None:
        abort(404)
    return org


def _provider_form(org: Organisation) -> IdentityProviderForm:
    provider = sso.provider_for(org)
    if provider is None or request.method == "POST":
        return IdentityProviderForm()
    return IdentityProviderForm(
        data={
            "enabled": provider.enabled,
            "discovery_url": provider.discovery_url,
            "client_id": provider.client_id,
            "client_secret_env": provider.client_secret_env or "",
            "allowed_domains": ", ".join(provider.allowed_domains),
            "groups_claim": provider.groups_claim,
            "group_roles": "\n".join(f"{group} = {role}" for group, role in provider.group_roles.items()),
            "default_role": provider.default_role or "",
            "password_login_disabled": provider.password_login_disabled,
        }
    )


@bp.route("/organisations/<org_slug>/sso", methods=["GET", "POST"])
@superuser_required
def identity_provider(org_slug: str):
    """The organisation's log-in through its own identity provider (OpenID Connect)."""
    org = _organisation_or_404(org_slug)
    form = _provider_form(org)

    def page(status: int = 200):
        return render_template(
            "admin/identity_provider.html",
            org=org,
            form=form,
            provider=sso.provider_for(org),
            redirect_uri=url_for("auth.sso_callback", org_slug=org.slug, _external=True),
        ), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(400)
    settings = sso.ProviderSettings(**{name: form[name].data or "" for name in sso.SETTING_FIELDS})
    settings.enabled = bool(form.enabled.data)
    settings.password_login_disabled = bool(form.password_login_disabled.data)
    return submit(
        lambda: sso.save_provider(org, settings, actor=current_user),
        form=form,
        success=_("The log-in through %(org)s has been saved.", org=org.name),
        done=lambda _provider: redirect(url_for(".identity_provider", org_slug=org.slug)),
        refused=lambda: page(400),
    )


# --- national data ---------------------------------------------------------------------------------------


@bp.route("/rankings", methods=["GET", "POST"])
@superuser_required
def rankings():
    return import_pages.upload(
        import_pages.national_scope(),
        import_service.RANKINGS,
        RankingUploadForm(),
        import_pages.ranking_options,
    )


@bp.get("/rankings/preview")
@superuser_required
def rankings_preview():
    return import_pages.preview_page(import_pages.national_scope())


@bp.post("/rankings/confirm")
@superuser_required
def rankings_confirm():
    return import_pages.confirm_import(import_pages.national_scope())


@bp.post("/rankings/cancel")
@superuser_required
def rankings_cancel():
    return import_pages.cancel_import(import_pages.national_scope())


@bp.get("/national-log")
@superuser_required
def national_log():
    """Every change of national data (municipality register, survey ranks), newest first."""
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        page = 1
    return render_template(
        "admin/national_log.html",
        events=audit.national_events_page(page),
        municipalities=survey.register_size(),
    )


@bp.get("/audit")
@superuser_required
def audit_log():
    """Events stored without an organisation: every log-in and failed log-in, and national data."""
    return audit_page(None, ".audit_log")
