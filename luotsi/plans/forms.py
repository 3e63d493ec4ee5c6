"""Forms of the client plan page. Each posts to its own address; the choices come from what the
professional sees on the page (visible sections and goals), so nothing hidden can be chosen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luotsi.common.formatting import format_date
from luotsi.common.forms import DateInput, Form, OnceMixin
from luotsi.plans import sectors
from luotsi.plans.models import (
    CodeList,
    Evaluation,
    Goal,
    GoalFactor,
    Participant,
    PlanService,
    Rating,
    Step,
    WithholdingGround,
)
from luotsi.plans.rendering import RENDERER

LANGUAGES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]
EMPTY = [("", "—")]


class PlanForm(Form):
    """The plan's forms write their common widgets through Jinja2 (``luotsi.plans.rendering``)."""

    default_renderer = RENDERER


def _date(**kwargs) -> forms.DateField:
    return forms.DateField(widget=DateInput(), **kwargs)


def _text(rows: int = 3, **kwargs) -> forms.CharField:
    return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def professional_choices(professionals) -> list[tuple[str, str]]:
    return EMPTY + [(str(u.pk), f"{u.get_full_name() or u.username}"
                     + (f" ({u.title})" if u.title else "")) for u in professionals]


def item_choices(found, code_list: str, keep=None) -> list[tuple[str, str]]:
    """The codes offered today; ``keep``, a row's own retired code, stays choosable for that row
    so that editing the row's other fields does not force a new code."""
    offered = found.active_items(code_list)
    rows = [(str(i.pk), i.name) for i in offered]
    if keep is not None and all(i.pk != keep.pk for i in offered):
        rows.append((str(keep.pk), _("%(name)s (retired code, version %(version)s)") % {
            "name": keep.name, "version": keep.version.version}))
    return EMPTY + rows


def sector_choices() -> list[tuple[str, str]]:
    return EMPTY + sectors.choices()


def goal_choices(goals) -> list[tuple[str, str]]:
    return [(str(g.goal.pk), f"{g.number}. {g.goal.client_wording[:60]}") for g in goals]


def section_choices(sections) -> list[tuple[str, str]]:
    return EMPTY + [(str(s.pk), s.get_sector_display()) for s in sections]


class PlanTextForm(PlanForm):
    """The plan's own texts. ``revision`` is the version the professional started from: a save
    on top of someone else's newer save is refused, and nothing is overwritten."""

    CHECKED = ("client_situation", "client_view", "disagreement")

    revision = forms.IntegerField(widget=forms.HiddenInput)
    client_situation = _text(5, label=_("The client's situation in their own words"),
                             required=False)
    client_view = _text(3, label=_("The client's view of the plan"), required=False)
    disagreement = _text(3, label=_("Disagreement and its reasons"), required=False)
    review_on = _date(label=_("Next review"), error_messages={
        "required": _("Give the date of the next review.")})
    language = forms.ChoiceField(label=_("Language of the plan and the client's memo"),
                                 choices=LANGUAGES)


