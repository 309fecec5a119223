"""The peer comparison: ranks by year of the municipality against its peers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...formatting import format_number
from .common import (
    BLUE,
    GRID,
    HOVER,
    PEER_COLOURS,
    PEER_HEIGHT,
    PEER_SYMBOLS,
    base_layout,
    make_figure,
    merged_labels,
    no_data,
    rank_range,
)
from .kpi_format import esc


def peer_figure(
    series: Mapping[str, Sequence[tuple[int, float, int | None]]],
    highlight: str,
    labels: Mapping[str, str],
    *,
    locale: str = "da",
) -> dict[str, Any]:
    """Ranks by year per municipality (`(year, rank, N)` tuples), rank 1 at the top, the y range following N.

    The highlighted municipality comes first in the legend, in bold, with a thick blue line and big
    circles; the others are thin, each with its own colour and marker symbol. Missing years break a line
    instead of drawing a slope nobody measured. Every point's hover says "<name> <year>: nr. k af N".
    """
    lab = merged_labels(labels)
    names = sorted(series, key=lambda n: (n != highlight, n.casefold()))
    data: list[dict[str, Any]] = []
    max_n = 0
    others = 0
    for name in names:
        points = sorted(series[name])
        if not points:
            continue
        xs: list[int] = []
        ys: list[float | None] = []
        hovers: list[str] = []
        for year, rank, n in points:
            if xs and year > xs[-1] + 1:  # a gap: break the line
                xs.append(xs[-1] + 1)
                ys.append(None)
                hovers.append("")
            xs.append(year)
            ys.append(rank)
            max_n = max(max_n, n or 0, int(rank))
            rank_text = (
                lab["rank_of"] % {"rank": format_number(rank, 0, locale), "n": format_number(n, 0, locale)}
                if n is not None
                else lab["rank_only"] % {"rank": format_number(rank, 0, locale)}
            )
            hovers.append(f"<b>{esc(name)} {year}</b><br>{esc(rank_text)}")
        if name == highlight:
            line, marker, legend_name = (
                {"color": BLUE, "width": 5},
                {"symbol": "circle", "size": 11, "color": BLUE},
                f"<b>{esc(name)}</b>",
            )
        else:
            colour = PEER_COLOURS[others % len(PEER_COLOURS)]
            symbol = PEER_SYMBOLS[others % len(PEER_SYMBOLS)]
            others += 1
            line, marker, legend_name = (
                {"color": colour, "width": 1.5},
                {"symbol": symbol, "size": 8, "color": colour},
                esc(name),
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": legend_name,
                "x": xs,
                "y": ys,
                "connectgaps": False,
                "line": line,
                "marker": marker,
                "opacity": 1 if name == highlight else 0.85,
                "hovertext": hovers,
                "hovertemplate": HOVER,
                "meta": {"municipality": name, "highlight": name == highlight},
            }
        )
    yaxis: dict[str, Any] = {"title": {"text": esc(lab["rank"])}, "zeroline": False, "gridcolor": GRID}
    if max_n:
        yaxis.update(rank_range(max_n))
    else:
        yaxis["autorange"] = "reversed"
    layout = base_layout(
        locale,
        xaxis={"title": {"text": esc(lab["year"])}, "tickformat": "d", "dtick": 1, "gridcolor": GRID},
        yaxis=yaxis,
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        margin={"l": 64, "r": 24, "t": 32, "b": 96},
        height=PEER_HEIGHT,
        hovermode="closest",
    )
    figure = make_figure(data, layout)
    return figure if data else no_data(figure, lab)
