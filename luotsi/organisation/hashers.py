"""The password hasher: Argon2id with parameters set for Luotsi's servers (bench/bench_login.py).

Django's own Argon2 defaults (100 MiB of memory, 8 lanes, 2 passes) cost 1-2.5 s per sign-in
on a loaded two-core server, since every lane wants a core. The parameters here are the
measured choice, never below OWASP's minimums for Argon2id (19 MiB, 2 passes, 1 lane or an equal
trade of memory for passes); see bench/README.md. A stored hash with other parameters still
verifies, and is re-hashed with these at the user's next sign-in (Django's ``must_update``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class LuotsiArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with ``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST`` (KiB) and
    ``ARGON2_PARALLELISM`` from the settings; the same ``argon2`` algorithm name as Django's, so
    hashes made by either verify with the other."""

    @property
    def time_cost(self) -> int:
        return settings.ARGON2_TIME_COST

    @property
    def memory_cost(self) -> int:
        return settings.ARGON2_MEMORY_COST

    @property
    def parallelism(self) -> int:
        return settings.ARGON2_PARALLELISM
