"""The early rules' backtest on a built history, through the command, the page and the API."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from luotsi.api.models import ApiToken
from luotsi.people.tests.factories import PersonFactory
from luotsi.signals.models import Backtest
from luotsi.signals.tests.helpers import emergencies, events, only_rules
from luotsi.usage.models import IdentificationRule, ServiceEvent

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 6, 30)  # 6 months before: 2024-12-30; 12 months before: 2024-06-30


@pytest.fixture
def history():
    """Four persons with emergency visits (identification ≥ 4, early ≥ 2, 365 days):

    - caught: 2 visits by 2024-06 (caught 12 and 6 months before), flagged by 2025-06;
    - late: 4 visits in 2025-02…05 (flagged, caught only 3 months before);
    - false alarm: 2 visits in 2024-10/11, never flagged;
    - always: flagged 12 months before and now.
    Plus one early event of another person, so that the history reaches back far enough.
    """
    rule = only_rules()
    caught, late, false_alarm, always, anchor = (PersonFactory() for _i in range(5))
    emergencies(caught, [date(2024, 5, 1), date(2024, 6, 1), date(2025, 1, 10),
                         date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)])
    emergencies(late, [date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)])
    emergencies(false_alarm, [date(2024, 10, 1), date(2024, 11, 1)])
    emergencies(always, [date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1),
                         date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)])
    events(anchor, [(date(2023, 1, 1), "social", "visit")])
    return rule


def _backtest(as_of: str) -> dict:
    out = StringIO()
    call_command("backtest_rules", "--as-of", as_of, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_command__recall_precision_and_lead_time_of_the_early_rule(history):
    result = _backtest("2025-06-30")
    assert result["flagged"] == 3 and result["newly_flagged"] == 2
    assert result["dates"] == {"0m": "2025-06-30", "6m": "2024-12-30", "12m": "2024-06-30"}
    (rule,) = result["rules"]
    assert rule["code"] == "test_early_emergency"
    assert (rule["caught_6m"], rule["caught_12m"]) == (2, 2)
    assert rule["recall_6m"] == pytest.approx(0.6667) and rule["recall_12m"] == pytest.approx(0.6667)
    assert (rule["caught_new_6m"], rule["recall_new_6m"]) == (1, 0.5)
    assert (rule["early_6m"], rule["became_6m"], rule["precision_6m"]) == (2, 1, 0.5)
    assert (rule["early_12m"], rule["became_12m"], rule["precision_12m"]) == (1, 1, 1.0)
    assert rule["lead_months"]["12"] == 1 and rule["lead_months"]["3"] == 1
    assert rule["median_lead_months"] == 7.5
    assert Backtest.objects.get().as_of == AS_OF


def test_command__the_window_edge_counts_on_the_365th_day(history):
    """A visit exactly 364 days before the date counts, 365 days before does not."""
    person = PersonFactory()
    # at 2024-06-30 (12 months back) the window is 2023-07-02 … 2024-06-30
    emergencies(person, [date(2023, 7, 1), date(2024, 6, 30), date(2025, 1, 1), date(2025, 2, 1),
                         date(2025, 3, 1), date(2025, 4, 1)])
    rule = _backtest("2025-06-30")["rules"][0]
    assert rule["caught_12m"] == 2  # still "caught" and "always": 2023-07-01 falls outside
    Backtest.objects.all().delete()
    emergencies(person, [date(2023, 7, 2)])
    assert _backtest("2025-06-30")["rules"][0]["caught_12m"] == 3


def test_command__a_date_without_enough_history_is_refused_saying_how_much(history):
    with pytest.raises(CommandError) as refused:
        _backtest("2024-06-30")
    message = str(refused.value)
    assert message.startswith("--as-of:")
    assert "2022-07-01" in message and "2023-01-01" in message and "365" in message
    assert not Backtest.objects.exists()


def test_command__a_date_that_is_not_a_date_is_refused(history):
    with pytest.raises(CommandError, match="--as-of"):
        _backtest("2025-02-30")


@pytest.mark.parametrize("as_of", ["0001-01-01", "1899-12-31"])
def test_as_of_before_1900__refused_naming_the_field_command_page_and_api(client, lead, history,
                                                                         as_of):
    with pytest.raises(CommandError, match="^--as-of: .*1900"):
        _backtest(as_of)
    client.force_login(lead)
    page = client.post(f"/service-usage/early-rules/{history.pk}/", {"as_of": as_of})
    assert page.status_code == 400
    _record, token = ApiToken.issue(lead)
    response = client.get(f"/api/v1/signals/backtest?as_of={as_of}",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    (field,) = response.json()["error"]["fields"]
    assert field["field"] == "as_of" and "1900" in field["message"]
    assert not Backtest.objects.exists()


def test_rule_page__shows_the_backtest_with_small_cells_hidden(client, lead, history):
    _backtest("2025-06-30")
    client.force_login(lead)
    response = client.get(f"/service-usage/early-rules/{history.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "&lt;5" in body  # every count here rests on fewer than five persons
    assert "50 %" not in body


def test_rule_page__runs_a_backtest_and_refuses_a_date_without_history(client, lead, history):
    client.force_login(lead)
    url = f"/service-usage/early-rules/{history.pk}/"
    refused = client.post(url, {"as_of": "2024-01-31"})
    assert refused.status_code == 400
    assert "2022-02-01" in refused.content.decode()
    assert not Backtest.objects.exists()
    done = client.post(url, {"as_of": "2025-06-30"})
    assert done.status_code == 302
    assert Backtest.objects.get().computed_by == lead


def test_rule_pages__are_for_team_leads(client, alice, history):
    client.force_login(alice)
    assert client.get("/service-usage/early-rules/").status_code == 403
    assert client.get(f"/service-usage/early-rules/{history.pk}/").status_code == 403


def test_rule_list__one_figure_row_per_rule(client, lead, history, django_assert_num_queries):
    _backtest("2025-06-30")
    client.force_login(lead)
    with django_assert_num_queries(4):  # session, user, latest backtest, rules
        response = client.get("/service-usage/early-rules/")
    assert response.status_code == 200
    assert "Varhainen päivystys" in response.content.decode()


def test_api__backtest_for_a_team_lead(client, lead, alice, history):
    _record, token = ApiToken.issue(lead)
    response = client.get("/api/v1/signals/backtest?as_of=2025-06-30",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["flagged"] == "<5"
    assert body["rules"][0]["recall_6m"] is None  # rests on fewer than five persons
    assert not Backtest.objects.exists()  # a read stores nothing
    _record, token = ApiToken.issue(alice)
    assert client.get("/api/v1/signals/backtest?as_of=2025-06-30",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 403


def test_api__a_date_without_enough_history_names_the_field(client, lead, history):
    _record, token = ApiToken.issue(lead)
    response = client.get("/api/v1/signals/backtest?as_of=2024-06-30",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    (field,) = response.json()["error"]["fields"]
    assert field["field"] == "as_of" and "2022-07-01" in field["message"]


@pytest.mark.skipif(not hasattr(IdentificationRule, "min_age"),
                    reason="identification rules without conditions")
def test_command__an_identification_rule_with_conditions_is_evaluated_with_them(history):
    """The rule's age condition (30 or older on the date) leaves out the young person."""
    from luotsi.people.models import Person

    IdentificationRule.objects.filter(code="test_emergency").update(min_age=30)
    Person.objects.update(birth_date=date(1980, 1, 1))
    late = ServiceEvent.objects.filter(event_date=date(2025, 2, 1)).get().person
    Person.objects.filter(pk=late.pk).update(birth_date=date(2015, 1, 1))
    result = _backtest("2025-06-30")
    assert (result["flagged"], result["newly_flagged"]) == (2, 1)


def test_command__a_rule_evaluated_by_the_identifications_statement_gives_the_same(
        history, monkeypatch):
    """A rule with conditions goes through ``usage.identification.matches`` on each date; for
    a rule without any, that path and the one scan agree."""
    plain = _backtest("2025-06-30")
    monkeypatch.setattr("luotsi.signals.backtest._has_conditions", lambda rule: True)
    conditioned = _backtest("2025-06-30")
    for key in ("flagged", "newly_flagged", "rules"):
        assert conditioned[key] == plain[key]
