"""Forms of the intake pages. They check the shape of the input; the services check the rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luotsi.common.converters import MAX_ID
from luotsi.common.forms import DateInput, Form, OnceForm, TimeInput, refuse_last_before_first
from luotsi.intake.advice import MAX_DURATION_MINUTES
from luotsi.intake.models import (
    CLOCK_CHOICES,
    AdviceKind,
    AdviceOutcome,
    AdviceTopic,
    AskerGroup,
    Assessment,
    Channel,
    Consultation,
    ContactKind,
    DeadlineStatus,
    InitialAssessment,
    Meeting,
    NamedWorkerNeed,
    ReporterKind,
    ServiceCatalogueItem,
    SupportMeasure,
    SupportNeed,
    Urgency,
)
from luotsi.intake.selectors import MY_TEAMS, UNASSESSED, children_cap, with_children
from luotsi.organisation.models import Municipality, ServiceTask, Team, TeamKind, User

HELSINKI = ZoneInfo("Europe/Helsinki")
BLANK = [("", "—")]
MAX_CHILDREN = 4
MAX_GUARDIANS = 2
_IDEMPOTENCY_KEY = re.compile(r"^[0-9a-f]{32}$")


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def _text(label, rows=3, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class ListedChoiceField(forms.Field):
    """A choice among objects read beforehand (``set_objects``): rendering the list and checking
    the choice need no query of their own. The cleaned value is the chosen object or ``None``."""

    widget = forms.Select
    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"],
    }

    def __init__(self, *, empty_label="—", label_from=str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.empty_label, self.label_from = empty_label, label_from
        self.set_objects([])

    def set_objects(self, objects) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        self.widget.choices = [("", self.empty_label)] + [
            (key, self.label_from(obj)) for key, obj in self.objects.items()]

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        chosen = self.objects.get(str(value))
        if chosen is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return chosen


def worker_label(user) -> str:
    return user.get_full_name() or user.username


def worker_with_teams(user, teams=None) -> str:
    """A worker's name with their teams, so that a list of workers of several teams says who
    works where (``teams``: the names, else the worker's prefetched teams)."""
    if teams is None:
        teams = [str(team) for team in user.teams.all()]
    return f"{worker_label(user)} ({', '.join(teams)})" if teams else worker_label(user)


class TeamWorkerChoiceField(forms.ModelChoiceField):
    """A worker among the members of teams, shown with their teams (prefetch ``teams``)."""

    def label_from_instance(self, obj) -> str:
        return worker_with_teams(obj)


def members_of(team_ids, *, with_teams: bool = False):
    """Active members of the given teams (ids or a queryset of teams), by name; with each one's
    teams read in the same go when ``with_teams`` (for a choice that names them)."""
    members = (User.objects.filter(teams__in=team_ids, is_active=True).distinct()
               .order_by("last_name", "first_name", "pk"))
    if with_teams:
        members = members.prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("pk")))
    return members


# --- registering a contact ---------------------------------------------------------------------

class ContactForm(Form):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=BLANK + ContactKind.choices)
    clock = forms.ChoiceField(
        label=_("Statutory clock"), required=False,
        choices=[("", pgettext_lazy("clock", "The default for the kind"))] + CLOCK_CHOICES,
        help_text=_("The kind of contact decides its statutory clock. Choose a stricter one, "
                    "e.g. the special-support clock (SHL 36 §) for a child needing special "
                    "support; the kind's own clock cannot be dropped or replaced."))
    channel = forms.ChoiceField(label=_("Channel"), choices=BLANK + Channel.choices)
    received_date = _date_field(_("Date received"))
    received_time = forms.TimeField(
        label=_("Time received"), widget=TimeInput(),
        input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
        help_text=_("Finnish time. The opening day of the statutory clocks is this date."))
    reporter_kind = forms.ChoiceField(label=_("Who made the contact"),
                                      choices=BLANK + ReporterKind.choices)
    reporter_name = forms.CharField(label=_("Reporter's name"), required=False, max_length=200)
    reporter_organisation = forms.CharField(label=_("Reporter's organisation"), required=False,
                                            max_length=200)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), required=False, max_length=40)
    reporter_protected = forms.BooleanField(
        label=_("The reporter's identity is not to be disclosed to the family"), required=False)
    family_informed = forms.BooleanField(label=_("The reporter has told the family"),
                                         required=False)
    description = _text(_("What was reported"), rows=6)
    municipality_code = forms.ChoiceField(
        label=_("Family's municipality"), required=False,
        help_text=_("Decides the regional team. Leave empty to use the child's municipality of "
                    "residence."))
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality_code"].choices = BLANK + [
            (m.code, str(m)) for m in Municipality.objects.order_by("name_fi")]

    def clean_idempotency_key(self) -> str:
        value = self.cleaned_data["idempotency_key"]
        return value if _IDEMPOTENCY_KEY.match(value or "") else ""

    def clean(self):
        return _with_received_at(self, super().clean())

    @classmethod
    def initial_now(cls) -> dict:
        return received_initial(timezone.now())


