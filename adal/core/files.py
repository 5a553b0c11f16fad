"""The encrypted file store: every file is AES-GCM-encrypted under a random name, outside any served
directory. What may be stored (types, sizes, metadata) is the business of the app that stores it."""

import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from adal.core import crypto
from adal.core.models import FileRemoval


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


def remove_stored_on_commit(stored_names: list[str]) -> None:
    """Remove files whose rows the current transaction deletes, once it has committed.

    Removed before the commit, a rollback would leave rows naming files that are gone; removed after it
    with nothing written down, a crash in between would leave files that no row names and nothing would
    ever remove. So the names are queued in the same transaction (a rollback forgets them with the rows),
    removed after the commit, and a queue left by a crash is finished by ``file_removals_finish``."""
    if not stored_names:
        return
    now = timezone.now()
    FileRemoval.objects.bulk_create(
        [FileRemoval(stored_name=name, queued_at=now) for name in stored_names], ignore_conflicts=True
    )
    transaction.on_commit(lambda: _remove_queued(list(stored_names)))


def _remove_queued(stored_names: list[str]) -> int:
    remove_stored(stored_names)
    with transaction.atomic():
        FileRemoval.objects.filter(stored_name__in=stored_names).delete()
    return len(stored_names)


def file_removals_finish(*, by) -> int:
    """Remove the files still queued (their rows' transaction committed, the removal did not run):
    a housekeeping job, answering how many files it removed."""
    names = list(FileRemoval.objects.values_list("stored_name", flat=True)[:1000])
    return _remove_queued(names) if names else 0
