"""Which browser test checks each page route with axe.

Every route of Django's URL resolver is either a page, named here with the browser test that
opens it and runs ``assert_accessible`` on it, or in ``NOT_PAGES`` with the reason it is not a
page (a download, a redirect, JSON). ``tests/test_axe_coverage.py`` fails for a route in
neither; the browser tests' conftest fails a run in which a test named here passed without
checking its routes (``e2e_helpers.CHECKED`` records each checked page's route).
"""

from __future__ import annotations

_ACCESS_LOG = "tests/e2e/test_e2e_access_log.py::test_report_results_table"
_EMERGENCY = "tests/e2e/test_e2e_emergency.py"
_EVERY = "tests/e2e/test_e2e_every_page.py"
_PERSONS = "tests/e2e/test_e2e_persons.py"
_SECOND_FACTOR = ("tests/e2e/test_e2e_second_factor.py::"
                  "test_second_factor__enrolment_then_sign_in_with_a_code")
_INTAKE = ("tests/e2e/test_intake_flow.py::"
           "test_child_welfare_notification_from_registration_to_client_relationship")
_ADVICE = ("tests/e2e/test_intake_advice.py::"
           "test_an_anonymous_consultation_is_recorded_and_converted")
_ADVICE_LIST = "tests/e2e/test_intake_advice_list.py::test_advice_list__filtered_and_paged"
_PLAN = "tests/e2e/test_plans.py::test_plan__two_sectors_goals_steps_ratings_version_memo_and_pdf"
_PLAN_FORMS = f"{_EVERY}::test_plan_page_as_each_form_answers_an_invalid_post"
_PLAN_ROWS = f"{_EVERY}::test_plan_step_service_and_method_pages"
_PLAN_ROLES = "tests/e2e/test_plan_roles.py::test_plan_roles__coordinator_and_named_worker_apart"
_EFFECTIVENESS = "tests/e2e/test_plans_effectiveness.py"
_OMA = ("tests/e2e/test_e2e_oma.py::"
        "test_client_area__demo_identification_my_plan_and_who_read_my_data")
_CLIENT_OIDC = ("tests/e2e/test_e2e_client_oidc.py::"
                "test_client_strong_identification__sign_in_no_data_and_refusal_in_chromium")
_SIGNALS = "tests/e2e/test_signals.py"
_FORESIGHT = ("tests/e2e/test_foresight.py::"
              "test_team_lead_sees_risk_weeks_and_moves_them_with_the_what_if_panel")
_OMA_CONSENTS = ("tests/e2e/test_e2e_oma.py::"
                 "test_client_area__my_plan_my_consents_and_who_read_my_data")
_SHARED = ("tests/e2e/test_shared_clients.py::"
           "test_shared_client__why_path_confirm_meeting_and_consultation")

# Every page of the Django admin (index, app lists, each model's list, add, change, history and
# delete pages, passwords) is opened by one test, which walks the admin's registry.
ADMIN_PREFIX = "admin:"
ADMIN_TEST = f"{_EVERY}::test_every_admin_page"

