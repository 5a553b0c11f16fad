"""Survey microdata import at scale: a 1,000,000-row CSV through the import service, in constant memory.

    .venv/bin/python bench/survey_import.py [--rows N [N ...]] [--quick] [--no-readme] [--keep]

For each size (100,000 and 1,000,000 rows; ``--quick``: 5,000 alone), in a fresh temporary
directory: a new SQLite database (``DATABASE_URL=sqlite:///<tmp>/bench.sqlite3``, ``manage.py migrate``
in its own process), then a child process that loads Django, creates the demo's instrument, census
margins and a wave through the services the demo uses (``adal.demo.survey``), writes a synthetic CSV of
N rows valid for that instrument (seeded, from numpy, a few thousand rows at a time, never whole), and
imports it as the demo does: ``microdata_import_start`` (stores the upload, hashes it) and then
``microdata_import_run``, the code the worker's task runs, synchronously. It measures the wall time,
rows/s, the child's RSS just before the import (the baseline: Django loaded, database migrated, the
file written) and its peak RSS during the import (``VmHWM``, reset to the baseline through
``/proc/self/clear_refs``; a 20 ms sampler of ``VmRSS`` as a cross-check), and then counts the stored
respondents and checks two stored columns against the file.

At the smaller size, the same child also imports a file whose last row (row N; file line N + 1, after
the header) is bad, into a second wave: it must commit nothing.

Targets: the 1,000,000-row import commits every row; its peak RSS growth over the baseline is at most
1.5x the growth at 100,000 rows and under 300 MB. Results are printed, written to
bench/results/survey-import-*.json and, for the full sizes (unless ``--no-readme``), into the
survey-import block of bench/README.md.

``--quick`` is the smallest run, for the test suite (tests/bench): 5,000 rows (and the file with a bad
last row), no waiting for a quiet machine, no README; it fails only when the import does not store
every row or the bad file stores anything, never on a target of memory (one size has no ratio).
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/queue.py shadows the standard library's ``queue`` (Django's imports reach it): keep this
# directory at the end of the path; the project's root goes first, for adal.
sys.path[:] = (
    [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)] + [str(BENCH)]
)

import argparse  # noqa: E402
import contextlib  # noqa: E402
import ctypes  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import _common as c  # noqa: E402
import numpy as np  # noqa: E402

README = BENCH / "README.md"
RESULTS_DIR = BENCH / "results"
FULL_SIZES = (100_000, 1_000_000)
QUICK_SIZES = (5_000,)
TARGET_RATIO = 1.5  # peak growth at the largest size over that at the smallest
TARGET_GROWTH_MB = 300.0  # peak growth at the largest size
PER_PSU = 20  # respondents per primary sampling unit, as in the demo
GEN_ROWS = 5_000  # rows the generator formats at a time (a multiple of PER_PSU)
SAMPLE_SECONDS = 0.02


# ================================================================ the child: one size


def rss_mb(name: str = "VmRSS") -> float:
    return (c.status_kib(os.getpid(), name) or 0) / 1024


def release_memory() -> None:
    """Collect garbage and hand freed heap back to the system, so the baseline is what is in use."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class SelfSampler(threading.Thread):
    """Polls this process's VmRSS until stopped; keeps the maximum (a cross-check of VmHWM)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_kib = 0
        self._stop_event = threading.Event()

    def run(self):
        pid = os.getpid()
        while not self._stop_event.is_set():
            self.peak_kib = max(self.peak_kib, c.status_kib(pid, "VmRSS") or 0)
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> float:
        self._stop_event.set()
        self.join(timeout=5)
        return self.peak_kib / 1024


def survey_setup() -> tuple:
    """The demo's instrument, its census margins and two waves (the second for the bad file), made
    through the services as ``adal.demo.survey.build_survey`` makes them."""
    from adal.core.permissions import SYSTEM
    from adal.demo.survey import AGE_GROUPS, DESIGN, INSTRUMENT, MARGINS_SOURCE, WAVES, margins_cells
    from adal.survey.selectors import regions_on
    from adal.survey.services import census_margins_create, instrument_create, wave_create

    instrument = instrument_create(spec=INSTRUMENT, by=SYSTEM)
    first_day = WAVES[0]["fieldwork"][0]
    cells, settlement = margins_cells([t.kato for t in regions_on(first_day)])
    margins = census_margins_create(
        name="Adults 18+ by region, sex, age group and settlement (bench)",
        source=MARGINS_SOURCE,
        reference_date=dt.date(2024, 1, 1),
        age_groups=AGE_GROUPS,
        region_sex_age=cells,
        settlement=settlement,
        by=SYSTEM,
    )
    waves = []
    for spec in WAVES:
        start, end = spec["fieldwork"]
        waves.append(
            wave_create(
                instrument=instrument,
                margins=margins,
                code=spec["code"],
                name_ru=spec["names"]["ru"],
                name_kk=spec["names"]["kk"],
                name_en=spec["names"]["en"],
                fieldwork_start=start,
                fieldwork_end=end,
                design_ru=DESIGN["ru"],
                design_kk=DESIGN["kk"],
                design_en=DESIGN["en"],
                by=SYSTEM,
            )
        )
    return instrument, waves


def write_csv(path: Path, rows: int, wave, *, seed: int, bad_last: bool = False) -> dict:
    """N respondent rows valid for the wave's instrument, written ``GEN_ROWS`` at a time.

    The design follows the demo's: PSUs of 20 respondents, each PSU in one region and urban or rural,
    design weights by PSU times the household's adults; each item's answer is one of its codes,
    items asked only after some answers are blank for the others, and optional items are left blank
    2% of the time. With ``bad_last`` the last row's age is one year under the instrument's minimum."""
    from adal.survey.selectors import instrument_items, wave_schema
    from adal.survey.validation import DESIGN_COLUMNS

    schema = wave_schema(wave)
    regions = sorted(schema.regions)
    items = instrument_items(wave.instrument)
    max_age = min(schema.max_age, 90)
    header = ["respondent", *DESIGN_COLUMNS, *(i.code for i in items)]
    rng = np.random.default_rng(seed)
    region_text = np.array([str(r) for r in regions], dtype=object)
    sums = {"age": 0, "weight": 0.0}
    weight_parts = []
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for start in range(0, rows, GEN_ROWS):
            n = min(GEN_ROWS, rows - start)
            first_psu = start // PER_PSU
            psu_ids = np.arange(first_psu, first_psu + math.ceil(n / PER_PSU))
            local = np.repeat(np.arange(psu_ids.size), PER_PSU)[:n]
            psu_region = psu_ids % len(regions)
            psu_urban = rng.random(psu_ids.size) < 0.6
            psu_weight = rng.uniform(150.0, 2500.0, psu_ids.size)
            labels = np.array([f"P{p // len(regions) + 1:05d}" for p in psu_ids.tolist()], dtype=object)
            age = rng.integers(schema.min_age, max_age + 1, n)
            household = rng.choice([1, 2, 3, 4], n, p=[0.2, 0.45, 0.2, 0.15])
            weight = psu_weight[local] * household / 2.3
            weight_text = [f"{w:.4f}" for w in weight.tolist()]
            age_text = [str(a) for a in age.tolist()]
            if bad_last and start + n == rows:
                age_text[-1] = str(schema.min_age - 1)
            else:
                sums["age"] += int(age.sum())
                weight_parts.append(math.fsum(map(float, weight_text)))
            columns = [
                [str(i) for i in range(start + 1, start + n + 1)],
                region_text[psu_region[local]].tolist(),
                np.where(rng.random(n) < 0.58, "2", "1").tolist(),
                age_text,
                np.where(psu_urban[local], "1", "2").tolist(),
                labels[local].tolist(),
                weight_text,
            ]
            answers: dict[str, np.ndarray] = {}
            for item in items:
                codes = np.array(item.codes)
                chosen = rng.integers(0, codes.size, n)  # the index of each answer's code
                blank = np.zeros(n, dtype=bool)
                if item.condition_item is not None:
                    blank = ~np.isin(answers[item.condition_item.code], item.condition_codes)
                elif not item.required:
                    blank = rng.random(n) < 0.02
                answers[item.code] = np.where(blank, -1, codes[chosen])
                text = np.array([*(str(x) for x in codes.tolist()), ""], dtype=object)
                columns.append(text[np.where(blank, codes.size, chosen)].tolist())
            f.write("".join(",".join(row) + "\n" for row in zip(*columns, strict=True)))
    sums["weight"] = math.fsum(weight_parts)
    return {
        "rows": rows,
        "bytes": path.stat().st_size,
        "columns": len(header),
        "psus": math.ceil(rows / PER_PSU),
        "sums": sums,
    }


def measured_import(wave, path: Path, baseline_mb: float) -> dict:
    """The import as the demo runs it, timed and with the process's peak RSS over ``baseline_mb``."""
    from django.core.files import File

    from adal.core.permissions import SYSTEM
    from adal.survey.services import microdata_import_run, microdata_import_start

    pid = os.getpid()
    reset = c.reset_peak_rss(pid)
    sampler = SelfSampler()
    sampler.start()
    busy0, total0 = c.machine_cpu()
    cpu0 = sum(os.times()[:2])
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        record = microdata_import_start(wave=wave, upload=File(f, name=path.name), by=SYSTEM, enqueue=False)
    t1 = time.perf_counter()
    store_peak = rss_mb("VmHWM")
    record = microdata_import_run(microdata_import=record)
    t2 = time.perf_counter()
    cpu1 = sum(os.times()[:2])
    busy1, total1 = c.machine_cpu()
    hwm = rss_mb("VmHWM")
    sampled = sampler.stop()
    peak = hwm if reset else sampled
    machine = total1 - total0
    return {
        "record": record,
        "store_s": t1 - t0,
        "run_s": t2 - t1,
        "cpu_s": cpu1 - cpu0,
        "other_share": max(0.0, (busy1 - busy0 - (cpu1 - cpu0)) / machine) if machine > 0 else 0.0,
        "memory": {
            "baseline_mb": baseline_mb,
            "peak_mb": peak,
            "growth_mb": peak - baseline_mb,
            "store_peak_mb": store_peak if reset else None,
            "sampled_peak_mb": sampled,
            "hwm_reset": reset,
            "after_mb": rss_mb(),
        },
    }


