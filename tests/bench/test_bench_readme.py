"""Every result in bench/README.md names the commit it was measured on, and this tree descends from
that commit (so on main it is a commit of main). Rows measured on a tree that was never a commit are
kept only where the README says so plainly."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "bench" / "README.md"
BLOCK = re.compile(r"<!-- (?P<name>[\w-]+):start -->\n(?P<body>.*?)<!-- (?P=name):end -->", re.S)
# The first cell of a results row: "2026-11-25 (a6e3bf0)", or for a row of a tree that was never a
# commit, "2026-11-25 (381bd0b-dirty: not a commit on main)".
DATED = re.compile(r"^\d{4}-\d{2}-\d{2} \((?P<label>[^)]*)\)$")
COMMIT = re.compile(r"[0-9a-f]{7,40}")
NOT_A_COMMIT = re.compile(r"[0-9a-f]{7,40}-dirty: not a commit on main")


def result_rows() -> list[tuple[str, str]]:
    """(block, first cell) of every row of every results table (those whose first column is a date)."""
    rows = []
    for block in BLOCK.finditer(README.read_text()):
        lines = [line for line in block["body"].splitlines() if line.startswith("|")]
        if not lines or lines[0].strip("| ").split("|")[0].strip() != "date":
            continue
        rows += [(block["name"], line.strip("|").split("|")[0].strip()) for line in lines[2:]]
    return rows


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture(scope="module")
def history():
    try:
        shallow = git("rev-parse", "--is-shallow-repository")
    except OSError:
        pytest.skip("git is not installed")
    if shallow.returncode != 0:
        pytest.skip("not a git checkout")
    if shallow.stdout.strip() == "true":
        pytest.skip("a shallow clone does not hold the commits the results name")


def test_every_result_row_names_a_commit_or_says_it_is_none():
    rows = result_rows()
    assert len(rows) >= 4
    for block, cell in rows:
        dated = DATED.match(cell)
        assert dated, f"{block}: a result row must start 'date (commit)': {cell!r}"
        label = dated["label"]
        assert COMMIT.fullmatch(label) or NOT_A_COMMIT.fullmatch(label), f"{block}: {cell!r}"


def test_every_commit_a_result_names_is_in_this_trees_history(history):
    for block, cell in result_rows():
        label = DATED.match(cell)["label"]
        if NOT_A_COMMIT.fullmatch(label):
            continue
        assert git("cat-file", "-e", f"{label}^{{commit}}").returncode == 0, f"{block}: no commit {label}"
        assert git("merge-base", "--is-ancestor", label, "HEAD").returncode == 0, (
            f"{block}: {label} is not in the history of HEAD: measured on a branch that was rebased or "
            "squashed; measure again on main"
        )


def bench_common():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "bench" / "_common.py")
    module = sys.modules.setdefault("bench_common", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module


def test_a_readme_row_is_refused_from_a_tree_that_is_not_its_commit(tmp_path):
    c = bench_common()

    def run(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, timeout=30)

    run("init", "-q", "-b", "main")
    (tmp_path / "adal").mkdir()
    (tmp_path / "adal" / "x.py").write_text("x = 1\n")
    run("add", ".")
    run("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x")
    clean = c.git_state(tmp_path)
    assert len(clean["commit"]) == 40 and clean["on_main"] and c.readme_refusal(clean) == ""
    (tmp_path / "adal" / "x.py").write_text("x = 2\n")
    assert "differs from" in c.readme_refusal(c.git_state(tmp_path))
    run("checkout", "-q", "adal/x.py")
    (tmp_path / "adal" / "new.py").write_text("")  # a new file of the code counts too
    assert c.readme_refusal(c.git_state(tmp_path))
    assert c.git_commit(tmp_path).endswith("-dirty")
    (tmp_path / "adal" / "new.py").unlink()
    (tmp_path / "notes.txt").write_text("")  # not the code
    assert c.readme_refusal(c.git_state(tmp_path)) == ""
    run("checkout", "-q", "-b", "topic")
    (tmp_path / "notes.txt").unlink()
    (tmp_path / "adal" / "x.py").write_text("x = 3\n")
    run("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "y")
    assert "not on main" in c.readme_warning(c.git_state(tmp_path))