COVERED = {
    "home": "tests/e2e/test_e2e_home.py::test_home_as_social_worker",
    "login": "tests/e2e/test_e2e_login.py::test_login_page_is_accessible",
    "second_factor": _SECOND_FACTOR,
    "second_factor_enrol": _SECOND_FACTOR,
    "second_factor_account": _SECOND_FACTOR,
    "person_search": f"{_PERSONS}::test_search_with_results",
    "person_create": f"{_PERSONS}::test_register_page_empty",
    "person_detail": f"{_PERSONS}::test_person_page",
    "emergency_access": f"{_EMERGENCY}::test_emergency_form_errors",
    "person_emergency_access":
        f"{_EVERY}::test_emergency_access_from_a_person_page__a_missing_reason_named",
    "access_log_report": _ACCESS_LOG,
    "emergency_reviews": f"{_EMERGENCY}::test_team_lead_reviews_emergency_access",
    "emergency_record":
        f"{_EMERGENCY}::test_dpo_sees_what_was_read_and_changed_under_emergency_access",
    "api_tokens": "tests/e2e/test_e2e_api_tokens.py::test_api_tokens_listed_and_one_revoked",
    "intake:contact_create": _INTAKE,
    "intake:contact_detail": _INTAKE,
    "intake:queue": _INTAKE,
    "intake:assessment_detail": _INTAKE,
    "intake:assessment_result": _INTAKE,
    "intake:advice_create": _ADVICE,
    "intake:advice_detail": _ADVICE,
    "intake:advice_list": _ADVICE_LIST,
    "intake:my_work": f"{_EVERY}::test_my_work",
    "intake:caseload": "tests/e2e/test_intake_keyboard.py::test_caseload_preview_then_move",
    "intake:responsible_worker": ("tests/e2e/test_intake_responsible_worker.py::"
                                  "test_the_lead_changes_the_responsible_social_worker"),
    "reports_kpis": "tests/e2e/test_reports.py::test_kpi_page_with_charts_and_tables",
    "plan_list": "tests/e2e/test_plan_list.py::test_plan_list__pages_of_plans_reviews_first",
    "plan_effectiveness": f"{_EFFECTIVENESS}::test_effectiveness_report",
    "plan_research_csv": f"{_EFFECTIVENESS}::test_effectiveness_report",
    "plan_open": f"{_PERSONS}::test_registrant_of_a_new_client_starts_their_plan",
    "plan_detail": _PLAN,
    "plan_memo": _PLAN,
    "plan_text": _PLAN_FORMS,
    "plan_section_add": _PLAN_FORMS,
    "plan_coordinator": _PLAN_FORMS,
    "plan_named_worker": _PLAN_ROLES,
    "plan_goal_add": _PLAN_FORMS,
    "plan_factor_add": _PLAN_FORMS,
    "plan_service_add": _PLAN_FORMS,
    "plan_method_add": _PLAN_FORMS,
    "plan_step_add": _PLAN_FORMS,
    "plan_participant_add": _PLAN_FORMS,
    "plan_consent_add": _PLAN_FORMS,
    "plan_section_disclose": ("tests/e2e/test_plan_disclosure.py::"
                              "test_another_sectors_section__refused_without_a_basis_shown_on_a_"
                              "statutory_one"),
    "plan_review_schedule": _PLAN_FORMS,
    "plan_rating_add": _PLAN_FORMS,
    "plan_meter_record": _PLAN_FORMS,
    "plan_goal_edit": f"{_EFFECTIVENESS}::test_goal_edit_and_remove",
    "plan_goal_remove": f"{_EFFECTIVENESS}::test_goal_edit_and_remove",
    "plan_step_edit": _PLAN_ROWS,
    "plan_step_remove": _PLAN_ROWS,
    "plan_service_remove": _PLAN_ROWS,
    "plan_method_remove": _PLAN_ROWS,
    "plan_support_need_add": _PLAN_FORMS,
    "plan_support_need_remove": _PLAN_ROWS,
    "usage:indicators":
        "tests/e2e/test_usage.py::test_indicators__filters_table_charts_csv_accessible",
    "sharedcare:candidates": _SHARED,
    "sharedcare:person": _SHARED,
    "signals:intervention_points": f"{_SIGNALS}::test_planner_sees_intervention_points_and_an_early_rules_backtest",
    "signals:early_rules": f"{_SIGNALS}::test_planner_sees_intervention_points_and_an_early_rules_backtest",
    "signals:early_rule": f"{_SIGNALS}::test_planner_sees_intervention_points_and_an_early_rules_backtest",
    "signals:early_candidates": f"{_SIGNALS}::test_shared_client_page_shows_the_intervention_marks",
    "sharedcare:confirm": _SHARED,
    "sharedcare:meeting_create": _SHARED,
    "sharedcare:meeting_minutes": _SHARED,
    "sharedcare:meeting_edit": _SHARED,
    "sharedcare:consultation_create": _SHARED,
    "sharedcare:consultation_detail": _SHARED,
    "sharedcare:consultations": _SHARED,
    "sharedcare:decline":
        "tests/e2e/test_shared_clients.py::test_shared_client__decline_and_end_of_coordination",
    "sharedcare:end":
        "tests/e2e/test_shared_clients.py::test_shared_client__decline_and_end_of_coordination",
    "oma:home": _OMA,
    "oma:demo": _OMA,
    "oma:plan": _OMA,
    "oma:access_log": _OMA,
    "oma:auth_callback": _CLIENT_OIDC,
    "oma:sign_out": "tests/e2e/test_e2e_client_oidc.py::test_client_sign_out_at_the_provider_in_chromium",
    "foresight:forecast": _FORESIGHT,
    "foresight:capacity": _FORESIGHT,
    "oma:consents": _OMA_CONSENTS,
    "oma:ratings": _OMA_CONSENTS,
}