def leftovers(workdir: Path) -> dict:
    """Staging directories and uploads the import should have removed."""
    staging = sorted(p.name for p in (workdir / "tmp").glob("adal-survey-*"))
    uploads = workdir / "media" / "survey" / "imports"
    return {
        "staging": staging,
        "uploads": sorted(p.name for p in uploads.glob("*")) if uploads.exists() else [],
    }


def child(opts) -> int:
    import django

    django.setup()
    from adal.survey.models import Microdata, MicrodataBlock, MicrodataImport
    from adal.survey.storage import columns_read

    workdir = Path(opts.workdir)
    rows = opts.child
    result: dict = {"rows": rows, "pid": os.getpid()}
    t0 = time.perf_counter()
    _instrument, waves = survey_setup()
    result["setup_s"] = time.perf_counter() - t0

    good = workdir / "ncpi-bench.csv"
    t0 = time.perf_counter()
    result["file"] = write_csv(good, rows, waves[0], seed=opts.seed)
    result["generate_s"] = time.perf_counter() - t0
    bad = workdir / "ncpi-bench-bad.csv"
    if opts.bad:
        result["bad_file"] = write_csv(bad, rows, waves[1], seed=opts.seed + 1, bad_last=True)

    release_memory()
    result["before_import"] = {
        "rss_mb": rss_mb(),
        "hwm_mb": rss_mb("VmHWM"),  # the peak so far: Django, the setup and writing the files
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    baseline = result["before_import"]["rss_mb"]
    imported = measured_import(waves[0], good, baseline)
    record = imported.pop("record")
    microdata = Microdata.objects.filter(wave=waves[0]).first()
    stored = columns_read(microdata, ["age", "weight"]) if microdata else {}
    expected = result["file"]["sums"]
    result["import"] = {
        **imported,
        "state": record.state,
        "rows_read": record.rows_read,
        "bad_rows": record.bad_rows,
        "failure": record.failure,
        "errors": record.errors[:3],
        "respondents": microdata.respondents if microdata else 0,
        "blocks": MicrodataBlock.objects.filter(microdata=microdata).count() if microdata else 0,
        "psu_labels": len(microdata.psu_labels) if microdata else 0,
        "stored_rows": {k: int(v.size) for k, v in stored.items()},
        "age_sum_matches": bool(stored) and int(stored["age"].sum()) == expected["age"],
        "weight_sum_rel_diff": (
            abs(math.fsum(stored["weight"].tolist()) - expected["weight"]) / expected["weight"]
            if stored
            else None
        ),
        "leftovers": leftovers(workdir),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    good.unlink()
    del stored

    if opts.bad:
        blocks_before = MicrodataBlock.objects.count()
        release_memory()
        refused = measured_import(waves[1], bad, rss_mb())
        record = refused.pop("record")
        result["bad"] = {
            **refused,
            "state": record.state,
            "rows_read": record.rows_read,
            "bad_rows": record.bad_rows,
            "errors": record.errors[:3],
            "microdata": Microdata.objects.filter(wave=waves[1]).count(),
            "blocks_added": MicrodataBlock.objects.count() - blocks_before,
            "first_wave_intact": Microdata.objects.filter(wave=waves[0], respondents=rows).exists(),
            "imports_done": MicrodataImport.objects.filter(state=MicrodataImport.State.DONE).count(),
            "leftovers": leftovers(workdir),
        }
        bad.unlink()
    Path(opts.out).write_text(json.dumps(result, default=str))
    return 0


# ================================================================ the parent


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, nargs="+", help="sizes, in rows (100,000 1,000,000; quick 5,000)")
    p.add_argument("--quick", action="store_true", help="5,000 rows, no waits, no README update")
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--quiet-threshold", type=float, default=0.25, help="machine load to wait below (0.25)")
    p.add_argument("--quiet-wait", type=float, help="seconds to wait for it (120; quick 0)")
    p.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="raw results (bench/results)")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds a size may take (3600)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--no-readme", action="store_true", help="do not touch bench/README.md")
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    p.add_argument("--bad", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--workdir", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        return a
    a.rows = sorted(set(a.rows or (QUICK_SIZES if a.quick else FULL_SIZES)))
    a.quiet_wait = a.quiet_wait if a.quiet_wait is not None else (0.0 if a.quick else 120.0)
    if min(a.rows) < PER_PSU:
        p.error(f"at least {PER_PSU} rows")
    a.full = tuple(a.rows) == FULL_SIZES
    a.write_readme = a.full and not (a.quick or a.no_readme)
    return a


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def child_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="adal.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        ADAL_MEDIA_ROOT=str(workdir / "media"),
        TMPDIR=str(workdir / "tmp"),  # the import's staging files, so that leftovers can be seen
        PYTHONUNBUFFERED="1",
    )
    env.pop("DEBUG", None)
    return env


