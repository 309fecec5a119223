"""Parts of pages kept between requests, keyed on the data version (change_tracking.py).

A goal page draws six charts with their data tables, about 250 KB of HTML that take some 15 ms to build,
and every reader of the goal gets the same. `fragment()` builds such a part once per version of the data,
language, day and variant, keeps it in the cache (Flask-Caching; an in-process SimpleCache by default,
CACHE_TYPE selects another), and gives it to every later request until any change is committed. Keyed on:

- the data version, read in the view before anything else (`data_version()`), so what a part is built
  from is at least as new as the version it is kept under; a committed change gives a new number;
- the locale (numbers, dates and labels), and today's date (statuses and expected values depend on it);
- the code that draws it (`code_release()`), so a cache shared across a deployment keeps nothing old;
- what the view passes: the object's id and whatever else changes the part (what the user may do).

What belongs to one user or one request (names in the navigation, CSRF tokens, flash messages) must stay
out of a fragment. The whole page is compressed on the way out (compression.py), like any other.

`respond()` answers a repeat view with 304 Not Modified: the page's ETag names everything the page is
drawn from (the part's key, the reader, the session's CSRF secret that the page's forms carry, the
address, the code that draws it), so a browser that still holds the page is told to show it again,
without it being drawn or sent. A page that shows flash messages gets no tag: they are shown once. The
same tag keeps the page's compressed body (compression.py): another view of the unchanged page by the
same reader in the same session is sent as it was, neither drawn nor compressed again. A page asked for
with its tables written open (`tables_open()`, for a browser without scripts) is neither kept nor tagged.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import cache as once
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, has_request_context, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from ..extensions import cache
from . import compression
from .change_tracking import current_version

#: Read first in a view, before anything a part shows (see above).
data_version = current_version


@dataclass(frozen=True)
class Fragment:
    html: Markup
    #: Small facts the rest of the page needs (e.g. whether the part has charts).
    facts: dict[str, Any] = field(default_factory=dict)


#: The query that writes every chart's table (and every folded part) into the page, open: for a browser that
#: runs no scripts, which cannot put them in (templates/charts/_chart.html). Such a page is drawn for its
#: reader and not kept: few ask for it, and the parts kept for everyone else hold the tables folded.
TABLES_OPEN = ("tables", "open")


def tables_open() -> bool:
    """Whether this request asks for the tables written open (`TABLES_OPEN`)."""
    name, value = TABLES_OPEN
    return has_request_context() and request.args.get(name) == value


def tables_open_url() -> str:
    """This page's address with the tables written open, its other query values kept."""
    name, value = TABLES_OPEN
    query = [(key, item) for key, item in request.args.items(multi=True) if key != name]
    return f"{request.script_root}{request.path}?{urlencode([*query, (name, value)])}"


def fragment(
    name: str,
    variant: tuple[Hashable, ...],
    build: Callable[[], tuple[str, dict[str, Any]]],
    *,
    version: int | None,
) -> Fragment:
    """The cached part `name` for `variant` at `version` (from `data_version()`), built by `build()` (its
    HTML and facts) when it is not cached. Without a version nothing is cached."""
    key = None
    if version is not None and not tables_open():
        key = _key(name, variant, version)
        found = cache.get(key)
        if found is not None:
            return found
    html, facts = build()
    made = Fragment(Markup(html), facts)
    if key is not None:
        cache.set(key, made)
    return made


def respond(
    name: str, variant: tuple[Hashable, ...], render: Callable[[], str], *, version: int | None
) -> Response:
    """The page drawn by `render()` around part `name` (as passed to `fragment()`), with a weak ETag;
    304 Not Modified when the browser sends the tag of the page it holds, and the page kept compressed
    under the tag when there is one (then `render()` is not called: it should fetch the part itself)."""
    unkept = "_flashes" in session or tables_open()
    tag = None if unkept else _page_tag(name, variant, version)
    if tag is not None:
        if request.if_none_match.contains_weak(tag):
            response = current_app.response_class(status=304)
            response.set_etag(tag, weak=True)
            return response
        kept = compression.kept(tag)
        if kept is not None:
            kept.set_etag(tag, weak=True)
            return kept
    response = make_response(render())
    tag = None if unkept else _page_tag(name, variant, version)  # drawing may start the session
    if tag is not None:
        response.set_etag(tag, weak=True)
        compression.keep_under(tag)
    return response


def _key(name: str, variant: tuple[Hashable, ...], version: int) -> str:
    """Also names the code: a shared cache (Redis) keeps no part drawn by the code before a deployment."""
    parts = ("page", name, version, get_locale(), date.today().isoformat(), code_release(), *variant)
    return ":".join(map(str, parts))


def _page_tag(name: str, variant: tuple[Hashable, ...], version: int | None) -> str | None:
    """The part's key (which names the code that draws it), the reader, the session's CSRF secret (the
    page's forms carry a token made from it) and the path with its query (the language form returns to
    it); None without a version or a CSRF secret."""
    secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if version is None or secret is None:
        return None
    reader = current_user.get_id() if current_user.is_authenticated else "-"
    text = "\0".join(map(str, (_key(name, variant, version), reader, secret, request.full_path)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@once
def code_release() -> str:
    """Stands for the code and templates the process runs: a deployment that changes them changes every
    page's tag (one walk over the files, once per process)."""
    roots = (Path(__file__).resolve().parents[1], Path(current_app.template_folder or "templates"))
    stats = [
        (path, os.stat(path).st_mtime_ns)
        for root in roots
        for path in sorted(str(p) for p in root.rglob("*") if p.suffix in {".py", ".html", ".mo"})
    ]
    return hashlib.sha256(repr(stats).encode()).hexdigest()[:16]
