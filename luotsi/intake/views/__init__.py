"""Family intake pages: registering a contact, the contact page, the queues, my work, the
service-need assessment and the team lead's caseload.

Thin views: gateway/selector → form → service → redirect. Every contact and assessment is fetched
through ``selectors.access_contact_by_id``/``access_assessment_by_id``; a missing or invisible
one is "not found" (the refused attempt is logged by the gateway, as for a person). A page that
shows a contact or an assessment logs one view of the child, with the real basis; a posted form
is only checked, and its service logs the write.
Each page posts its forms to itself with an ``intent``, so that a form posted after the session
timed out comes back filled in after signing in again."""

from luotsi.intake.views.advice import advice_create, advice_detail, advice_list
from luotsi.intake.views.assessments import assessment_detail
from luotsi.intake.views.caseload import caseload
from luotsi.intake.views.contacts import contact_create, contact_detail
from luotsi.intake.views.my_work import my_work
from luotsi.intake.views.queues import queue
from luotsi.intake.views.responsible import responsible_worker
from luotsi.intake.views.results import assessment_result

__all__ = ["advice_create", "advice_detail", "advice_list", "assessment_detail", "assessment_result",
           "caseload", "contact_create", "contact_detail", "my_work", "queue", "responsible_worker"]
