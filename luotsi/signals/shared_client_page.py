"""The intervention marks on the shared client's page (``luotsi.sharedcare.page_sections``):
the earlier signals before the person's first flag, read after the gateway has allowed the page,
as the service path is. The first flag comes from the flags and the decision the page has
already read (``loaded``)."""

from __future__ import annotations

from luotsi.sharedcare.page_sections import Loaded, Section
from luotsi.signals import selectors, texts


def sections(user, access, today, loaded: Loaded) -> list[Section]:
    found = selectors.person_marks(access, loaded.flags, loaded.shared)
    rows = [{"mark": mark, "what": texts.what_happened(mark), "lead": texts.lead(mark)}
            for mark in found.marks]
    return [Section(key="intervention_points", template="signals/_marks.html",
                    context={"flag_date": found.flag_date, "rows": rows}, order=10)]
