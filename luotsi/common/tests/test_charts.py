"""The inline SVG bar charts: accessible names, escaping, no inline styles, bar geometry."""

import re

import pytest
from django.utils import translation

from luotsi.common.charts import Series, bar_chart, nice_ceiling


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
