"""The replica router without a replica (the usual case): everything on the one database.

The router with a real streaming replica is tested in tests/test_replica.py (PostgreSQL)."""

from luotsi.access.models import AccessLogEntry
from luotsi.common.replica import ReplicaRouter, replica_configured, replica_reads
from luotsi.plans.models import Goal


def test_without_a_replica_reports_read_the_one_database():
    router = ReplicaRouter()
    assert not replica_configured()
    with replica_reads():
        assert router.db_for_read(Goal) == "default"
    assert router.db_for_read(Goal) == "default"
    assert router.db_for_write(Goal) == "default"
    assert router.db_for_write(AccessLogEntry) == "default"
    assert router.allow_migrate("default", "plans")
    assert not router.allow_migrate("replica", "plans")
