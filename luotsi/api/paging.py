"""Paging of the API's lists: ``limit`` (1–200, 50 unless asked), ``offset``, and ``count``, the
total, beside the page's ``items``.

django-ninja's own ``@paginate`` is not used: it slices the list after the operation has
returned, but each list logs the persons of the page it shows (the access gateway), so the
operation needs the page itself; and its generated ``Paged…`` schemas would rename the lists'
documented shapes in the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from luotsi.api.schemas import Offset

MAX_PAGE = 200
DEFAULT_LIMIT = 50

#: How many rows a page holds: 1 … ``MAX_PAGE``.
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE)]


# A list operation's paging parameters (a filter schema of its own declares ``limit: Limit =
# DEFAULT_LIMIT`` and ``offset: Offset = 0`` instead). No docstring: it would become the
# schema's description in the OpenAPI document.
class Page(Schema):
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


def page_of(queryset, page) -> tuple[list, int]:
    """The rows of ``page`` (anything with ``limit`` and ``offset``) and the total count; when
    there is nothing to list, the rows are not asked for."""
    count = queryset.count()
    rows = list(queryset[page.offset:page.offset + page.limit]) if count else []
    return rows, count
