"""Pages of the data-protection officer and team leads: access-log reports and reviews of
emergency accesses.

The access-log page holds two forms: a person's report (optionally of one basis) and the records
that name no person (exports about many people such as the research file, basis ``research``),
told apart by the posted ``report`` field."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from luotsi.access import gateway, log, reports
from luotsi.access.forms import EmergencyReviewForm, PersonReportForm, UnnamedRecordsForm
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.access.selectors import (
    emergency_accesses,
    emergency_accesses_for_review,
    emergency_window_records,
    window_records_by_access,
)
from luotsi.access.services import emergency_access_review
from luotsi.common.pdf import render_pdf
from luotsi.organisation.decorators import action_required
from luotsi.organisation.models import Role, Team
from luotsi.organisation.permissions import Action
from luotsi.people import crypto
from luotsi.people.lookup import (
    find_by_hetu,
    find_by_name_and_birth_date,
    find_by_temporary_id,
)


def _basis_detail(basis: str) -> str:
    return f"; basis {basis}" if basis else ""


@login_required
@action_required(Action.ACCESS_LOG_REPORT)
def access_log_report(request):
    """A person's access-log report for a period: page, CSV or PDF (the client's right to know)."""
    posted = request.POST if request.method == "POST" else None
    unnamed = posted is not None and posted.get("report") == "unnamed"
    form = PersonReportForm(None if unnamed else posted)
    unnamed_form = UnnamedRecordsForm(posted if unnamed else None, prefix="unnamed")
    context: dict[str, object] = {"form": form, "unnamed_form": unnamed_form}
    if unnamed:
        if unnamed_form.is_valid():
            context.update(_unnamed_records(request.user, unnamed_form.cleaned_data))
        return render(request, "access/report.html", context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person, field, refusal, asked_by = _report_person(data)
        output = request.POST.get("format", "page")
        action = {"csv": LogAction.EXPORT, "pdf": LogAction.PRINT}.get(output, LogAction.VIEW)
        detail = f"access-log report {data['start']}..{data['end']}; asked by {asked_by}"
        if data["special_reason"]:
            detail += f"; special reason: {data['special_reason'].strip()}"
        detail += _basis_detail(data["basis"])
        if person is None:
            detail += _searched_for(data)
            log.record(request.user, person_id=None, category=Category.ACCESS_LOG, action=action,
                       basis=Basis.DPO_TASK, outcome=Outcome.REFUSED, detail=detail)
            form.add_error(field, refusal)
            return render(request, "access/report.html", context)
        rows, truncated = reports.rows_for(person.pk, data["start"], data["end"],
                                           basis=data["basis"], person=person)
        log.record(request.user, person_id=person.pk, category=Category.ACCESS_LOG,
                   action=action, basis=Basis.DPO_TASK, outcome=Outcome.ALLOWED, detail=detail)
        context.update({
            "person": person, "rows": rows, "truncated": truncated, "start": data["start"],
            "end": data["end"], "headers": reports.headers(), "generated": timezone.now(),
            "special_reason": data["special_reason"], "max_rows": reports.MAX_ROWS,
            "actor": request.user,
            "basis_label": Basis(data["basis"]).label if data["basis"] else "",
        })
        filename = f"access-log-{person.pk}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
        if output == "csv":
            response = HttpResponse(reports.as_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
            return response
        if output == "pdf":
            return render_pdf("access/report_pdf.html", context, f"{filename}.pdf")
    return render(request, "access/report.html", context)


def _searched_for(data: dict) -> str:
    """Whom a report that found nobody was asked for, as a person search logs it: keyed hashes
    of the terms, never the clear identity code, name or date of birth."""
    if data["hetu"]:
        return f"; hetu {crypto.lookup_hash(data['hetu'])}"
    if data["temporary_id"]:
        return ""  # a temporary identifier is no personal data of its own
    return (f"; name {crypto.search_term_hash('name', crypto.name_term(data['name']))}"
            f", birth_date {crypto.search_term_hash('birth_date', data['birth_date'].isoformat())}")


def _report_person(data: dict):
    """The person a report is asked for: (person, field, refusal message, how it was asked).
    By identity code, temporary identifier, or name and date of birth (which must name one
    person)."""
    if data["hetu"]:
        return (find_by_hetu(data["hetu"]), "hetu",
                _("No person was found with this personal identity code."), "identity code")
    if data["temporary_id"]:
        return (find_by_temporary_id(data["temporary_id"]), "temporary_id",
                _("No person was found with this temporary identifier."), "temporary identifier")
    found = find_by_name_and_birth_date(data["name"], data["birth_date"])
    if len(found) > 1:
        return (None, "name",
                _("%(count)s persons have this name and date of birth: give the personal "
                  "identity code or the temporary identifier.") % {"count": len(found)},
                "name and date of birth")
    return (found[0] if found else None, "name",
            _("No person was found with this name and date of birth."), "name and date of birth")


def _unnamed_records(user, data: dict) -> dict:
    """The records naming no person, for the page; viewing them is itself logged."""
    rows, truncated = reports.unnamed_rows(data["start"], data["end"], data["basis"])
    log.record(user, person_id=None, category=Category.ACCESS_LOG, action=LogAction.VIEW,
               basis=Basis.DPO_TASK, outcome=Outcome.ALLOWED,
               detail=(f"access-log records naming no person {data['start']}..{data['end']}"
                       f"{_basis_detail(data['basis'])}"))
    return {
        "unnamed_rows": rows, "unnamed_truncated": truncated, "unnamed_shown": True,
        "unnamed_headers": reports.unnamed_headers(), "start": data["start"],
        "end": data["end"], "max_rows": reports.MAX_ROWS,
        "basis_label": Basis(data["basis"]).label if data["basis"] else "",
    }


def _reviewer_basis(user) -> str:
    return Basis.DPO_TASK if user.role == Role.DPO else Basis.NONE


_CONTACT_DETAIL = re.compile(r"\bcontact (\d+)\b")


def _record_links(user, rows, opened: set[int]) -> None:
    """Links from log records to the client records they speak of, where ``user`` may open them
    (``opened``: the persons ``user`` has a basis for; the gateway logs the opening itself)."""
    for row in rows:
        links = []
        if row.person_id in opened:
            links.append((_("Person"), reverse("person_detail", args=[row.person_id])))
            if row.category == Category.PLAN:
                links.append((_("Client plan"), reverse("plan_open", args=[row.person_id])))
            contact = _CONTACT_DETAIL.search(row.detail or "")
            if row.category == Category.INTAKE and contact:
                links.append((_("Contact"), reverse("contact_detail", args=[int(contact[1])])))
        row.links = links


@login_required
@never_cache
@action_required(Action.REVIEW_BREAK_GLASS)
def emergency_reviews(request):
    """Emergency accesses waiting for review, each with what its holder read and changed in
    its window (links to the log records). Showing them is logged as the reviewer's reading of
    each person's access log."""
    user = request.user
    pending = list(emergency_accesses_for_review(user)[:200])
    found = window_records_by_access(pending)
    opened = set(gateway.access_bases(user, {rel.person_id for rel in pending}))
    for rel in pending:
        rel.window = found[rel.pk]
        _record_links(user, rel.window.shown, opened)
    log.append(log.Actor.of(user), [
        log.Event(rel.person_id, Category.ACCESS_LOG, LogAction.VIEW, _reviewer_basis(user),
                  Outcome.ALLOWED, f"emergency access {rel.pk} review: {rel.window.total} records")
        for rel in pending])
    return render(request, "access/reviews.html",
                  {"pending": pending, "form": EmergencyReviewForm(),
                   "writes_allowed": gateway.emergency_writes_allowed()})


