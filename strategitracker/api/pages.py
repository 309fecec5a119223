"""Pages of a list: `page` and `per_page` in, the items with a meta block out, and a Link header."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import g, request

from ..extensions import db


def page_of(
    stmt: sa.Select, args: dict[str, Any], *, scalars: bool = True
) -> tuple[list[Any], dict[str, int]]:
    """One page of `stmt`'s rows and the meta block (two statements: the count and the page)."""
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    paged = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = list(db.session.scalars(paged) if scalars else db.session.execute(paged))
    meta = {"page": page, "per_page": per_page, "total": total, "pages": max(1, math.ceil(total / per_page))}
    g.api_links = links(meta)
    return rows, meta


def links(meta: dict[str, int]) -> str:
    """RFC 8288 Link header: first, prev, next and last pages of the same query."""

    def url(page: int) -> str:
        query = {**request.args.to_dict(), "page": page, "per_page": meta["per_page"]}
        return f"{request.base_url}?{urlencode(query)}"

    parts = {"first": 1, "last": meta["pages"]}
    if meta["page"] > 1:
        parts["prev"] = min(meta["page"] - 1, meta["pages"])
    if meta["page"] < meta["pages"]:
        parts["next"] = meta["page"] + 1
    return ", ".join(f'<{url(page)}>; rel="{rel}"' for rel, page in parts.items())
