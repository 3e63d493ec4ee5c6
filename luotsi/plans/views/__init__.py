"""Pages of the client plan: open a person's plan, the plan page and its forms, the client's memo
(page and PDF) and the export.

Thin: gateway → form → service → redirect. A plan the professional may not see is "not found",
exactly like a missing one, and the refusal is logged. Each form posts to its own address; bad
input re-renders the plan page with the form, its errors named by field, and nothing saved. A save
based on an older version of the plan's texts is refused (``PlanConflict``) with the professional's
own text kept in the form next to what is now saved."""

from luotsi.plans.views.edit import (
    goal_edit,
    goal_remove,
    method_remove,
    service_remove,
    step_edit,
    step_remove,
    support_need_remove,
)
from luotsi.plans.views.memo import memo_pdf_bytes, plan_export, plan_memo, plan_memo_pdf
from luotsi.plans.views.page_forms import (
    consent_add,
    consent_request,
    consent_withdraw,
    coordinator_set,
    factor_add,
    goal_add,
    meter_record,
    method_add,
    named_worker_set,
    participant_add,
    plan_accept,
    plan_text,
    rating_add,
    review_record,
    review_schedule,
    section_add,
    section_disclose,
    section_merge,
    service_add,
    step_add,
    step_done,
    support_need_add,
)
from luotsi.plans.views.pages import plan_detail, plan_list, plan_open

__all__ = [
    "consent_add", "consent_request", "consent_withdraw", "coordinator_set", "factor_add", "goal_add", "goal_edit",
    "goal_remove", "memo_pdf_bytes", "meter_record", "method_add", "method_remove", "named_worker_set", "participant_add",
    "plan_accept", "plan_detail", "plan_export", "plan_list", "plan_memo", "plan_memo_pdf",
    "plan_open", "plan_text", "rating_add", "review_record", "review_schedule", "section_add",
    "section_disclose", "section_merge", "service_add", "service_remove", "step_add", "step_done", "step_edit",
    "step_remove", "support_need_add", "support_need_remove",
]
