"""The identifier and code systems of Luotsi's FHIR plan Bundle (docs/fhir.md)."""

from __future__ import annotations

from luotsi.plans.models import CodeList, Goal, PlanService

HETU_SYSTEM = "urn:oid:1.2.246.21"
BASE = "https://luotsi.fi/fhir"
TEMPORARY_ID_SYSTEM = f"{BASE}/sid/temporary-id"
PROFESSIONAL_SYSTEM = f"{BASE}/sid/professional"
PLAN_SYSTEM = f"{BASE}/sid/plan"
GOAL_SYSTEM = f"{BASE}/sid/goal"
SERVICE_SYSTEM = f"{BASE}/sid/plan-service"
RATING_SYSTEM = f"{BASE}/sid/avain-rating"
EVALUATION_SYSTEM = f"{BASE}/sid/avain-evaluation"
CONSENT_SYSTEM = f"{BASE}/sid/consent"
SUPPORT_NEED_SYSTEM = f"{BASE}/sid/support-need"
CONDITION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-clinical"
BUNDLE_SYSTEM = f"{BASE}/sid/bundle"
SECTOR_SYSTEM = f"{BASE}/CodeSystem/sector"
CARE_TEAM_ROLE_SYSTEM = f"{BASE}/CodeSystem/care-team-role"
OBSERVATION_SYSTEM = f"{BASE}/CodeSystem/observation"
RATED_BY_SYSTEM = f"{BASE}/CodeSystem/avain-rated-by"
OCCASION_SYSTEM = f"{BASE}/CodeSystem/avain-rating-occasion"
FACTOR_EFFECT_SYSTEM = f"{BASE}/CodeSystem/avain-factor-effect"
PROVISIONAL_EXTENSION = f"{BASE}/StructureDefinition/provisional-code"
AVAIN_RATING_CODE = "avain-rating"
AVAIN_EVALUATION_CODE = "avain-evaluation"
EVALUATED_SYSTEM = f"{BASE}/CodeSystem/avain-evaluated"
DIRECTION_SYSTEM = f"{BASE}/CodeSystem/avain-factor-direction"
CODE_SYSTEMS = {
    CodeList.GOAL_AREA: f"{BASE}/CodeSystem/avain-goal-area",
    CodeList.SITUATION_FACTOR: f"{BASE}/CodeSystem/avain-situation-factor",
    CodeList.SERVICE: f"{BASE}/CodeSystem/avain-service",
    CodeList.METHOD: f"{BASE}/CodeSystem/avain-method",
    CodeList.SUPPORT_NEED: f"{BASE}/CodeSystem/support-need",
}
GOAL_PRIORITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-priority"
GOAL_PRIORITY = {Goal.Priority.HIGH: "high-priority", Goal.Priority.MEDIUM: "medium-priority",
                 Goal.Priority.LOW: "low-priority"}
SERVICE_REQUEST_STATUS = {PlanService.Status.PLANNED: "draft",
                          PlanService.Status.ONGOING: "active",
                          PlanService.Status.ENDED: "completed"}
