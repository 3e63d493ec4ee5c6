"""Every chart of Luotsi, as inline SVG written on the server: no JavaScript, no libraries.

- ``bar_chart``: vertical bars by category and series (the key figures, the AVAIN
  effectiveness report, the shared-client indicators);
- ``rating_chart``: one goal's, service's or method's AVAIN ratings as a line, the client's
  own beside the professional's (the plan page);
- ``service_path_chart``: a person's service events by sector and month (the shared-client
  page).

This module computes the geometry (numbers only); the markup is in the Jinja2 templates
``templates/jinja2/charts/``, which escape every text that reaches the SVG (titles,
descriptions, labels, colours), so no text is ever written into the markup unescaped
(docs/decisions/0002-html-in-templates.md). The Content Security Policy forbids inline scripts
and styles, so the SVG uses presentation attributes or classes, never ``style=``. Each chart is an
image to assistive technology (``role="img"`` and a ``<title>``); the page shows the same figures
as text next to it (a table or a list), which is the text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import number_format
from markupsafe import Markup

from luotsi.common import partials

INK = "#1a1a1a"
GRID = "#c8c8c8"
# Bar colours with at least 3:1 contrast against white (WCAG 2.1 1.4.11, non-text contrast).
COLOURS = ("#003a70", "#767676", "#1d6b2f", "#a30d11")

_HEIGHT = 260
_TOP = 44  # room for the legend
_BOTTOM = 34  # room for the category labels
_LEFT = 52  # room for the value axis labels
_RIGHT = 12
_MIN_GROUP = 36
_MIN_PLOT = 600
_TICKS = 5
_VALUE_LABELS_UP_TO = 16  # bars; with more the figures are in the table only


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str = COLOURS[0]


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value`` (an axis maximum)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-9:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _num(value: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _label(value: float, decimals: int, unit: str) -> str:
    return f"{number_format(round(value, decimals), decimals)}{unit}"


def bar_chart(*, chart_id: str, title: str, description: str, categories: Sequence[str],
              series: Sequence[Series], unit: str = "", decimals: int = 0,
              max_value: float | None = None,
              value_label: Callable[[float], str] | None = None) -> Markup:
    """A vertical bar chart, one group of bars per category, one bar per series, with a legend
    and a value axis of five round steps; the values are written on the bars when there are
    at most 16 of them. ``None`` draws no bar."""
    values = [v for s in series for v in s.values if v is not None]
    top = max_value if max_value is not None else nice_ceiling(max(values, default=0.0))
    count = max(len(categories), 1)
    group = max(_MIN_GROUP, _MIN_PLOT / count)
    plot_width = group * count
    width = _LEFT + plot_width + _RIGHT
    plot_height = _HEIGHT - _TOP - _BOTTOM
    baseline = _TOP + plot_height
    bar_width = group * 0.8 / max(len(series), 1)
    fmt = value_label or (lambda v: _label(v, decimals, unit))

    def y(value: float) -> float:
        return baseline - plot_height * min(value, top) / top

    legend, x = [], _LEFT
    for item in series:
        legend.append({"x": _num(x), "text_x": _num(x + 20), "colour": item.colour,
                       "label": item.label})
        x += 28 + 7.5 * len(item.label)
    # value axis: five steps of a round size (10, 0.5, 4 …), labelled without false precision
    tick = top / _TICKS
    tick_decimals = 0 if abs(tick - round(tick)) < 1e-9 else 1
    ticks = [{"y": _num(y(tick * step)), "text_y": _num(y(tick * step) + 4),
              "label": _label(tick * step, tick_decimals, unit)} for step in range(_TICKS + 1)]
    show_values = len(categories) * len(series) <= _VALUE_LABELS_UP_TO
    groups = []
    for index, category in enumerate(categories):
        gx = _LEFT + group * index + group * 0.1
        bars = []
        for position, item in enumerate(series):
            value = item.values[index] if index < len(item.values) else None
            if value is None:
                continue
            bx = gx + bar_width * position
            by = y(value)
            bars.append({"x": _num(bx), "y": _num(by), "width": _num(bar_width - 1),
                         "height": _num(baseline - by), "colour": item.colour,
                         "text_x": _num(bx + bar_width / 2), "text_y": _num(by - 4),
                         "label": fmt(value) if show_values else None})
        groups.append({"bars": bars, "label": category,
                       "x": _num(_LEFT + group * index + group / 2),
                       "y": _num(baseline + 18)})
    return partials.render("charts/bar.svg", {
        "id": chart_id, "title": title, "description": description,
        "width": _num(width), "height": _HEIGHT, "left": _LEFT, "right": _num(_LEFT + plot_width),
        "baseline": _num(baseline), "legend": legend, "ticks": ticks, "groups": groups,
        "ink": INK, "grid": GRID,
    })


# The frame of a rating chart (written as numbers in templates/jinja2/charts/rating.svg).
RATING_WIDTH, RATING_HEIGHT, RATING_PAD = 220, 70, 10


def rating_chart(*, chart_id: str, title: str, values: Sequence[int],
                 minimum: int | None = None, maximum: int | None = None,
                 slots: Sequence[int] | None = None, client_values: Sequence[int] = (),
                 client_slots: Sequence[int] | None = None) -> Markup:
    """An item's AVAIN ratings in order as points joined by a line, on the scale from
    ``minimum`` to ``maximum`` (the values' own range without a scale), with a grid line per
    level when there are at most eleven. ``title`` is the chart's accessible name.

    ``client_values`` is a second line, the client's own ratings beside the professional's
    (``values``), drawn dashed with square points so the two differ by more than colour. The
    ``slots`` of each line place its points on a shared axis of occasions (0, 1, …); without
    them a line's points are its own occasions in order."""
    slots = list(range(len(values))) if slots is None else list(slots)
    client_slots = list(range(len(client_values))) if client_slots is None \
        else list(client_slots)
    every = [*values, *client_values]
    low = min([minimum if minimum is not None else min(every), *every])
    high = max([maximum if maximum is not None else max(every), *every])
    span = max(high - low, 1)
    inner_w, inner_h = RATING_WIDTH - 2 * RATING_PAD, RATING_HEIGHT - 2 * RATING_PAD
    count = max([*slots, *client_slots, 0]) + 1

    def y(value: int) -> float:
        return round(RATING_PAD + (high - value) / span * inner_h, 1)

    def x(slot: int) -> float:
        return round(RATING_PAD + (slot * inner_w / (count - 1) if count > 1 else inner_w / 2),
                     1)

    points = [(x(slot), y(v)) for slot, v in zip(slots, values, strict=True)]
    client = [(x(slot), y(v)) for slot, v in zip(client_slots, client_values, strict=True)]

    def line(pts: list[tuple[float, float]]) -> str:
        return " ".join(f"{px},{py}" for px, py in pts) if len(pts) > 1 else ""

    return partials.render("charts/rating.svg", {
        "id": chart_id, "title": title, "points": points, "polyline": line(points),
        "client_points": [(px - 4, py - 4) for px, py in client], "client_line": line(client),
        "grid": [y(v) for v in range(low, high + 1)] if high - low <= 10 else [],
    })


PATH_LABEL = 270
PATH_CELL = 18
PATH_GAP = 3
PATH_LANE = 30
PATH_TOP = 24


@dataclass(frozen=True)
class PathLane:
    """One sector's row of the service path: its label and per month the level of shade
    (0–4) and whether there was an emergency visit."""

    label: str
    levels: Sequence[int]
    emergencies: Sequence[bool]


def service_path_chart(*, chart_id: str, title: str, months: Sequence[date],
                       lanes: Sequence[PathLane]) -> Markup:
    """A person's service path: one lane per sector, one square per month whose shade (the
    classes ``sc-l0`` … ``sc-l4``) tells the number of events, a black corner on months with an
    emergency visit, the years above. ``title`` is the chart's accessible name."""
    rows = []
    for row, lane in enumerate(lanes):
        top = PATH_TOP + row * PATH_LANE
        cells = []
        for col, (level, emergency) in enumerate(zip(lane.levels, lane.emergencies,
                                                     strict=True)):
            x = PATH_LABEL + col * (PATH_CELL + PATH_GAP)
            cells.append({"x": x, "level": level, "corner": (
                f"{x + PATH_CELL - 9},{top} {x + PATH_CELL},{top} {x + PATH_CELL},{top + 9}"
                if emergency else None)})
        rows.append({"label": lane.label, "y": top, "text_y": top + PATH_CELL - 3,
                     "cells": cells})
    # A year's label at its January, and at the first month when that is early enough in the
    # year for the label not to run into the next one.
    years = [{"x": PATH_LABEL + i * (PATH_CELL + PATH_GAP), "label": m.year,
              "line_x": PATH_LABEL + i * (PATH_CELL + PATH_GAP) - PATH_GAP // 2,
              "january": m.month == 1}
             for i, m in enumerate(months) if m.month == 1 or (i == 0 and m.month <= 9)]
    height = PATH_TOP + len(lanes) * PATH_LANE + 4
    return partials.render("charts/service_path.svg", {
        "id": chart_id, "title": title, "rows": rows, "years": years, "size": PATH_CELL,
        "width": PATH_LABEL + len(months) * (PATH_CELL + PATH_GAP) + 4, "height": height,
        "year_y": PATH_TOP - 8, "line_top": PATH_TOP - 18, "line_bottom": height - 2,
    })
