"""A private key of Luotsi's own for JOSE (signed and encrypted tokens), read from a file: a JSON
Web Key or a PEM private key, RSA (2048 bits or more) or EC (P-256, P-384, P-521).

One key both signs (the client assertion of ``private_key_jwt``) and decrypts (the encrypted ID
token of the client's strong identification, ``luotsi.oma.auth``); its public part is published
twice, once for each use (``public_key_set``). The library is joserfc; nothing here is
cryptography of Luotsi's own.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import ECKey, RSAKey

MIN_RSA_BITS = 2048
# The signing algorithm of each key type, and the key-management algorithms a provider may
# encrypt to it with.
SIGNING = {"RSA": "RS256", "P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
KEY_MANAGEMENT = {
    "RSA": ("RSA-OAEP-256", "RSA-OAEP"),
    "EC": ("ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"),
}
CONTENT_ENCRYPTION = ("A128GCM", "A192GCM", "A256GCM", "A128CBC-HS256", "A192CBC-HS384",
                      "A256CBC-HS512")


class KeyProblem(Exception):
    """The key file cannot be used; the message says why (never any of the key)."""


@dataclass(frozen=True)
class OwnKey:
    key: RSAKey | ECKey
    signing_algorithm: str
    key_management: tuple[str, ...]

    @property
    def thumbprint(self) -> str:
        return self.key.thumbprint()

    @property
    def signing_kid(self) -> str:
        return f"{self.thumbprint}-sig"

    @property
    def encryption_kid(self) -> str:
        return f"{self.thumbprint}-enc"

    def public_key_set(self) -> dict:
        """The public part, once for signing and once for encryption (a provider chooses the
        encryption algorithm it registered for the client among ``key_management``)."""
        public = self.key.as_dict(private=False)
        for name in ("use", "alg", "kid", "key_ops"):
            public.pop(name, None)
        return {"keys": [
            {**public, "kid": self.signing_kid, "use": "sig", "alg": self.signing_algorithm},
            {**public, "kid": self.encryption_kid, "use": "enc"},
        ]}


def _from_jwk(data: bytes) -> RSAKey | ECKey:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise KeyProblem("the file is not valid JSON") from exc
    if isinstance(value, dict) and isinstance(value.get("keys"), list):
        if len(value["keys"]) != 1:
            raise KeyProblem("a key set must hold exactly one key")
        value = value["keys"][0]
    if not isinstance(value, dict):
        raise KeyProblem("the JSON is not a JSON Web Key")
    kty = value.get("kty")
    if kty not in ("RSA", "EC"):
        raise KeyProblem(f"the key type must be RSA or EC, not {str(kty)[:10]!r}")
    try:
        return (RSAKey if kty == "RSA" else ECKey).import_key(value)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise KeyProblem("the JSON Web Key cannot be read") from exc


def _from_pem(data: bytes) -> RSAKey | ECKey:
    try:
        private = load_pem_private_key(data, password=None)
    except TypeError as exc:
        raise KeyProblem("the PEM key is protected by a password; store it unencrypted and "
                         "protect the file by its permissions") from exc
    except ValueError as exc:
        raise KeyProblem("the file is not a PEM private key") from exc
    if isinstance(private, rsa.RSAPrivateKey):
        return RSAKey.import_key(data)
    if isinstance(private, ec.EllipticCurvePrivateKey):
        return ECKey.import_key(data)
    raise KeyProblem("the key type must be RSA or EC")


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int, _size: int) -> OwnKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyProblem(f"the file cannot be read ({exc.strerror})") from exc
    with warnings.catch_warnings():
        # joserfc warns of a short RSA key; such a key is refused below, with the reason.
        warnings.simplefilter("ignore", SecurityWarning)
        key = _from_jwk(data) if data.lstrip().startswith(b"{") else _from_pem(data)
    if not key.is_private:
        raise KeyProblem("the file holds only a public key; Luotsi needs the private key")
    if isinstance(key, RSAKey):
        bits = key.raw_value.key_size
        if bits < MIN_RSA_BITS:
            raise KeyProblem(f"an RSA key must have at least {MIN_RSA_BITS} bits, not {bits}")
        return OwnKey(key, SIGNING["RSA"], KEY_MANAGEMENT["RSA"])
    curve = key.curve_name
    if curve not in SIGNING:
        raise KeyProblem(f"the EC curve must be P-256, P-384 or P-521, not {curve}")
    return OwnKey(key, SIGNING[curve], KEY_MANAGEMENT["EC"])


def load_own_key(path: str) -> OwnKey:
    """The key in the file ``path``, read again when the file changes (a new key needs no
    restart); raises ``KeyProblem``."""
    try:
        status = os.stat(path)
    except OSError as exc:
        raise KeyProblem(f"the file cannot be read ({exc.strerror})") from exc
    return _load(path, status.st_mtime_ns, status.st_size)
