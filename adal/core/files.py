"""The encrypted file store: every file is AES-GCM-encrypted under a random name, outside any served
directory. What may be stored (types, sizes, metadata) is the business of the app that stores it."""

import secrets
from pathlib import Path

from django.conf import settings

from adal.core import crypto


def files_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_encrypted(data: bytes) -> str:
    """Write the encrypted file and return its random stored name."""
    stored_name = secrets.token_hex(32)
    path = files_dir() / stored_name
    with open(path, "xb") as f:
        f.write(crypto.encrypt(data, aad=stored_name.encode()))
    return stored_name


def read_decrypted(stored_name: str) -> bytes:
    return crypto.decrypt((files_dir() / stored_name).read_bytes(), aad=stored_name.encode())


def remove_stored(stored_names: list[str]) -> None:
    for name in stored_names:
        (files_dir() / name).unlink(missing_ok=True)
