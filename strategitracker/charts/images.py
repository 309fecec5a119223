"""Charts as PNG images for documents (the Word report), drawn server-side from the same plotly figures.

kaleido drives the Chrome or Chromium installed on the server (it looks for it on PATH, or where the
BROWSER_PATH environment variable points) with the plotly.js that comes with the plotly package and without
MathJax, so nothing is fetched from the internet. Where no browser can be started the caller gets None and
says so in the document.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger(__name__)

#: Seconds one chart may take before the whole set is given up.
CHART_TIMEOUT = 60


async def _render(figures: Mapping[str, dict[str, Any]], width: int, height: int) -> dict[str, bytes]:
    import kaleido

    images: dict[str, bytes] = {}
    async with kaleido.Kaleido(n=1, timeout=CHART_TIMEOUT, mathjax=False) as renderer:
        for key, figure in figures.items():
            plain = {"data": figure["data"], "layout": {**figure["layout"], "width": width, "height": height}}
            images[key] = await renderer.calc_fig(
                plain, opts={"format": "png", "width": width, "height": height}
            )
    return images


def chart_images(
    figures: Mapping[str, dict[str, Any]], *, width: int = 900, height: int = 450
) -> dict[str, bytes] | None:
    """A PNG for each figure, by the same keys; None when no browser could draw them."""
    if not figures:
        return {}
    try:
        return asyncio.run(_render(figures, width, height))
    except Exception:  # a missing or broken browser must not cost the reader the tables
        logger.warning("The charts could not be drawn as images", exc_info=True)
        return None