def run_size(rows: int, bad: bool, workdir: Path, opts) -> dict:
    (workdir / "tmp").mkdir(parents=True)
    env = child_env(workdir)
    t0 = time.perf_counter()
    c.migrate(env["DATABASE_URL"], env, ROOT)
    migrate_s = time.perf_counter() - t0
    out = workdir / "result.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", str(rows), "--seed", str(opts.seed)]
    argv += ["--workdir", str(workdir), "--out", str(out)] + (["--bad"] if bad else [])
    done = subprocess.run(argv, cwd=ROOT, env=env, timeout=opts.timeout, check=False)
    if done.returncode != 0 or not out.exists():
        return {"rows": rows, "error": f"child exited with {done.returncode}", "migrate_s": migrate_s}
    result = json.loads(out.read_text())
    result["migrate_s"] = migrate_s
    result["db_mb"] = sum(p.stat().st_size for p in workdir.glob("bench.sqlite3*")) / 1024**2
    return result


def measure(opts) -> dict:
    machine = c.machine_facts()
    machine["sqlite"] = sqlite3.sqlite_version
    runs, busy = [], {}
    workroot = Path(tempfile.mkdtemp(prefix="adal-bench-survey-import-"))
    try:
        for rows in opts.rows:
            busy[rows] = c.wait_for_quiet(opts.quiet_threshold, opts.quiet_wait)
            bad = rows == opts.rows[0]
            log(
                f"{rows:,} rows{' (and a file with a bad last row)' if bad else ''}: machine "
                f"{100 * busy[rows]:.0f}% busy before; running"
            )
            runs.append(run_size(rows, bad, workroot / f"rows-{rows}", opts))
    finally:
        if opts.keep:
            log(f"kept {workroot}")
        else:
            shutil.rmtree(workroot, ignore_errors=True)
    return summarise(opts, machine, runs, busy)


