"""An identification rule for one of seed 003's target groups, in Chromium in Finnish and
Swedish: created in the admin with its conditions as the first draft, previewed when asked (how
many it would flag), activated; its flags name its version. Every page axe-clean."""

import io

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e

# The preview and activation buttons and the preview's first row in each language.
WORDS = {
    "fi": {"preview": "Tallenna ja laske esikatselu", "activate": "Tallenna ja ota käyttöön",
           "would": "Tämä luonnos merkitsisi"},
    "sv": {"preview": "Spara och beräkna förhandsvisningen", "activate": "Spara och aktivera",
           "would": "Detta utkast skulle markera"},
}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_working_age_rule__created_previewed_activated_flags_name_its_version(
        new_page, admin_user, language):
    from django.core.management import call_command
    from django.utils import timezone

    from luotsi.people.tests.factories import PersonFactory
    from luotsi.usage.identification import born_by_age
    from luotsi.usage.models import Flag, IdentificationRule, ServiceEvent

    today = timezone.localdate()
    adult = PersonFactory(birth_date=born_by_age(today, 40))
    child = PersonFactory(birth_date=born_by_age(today, 15))
    one_sector = PersonFactory(birth_date=born_by_age(today, 30))
    for person, sectors in ((adult, ["mental_health_substance", "employment"]),
                            (child, ["mental_health_substance", "employment"]),
                            (one_sector, ["employment", "health"])):
        ServiceEvent.objects.bulk_create([
            ServiceEvent(person=person, sector=sector, service_code="X", organisation="Org",
                         event_date=today, kind="visit") for sector in sectors])

    page = new_page(language=language)
    login(page, "admin")
    page.goto("/admin/usage/identificationrule/add/")
    assert_accessible(page)
    page.fill("#id_code", f"working_age_{language}")
    page.fill("#id_name_fi", "Työikäiset: mielenterveys- ja päihdepalvelut ja työllisyyspalvelut")
    page.fill("#id_name_sv", "Personer i arbetsför ålder: mentalvård och missbrukarvård samt "
                             "sysselsättningstjänster")
    page.fill("#id_name_en", "Working age: mental-health/substance and employment services")
    page.select_option("#id_measure", "distinct_sectors")
    page.fill("#id_threshold", "2")
    page.fill("#id_window_days", "365")
    page.fill("#id_min_age", "18")
    page.fill("#id_max_age", "64")
    page.check("input[name=sectors_together][value=mental_health_substance]")
    page.check("input[name=sectors_together][value=employment]")
    with page.expect_navigation():
        page.click("input[name=_save]")

    # The draft's page counts nothing until asked; then how many it would flag (the adult
    # only), no active version yet.
    rule = IdentificationRule.objects.get(code=f"working_age_{language}")
    draft = rule.versions.get()
    assert page.url.endswith(f"/admin/usage/ruleversion/{draft.pk}/change/")
    assert page.locator("table.rule-preview").count() == 0
    assert_accessible(page)
    with page.expect_navigation():
        page.click(f"input[name=_preview][value='{WORDS[language]['preview']}']")
    assert page.locator(".messagelist .success").count() == 1
    preview = page.locator("table.rule-preview")
    assert preview.locator("tr").first.inner_text().split("\t")[-1].strip() == "1"
    assert WORDS[language]["would"] in preview.inner_text()
    assert_accessible(page)

    with page.expect_navigation():
        page.click(f"input[name=_activate][value='{WORDS[language]['activate']}']")
    assert page.locator(".messagelist .success").count() == 1
    assert_accessible(page)
    rule.refresh_from_db()
    assert rule.version == 1

    call_command("identify_shared_clients", "--as-of", today.isoformat(), stdout=io.StringIO())
    flags = list(Flag.objects.filter(rule=rule).values_list("person_id", "rule_version"))
    assert flags == [(adult.pk, 1)]

    # The rule's own page names the active version and offers a new draft.
    page.goto(f"/admin/usage/identificationrule/{rule.pk}/change/")
    assert page.locator(f"a[href='/admin/usage/ruleversion/add/?rule={rule.pk}']").count() == 1
    assert_accessible(page)
