"""The capped paginator: counts stop a little past the page asked for."""

from __future__ import annotations

import pytest

from luotsi.common.paging import CappedPaginator


def _paginator(rows: int, page_number, floor: int = 100):
    asked = []

    def count_upto(limit):
        asked.append(limit)
        counted = min(rows, limit + 1)
        return counted, counted > limit

    return CappedPaginator(list(range(rows)), 10, page_number=page_number, floor=floor,
                           count_upto=count_upto), asked


@pytest.mark.parametrize(("page_number", "limit"), [
    (None, 100), ("abc", 100), ("-3", 100), ("1", 100), ("9", 100), ("10", 110), ("40", 410)])
def test_limit_is_the_floor_or_one_page_past_the_page_asked_for(page_number, limit):
    paginator, asked = _paginator(5_000, page_number)
    assert paginator.count == limit + 1
    assert paginator.capped
    assert asked == [limit]


def test_a_short_list_is_counted_exactly():
    paginator, _asked = _paginator(37, "2")
    assert paginator.count == 37
    assert not paginator.capped
    assert paginator.num_pages == 4
    assert list(paginator.get_page("2").object_list) == list(range(10, 20))


def test_a_long_list_keeps_every_page_reachable():
    paginator, _asked = _paginator(5_000, "40")
    page = paginator.get_page("40")
    assert list(page.object_list) == list(range(390, 400))
    assert page.has_next()