def committed(run: dict) -> bool:
    i = run.get("import")
    return bool(
        i
        and i["state"] == "done"
        and i["respondents"] == run["rows"]
        and all(v == run["rows"] for v in i["stored_rows"].values())
        and i["age_sum_matches"]
        and i["weight_sum_rel_diff"] is not None
        and i["weight_sum_rel_diff"] < 1e-12
        and not i["leftovers"]["staging"]
        and not i["leftovers"]["uploads"]
    )


def refused_whole(run: dict) -> bool:
    b = run.get("bad")
    return bool(
        b
        and b["state"] == "failed"
        and b["bad_rows"] == 1
        and b["rows_read"] == run["rows"]
        and b["errors"]
        and b["errors"][0]["row"] == run["rows"] + 1
        and b["microdata"] == 0
        and b["blocks_added"] == 0
        and b["first_wave_intact"]
        and not b["leftovers"]["staging"]
        and not b["leftovers"]["uploads"]
    )


def summarise(opts, machine: dict, runs: list[dict], busy: dict) -> dict:
    small, large = runs[0], runs[-1]
    ok = all("import" in r for r in runs)
    growth = {r["rows"]: r["import"]["memory"]["growth_mb"] for r in runs if "import" in r}
    for run in runs:
        run["committed"] = committed(run)  # every row stored, checked against the file, nothing left over
    ratio = None
    if ok and len(runs) > 1:
        ratio = growth[large["rows"]] / max(growth[small["rows"]], 1e-9)
    targets = {
        "commits": committed(large),
        "growth_ratio": ratio is not None and ratio <= TARGET_RATIO,
        "growth_mb": ok and growth[large["rows"]] < TARGET_GROWTH_MB,
        "bad_commits_nothing": refused_whole(small),
    }
    git = c.git_state(ROOT)
    return {
        "date": dt.date.today().isoformat(),
        "commit": git["short"],
        "git": git,
        "machine": machine,
        "options": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in vars(opts).items()
            if k not in ("child", "bad", "workdir", "out")
        },
        "busy_before": busy,
        "runs": runs,
        "growth_ratio": ratio,
        "targets": targets,
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def rate(run: dict, part: dict | None = None) -> float:
    part = part or run["import"]
    return run["rows"] / part["run_s"] if part["run_s"] > 0 else math.nan


