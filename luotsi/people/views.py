"""Person search, the person page and registering a person. Every read goes through the gateway."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.access.services import emergency_access_open
from luotsi.common.forms import apply_service_errors
from luotsi.common.middleware import pending_form_data
from luotsi.organisation.permissions import Action, has_permission
from luotsi.people import selectors
from luotsi.people.forms import EmergencyAccessForm, PersonForm, PersonSearchForm
from luotsi.people.services import PersonInput, find_by_hetu, person_create

SEARCH_LIMIT = 50


def _require(user, action) -> None:
    if not has_permission(user, action):
        raise PermissionDenied


@login_required
def person_search(request):
    _require(request.user, Action.SEARCH_PERSONS)
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.search_persons(
            request.user,
            name=form.cleaned_data["name"],
            hetu=form.cleaned_data["hetu"],
            birth_date=form.cleaned_data["birth_date"],
            limit=SEARCH_LIMIT,
        )
        gateway.log_listed(request.user, results, category=Category.BASIC_DATA, detail="search")
    return render(request, "people/search.html",
                  {"form": form, "results": results, "limit": SEARCH_LIMIT})


@login_required
def person_detail(request, person_id: int):
    access = gateway.access_person_by_id(request.user, person_id, category=Category.BASIC_DATA)
    context = selectors.person_page(access)
    return render(request, "people/detail.html", context)


@login_required
def person_create_view(request):
    _require(request.user, Action.CREATE_PERSON)
    kept = pending_form_data(request)
    if kept is not None:
        messages.info(request, _("Your session had expired. Your entries were kept: check them "
                                 "and save again."))
        form = PersonForm(kept)
        form.is_valid()
    elif request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = person_create(actor=request.user, data=PersonInput(
                    hetu=data["hetu"], temporary=data["temporary"],
                    first_name=data["first_name"], last_name=data["last_name"],
                    birth_date=data["birth_date"], expected_birth_date=data["expected_birth_date"],
                    language=data["language"], municipality_code=data["municipality_code"],
                    street_address=data["street_address"], postal_code=data["postal_code"],
                    post_office=data["post_office"], phone=data["phone"], email=data["email"],
                    safety_ban=data["safety_ban"],
                ))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The person was registered."))
                return redirect("person_detail", person_id=person.pk)
    else:
        form = PersonForm()
    return render(request, "people/create.html", {"form": form})


@login_required
def emergency_access(request):
    _require(request.user, Action.BREAK_GLASS)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = find_by_hetu(form.cleaned_data["hetu"])
        try:
            relationship = emergency_access_open(
                actor=request.user, person_id=person.pk if person else None,
                reason=form.cleaned_data["reason"])
        except gateway.PersonNotFound:
            form.add_error("hetu", _("No person was found with this personal identity code."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.warning(request, _("Emergency access is open until %(until)s. It is logged and "
                                        "will be reviewed.") % {
                "until": date_format(timezone.localtime(relationship.ends_at), "SHORT_DATETIME_FORMAT")})
            return redirect("person_detail", person_id=relationship.person_id)
    return render(request, "people/emergency.html", {"form": form})
