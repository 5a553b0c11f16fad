"""The public statistics with 1,000,000 cases: the statistics page and the API for a year by unit,
against the same statistics by hand-written SQL.

    .venv/bin/python bench/portal.py [--backend sqlite|postgres|both] [--cases N] [--reuse] [--quick]

The database is bench/queue.py's (the same files and PostgreSQL database, loaded by
``bench/_queue_data.py``: two years of a hotline, N cases, and the case tallies rebuilt from them), so
``--reuse`` after a run of bench/queue.py measures without loading again. Then, in a fresh process, the
views run in-process through ``django.test.Client`` (every middleware, the template), anonymously:

* the statistics page (``/portal/statistics/``: the figures by unit, by each breakdown, the funnel) and
* ``GET /api/v1/stats/cases?by=unit`` for the twelve whole months before the data's "now";

each ``--reps`` times, interleaved with the baseline: the same statistics' queries written by hand in SQL
(the twelve month rows of the page's groupings in ``cases_casecohort``, in one statement as the page
reads them, summed by grouping, group and working days, with the answers on time and the unanswered past
their deadline summed beside; the overdue count of open cases) on a raw cursor of the same connection.
The page's time minus the baseline's is what Django, the figures (intervals, quartiles, suppression) and
the template add. As a reference, the time of the same counts from the cases themselves (received,
answered, answered on time for the year by unit: no working days, which need the calendar) is given, and
the API's totals are checked against it. Targets: p95 under 200 ms, page minus SQL under 50 ms.

``--quick`` is the smallest run, for the test suite (tests/bench): 2,000 cases in a temporary directory
(or ``--pg-database``), 3 repetitions, no README; it fails only when something does not work (a page
that does not answer, or totals that differ from the cases' own count), never on a timing.

The period report for the same year (``/reports/period/?from=&to=``) is then timed as a page and as its
PDF (``&format=pdf``, WeasyPrint: cover, contents, charts, tables and the methodology annex, with its
fonts embedded and tagged): ``--pdf-reps`` times each (3; quick 1), one after another, since a PDF takes
seconds. Target: the PDF in under 10 s (its slowest run); the page's time is given beside it, so that
what WeasyPrint adds to the report's own figures shows.
"""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import _common as c  # noqa: E402

# bench/queue.py's name shadows the standard library's queue: load it under another name.
_spec = importlib.util.spec_from_file_location("bench_queue", BENCH / "queue.py")
bq = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bq)

ROOT = BENCH.parent
README = BENCH / "README.md"
TARGET_P95_MS = 200.0
TARGET_OUTSIDE_SQL_MS = 50.0
TARGET_PDF_S = 10.0
BREAKDOWNS = ("region", "category", "channel", "outcome")  # what the page shows besides the units


def log(*args):
    print(*args, flush=True)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--quick", action="store_true", help="the smallest run: 2,000 cases, no README")
    p.add_argument("--cases", type=int, help="cases to load (1,000,000; quick 2,000)")
    p.add_argument("--reuse", action="store_true", help="keep bench/queue.py's database of the same N")
    p.add_argument("--reps", type=int, help="timed repetitions of each page (100; quick 3)")
    p.add_argument("--pdf-reps", type=int, help="timed period reports, page and PDF (3; quick 1)")
    p.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--pg-database", default=bq.PG_DATABASE, help=f"bench/queue.py's ({bq.PG_DATABASE})")
    p.add_argument("--results-dir", type=Path, default=bq.RESULTS_DIR, help="raw results (bench/results)")
    p.add_argument("--no-readme", action="store_true", help="do not touch bench/README.md")
    p.add_argument("--child", choices=["measure"], help=argparse.SUPPRESS)
    p.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.cases = a.cases or (2_000 if a.quick else 1_000_000)
    a.reps = a.reps or (3 if a.quick else 100)
    a.pdf_reps = a.pdf_reps or (1 if a.quick else 3)
    # what bench/queue.py's loader and timing expect of the options
    a.warmup, a.min_reps, a.budget = (1, 1, 120.0) if a.quick else (10, 30, 120.0)
    a.deep, a.sweep_runs, a.diagnose = 2, 1, False
    a.quiet_wait = 0.0 if a.quick else 60.0
    a.workdir = a.workdir or (None if a.quick else bq.VAR)
    if urlsplit(a.pg_admin_url).hostname not in ("127.0.0.1", "localhost"):
        p.error("--pg-admin-url must point at 127.0.0.1")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", a.pg_database):
        p.error("--pg-database: lower-case letters, digits and _")
    return a


