"""The data-protection officer finds the research file's export among the records that name no
person, narrowed to the basis ``research`` (secondary use, Act 552/2019)."""

import datetime as dt

import pytest
from django.utils import timezone
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e

UNNAMED = "table[aria-labelledby=unnamed-heading]"


@pytest.fixture
def exports(lead):
    from luotsi.access import log
    from luotsi.access.models import Basis, Category, LogAction, Outcome

    for basis, detail in ((Basis.RESEARCH, "AVAIN research file; purpose: Study A"),
                          (Basis.NONE, "an older export")):
        log.record(lead, person_id=None, category=Category.PLAN, action=LogAction.EXPORT,
                   basis=basis, outcome=Outcome.ALLOWED, detail=detail)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_records_naming_no_person__narrowed_to_research(new_page, charlie, exports, language):
    page = new_page(language=language)
    login(page, "charlie")
    page.goto("/access-log/report/")
    today = timezone.localdate()
    page.fill("#id_unnamed-start", (today - dt.timedelta(days=7)).isoformat())
    page.fill("#id_unnamed-end", today.isoformat())
    page.select_option("#id_unnamed-basis", "research")
    with page.expect_navigation():
        page.click("form[aria-labelledby=unnamed-form-heading] button[type=submit]")
    rows = page.locator(f"{UNNAMED} tbody tr")
    assert rows.count() == 1
    assert "purpose: Study A" in rows.first.inner_text()
    assert "552/2019" in rows.first.inner_text()
    assert page.locator("#id_unnamed-basis").input_value() == "research"
    assert_accessible(page)
