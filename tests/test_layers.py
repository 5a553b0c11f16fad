"""The layering contract in pyproject.toml holds: each app imports only what sits below it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_import_keeps_to_the_layers():
    # No cache: the answer is about the code as it is now, and nothing is written into the tree.
    lint = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-logo", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
