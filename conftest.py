"""Fixtures shared by every test: the healthchecks-style Alice/Bob/Charlie of client access.

- ``alice``: a social worker with an open case for ``client``;
- ``bob``: a social worker in another team, no relationship with ``client``;
- ``charlie``: the data-protection officer;
- ``demo_county``: the demo county seeded once for a module whose tests only read it.

Passwords are hashed with a fast hasher in tests; the tests of the production hasher (Argon2id
with the measured parameters) are marked ``production_hashers``.
"""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.db.models.signals import post_migrate
from django.test import override_settings

from luotsi.access.tests.factories import RelationshipFactory
from luotsi.common.tests.smtp_relay import smtp_relay  # noqa: F401 - a real SMTP server fixture
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import MunicipalityFactory, TeamFactory, UserFactory
from luotsi.people.tests.factories import PersonFactory

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRODUCTION_HASHERS = list(django_settings.PASSWORD_HASHERS)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Argon2id costs about 0.15 s per hash on purpose; a test that signs in or creates users
    checks the same behaviour with any hasher. Session-wide, so module-scoped fixtures (the
    seeded demo county and its logins) hash fast too."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _production_hashers_when_marked(request) -> None:
    """Tests marked ``production_hashers`` check the configured Argon2id hasher itself."""
    if request.node.get_closest_marker("production_hashers"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå", name_en="Porvoo")


@pytest.fixture
def team(db):
    return TeamFactory(code="east-assessment", name_fi="Itäinen arviointitiimi")


@pytest.fixture
def other_team(db):
    return TeamFactory(code="west-assessment", name_fi="Läntinen arviointitiimi")


@pytest.fixture
def alice(team):
    return UserFactory(username="alice", first_name="Alice", last_name="Aalto", teams=[team])


@pytest.fixture
def bob(other_team):
    return UserFactory(username="bob", first_name="Bob", last_name="Berg", teams=[other_team])


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", first_name="Charlie", last_name="Cederberg",
                       role=Role.DPO)


@pytest.fixture
def lead(team):
    return UserFactory(username="lead", first_name="Leena", last_name="Lahti",
                       role=Role.TEAM_LEAD, teams=[team])


@pytest.fixture
def client_person(municipality):
    return PersonFactory(first_name="Aino", last_name="Asiakas", municipality=municipality,
                         street_address="Kotikatu 1", postal_code="06100", post_office="Porvoo")


@pytest.fixture
def case(alice, client_person):
    return RelationshipFactory(person=client_person, user=alice)


@pytest.fixture(autouse=True)
def _steady_session_writes(settings):
    """Sessions are written again when ``SESSION_REFRESH_SECONDS`` have passed since the last
    write. In tests that is ten minutes, so a query count measured after a slow set-up does not
    gain a session write now and then; the session tests set the minute themselves."""
    settings.SESSION_REFRESH_SECONDS = 600


def restore_reference_data() -> None:
    """Put the AVAIN code lists, the rating scale, the plain-language terms, the identification
    rules, the shared-client checklist, the consultation bases, the bases for showing another
    sector's section, the grounds for withholding a part from the client, the signals and early
    rules back when a browser test's flush has emptied
    them (the data migrations wrote them once, at the test database's creation)."""
    from importlib import import_module

    from django.apps import apps

    from luotsi.plans import sectors
    from luotsi.plans.models import CodeListVersion, DisclosureBasis, RatingScale, WithholdingGround
    from luotsi.sharedcare.models import ChecklistItem, ConsultationBasis
    from luotsi.usage.models import IdentificationRule

    if not RatingScale.objects.exists():
        import_module("luotsi.plans.migrations.0002_avain_code_lists").load_scale_and_terms(apps)
        import_module("luotsi.plans.migrations.0004_plain_language_terms_seeded").load(
            apps, None)
    if not CodeListVersion.objects.exists():
        import_module("luotsi.plans.migrations.0009_code_lists_and_sectors_shipped").restore(apps)
    sectors.clear()
    if not IdentificationRule.objects.exists():
        import_module("luotsi.usage.migrations.0002_default_identification_rules").load(
            apps, None)
        import_module("luotsi.usage.migrations.0008_rule_versions_and_conditions") \
            .record_versions(apps, None)
    if not ChecklistItem.objects.exists():
        import_module("luotsi.sharedcare.migrations.0002_default_checklist").add_items(
            apps, None)
    if not ConsultationBasis.objects.exists():
        import_module("luotsi.sharedcare.migrations.0003_consultation_bases_as_data").load_bases(
            apps, None)
    if not WithholdingGround.objects.exists():
        import_module("luotsi.plans.migrations.0007_withholding_grounds").load_grounds(
            apps, None)
    if not DisclosureBasis.objects.exists():
        import_module("luotsi.plans.migrations.0013_section_disclosure_bases").load_bases(
            apps, None)
    from luotsi.signals.models import EarlyWarningRule, SignalDefinition

    if not SignalDefinition.objects.exists() and not EarlyWarningRule.objects.exists():
        import_module("luotsi.signals.migrations.0002_default_signals_and_early_rules").seed(
            apps, None)


