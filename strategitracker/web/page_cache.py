"""Parts of pages kept between requests, keyed on the data version (change_tracking.py).

A goal page draws six charts with their data tables, about 250 KB of HTML that take some 15 ms to build,
and every reader of the goal gets the same. `fragment()` builds such a part once per version of the data,
language, day and variant, keeps it in the cache (Flask-Caching; an in-process SimpleCache by default,
CACHE_TYPE selects another), and gives it to every later request until any change is committed. Keyed on:

- the data version, read in the view before anything else (`data_version()`), so what a part is built
  from is at least as new as the version it is kept under; a committed change gives a new number;
- the locale (numbers, dates and labels), and today's date (statuses and expected values depend on it);
- what the view passes: the object's id and whatever else changes the part (what the user may do).

What belongs to one user or one request (names in the navigation, CSRF tokens, flash messages) must stay
out of a fragment. A fragment also keeps its HTML compressed on its own, so compression.py only has to
compress the rest of the page around it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import g
from flask_babel import get_locale
from markupsafe import Markup

from ..extensions import cache
from .change_tracking import current_version
from .compression import deflate

#: Read first in a view, before anything a part shows (see above).
data_version = current_version


@dataclass(frozen=True)
class Fragment:
    html: Markup
    #: The HTML as raw deflate data ending on a byte boundary, with no reference to anything before it.
    deflated: bytes
    #: Small facts the rest of the page needs (e.g. whether the part has charts).
    facts: dict[str, Any] = field(default_factory=dict)


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
    if version is not None:
        key = ":".join(map(str, ("page", name, version, get_locale(), date.today().isoformat(), *variant)))
        found = cache.get(key)
        if found is not None:
            return _used(found)
    html, facts = build()
    made = Fragment(Markup(html), deflate(html), facts)
    if key is not None:
        cache.set(key, made)
    return _used(made)


def _used(part: Fragment) -> Fragment:
    g.setdefault("page_fragments", []).append(part)
    return part
