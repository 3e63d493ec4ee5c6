"""Backup and restore on PostgreSQL as docs/operations.md gives them ("Backup and restore"): a
seeded database with the two roles is dumped with pg_dump (custom format) and restored with
pg_restore into a new database; the restored access log verifies, also against the anchor taken
before the dump; every table has the same number of rows; the roles are as before (the runtime
role owns nothing and may only read and add to the access log); and a restore of an older dump is
caught by a later anchor.

PostgreSQL only (DATABASE_URL); the test makes its own roles and databases, named after the
configured database, and drops them afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
URL = os.environ.get("DATABASE_URL", "")
CONFIG = dj_database_url.parse(URL) if URL.startswith(("postgres://", "postgresql://")) else None

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(CONFIG is None, reason="PostgreSQL only (DATABASE_URL)"),
    pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                       reason="pg_dump and pg_restore are needed"),
]

WRITE_RECORDS = """
from luotsi.access import log
from luotsi.organisation.models import User
user = User.objects.filter(is_active=True).order_by("pk").first()
for n in range({n}):
    log.record(user, person_id=None, category="plan", action="export", basis="none",
               outcome="allowed", detail=f"backup test {{n}}")
"""
ROLE_CHECK = """
from luotsi.access.checks import access_log_role_problems
print(access_log_role_problems())
"""


@dataclass
class Cluster:
    """The PostgreSQL server of DATABASE_URL, reached as its administrator (the URL's user)."""

    host: str
    port: str
    admin: str
    maintenance_db: str
    prefix: str

    def url(self, user: str, db: str) -> str:
        return f"postgres://{user}@{self.host}:{self.port}/{db}"

    def sql(self, statement: str, db: str | None = None, user: str | None = None) -> str:
        done = subprocess.run(
            ["psql", "-h", self.host, "-p", self.port, "-U", user or self.admin, "-d",
             db or self.maintenance_db, "-v", "ON_ERROR_STOP=1", "-Atc", statement],
            capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def manage(self, *args: str, user: str, db: str, check: bool = True
               ) -> subprocess.CompletedProcess:
        env = {**os.environ, "LUOTSI_DEMO": "1", "DATABASE_URL": self.url(user, db),
               "LUOTSI_LOG_FORMAT": "plain", "LUOTSI_CACHE": "locmem"}
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def counts(self, db: str) -> dict[str, int]:
        tables = self.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                          "ORDER BY tablename", db=db).split()
        query = " UNION ALL ".join(
            f"SELECT '{t}', count(*) FROM public.\"{t}\"" for t in tables)  # noqa: S608 - the database's own table names
        return {name: int(count) for name, count in
                (line.split("|") for line in self.sql(query, db=db).splitlines())}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    assert CONFIG is not None
    prefix = f"{CONFIG['NAME']}_backup"
    found = Cluster(host=str(CONFIG["HOST"] or "127.0.0.1"), port=str(CONFIG["PORT"] or 5432),
                    admin=str(CONFIG["USER"] or "postgres"), maintenance_db=str(CONFIG["NAME"]),
                    prefix=prefix)
    databases = [f"{prefix}_{name}" for name in ("live", "restored", "older")]
    owner, app = f"{prefix}_owner", f"{prefix}_app"

    def clean() -> None:
        for db in databases:
            found.sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        for role in (owner, app):
            found.sql(f'DROP ROLE IF EXISTS "{role}"')

    clean()
    try:
        yield found
    finally:
        clean()


def _create_roles_and_database(cluster: Cluster, db: str) -> tuple[str, str]:
    """The two roles and an empty database, as the README's "PostgreSQL roles" set them up."""
    owner, app = f"{cluster.prefix}_owner", f"{cluster.prefix}_app"
    cluster.sql(f'CREATE ROLE "{owner}" LOGIN')
    cluster.sql(f'CREATE ROLE "{app}" LOGIN')
    cluster.sql(f'CREATE DATABASE "{db}" OWNER "{owner}"')
    cluster.sql(f'REVOKE CREATE ON SCHEMA public FROM PUBLIC; '
                f'GRANT USAGE ON SCHEMA public TO "{app}"; '
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"; '
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
                f'GRANT USAGE, SELECT ON SEQUENCES TO "{app}"', db=db)
    return owner, app


def _restore(cluster: Cluster, dump: Path, db: str, owner: str) -> None:
    """docs/operations.md: a new database owned by the owner role, pg_restore as that role."""
    cluster.sql(f'CREATE DATABASE "{db}" OWNER "{owner}"')
    done = subprocess.run(
        ["pg_restore", "-h", cluster.host, "-p", cluster.port, "-U", cluster.admin,
         "--no-owner", f"--role={owner}", "--exit-on-error", "-d", db, str(dump)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def _anchor(cluster: Cluster, user: str, db: str) -> str:
    return cluster.manage("access_log_anchor", user=user, db=db).stdout.strip().splitlines()[-1]


def test_backup_restore_verifies_and_an_older_restore_is_caught(cluster, tmp_path):
    live, restored, older = (f"{cluster.prefix}_{n}" for n in ("live", "restored", "older"))
    owner, app = _create_roles_and_database(cluster, live)
    # Migrations as the owner, then the runtime role loses what it must not do to the log.
    cluster.manage("migrate", "--noinput", "-v0", user=owner, db=live)
    cluster.sql(f'REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON access_accesslogentry '
                f'FROM "{app}"', db=live, user=owner)
    # A county's data, written by the server's role; access-log records among it.
    cluster.manage("seed_demo", "--persons", "300", user=app, db=live)
    cluster.manage("shell", "-c", WRITE_RECORDS.format(n=25), user=app, db=live)

    # The anchor of the day, then the nightly dump (custom format, as the owner role).
    before_dump = _anchor(cluster, app, live)
    assert before_dump.startswith("25:")
    dump = tmp_path / "luotsi.dump"
    done = subprocess.run(["pg_dump", "-h", cluster.host, "-p", cluster.port, "-U", owner,
                           "--format=custom", f"--file={dump}", live],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr

    _restore(cluster, dump, restored, owner)

    # The restored log verifies, as the server's role, also against the anchor taken before.
    done = cluster.manage("verify_access_log", user=app, db=restored)
    assert "The access log is intact: 25 records checked." in done.stdout
    done = cluster.manage("verify_access_log", "--expect", before_dump, user=app, db=restored)
    assert f"holds the anchor {before_dump}: 25 records checked" in done.stdout
    # Every table holds as many rows as before.
    counts = cluster.counts(live)
    assert len(counts) > 50 and counts["people_person"] >= 300
    assert counts["access_accesslogentry"] == 25
    assert cluster.counts(restored) == counts
    # The roles are as before: the owner owns every table, the server's role nothing, and it may
    # only read and add to the access log (the deploy check finds nothing); the triggers hold.
    assert cluster.sql("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'",
                       db=restored) == owner
    done = cluster.manage("shell", "-c", ROLE_CHECK, user=app, db=restored)
    assert done.stdout.strip().splitlines()[-1] == "([], [])"
    privileges = cluster.sql(
        f"SELECT string_agg(p, ',' ORDER BY p) FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', "  # noqa: S608 - the test's own role name
        f"'DELETE', 'TRUNCATE', 'TRIGGER']) p WHERE has_table_privilege('{app}', "
        f"'access_accesslogentry', p)", db=restored)
    assert privileges == "INSERT,SELECT"
    # The schema's grants and the owner's default privileges (for tables of later migrations)
    # came back with the dump.
    grants = ("SELECT (SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'), "
              "(SELECT string_agg(defaclobjtype::text || defaclacl::text, ' ' ORDER BY defaclobjtype) "
              "FROM pg_default_acl)")
    assert cluster.sql(grants, db=restored) == cluster.sql(grants, db=live)
    assert f"{app}=arwd/{owner}" in cluster.sql(grants, db=restored)
    refused = subprocess.run(
        ["psql", "-h", cluster.host, "-p", cluster.port, "-U", owner, "-d", restored, "-Atc",
         "UPDATE access_accesslogentry SET detail = 'changed' WHERE seq = 1"],
        capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "append-only" in refused.stderr
    # The restored database serves: migrations applied, nothing pending.
    done = cluster.manage("migrate", "--check", user=app, db=restored)

    # The live database goes on; the next day's anchor is taken. A restore of the older dump
    # (a rollback) verifies on its own, but not against the later anchor.
    cluster.manage("shell", "-c", WRITE_RECORDS.format(n=5), user=app, db=live)
    later = _anchor(cluster, app, live)
    assert later.startswith("30:")
    _restore(cluster, dump, older, owner)
    assert "intact: 25 records checked" in cluster.manage(
        "verify_access_log", user=app, db=older).stdout
    done = cluster.manage("verify_access_log", "--expect", later, user=app, db=older,
                          check=False)
    assert done.returncode != 0
    assert f"does not match the anchor {later}" in done.stderr
    assert "30" in done.stderr
