"""Helpers shared by the benchmarks: a tiny asyncio HTTP client, /proc readers, a server runner,
machine facts and the results block of bench/README.md. Standard library only."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- numbers -------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


# --- HTTP over loopback --------------------------------------------------------------------------


@dataclass
class Response:
    status: int  # 0 when no HTTP answer came (refused, reset, timed out)
    body: bytes
    started: float  # time.perf_counter() when the connection was opened
    latency: float  # seconds from opening the connection to the last byte
    error: str = ""

    def json(self):
        return json.loads(self.body)


def _dechunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    for _ in range(1_000_000):
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


async def http_request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> Response:
    """One HTTP/1.1 request on a fresh connection to 127.0.0.1 (``Connection: close``, as a client of
    gunicorn's sync workers gets anyway); reads to EOF."""
    started = time.perf_counter()
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {LOOPBACK}:{port}",
        "Connection: close",
        "Accept: application/json",
        "User-Agent: adal-bench",
    ]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(LOOPBACK, port)
        try:
            writer.write(request)
            await writer.drain()
            return await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    try:
        raw = await asyncio.wait_for(exchange(), timeout)
    except (OSError, TimeoutError, asyncio.IncompleteReadError) as e:
        return Response(0, b"", started, time.perf_counter() - started, error=type(e).__name__)
    latency = time.perf_counter() - started
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.split(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return Response(0, raw, started, latency, error="bad status line")
    if any(h.lower().replace(b" ", b"") == b"transfer-encoding:chunked" for h in header_lines):
        payload = _dechunk(payload)
    return Response(int(parts[1]), payload, started, latency)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


# --- /proc ---------------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return sorted(kids)


def status_kib(pid: int, name: str) -> int | None:
    """A ``kB`` line of /proc/PID/status (VmRSS, VmHWM, ...), or None if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0, our own processes or root)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, in seconds."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, summed over all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # guest time is already in user
    return (total - idle) / CLK_TCK, total / CLK_TCK


def process_cpu() -> dict[int, tuple[str, int, float, float]]:
    """Every process: pid -> (comm, process group, own CPU s, reaped children's CPU s)."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        f = stat[stat.rindex(")") + 2 :].split()
        out[int(entry)] = (
            comm,
            int(f[2]),
            (int(f[11]) + int(f[12])) / CLK_TCK,
            (int(f[13]) + int(f[14])) / CLK_TCK,
        )
    return out


def cpu_by_group(before: dict, after: dict, classify) -> dict[str, float]:
    """CPU seconds spent between two ``process_cpu()`` snapshots, summed by ``classify(pid, comm, pgrp)``.
    A process that started in between counts whole; one that ended counts through its parent's
    reaped-children time."""
    groups: dict[str, float] = {}
    for pid, (comm, pgrp, own, reaped) in after.items():
        _, _, own0, reaped0 = before.get(pid, (comm, pgrp, 0.0, 0.0))
        if pid in before and before[pid][0] != comm and own < own0:
            own0 = reaped0 = 0.0  # pid reused
        name = classify(pid, comm, pgrp)
        groups[name] = groups.get(name, 0.0) + max(own - own0, 0.0) + max(reaped - reaped0, 0.0)
    return groups


def machine_busy_fraction(seconds: float) -> float:
    """How busy the whole machine is over the next ``seconds`` (0..1 of all cores)."""
    busy0, total0 = machine_cpu()
    time.sleep(seconds)
    busy1, total1 = machine_cpu()
    return (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0


def wait_for_quiet(threshold: float, max_wait: float, window: float = 2.0) -> float:
    """Wait (at most ``max_wait`` s) until the machine is less than ``threshold`` busy over a window;
    returns the last measured fraction. With no time to wait (quick runs), a glance of 0.1 s."""
    if max_wait <= 0:
        return machine_busy_fraction(0.1)
    deadline = time.monotonic() + max_wait
    busy = machine_busy_fraction(window)
    while busy >= threshold and time.monotonic() < deadline:
        busy = machine_busy_fraction(window)
    return busy


class RssSampler(threading.Thread):
    """Polls the RSS of a process's children (the web workers) until stopped; keeps the maximum."""

    def __init__(self, parent_pid: int, interval: float = 0.02, max_seconds: float = 3600):
        super().__init__(daemon=True)
        self.parent_pid, self.interval, self.max_seconds = parent_pid, interval, max_seconds
        self.peak_kib: dict[int, int] = {}
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self):
        deadline = time.monotonic() + self.max_seconds
        pids: list[int] = []
        refreshed = 0.0
        while not self._stop_event.is_set() and time.monotonic() < deadline:
            if time.monotonic() - refreshed > 0.5:
                pids, refreshed = children_of(self.parent_pid), time.monotonic()
            for pid in pids:
                rss = status_kib(pid, "VmRSS")
                if rss is not None:
                    self.peak_kib[pid] = max(self.peak_kib.get(pid, 0), rss)
            self.samples += 1
            self._stop_event.wait(self.interval)

    def stop(self) -> dict[int, int]:
        self._stop_event.set()
        self.join(timeout=5)
        return dict(self.peak_kib)


# --- a server in its own process group -----------------------------------------------------------


@dataclass
class Server:
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path
    proc: subprocess.Popen | None = field(default=None, init=False)

    def start(self) -> None:
        log = self.log_path.open("ab")
        try:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so that stop() reaches the workers
            )
        finally:
            log.close()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def wait_ready(self, port: int, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            response = asyncio.run(http_request(port, "GET", path, timeout=5))
            if response.status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer {path} within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, grace: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=grace)


# --- machine facts and the README ----------------------------------------------------------------


def machine_facts() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model or platform.processor() or "unknown",
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None


# What a result depends on: the code, the benchmarks, the pinned dependencies. An untracked file
# elsewhere (a virtualenv link, notes) does not make the measured tree another one.
MEASURED_PATHS = (
    "adal",
    "bench",
    "manage.py",
    "pyproject.toml",
    "requirements.lock",
    "requirements-dev.lock",
)


def git_state(root: Path) -> dict:
    """The commit the measured tree is: ``commit`` (``git rev-parse HEAD``, "" outside git), ``short``,
    ``dirty`` (the changed paths, tracked anywhere or untracked among MEASURED_PATHS) and ``on_main``
    (HEAD is ``main`` or ``origin/main`` or one of their ancestors; None when neither exists)."""
    head = _git(root, "rev-parse", "HEAD")
    if head is None or head.returncode != 0:
        return {"commit": "", "short": "?", "dirty": [], "on_main": None}
    commit = head.stdout.strip()
    dirty = []
    for args in (
        ("status", "--porcelain", "--untracked-files=no"),
        ("status", "--porcelain", "--untracked-files=all", "--", *MEASURED_PATHS),
    ):
        out = _git(root, *args)
        dirty += [line[3:] for line in (out.stdout.splitlines() if out else []) if line[3:] not in dirty]
    on_main = None
    for ref in ("main", "origin/main"):
        if (found := _git(root, "rev-parse", "--verify", "--quiet", ref)) and found.returncode == 0:
            ancestor = _git(root, "merge-base", "--is-ancestor", commit, ref)
            on_main = bool(on_main) or (ancestor is not None and ancestor.returncode == 0)
    return {"commit": commit, "short": commit[:7], "dirty": dirty, "on_main": on_main}


def git_commit(root: Path) -> str:
    """The short commit a result names, with ``-dirty`` when the tree had changes (raw results only:
    a README row is never written from a dirty tree, see ``readme_refusal``)."""
    state = git_state(root)
    return state["short"] + ("-dirty" if state["dirty"] else "")


def readme_refusal(state: dict) -> str:
    """Why a result of this tree may not go into bench/README.md ("" when it may): every row there
    names the commit it was measured on, so the tree must be that commit, unchanged."""
    if not state["commit"]:
        return "this is not a git checkout, so no commit can be named"
    if state["dirty"]:
        shown = ", ".join(state["dirty"][:5]) + (" ..." if len(state["dirty"]) > 5 else "")
        return f"the working tree differs from {state['short']} ({shown}); commit, then measure again"
    return ""


def readme_warning(state: dict) -> str:
    """A note for a row that may be written but names a commit main does not have yet."""
    if state["on_main"] is False:
        return (
            f"{state['short']} is not on main: merge it unchanged (fast-forward or a merge commit) or "
            "measure again on main; tests/bench checks every README row's commit"
        )
    return ""


def may_write_readme(state: dict, log) -> bool:
    """Whether this run's rows may go into bench/README.md; says why not, or what to watch, by ``log``."""
    refusal = readme_refusal(state)
    if refusal:
        log(f"bench/README.md not updated: {refusal}")
        return False
    if warning := readme_warning(state):
        log(f"warning: {warning}")
    return True


def replace_block(text: str, name: str, content: str) -> str:
    """Replace what lies between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` (appended if absent)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{content.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _m: block, text, count=1)
    return text.rstrip() + "\n\n" + block + "\n"


def block_rows(text: str, name: str) -> list[str]:
    """The table rows (not header or rule) already inside a results block."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    match = re.search(re.escape(start) + r"(.*?)" + re.escape(end), text, re.S)
    if not match:
        return []
    rows = [line for line in match.group(1).splitlines() if line.startswith("|")]
    return rows[2:]


# The test suite's quick runs each need a freshly migrated database: migrating takes longer than the
# rest of a quick run. tests/bench migrates one per test worker and names it here; a script then starts
# from a copy of it (the same schema and reference data, as `manage.py migrate` leaves them).
MIGRATED_SQLITE = "ADAL_BENCH_MIGRATED_SQLITE"  # the path of a migrated SQLite file
MIGRATED_POSTGRES = "ADAL_BENCH_MIGRATED_POSTGRES"  # the name of a migrated PostgreSQL database


def migrate(url: str, env: dict, root: Path, timeout: float = 600) -> None:
    """``manage.py migrate`` on the database at ``url``; or a copy of the migrated database the
    environment names, where the script and the named database are of the same backend."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite" and env.get(MIGRATED_SQLITE):
        import shutil

        shutil.copyfile(env[MIGRATED_SQLITE], parts.path[1:])  # sqlite:///relative, sqlite:////absolute
        return
    if parts.scheme.startswith("postgres") and env.get(MIGRATED_POSTGRES):
        import psycopg

        name = parts.path.lstrip("/")
        admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{env[MIGRATED_POSTGRES]}"')
        return
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=root,
        env=env,
        check=True,
        timeout=timeout,
    )
