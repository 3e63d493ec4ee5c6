"""``manage.py load_organisation``: the example county of docs/ loaded, reloaded unchanged,
changes reported and logged, professionals with open work kept, and every faulty file refused
naming the file, line, column and field with nothing loaded."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category
from luotsi.common.tests.production import manage, production_env
from luotsi.intake.models import Assessment, Contact
from luotsi.organisation.models import County, Municipality, Region, Role, Team, User
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans.models import Plan

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "organisation-example.yaml"


def run(path, *args) -> str:
    out = StringIO()
    call_command("load_organisation", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, text: str, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def example(tmp_path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path, text.replace(old, new, 1), "changed.yaml")


@pytest.mark.django_db
def test_load_organisation__example_loads_then_reloads_unchanged():
    report = run(EXAMPLE)
    assert "20 created, 0 changed, 0 deactivated" in report
    assert County.objects.get().code == "itu"
    assert Region.objects.count() == 2
    porvoo = Municipality.objects.get(code="638")
    assert (porvoo.name_sv, porvoo.region.code) == ("Borgå", "west")
    assert Municipality.objects.get(code="018").name_fi == "Askola"  # "018" stays text
    assert Team.objects.get(code="east-assessment").region.code == "east"
    assert Team.objects.get(code="central-intake").region is None
    sanna = User.objects.get(username="sanna.virtanen")
    assert (sanna.role, sanna.qualification, sanna.registration_number, sanna.language) == (
        Role.SOCIAL_WORKER, "licensed_social_worker", "10090000002", "fi")
    assert list(sanna.teams.values_list("code", flat=True)) == ["west-assessment"]
    assert not sanna.has_usable_password()  # signs in through the identity provider
    created = AccessLogEntry.objects.filter(category=Category.PROFESSIONAL_ACCESS)
    assert created.count() == 5
    assert created.filter(username="load_organisation",
                          detail__contains="sanna.virtanen").exists()

    assert run(EXAMPLE) == f"No changes: the database already matches {EXAMPLE}.\n"
    assert AccessLogEntry.objects.filter(category=Category.PROFESSIONAL_ACCESS).count() == 5


@pytest.mark.django_db
def test_load_organisation__dry_run_reports_and_saves_nothing():
    report = run(EXAMPLE, "--dry-run")
    assert report.startswith("Would make these changes")
    assert "Dry run: nothing was saved." in report
    assert not County.objects.exists() and not User.objects.exists()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.django_db
def test_load_organisation__json_report_of_changes(tmp_path):
    run(EXAMPLE)
    changed = example(tmp_path, "role: team_lead", "role: social_worker")
    changed.write_text(changed.read_text().replace(
        "teams: [west-assessment, east-assessment]", "teams: [west-assessment]"))
    changed.write_text(changed.read_text().replace("en: Western region", "en: West"))
    report = json.loads(run(changed, "--json"))
    assert report["counts"] == {"created": 0, "changed": 2, "deactivated": 0}
    assert {"kind": "region", "key": "west", "action": "changed",
            "fields": ["name_en -> West"]} in report["changes"]
    assert {"kind": "professional", "key": "mikko.niemi", "action": "changed",
            "fields": ["role -> social_worker", "teams - east-assessment"]} in report["changes"]
    # The role and team change is in the access log as the admin's changes are.
    entry = AccessLogEntry.objects.filter(category=Category.PROFESSIONAL_ACCESS).latest("seq")
    assert entry.username == "load_organisation"
    assert "mikko.niemi" in entry.detail
    assert "role team_lead -> social_worker; teams - east-assessment" in entry.detail


@pytest.mark.django_db
def test_load_organisation__missing_professional_deactivated_administrators_kept(tmp_path):
    admin = UserFactory(username="it.admin", role=Role.ADMIN, is_superuser=True)
    stray = UserFactory(username="former.worker")
    assert "deactivated professional former.worker: not in the file" in run(EXAMPLE)
    text = EXAMPLE.read_text().split("  - username: liisa.koski")[0]
    report = run(write(tmp_path, text))
    assert "0 created, 0 changed, 1 deactivated" in report
    assert "deactivated professional liisa.koski: not in the file" in report
    stray.refresh_from_db()
    admin.refresh_from_db()
    assert not stray.is_active and admin.is_active
    assert not User.objects.get(username="liisa.koski").is_active
    assert AccessLogEntry.objects.filter(detail__contains="former.worker",
                                         detail__endswith="is_active yes -> no").exists()
    # Listed again as active: active again.
    assert "changed professional liisa.koski: is_active -> yes" in run(EXAMPLE)


def _open_contact(worker: User, team_code: str) -> Contact:
    now = timezone.now()
    return Contact.objects.create(
        kind="child_welfare_notification", clock="child_welfare_notification", channel="phone",
        received_at=now, opened_on=now.date(), reporter_kind="health_care",
        description="Huoli", child=PersonFactory(), municipality=Municipality.objects.get(
            code="638"), team=Team.objects.get(code=team_code), assignee=worker,
        registered_by=User.objects.get(username="aino.lahti"), status="in_assessment")


@pytest.mark.django_db
def test_load_organisation__open_work_keeps_the_professional(tmp_path):
    run(EXAMPLE)
    sanna = User.objects.get(username="sanna.virtanen")
    mikko = User.objects.get(username="mikko.niemi")
    contact = _open_contact(sanna, "west-assessment")
    assessment = Assessment.objects.create(
        child=PersonFactory(), team=Team.objects.get(code="east-assessment"), worker=mikko,
        opened_on=dt.date(2026, 11, 2))
    plan = Plan.objects.create(person=PersonFactory(), coordinator=sanna,
                               review_on=dt.date(2027, 3, 1), created_by=sanna, updated_by=sanna)
    text = EXAMPLE.read_text()
    text = text.replace("teams: [west-assessment, east-assessment]", "teams: [west-assessment]")
    text = text.replace("teams: [west-assessment]\n  - username: erik",
                        "teams: [west-assessment]\n    active: false\n  - username: erik")
    changed = write(tmp_path, text)
    before = AccessLogEntry.objects.count()
    with pytest.raises(CommandError) as refused:
        run(changed)
    message = str(refused.value)
    assert "refused, nothing loaded" in message
    assert f"open contact {contact.pk} (team west-assessment) as worker" in message
    assert f"plan {plan.pk} as coordinator" in message
    assert (f"open service-need assessment {assessment.pk} (team east-assessment) as "
            "responsible worker") in message
    assert "mikko.niemi:" in message and "sanna.virtanen:" in message
    sanna.refresh_from_db()
    assert sanna.is_active
    assert set(mikko.teams.values_list("code", flat=True)) == {"west-assessment",
                                                               "east-assessment"}
    assert AccessLogEntry.objects.count() == before
    # --json names the work too.
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("load_organisation", str(changed), "--json", stdout=out)
    assert json.loads(out.getvalue())["error"]["open_work"]["sanna.virtanen"]
    # Taking mikko off a team where he has no open work is allowed.
    contact.status = "closed"
    contact.save(update_fields=["status"])
    plan.coordinator = None
    plan.save(update_fields=["coordinator"])
    assessment.team = Team.objects.get(code="west-assessment")
    assessment.save(update_fields=["team"])
    assert "changed professional mikko.niemi: teams - east-assessment" in run(changed)


def _child_welfare_client_of(worker: User) -> Assessment:
    return Assessment.objects.create(
        child=PersonFactory(), team=Team.objects.get(code="west-assessment"), worker=worker,
        opened_on=dt.date(2026, 10, 1), completed_on=dt.date(2026, 11, 2),
        outcome=Assessment.Outcome.CHILD_WELFARE_CLIENT, responsible_worker=worker)


@pytest.mark.django_db
def test_load_organisation__qualification_the_clients_need_is_kept(tmp_path):
    """The responsible social worker of a child-welfare client must be a licensed social
    worker (LSL 13 b §): a file that records another qualification for one is refused, naming
    the client relationship, until the client is handed over."""
    run(EXAMPLE)
    sanna = User.objects.get(username="sanna.virtanen")
    case = _child_welfare_client_of(sanna)
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'qualification: licensed_social_worker\n    registration_number: "10090000002"',
        'qualification: social_counsellor\n    registration_number: "10090000002"', 1)
    assert "social_counsellor\n    registration_number: \"10090000002\"" in text
    changed = write(tmp_path, text)
    with pytest.raises(CommandError) as refused:
        run(changed)
    message = str(refused.value)
    assert "sanna.virtanen:" in message
    assert (f"client relationship of assessment {case.pk} (team west-assessment) as named "
            "worker, which the qualification in the file does not allow") in message
    sanna.refresh_from_db()
    assert sanna.qualification == "licensed_social_worker"
    # Handed over to another licensed social worker, the change loads.
    case.responsible_worker = User.objects.get(username="erik.lindqvist")
    case.save(update_fields=["responsible_worker"])
    assert "changed professional sanna.virtanen: qualification -> social_counsellor" in run(
        changed)


@pytest.mark.django_db
def test_load_organisation__swapped_registration_numbers_corrected(tmp_path):
    run(EXAMPLE)
    text = EXAMPLE.read_text()
    text = text.replace('"10090000002"', '"SWAP"').replace('"10090000003"', '"10090000002"')
    report = run(write(tmp_path, text.replace('"SWAP"', '"10090000003"')))
    assert "changed professional sanna.virtanen: registration_number" in report
    assert "changed professional erik.lindqvist: registration_number" in report
    assert User.objects.get(username="sanna.virtanen").registration_number == "10090000003"
    assert User.objects.get(username="erik.lindqvist").registration_number == "10090000002"


@pytest.mark.django_db
def test_load_organisation__registration_number_of_someone_outside_the_file(tmp_path):
    UserFactory(username="other", qualification="licensed_social_worker",
                registration_number="10090000002", role=Role.ADMIN)
    with pytest.raises(CommandError) as refused:
        run(EXAMPLE)
    assert ("line 86, column 26: professionals[2].registration_number: registration number "
            "10090000002 already belongs to professional other") in str(refused.value)
    assert not County.objects.exists()


GOOD_HEAD = """\
county:
  code: itu
  name: {fi: Itä-Uusimaa}