_DOWNLOAD = "a file download (CSV, PDF or JSON), not a page"
_REDIRECT = "POST only; answers with a redirect to a page checked under its own route"

API_PREFIX = "api:"
API_WHY = "the JSON API (its answers are checked against the OpenAPI document)"

NOT_PAGES = {
    "healthz": "health check (plain text)",
    "readyz": "readiness check (JSON)",
    "logout": "signing out: POST, then a redirect to the sign-in page",
    "oidc_login": "a redirect to the county's identity provider",
    "oidc_callback": "the identity provider's answer: a redirect",
    "set_language": "the language choice: a redirect back",
    "api_token_revoke": _REDIRECT,
    "emergency_review": _REDIRECT,
    "plan_section_merge": _REDIRECT,
    "plan_step_done": _REDIRECT,
    "plan_consent_withdraw": _REDIRECT,
    "plan_accept": "POST from the plan page; its fields are all optional, so it answers with a "
                   "redirect, or the plan page (plan_detail's) on a concurrent change",
    "plan_review_record": "POST from the plan page; an empty post records the review due and "
                          "redirects back to the plan page",
    "plan_export": _DOWNLOAD,
    "plan_memo_pdf": _DOWNLOAD,
    "intake:assessment_result_pdf": _DOWNLOAD,
    "reports_kpi_csv": _DOWNLOAD,
    "plan_effectiveness_csv": _DOWNLOAD,
    "usage:indicators_csv": _DOWNLOAD,
    "foresight:forecast_csv": _DOWNLOAD,
    "foresight:gap_remove": _REDIRECT,
    "sharedcare:meeting_pdf": _DOWNLOAD,
    "oma:memo_pdf": _DOWNLOAD,
    "oma:access_log_pdf": _DOWNLOAD,
    "oma:consent_withdraw": _REDIRECT,
    "oma:consent_accept": _REDIRECT,
    "oma:feedback": _REDIRECT,
    "plan_consent_request": _REDIRECT,
    "oma:language": "the language of the client area's sign-in pages: POST, a redirect back",
    "oma:auth_start": "a redirect to the client's identification service (its refusal page is "
                      "the callback's, checked there)",
    "oma:auth_jwks": "Luotsi's public keys for the identification service (JSON)",
    "admin:jsi18n": "the admin's translations as JavaScript",
    "admin:autocomplete": "the admin's autocomplete answers (JSON)",
    "admin:view_on_site": "a redirect to the object's own page",
    "admin:logout": "signing out of the admin: POST, then the sign-in page",
    "admin:login": "the admin's sign-in redirects a signed-in user; the sign-in is Luotsi's",
    "admin:password_change_done": "shown only after a password change, the admin's frame",
    "admin:None": "the admin's unnamed routes: an object's short address redirecting to its "
                  "change page, and the catch-all answering 404",
    **{f"admin:{model}_{view}": "refused to everyone (403): the records are read-only in the "
                                "admin, written by sign-ins and imports"
       for model, views in (("axes_accessattempt", ["add"]), ("axes_accesslog", ["add"]),
                            ("axes_accessfailurelog", ["add"]),
                            ("usage_identificationrun", ["add", "delete"]),
                            ("usage_importbatch", ["add", "delete"]))
       for view in views},
    **{f"admin:{model}_{view}": "refused to everyone (403): a code list's versions and codes "
                                "come only from `manage.py load_code_list` and are never "
                                "removed; a sector is made inactive, not deleted; a backtest is "
                                "made by its command or page"
       for model, views in (("plans_codelistitem", ["add"]),
                            ("plans_codelistversion", ["add", "delete"]),
                            ("plans_plansector", ["delete"]), ("signals_backtest", ["add"]))
       for view in views},
}


def page_test(route: str) -> str | None:
    """The browser test named for ``route``, or None when it is not a page."""
    if route in NOT_PAGES or route.startswith(API_PREFIX):
        return None
    if route.startswith(ADMIN_PREFIX):
        return ADMIN_TEST
    return COVERED.get(route, "")
