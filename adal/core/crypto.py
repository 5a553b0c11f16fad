"""Encryption at rest: AES-256-GCM with a key ring held outside the database.

A blob is ``b"A1" | len(key_id) | key_id | nonce(12) | ciphertext+tag``. The associated data binds a
blob to where it lives (a model field, a stored file name), so a blob moved elsewhere fails to open.
Several keys may be configured; the current one encrypts, any of them decrypts, and
``manage.py rotate_keys`` re-encrypts everything under the current key.
"""

import base64
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

MAGIC = b"A1"


class DecryptionError(Exception):
    pass


class KeyRing:
    def __init__(self, keys: dict[str, bytes], current: str):
        if current not in keys:
            raise ValueError(f"the current key {current!r} is not among the configured keys")
        for kid, key in keys.items():
            if len(key) != 32:
                raise ValueError(f"key {kid!r} must be 32 bytes (AES-256)")
        self.keys = keys
        self.current = current

    def encrypt(self, plaintext: bytes, *, aad: bytes) -> bytes:
        kid = self.current.encode()
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, plaintext, aad)
        return MAGIC + bytes([len(kid)]) + kid + nonce + sealed

    def decrypt(self, blob: bytes, *, aad: bytes) -> bytes:
        kid, nonce, sealed = self._split(blob)
        try:
            return AESGCM(self.keys[kid]).decrypt(nonce, sealed, aad)
        except KeyError as e:
            raise DecryptionError(f"unknown key {kid!r}: is it still configured?") from e
        except InvalidTag as e:
            raise DecryptionError("the blob was altered, or opened with the wrong associated data") from e

    def key_id(self, blob: bytes) -> str:
        return self._split(blob)[0]

    def needs_rotation(self, blob: bytes) -> bool:
        return self.key_id(blob) != self.current

    @staticmethod
    def _split(blob: bytes) -> tuple[str, bytes, bytes]:
        blob = bytes(blob)
        if blob[:2] != MAGIC:
            raise DecryptionError("not an Adal ciphertext")
        n = blob[2]
        kid = blob[3 : 3 + n].decode()
        return kid, blob[3 + n : 15 + n], blob[15 + n :]


@cache
def keyring() -> KeyRing:
    keys = {kid: base64.b64decode(key) for kid, key in settings.ADAL_ENCRYPTION_KEYS.items()}
    return KeyRing(keys, settings.ADAL_CURRENT_KEY)


@receiver(setting_changed)
def _reset_keyring(*, setting, **kwargs):
    if setting in ("ADAL_ENCRYPTION_KEYS", "ADAL_CURRENT_KEY"):
        keyring.cache_clear()


def encrypt(plaintext: bytes, *, aad: bytes) -> bytes:
    return keyring().encrypt(plaintext, aad=aad)


def decrypt(blob: bytes, *, aad: bytes) -> bytes:
    return keyring().decrypt(blob, aad=aad)


# ---------------------------------------------------------------- envelopes
# A record that must be destroyable on its own (a reporter's identity) gets its own random data key: the
# data is sealed under it, and only the data key is wrapped by the key ring (so rotating the ring re-wraps
# the key and never touches the data). Deleting the wrapped key destroys the data for good.

ENVELOPE = b"E1"


def data_key_new() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def envelope_seal(key: bytes, plaintext: bytes, *, aad: bytes) -> bytes:
    nonce = os.urandom(12)
    return ENVELOPE + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def envelope_open(key: bytes, blob: bytes, *, aad: bytes) -> bytes:
    blob = bytes(blob)
    if blob[:2] != ENVELOPE:
        raise DecryptionError("not an Adal envelope")
    try:
        return AESGCM(key).decrypt(blob[2:14], blob[14:], aad)
    except InvalidTag as e:
        raise DecryptionError("the envelope was altered, or opened with the wrong key or record") from e