def print_results(r: dict) -> None:
    m, t = r["machine"], r["targets"]
    print()
    print(f"Machine: {m['nproc']} × {m['cpu_model']}, Python {m['python']}, SQLite {m['sqlite']}")
    print(
        f"{'rows':>10} {'file MB':>8} {'store s':>8} {'import s':>9} {'rows/s':>8} {'baseline MB':>12} "
        f"{'peak MB':>8} {'growth MB':>10} {'stored':>10} {'other':>6}"
    )
    for run in r["runs"]:
        if "import" not in run:
            print(f"{run['rows']:>10,} {run.get('error', 'no result')}")
            continue
        i, mem = run["import"], run["import"]["memory"]
        print(
            f"{run['rows']:>10,} {run['file']['bytes'] / 1024**2:>8.1f} {i['store_s']:>8.2f} "
            f"{i['run_s']:>9.2f} {rate(run):>8,.0f} {mem['baseline_mb']:>12.0f} {mem['peak_mb']:>8.0f} "
            f"{mem['growth_mb']:>10.1f} {i['respondents']:>10,} {100 * i['other_share']:>5.0f}%"
        )
        print(
            f"{'':>10} setup {run['setup_s']:.1f} s, migrate {run['migrate_s']:.1f} s, CSV written in "
            f"{run['generate_s']:.1f} s ({run['file']['psus']:,} PSUs); peak before the import "
            f"{run['before_import']['hwm_mb']:.0f} MB; sampled peak {mem['sampled_peak_mb']:.0f} MB; "
            f"{i['blocks']} blocks, database {run['db_mb']:.1f} MB; committed whole "
            f"{verdict(run['committed'])}"
        )
    small, large = r["runs"][0], r["runs"][-1]
    print("Targets:")
    if "import" in large:
        print(
            f"  {large['rows']:,} rows commit: {large['import']['respondents']:,} respondents stored, "
            f"columns checked against the file  [{verdict(t['commits'])}]"
        )
        ratio = "n/a (one size)" if r["growth_ratio"] is None else f"{r['growth_ratio']:.2f}×"
        print(
            f"  peak growth {large['rows']:,} vs {small['rows']:,} rows: {ratio}  "
            f"[{verdict(t['growth_ratio'])} ≤ {TARGET_RATIO:g}×]"
        )
        print(
            f"  peak growth at {large['rows']:,} rows: {large['import']['memory']['growth_mb']:.0f} MB  "
            f"[{verdict(t['growth_mb'])} < {TARGET_GROWTH_MB:g} MB]"
        )
    b = small.get("bad")
    if b:
        first = b["errors"][0] if b["errors"] else {}
        print(
            f"  bad last row at {small['rows']:,}: {b['state']}, {b['rows_read']:,} rows read, "
            f"{b['bad_rows']} bad (file row {first.get('row')}, {first.get('column')} "
            f"“{first.get('value')}” {first.get('code')}), {b['microdata']} microdata and "
            f"{b['blocks_added']} blocks stored, in {b['store_s'] + b['run_s']:.1f} s, peak growth "
            f"{b['memory']['growth_mb']:.0f} MB  [{verdict(t['bad_commits_nothing'])}]"
        )
    else:
        print(f"  bad last row: not run  [{verdict(t['bad_commits_nothing'])}]")