def main(argv=None) -> int:
    opts = parse_args(argv)
    if opts.child:
        return child_main(opts)
    if not opts.quick:
        return run(opts)
    os.environ.update(bq.QUICK_STATIC)
    with tempfile.TemporaryDirectory(prefix="adal-bench-portal-") as tmp:
        opts.workdir = Path(tmp)
        try:
            return run(opts)
        finally:
            if opts.backend != "sqlite":
                bq.pg_admin(opts.pg_admin_url, f'DROP DATABASE IF EXISTS "{opts.pg_database}" WITH (FORCE)')


def run(opts) -> int:
    backends = ["sqlite", "postgres"] if opts.backend == "both" else [opts.backend]
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    git = c.git_state(ROOT)
    results = {"machine": c.machine_facts(), "commit": git["short"], "git": git, "backends": {}}
    results["date"] = time.strftime("%Y-%m-%d", time.gmtime())
    for backend in backends:
        log(f"== {backend}: {opts.cases:,} cases")
        url = bq.database_url(backend, opts)
        meta = bq.reusable(backend, opts) if opts.reuse else None
        if meta:
            log(f"  reusing the database loaded on {meta['t0']}")
            bq.migrate(url)
        else:
            bq.fresh_database(backend, opts, url)
            meta = bq.run_child("load", backend, opts, url, bq.meta_path(backend, opts), timeout=6 * 3600)
        out = opts.results_dir / f"portal-{stamp}-{backend}.json"
        argv = [sys.executable, str(BENCH / "portal.py"), "--child", "measure", "--out", str(out)]
        argv += ["--cases", str(opts.cases), "--reps", str(opts.reps), "--workdir", str(opts.workdir)]
        argv += ["--pdf-reps", str(opts.pdf_reps)]
        argv += ["--results-dir", str(opts.results_dir)] + (["--quick"] if opts.quick else [])
        subprocess.run(argv, cwd=ROOT, env=bq.child_env(url), check=True, timeout=6 * 3600)
        measured = json.loads(out.read_text())
        measured["load"] = meta
        results["backends"][backend] = measured
        print_backend(backend, measured)
    path = opts.results_dir / f"portal-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    log(f"results: {path}")
    if opts.quick:
        return 0  # the pages answered and their totals are the cases' own (the child raises when not)
    if opts.cases == 1_000_000 and not opts.no_readme and c.may_write_readme(git, log):
        write_readme(results)
        log("bench/README.md updated")
    backends = results["backends"].values()
    ok = all(passes(m) for b in backends for m in b["pages"])
    ok = ok and all(report_passes(b["report"]) for b in backends)
    return 0 if ok else 1


def report_passes(report: dict) -> bool:
    return report["pdf_s_max"] < TARGET_PDF_S


def passes(m: dict) -> bool:
    return m["view_p95"] < TARGET_P95_MS and m["view_p50"] - m["sql_p50"] < TARGET_OUTSIDE_SQL_MS


def print_backend(backend: str, measured: dict) -> None:
    log(f"\n{backend} ({measured['engine']}), {measured['cases']:,} cases, {measured['period']}; ms")
    columns = ("view p50", "view p95", "SQL p50", "SQL p95", "cases SQL")
    log(f"{'page':<28} " + " ".join(f"{name:>9}" for name in columns) + "  verdict")
    for m in measured["pages"]:
        values = (m["view_p50"], m["view_p95"], m["sql_p50"], m["sql_p95"], m["cases_sql_p50"])
        log(
            f"{m['page']:<28} "
            + " ".join(f"{v:9.1f}" for v in values)
            + f"  {'PASS' if passes(m) else 'FAIL'}"
        )
    report = measured["report"]
    log(
        f"period report: page {report['page_s_max']:.2f} s, PDF {report['pdf_s_max']:.2f} s at most "
        f"(< {TARGET_PDF_S:.0f} s) {'PASS' if report_passes(report) else 'FAIL'}"
    )


