"""Every chart of Luotsi (luotsi.common.charts): accessible names, geometry, no inline styles,
and every text that reaches the SVG escaped."""

import re
from datetime import date

import pytest
from django.utils import translation

from luotsi.common.charts import (
    PathLane,
    Series,
    bar_chart,
    nice_ceiling,
    rating_chart,
    service_path_chart,
)


@pytest.mark.parametrize(("value", "expected"), [
    (0, 1), (0.3, 0.5), (1, 1), (1.2, 2), (2.2, 2.5), (40, 50), (50, 50), (51, 100), (730, 1000),
])
def test_nice_ceiling(value, expected):
    assert nice_ceiling(value) == expected


def _chart(**kwargs):
    defaults = {"chart_id": "c", "title": "Share by month", "description": "See the table.",
                "categories": ["1/25", "2/25", "3/25"],
                "series": [Series("This period", [40.0, None, 10.0]),
                           Series("A year earlier", [50.0, 20.0, None], "#767676")],
                "unit": " %"}
    return str(bar_chart(**{**defaults, **kwargs}))


def test_chart_is_an_image_with_a_name_and_a_description():
    svg = _chart()
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Share by month</title>' in svg
    assert '<desc id="c-desc">See the table.</desc>' in svg
    assert "style=" not in svg and "<script" not in svg


def test_one_bar_per_value_and_none_draws_nothing():
    svg = _chart()
    bars = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill', svg)
    assert len(bars) == 2 + 4  # two legend swatches, four values
    heights = sorted(float(h) for h in bars)
    # axis maximum 50: 40 % is four fifths of 50 %, and 10 % a fifth
    plot = max(heights)
    assert heights[-2] == pytest.approx(plot * 0.8, abs=0.2)


def test_axis_labels_in_the_users_language():
    with translation.override("fi"):
        svg = _chart(series=[Series("x", [2.2, 1.0, 0.4])], unit="")
    assert ">0,5<" in svg and ">2,5<" in svg  # ticks of 0.5 up to 2.5


def test_text_is_escaped():
    svg = _chart(title="<script>alert(1)</script>", categories=['"><b>', "b", "c"],
                 series=[Series("<i>", [1.0, 2.0, 3.0])])
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg


def test_empty_chart():
    svg = _chart(series=[Series("x", [None, None, None])])
    assert svg.count("<rect") == 1  # the legend swatch only


# --- every text that reaches an SVG is escaped ---------------------------------------------------

HOSTILE = "<script>alert('x')</script> \" onload=\"alert(1)\" & ' <b>"


def _no_markup_from(text: str, svg: str) -> None:
    """``text`` appears only escaped: no tag, attribute break-out or bare ampersand from it."""
    assert "<script" not in svg and "<b>" not in svg
    assert '" onload="' not in svg and "onload=\"alert" not in svg
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in svg
    assert "&amp; &#39; &lt;b&gt;" in svg
    assert re.search(r"&(?!(amp|lt|gt|#34|#39);)", svg) is None, "a bare ampersand"


@pytest.mark.parametrize("field", ["title", "description", "category", "series", "value",
                                   "chart_id", "colour"])
def test_bar_chart__every_text_is_escaped(field):
    kwargs = {
        "title": {"title": HOSTILE},
        "description": {"description": HOSTILE},
        "category": {"categories": [HOSTILE, "b", "c"]},
        "series": {"series": [Series(HOSTILE, [1.0, 2.0, 3.0])]},
        "value": {"value_label": lambda value: HOSTILE},
        "chart_id": {"chart_id": HOSTILE},
        "colour": {"series": [Series("x", [1.0, 2.0, 3.0], HOSTILE)]},
    }[field]
    _no_markup_from(HOSTILE, _chart(**kwargs))


def _rating(**kwargs):
    defaults = {"chart_id": "chart-7", "title": "AVAIN ratings: 2 → 4", "values": [2, 4],
                "minimum": 1, "maximum": 5}
    return str(rating_chart(**{**defaults, **kwargs}))


def test_rating_chart__an_image_named_by_its_title():
    svg = _rating()
    assert svg.startswith('<svg class="chart" width="220" height="70" viewBox="0 0 220 70" '
                          'role="img" aria-labelledby="chart-7-title" focusable="false">')
    assert svg.endswith("</svg>")
    assert '<title id="chart-7-title">AVAIN ratings: 2 → 4</title>' in svg
    assert "style=" not in svg and "<script" not in svg


def test_rating_chart__points_line_and_a_grid_line_per_level():
    svg = _rating()
    # scale 1–5 over 50 px: 4 is a quarter from the top (10 + 12.5), 2 three quarters
    assert re.findall(r'<circle class="chart-point" cx="([\d.]+)" cy="([\d.]+)"', svg) == [
        ("10.0", "47.5"), ("210.0", "22.5")]
    assert '<polyline class="chart-line" points="10.0,47.5 210.0,22.5"/>' in svg
    assert svg.count('class="chart-grid"') == 5


def test_rating_chart__one_rating_is_a_point_in_the_middle_without_a_line():
    svg = _rating(values=[3])
    assert re.findall(r'cx="([\d.]+)"', svg) == ["110.0"] and "polyline" not in svg


def test_rating_chart__values_outside_the_scale_widen_it_and_no_scale_uses_the_values():
    assert _rating(values=[0, 7]).count('class="chart-grid"') == 8  # 0 … 7
    assert _rating(values=[2, 3], minimum=None, maximum=None).count('class="chart-grid"') == 2
    assert 'class="chart-grid"' not in _rating(values=[0, 20], minimum=0, maximum=20)


@pytest.mark.parametrize("field", ["title", "chart_id"])
def test_rating_chart__every_text_is_escaped(field):
    _no_markup_from(HOSTILE, _rating(**{field: HOSTILE}))


def _path(**kwargs):
    months = [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]
    defaults = {"chart_id": "path-summary", "title": "Service path: Health 7",
                "months": months,
                "lanes": [PathLane("Health", [0, 1, 4, 2], [False, False, True, False]),
                          PathLane("Social", [0, 0, 0, 0], [False] * 4)]}
    return str(service_path_chart(**{**defaults, **kwargs}))


def test_service_path_chart__lanes_months_and_emergency_corners():
    svg = _path()
    assert svg.startswith('<svg role="img" aria-labelledby="path-summary"')
    assert '<title id="path-summary">Service path: Health 7</title>' in svg
    assert re.findall(r'class="sc-lane-label">([^<]*)<', svg) == ["Health", "Social"]
    assert len(re.findall(r'<rect [^>]*class="sc-l\d"', svg)) == 8
    assert re.findall(r'class="sc-l(\d)"', svg)[:4] == ["0", "1", "4", "2"]
    # one corner, the top right of January 2025 in the first lane (x = 270 + 2 × 21 … + 18)
    assert re.findall(r'<polygon points="([^"]+)" class="sc-em">', svg) == [
        "321,24 330,24 330,33"]
    # the first month is November: too late in the year for a label; January has one
    assert re.findall(r'class="sc-year">(\d+)<', svg) == ["2025"]
    assert svg.count('class="sc-yearline"') == 1
    assert "style=" not in svg and "<script" not in svg


@pytest.mark.parametrize("field", ["title", "lane", "chart_id"])
def test_service_path_chart__every_text_is_escaped(field):
    kwargs = {"title": {"title": HOSTILE}, "chart_id": {"chart_id": HOSTILE},
              "lane": {"lanes": [PathLane(HOSTILE, [1, 0, 0, 0], [False] * 4)]}}[field]
    _no_markup_from(HOSTILE, _path(**kwargs))
