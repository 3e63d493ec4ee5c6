"""Making the database match an organisation file, in one transaction, reporting every change.

Regions, municipalities and teams are created or updated by code; professionals by user name.
A professional in the database but not in the file is deactivated (never deleted: their records
keep naming them), except administrators and demo logins, which the file does not manage.
A load that would deactivate a professional, or take them off a team, while they hold open work
there is refused, listing the work (``organisation.open_work``). Every change of a professional's
role, teams or active flag is written to the access log as the admin's changes are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from luotsi.organisation import audit
from luotsi.organisation.loading.reader import (
    Names,
    OrganisationFileError,
    OrganisationSpec,
    ProfessionalSpec,
)
from luotsi.organisation.models import County, Municipality, Region, Role, Team, User
from luotsi.organisation.open_work import open_work_of, unqualified_work_of

SOURCE = "load_organisation"
PROFESSIONAL_FIELDS = ("first_name", "last_name", "email", "title", "role", "qualification",
                       "registration_number", "phone", "language", "is_active")
# Shown with their values in the report; the others (names, phone, e-mail) by name only.
SHOWN_VALUES = ("role", "qualification", "language", "is_active")


@dataclass
class Change:
    kind: str  # county, region, municipality, team, professional
    key: str  # code or user name
    action: str  # created, changed, deactivated
    fields: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "key": self.key, "action": self.action, "fields": self.fields}


@dataclass
class LoadResult:
    path: str
    dry_run: bool
    changes: list[Change]

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for change in self.changes:
            totals[change.action] += 1
        return {action: totals[action] for action in ("created", "changed", "deactivated")}

    def as_dict(self) -> dict:
        return {"file": self.path, "dry_run": self.dry_run, "changed": bool(self.changes),
                "counts": self.counts(), "changes": [c.as_dict() for c in self.changes]}


class OpenWorkRefusal(Exception):
    """The load would leave open work without its worker: nothing is changed."""

    def __init__(self, path: str, work: dict[str, list[str]]):
        self.path, self.work = path, work
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.path}: refused, nothing loaded: these professionals would be "
                 "deactivated, taken off a team while they hold open work there, or given a "
                 "qualification their work does not allow. Hand the work over first (or keep "
                 "them in the file as they are):"]
        for username, items in self.work.items():
            lines.append(f"  {username}:")
            lines.extend(f"    - {item}" for item in items)
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"file": self.path, "message": "open work would be left without its worker",
                "open_work": self.work}


def load(spec: OrganisationSpec, *, dry_run: bool = False) -> LoadResult:
    """Apply ``spec``; with ``dry_run`` everything is checked and reported, then rolled back."""
    with transaction.atomic():
        changes = _Loader(spec).run()
        if dry_run:
            transaction.set_rollback(True)
    return LoadResult(spec.path, dry_run, changes)


def _names(names: Names) -> dict[str, str]:
    return {"name_fi": names.fi, "name_sv": names.sv, "name_en": names.en}


class _Loader:
    def __init__(self, spec: OrganisationSpec):
        self.spec = spec
        self.changes: list[Change] = []

    def run(self) -> list[Change]:
        county = self._upsert("county", County, {"code": self.spec.county_code},
                              _names(self.spec.county_names))
        regions = {r.code: self._upsert("region", Region, {"code": r.code},
                                        {"county": county, **_names(r.names)})
                   for r in self.spec.regions}
        for m in self.spec.municipalities:
            self._upsert("municipality", Municipality, {"code": m.code},
                         {"region": regions.get(m.region), **_names(m.names)})
        teams = {t.code: self._upsert("team", Team, {"code": t.code}, {
            "county": county, "region": regions.get(t.region), "kind": t.kind,
            "service_task": t.service_task, **_names(t.names)}) for t in self.spec.teams}
        self._professionals(teams)
        return self.changes

    def _upsert(self, kind: str, model, key: dict, values: dict):
        obj = model.objects.filter(**key).first()
        if obj is None:
            obj = model.objects.create(**key, **values)
            self.changes.append(Change(kind, next(iter(key.values())), "created"))
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.changes.append(Change(kind, next(iter(key.values())), "changed", [
                f"{name} -> {_code(values[name])}" for name in changed]))
        return obj

    # --- professionals ----------------------------------------------------------------------

    def _professionals(self, teams: dict[str, Team]) -> None:
        specs = self.spec.professionals
        usernames = [p.username for p in specs]
        existing = {u.username: u for u in
                    User.objects.filter(username__in=usernames).prefetch_related("teams")}
        self._check_registration_numbers(specs, usernames)
        leaving = list(User.objects.filter(is_active=True).exclude(username__in=usernames)
                       .exclude(role=Role.ADMIN).exclude(is_superuser=True)
                       .exclude(is_demo=True).order_by("username"))
        self._check_open_work(specs, existing, leaving, teams)
        self._release_registration_numbers(specs, existing)
        for spec in specs:
            self._professional(spec, existing.get(spec.username), teams)
        for user in leaving:
            before = audit.snapshot(user)
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit.announce(actor=None, professional=user, before=before, source=SOURCE)
            self.changes.append(Change("professional", user.username, "deactivated",
                                       ["not in the file"]))

    def _check_registration_numbers(self, specs: list[ProfessionalSpec], usernames) -> None:
        """A registration number held by a professional who is not in the file is refused."""
        numbers = {p.registration_number: p for p in specs if p.registration_number}
        for number, holder in (User.objects.filter(registration_number__in=list(numbers))
                               .exclude(username__in=usernames)
                               .values_list("registration_number", "username")):
            node = numbers[number].node.value["registration_number"]  # type: ignore[index]
            raise OrganisationFileError(
                self.spec.path, node.line, node.column, node.field,
                f"registration number {number} already belongs to professional {holder}, "
                "who is not in the file")

    def _release_registration_numbers(self, specs, existing: dict[str, User]) -> None:
        """Numbers moving between professionals of the file (two swapped by a correction) are
        first set aside under a placeholder (unique, never a number's shape), so that the
        uniqueness of registration numbers holds after each save."""
        moving = [existing[spec.username] for spec in specs if spec.username in existing
                  and existing[spec.username].registration_number
                  and existing[spec.username].registration_number != spec.registration_number]
        for user in moving:
            User.objects.filter(pk=user.pk).update(registration_number=f"-{user.pk}")

    def _check_open_work(self, specs, existing: dict[str, User], leaving: list[User],
                         teams: dict[str, Team]) -> None:
        """Refuse when a professional would leave (deactivated) or lose a team while holding
        open work (there)."""
        losing: dict[int, set[int] | None] = {user.pk: None for user in leaving}  # None: all
        names = {user.pk: user.username for user in leaving}
        for spec in specs:
            user = existing.get(spec.username)
            if user is None:
                continue
            names[user.pk] = user.username
            if user.is_active and not spec.active:
                losing[user.pk] = None
                continue
            kept = {teams[code].pk for code in spec.teams}
            removed = {team.pk for team in user.teams.all()} - kept
            if removed:
                losing[user.pk] = removed
        work: dict[str, list[str]] = defaultdict(list)
        for item in open_work_of(list(losing)):
            removed_teams = losing[item.user_id]
            if removed_teams is None or item.team_id in removed_teams:
                work[names[item.user_id]].append(item.description)
        requalified = {user.pk: spec.qualification for spec in specs
                       if (user := existing.get(spec.username)) is not None
                       and user.qualification != spec.qualification
                       and losing.get(user.pk, ()) is not None}
        for item in unqualified_work_of(requalified):
            work[names[item.user_id]].append(
                f"{item.description}, which the qualification in the file does not allow")
        if work:
            raise OpenWorkRefusal(self.spec.path, dict(sorted(work.items())))

    def _professional(self, spec: ProfessionalSpec, user: User | None,
                      teams: dict[str, Team]) -> None:
        values = {"first_name": spec.first_name, "last_name": spec.last_name,
                  "email": spec.email, "title": spec.title, "role": spec.role,
                  "qualification": spec.qualification,
                  "registration_number": spec.registration_number, "phone": spec.phone,
                  "language": spec.language, "is_active": spec.active}
        wanted = sorted(spec.teams)
        if user is None:
            user = User(username=spec.username, **values)
            user.set_unusable_password()  # signs in through the county's identity provider
            user.save()
            user.teams.set([teams[code] for code in wanted])
            audit.announce(actor=None, professional=user, before=None, source=SOURCE)
            self.changes.append(Change("professional", spec.username, "created"))
            return
        before = audit.snapshot(user)
        changed = [name for name in PROFESSIONAL_FIELDS if getattr(user, name) != values[name]]
        if changed:
            for name in changed:
                setattr(user, name, values[name])
            user.save(update_fields=changed)
        if before["teams"] != wanted:
            user.teams.set([teams[code] for code in wanted])
        described = [(f"{name} -> {_code(values[name])}" if name in SHOWN_VALUES else name)
                     for name in changed]
        added = sorted(set(wanted) - set(before["teams"]))
        removed = sorted(set(before["teams"]) - set(wanted))
        described += [f"teams + {', '.join(added)}"] if added else []
        described += [f"teams - {', '.join(removed)}"] if removed else []
        if described:
            audit.announce(actor=None, professional=user, before=before, source=SOURCE)
            action = ("deactivated" if before["is_active"] and not spec.active else "changed")
            self.changes.append(Change("professional", spec.username, action, described))


def _code(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(getattr(value, "code", value)) or "-"
