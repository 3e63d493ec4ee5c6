"""Rules that express the seed's target groups: age at the as-of date, sectors used together,
service kinds; a draft previewed against the active version and activated through the admin;
every flag names the version that raised it; conditions that cannot match anyone refused."""

from __future__ import annotations

import html
import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.usage import identification, services
from luotsi.usage.identification import born_by_age, matches
from luotsi.usage.models import Flag, IdentificationRule, ImportBatch, RuleVersion, ServiceEvent

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 2, 28)

WORKING_AGE = {
    "code": "working_age_mhs_employment",
    "active": "on",
    "name_fi": "Työikäinen: mielenterveys- ja päihdepalvelut sekä työllisyyspalvelut",
    "name_sv": "Person i arbetsför ålder: mentalvårds- och missbrukartjänster samt "
               "sysselsättningstjänster",
    "name_en": "Working-age: mental-health/substance and employment services",
    "explanation_fi": "Seed 003, kohderyhmä 2.",
    "explanation_sv": "",
    "explanation_en": "",
    "measure": "distinct_sectors",
    "threshold": "2",
    "event_kind": "",
    "sector": "",
    "window_days": "365",
    "min_age": "18",
    "max_age": "64",
    "sectors_together": ["mental_health_substance", "employment"],
}


def uses(person, *sectors, day=AS_OF, kind="visit"):
    ServiceEvent.objects.bulk_create([
        ServiceEvent(person=person, sector=sector, service_code="X", organisation="Org",
                     event_date=day, kind=kind) for sector in sectors])


def identify(as_of=AS_OF) -> dict:
    out = StringIO()
    call_command("identify_shared_clients", "--as-of", as_of.isoformat(), "--json", stdout=out)
    return {item["person_id"]: item["rules"] for item in json.loads(out.getvalue())["flagged"]}


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    return client


