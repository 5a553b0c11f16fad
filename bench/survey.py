"""Survey weighting and estimation at national scale, against samplics on the same data.

    .venv/bin/python bench/survey.py [--respondents N] [--items J] [--baseline-items K] [--quick]

A synthetic wave (seeded): N respondents (1,000,000) × J items (20; answers 1-5, 2% missing), 20
regions as strata, PSUs within regions (250 each), base weights from unequal selection probabilities,
and census totals for four margins (region, sex, age group, urban/rural). It is written to a
temporary directory, and each side then runs in a fresh process that loads it:

* ours (``adal.stats``): rake the base weights to the four margins (tolerance 1e-10), then the
  Taylor mean, SE, t interval, n and deff of every item in every region (``mean_matrix`` with strata =
  regions, PSUs, domain = region); ``--reps`` times, the median counts; the process's peak RSS;
* the baseline, samplics 0.6 on the same data in the same kind of process: ``SampleWeight.rake`` to the
  same margins and tolerance, then ``TaylorEstimator`` (mean, domain = region, ``remove_nan``) for K of
  the J items (4 by default: samplics takes about 6 s an item at a million respondents); its time is
  the raking plus the mean time of an item × J.

Both sides' raked weights, estimates, SEs and intervals for the K items are compared (largest relative
difference). Results are printed, written to bench/results/survey-*.json and, for the full size
(N = 1,000,000, J = 20, unless ``--no-readme``), into the Survey block of bench/README.md.

``--quick`` is the smallest run, for the test suite (tests/bench): 20,000 respondents, no waiting for
a quiet machine, no README; it fails only when the two sides disagree or something does not work, never
on a target of speed or memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/queue.py shadows the standard library's ``queue`` (samplics' imports reach it): keep this
# directory at the end of the path; the project's root goes first, for adal.stats.
sys.path[:] = (
    [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)] + [str(BENCH)]
)

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import _common as c  # noqa: E402
import numpy as np  # noqa: E402

README = BENCH / "README.md"
RESULTS_DIR = BENCH / "results"
FULL_RESPONDENTS, FULL_ITEMS = 1_000_000, 20
TARGET_SECONDS = 2.0  # ours, raking and every estimate
TARGET_SPEEDUP = 5.0  # samplics' time over ours
TARGET_RSS_MB = 1024.0  # peak RSS of our process, the loaded data included
TOLERANCE = 1e-10  # raking, both sides
POPULATION = 13_000_000  # adults; the census totals add up to it
MARGINS = ("region", "sex", "age", "urban")


# ================================================================ the data


def make_survey(respondents: int, items: int, regions: int, psus_per_region: int, seed: int) -> dict:
    """A wave whose base weights are far from the census, so that raking has work to do."""
    rng = np.random.default_rng(seed)
    population_share = rng.dirichlet(np.full(regions, 4.0))
    region = np.sort(rng.integers(0, regions, respondents))  # equal samples per region, unequal regions
    psu = rng.integers(0, psus_per_region, respondents)
    urban_rate = rng.uniform(0.3, 0.9, regions)
    urban = (rng.random(respondents) < urban_rate[region] * 0.8).astype(np.int8)  # villages over-sampled
    sex = (rng.random(respondents) < 0.58).astype(np.int8)  # women answer more often
    age = rng.choice(6, respondents, p=[0.1, 0.15, 0.2, 0.2, 0.2, 0.15]).astype(np.int8)
    sampling_rate = respondents / regions / (population_share[region] * POPULATION)
    selection = sampling_rate * np.where(urban == 1, 0.8, 1.25) * rng.uniform(0.8, 1.2, respondents)
    psu_effect = rng.normal(0, 0.3, (regions, psus_per_region))[region, psu]
    answers = rng.normal(3 + psu_effect[:, None] + rng.normal(0, 0.3, items), 1.1, (respondents, items))
    Y = np.clip(np.rint(answers), 1, 5)
    Y[rng.random((respondents, items)) < 0.02] = np.nan
    targets = {
        "region": population_share,
        "sex": np.array([0.46, 0.54]),
        "age": np.array([0.12, 0.2, 0.2, 0.18, 0.16, 0.14]),
        "urban": np.array([0.4, 0.6]),
    }
    return {
        "region": region,
        "psu": psu,
        "sex": sex,
        "age": age,
        "urban": urban,
        "base_weight": 1.0 / np.minimum(selection, 1.0),
        "Y": Y,
        **{f"target_{name}": POPULATION * share / share.sum() for name, share in targets.items()},
    }


def margins_of(data: dict) -> dict:
    """name -> (category of each respondent, {category: census total}), as ``rake`` takes them."""
    return {
        name: (data[name], {k: float(t) for k, t in enumerate(data[f"target_{name}"])}) for name in MARGINS
    }


# ================================================================ the two sides, each in its own process


def run_ours(data: dict, reps: int) -> dict:
    from adal.stats.estimation import Design, mean_matrix
    from adal.stats.weighting import rake

    margins = margins_of(data)
    Y = data["Y"]
    runs = []
    for _ in range(reps):
        started = time.perf_counter()
        report = rake(data["base_weight"], margins, tol=TOLERANCE)
        raked = time.perf_counter()
        design = Design(report.weights, strata=data["region"], psu=data["psu"])
        m = mean_matrix(Y, design, data["region"])
        done = time.perf_counter()
        runs.append({"rake": raked - started, "estimates": done - raked, "total": done - started})
    return {
        "runs": runs,
        "iterations": report.iterations,
        "max_error": report.max_error,
        "arrays": {
            "weights": report.weights,
            "estimate": m.estimate,
            "se": m.se,
            "ci_low": m.ci_low,
            "ci_high": m.ci_high,
        },
        "cells": int(m.estimate.size),
    }


def run_samplics(data: dict, baseline_items: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # samplics is archived and says so; pandas deprecations
        from samplics import PopParam, SampleWeight, TaylorEstimator

        started = time.perf_counter()
        control = {name: totals for name, (_, totals) in margins_of(data).items()}
        weights = SampleWeight().rake(
            data["base_weight"],
            {name: data[name] for name in MARGINS},
            control=control,
            tol=TOLERANCE,
            ctrl_tol=TOLERANCE,
            max_iter=1000,
        )
        raked = time.perf_counter()
        regions = np.unique(data["region"])
        shape = (regions.size, baseline_items)
        out = {name: np.zeros(shape) for name in ("estimate", "se", "ci_low", "ci_high")}
        item_seconds = []
        for j in range(baseline_items):
            t0 = time.perf_counter()
            est = TaylorEstimator(PopParam.mean)
            est.estimate(
                y=data["Y"][:, j],
                samp_weight=weights,
                stratum=data["region"],
                psu=data["psu"],
                domain=data["region"],
                remove_nan=True,
            )
            item_seconds.append(time.perf_counter() - t0)
            for d, r in enumerate(regions):
                out["estimate"][d, j] = est.point_est[r]
                out["se"][d, j] = est.stderror[r]
                out["ci_low"][d, j] = est.lower_ci[r]
                out["ci_high"][d, j] = est.upper_ci[r]
    return {"rake": raked - started, "item_seconds": item_seconds, "arrays": {"weights": weights, **out}}


def child(opts) -> int:
    """Load the wave, run one side while measuring it, write what it measured."""
    with np.load(opts.data) as npz:
        data = {k: npz[k] for k in npz.files}
    pid = os.getpid()
    loaded_kib = c.status_kib(pid, "VmRSS") or 0
    reset = c.reset_peak_rss(pid)
    busy0, total0 = c.machine_cpu()
    cpu0 = sum(os.times()[:2])
    result = run_ours(data, opts.reps) if opts.child == "ours" else run_samplics(data, opts.baseline_items)
    cpu1 = sum(os.times()[:2])
    busy1, total1 = c.machine_cpu()
    result["memory"] = {
        "loaded_mb": loaded_kib / 1024,
        "peak_mb": (c.status_kib(pid, "VmHWM") or 0) / 1024,
        "peak_reset": reset,
    }
    own, machine = cpu1 - cpu0, total1 - total0
    result["other_share"] = max(0.0, (busy1 - busy0 - own) / machine) if machine > 0 else 0.0
    np.savez(opts.out + ".npz", **result.pop("arrays"))
    Path(opts.out).write_text(json.dumps(result))
    return 0


def spawn(side: str, data_path: Path, workdir: Path, opts) -> tuple[dict, dict]:
    out = workdir / f"{side}.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", side, "--data", str(data_path)]
    argv += ["--out", str(out), "--reps", str(opts.reps), "--baseline-items", str(opts.baseline_items)]
    subprocess.run(argv, check=True, cwd=ROOT, timeout=opts.timeout)
    with np.load(str(out) + ".npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    return json.loads(out.read_text()), arrays


# ================================================================ the parent


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--respondents", type=int, help=f"respondents ({FULL_RESPONDENTS:,}; quick 20,000)")
    p.add_argument("--items", type=int, default=FULL_ITEMS, help=f"items ({FULL_ITEMS})")
    p.add_argument("--regions", type=int, default=20, help="regions = strata = domains (20)")
    p.add_argument("--psus-per-region", type=int, help="PSUs in each region (250; quick 25)")
    p.add_argument("--baseline-items", type=int, help="items samplics estimates, then scaled (4)")
    p.add_argument("--reps", type=int, default=5, help="timed runs of ours; the median counts (5)")
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--quiet-threshold", type=float, default=0.25, help="machine load to wait below (0.25)")
    p.add_argument("--quiet-wait", type=float, help="seconds to wait for it (120; quick 0)")
    p.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="raw results (bench/results)")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds a side may take (3600)")
    p.add_argument("--quick", action="store_true", help="20,000 respondents, no README update")
    p.add_argument("--no-readme", action="store_true", help="do not touch bench/README.md")
    p.add_argument("--child", choices=["ours", "samplics"], help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.respondents = a.respondents or (20_000 if a.quick else FULL_RESPONDENTS)
    a.psus_per_region = a.psus_per_region or (25 if a.quick else 250)
    a.quiet_wait = a.quiet_wait if a.quiet_wait is not None else (0.0 if a.quick else 120.0)
    a.baseline_items = min(a.baseline_items or 4, a.items)
    if min(a.respondents, a.items, a.regions, a.psus_per_region, a.baseline_items, a.reps) < 1:
        p.error("sizes and counts must be positive")
    if a.psus_per_region < 2:
        p.error("each region needs two PSUs at least")
    a.full = a.respondents == FULL_RESPONDENTS and a.items == FULL_ITEMS
    a.write_readme = a.full and not (a.quick or a.no_readme)
    return a


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def largest_difference(ours: dict, theirs: dict, items: int) -> dict:
    """Largest relative difference per quantity, over the raked weights and the K items' cells."""
    out = {}
    for name, base in theirs.items():
        mine = ours[name] if name == "weights" else ours[name][:, :items]
        out[name] = float(np.max(np.abs(mine - base) / np.maximum(np.abs(base), 1e-300)))
    return out


