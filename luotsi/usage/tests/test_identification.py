"""identify_shared_clients: windows, flags kept current, daily runs, rules changed by an admin."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.usage.models import (
    Flag,
    IdentificationRule,
    IdentificationRun,
    Measure,
    RunMode,
    ServiceEvent,
)

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)
SECTORS = ["social", "health", "mental_health_substance", "employment"]


def events(person, *dates_and_kinds, sector="health"):
    ServiceEvent.objects.bulk_create([
        ServiceEvent(person=person, sector=s, service_code="X", organisation="Org",
                     event_date=d, kind=k)
        for d, k, s in ((*item, sector) if len(item) == 2 else item for item in dates_and_kinds)
    ])


def doctor_visits(person, first: date, count: int = 8):
    events(person, *[(first + timedelta(days=i), "doctor_visit") for i in range(count)])


def identify(*args) -> dict:
    out = StringIO()
    call_command("identify_shared_clients", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def flagged(result) -> dict[int, list[str]]:
    return {item["person_id"]: item["rules"] for item in result["flagged"]}


def test_identify__json_names_person_hetu_and_rules(default_rules):
    person = PersonFactory()
    doctor_visits(person, AS_OF - timedelta(days=10))
    events(person, *[(AS_OF, "visit", sector) for sector in SECTORS[:3]])
    result = identify("--as-of", AS_OF.isoformat())
    assert result["as_of"] == "2025-06-30"
    assert result["flagged"] == [{"person_id": person.pk, "hetu": person.hetu,
                                  "rules": ["frequent_doctor_visits", "multi_sector"],
                                  "rule_versions": {"frequent_doctor_visits": 1,
                                                    "multi_sector": 1}}]
    run = IdentificationRun.objects.get()
    assert (run.mode, run.as_of, run.flagged, run.flags_added) == ("full", AS_OF, 1, 2)
    assert run.finished_at >= run.started_at


@pytest.mark.parametrize(("first_offset", "counted"), [
    (364, True),    # as_of − 364 is the first day of the window
    (365, False),   # as_of − 365 is outside
])
def test_identify__window_start_boundary(default_rules, first_offset, counted):
    person = PersonFactory()
    # seven visits well inside, the eighth on the boundary day
    doctor_visits(person, AS_OF - timedelta(days=100), count=7)
    events(person, (AS_OF - timedelta(days=first_offset), "doctor_visit"))
    result = identify("--as-of", AS_OF.isoformat())
    assert (person.pk in flagged(result)) is counted


def test_identify__as_of_day_counted_and_later_events_not(default_rules):
    person = PersonFactory()
    doctor_visits(person, AS_OF - timedelta(days=6), count=7)  # up to as_of itself
    events(person, (AS_OF + timedelta(days=1), "doctor_visit"))  # the day after: not counted
    assert person.pk not in flagged(identify("--as-of", AS_OF.isoformat()))
    events(person, (AS_OF - timedelta(days=50), "doctor_visit"))
    assert person.pk in flagged(identify("--as-of", AS_OF.isoformat()))
    # the future event is counted once the as-of date reaches it, the oldest one then still in
    assert person.pk in flagged(identify("--as-of", (AS_OF + timedelta(days=1)).isoformat()))


def test_identify__default_rules_thresholds(default_rules):
    two_sectors, three_sectors, emergencies, few = PersonFactory.create_batch(4)
    events(two_sectors, *[(AS_OF, "visit", s) for s in SECTORS[:2]])
    events(three_sectors, *[(AS_OF - timedelta(days=i), "visit", s)
                            for i, s in enumerate(SECTORS[1:])])
    events(emergencies, *[(AS_OF - timedelta(days=i), "emergency_visit") for i in range(4)])
    events(few, *[(AS_OF - timedelta(days=i), "emergency_visit") for i in range(3)])
    result = flagged(identify("--as-of", AS_OF.isoformat()))
    assert result == {three_sectors.pk: ["multi_sector"], emergencies.pk: ["frequent_emergency"]}


def test_identify__flags_current_first_flagged_kept_and_stale_removed(default_rules):
    person = PersonFactory()
    doctor_visits(person, date(2025, 1, 1))
    identify("--as-of", "2025-03-01")
    identify("--as-of", "2025-06-01")
    flag = Flag.objects.get(person=person)
    assert (flag.first_flagged_on, flag.as_of) == (date(2025, 3, 1), date(2025, 6, 1))
    assert flag.run == IdentificationRun.objects.order_by("-pk").first()
    result = identify("--as-of", "2026-01-10")  # the visits have left the window
    assert result["flagged"] == []
    assert not Flag.objects.exists()
    assert IdentificationRun.objects.order_by("-pk").first().flags_removed == 1


def test_identify__evaluation_is_set_based_not_per_person(default_rules):
    people = PersonFactory.create_batch(30)
    for person in people:
        doctor_visits(person, AS_OF - timedelta(days=20))
    from luotsi.usage.identification import run_identification

    with CaptureQueriesContext(connection) as few:
        run_identification(as_of=AS_OF)
    more = PersonFactory.create_batch(30)
    for person in more:
        doctor_visits(person, AS_OF - timedelta(days=20))
    with CaptureQueriesContext(connection) as many:
        run_identification(as_of=AS_OF)
    assert len(few) == len(many)
    assert Flag.objects.count() == 60


def test_identify__incremental_reevaluates_only_persons_with_new_events(default_rules):
    stable, newcomer = PersonFactory.create_batch(2)
    doctor_visits(stable, AS_OF - timedelta(days=30))
    identify("--as-of", AS_OF.isoformat())
    doctor_visits(newcomer, AS_OF - timedelta(days=10))
    result = identify("--as-of", AS_OF.isoformat(), "--incremental")
    run = IdentificationRun.objects.order_by("-pk").first()
    assert run.mode == RunMode.INCREMENTAL
    assert run.persons_evaluated == 1
    assert set(flagged(result)) == {stable.pk, newcomer.pk}


def test_identify__incremental_next_day_drops_flags_whose_events_left_the_window(default_rules):
    person = PersonFactory()
    start = AS_OF - timedelta(days=364)
    doctor_visits(person, start)  # the first visit is on the first day of the window
    identify("--as-of", AS_OF.isoformat())
    result = identify("--as-of", (AS_OF + timedelta(days=1)).isoformat(), "--incremental")
    assert IdentificationRun.objects.order_by("-pk").first().mode == RunMode.INCREMENTAL
    assert result["flagged"] == []


def test_identify__incremental_equals_full(default_rules):
    people = PersonFactory.create_batch(12)
    for n, person in enumerate(people):
        doctor_visits(person, AS_OF - timedelta(days=360 + n), count=8)
        events(person, *[(AS_OF - timedelta(days=n * 30), "visit", s) for s in SECTORS[: n % 4]])
    identify("--as-of", AS_OF.isoformat())
    for day in range(1, 15):
        incremental = identify("--as-of", (AS_OF + timedelta(days=day)).isoformat(),
                               "--incremental")
    full = identify("--as-of", (AS_OF + timedelta(days=14)).isoformat())
    assert flagged(incremental) == flagged(full)


def test_identify__admin_threshold_change_changes_flags_in_daily_run(default_rules, client):
    eight, nine = PersonFactory.create_batch(2)
    doctor_visits(eight, AS_OF - timedelta(days=30), count=8)
    doctor_visits(nine, AS_OF - timedelta(days=30), count=9)
    assert set(flagged(identify("--as-of", AS_OF.isoformat()))) == {eight.pk, nine.pk}

    admin = UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    rule = default_rules["frequent_doctor_visits"]
    # The conditions change through a draft, activated: the rule's own page only shows them.
    url = f"/admin/usage/identificationrule/{rule.pk}/change/"
    assert client.get(url).status_code == 200
    form = {field: getattr(rule, field) for field in (
        "measure", "event_kind", "sector", "window_days")}
    response = client.post("/admin/usage/ruleversion/add/", {
        **form, "rule": rule.pk, "threshold": 9, "min_age": "", "max_age": ""})
    assert response.status_code == 302
    draft = rule.versions.get(status="draft")
    response = client.post(f"/admin/usage/ruleversion/{draft.pk}/change/", {
        **form, "threshold": 9, "min_age": "", "max_age": "", "_activate": "1"})
    assert response.status_code == 302

    result = identify("--as-of", AS_OF.isoformat(), "--incremental")  # no new events
    assert set(flagged(result)) == {nine.pk}
    assert IdentificationRun.objects.order_by("-pk").first().mode == RunMode.FULL


def test_identify__deactivated_rule_flags_removed(default_rules):
    person = PersonFactory()
    doctor_visits(person, AS_OF - timedelta(days=30))
    identify("--as-of", AS_OF.isoformat())
    IdentificationRule.objects.filter(code="frequent_doctor_visits").update(active=False)
    assert identify("--as-of", AS_OF.isoformat(), "--incremental")["flagged"] == []


def test_identify__rule_logic_does_not_depend_on_rule_codes(default_rules):
    IdentificationRule.objects.create(
        code="many-social", name_fi="Paljon sosiaalipalveluja", measure=Measure.EVENTS_IN_SECTOR,
        sector="social", threshold=2, window_days=30)
    person = PersonFactory()
    events(person, *[(AS_OF - timedelta(days=i), "decision", "social") for i in (0, 29)])
    assert flagged(identify("--as-of", AS_OF.isoformat())) == {person.pk: ["many-social"]}


@pytest.mark.parametrize(("changes", "field"), [
    ({"threshold": 0}, "threshold"),
    ({"threshold": -2}, "threshold"),
    ({"window_days": 0}, "window_days"),
    ({"measure": Measure.DISTINCT_SECTORS, "threshold": 5}, "threshold"),
    ({"event_kind": "teleportation"}, "event_kind"),
    ({"event_kind": ""}, "event_kind"),
    ({"measure": Measure.EVENTS_IN_SECTOR, "sector": ""}, "sector"),
])
def test_rule__impossible_thresholds_refused_naming_the_field(default_rules, changes, field):
    rule = default_rules["frequent_doctor_visits"]
    for name, value in changes.items():
        setattr(rule, name, value)
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert field in error.value.message_dict


def test_rule__admin_refuses_impossible_threshold_with_message(default_rules, client, settings):
    admin = UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rule = default_rules["multi_sector"]
    form = {field: getattr(rule, field) for field in (
        "measure", "event_kind", "sector", "window_days")}
    response = client.post("/admin/usage/ruleversion/add/",
                           {**form, "rule": rule.pk, "threshold": 7})
    assert response.status_code == 200
    assert "There are only 4 sectors" in response.content.decode()
    rule.refresh_from_db()
    assert rule.threshold == 3
    assert not rule.versions.filter(status="draft").exists()


def test_rule__label_and_text_in_active_language(default_rules):
    rule = default_rules["frequent_doctor_visits"]
    with translation.override("sv"):
        assert rule.label() == "Upprepade läkarbesök"
        assert "Källa" in rule.text()
    with translation.override("fi"):
        assert rule.label() == "Toistuvat lääkärikäynnit"
