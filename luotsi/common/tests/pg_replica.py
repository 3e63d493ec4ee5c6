"""A real PostgreSQL streaming replica for the tests of reading reports from it
(``tests/test_replica.py``).

``replica_pair()`` yields a primary and a hot standby replaying the primary's WAL over streaming
replication, both on loopback:

- if the cluster of the test run's database (``DATABASE_URL``) accepts replication connections,
  the standby is a ``pg_basebackup`` of that cluster, and the test's database is a new one created
  on it (dropped at the end);
- otherwise (a cluster whose ``pg_hba.conf`` has no ``replication`` entry, as a distribution's
  default has not), a primary of its own is made with ``initdb`` on a free port and the standby is
  a ``pg_basebackup`` of it.

The standby runs on another free port with every statement logged (``log_statement = all``,
with the database and the application name), so a test can see which statements it served. The
servers run as the current user, or as ``postgres`` when that is root (PostgreSQL refuses root).
Everything lives in a temporary folder removed at the end.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
START_SECONDS = 60
TEST_APPLICATION = "luotsi-replica-test"


def server_binaries() -> Path | None:
    """The newest PostgreSQL server binaries' folder holding every program needed, if any."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                     key=lambda path: int(Path(path).parent.name) if Path(path).parent.name
                     .isdigit() else 0, reverse=True)
    on_path = [str(Path(found).resolve().parent) for found in [shutil.which("initdb")] if found]
    for folder in [*folders, *on_path]:
        if all((Path(folder) / program).is_file() for program in PROGRAMS):
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    host: str
    port: int
    user: str
    database: str

    def url(self, database: str | None = None) -> str:
        return f"postgres://{self.user}@{self.host}:{self.port}/{database or self.database}"

    def connect(self, database: str | None = None, **kwargs) -> psycopg.Connection:
        return psycopg.connect(host=self.host, port=self.port, user=self.user,
                               dbname=database or self.database,
                               application_name=TEST_APPLICATION, **kwargs)


@dataclass
class ReplicaPair:
    primary: Server
    standby: Server
    standby_log: Path
    standby_data: Path
    origin: str  # "test cluster" or "own primary"
    runner: _Runner

    def stop_standby(self) -> None:
        self.runner.stop(self.standby_data)

    def wait_for_replay(self, timeout: float = 30) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        with self.primary.connect(autocommit=True) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with self.standby.connect(autocommit=True) as standby:
            while time.monotonic() < deadline:
                row = standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
                                      [target]).fetchone()
                if row[0]:
                    return
                time.sleep(0.05)
        raise AssertionError(f"the standby did not replay up to {target} within {timeout} s")

    def standby_statements(self) -> str:
        return self.standby_log.read_text(encoding="utf-8", errors="replace")


