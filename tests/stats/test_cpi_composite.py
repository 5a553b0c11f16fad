import math
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from adal.stats.composite import (
    MethodParams,
    competition_ranks,
    composite_scores,
    cpi_method,
    estimate,
    rescale,
    round_half_up,
)

NO_FPC = MethodParams(z=1.645)
FPC = MethodParams(z=1.645, fpc_population=13)


def test_the_2023_file_is_reproduced_exactly(cpi_2023):
    results = composite_scores(cpi_2023.source_rows(), cpi_method(2023))
    published = {row.iso3: row for row in cpi_2023.rows}
    assert len(results) == len(published) == 180
    for r in results:
        row = published[r.iso3]
        assert (r.score, r.rank, r.sources) == (
            row.published("CPI score"),
            row.published("Rank"),
            row.published("Number of sources"),
        ), r.iso3
        assert r.se == pytest.approx(row.published("Standard error"), abs=1e-5), r.iso3
        assert r.ci_low == pytest.approx(row.published("Lower CI"), abs=1e-4), r.iso3
        assert r.ci_high == pytest.approx(row.published("Upper CI"), abs=1e-4), r.iso3


def test_the_2023_results_come_sorted_by_rank_then_country(cpi_2023):
    results = composite_scores(cpi_2023.source_rows(), cpi_method(2023))
    assert [r.country for r in results[:3]] == ["Denmark", "Finland", "New Zealand"]
    assert results == sorted(results, key=lambda r: (r.rank, r.country))
    seventy_one = [(r.country, r.rank) for r in results if r.score == 71]
    assert seventy_one == [("Austria", 20), ("France", 20), ("Seychelles", 20), ("United Kingdom", 20)]
    assert next(r.rank for r in results if r.score < 71) == 24


def test_other_years_parameters_would_not_reproduce_2023(cpi_2023):
    """The exactness test bites: a z of 1.645 or no correction miss the published columns."""
    rows = cpi_2023.source_rows()
    denmark = next(r for r in composite_scores(rows, cpi_method(2023)) if r.iso3 == "DNK")
    assert denmark.ci_low == pytest.approx(87.0164, abs=1e-4)
    wrong_z = next(r for r in composite_scores(rows, cpi_method(2022)) if r.iso3 == "DNK")
    assert abs(wrong_z.ci_low - 87.0164) > 1e-3
    no_fpc = next(r for r in composite_scores(rows, cpi_method(2019)) if r.iso3 == "DNK")
    assert abs(no_fpc.se - 1.819265) > 0.1


def test_se_by_hand():
    # 40, 50, 60: mean 50, sample SD 10, SE 10 / √3; with 13 sources also × √(10/12), so SE² = 250/9.
    e = estimate({"a": 40, "b": 50, "c": 60}, NO_FPC)
    assert (e.score, e.mean, e.sources) == (50, 50.0, 3)
    assert e.se == pytest.approx(5.773502691896258, abs=1e-12)
    assert estimate({"a": 40, "b": 50, "c": 60}, FPC).se == pytest.approx(5.270462766947299, abs=1e-12)


def test_se_by_hand_for_denmark_2023():
    scores = [96.99364, 89.67447, 83.25637, 97.89119, 100, 78.89152, 82.20667, 87.68097]
    mean = sum(scores) / 8
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / 7)
    e = estimate(dict(enumerate(scores)), cpi_method(2023))
    assert e.se == pytest.approx(sd / math.sqrt(8) * math.sqrt(5 / 12), abs=1e-12)
    assert e.se == pytest.approx(1.819265, abs=1e-6)
    assert (e.ci_low, e.ci_high) == pytest.approx((90 - 1.64 * e.se, 90 + 1.64 * e.se))


def test_the_interval_is_around_the_rounded_score_not_the_mean():
    e = estimate({"a": 40, "b": 50, "c": 60.9}, NO_FPC)
    assert e.score == 50 and e.mean == pytest.approx(50.3)
    assert (e.ci_low + e.ci_high) / 2 == pytest.approx(50)


