"""``manage.py survey_estimate``: CSV out, one row per domain (or ``all``), figures equal to the
Taylor-linearised estimates computed here by hand, and the same output whatever the file's format."""

import csv
import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from scipy import stats

from tests.survey.survey_files import csv_bytes, sav_bytes, xlsx_bytes

HEADER = ["y", "yes", "w", "stratum", "psu", "region"]


@pytest.fixture(scope="module")
def sample():
    """300 respondents in 3 strata × 5 PSUs, a score y (some blank), a 0/1 answer, unequal weights."""
    rng = np.random.default_rng(11)
    n = 300
    stratum = np.repeat([1, 2, 3], 100)
    psu = stratum * 10 + rng.integers(0, 5, n)
    region = rng.choice(["north", "south"], n)
    y = np.round(rng.normal(50, 15, n) + 5 * (stratum == 2), 2)
    yes = (rng.random(n) < 0.3 + 0.2 * (region == "south")).astype(int)
    w = np.round(rng.uniform(50, 400, n), 3)
    blank = rng.random(n) < 0.05
    rows = [
        [
            "" if blank[i] else repr(float(y[i])),
            str(yes[i]),
            repr(float(w[i])),
            str(stratum[i]),
            str(psu[i]),
            region[i],
        ]
        for i in range(n)
    ]
    return {
        "rows": rows,
        "y": np.where(blank, np.nan, y),
        "yes": yes.astype(float),
        "w": w,
        "stratum": stratum,
        "psu": psu,
        "region": region,
    }


def by_hand(y, w, stratum, psu, inside, *, proportion=False) -> dict:
    """The domain mean with its with-replacement Taylor variance over PSUs in strata (the whole design
    kept, zero scores outside the domain), t interval on PSUs − strata degrees of freedom."""
    take = inside & ~np.isnan(y)
    total = w[take].sum()
    estimate = (w[take] * y[take]).sum() / total
    z = np.where(take, w * (np.nan_to_num(y) - estimate) / total, 0.0)
    variance = 0.0
    for h in np.unique(stratum):
        psus = np.unique(psu[stratum == h])
        sums = np.array([z[psu == p].sum() for p in psus])
        variance += len(psus) / (len(psus) - 1) * ((sums - sums.mean()) ** 2).sum()
    se = np.sqrt(variance)
    df = len(np.unique(psu)) - len(np.unique(stratum))
    t = stats.t.ppf(0.975, df)
    if proportion:
        logit, half = np.log(estimate / (1 - estimate)), t * se / (estimate * (1 - estimate))
        low, high = 1 / (1 + np.exp(-(logit - half))), 1 / (1 + np.exp(-(logit + half)))
    else:
        low, high = estimate - t * se, estimate + t * se
    n = int(take.sum())
    s2 = n / (n - 1) * (w[take] * (y[take] - estimate) ** 2).sum() / total
    return {
        "estimate": estimate,
        "se": se,
        "ci_low": low,
        "ci_high": high,
        "n": n,
        "deff": variance / (s2 / n),
    }


def run(path, *args) -> list[dict]:
    out = io.StringIO()
    call_command("survey_estimate", str(path), *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "domain,estimate,se,ci_low,ci_high,n,deff"
    return list(csv.DictReader(lines))


@pytest.fixture
def files(sample, tmp_path):
    made = {}
    for fmt, content in (
        ("csv", csv_bytes(sample["rows"], HEADER)),
        ("xlsx", xlsx_bytes(sample["rows"], HEADER)),
        ("sav", sav_bytes(sample["rows"], HEADER, tmp_path=tmp_path)),
    ):
        path = tmp_path / f"sample.{fmt}"
        path.write_bytes(content)
        made[fmt] = path
    return made


def assert_row(row: dict, expected: dict) -> None:
    for key in ("estimate", "se", "ci_low", "ci_high", "deff"):
        assert float(row[key]) == pytest.approx(expected[key], rel=1e-10, abs=1e-12), key
    assert int(row["n"]) == expected["n"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav"])
def test_a_mean_by_domain_matches_the_taylor_formula(files, sample, fmt):
    rows = run(
        files[fmt], "--var", "y", "--weight", "w", "--strata", "stratum", "--psu", "psu", "--domain", "region"
    )

    assert [r["domain"] for r in rows] == ["north", "south"]
    for row in rows:
        inside = sample["region"] == row["domain"]
        assert_row(row, by_hand(sample["y"], sample["w"], sample["stratum"], sample["psu"], inside))


def test_without_a_domain_one_row_all(files, sample):
    [row] = run(files["csv"], "--var", "y", "--weight", "w", "--strata", "stratum", "--psu", "psu")
    assert row["domain"] == "all"
    everyone = np.ones(len(sample["w"]), dtype=bool)
    assert_row(row, by_hand(sample["y"], sample["w"], sample["stratum"], sample["psu"], everyone))


def test_a_proportion_gets_a_logit_interval(files, sample):
    rows = run(
        files["csv"],
        "--var",
        "yes",
        "--weight",
        "w",
        "--strata",
        "stratum",
        "--psu",
        "psu",
        "--domain",
        "region",
        "--proportion",
    )
    for row in rows:
        inside = sample["region"] == row["domain"]
        expected = by_hand(
            sample["yes"], sample["w"], sample["stratum"], sample["psu"], inside, proportion=True
        )
        assert_row(row, expected)
        assert float(row["ci_high"]) - float(row["estimate"]) != pytest.approx(
            float(row["estimate"]) - float(row["ci_low"])
        )


def test_the_formats_print_the_same(files):
    args = ["--var", "y", "--weight", "w", "--strata", "stratum", "--psu", "psu", "--domain", "region"]
    assert run(files["csv"], *args) == run(files["xlsx"], *args) == run(files["sav"], *args)


def test_numeric_domains_are_in_numeric_order(files):
    rows = run(files["csv"], "--var", "y", "--domain", "psu")
    assert [int(r["domain"]) for r in rows] == sorted(int(r["domain"]) for r in rows)


def test_a_missing_column_is_named(files):
    with pytest.raises(CommandError, match="The file has no column weight"):
        run(files["csv"], "--var", "y", "--weight", "weight")


def test_a_value_that_is_no_number_is_refused_with_its_row(tmp_path, sample):
    rows = [list(r) for r in sample["rows"][:20]]
    rows[4][0] = "n/a"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows, HEADER))
    with pytest.raises(CommandError, match="y is not a number in rows 6 \\(“n/a”\\)"):
        run(path, "--var", "y")


def test_a_proportion_needs_zeros_and_ones(files):
    with pytest.raises(CommandError, match="must be 0 or 1"):
        run(files["csv"], "--var", "y", "--proportion")


def test_a_bad_weight_is_refused(tmp_path, sample):
    rows = [list(r) for r in sample["rows"][:20]]
    rows[0][2] = "-1"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows, HEADER))
    with pytest.raises(CommandError, match="must be a positive number; it is not in rows 2"):
        run(path, "--var", "y", "--weight", "w")
