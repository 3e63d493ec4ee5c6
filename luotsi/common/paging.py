"""Pages of long lists whose count stops a little past the page asked for."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from luotsi.common.converters import MAX_ID as MAX_INT


class CappedPaginator(Paginator):
    """A paginator that counts at most ``limit`` + 1 rows, where ``limit`` is ``floor`` or, for
    a deep page, one page past the page asked for: a page costs the same however long the list
    is, and a longer one shows "more than ``limit``" and "Page N" (every page stays reachable).

    ``count_upto(limit)`` returns ``(count, capped)``: the rows counted and whether there are
    more than ``limit``.
    """

    def __init__(self, object_list, per_page: int, *, page_number,
                 count_upto: Callable[[int], tuple[int, bool]], floor: int = 1000) -> None:
        super().__init__(object_list, per_page)
        try:
            number = max(int(page_number), 1)
        except (TypeError, ValueError):
            number = 1
        # A page number so large that its rows' offset would not fit a database integer asks
        # for the last page like any page past the end (the database is never given it).
        number = min(number, MAX_INT // per_page - 2)
        self.limit = max(floor, (number + 1) * per_page)
        self.capped = False
        self._count_upto = count_upto

    @cached_property
    def count(self) -> int:
        count, self.capped = self._count_upto(self.limit)
        return self.limit + 1 if self.capped else count
