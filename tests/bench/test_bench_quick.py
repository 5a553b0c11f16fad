"""Every benchmark in bench/ runs in its smallest mode (``--quick``) and succeeds, on the database of
this test run: a script the code has moved away from fails here, not in the hands of the next person
who measures. A quick run fails only when something does not work (a page answers wrongly, a report
is lost, the two sides of a comparison disagree), never on a timing: the machine is running tests."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import template

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if not p.name.startswith("_"))
TIMEOUT_S = 900  # a quick run takes well under a minute on a quiet machine; this one is not quiet

pytestmark = pytest.mark.bench


def this_runs_database() -> str:
    return "postgres" if os.getenv("DATABASE_URL", "").startswith("postgres") else "sqlite"


def backend_args(script: str, tmp_path: Path) -> list[str]:
    """The database arguments of a script that measures a database: the one this test run uses; on
    PostgreSQL a database of its own, named after this run's (so that two runs never share one, and
    never the full benchmarks' adal_bench and adal_bench_queue, which --reuse keeps)."""
    if '"--backend"' not in (BENCH / script).read_text():
        if this_runs_database() == "postgres":
            pytest.skip(f"{script} has no PostgreSQL backend: it runs in the SQLite pass")
        return []
    if this_runs_database() == "sqlite":
        return ["--backend", "sqlite"]
    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/') or 'adal'}_quick_{Path(script).stem}"
    admin = url._replace(scheme="postgresql", path="/postgres").geturl()
    return ["--backend", "postgres", "--pg-admin-url", admin, "--pg-database", name]


@pytest.fixture(scope="session")
def migrated():
    """The scripts start from a copy of the run's migrated template (tests/template.py; bench/_common.py,
    migrate) instead of migrating each their own database."""
    environment = template.bench_environment()
    assert environment, "the test run migrates a template before the tests (tests/conftest.py)"
    return environment


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_benchmark_runs_in_its_quick_mode(script, tmp_path, migrated):
    argv = [sys.executable, str(BENCH / script), "--quick", "--results-dir", str(tmp_path / "results")]
    argv += backend_args(script, tmp_path)
    readme = (BENCH / "README.md").read_bytes()
    done = subprocess.run(
        argv,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=os.environ | migrated,
        check=False,
    )
    output = (done.stdout + done.stderr)[-6000:]
    assert done.returncode == 0, f"{' '.join(argv[1:])} exited with {done.returncode}:\n{output}"
    assert list((tmp_path / "results").glob("*.json")), f"no raw results written:\n{output}"
    assert (BENCH / "README.md").read_bytes() == readme, "a quick run must not touch bench/README.md"
