"""Accessibility across pages: the two-tone focus ring has enough contrast on white and on the
dark header (WCAG 1.4.11), the admin's change lists and inlines label every input, and the
reports are reachable from a plain text link."""

from __future__ import annotations

import re

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e


def _rgb(text: str) -> tuple[float, float, float]:
    red, green, blue = (int(v) for v in re.findall(r"\d+", text)[:3])
    return red, green, blue


def _luminance(rgb) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one, other) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


_RING = """element => {
    const style = getComputedStyle(element);
    let node = element.parentElement, background = 'rgba(0, 0, 0, 0)';
    while (node && /rgba\\(0, 0, 0, 0\\)|transparent/.test(background)) {
        background = getComputedStyle(node).backgroundColor; node = node.parentElement;
    }
    return {outline: style.outlineColor, outlineStyle: style.outlineStyle,
            outlineWidth: style.outlineWidth, shadow: style.boxShadow, background};
}"""


def test_focus_ring__two_tone_with_enough_contrast_on_white_and_on_the_header(page):
    page.goto("/login/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    focused = page.evaluate_handle("document.activeElement")
    assert focused.evaluate("e => e.tagName") != "BODY"
    # A field on the white page: the dark inner ring carries the contrast.
    field = page.locator("#id_username")
    field.focus()
    ring = field.evaluate(_RING)
    assert ring["outlineStyle"] == "solid" and float(ring["outlineWidth"][:-2]) >= 2
    inner, outer = _rgb(ring["outline"]), _rgb(ring["shadow"])
    assert contrast(inner, _rgb(ring["background"])) >= 3, ring
    assert contrast(inner, outer) >= 3, ring  # the two tones tell apart from each other too
    # A link on the dark header: the yellow outer ring carries the contrast.
    brand = page.locator("header .brand")
    brand.focus()
    ring = brand.evaluate(_RING)
    assert contrast(_rgb(ring["shadow"]), _rgb(ring["background"])) >= 3, ring
    assert_accessible(page)


def test_admin_lists_and_inlines__every_input_labelled(page, admin_user):
    from luotsi.plans.models import RatingScale

    login(page, "admin")
    scale = RatingScale.objects.order_by("pk").first()
    for url in ("/admin/", "/admin/plans/codelistitem/", "/admin/sharedcare/checklistitem/",
                f"/admin/plans/ratingscale/{scale.pk}/change/", "/admin/axes/accessattempt/",
                "/admin/organisation/user/", f"/admin/organisation/user/{admin_user.pk}/change/",
                "/admin/auth/group/add/", "/admin/intake/servicecatalogueitem/add/"):
        page.goto(url)
        assert_accessible(page)
    page.goto("/admin/plans/codelistitem/")
    boxes = page.locator("#result_list input[type=checkbox][name$='-active']")
    assert boxes.count() >= 40
    assert boxes.first.get_attribute("aria-label").startswith("Käytössä: ")


def test_reports__reachable_from_a_text_link_on_the_home_page(page, lead, settings):
    settings.DEMO_MODE = True  # the demo banner, too, sits inside a landmark
    login(page, "lead")
    assert page.locator("header .demo-banner").count() == 1
    links = page.locator("main a[href='/reports/kpis/']")
    assert links.count() == 1 and links.first.is_visible()
    assert_accessible(page)