def received_initial(at: datetime) -> dict:
    """The received date and time fields' initial values for ``at``, in Finnish time."""
    local = timezone.localtime(at, HELSINKI)
    return {"received_date": local.date(),
            "received_time": local.time().replace(second=0, microsecond=0)}


def _with_received_at(form, data: dict) -> dict:
    """``received_at`` (aware, Finnish time) from the received date and time fields."""
    day, time = data.get("received_date"), data.get("received_time")
    if day and time:
        naive = datetime.combine(day, time.replace(second=0, microsecond=0))
        aware = naive.replace(tzinfo=HELSINKI)
        if aware.astimezone(UTC).astimezone(HELSINKI).replace(tzinfo=None) != naive:
            form.add_error("received_time", _(
                "This time does not exist in Finnish time: the clocks were put forward "
                "that night."))
        else:
            data["received_at"] = aware
    return data


class AdviceForm(Form):
    """Advice, guidance or a professional's consultation, without any person data."""

    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK + AdviceKind.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=BLANK + AdviceTopic.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=BLANK + Channel.choices)
    asker_group = forms.ChoiceField(label=_("Who asked"), choices=BLANK + AskerGroup.choices,
                                    help_text=_("A group, never a name."))
    received_date = _date_field(_("Date received"))
    received_time = forms.TimeField(
        label=_("Time received"), widget=TimeInput(),
        input_formats=["%H:%M", "%H:%M:%S", "%H.%M"], help_text=_("Finnish time."))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1,
                                          max_value=MAX_DURATION_MINUTES)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BLANK + [
        (code, label) for code, label in AdviceOutcome.choices
        if code != AdviceOutcome.CONVERTED])
    summary = _text(_("Summary"), rows=4, required=False, max_length=5000,
                    help_text=_("What was asked and advised, without names or personal "
                                "identity codes."))
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_idempotency_key(self) -> str:
        value = self.cleaned_data["idempotency_key"]
        return value if _IDEMPOTENCY_KEY.match(value or "") else ""

    def clean(self):
        return _with_received_at(self, super().clean())


