"""Encryption at rest and keyed lookup hashes for personal identity codes.

Both keys are derived with HKDF-SHA256 from ``settings.PERSONAL_DATA_KEY`` under separate labels,
so the lookup hash cannot be used to decrypt and the ciphertext cannot be used to search.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(label: bytes, secret: str | None = None) -> bytes:
    key = settings.PERSONAL_DATA_KEY if secret is None else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        key.encode("utf-8")
    )


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    fernet = Fernet(base64.urlsafe_b64encode(_derive(b"luotsi hetu encryption v1", secret)))
    return fernet, _derive(b"luotsi hetu lookup v1", secret)


class KeyRing:
    """Encryption and lookup hashing under one given personal-data key (not necessarily the
    configured one): what the key rotation (``rotate_personal_data_key``) reads and writes with.
    """

    def __init__(self, secret: str):
        self.fernet, self._lookup_key = _keys(secret)
        self._term_key = _term_key(secret)
        self.fingerprint = _derive(b"luotsi key fingerprint v1", secret).hex()[:16]

    def encrypt(self, value: str) -> str:
        return self.fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The clear value; ``cryptography.fernet.InvalidToken`` when this key did not
        encrypt ``token``."""
        return self.fernet.decrypt(token.encode("ascii")).decode("utf-8")

    def lookup_hash(self, value: str) -> str:
        """The keyed lookup hash of a stored code (as ``lookup_hash`` computes it)."""
        return hmac.new(self._lookup_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def search_term_hash(self, kind: str, value: str) -> str:
        """``search_term_hash`` under this key."""
        return hmac.new(self._term_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _current() -> tuple[Fernet, bytes]:
    return _keys(settings.PERSONAL_DATA_KEY)


def encrypt(value: str) -> str:
    return _current()[0].encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return _current()[0].decrypt(token.encode("ascii")).decode("utf-8")


def lookup_hash(value: str) -> str:
    """The keyed lookup hash of a validated identity code (``hetu.clean``). A code with any
    non-ASCII character never reaches the hash: one person, one hash."""
    if not value.isascii():
        raise ValueError("Only a validated (ASCII) identity code is hashed; use hetu.clean().")
    return hmac.new(_current()[1], value.encode("utf-8"), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _term_key(secret: str) -> bytes:
    return _derive(b"luotsi search term v1", secret)


def search_term_hash(kind: str, value: str) -> str:
    """A keyed hash of a search term other than an identity code (a name, a birth date), for
    the access log: the clear term is never stored, yet the data-protection officer can find
    the searches for a given person by hashing that person's name and birth date the same way.
    Its own key (HKDF label), separate from the identity-code keys."""
    message = f"{kind}:{value}".encode()
    return hmac.new(_term_key(settings.PERSONAL_DATA_KEY), message, hashlib.sha256).hexdigest()


def name_term(name: str) -> str:
    """A name query as it is hashed for the log: words in order, case folded."""
    return " ".join(name.split()).casefold()
