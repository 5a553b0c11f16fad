"""Create a secrets file for a development or demo installation, or complete an older one.

Run as ``python -m adal.core.keygen PATH``: a missing file is created; an existing one gains the
entries it lacks (e.g. the audit chain's key), and nothing it holds is changed. Production sets the
same values through the environment (see settings.py); the file never goes into the repository or the
database.
"""

import base64
import json
import os
import secrets
import sys
from pathlib import Path


def new_key() -> tuple[str, str]:
    """A key id and 32 random bytes in base64, as ADAL_ENCRYPTION_KEYS and ADAL_AUDIT_KEYS hold them."""
    return "k" + secrets.token_hex(4), base64.b64encode(os.urandom(32)).decode()


def new_secrets() -> dict:
    key_id, key = new_key()
    audit_id, audit_key = new_key()
    return {
        "secret_key": secrets.token_urlsafe(50),
        "receipt_pepper": secrets.token_hex(32),
        "encryption_keys": {key_id: key},
        "current_key": key_id,
        "audit_keys": {audit_id: audit_key},
        "audit_current_key": audit_id,
    }


def write_secrets(path: Path) -> None:
    """Create the file, or add to an existing one the entries it lacks."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(new_secrets(), f, indent=2)
        return
    held = json.loads(path.read_text())
    # A key ring and its current key come as a pair: one without the other is left for a person to fix.
    pairs = {"encryption_keys": "current_key", "audit_keys": "audit_current_key"}
    partner = {**pairs, **{current: ring for ring, current in pairs.items()}}
    missing = {
        name: value
        for name, value in new_secrets().items()
        if name not in held and partner.get(name) not in held
    }
    if missing:
        _replace(path, {**held, **missing})


def add_audit_key(path: Path) -> str:
    """Add a new audit key to the secrets file and make it current; the old ones stay, since the
    entries they sealed are verified with them. Returns the new key's id."""
    held = json.loads(path.read_text())
    key_id, key = new_key()
    held["audit_keys"] = {**held.get("audit_keys", {}), key_id: key}
    held["audit_current_key"] = key_id
    _replace(path, held)
    return key_id


def _replace(path: Path, content: dict) -> None:
    # Written beside, then renamed over: a crash leaves the old file or the new one, never half of one.
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(content, f, indent=2)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


if __name__ == "__main__":
    write_secrets(Path(sys.argv[1]))