class AdviceFilterForm(Form):
    """The advice list's filters (GET, nothing is saved)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", pgettext_lazy("kinds", "All"))] + AdviceKind.choices)
    topic = forms.ChoiceField(label=_("Topic"), required=False,
                              choices=[("", pgettext_lazy("topics", "All"))]
                              + AdviceTopic.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False,
        choices=[("", pgettext_lazy("outcomes", "All"))] + AdviceOutcome.choices)
    received_from = forms.DateField(label=_("Received from"), required=False,
                                    widget=DateInput(), help_text=_("The first day, included."))
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput(),
                                  help_text=_("The last day, included."))

    def clean(self):
        data = super().clean()
        refuse_last_before_first(self, "received_from", "received_to")
        return data


class PersonRowForm(Form):
    """One child or guardian of a contact: an existing person by personal identity code, or a new
    one by name (with a temporary identifier when there is no code)."""

    hetu = forms.CharField(label=_("Personal identity code"), required=False, max_length=20)
    temporary = forms.BooleanField(
        label=_("No personal identity code known: give a temporary identifier"), required=False)
    first_name = forms.CharField(label=_("First names"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)

    def __init__(self, *args, legend="", **kwargs):
        super().__init__(*args, **kwargs)
        self.legend = legend

    def is_filled(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(data.get(name) for name in ("hetu", "temporary", "first_name", "last_name"))

    def clean(self):
        data = super().clean()
        hetu = (data.get("hetu") or "").strip()
        data["hetu"] = hetu
        named = (data.get("first_name") or "").strip() or (data.get("last_name") or "").strip()
        if named and not hetu and not data.get("temporary"):
            self.add_error("hetu", _("Enter the personal identity code, or tick that none is "
                                     "known."))
        return data


class UnbornForm(Form):
    unborn = forms.BooleanField(label=_("An unborn child (pre-birth notification)"),
                                required=False)
    expected_birth_date = _date_field(_("Expected date of birth"), required=False)

    legend = _("Unborn child")

    def clean(self):
        data = super().clean()
        if data.get("unborn") and not data.get("expected_birth_date") \
                and "expected_birth_date" not in self.errors:
            self.add_error("expected_birth_date", _("Enter the expected date of birth."))
        if not data.get("unborn") and data.get("expected_birth_date"):
            self.add_error("unborn", _("Tick this for an unborn child, or leave the expected "
                                       "date of birth empty."))
        return data


def contact_forms(data=None) -> dict:
    """The register page's forms: the contact, up to four children, the unborn child and up
    to two guardians (or expectant parents)."""
    initial = None if data is not None else ContactForm.initial_now()
    return {
        "contact": ContactForm(data, initial=initial),
        "children": [
            PersonRowForm(data, prefix=f"child-{i}",
                          legend=_("Child %(number)s") % {"number": i + 1})
            for i in range(MAX_CHILDREN)],
        "unborn": UnbornForm(data, prefix="unborn"),
        "guardians": [
            PersonRowForm(data, prefix=f"guardian-{i}",
                          legend=_("Guardian or expectant parent %(number)s") % {"number": i + 1})
            for i in range(MAX_GUARDIANS)],
    }


# --- the contact page -----------------------------------------------------------------------------

class VersionedForm(Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class UrgencyForm(VersionedForm):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                widget=forms.RadioSelect)
    urgency_note = _text(_("Note"), required=False,
                         help_text=_("For an urgent matter: what makes it urgent and what was "
                                     "done."))


class InitialAssessmentForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome of the initial assessment"),
                                choices=InitialAssessment.Outcome.choices,
                                widget=forms.RadioSelect)
    reason = _text(_("Summary and reasons"), required=False,
                   help_text=_("Required for advice and guidance and for no action."))
    referral_code = forms.ChoiceField(
        label=_("Referred to"), required=False,
        help_text=_("Services of the catalogue that serve the family's municipality."))
    informed_on = _date_field(_("Child and guardian informed (LSL 26 §)"), required=False,
                              help_text=_("Required for a child-welfare notification, unless "
                                          "you write below why they were not informed."))
    not_informed_reason = _text(_("Why the child and guardian were not informed"),
                                required=False)

    def __init__(self, *args, municipality_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = ServiceCatalogueItem.objects.filter(active=True, municipalities=municipality_id)
        self.fields["referral_code"].choices = BLANK + [
            (item.code, f"{item} ({item.provider}, {item.get_provider_kind_display()})")
            for item in items.order_by("name_fi")]


class ClockForm(VersionedForm):
    """Changing the statutory clock of a registered contact: a decision with its reason."""

    clock = forms.ChoiceField(label=_("New statutory clock"), choices=BLANK + CLOCK_CHOICES,
                              help_text=_("The kind's own clock can be made stricter, never "
                                          "dropped or replaced. The deadlines are recomputed."))
    reason = _text(_("Reason for the change"),
                   help_text=_("E.g. the initial assessment found that the child needs special "
                               "support."))

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clock"].choices = BLANK + [
            (code, label) for code, label in CLOCK_CHOICES if code != current]


class AssignForm(VersionedForm):
    assignee = TeamWorkerChoiceField(label=_("Worker"), queryset=User.objects.none())
    pair_worker = TeamWorkerChoiceField(label=_("Pair worker"), queryset=User.objects.none(),
                                        required=False)

    def __init__(self, *args, team_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        members = members_of(team_ids, with_teams=True)
        self.fields["assignee"].queryset = members
        self.fields["pair_worker"].queryset = members


# --- the queues --------------------------------------------------------------------------------

def family_teams():
    return Team.objects.filter(kind__in=[TeamKind.INTAKE, TeamKind.ASSESSMENT],
                               service_task=ServiceTask.FAMILY_SERVICES).order_by("kind", "name_fi")


@dataclass(frozen=True)
class FamilyTeams:
    """The family-services intake and assessment teams and their active members, read in two
    queries for a queue page (its filters and its assignment form)."""

    teams: list[Team]
    members: dict[int, list[User]]  # team id → members by name

    def teams_of(self) -> dict[int, list[str]]:
        """The names of the family teams of each member, by user id."""
        names: dict[int, list[str]] = {}
        for team in self.teams:
            for user in self.members[team.pk]:
                names.setdefault(user.pk, []).append(str(team))
        return names

    def workers(self, team_ids=None) -> list[User] | None:
        """The members of ``team_ids`` (of every team when ``None``) by name, each once; ``None``
        when one of the teams is not a family team (the caller then reads them itself)."""
        ids = list(self.members) if team_ids is None else list(team_ids)
        if any(team_id not in self.members for team_id in ids):
            return None
        unique = {user.pk: user for team_id in ids for user in self.members[team_id]}
        return sorted(unique.values(), key=lambda u: (u.last_name, u.first_name, u.pk))


def family_team_directory() -> FamilyTeams:
    teams = list(family_teams())
    members: dict[int, list[User]] = {team.pk: [] for team in teams}
    links = (User.teams.through.objects
             .filter(team_id__in=list(members), user__is_active=True)
             .select_related("user")
             .only("team_id", "user__username", "user__first_name", "user__last_name")
             .order_by("user__last_name", "user__first_name", "user_id"))
    for link in links:
        members[link.team_id].append(link.user)
    return FamilyTeams(teams, members)


class TeamFilterField(ListedChoiceField):
    """The queue's team filter: all teams, "my teams" (``MY_TEAMS``, every team of the signed-in
    professional, the default) or one team."""

    def set_objects(self, objects) -> None:
        super().set_objects(objects)
        self.widget.choices.insert(1, (MY_TEAMS, pgettext_lazy("teams", "My teams")))

    def to_python(self, value):
        return MY_TEAMS if value == MY_TEAMS else super().to_python(value)


class QueueFilterForm(Form):
    team = TeamFilterField(label=_("Team"), required=False,
                           empty_label=pgettext_lazy("teams", "All"))
    worker = ListedChoiceField(label=_("Worker"), required=False, label_from=worker_label,
                               empty_label=pgettext_lazy("workers", "All"))
    unassigned = forms.BooleanField(label=_("Only unassigned"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    kind = forms.ChoiceField(label=_("Kind of contact"), required=False,
                             choices=[("", pgettext_lazy("kinds", "All"))] + ContactKind.choices)
    status = forms.ChoiceField(
        label=_("Deadline status"), required=False,
        choices=[("", pgettext_lazy("statuses", "All")),
                 (DeadlineStatus.OVERDUE, DeadlineStatus.OVERDUE.label),
                 (DeadlineStatus.DUE_SOON, DeadlineStatus.DUE_SOON.label),
                 (DeadlineStatus.ON_TIME, DeadlineStatus.ON_TIME.label)])
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False,
        choices=[("", pgettext_lazy("urgencies", "All")),
                 (Urgency.URGENT, Urgency.URGENT.label),
                 (Urgency.NOT_URGENT, Urgency.NOT_URGENT.label),
                 (UNASSESSED, _("Not assessed"))])
    include_closed = forms.BooleanField(label=_("Include closed contacts"), required=False)

    def __init__(self, *args, directory: FamilyTeams | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        directory = directory or family_team_directory()
        self.fields["team"].set_objects(directory.teams)
        self.fields["worker"].set_objects(directory.workers())
        self.fields["municipality"].choices = [("", pgettext_lazy("municipalities", "All"))] + [
            (m.code, str(m)) for m in Municipality.objects.order_by("name_fi")]


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": _("Choose at least one contact.")}

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        ids = []
        for item in value:
            try:
                number = int(item)
            except (TypeError, ValueError):
                number = 0
            # An id beyond a database integer would fail in the database's driver.
            if not 1 <= number <= MAX_ID:
                raise forms.ValidationError(_("Choose contacts from the list."), code="invalid")
            ids.append(number)
        return ids


class BulkAssignForm(VersionedForm):
    """Assigning the contacts checked in a queue to a worker (and a pair worker) of the teams;
    the workers are read once for the page (``FamilyTeams.workers``) when they can be."""

    assignee = ListedChoiceField(label=_("Worker"), label_from=worker_label)
    pair_worker = ListedChoiceField(label=_("Pair worker"), label_from=worker_label,
                                    required=False)
    ids = IdListField(label=_("Contacts"))

    def __init__(self, *args, team_ids=(), workers: list[User] | None = None,
                 teams_of: dict[int, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if workers is None or teams_of is None:
            workers = list(members_of(team_ids).only("username", "first_name", "last_name")
                           .prefetch_related(Prefetch("teams",
                                                      queryset=Team.objects.order_by("pk"))))
            teams_of = {user.pk: [str(team) for team in user.teams.all()] for user in workers}
        for name in ("assignee", "pair_worker"):
            self.fields[name].label_from = lambda user: worker_with_teams(
                user, teams_of.get(user.pk, []))
            self.fields[name].set_objects(workers)


# --- my work ----------------------------------------------------------------------------------

class NotificationsReadForm(Form):
    ids = IdListField(label=_("Notifications"), required=False)


# --- the service-need assessment ----------------------------------------------------------------

class StartForm(Form):
    started_on = _date_field(_("Assessment started"))
    pair_worker = WorkerChoiceField(label=_("Pair worker"), queryset=User.objects.none(),
                                    required=False)

    def __init__(self, *args, team_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair_worker"].queryset = members_of(team_ids)


class MeetingForm(OnceForm):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=BLANK + Meeting.Kind.choices)
    held_on = _date_field(_("Date"))
    participants = forms.CharField(label=_("Participants"), required=False, max_length=500)
    notes = _text(_("Notes"), rows=5)


class ConsultationForm(OnceForm):
    expert = forms.CharField(label=_("Consulted professional"), max_length=200)
    question = _text(_("Question"))
    answer = _text(_("Answer"), required=False)


class ConsultationAnswerForm(Form):
    """The answer to one consultation of the assessment, recorded when it arrives."""

    consultation = forms.ModelChoiceField(queryset=Consultation.objects.none(),
                                          widget=forms.HiddenInput)
    answer = _text(_("Answer"))

    def __init__(self, *args, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        if hasattr(consultations, "model"):
            field.queryset = consultations
        else:
            field.queryset = Consultation.objects.filter(pk__in=[c.pk for c in consultations])
        field.error_messages["invalid_choice"] = _("Choose a consultation of this assessment.")


class ResponsibleWorkerChoiceField(WorkerChoiceField):
    """A worker shown with their qualification and, for a licensed social worker, the children
    they already have as child-welfare clients against the cap (LSL 13 b §): the choice is
    warned about before it is made (annotate the queryset ``with_children``)."""

    def label_from_instance(self, obj) -> str:
        name = worker_label(obj)
        qualification = (obj.get_qualification_display() if obj.qualification
                         else pgettext_lazy("qualification", "qualification not recorded"))
        if not obj.may_be_responsible_social_worker:
            return f"{name} ({qualification})"
        return _("%(name)s (%(qualification)s; %(children)s/%(cap)s children as child-welfare "
                 "clients)") % {"name": name, "qualification": qualification,
                                "children": getattr(obj, "children", 0), "cap": children_cap()}


class CompleteForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome of the assessment"),
                                choices=Assessment.Outcome.choices, widget=forms.RadioSelect)
    reason = _text(_("Summary of the situation and the need for services and support"), rows=5)
    conclusions = _text(_("Conclusions on the conditions for clienthood"), rows=4)
    client_view = _text(_("The client's own view of their needs"), rows=4,
                        help_text=_("The family's own view, in their words."))
    child_met_on = _date_field(_("Child met and heard"), required=False,
                               help_text=_("For a child: the date, or the reason why not below."))
    child_not_met_reason = _text(_("Why the child was not met"), rows=2, required=False)
    child_view = _text(_("The child's own view"), rows=3, required=False,
                       help_text=_("Required when the child was met."))
    support_need = forms.ChoiceField(
        label=_("The need for support is"), choices=SupportNeed.choices,
        widget=forms.RadioSelect, required=False,
        help_text=_("Required unless the assessment is closed with no need for services."))
    named_worker_need = forms.ChoiceField(
        label=_("Need for a named worker (omatyöntekijä, SHL 42 §)"),
        choices=NamedWorkerNeed.choices, widget=forms.RadioSelect)
    children_situation = _text(_("Situation of any child in the adult's care"), rows=3,
                               required=False,
                               help_text=_("Required when the person assessed is an adult."))
    completed_on = _date_field(_("Assessment completed"))
    responsible_worker = ResponsibleWorkerChoiceField(
        label=_("Responsible worker (omatyöntekijä)"), queryset=User.objects.none(),
        required=False, help_text=_(
            "Required when the outcome opens a client relationship. The responsible social "
            "worker of a child-welfare client is a licensed social worker (LSL 13 b §); the "
            "named worker of a family-services client is a social-welfare professional, a "
            "licensed social worker when the child needs special support (SHL 42 §)."))
    informed_on = _date_field(_("Child and guardian informed"), required=False,
                              help_text=_("Required for a child-welfare client relationship "
                                          "(LSL 27 §)."))

    def __init__(self, *args, team_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_worker"].queryset = with_children(members_of(team_ids))


class ResponsibleWorkerForm(VersionedForm):
    """A team lead's change of a client's responsible worker, with the reason."""

    responsible_worker = ResponsibleWorkerChoiceField(
        label=_("New responsible worker"), queryset=User.objects.none(), help_text=_(
            "The responsible social worker of a child-welfare client is a licensed social "
            "worker (LSL 13 b §); the named worker of a family-services client is a "
            "social-welfare professional, a licensed social worker when the child needs "
            "special support (SHL 42 §)."))
    reason = _text(_("Reason for the change"), rows=3)

    def __init__(self, *args, team_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_worker"].queryset = with_children(members_of(team_ids))


class ResultDraftForm(CompleteForm):
    """The completion form saved without completing: every field may still be empty; the
    service checks what is written."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            form_field.required = False


