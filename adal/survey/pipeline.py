"""A wave's weighting pipeline: base weights → raking to the census margins → trimming → Kish's deff.

Pure numpy over the respondents' columns; no Django. Raking adjusts the base weights until the
weighted sample matches the census on both margins at once (adults by region × sex × age group, and
by urban/rural); trimming then holds every weight within the wave's bounds (ratios to the mean
weight) while raking again, so the margins still hold; Kish's deff says how much precision the
unequal weights cost. Each step's convergence goes into the report that the methodology page shows.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from adal.stats import weighting

RAKE_TOLERANCE = 1e-10
RAKE_MAX_ITER = 1000


class WeightingRefused(ValueError):
    """The weights cannot be computed from these data and margins; ``code`` and ``params`` say why."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class MarginTotals:
    """The census margins as numbers: keys (region KATO, sex, age group) and settlement code."""

    age_bounds: tuple[int, ...]  # lower bound of each age group; the last group is open
    region_sex_age: Mapping[tuple[int, int, int], float]
    settlement: Mapping[int, float]


def age_groups(age: np.ndarray, bounds: tuple[int, ...]) -> np.ndarray:
    """The age group of each respondent: the last lower bound not above their age."""
    return np.searchsorted(np.asarray(bounds), age, side="right") - 1


def cell_codes(region, sex, group, groups: int) -> np.ndarray:
    """One integer per region × sex × age group cell: KATO·(2·groups) + (sex−1)·groups + group."""
    return region.astype(np.int64) * (2 * groups) + (sex.astype(np.int64) - 1) * groups + group


def _margins(region, sex, age, settlement, totals: MarginTotals):
    """The two margins in the form ``rake`` takes, once every cell is known to be covered both ways."""
    groups = len(totals.age_bounds)
    group = age_groups(age, totals.age_bounds)
    if (group < 0).any():
        youngest = int(age[group < 0].min())
        raise WeightingRefused(
            "age_below_groups", "a respondent is younger than the first age group", age=youngest
        )
    codes = cell_codes(region, sex, group, groups)
    keys = list(totals.region_sex_age)
    key_codes = cell_codes(*(np.array(k) for k in zip(*keys, strict=True)), groups).tolist() if keys else []
    targets = {code: float(totals.region_sex_age[key]) for code, key in zip(key_codes, keys, strict=True)}
    present = set(np.unique(codes).tolist())
    lacking = sorted(present - set(targets))
    if lacking:
        kato, rest = divmod(lacking[0], 2 * groups)
        raise WeightingRefused(
            "cell_without_total",
            "respondents in a cell the margins have no total for",
            region=kato,
            sex=rest // groups + 1,
            age_group=rest % groups,
            count=len(lacking),
        )
    empty = [key for code, key in zip(key_codes, keys, strict=True) if code not in present]
    if empty:
        kato, sex_code, age_group = empty[0]
        raise WeightingRefused(
            "cell_without_respondents",
            "a census cell has no respondents",
            region=kato,
            sex=sex_code,
            age_group=age_group,
            count=len(empty),
        )
    settled = set(np.unique(settlement).tolist())
    if settled != set(totals.settlement):
        odd = sorted(settled ^ set(totals.settlement))[0]
        raise WeightingRefused(
            "settlement_mismatch", "the urban/rural margin and the respondents differ", settlement=odd
        )
    return {
        "region_sex_age": (codes, targets),
        "settlement": (settlement.astype(np.int64), {int(k): float(v) for k, v in totals.settlement.items()}),
    }


def _check_bounds_reachable(margins: dict, lower: float, upper: float, groups: int) -> None:
    """Trimming cannot meet a margin cell whose population needs its respondents' weights to average
    beyond the bounds: say which cell, and how far the bounds would have to go."""
    codes, targets = margins["region_sex_age"]
    mean = sum(targets.values()) / codes.size
    for name, (cells, totals) in margins.items():
        labels, counts = np.unique(cells, return_counts=True)
        for label, count in zip(labels.tolist(), counts.tolist(), strict=True):
            ratio = totals[label] / (count * mean)
            if ratio < lower * (1 - 1e-6) or ratio > upper * (1 + 1e-6):
                params = {"ratio": ratio, "margin": name}
                if name == "region_sex_age":
                    kato, rest = divmod(label, 2 * groups)
                    params.update(region=kato, sex=rest // groups + 1, age_group=rest % groups)
                else:
                    params.update(settlement=label)
                raise WeightingRefused("bounds_unreachable", "the trimming bounds are too tight", **params)


def _summary(w: np.ndarray) -> dict:
    return {
        "total": float(w.sum()),
        "min": float(w.min()),
        "max": float(w.max()),
        "ratio": float(w.max() / w.min()),
        "deff": weighting.kish_deff(w),
    }


def weigh(
    *,
    base: np.ndarray,
    is_probability: bool,
    region: np.ndarray,
    sex: np.ndarray,
    age: np.ndarray,
    settlement: np.ndarray,
    totals: MarginTotals,
    lower: float,
    upper: float,
) -> tuple[np.ndarray, dict]:
    """(final weights, report). Raises WeightingRefused when the margins cannot be met at all."""
    w0 = weighting.base_weights(base) if is_probability else weighting.as_weights(base, what="base weights")
    margins = _margins(region, sex, age, settlement, totals)
    _check_bounds_reachable(margins, lower, upper, len(totals.age_bounds))
    try:
        raked = weighting.rake(w0, margins, tol=RAKE_TOLERANCE, max_iter=RAKE_MAX_ITER, strict=False)
        trimmed = weighting.trim(
            raked.weights,
            lower=lower,
            upper=upper,
            margins=margins,
            tol=RAKE_TOLERANCE,
            max_iter=RAKE_MAX_ITER,
        )
    except weighting.InconsistentMargins as e:
        raise WeightingRefused("inconsistent_margins", str(e), totals=e.totals) from e
    except ValueError as e:  # anything else the statistics refuse: keep their words
        raise WeightingRefused("weighting_refused", str(e), reason=str(e)) from e
    final = trimmed.weights
    mean = final.sum() / final.size
    report = {
        "respondents": int(final.size),
        "base": _summary(w0),
        "rake": {
            "iterations": raked.iterations,
            "converged": bool(raked.converged),
            "max_error": float(raked.max_error),
            "tolerance": RAKE_TOLERANCE,
        },
        "trim": {
            "lower": lower,
            "upper": upper,
            "iterations": trimmed.iterations,
            "converged": bool(trimmed.converged),
            "max_error": float(trimmed.max_error),
            "at_lower": int((final <= lower * mean * (1 + 1e-6)).sum()),
            "at_upper": int((final >= upper * mean * (1 - 1e-6)).sum()),
        },
        "final": _summary(final),
        "converged": bool(raked.converged and trimmed.converged),
    }
    return final, report
