"""Reading reports from a streaming replica (``DATABASE_REPLICA_URL``, docs/operations.md
"Scale-out").

When the replica is configured, the database alias ``replica`` exists and ``ReplicaRouter``
sends reads there, but only inside ``replica_reads()``: the code that builds the key figures,
the effectiveness report, the shared-client indicators and the research file opens that scope
around its figures, and nothing else does. Everything else reads and writes the primary
(``default``), as it does without a replica. In particular:

- every write goes to the primary (``db_for_write``), also a write made inside the scope (the
  access-log record of the research file, the session, an idempotency record);
- a read inside a transaction on the primary stays on the primary, so a read that decides a write
  (the access log's chain tail, a reservation) sees the transaction's own rows;
- the tables whose reads decide writes outside a transaction (sessions, sign-in throttling, the
  cache table of the rate limits, API tokens and idempotency records, the access log and client
  relationships) are always read on the primary;
- a scope opened while the replica does not answer reads the primary instead (and logs a warning),
  so a replica down for maintenance slows the reports down rather than stopping them.

The replica lags the primary by its replay delay (normally well under a second): a figure saved a
moment ago may be missing from a report until the replica has replayed it. Reports are aggregates
over months, so this is acceptable there and nowhere else; pages that show what was just saved
never read the replica.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
# App labels whose tables are always read on the primary (see the module's docstring).
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_cache", "api", "access", "common"})

logger = logging.getLogger("luotsi.replica")
_in_scope: ContextVar[bool] = ContextVar("luotsi_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _replica_answers() -> bool:
    replica = connections[REPLICA]
    try:
        # A kept connection whose server went away is closed here (CONN_HEALTH_CHECKS) and a new
        # one tried.
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as exc:
        logger.warning("The replica does not answer; reading the primary instead: %s",
                       type(exc).__name__)
        return False
    return True


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads of report figures inside this scope go to the replica when one is configured."""
    if not replica_configured() or not _replica_answers():
        yield
        return
    token = _in_scope.set(True)
    try:
        yield
    finally:
        _in_scope.reset(token)


class ReplicaRouter:
    """Reads in ``replica_reads()`` from the replica; every other read and every write on the
    primary."""

    def db_for_read(self, model, **hints) -> str:
        if (_in_scope.get() and model._meta.app_label not in PRIMARY_ONLY_APPS
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block and replica_configured()):
            return REPLICA
        # Named explicitly: left to Django, an object read from the replica would take its
        # related objects from the replica outside the scope too.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica is a copy of the primary: an object read from either may refer to the other.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
