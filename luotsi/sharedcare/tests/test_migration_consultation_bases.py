"""The consultations recorded before the bases became data keep a basis that reads correctly:
``consent`` stays the consent, a statutory one becomes the statute it named, and one recorded on
the child-welfare duty to notify keeps a row that says it is not a consultation basis and is not
offered again."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.sharedcare.models import Consultation, ConsultationBasis

_APPEND_ONLY = import_module("luotsi.access.migrations.0002_access_log_append_only")
BEFORE = [("sharedcare", "0002_default_checklist")]


def _triggers(*, back: bool) -> None:
    with connection.schema_editor() as editor:
        _APPEND_ONLY.reverse(None, editor)
        if back:
            _APPEND_ONLY.forward(None, editor)


@pytest.fixture
def _append_only_restored(django_db_setup, django_db_blocker):
    """Torn down last: puts the access log's append-only triggers back after the flush."""
    yield
    with django_db_blocker.unblock():
        _triggers(back=True)


@pytest.fixture
def migratable_db(_append_only_restored, transactional_db):
    """Migrations run outside a test transaction; the flush after the test empties every
    table, which the append-only access log refuses, so its triggers are off for that flush."""
    yield
    _triggers(back=False)


def _migrate(target=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_old_consultations_keep_a_basis_that_reads_correctly(migratable_db):
    person = PersonFactory()
    asker, expert = UserFactory(), UserFactory()
    old = _migrate(BEFORE).get_model("sharedcare", "Consultation")
    recorded = {}
    for basis, statute in (("consent", ""), ("statutory", "shl_41"),
                           ("statutory", "patient_act_13"), ("statutory", "client_data_act"),
                           ("statutory", "child_welfare_25")):
        recorded[statute or basis] = old.objects.create(
            person_id=person.pk, asked_by_id=asker.pk, expert_id=expert.pk, sector="health",
            question="Kysymys", basis=basis, statutory_basis=statute,
            due_on=timezone.localdate()).pk

    _migrate()

    for code, pk in recorded.items():
        assert Consultation.objects.get(pk=pk).basis_id == code
    notify = Consultation.objects.select_related("basis").get(pk=recorded["child_welfare_25"])
    assert not notify.basis.offered
    assert notify.basis.name_en.endswith("not a consultation basis")
    assert set(ConsultationBasis.objects.filter(offered=True).values_list("code", flat=True)) \
        == {"consent", "shl_41", "patient_act_13", "client_data_act"}
