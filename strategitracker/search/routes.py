"""Search pages.

- GET /o/<slug>/search?q=WORDS[&archived=1] — every member (Action.VIEW) searches the organisation they
  are in; archived items only when asked. Another organisation's rows are never read.
- GET /public/search?q=WORDS — anyone searches the published strategies of every organisation.
"""

from __future__ import annotations

from flask import g, render_template, request

from ..permissions import Action, org_view
from ..services import search as service
from . import bp

_TRUE = ("1", "true", "on", "y", "yes")


def _query() -> str:
    return request.args.get("q", "")[: service.MAX_QUERY_LENGTH * 2]


@bp.get("/o/<slug>/search")
@org_view(Action.VIEW)
def search():
    query = _query()
    include_archived = request.args.get("archived", "").lower() in _TRUE
    results = service.search(g.org, query, include_archived=include_archived)
    return render_template(
        "workspace/search.html",
        query=query.strip(),
        results=results,
        total=sum(len(hits) for hits in results.values()),
        include_archived=include_archived,
    )


@bp.get("/public/search")
def public_search():
    query = _query()
    hits = service.public_search(query)
    return render_template("public/search.html", query=query.strip(), hits=hits)
