"""Person search, the person page and registering a person. Every read goes through the gateway."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.access.services import emergency_access_open
from luotsi.api import idempotency
from luotsi.common.formatting import format_datetime
from luotsi.common.forms import save_through_service
from luotsi.common.middleware import pending_form_data
from luotsi.organisation.decorators import action_required, require_action
from luotsi.organisation.permissions import Action, has_permission
from luotsi.people import crypto, selectors
from luotsi.people.forms import EmergencyAccessForm, PersonForm, PersonSearchForm
from luotsi.people.lookup import find_by_hetu
from luotsi.people.services import PersonInput, person_create

SEARCH_LIMIT = 50


@login_required
@action_required(Action.SEARCH_PERSONS)
def person_search(request):
    """The search form posts its query (CSRF-protected) and the results are rendered in the
    answer: identity codes, names and birth dates never enter a URL, the browser history or a
    server's request log. A query in the URL is ignored."""
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.search_persons(
            request.user,
            name=form.cleaned_data["name"],
            hetu=form.cleaned_data["hetu"],
            birth_date=form.cleaned_data["birth_date"],
            limit=SEARCH_LIMIT,
        )
    response = render(request, "people/search.html",
                      {"form": form, "results": results, "limit": SEARCH_LIMIT})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def person_detail(request, person_id: int):
    try:
        access = gateway.access_person_by_id(request.user, person_id,
                                             category=Category.BASIC_DATA)
    except gateway.PersonNotFound:
        return person_not_found(request, person_id)
    context = selectors.person_page(request.user, access)
    response = render(request, "people/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


def person_not_found(request, person_id: int):
    """The 404 of a person page. Where the worker's role may use emergency access it offers the
    break-the-glass form for the id that was opened; the answer is the same whether the person
    is missing or only out of the worker's relationships (the refusal is logged either way)."""
    form = EmergencyAccessForm() if has_permission(request.user, Action.BREAK_GLASS) else None
    # The id is only in the form's address (the page's own path), so the page is the same for
    # any id.
    response = render(request, "people/not_found.html",
                      {"form": form, "action": f"{request.path}emergency/"}, status=404)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@action_required(Action.CREATE_PERSON)
def person_create_view(request):
    kept = pending_form_data(request)
    if kept is not None:
        messages.info(request, _("Your session had expired. Your entries were kept: check them "
                                 "and save again."))
        form = PersonForm(kept)
        form.is_valid()
    elif request.method == "POST":
        form = PersonForm(request.POST)
        # Registered once however often the form is posted: a repeat opens the person the
        # first post registered, read through the gateway by the person page.
        saved = save_through_service(request, form, idempotency.form_saved_once(
            request, form, lambda data: person_create(actor=request.user, data=PersonInput(
                hetu=data["hetu"], temporary=data["temporary"],
                first_name=data["first_name"], last_name=data["last_name"],
                birth_date=data["birth_date"], expected_birth_date=data["expected_birth_date"],
                language=data["language"], municipality_code=data["municipality_code"],
                interpreter_needed=data["interpreter_needed"],
                interpreter_language=data["interpreter_language"],
                street_address=data["street_address"], postal_code=data["postal_code"],
                post_office=data["post_office"], phone=data["phone"], email=data["email"],
                safety_ban=data["safety_ban"],
            )), access=lambda: require_action(request.user, Action.CREATE_PERSON)),
            _("The person was registered."))
        if saved:
            return redirect("person_detail", person_id=saved.result.pk)
    else:
        form = PersonForm()
    return render(request, "people/create.html", {"form": form})


@login_required
@action_required(Action.BREAK_GLASS)
def emergency_access(request, person_id: int | None = None):
    """Break the glass for the person of an identity code (``/persons/emergency/``) or, posted
    from a person page's not-found answer, for that page's person
    (``/persons/<id>/emergency/``, POST only)."""
    if person_id is not None and request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["person_id"] = person_id or ""
    form = EmergencyAccessForm(data)

    def open_access(data):
        asked_by = ""
        if data.get("person_id"):
            person_id, field = data["person_id"], None
            missing = _("No person was found.")
        else:
            person = find_by_hetu(data["hetu"])
            person_id, field = (person.pk if person else None), "hetu"
            missing = _("No person was found with this personal identity code.")
            # whom the worker looked for, as the search logs it: the keyed hash only
            asked_by = f"hetu {crypto.lookup_hash(data['hetu'])}"
        try:
            return emergency_access_open(actor=request.user, person_id=person_id,
                                         reason=data["reason"], asked_by=asked_by)
        except gateway.PersonNotFound:
            raise ValidationError({field: missing} if field else missing) from None

    def opened(relationship) -> str:
        return _("Emergency access is open until %(until)s. It is logged and will be "
                 "reviewed.") % {"until": format_datetime(relationship.ends_at)}

    if request.method == "POST":
        saved = save_through_service(request, form, open_access, opened,
                                     level=messages.WARNING)
        if saved:
            return redirect("person_detail", person_id=saved.result.person_id)
    return render(request, "people/emergency.html", {"form": form})