@pytest.fixture
def reference_data_restored() -> None:
    """The reference data put back (for the browser tests, after the previous test's flush);
    asked for by ``tests/e2e/conftest.py`` for every browser test."""
    restore_reference_data()


@pytest.fixture(autouse=True)
def _avain_code_lists(request):
    """Browser tests empty every table after each test, data migrations included. Put the
    reference data back for the ordinary (rolled-back) database tests that run after them on the
    same worker. Transactional tests set up their own data and are left alone, so their fixtures
    keep their own set-up and tear-down order."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"}
        & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction")))
    if not transactional and (marker or "db" in request.fixturenames):
        request.getfixturevalue("db")
        restore_reference_data()
    yield


def set_append_only_triggers(*, on: bool) -> None:
    """Drop the access log's append-only triggers (migration access/0002) and, with ``on``, put
    them back, in one schema change. On SQLite the live server's thread shares the test's
    in-memory database: a request the browser made just before the test ended may still be
    reading when the teardown changes the schema, which SQLite refuses as "database table is
    locked". That read ends within moments, so the change is tried again for up to ten seconds."""
    import time
    from importlib import import_module

    from django.db import OperationalError, connection

    append_only = import_module("luotsi.access.migrations.0002_access_log_append_only")
    for attempt in range(100):
        try:
            with connection.schema_editor() as editor:
                append_only.reverse(None, editor)  # first: CREATE TRIGGER is not idempotent
                if on:
                    append_only.forward(None, editor)
            return
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.1)


_append_only_dropped = False


def _append_only_back_after_flush(sender, **kwargs) -> None:
    """The flush that ends a transactional test sends ``post_migrate`` (once per app) when it
    is done: the triggers ``flushable_db`` dropped for it are put back at the first of these,
    before any other test runs, whatever order its fixtures were set up in."""
    global _append_only_dropped
    if _append_only_dropped:
        set_append_only_triggers(on=True)
        _append_only_dropped = False


post_migrate.connect(_append_only_back_after_flush, weak=False,
                     dispatch_uid="luotsi-tests-append-only-back")


@pytest.fixture
def flushable_db(transactional_db) -> Iterator[None]:
    """A committed database (for threads, second connections, the live server), emptied after
    the test by ``transactional_db``'s flush. The append-only access log refuses that flush
    (PostgreSQL's TRUNCATE trigger, SQLite's DELETE trigger), so the triggers are dropped just
    before it (this teardown runs first: the fixture depends on ``transactional_db``) and put
    back as soon as it is done; every other test meets them."""
    global _append_only_dropped
    yield
    set_append_only_triggers(on=False)
    _append_only_dropped = True


@pytest.fixture(scope="module")
def demo_county(request, django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo county, seeded once for the module that asks for it: ``seed_demo`` with the
    module's ``DEMO_COUNTY`` options (e.g. ``{"persons": 1000, "seed": 3}``); its value is the
    command's output. The seed runs in a transaction that is rolled back after the module's last
    test, and every test still runs in its own savepoint inside it, rolled back after the test:
    what one test writes (sessions, access-log records) is gone before the next one, and nothing
    of the county is left for the other modules."""
    from django.core.management import call_command
    from django.db import transaction

    options = request.module.DEMO_COUNTY
    with override_settings(DEMO_MODE=True), django_db_blocker.unblock(), transaction.atomic():
        restore_reference_data()
        out = StringIO()
        call_command("seed_demo", stdout=out, **options)
        yield out.getvalue()
        transaction.set_rollback(True)