def write_readme(results: dict) -> None:
    rows = [
        f"| {results['date']} ({results['commit']}) | {backend} | {m['page']} | {m['view_p50']:.1f} "
        f"| {m['view_p95']:.1f} | {m['sql_p50']:.1f} | {m['view_p50'] - m['sql_p50']:.1f} "
        f"| {m['cases_sql_p50']:.1f} | {m['cohort_rows']:,} |"
        for backend, b in results["backends"].items()
        for m in b["pages"]
    ]
    header = (
        "| date (commit) | backend | page | view p50 ms | view p95 ms (< 200) | SQL p50 ms | outside SQL ms "
        "(< 50) | counts from the cases ms | cohort rows |\n|---|---|---|--:|--:|--:|--:|--:|--:|"
    )
    text = c.replace_block(README.read_text(), "portal-results", header + "\n" + "\n".join(rows))
    reports = [
        f"| {results['date']} ({results['commit']}) | {backend} | {b['report']['page_s_max']:.2f} "
        f"| {b['report']['pdf_s_min']:.2f} | {b['report']['pdf_s_max']:.2f} | {b['report']['pdf_bytes']:,} |"
        for backend, b in results["backends"].items()
    ]
    header = (
        "| date (commit) | backend | report page s (slowest) | PDF s (fastest) | PDF s (slowest, < 10) "
        "| PDF bytes |\n|---|---|--:|--:|--:|--:|"
    )
    README.write_text(c.replace_block(text, "portal-report-results", header + "\n" + "\n".join(reports)))


# ================================================================ the child: inside Django


def child_main(opts) -> int:
    import django

    django.setup()
    measured = PortalMeasurer(opts).run()
    Path(opts.out).write_text(json.dumps(measured, indent=2, default=str))
    return 0