def measure(opts) -> dict:
    machine = c.machine_facts()
    with tempfile.TemporaryDirectory(prefix="adal-bench-survey-") as tmp:
        workdir = Path(tmp)
        log(f"making {opts.respondents:,} respondents × {opts.items} items")
        data = make_survey(opts.respondents, opts.items, opts.regions, opts.psus_per_region, opts.seed)
        data_path = workdir / "wave.npz"
        np.savez(data_path, **data)
        del data
        busy = {}
        results = {}
        for side in ("ours", "samplics"):
            busy[side] = c.wait_for_quiet(opts.quiet_threshold, opts.quiet_wait)
            log(f"{side}: machine {100 * busy[side]:.0f}% busy before; running")
            results[side], arrays = spawn(side, data_path, workdir, opts)
            if side == "ours":
                ours_arrays = arrays
            else:
                agreement = largest_difference(ours_arrays, arrays, opts.baseline_items)
    return summarise(opts, machine, results, busy, agreement)


def summarise(opts, machine: dict, results: dict, busy: dict, agreement: dict) -> dict:
    ours, theirs = results["ours"], results["samplics"]
    totals = sorted(r["total"] for r in ours["runs"])
    median = totals[len(totals) // 2]
    per_item = float(np.mean(theirs["item_seconds"]))
    baseline = theirs["rake"] + per_item * opts.items
    speedup = baseline / median
    peak = ours["memory"]["peak_mb"]
    git = c.git_state(ROOT)
    return {
        "date": dt.date.today().isoformat(),
        "commit": git["short"],
        "git": git,
        "machine": machine,
        "options": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in vars(opts).items()
            if k not in ("child", "data", "out")
        },
        "ours": {k: v for k, v in ours.items()},
        "ours_median_s": median,
        "ours_rake_median_s": sorted(r["rake"] for r in ours["runs"])[len(totals) // 2],
        "ours_estimates_median_s": sorted(r["estimates"] for r in ours["runs"])[len(totals) // 2],
        "samplics": theirs,
        "samplics_per_item_s": per_item,
        "baseline_s": baseline,
        "speedup": speedup,
        "agreement": agreement,
        "busy_before": busy,
        "targets": {
            "seconds": median < TARGET_SECONDS,
            "speedup": speedup >= TARGET_SPEEDUP,
            "memory": peak < TARGET_RSS_MB,
            "agreement": max(agreement.values()) <= 1e-8,
        },
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_results(r: dict) -> None:
    o, s, t, m = r["ours"], r["samplics"], r["targets"], r["machine"]
    opts = r["options"]
    print()
    print(f"Machine: {m['nproc']} × {m['cpu_model']}, Python {m['python']}")
    print(
        f"Wave: {opts['respondents']:,} respondents × {opts['items']} items, {opts['regions']} regions, "
        f"{opts['psus_per_region']} PSUs per region; {o['cells']} region × item cells"
    )
    runs = ", ".join(f"{x['total']:.3f}" for x in o["runs"])
    print(
        f"  ours       rake {r['ours_rake_median_s']:.3f} s ({o['iterations']} cycles, error "
        f"{o['max_error']:.1e}) + estimates {r['ours_estimates_median_s']:.3f} s "
        f"= {r['ours_median_s']:.3f} s median of [{runs}]  [{verdict(t['seconds'])} < {TARGET_SECONDS:g} s]"
    )
    print(
        f"  samplics   rake {s['rake']:.2f} s + {r['samplics_per_item_s']:.2f} s an item "
        f"(mean of {len(s['item_seconds'])}) × {opts['items']} = {r['baseline_s']:.1f} s"
    )
    print(f"  speed-up   {r['speedup']:.1f}×  [{verdict(t['speedup'])} ≥ {TARGET_SPEEDUP:g}×]")
    print(
        f"  memory     ours peak RSS {o['memory']['peak_mb']:.0f} MB (data loaded: "
        f"{o['memory']['loaded_mb']:.0f} MB)  [{verdict(t['memory'])} < {TARGET_RSS_MB:g} MB]; "
        f"samplics {s['memory']['peak_mb']:.0f} MB"
    )
    diff = ", ".join(f"{k} {v:.1e}" for k, v in r["agreement"].items())
    print(f"  agreement  largest relative difference: {diff}  [{verdict(t['agreement'])} ≤ 1e-8]")
    before = r["busy_before"]
    print(
        f"  machine    {100 * before['ours']:.0f}% / {100 * before['samplics']:.0f}% busy before; other "
        f"programs took {100 * o['other_share']:.0f}% / {100 * s['other_share']:.0f}% of it "
        "during ours / samplics"
    )


RESULTS_HEADER = (
    "| date | machine | Python | ours: rake + estimates (< 2 s) | samplics (scaled) | speed-up (≥ 5×) "
    "| peak RSS (< 1 GB) | agreement (≤ 1e-8) | other programs (ours / samplics) |\n"
    "|---|---|---|--:|--:|--:|--:|--:|--:|"
)


def results_row(r: dict) -> str:
    o, s, t, m = r["ours"], r["samplics"], r["targets"], r["machine"]
    cells = [
        f"{r['date']} ({r['commit']})",
        f"{m['nproc']} × {m['cpu_model']}",
        m["python"],
        f"{r['ours_rake_median_s']:.2f} + {r['ours_estimates_median_s']:.2f} = {r['ours_median_s']:.2f} s "
        f"{verdict(t['seconds'])}",
        f"{s['rake']:.1f} + {r['samplics_per_item_s']:.1f} × {r['options']['items']} "
        f"= {r['baseline_s']:.0f} s",
        f"{r['speedup']:.0f}× {verdict(t['speedup'])}",
        f"{o['memory']['peak_mb']:.0f} MB {verdict(t['memory'])}",
        f"{max(r['agreement'].values()):.0e} {verdict(t['agreement'])}",
        f"{100 * o['other_share']:.0f}% / {100 * s['other_share']:.0f}%",
    ]
    return "| " + " | ".join(cells) + " |"


def main(argv=None) -> int:
    opts = parse_args(argv)
    if opts.child:
        return child(opts)
    result = measure(opts)
    print_results(result)
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    out = opts.results_dir / f"survey-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2))
    log(f"raw results: {out}")
    if opts.quick:  # a smoke run judges what must hold on any machine: both sides agree
        return 0 if result["targets"]["agreement"] else 1
    if opts.write_readme and c.may_write_readme(result["git"], log):
        text = README.read_text()
        README.write_text(
            c.replace_block(text, "survey-results", RESULTS_HEADER + "\n" + results_row(result))
        )
        log("bench/README.md updated")
    return 0 if all(result["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
