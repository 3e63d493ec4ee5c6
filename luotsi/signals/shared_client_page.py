"""The intervention marks on the shared client's page (``luotsi.sharedcare.page_sections``):
the earlier signals before the person's first flag, read after the gateway has allowed the page,
as the service path is."""

from __future__ import annotations

from luotsi.sharedcare.page_sections import Section
from luotsi.signals import selectors, texts


def sections(user, access, today) -> list[Section]:
    found = selectors.person_marks(access)
    rows = [{"mark": mark, "what": texts.what_happened(mark), "lead": texts.lead(mark)}
            for mark in found.marks]
    return [Section(key="intervention_points", template="signals/_marks.html",
                    context={"flag_date": found.flag_date, "rows": rows}, order=10)]