class SectionForm(OnceMixin, PlanForm):
    sector = forms.ChoiceField(label=_("Sector"), choices=sector_choices,
                               error_messages={"required": _("Choose the sector.")})
    responsible = forms.ChoiceField(label=_("Responsible professional"), error_messages={
        "required": _("Name the professional responsible for the sector's part of the plan.")})
    summary = _text(3, label=_("Summary"), required=False)

    def __init__(self, *args, professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = professional_choices(professionals)


class CoordinatorForm(PlanForm):
    coordinator = forms.ChoiceField(
        label=_("Coordinator (case manager)"),
        help_text=_("A professional of any sector who holds the whole plan together and whom "
                    "the client contacts first. The client sees this person."),
        error_messages={"required": _("Choose the coordinator.")})

    def __init__(self, *args, professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].choices = professional_choices(professionals)


class NamedWorkerForm(PlanForm):
    named_worker = forms.ChoiceField(
        label=_("Named worker (omatyöntekijä)"), required=False,
        help_text=_("The statutory named worker (SHL 42 §): a social-welfare professional, and "
                    "a licensed social worker when the client needs special support. The "
                    "client sees this person."))
    needs_special_support = forms.BooleanField(
        label=_("The client needs special support (SHL 3 §)"), required=False)

    def __init__(self, *args, professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_worker"].choices = EMPTY + [
            (str(u.pk), f"{u.get_full_name() or u.username}"
             + (f" ({u.title})" if u.title else "")
             + (f" – {u.get_qualification_display()}" if u.qualification else ""))
            for u in professionals]


class GoalForm(OnceMixin, PlanForm):
    CHECKED = ("client_wording",)

    goal_area = forms.ChoiceField(label=_("AVAIN goal area"),
                                  error_messages={"required": _("Choose a value from the list.")})
    client_wording = _text(2, label=_("The goal in the client's own words"), error_messages={
        "required": _("Write the goal in the client's own words.")})
    target_date = _date(label=_("Target date"), required=False)
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int,
                                      choices=Goal.Priority.choices,
                                      initial=Goal.Priority.MEDIUM)
    section = forms.ChoiceField(label=_("Sector section"), required=False)

    def __init__(self, *args, found=None, sections=(), keep_item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal_area"].choices = item_choices(found, CodeList.GOAL_AREA, keep_item)
        self.fields["section"].choices = section_choices(sections)


class FactorForm(OnceMixin, PlanForm):
    goal = forms.ChoiceField(label=_("Goal"))
    factor = forms.ChoiceField(label=_("Situation factor"),
                               error_messages={"required": _("Choose a value from the list.")})
    effect = forms.ChoiceField(label=_("Effect on the goal"), choices=GoalFactor.Effect.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, found=None, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = goal_choices(goals)
        self.fields["factor"].choices = item_choices(found, CodeList.SITUATION_FACTOR)


class ServiceForm(OnceMixin, PlanForm):
    item = forms.ChoiceField(label=_("Service"),
                             error_messages={"required": _("Choose a value from the list.")})
    sector = forms.ChoiceField(label=_("Sector"), choices=sector_choices,
                               error_messages={"required": _("Choose the sector.")})
    provider = forms.CharField(label=_("Provider organisation"), required=False, max_length=200)
    responsible = forms.ChoiceField(label=_("Responsible professional"), required=False)
    starts_on = _date(label=_("From"), required=False)
    ends_on = _date(label=_("To"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PlanService.Status.choices)

    def __init__(self, *args, found=None, professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = item_choices(found, CodeList.SERVICE)
        self.fields["responsible"].choices = professional_choices(professionals)


class MethodForm(OnceMixin, PlanForm):
    method = forms.ChoiceField(label=_("Method"),
                               error_messages={"required": _("Choose a value from the list.")})
    goal = forms.ChoiceField(label=_("Goal"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, found=None, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = item_choices(found, CodeList.METHOD)
        self.fields["goal"].choices = [("", pgettext_lazy("goal", "The whole plan"))] \
            + goal_choices(goals)


class SupportNeedForm(OnceMixin, PlanForm):
    """A support need of the client (SHL 11 §) from the current version of the code list, with
    an optional short note in clear language."""

    CHECKED = ("note",)

    need = forms.ChoiceField(label=_("Support need"),
                             error_messages={"required": _("Choose a value from the list.")})
    note = _text(2, label=_("Note"), required=False, max_length=300,
                 help_text=_("Optional: a few words on what the need means for the client."))

    def __init__(self, *args, found=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = item_choices(found, CodeList.SUPPORT_NEED)


class StepForm(OnceMixin, PlanForm):
    CHECKED = ("what",)

    goal = forms.ChoiceField(label=_("Goal"), required=False)
    what = _text(2, label=_("What will be done"), max_length=300, error_messages={
        "required": _("Write what will be done.")})
    owner_kind = forms.ChoiceField(label=_("Who does it"), choices=EMPTY + list(Step.Owner.choices),
                                   error_messages={"required": _(
                                       "Choose who does it: the client or a professional.")})
    owner = forms.ChoiceField(label=_("The professional who does it"), required=False,
                              help_text=_("Needed when a professional does it."))
    due_on = _date(label=_("By when"), error_messages={
        "required": _("Give the date by when it is done.")})

    def __init__(self, *args, goals=(), professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", pgettext_lazy("goal", "No particular goal"))] \
            + goal_choices(goals)
        self.fields["owner"].choices = professional_choices(professionals)


class ParticipantForm(OnceMixin, PlanForm):
    kind = forms.ChoiceField(label=_("Participant"), choices=Participant.Kind.choices)
    user = forms.ChoiceField(label=_("Professional"), required=False)
    name = forms.CharField(label=_("Name (client or close person)"), required=False,
                           max_length=200)
    role_text = forms.CharField(label=_("Role"), required=False, max_length=200)

    def __init__(self, *args, professionals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = professional_choices(professionals)


class _ConsentFields(OnceMixin, PlanForm):
    """The sector a consent shares the plan with and what it covers."""

    sector = forms.ChoiceField(label=_("Shared with the sector"),
                               choices=sector_choices,
                               error_messages={"required": _(
                                   "Choose the sector the plan is shared with.")})
    scope = forms.CharField(label=_("What the consent covers"), max_length=300,
                            error_messages={"required": _("Write what the consent covers.")})


class ConsentForm(_ConsentFields):
    valid_from = _date(label=_("From"), error_messages={
        "required": _("Give the date the consent starts.")})
    valid_until = _date(label=_("Until"), required=False)


class ConsentRequestForm(_ConsentFields):
    """Ask the client for a consent: they accept it (or not) in their own area."""

    valid_until = _date(label=_("Until"), required=False)


class SectionDisclosureForm(OnceMixin, PlanForm):
    """Another sector's section, hidden from this professional, shown on a lawful basis."""

    section = forms.ChoiceField(label=_("Section"), error_messages={
        "required": _("Choose the section from the list."),
        "invalid_choice": _("Choose the section from the list.")})
    basis = forms.ChoiceField(
        label=_("Basis for showing it"),
        help_text=_("A basis that needs consent is accepted only with the client's consent in "
                    "force covering your sector."),
        error_messages={"required": _("Choose the basis for showing the section.")})

    def __init__(self, *args, hidden=(), bases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = EMPTY + [(str(s.pk), s.get_sector_display())
                                                  for s in hidden]
        # Every basis, the ones not offered too: posting one is refused by the service with
        # its reason, not as an unknown choice.
        self.fields["basis"].choices = EMPTY + [(b.code, f"{b.name} ({b.source})")
                                                for b in bases if b.offered]
        self.fields["basis"].valid_value = lambda value: bool(value)


class AcceptForm(PlanForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    # An attestation: never ticked in advance (the worker ticks it when it is true).
    client_took_part = forms.BooleanField(label=_("The client took part and accepted the plan"),
                                          required=False)


class ReviewScheduleForm(OnceMixin, PlanForm):
    scheduled_on = _date(label=_("Review date"), error_messages={
        "required": _("Give the review date.")})


class ReviewRecordForm(OnceMixin, PlanForm):
    review = forms.ChoiceField(label=_("Review"))
    held_on = _date(label=_("Held on"))
    notes = _text(3, label=_("What was agreed"), required=False)
    next_review_on = _date(label=_("Next review"), error_messages={
        "required": _("Give the date of the next review, after this one.")})

    def __init__(self, *args, reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].choices = [(str(r.pk), format_date(r.scheduled_on))
                                         for r in reviews]


class RatingForm(OnceMixin, PlanForm):
    """An AVAIN meter rating: the value on the default scale, with the scale's level labels."""

    goal = forms.ChoiceField(label=_("Goal"))
    value = forms.IntegerField(label=_("Rating"), widget=forms.RadioSelect,
                               error_messages={"required": _("Choose the rating.")})
    # Who rated says whether the client took part in the rating: chosen by the worker, never
    # given in advance.
    rated_by_kind = forms.ChoiceField(
        label=_("Rated by"), choices=[("", _("Choose who rated"))] + Rating.RatedBy.choices,
        error_messages={"required": _("Choose who rated.")})
    client_took_part = forms.BooleanField(label=_("The client took part"), required=False)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Rating.Occasion.choices)
    rated_on = _date(label=_("Date"), required=False)

    def __init__(self, *args, goals=(), scale=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = goal_choices(goals)
        levels = list(scale.levels.all()) if scale is not None else []
        self.levels = [(level.value, level.name) for level in levels]
        self.fields["value"].widget.choices = [
            (str(value), f"{value} – {name}") for value, name in self.levels]


class MeterForm(OnceMixin, PlanForm):
    """One sitting of the AVAIN meter, at the start or at a review: every goal rated, every
    service and method evaluated (did it help, on the plan's scale, with a note), every
    situation factor assessed again (better, the same, worse), each with the professional's
    rating and the client's own beside it. Who rated is the field itself (one column each);
    nothing is chosen in advance, and an item left empty is not rated this time."""

    occasion = forms.ChoiceField(label=_("Occasion"), choices=EMPTY + Rating.Occasion.choices,
                                 error_messages={"required": _("Choose the occasion.")})
    review = forms.ChoiceField(label=_("Review"), required=False)
    rated_on = _date(label=_("Date"), required=False)
    client_took_part = forms.BooleanField(label=_("The client took part"), required=False)

    def __init__(self, *args, goals=(), services=(), methods=(), scale=None, reviews=(),
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].choices = EMPTY + [(str(r.pk), format_date(r.scheduled_on))
                                                 for r in reviews]
        levels = list(scale.levels.all()) if scale is not None else []
        values = EMPTY + [(str(level.value), f"{level.value} – {level.name}")
                          for level in levels]
        directions = EMPTY + list(Evaluation.Direction.choices)
        self.items: dict[str, list[tuple[str, int, str]]] = {
            "goal": [("goal", g.goal.pk, f"{g.number}. {g.goal.client_wording[:60]}")
                     for g in goals],
            "service": [("service", s.pk, s.item.name) for s in services],
            "method": [("method", m.pk, m.method.name) for m in methods],
            "factor": [("factor", f.pk, f"{f.factor.name} ({g.number}. "
                        f"{g.goal.client_wording[:40]})") for g in goals for f in g.factors],
        }
        for subject, rows in self.items.items():
            for _subject, pk, name in rows:
                choices = directions if subject == "factor" else values
                self.fields[f"{subject}-{pk}-professional"] = forms.ChoiceField(
                    label=_("%(item)s: the professional's rating") % {"item": name},
                    choices=choices, required=False)
                self.fields[f"{subject}-{pk}-client"] = forms.ChoiceField(
                    label=_("%(item)s: the client's own rating") % {"item": name},
                    choices=choices, required=False)
                if subject != "goal":
                    self.fields[f"{subject}-{pk}-note"] = forms.CharField(
                        label=_("%(item)s: note") % {"item": name}, required=False,
                        max_length=300)

    def groups(self) -> list[dict]:
        """The items by dimension, each with its fields, for the template."""
        titles = {"goal": _("Goals"), "service": _("Services: did it help?"),
                  "method": _("Methods: did it help?"),
                  "factor": _("Situation factors: better, the same or worse?")}
        return [{"key": subject, "title": titles[subject],
                 "items": [{"name": name, "fields": [
                     self[f"{subject}-{pk}-{part}"] for part in ("professional", "client", "note")
                     if f"{subject}-{pk}-{part}" in self.fields]} for _s, pk, name in rows]}
                for subject, rows in self.items.items() if rows]


class GoalEditForm(GoalForm):
    """A goal's edit form; ``revision`` is the plan's version the professional started from."""

    revision = forms.IntegerField(widget=forms.HiddenInput)


def withholding_choices() -> list[tuple[str, str]]:
    """Shown to the client (the default), or not shown on one of the statutory grounds, each
    named with its source in law."""
    return [("", _("Shown to the client in their own area"))] + [
        (ground.pk, f"{ground.name} ({ground.source})")
        for ground in WithholdingGround.objects.filter(offered=True)]


class StepEditForm(StepForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    withheld_ground = forms.ChoiceField(
        label=_("Shown to the client"), required=False,
        help_text=_("Leave a step out of the client's own view only on a ground in law; the "
                    "ground is recorded and the client is told that something is not shown."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withheld_ground"].choices = withholding_choices()


class RemoveForm(PlanForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
