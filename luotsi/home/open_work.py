"""The answer to ``organisation.open_work.open_work_requested``: each capability's open work of
the professionals asked about, named by ids and codes (never a client's personal data).

Open work is what would be left without a worker if the professional left: contacts not closed
and service-need assessments not completed where they are the worker or the pair worker, the
current client relationships where they are the named worker (omatyöntekijä), the plans they
coordinate, their planned or ongoing services and steps not done in plans, the shared clients
they coordinate and the consultations waiting for their answer.
"""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver

from luotsi.intake.models import Assessment, Contact, ContactStatus
from luotsi.intake.selectors import current_clienthoods
from luotsi.intake.services import needs_special_support, responsible_worker_problem
from luotsi.organisation.models import User
from luotsi.organisation.open_work import (
    OpenWork,
    open_work_requested,
    unqualified_work_requested,
)
from luotsi.plans.models import Plan, PlanService, Step
from luotsi.sharedcare.models import Consultation, SharedClient


@receiver(open_work_requested, dispatch_uid="luotsi_home_open_work")
def open_work(sender, *, user_ids, **kwargs) -> list[OpenWork]:
    return [*_intake(user_ids), *_plans(user_ids), *_sharedcare(user_ids)]


def _intake(user_ids) -> list[OpenWork]:
    items = []
    contacts = (Contact.objects.exclude(status=ContactStatus.CLOSED)
                .filter(Q(assignee_id__in=user_ids) | Q(pair_worker_id__in=user_ids))
                .select_related("team").order_by("pk"))
    for contact in contacts:
        for user_id, as_what in ((contact.assignee_id, "worker"),
                                 (contact.pair_worker_id, "pair worker")):
            if user_id in user_ids:
                items.append(OpenWork(user_id, contact.team_id,
                                      f"open contact {contact.pk} (team {contact.team.code}) "
                                      f"as {as_what}"))
    assessments = (Assessment.objects.filter(completed_on__isnull=True)
                   .filter(Q(worker_id__in=user_ids) | Q(pair_worker_id__in=user_ids)
                           | Q(responsible_worker_id__in=user_ids))
                   .select_related("team").order_by("pk"))
    for assessment in assessments:
        for user_id, as_what in ((assessment.worker_id, "responsible worker"),
                                 (assessment.pair_worker_id, "pair worker"),
                                 (assessment.responsible_worker_id, "named worker")):
            if user_id in user_ids:
                items.append(OpenWork(user_id, assessment.team_id,
                                      f"open service-need assessment {assessment.pk} "
                                      f"(team {assessment.team.code}) as {as_what}"))
    for case in (current_clienthoods().filter(responsible_worker_id__in=user_ids)
                 .select_related("team").order_by("pk")):
        items.append(OpenWork(case.responsible_worker_id, case.team_id,
                              f"client relationship of assessment {case.pk} "
                              f"(team {case.team.code}) as named worker"))
    return items


def _plans(user_ids) -> list[OpenWork]:
    items = [OpenWork(plan.coordinator_id, None, f"plan {plan.pk} as coordinator")
             for plan in Plan.objects.filter(coordinator_id__in=user_ids).order_by("pk")]
    items += [OpenWork(service.responsible_id, None,
                       f"service {service.pk} ({service.status}) in plan {service.plan_id} "
                       "as responsible")
              for service in PlanService.objects.filter(
                  responsible_id__in=user_ids,
                  status__in=(PlanService.Status.PLANNED, PlanService.Status.ONGOING))
              .order_by("pk")]
    items += [OpenWork(step.owner_id, None, f"step {step.pk} in plan {step.plan_id} not done")
              for step in Step.objects.filter(owner_id__in=user_ids, done_on__isnull=True)
              .order_by("pk")]
    return items


def _sharedcare(user_ids) -> list[OpenWork]:
    items = [OpenWork(client.coordinator_id, None,
                      f"shared client {client.pk} as coordinator")
             for client in SharedClient.objects.filter(
                 coordinator_id__in=user_ids, status=SharedClient.Status.CONFIRMED)
             .order_by("pk")]
    items += [OpenWork(consultation.expert_id, consultation.expert_team_id,
                       f"consultation {consultation.pk} waiting for an answer")
              for consultation in Consultation.objects.filter(
                  expert_id__in=user_ids, answered_at__isnull=True).order_by("pk")]
    return items


@receiver(unqualified_work_requested, dispatch_uid="luotsi_home_unqualified_work")
def unqualified_work(sender, *, qualifications: dict[int, str], **kwargs) -> list[OpenWork]:
    """The current client relationships whose responsible worker, and the plans whose named
    worker (omatyöntekijä), would no longer qualify with the qualification given, by the rules
    that applied when they were named (LSL 13 b §, SHL 42 §)."""
    items = []
    cases = (current_clienthoods().filter(responsible_worker_id__in=list(qualifications))
             .select_related("team", "responsible_worker").order_by("pk"))
    for case in cases:
        worker: User = case.responsible_worker
        would_be = User(pk=worker.pk, username=worker.username, first_name=worker.first_name,
                        last_name=worker.last_name,
                        qualification=qualifications[case.responsible_worker_id])
        if responsible_worker_problem(case.outcome, would_be,
                                      special_support=needs_special_support(case)):
            items.append(OpenWork(worker.pk, case.team_id,
                                  f"client relationship of assessment {case.pk} "
                                  f"(team {case.team.code}) as named worker"))
    for plan in (Plan.objects.filter(named_worker_id__in=list(qualifications))
                 .only("pk", "named_worker_id", "needs_special_support").order_by("pk")):
        would_be = User(pk=plan.named_worker_id,
                        qualification=qualifications[plan.named_worker_id])
        if not would_be.is_social_welfare_professional or (
                plan.needs_special_support and not would_be.may_be_responsible_social_worker):
            items.append(OpenWork(plan.named_worker_id, None,
                                  f"plan {plan.pk} as named worker (omatyöntekijä)"))
    return items
