"""A professional's own API tokens: reached from the header, listed, one revoked."""

import pytest
from e2e_helpers import assert_accessible, assert_path, login

from luotsi.api.models import ApiToken

pytestmark = pytest.mark.e2e


def test_api_tokens_listed_and_one_revoked(page_en, alice):
    page = page_en
    kept, _ = ApiToken.issue(alice, "reporting")
    leaked, _ = ApiToken.issue(alice, "old laptop")
    login(page, "alice")
    with page.expect_navigation():
        page.click("header a[href='/account/api-tokens/']")
    assert_path(page, "/account/api-tokens/")
    assert page.locator("main table tbody tr").count() == 2
    assert page.locator(f"main td code:has-text('{kept.prefix}')").is_visible()
    assert_accessible(page)

    row = page.locator("main table tbody tr", has_text="old laptop")
    with page.expect_navigation():
        row.get_by_role("button", name="Revoke").click()
    assert_path(page, "/account/api-tokens/")
    assert page.locator(".messages").is_visible()
    row = page.locator("main table tbody tr", has_text="old laptop")
    assert "Revoked" in row.inner_text()
    assert row.get_by_role("button").count() == 0
    assert_accessible(page)
    leaked.refresh_from_db()
    kept.refresh_from_db()
    assert leaked.revoked_at is not None and kept.revoked_at is None
