"""Create a secrets file for a development or demo installation.

Run as ``python -m adal.core.keygen PATH``. Production sets the same values through the environment
(see settings.py); the file never goes into the repository or the database.
"""

import base64
import json
import os
import secrets
import sys
from pathlib import Path


def new_secrets() -> dict:
    key_id = "k" + secrets.token_hex(4)
    return {
        "secret_key": secrets.token_urlsafe(50),
        "receipt_pepper": secrets.token_hex(32),
        "encryption_keys": {key_id: base64.b64encode(os.urandom(32)).decode()},
        "current_key": key_id,
    }


def write_secrets(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(new_secrets(), f, indent=2)


if __name__ == "__main__":
    write_secrets(Path(sys.argv[1]))