def _compute_preview(admin_client, draft: RuleVersion, **changes) -> str:
    """Press "Save and compute the preview" on the draft's page; the page it returns to."""
    url = f"/admin/usage/ruleversion/{draft.pk}/change/"
    response = admin_client.post(url, {
        **{k: v for k, v in WORKING_AGE.items() if k in RuleVersion.CONDITION_FIELDS},
        **changes, "_preview": "1"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == f"{url}#rule-preview-date"
    return admin_client.get(url).content.decode()


@pytest.mark.parametrize(("as_of", "years", "expected"), [
    (date(2026, 2, 28), 18, date(2008, 2, 29)),  # born on a leap day: 18 on the month's end
    (date(2028, 2, 28), 18, date(2010, 2, 28)),  # a leap year's 28th is not the month's end
    (date(2028, 2, 29), 18, date(2010, 2, 28)),
    (date(2028, 2, 29), 20, date(2008, 2, 29)),
    (date(2026, 12, 31), 65, date(1961, 12, 31)),
    (date(2026, 3, 1), 18, date(2008, 3, 1)),
])
def test_born_by_age__the_month_end_for_a_leap_day(as_of, years, expected):
    assert born_by_age(as_of, years) == expected


def test_age_range_counts_on_the_as_of_date(default_rules):
    rule = IdentificationRule(code="x", name_fi="x", measure="distinct_sectors", threshold=2,
                              window_days=365, min_age=18, max_age=64,
                              sectors_together=["mental_health_substance", "employment"])
    leap_day = PersonFactory(birth_date=date(2008, 2, 29))  # 18 on 28.2.2026
    day_after = PersonFactory(birth_date=date(2008, 3, 1))  # 17 until 1.3.2026
    turns_65 = PersonFactory(birth_date=date(1961, 2, 28))  # 65 on the as-of date
    is_64 = PersonFactory(birth_date=date(1961, 3, 1))
    no_birth_date = PersonFactory()  # a temporary identity: no date of birth known
    type(no_birth_date).objects.filter(pk=no_birth_date.pk).update(birth_date=None)
    for person in (leap_day, day_after, turns_65, is_64, no_birth_date):
        uses(person, "mental_health_substance", "employment")
    assert set(matches(rule, AS_OF)) == {leap_day.pk, is_64.pk}
    # 1.3.2026: the one born on 1.3.2008 is 18, the one born on 1.3.1961 is 65.
    assert set(matches(rule, AS_OF + timedelta(days=1))) == {leap_day.pk, day_after.pk}


def test_sectors_used_together_and_kinds(default_rules):
    rule = IdentificationRule(code="x", name_fi="x", measure="distinct_sectors", threshold=2,
                              window_days=365,
                              sectors_together=["mental_health_substance", "employment"])
    both = PersonFactory()
    uses(both, "mental_health_substance", "employment")
    other_pair = PersonFactory()  # two sectors, but not the pair
    uses(other_pair, "health", "employment")
    outside = PersonFactory()  # the pair, one of them before the window
    uses(outside, "employment")
    uses(outside, "mental_health_substance", day=AS_OF - timedelta(days=365))
    assert set(matches(rule, AS_OF)) == {both.pk}

    rule.event_kinds = ["decision"]
    assert set(matches(rule, AS_OF)) == set()
    decided = PersonFactory()
    uses(decided, "mental_health_substance", "employment", kind="decision")
    assert set(matches(rule, AS_OF)) == {decided.pk}

    # A count of one sector's events beside the pair: the pair's other sector still counts.
    rule = IdentificationRule(code="y", name_fi="y", measure="events_in_sector",
                              sector="employment", threshold=2, window_days=365,
                              sectors_together=["mental_health_substance", "employment"])
    uses(both, "employment", day=AS_OF - timedelta(days=3))
    assert set(matches(rule, AS_OF)) == {both.pk}


def test_rule_created_previewed_activated_and_its_flags_name_the_version(
        admin_client, default_rules):
    worker = PersonFactory(birth_date=date(1990, 5, 5))
    uses(worker, "mental_health_substance", "employment", day=timezone.localdate())
    child = PersonFactory(birth_date=born_by_age(timezone.localdate(), 15))
    uses(child, "mental_health_substance", "employment", day=timezone.localdate())

    response = admin_client.post("/admin/usage/identificationrule/add/", WORKING_AGE)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = IdentificationRule.objects.get(code="working_age_mhs_employment")
    assert rule.version == 0  # not evaluated before its draft is activated
    draft = rule.versions.get()
    assert draft.status == RuleVersion.Status.DRAFT and draft.min_age == 18
    assert response["Location"] == f"/admin/usage/ruleversion/{draft.pk}/change/"
    assert "working_age_mhs_employment" not in identify(timezone.localdate()).get(worker.pk, [])

    page = admin_client.get(f"/admin/usage/ruleversion/{draft.pk}/change/")
    text = page.content.decode()
    assert "Not computed yet" in text and "This draft would flag" not in text
    assert 'name="_preview"' in text and 'name="_activate"' in text
    text = _compute_preview(admin_client, draft)
    assert "This draft would flag</th><td>1<" in text
    assert "none yet" in text

    form = {**{k: v for k, v in WORKING_AGE.items() if k in RuleVersion.CONDITION_FIELDS},
            "_activate": "1"}
    response = admin_client.post(f"/admin/usage/ruleversion/{draft.pk}/change/", form)
    assert response.status_code == 302
    rule.refresh_from_db()
    draft.refresh_from_db()
    assert (rule.version, draft.number, draft.status) == (1, 1, RuleVersion.Status.ACTIVE)
    assert rule.sectors_together == ["mental_health_substance", "employment"]
    assert "working_age_mhs_employment" in identify(timezone.localdate())[worker.pk]
    assert "working_age_mhs_employment" not in identify(timezone.localdate()).get(child.pk, [])
    flag = Flag.objects.get(rule=rule)
    assert (flag.person_id, flag.rule_version) == (worker.pk, 1)

    # A new draft from the rule's page: previewed against version 1, then activated as 2.
    page = admin_client.get(f"/admin/usage/identificationrule/{rule.pk}/change/")
    assert f"/admin/usage/ruleversion/add/?rule={rule.pk}" in page.content.decode()
    add = admin_client.get(f"/admin/usage/ruleversion/add/?rule={rule.pk}")
    assert add.context["adminform"].form.initial["min_age"] == 18
    response = admin_client.post("/admin/usage/ruleversion/add/", {
        **{k: v for k, v in WORKING_AGE.items() if k in RuleVersion.CONDITION_FIELDS},
        "rule": rule.pk, "min_age": "15"})
    assert response.status_code == 302
    second = rule.versions.get(status=RuleVersion.Status.DRAFT)
    text = _compute_preview(admin_client, second, min_age="15")
    assert "This draft would flag</th><td>2<" in text
    assert "The active version 1 flags</th><td>1<" in text
    assert "Difference</th><td>+1<" in text
    assert "Flagged by this draft only</th><td>1<" in text
    assert "No longer flagged</th><td>0<" in text
    first_flagged = flag.first_flagged_on
    admin_client.post(f"/admin/usage/ruleversion/{second.pk}/change/", {
        **{k: v for k, v in WORKING_AGE.items() if k in RuleVersion.CONDITION_FIELDS},
        "min_age": "15", "_activate": "1"})
    rule.refresh_from_db()
    assert rule.version == 2 and rule.min_age == 15
    assert list(rule.versions.order_by("number").values_list("number", "status")) == [
        (1, "superseded"), (2, "active")]
    identify(timezone.localdate())
    flags = {f.person_id: f for f in Flag.objects.filter(rule=rule)}
    assert {pid: f.rule_version for pid, f in flags.items()} == {worker.pk: 2, child.pk: 2}
    assert flags[worker.pk].first_flagged_on == first_flagged
    # A version that has counted is history: read-only, not deleted.
    assert admin_client.post(f"/admin/usage/ruleversion/{draft.pk}/delete/",
                             {"post": "yes"}).status_code == 403


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"min_age": "65", "max_age": "18"}, "max_age", "could not match anyone"),
    ({"max_age": "121"}, "max_age", "between 0 and 120"),
    ({"sectors_together": ["employment"]}, "sectors_together", "at least two"),
    ({"measure": "events_of_kind", "event_kind": "doctor_visit", "event_kinds": ["decision"]},
     "event_kinds", "could not match anyone"),
    ({"measure": "distinct_sectors", "threshold": "5"}, "threshold", "only 4 sectors"),
], ids=["ages-crossed", "age-too-high", "one-sector-together", "kind-not-counted",
        "too-many-sectors"])
