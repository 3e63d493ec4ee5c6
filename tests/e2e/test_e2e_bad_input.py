"""Bad input on a page: an out-of-range date and a control character are refused next to their
fields, nothing is saved, and the refused page stays accessible."""

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e


def test_register_with_birth_date_before_1900_and_a_control_character(page_en, alice):
    from luotsi.people.models import Person

    page = page_en
    login(page, "alice")
    page.goto("/persons/new/")
    date_input = page.locator("#id_birth_date")
    assert date_input.get_attribute("min") == "1900-01-01"
    page.check("#id_temporary")
    page.fill("#id_first_name", "Eero\u0007")
    page.fill("#id_last_name", "Esimerkki")
    date_input.fill("1899-12-31")
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")

    assert_path(page, "/persons/new/")
    summary = page.locator(".error-summary")
    assert summary.locator("a[href='#id_birth_date']").count() == 1
    assert summary.locator("a[href='#id_first_name']").count() == 1
    assert "1900" in page.locator("#id_birth_date-error.error").inner_text()
    assert "control characters" in page.locator("#id_first_name-error.error").inner_text()
    assert page.locator("#id_last_name").input_value() == "Esimerkki"
    assert Person.objects.count() == 0
    assert_accessible(page)
