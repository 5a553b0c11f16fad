"""One migrated database a test run, copied by each test process instead of migrated by each.

Migrating Adal's schema takes seconds on SQLite and longer on PostgreSQL; with a test process per core
and the quick benchmarks' own databases, a run migrated the same schema five or six times. Now the run's
own process (pytest-xdist's controller, or the only process) migrates a template once, before any test
process starts, and names it in the environment they inherit (``ADAL_TEST_TEMPLATE``). Each test process
copies it under its own test database's name (a file copy; ``CREATE DATABASE … TEMPLATE``), and
pytest-django keeps that copy (keepdb): its ``migrate`` finds nothing left to do. The quick benchmarks
start from the same template (bench/_common.py, ``migrate``). Each copy is removed when its process ends,
the template when the run ends."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
ENV = "ADAL_TEST_TEMPLATE"  # the template: a SQLite file's path, or a PostgreSQL database's name


def _postgres_url() -> str:
    url = os.getenv("DATABASE_URL", "")
    return url if url.startswith("postgres") else ""


def _admin(url: str, *statements: str) -> None:
    import psycopg

    admin = urlsplit(url)._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        for statement in statements:
            conn.execute(statement)


def build() -> None:
    """In the run's own process, before the test processes start: migrate the template."""
    if pg := _postgres_url():
        name = f"adal_test_template_{os.getpid()}"
        _admin(pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        target = urlsplit(pg)._replace(path=f"/{name}").geturl()
    else:
        name = str(Path(tempfile.gettempdir()) / f"adal-test-template-{os.getpid()}.sqlite3")
        _remove_sqlite(name)
        target = f"sqlite:///{name}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": target},
        check=True,
    )
    os.environ[ENV] = name


def remove() -> None:
    """When the run ends, in the process that built the template."""
    name = os.environ.pop(ENV, "")
    if not name:
        return
    if pg := _postgres_url():
        _admin(pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        _remove_sqlite(name)


def in_use() -> bool:
    return bool(os.getenv(ENV))


def copy_as(test_name: str) -> None:
    """In a test process: the template under this process's test database name."""
    if pg := _postgres_url():
        _admin(
            pg,
            f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)',
            f'CREATE DATABASE "{test_name}" TEMPLATE "{os.environ[ENV]}"',
        )
    else:
        _remove_sqlite(test_name)
        shutil.copyfile(os.environ[ENV], test_name)


def drop(test_name: str) -> None:
    """In a test process, when it ends (pytest-django keeps a database it did not create)."""
    if pg := _postgres_url():
        _admin(pg, f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
    else:
        _remove_sqlite(test_name)


def bench_environment() -> dict[str, str]:
    """What tells bench/_common.py's ``migrate`` to copy the template (empty without one)."""
    from bench._common import MIGRATED_POSTGRES, MIGRATED_SQLITE

    if not in_use():
        return {}
    return {MIGRATED_POSTGRES if _postgres_url() else MIGRATED_SQLITE: os.environ[ENV]}


def _remove_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(path + suffix).unlink(missing_ok=True)