@login_required
@never_cache
@action_required(Action.REVIEW_BREAK_GLASS)
def emergency_record(request, relationship_id: int, seq: int):
    """One access-log record of an emergency access's window, with its place in the chain and
    links to the client records it speaks of where the reviewer may open them."""
    user = request.user
    relationship = emergency_accesses(user).filter(pk=relationship_id).first()
    if relationship is None:
        raise Http404
    entry = emergency_window_records(relationship).filter(seq=seq).first()
    if entry is None:
        raise Http404
    entry.is_write = entry.action in gateway.WRITE_ACTIONS
    _record_links(user, [entry], set(gateway.access_bases(user, [relationship.person_id])))
    log.record(user, person_id=relationship.person_id, category=Category.ACCESS_LOG,
               action=LogAction.VIEW, basis=_reviewer_basis(user), outcome=Outcome.ALLOWED,
               detail=f"access-log record {entry.seq} of emergency access {relationship.pk}")
    team = Team.objects.filter(code=entry.team).first() if entry.team else None
    role = Role(entry.role).label if entry.role in Role.values else entry.role
    return render(request, "access/emergency_record.html",
                  {"rel": relationship, "entry": entry, "team": team, "role": role})


@login_required
@action_required(Action.REVIEW_BREAK_GLASS)
def emergency_review(request, relationship_id: int):
    if request.method != "POST":
        return redirect("emergency_reviews")
    if not emergency_accesses_for_review(request.user).filter(pk=relationship_id).exists():
        raise PermissionDenied
    form = EmergencyReviewForm(request.POST)
    if form.is_valid():
        try:
            emergency_access_review(actor=request.user, relationship_id=relationship_id,
                                    finding=form.cleaned_data["finding"],
                                    note=form.cleaned_data["note"])
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("The review was saved."))
    else:
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form.fields[field].label}: {message}")
    return redirect("emergency_reviews")
