"""The Django admin as Luotsi's administrator uses it: the index and the municipality routing
table (municipality → region)."""

import pytest
from e2e_helpers import assert_accessible, assert_path, login

from luotsi.organisation.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.e2e


def test_admin_index(page, admin_user):
    login(page, "admin")
    with page.expect_navigation():
        page.click("header nav details:has(a[href='/admin/']) > summary")  # its menu
        page.click("header nav a[href='/admin/']")
    assert_path(page, "/admin/")
    assert page.locator("a[href='/admin/organisation/municipality/']").count() >= 1
    assert_accessible(page)


def test_admin_municipality_routing_list(page, admin_user, municipality):
    MunicipalityFactory(code="020", name_fi="Askola", name_sv="Askola")
    login(page, "admin")
    page.goto("/admin/organisation/municipality/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    # The region is editable in the list (list_editable): one select per row.
    assert page.locator("#result_list select[name$='-region']").count() == 2
    # Django renders list_editable widgets without a label; MunicipalityAdmin gives each region
    # select an aria-label naming its municipality.
    assert page.locator("#result_list select[aria-label]").count() == 2
    assert_accessible(page)