def test_the_correction_shrinks_the_se_and_vanishes_with_all_sources():
    six = {str(i): 30 + 7 * i for i in range(6)}
    assert estimate(six, FPC).se == pytest.approx(estimate(six, NO_FPC).se * math.sqrt(7 / 12))
    thirteen = {str(i): 30 + i for i in range(13)}
    assert estimate(thirteen, FPC).se == 0
    assert estimate(thirteen, NO_FPC).se > 0
    with pytest.raises(ValueError, match="14 sources"):
        estimate({str(i): 50 for i in range(14)}, FPC)


def test_a_country_needs_three_sources():
    rows = [("AAA", "A", {"x": 50, "y": 60, "z": None}), ("BBB", "B", {"x": 50, "y": 60, "z": 70})]
    assert [r.iso3 for r in composite_scores(rows, NO_FPC)] == ["BBB"]
    assert [r.iso3 for r in composite_scores(rows, MethodParams(min_sources=2))] == ["BBB", "AAA"]


def test_competition_ranking_shares_the_best_rank():
    assert competition_ranks([90, 87, 90, 85, 87]) == [1, 3, 1, 5, 3]
    rows = [
        ("CCC", "Charlie", {"x": 60, "y": 60, "z": 60}),
        ("AAA", "Alpha", {"x": 70, "y": 70, "z": 70}),
        ("BBB", "Bravo", {"x": 70, "y": 69.6, "z": 70.3}),  # 69.97 rounds to 70: a tie
    ]
    assert [(r.iso3, r.rank) for r in composite_scores(rows, NO_FPC)] == [("AAA", 1), ("BBB", 1), ("CCC", 3)]


@pytest.mark.parametrize(
    ("x", "rounded"),
    [
        (42.5, 43),
        (42.4999999, 42),
        (42.49999999999999, 42),
        (0.5, 1),
        (1.5, 2),
        (2.5, 3),  # not to even
        (Decimal("42.5"), 43),
        (Decimal("42.49999999999999999999"), 42),
        (42, 42),
        (99.5, 100),
    ],
)
def test_round_half_up(x, rounded):
    assert round_half_up(x) == rounded


def test_a_mean_of_exactly_one_half_rounds_up_although_floats_fall_short():
    scores = {"a": 73.6, "b": 33.8, "c": 2.1}
    assert sum(scores.values()) / 3 < 36.5  # 36.49999999999999 in binary floating point
    assert estimate(scores, NO_FPC).score == 37


def test_a_mean_a_hair_below_one_half_rounds_down_however_many_digits_it_takes():
    hair_below = Decimal("36." + "4" + "9" * 40)  # 36.5 − 10^-41, beyond the 28 digits of decimal's default
    assert estimate({"a": 36.5, "b": Decimal("36.5"), "c": hair_below}, NO_FPC).score == 36
    assert estimate({"a": 36.5, "b": 36.5, "c": 36.5}, NO_FPC).score == 37


def test_rescale():
    assert rescale(5.0, mu=5.0, sd=2.0) == 45
    assert rescale(7.0, mu=5.0, sd=2.0) == 65
    assert rescale(4.0, mu=5.0, sd=2.0) == 35
    assert rescale(20.0, mu=5.0, sd=2.0) == 100  # 195 clipped
    assert rescale(-10.0, mu=5.0, sd=2.0) == 0  # −105 clipped
    with pytest.raises(ValueError):
        rescale(1.0, mu=1.0, sd=0.0)


def test_the_method_by_year():
    assert cpi_method(2012) == MethodParams(z=1.645, fpc_population=None, min_sources=3)
    assert cpi_method(2019).fpc_population is None
    assert cpi_method(2020).fpc_population == 13
    assert [cpi_method(y).z for y in (2014, 2015, 2021, 2023)] == [1.65, 1.65, 1.645, 1.64]
    assert cpi_method(2022).z == 1.645
    assert MethodParams.for_year(2023) == cpi_method(2023)
    with pytest.raises(ValueError, match="2011"):
        cpi_method(2011)
    with pytest.raises(ValueError, match="impossible"):
        MethodParams(min_sources=1)


def test_the_statistics_import_no_django():
    code = "import sys, adal.stats.composite, adal.stats.tables; assert 'django' not in sys.modules"
    repository = Path(__file__).parents[2]
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=repository, env={**os.environ, "PYTHONPATH": ""}
    )