class PortalMeasurer(bq.Measurer):
    """bench/queue.py's timing (warm-up, interleaved view and baseline, disturbed runs again)."""

    def run(self) -> dict:
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from adal.cases.clocks import local_date

        # the twelve whole months before the data's "now": a year as the portal's readers ask for it
        last = local_date(self.t0).replace(day=1) - dt.timedelta(days=1)
        first = (last.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
        query = f"from={first.isoformat()}&to={last.isoformat()}"
        client = Client()
        with connection.cursor() as cur:
            cur.execute("SELECT sqlite_version()" if self.vendor == "sqlite" else "SHOW server_version")
            engine = ("SQLite " if self.vendor == "sqlite" else "PostgreSQL ") + cur.fetchone()[0]
        log(f"  measuring on {engine}, {first} to {last}")
        pages = []
        api = f"{reverse('api:cases_statistics')}?{query}&by=unit"
        body = self.get(client, api).json()
        self.check_totals(body["total"], first, last)
        pages.append(self.measure("API: a year by unit", client, api, ("unit",), first, last))
        page = f"{reverse('portal:statistics')}?{query}"
        pages.append(
            self.measure("statistics page: a year", client, page, ("unit", *BREAKDOWNS), first, last)
        )
        report = f"{reverse('portal:period_report')}?{query}"
        return {
            "engine": engine,
            "cases": self.meta["cases"],
            "period": f"{first} to {last}",
            "pages": pages,
            "report": self.measure_report(client, report),
            "db_mb": self.data.sizes()["database"],
        }

    def measure_report(self, client, url: str) -> dict:
        """The period report as a page and as a PDF, each timed whole (seconds, not milliseconds)."""
        self.get(client, url)  # warm: templates, fonts found, the first queries planned
        page, pdf, size = [], [], 0
        for _ in range(self.opts.pdf_reps):
            t = time.perf_counter()
            self.get(client, url)
            page.append(time.perf_counter() - t)
            t = time.perf_counter()
            response = self.get(client, url + "&format=pdf")
            pdf.append(time.perf_counter() - t)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if not body.startswith(b"%PDF-"):
                raise RuntimeError(f"GET {url}&format=pdf did not answer a PDF")
            size = len(body)
        log(f"  period report: page {max(page):.2f} s, PDF {min(pdf):.2f}–{max(pdf):.2f} s ({size:,} bytes)")
        return {"page_s_max": max(page), "pdf_s_min": min(pdf), "pdf_s_max": max(pdf), "pdf_bytes": size}

    def measure(self, label, client, url, groupings, first, last) -> dict:
        statements = [self.cohort_sql(groupings, first, last), self.overdue_sql()]
        rows = 0
        with self.connection.cursor() as cur:
            for sql, args in statements[:-1]:
                cur.execute(sql, args)
                rows += len(cur.fetchall())

        def run_sql():
            with self.connection.cursor() as cur:
                for sql, args in statements:
                    cur.execute(sql, args)
                    cur.fetchall()

        def run_view():
            self.get(client, url)

        n_queries, _captured = self.count_queries(run_view)
        log(f"  {label} ({n_queries} queries, {rows:,} cohort rows summed by the baseline)")
        result = self.timed(run_view, run_sql, label)
        cases_sql = self.cases_sql(first, last)
        samples = []
        for _ in range(max(1, min(self.opts.reps, 10))):
            t = time.perf_counter_ns()
            with self.connection.cursor() as cur:
                cur.execute(*cases_sql)
                cur.fetchall()
            samples.append(time.perf_counter_ns() - t)
        result.update(
            page=label,
            queries=n_queries,
            cohort_rows=rows,
            cases_sql_p50=bq.stats_ms(samples)[0],
        )
        return result

    def cohort_sql(self, groupings: tuple[str, ...], first: dt.date, last: dt.date) -> tuple[str, list]:
        from django.utils import timezone

        from adal.cases.clocks import local_date
        from adal.cases.tally import NOT_DUE, day_number

        months, day = [], first  # the period is of whole months: their rows, YYYYMM00
        while day <= last:
            months.append(day_number(day) - 1)
            day = (day + dt.timedelta(days=32)).replace(day=1)
        today = day_number(local_date(timezone.now()))
        return (
            "SELECT grouped_by, group_key, answered_days, SUM(n), SUM(n) FILTER (WHERE on_time), "  # noqa: S608
            "SUM(n) FILTER (WHERE due_day > %s AND due_day < %s) FROM cases_casecohort "
            f"WHERE grouped_by IN ({', '.join(['%s'] * len(groupings))}) "
            f"AND registered_day IN ({', '.join(['%s'] * len(months))}) AND n <> 0 "
            "GROUP BY grouped_by, group_key, answered_days",
            [NOT_DUE, today, *groupings, *months],
        )

    def overdue_sql(self) -> tuple[str, list]:
        from django.utils import timezone

        from adal.cases.models import OPEN_STATES

        states = ", ".join(f"'{s}'" for s in OPEN_STATES)
        return (
            f"SELECT COUNT(*), COUNT(*) FILTER (WHERE overdue_level >= 2) FROM cases_case "  # noqa: S608
            f"WHERE state IN ({states}) AND due_at < %s",
            [self.db_dt(timezone.now())],
        )

    def cases_sql(self, first: dt.date, last: dt.date) -> tuple[str, list]:
        """The year's counts by unit from the cases themselves: what the cohort saves reading."""
        from adal.core.workdays import local_zone

        start = dt.datetime.combine(first, dt.time.min, tzinfo=local_zone())
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=local_zone())
        return (
            "SELECT unit_id, COUNT(*), COUNT(answered_at), "
            "COUNT(*) FILTER (WHERE answered_at <= answer_due_at) FROM cases_case "
            "WHERE registered_at >= %s AND registered_at < %s GROUP BY unit_id",
            [self.db_dt(start), self.db_dt(end)],
        )

    def check_totals(self, total: dict, first: dt.date, last: dt.date) -> None:
        with self.connection.cursor() as cur:
            cur.execute(*self.cases_sql(first, last))
            rows = cur.fetchall()
        counted = {
            "received": sum(r[1] for r in rows),
            "answered": sum(r[2] for r in rows),
            "answered_on_time": sum(r[3] for r in rows),
        }
        for name, n in counted.items():
            if total[name] is not None and total[name] != n:
                raise RuntimeError(f"the API's total {name} is {total[name]}, the cases count {n}")
        log(f"  the API's totals are the cases' own: {counted}")


if __name__ == "__main__":
    sys.exit(main())
