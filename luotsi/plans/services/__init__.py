"""Writes of the client plan, by aggregate: ``plan`` (opening the plan, its texts, coordinator
and participants), ``sections`` (sector sections, imported drafts), ``goals`` (goals, their
factors and steps), ``plan_services`` (services and methods), ``support_needs`` (the client's
support needs, SHL 11 §), ``consents``, ``versions``
(accepted versions and reviews), ``ratings`` (the goals' AVAIN ratings) and ``evaluations`` (the
rest of the AVAIN meter: services, methods and situation factors evaluated, and the client's own
rating of every rated item).

Each write is ``<noun>_<verb>(*, actor, ...)``: it validates everything first, then in one
transaction locks the plan, checks the editor's ``expected_revision`` (``PlanConflict`` when
someone else saved meanwhile), changes the rows, raises the revision and logs the change
(``luotsi.plans.revisions``). Callers use ``from luotsi.plans import services``."""

from luotsi.plans.revisions import PlanConflict
from luotsi.plans.services.consents import (
    consent_accept_by_client,
    consent_add,
    consent_request,
    consent_withdraw,
    consent_withdraw_by_client,
)
from luotsi.plans.services.disclosures import section_disclose
from luotsi.plans.services.evaluations import (
    EvaluationInput,
    MeterInput,
    evaluation_add,
    meter_field,
    meter_record,
    plan_scale,
    record_client_rating,
)
from luotsi.plans.services.goals import (
    GoalInput,
    StepInput,
    goal_add,
    goal_factor_add,
    goal_remove,
    goal_update,
    step_add,
    step_mark_done,
    step_remove,
    step_update,
)
from luotsi.plans.services.plan import (
    DEFAULT_REVIEW_MONTHS,
    EDITABLE_FIELDS,
    PlanChanges,
    coordinator_set,
    named_worker_check,
    named_worker_set,
    participant_add,
    plan_open,
    plan_update,
    start_access,
    starting_by_registration,
)
from luotsi.plans.services.plan_services import (
    ServiceInput,
    method_add,
    method_remove,
    service_add,
    service_remove,
)
from luotsi.plans.services.ratings import RatingInput, rating_add
from luotsi.plans.services.sections import MergeResult, section_add, section_import, section_merge
from luotsi.plans.services.support_needs import support_need_add, support_need_remove
from luotsi.plans.services.versions import (
    CHANGE_PARTS,
    PLAN_FIELDS,
    plan_accept,
    review_record,
    review_schedule,
    version_changes,
)

__all__ = [
    "consent_accept_by_client", "consent_request", "consent_withdraw_by_client",
    "CHANGE_PARTS", "DEFAULT_REVIEW_MONTHS", "EDITABLE_FIELDS", "GoalInput", "MergeResult",
    "PLAN_FIELDS", "PlanChanges", "PlanConflict", "RatingInput", "ServiceInput", "StepInput", "consent_add",
    "consent_withdraw", "coordinator_set", "EvaluationInput", "evaluation_add", "plan_scale",
    "record_client_rating", "MeterInput", "meter_field", "meter_record", "goal_add", "goal_factor_add", "goal_remove", "section_disclose",
    "goal_update", "method_add", "method_remove", "named_worker_check",
    "named_worker_set", "participant_add", "plan_accept", "plan_open",
    "plan_update", "rating_add", "review_record", "review_schedule", "section_add",
    "section_import", "section_merge", "service_add", "service_remove", "start_access",
    "starting_by_registration", "step_add", "support_need_add", "support_need_remove", "step_mark_done", "step_remove", "step_update",
    "version_changes",
]