class _Runner:
    """Runs the server programs as the current user, or as ``postgres`` when that is root."""

    def __init__(self, binaries: Path, folder: Path) -> None:
        self.binaries = binaries
        self.folder = folder
        self.user = None
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            self.user, self.group = account.pw_uid, account.pw_gid
            os.chown(folder, self.user, self.group)

    def run(self, program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        extra = {"user": self.user, "group": self.group} if self.user is not None else {}
        return subprocess.run([str(self.binaries / program), *args], cwd=self.folder,
                              capture_output=True, text=True, timeout=timeout, check=False,
                              env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8",
                                   "PGAPPNAME": TEST_APPLICATION}, **extra)

    def check(self, program: str, *args: str, timeout: float = 120) -> None:
        result = self.run(program, *args, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): "
                               f"{result.stdout}{result.stderr}")

    def write(self, path: Path, text: str, *, append: bool = False) -> None:
        with open(path, "a" if append else "w", encoding="utf-8") as handle:
            handle.write(text)
        if self.user is not None:
            os.chown(path, self.user, self.group)

    def start(self, data: Path, log: Path) -> None:
        self.check("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", str(START_SECONDS),
                   "start", timeout=START_SECONDS + 10)

    def stop(self, data: Path) -> None:
        if (data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", timeout=60)


def _server_settings(folder: Path, port: int) -> str:
    return (f"\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
            f"unix_socket_directories = '{folder}'\nmax_connections = 40\n"
            "shared_buffers = 32MB\nfsync = off\n")


HBA = ("local all all trust\nhost all all 127.0.0.1/32 trust\n"
       "host replication all 127.0.0.1/32 trust\n")


def _own_primary(runner: _Runner, folder: Path, user: str) -> tuple[Server, Path]:
    data = folder / "primary"
    runner.check("initdb", "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8",
                 "--no-locale", "--no-sync")
    port = free_port()
    runner.write(data / "postgresql.conf", _server_settings(folder, port)
                 + "wal_level = replica\nmax_wal_senders = 4\n", append=True)
    runner.write(data / "pg_hba.conf", HBA)
    runner.start(data, folder / "primary.log")
    return Server("127.0.0.1", port, user, "postgres"), data


def _standby(runner: _Runner, folder: Path, primary: Server) -> tuple[Server, Path, Path]:
    data = folder / "standby"
    runner.check("pg_basebackup", "-h", primary.host, "-p", str(primary.port), "-U",
                 primary.user, "-D", str(data), "-R", "-X", "stream", "-c", "fast", "--no-sync",
                 timeout=180)
    port = free_port()
    # A cluster whose configuration lives outside its data folder (Debian's /etc/postgresql)
    # gives a copy without postgresql.conf and pg_hba.conf: the standby gets its own either way.
    runner.write(data / "postgresql.conf", _server_settings(folder, port)
                 + "hot_standby = on\nlog_statement = 'all'\n"
                   "log_line_prefix = '%m [%d] [%a] '\n", append=True)
    runner.write(data / "pg_hba.conf", HBA)
    if not (data / "pg_ident.conf").exists():
        runner.write(data / "pg_ident.conf", "")
    log = folder / "standby.log"
    runner.start(data, log)
    return Server("127.0.0.1", port, primary.user, primary.database), data, log


def _test_cluster(database_url: str) -> Server | None:
    parts = urlsplit(database_url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        return None
    return Server("127.0.0.1", parts.port or 5432, parts.username or "postgres", "postgres")


@contextmanager
def replica_pair(database_url: str, database: str) -> Iterator[ReplicaPair]:
    """A primary holding an empty database ``database`` and a hot standby replaying it."""
    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)")
    folder = Path(tempfile.mkdtemp(prefix="luotsi-replica-"))
    folder.chmod(0o700)
    runner = _Runner(binaries, folder)
    own_data = standby_data = None
    created_on: Server | None = None
    try:
        primary = _test_cluster(database_url)
        origin = "test cluster"
        if primary is not None:
            with primary.connect(autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{database}"')
            created_on = primary
            try:
                standby, standby_data, log = _standby(runner, folder, primary)
            except (RuntimeError, subprocess.TimeoutExpired):
                # No replication from the test cluster (no `replication` line in its pg_hba.conf,
                # or no WAL senders): a primary of our own.
                shutil.rmtree(folder / "standby", ignore_errors=True)
                primary = None
        if primary is None:
            origin = "own primary"
            primary, own_data = _own_primary(runner, folder, "postgres")
            with primary.connect(autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{database}"')
            standby, standby_data, log = _standby(runner, folder, primary)
        pair = ReplicaPair(primary=Server(primary.host, primary.port, primary.user, database),
                           standby=Server(standby.host, standby.port, standby.user, database),
                           standby_log=log, standby_data=standby_data, origin=origin,
                           runner=runner)
        pair.wait_for_replay()
        yield pair
    finally:
        for data in (standby_data, own_data):
            if data is not None:
                runner.stop(data)
        if created_on is not None:
            with suppress(psycopg.Error), created_on.connect(autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)