def test_conditions_that_cannot_match_anyone_refused_naming_the_field(
        admin_client, default_rules, change, field, words):
    rule = default_rules["multi_sector"]
    response = admin_client.post("/admin/usage/ruleversion/add/", {
        **{k: v for k, v in WORKING_AGE.items() if k in RuleVersion.CONDITION_FIELDS},
        "rule": rule.pk, **change})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert words in errors[field][0]
    assert not RuleVersion.objects.filter(status=RuleVersion.Status.DRAFT).exists()


def test_activation_refuses_a_draft_made_impossible_and_a_version_not_a_draft(default_rules):
    from django.core.exceptions import ValidationError

    from luotsi.usage import services

    rule = default_rules["multi_sector"]
    draft = RuleVersion.objects.create(rule=rule, status="draft", measure="distinct_sectors",
                                       threshold=2, window_days=365, min_age=70, max_age=20)
    with pytest.raises(ValidationError) as refused:
        services.rule_version_activate(actor=None, version=draft)
    assert list(refused.value.message_dict) == ["max_age"]
    rule.refresh_from_db()
    assert rule.version == 1 and rule.min_age is None
    draft.max_age = 80
    draft.save()
    version = services.rule_version_activate(actor=None, version=draft)
    assert version.number == 2
    # The conditions loaded before versions were recorded are kept as version 1.
    assert rule.versions.get(number=1).status == RuleVersion.Status.SUPERSEDED
    with pytest.raises(ValidationError) as again:
        services.rule_version_activate(actor=None, version=version)
    assert list(again.value.message_dict) == ["status"]


def _draft_of(rule, **changes) -> RuleVersion:
    return RuleVersion.objects.create(rule=rule, status="draft", **{**rule.conditions(), **changes})