class SupportMeasureForm(OnceForm):
    measure = forms.ChoiceField(label=_("Support measure"),
                                choices=BLANK + list(SupportMeasure.choices))
    started_on = _date_field(_("Started"))
    note = forms.CharField(label=_("Details"), max_length=300, required=False,
                           help_text=_("Required for other support."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_support-%s")  # unique beside the page's other forms
        super().__init__(*args, **kwargs)


class ReferralForm(OnceForm):
    service_code = forms.ChoiceField(label=_("Referred to"))
    referred_on = _date_field(_("Referral made"))
    note = forms.CharField(label=_("Details"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_referral-%s")
        super().__init__(*args, **kwargs)
        items = ServiceCatalogueItem.objects.filter(active=True).order_by("name_fi")
        self.items = {item.code: item for item in items}
        self.fields["service_code"].choices = BLANK + [
            (item.code, f"{item} ({item.provider})") for item in self.items.values()]


class RowRemoveForm(Form):
    row = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)


# --- caseload -----------------------------------------------------------------------------------

class CaseloadForm(Form):
    from_user = TeamWorkerChoiceField(label=_("Leaving worker"), queryset=User.objects.none())
    to_user = TeamWorkerChoiceField(label=_("New worker"), queryset=User.objects.none())

    def __init__(self, *args, team_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        members = members_of(team_ids, with_teams=True)
        self.fields["from_user"].queryset = members
        self.fields["to_user"].queryset = members