RESULTS_HEADER = (
    "| date | machine | Python / SQLite | rows | file | upload stored | import (the task) | rows/s "
    "| baseline RSS | peak RSS growth (< 300 MB) | growth ratio (≤ 1.5×) | stored | other programs |\n"
    "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|"
)


def results_rows(r: dict) -> list[str]:
    m, t = r["machine"], r["targets"]
    head = [
        f"{r['date']} ({r['commit']})",
        f"{m['nproc']} × {m['cpu_model']}",
        f"{m['python']} / {m['sqlite']}",
    ]
    lines = []
    last = r["runs"][-1]["rows"]
    for run in r["runs"]:
        if "import" not in run:
            lines.append(
                "| " + " | ".join([*head, f"{run['rows']:,}", run.get("error", "?")] + [""] * 8) + " |"
            )
            continue
        i, mem = run["import"], run["import"]["memory"]
        is_last = run["rows"] == last and r["growth_ratio"] is not None
        stored = f"{i['respondents']:,} {verdict(run['committed'])}"
        cells = [
            *head,
            f"{run['rows']:,}",
            f"{run['file']['bytes'] / 1024**2:.0f} MB",
            f"{i['store_s']:.1f} s",
            f"{i['run_s']:.1f} s",
            f"{rate(run):,.0f}",
            f"{mem['baseline_mb']:.0f} MB",
            f"{mem['growth_mb']:.0f} MB" + (f" {verdict(t['growth_mb'])}" if is_last else ""),
            f"{r['growth_ratio']:.2f}× {verdict(t['growth_ratio'])}" if is_last else "(the reference)",
            stored,
            f"{100 * i['other_share']:.0f}%",
        ]
        lines.append("| " + " | ".join(cells) + " |")
        b = run.get("bad")
        if b:
            first = b["errors"][0] if b["errors"] else {}
            cells = [
                *head,
                f"{run['rows']:,}, row {run['rows']:,} bad",
                f"{run['bad_file']['bytes'] / 1024**2:.0f} MB",
                f"{b['store_s']:.1f} s",
                f"{b['run_s']:.1f} s",
                f"{rate(run, b):,.0f}",
                f"{b['memory']['baseline_mb']:.0f} MB",
                f"{b['memory']['growth_mb']:.0f} MB",
                "",
                f"{b['microdata']} (refused: file row {first.get('row', 0):,}, {b['bad_rows']} bad) "
                f"{verdict(t['bad_commits_nothing'])}",
                f"{100 * b['other_share']:.0f}%",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(argv=None) -> int:
    opts = parse_args(argv)
    if opts.child:
        return child(opts)
    result = measure(opts)
    print_results(result)
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    out = opts.results_dir / f"survey-import-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    log(f"raw results: {out}")
    if opts.quick:  # a smoke run judges what must hold on any machine: all stored, or nothing
        t = result["targets"]
        return 0 if t["commits"] and t["bad_commits_nothing"] else 1
    if opts.write_readme and c.may_write_readme(result["git"], log):
        table = "\n".join([RESULTS_HEADER, *results_rows(result)])
        README.write_text(c.replace_block(README.read_text(), "survey-import-results", table))
        log("bench/README.md updated")
    return 0 if all(result["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