def test_draft_page__opening_it_counts_nothing_in_a_fixed_number_of_statements(
        admin_client, default_rules, django_assert_num_queries):
    rule = default_rules["multi_sector"]
    draft = _draft_of(rule, threshold=2)
    url = f"/admin/usage/ruleversion/{draft.pk}/change/"
    admin_client.get(url)
    # session, user, the draft, its rule; with a preview stored, the latest import beside it
    # (has it changed since?)
    with CaptureQueriesContext(connection) as empty:
        assert admin_client.get(url).status_code == 200
    assert len(empty.captured_queries) == 4
    services.rule_version_preview(actor=None, version=draft)
    for _ in range(3):
        uses(PersonFactory(), "health", "social", "employment", day=timezone.localdate())
    ImportBatch.objects.create(source="events.csv")
    with django_assert_num_queries(5) as stored:
        text = admin_client.get(url).content.decode()
    assert "This draft would flag</th><td>0<" in text
    assert not [q for q in [*empty.captured_queries, *stored.captured_queries]
                if "usage_serviceevent" in q["sql"]]


def test_preview__the_figures_of_the_count_kept_with_when_and_what_over(
        admin_client, default_rules):
    rule = default_rules["multi_sector"]
    today = timezone.localdate()
    for _ in range(2):
        uses(PersonFactory(), "health", "social", "employment", day=today)
    uses(PersonFactory(), "health", "social", day=today)
    ImportBatch.objects.create(source="events-2026-12.csv")
    draft = _draft_of(rule, threshold=2)
    counted = identification.preview(draft, rule, today)
    services.rule_version_preview(actor=None, version=draft)
    draft.refresh_from_db()
    assert draft.preview_computed_at is not None
    figures = draft.preview_figures
    assert (figures["would_flag"], figures["active_flags"], figures["added"],
            figures["removed"]) == (counted.would_flag, counted.active_flags, counted.added,
                                    counted.removed) == (3, 2, 1, 0)
    assert figures["as_of"] == today.isoformat() and figures["active_version"] == rule.version
    assert figures["import"]["source"] == "events-2026-12.csv"
    url = f"/admin/usage/ruleversion/{draft.pk}/change/"
    text = admin_client.get(url).content.decode()
    assert "This draft would flag</th><td>3<" in text
    assert f"The active version {rule.version} flags</th><td>2<" in text
    assert "Difference</th><td>+1<" in text
    assert "over the events up to the import of" in text and "(events-2026-12.csv)" in text
    assert "rule-preview-stale" not in text

    # What it was computed over has moved on: the page says so, and still counts nothing.
    yesterday = {**figures, "as_of": (today - timedelta(days=1)).isoformat()}
    RuleVersion.objects.filter(pk=draft.pk).update(threshold=3, preview_figures=yesterday)
    ImportBatch.objects.create(source="events-2027-01.csv")
    IdentificationRule.objects.filter(pk=rule.pk).update(version=rule.version + 1)
    text = html.unescape(admin_client.get(url).content.decode())
    for reason in ("The draft's conditions have changed since.",
                   "The rule's active version has changed since.",
                   "Events have been imported since.", "It was counted on an earlier day.",
                   "Compute it again"):
        assert reason in text
    assert "This draft would flag</th><td>3<" in text


def test_preview__only_a_draft_and_only_with_the_right_to_change_it(client, default_rules):
    from django.contrib.auth.models import Permission
    from django.core.exceptions import ValidationError

    rule = default_rules["multi_sector"]
    draft = _draft_of(rule, threshold=2)
    reader = UserFactory(username="reader", role=Role.ADMIN, is_staff=True)
    reader.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_ruleversion", "view_identificationrule"]))
    client.force_login(reader)
    url = f"/admin/usage/ruleversion/{draft.pk}/change/"
    assert client.get(url).status_code == 200
    form = {**rule.conditions(), "threshold": "2", "_preview": "1"}
    form = {k: v for k, v in form.items() if v is not None}
    assert client.post(url, form).status_code == 403
    draft.refresh_from_db()
    assert draft.preview_figures is None
    active = rule.versions.get(status=RuleVersion.Status.ACTIVE)
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.post(f"/admin/usage/ruleversion/{active.pk}/change/",
                       form).status_code == 403
    with pytest.raises(ValidationError) as refused:
        services.rule_version_preview(actor=admin, version=active)
    assert list(refused.value.message_dict) == ["status"]