regions:
  - code: west
    name: {fi: Länsi}
teams:
  - code: west-team
    name: {fi: Tiimi}
    kind: assessment
    service_task: family_services
    region: west
"""

PRO = """\
professionals:
  - username: sanna
    first_name: Sanna
    last_name: Virtanen
    role: social_worker
    qualification: licensed_social_worker
    registration_number: "10090000002"
    teams: [west-team]
"""

BAD_FILES = [
    # (name, text, line, column, field, reason)
    ("yaml syntax", "county: {code: itu\nregions: [", 2, 8, "", "not valid YAML"),
    ("empty", "", 1, 1, "", "the file is empty"),
    ("not a mapping", "- a\n- b\n", 1, 1, "", "expected an entry of named fields"),
    ("unknown section", GOOD_HEAD + "units: []\n", 13, 8, "units", "unknown field"),
    ("no county", "regions: []\n", 1, 1, "county", "this field is required"),
    ("county name missing fi", "county:\n  code: x\n  name: {sv: X}\n", 3, 9, "county.name.fi",
     "this field is required"),
    ("duplicate key", "county:\n  code: a\n  code: b\n", 3, 3, "county.code",
     "given twice"),
    ("bad county code", "county:\n  code: ä ö\n  name: {fi: X}\n", 2, 9, "county.code",
     "a code has only letters"),
    ("municipality code", GOOD_HEAD + "municipalities:\n  - {code: '20', name: {fi: A}}\n",
     14, 12, "municipalities[1].code", "three digits"),
    ("municipality twice", GOOD_HEAD + "municipalities:\n  - {code: '020', name: {fi: A}}\n"
     "  - {code: '020', name: {fi: A}}\n", 15, 12, "municipalities[2].code", "given twice"),
    ("unknown region", GOOD_HEAD + "municipalities:\n  - {code: '020', name: {fi: A}, "
     "region: north}\n", 14, 42, "municipalities[1].region", "no region 'north'"),
    ("bad kind", GOOD_HEAD.replace("kind: assessment", "kind: office"), 10, 11,
     "teams[1].kind", "unknown value 'office'"),
    ("bad service task", GOOD_HEAD.replace("service_task: family_services",
                                           "service_task: schools"), 11, 19,
     "teams[1].service_task", "unknown value 'schools'"),
    ("team name too long", GOOD_HEAD.replace("{fi: Tiimi}", "{fi: " + "T" * 201 + "}"), 9, 16,
     "teams[1].name.fi", "at most 200 characters"),
    ("list as a name", GOOD_HEAD.replace("{fi: Tiimi}", "{fi: [a, b]}"), 9, 16,
     "teams[1].name.fi", "expected a single value"),
    ("unknown professional field", GOOD_HEAD + PRO + "    shoe_size: 42\n", 21, 16,
     "professionals[1].shoe_size", "unknown field"),
    ("missing last name", GOOD_HEAD + PRO.replace("    last_name: Virtanen\n", ""), 14, 5,
     "professionals[1].last_name", "this field is required"),
    ("bad role", GOOD_HEAD + PRO.replace("role: social_worker", "role: boss"), 17, 11,
     "professionals[1].role", "unknown value 'boss'"),
    ("bad qualification", GOOD_HEAD + PRO.replace("qualification: licensed_social_worker",
                                                  "qualification: wizard"), 18, 20,
     "professionals[1].qualification", "unknown value 'wizard'"),
    ("registration number shape", GOOD_HEAD + PRO.replace('"10090000002"', '"1009-0002"'),
     19, 26, "professionals[1].registration_number", "has 11 digits"),
    ("registration number too long", GOOD_HEAD + PRO.replace('"10090000002"',
                                                             '"100900000021"'),
     19, 26, "professionals[1].registration_number", "has 11 digits"),
    ("licensed without registration number",
     GOOD_HEAD + PRO.replace('    registration_number: "10090000002"\n', ""), 18, 20,
     "professionals[1].registration_number", "needs the registration number"),
    ("registration number without its qualification",
     GOOD_HEAD + PRO.replace("qualification: licensed_social_worker", "qualification: other"),
     19, 26, "professionals[1].registration_number", "only with the qualification"),
    ("registration number twice", GOOD_HEAD + PRO + PRO.split("\n", 1)[1].replace(
        "username: sanna", "username: sanna2"), 26, 26,
     "professionals[2].registration_number", "given twice (first on line 14)"),
    ("username twice", GOOD_HEAD + PRO + PRO.split("\n", 1)[1].replace(
        '"10090000002"', '"10090000003"'), 21, 15, "professionals[2].username", "given twice"),
    ("bad username", GOOD_HEAD + PRO.replace("username: sanna", "username: sanna virtanen"),
     14, 15, "professionals[1].username", "letters, digits"),
    ("bad email", GOOD_HEAD + PRO + "    email: not-an-address\n", 21, 12,
     "professionals[1].email", "not an e-mail address"),
    ("unknown team", GOOD_HEAD + PRO.replace("[west-team]", "[west-team, east-team]"), 20, 24,
     "professionals[1].teams[2]", "no team 'east-team'"),
    ("team twice", GOOD_HEAD + PRO.replace("[west-team]", "[west-team, west-team]"), 20, 12,
     "professionals[1].teams", "a team is named twice"),
    ("bad active", GOOD_HEAD + PRO + "    active: maybe\n", 21, 13, "professionals[1].active",
     "expected true or false"),
    ("bad language", GOOD_HEAD + PRO + "    language: de\n", 21, 15, "professionals[1].language",
     "unknown value 'de'"),
    ("teams not a list", GOOD_HEAD + PRO.replace("[west-team]", "{a: b}"), 20, 12,
     "professionals[1].teams", "expected a list"),
    ("NUL character", GOOD_HEAD + PRO.replace("first_name: Sanna", "first_name: San\x00na"),
     15, 20, "", "not valid YAML"),
    ("huge number as a code", GOOD_HEAD + "municipalities:\n  - {code: 9223372036854775809, "
     "name: {fi: A}}\n", 14, 12, "municipalities[1].code", "at most 3 characters"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "text", "line", "column", "field", "reason"), BAD_FILES,
                         ids=[case[0] for case in BAD_FILES])
def test_load_organisation__bad_file_refused_naming_the_place(tmp_path, name, text, line,
                                                             column, field, reason):
    path = write(tmp_path, text)
    with pytest.raises(CommandError) as refused:
        run(path)
    message = str(refused.value)
    where = f"{path}, line {line}, column {column}: "
    assert message.startswith(where + (f"{field}: " if field else "")), message
    assert reason in message
    assert not County.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_load_organisation__json_refusal_names_the_place(tmp_path):
    path = write(tmp_path, GOOD_HEAD + PRO.replace("role: social_worker", "role: boss"))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("load_organisation", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["error"] == {
        "file": str(path), "line": 17, "column": 11, "field": "professionals[1].role",
        "message": "unknown value 'boss'; one of " + ", ".join(Role.values)}


@pytest.mark.django_db
def test_load_organisation__unreadable_files_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run(tmp_path / "missing.yaml")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("county:\n  code: itu\n  name: {fi: Itä}\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"latin1.yaml, line 3, column 16: not UTF-8 text"):
        run(latin1)


@pytest.mark.django_db
def test_load_organisation__a_failure_after_the_first_rows_leaves_nothing(tmp_path):
    """The registration number conflict is found after the county, regions and teams were
    written in the transaction: all of it is rolled back."""
    UserFactory(username="other", registration_number="10090000002", role=Role.ADMIN)
    with pytest.raises(CommandError, match="already belongs to professional other"):
        run(write(tmp_path, GOOD_HEAD + PRO))
    assert not County.objects.exists() and not Team.objects.exists()


def test_load_organisation__subprocess_outside_demo_mode(tmp_path):
    """As docs/operations.md runs it: a migrated production database, the example file, twice;
    the exit status says whether it was refused."""
    env = production_env(tmp_path)
    migrated = manage(env, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    first = manage(env, "load_organisation", str(EXAMPLE))
    assert first.returncode == 0, first.stderr
    assert "20 created, 0 changed, 0 deactivated" in first.stdout
    again = manage(env, "load_organisation", str(EXAMPLE), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["changed"] is False
    bad = write(tmp_path, GOOD_HEAD + PRO.replace('"10090000002"', '"123"'))
    refused = manage(env, "load_organisation", str(bad))
    assert refused.returncode == 1
    assert (f"{bad}, line 19, column 26: professionals[1].registration_number: a registration "
            "number (Valvira, JulkiSuosikki) has 11 digits") in refused.stderr
