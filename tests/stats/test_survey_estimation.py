"""Taylor estimates against samplics on the same data, replicate variances, and the test between waves."""

import math
import warnings

import numpy as np
import pytest
from scipy import stats

from adal.stats.estimation import (
    Design,
    Estimate,
    by_domain,
    estimate_matrix,
    mean,
    mean_matrix,
    proportion,
    replicate_se,
    replicate_weights,
    total,
    wave_difference,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # samplics announces on import that it is archived
    from samplics import PopParam, ReplicateEstimator, ReplicateWeight, RepMethod, TaylorEstimator

RTOL = 1e-8  # the bar for agreeing with an independent implementation
PARAM = {"mean": PopParam.mean, "total": PopParam.total, "proportion": PopParam.prop}
ESTIMATORS = {"mean": mean, "total": total, "proportion": proportion}
PSUS_IN_POPULATION = {"north": 40, "south": 35, "east": 60, "west": 12}


def survey(n=3000, seed=11):
    """Four regions as strata, 3 to 9 PSUs each (numbered within the region), clustered answers."""
    rng = np.random.default_rng(seed)
    regions = np.array(list(PSUS_IN_POPULATION))
    stratum = rng.choice(regions, n, p=[0.4, 0.3, 0.2, 0.1])
    psus = {"north": 9, "south": 6, "east": 5, "west": 3}
    psu = np.array([rng.integers(0, psus[s]) for s in stratum])
    cluster_effect = rng.normal(0, 4, (len(regions), 9))[np.searchsorted(regions, stratum), psu]
    weights = rng.uniform(50, 400, n)
    score = rng.normal(55, 12, n) + cluster_effect
    bribed = (rng.random(n) < 0.15 + 0.01 * cluster_effect).astype(float)
    sector = rng.choice(["health", "education", "police"], n)
    fpc = np.array([PSUS_IN_POPULATION[s] for s in stratum], dtype=float)
    return {"w": weights, "stratum": stratum, "psu": psu, "fpc": fpc, "score": score, "bribed": bribed,
            "sector": sector}  # fmt: skip


def samplics(statistic, y, s, *, domain=None, fpc=False, stratified=True, clustered=True, alpha=0.05):
    est = TaylorEstimator(PARAM[statistic], alpha=alpha)
    design = Design(s["w"], s["stratum"], s["psu"], s["fpc"])
    fpc_factor = (
        dict(zip(design.layout.stratum_labels, design.layout.fpc_factor, strict=True)) if fpc else 1.0
    )
    est.estimate(
        y=y,
        samp_weight=s["w"],
        stratum=s["stratum"] if stratified else None,
        psu=s["psu"] if clustered else None,
        domain=domain,
        fpc=fpc_factor,
    )
    return est


def theirs(est, statistic, key=None):
    """(estimate, SE, lower, upper) out of samplics' dicts; a proportion is the level 1.0."""
    parts = [est.point_est, est.stderror, est.lower_ci, est.upper_ci]
    if key is not None:
        parts = [p[key] for p in parts]
    if statistic == "proportion":
        parts = [p[1.0] for p in parts]
    return tuple(float(p) for p in parts)


def ours(e: Estimate):
    return (e.estimate, e.se, e.ci_low, e.ci_high)


def design_of(s, *, fpc=False, stratified=True, clustered=True):
    return Design(
        s["w"],
        s["stratum"] if stratified else None,
        s["psu"] if clustered else None,
        s["fpc"] if fpc and stratified else None,
    )


# Against samplics ----------------------------------------------------------------------------------


@pytest.mark.parametrize("statistic", ["mean", "total", "proportion"])
@pytest.mark.parametrize("fpc", [False, True])
def test_whole_sample_estimates_match_samplics(statistic, fpc):
    s = survey()
    y = s["bribed"] if statistic == "proportion" else s["score"]
    got = ESTIMATORS[statistic](y, design_of(s, fpc=fpc))
    assert ours(got) == pytest.approx(theirs(samplics(statistic, y, s, fpc=fpc), statistic), rel=RTOL)


@pytest.mark.parametrize("statistic", ["mean", "total", "proportion"])
def test_domain_estimates_match_samplics(statistic):
    s = survey()
    y = s["bribed"] if statistic == "proportion" else s["score"]
    est = samplics(statistic, y, s, domain=s["sector"], fpc=True)
    got = by_domain(statistic, y, design_of(s, fpc=True), s["sector"])
    assert list(got) == ["education", "health", "police"]
    for sector, e in got.items():
        assert ours(e) == pytest.approx(theirs(est, statistic, sector), rel=RTOL), sector
        assert e.n == int((s["sector"] == sector).sum())


@pytest.mark.parametrize(("stratified", "clustered"), [(False, False), (True, False), (False, True)])
def test_designs_without_strata_or_psus_match_samplics(stratified, clustered):
    s = survey()
    if not stratified:  # PSU numbers must name a PSU across the whole sample then
        s["psu"] = np.char.add(s["stratum"], s["psu"].astype(str))
    got = mean(s["score"], design_of(s, stratified=stratified, clustered=clustered))
    est = samplics("mean", s["score"], s, stratified=stratified, clustered=clustered)
    assert ours(got) == pytest.approx(theirs(est, "mean"), rel=RTOL)


def test_the_matrix_of_items_by_region_matches_samplics_cell_by_cell():
    s = survey()
    rng = np.random.default_rng(5)
    items = np.column_stack([s["score"], s["score"] * 0.5 + rng.normal(0, 3, s["w"].size), s["bribed"]])
    m = mean_matrix(items, design_of(s, fpc=True), s["stratum"], level=0.9)
    assert m.domains == ["east", "north", "south", "west"]
    assert m.estimate.shape == m.se.shape == m.n.shape == (4, 3)
    for j in range(3):
        est = samplics("mean", items[:, j], s, domain=s["stratum"], fpc=True, alpha=0.1)
        for d, region in enumerate(m.domains):
            assert ours(m.at(d, j)) == pytest.approx(theirs(est, "mean", region), rel=RTOL), (region, j)


def test_missing_answers_are_a_domain_of_those_who_answered():
    s = survey()
    y = s["score"].copy()
    y[np.random.default_rng(9).random(y.size) < 0.1] = np.nan
    answered = ~np.isnan(y)
    got = mean(y, design_of(s))
    est = samplics("mean", np.where(answered, y, 1.0), s, domain=answered)
    assert ours(got) == pytest.approx(theirs(est, "mean", True), rel=RTOL)
    assert got.n == int(answered.sum())
    # No PSU lost all its answers, so samplics' dropping of the rows gives the same.
    dropped = TaylorEstimator(PopParam.mean)
    dropped.estimate(y=y, samp_weight=s["w"], stratum=s["stratum"], psu=s["psu"], remove_nan=True)
    assert ours(got) == pytest.approx(theirs(dropped, "mean"), rel=RTOL)


def test_missing_answers_are_left_out_item_by_item():
    s = survey()
    items = np.column_stack([s["score"], s["score"]])
    items[:100, 1] = np.nan
    m = mean_matrix(items, design_of(s))
    assert m.n[0].tolist() == [s["w"].size, s["w"].size - 100]
    assert ours(m.at(0, 0)) == pytest.approx(ours(mean(s["score"], design_of(s))), rel=1e-12)
    assert ours(m.at(0, 1)) == pytest.approx(ours(mean(items[:, 1], design_of(s))), rel=1e-12)


# Conventions ----------------------------------------------------------------------------------------


def test_the_interval_uses_t_with_psus_minus_strata_degrees_of_freedom():
    s = survey()
    design = design_of(s)
    assert design.layout.df == (9 + 6 + 5 + 3) - 4
    e = mean(s["score"], design, level=0.9)
    assert e.ci_high - e.estimate == pytest.approx(stats.t.ppf(0.95, 19) * e.se, rel=1e-12)


def test_the_proportions_interval_is_logit_and_stays_inside_zero_and_one():
    s = survey()
    e = proportion(s["bribed"], design_of(s))
    t = stats.t.ppf(0.975, 19)
    logit = math.log(e.estimate / (1 - e.estimate))
    half = t * e.se / (e.estimate * (1 - e.estimate))
    assert e.ci_low == pytest.approx(1 / (1 + math.exp(-(logit - half))), rel=1e-12)
    assert e.ci_high == pytest.approx(1 / (1 + math.exp(-(logit + half))), rel=1e-12)
    assert e.ci_high - e.estimate != pytest.approx(e.estimate - e.ci_low)
    none = proportion(np.zeros(s["w"].size), design_of(s))
    assert (none.estimate, none.se, none.ci_low, none.ci_high) == (0, 0, 0, 0)


def test_a_proportion_needs_zeros_and_ones():
    s = survey()
    with pytest.raises(ValueError, match="coded 0 or 1"):
        proportion(s["score"], design_of(s))


def test_deff_is_one_for_simple_random_sampling():
    y = np.random.default_rng(4).normal(10, 2, 500)
    assert mean(y, Design(np.full(500, 7.0))).deff == pytest.approx(1.0, rel=1e-12)


def test_deff_is_taylor_over_srs_with_replacement():
    s = survey()
    y, w = s["score"], s["w"]
    e = mean(y, design_of(s))
    n, ybar = w.size, np.average(y, weights=w)
    s2 = n / (n - 1) * np.sum(w * (y - ybar) ** 2) / w.sum()
    assert e.deff == pytest.approx(e.se**2 / (s2 / n), rel=1e-9)
    t = total(y, design_of(s))
    assert t.deff == pytest.approx(t.se**2 / (w.sum() ** 2 * s2 / n), rel=1e-9)
    assert e.deff > 1.5, "clustered answers and unequal weights cost precision"


def test_the_finite_population_correction_shrinks_the_variance_stratum_by_stratum():
    s = survey()
    with_fpc = mean(s["score"], design_of(s, fpc=True))
    without = mean(s["score"], design_of(s))
    assert with_fpc.estimate == without.estimate
    assert with_fpc.se < without.se


def test_a_stratum_with_one_psu_is_an_error_unless_it_was_taken_whole():
    w = np.ones(6)
    strata = np.array([1, 1, 1, 2, 2, 2])
    psu = np.array([1, 2, 2, 7, 7, 7])
    with pytest.raises(ValueError, match="stratum 2 has a single PSU"):
        mean(np.arange(6.0), Design(w, strata, psu))
    taken_whole = Design(w, strata, psu, fpc=np.array([5, 5, 5, 1, 1, 1.0]))
    y = np.arange(6.0)
    changed = np.where(strata == 2, [0, 0, 0, 9, -4, 100], y)
    # A total's variance adds up by stratum: the stratum taken whole adds nothing, whatever its answers.
    assert total(y, taken_whole).se == total(changed, taken_whole).se > 0


def test_the_design_checks_its_inputs():
    with pytest.raises(ValueError, match="psu has 2 entries for 3 respondents"):
        Design(np.ones(3), psu=np.array([1, 2]))
    with pytest.raises(ValueError, match="cannot be negative"):
        Design(np.array([1.0, -2, 3]))
    with pytest.raises(ValueError, match="fewer than the 2 in the sample"):
        mean(np.ones(4), Design(np.ones(4), np.array([1, 1, 2, 2]), np.array([1, 2, 1, 2]), np.full(4, 1.0)))
    with pytest.raises(ValueError, match="same for every respondent of a stratum"):
        mean(
            np.ones(4),
            Design(np.ones(4), np.array([1, 1, 2, 2]), np.array([1, 2, 1, 2]), np.array([5, 6, 5, 5])),
        )
    with pytest.raises(ValueError, match="unknown statistic 'median'"):
        by_domain("median", np.ones(3), Design(np.ones(3)), np.array([1, 1, 2]))
    with pytest.raises(ValueError, match="confidence level"):
        mean(np.ones(3), Design(np.ones(3)), level=95)
    with pytest.raises(ValueError, match="3 respondents × items"):
        estimate_matrix("mean", np.ones((4, 2)), Design(np.ones(3)))


def test_a_domain_without_answers_has_no_estimate():
    s = survey()
    y = np.where(s["sector"] == "police", np.nan, s["score"])
    police = by_domain("mean", y, design_of(s), s["sector"])["police"]
    assert police.n == 0 and math.isnan(police.estimate) and math.isnan(police.se)


# Replicate weights -----------------------------------------------------------------------------------


def test_the_jackknife_se_of_a_total_is_the_taylor_se():
    s = survey()
    design = design_of(s, fpc=True)
    jk = replicate_weights(design, method="jackknife")
    assert jk.shape == (s["w"].size, 9 + 6 + 5 + 3)
    se = replicate_se(s["score"], design, jk, statistic="total", method="jackknife")
    assert se == pytest.approx(total(s["score"], design).se, rel=1e-10)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # samplics' pandas calls (Pandas4Warning)
def test_the_jackknife_matches_samplics_on_its_own_replicates():
    s = survey()
    order = np.argsort(s["stratum"], kind="stable")  # samplics returns its replicates sorted by stratum
    s = {k: v[order] for k, v in s.items()}
    rw = ReplicateWeight(method=RepMethod.jackknife, strat=True)
    frame = rw.replicate(s["w"], s["psu"], s["stratum"])
    assert (frame["_samp_weight"].to_numpy() == s["w"]).all(), "samplics kept the rows in order"
    replicates = frame[[c for c in frame.columns if c.startswith("_jk_wgt_")]].to_numpy()
    est = ReplicateEstimator(RepMethod.jackknife, PopParam.mean)
    est.estimate(y=s["score"], samp_weight=s["w"], rep_weights=replicates, rep_coefs=np.array(rw.rep_coefs),
                 conservative=True)  # fmt: skip
    design = design_of(s)
    assert replicate_se(s["score"], design, replicates, method="jackknife") == pytest.approx(
        est.stderror, rel=RTOL
    )
    ours_jk = replicate_weights(design, method="jackknife")
    assert replicate_se(s["score"], design, ours_jk, method="jackknife") == pytest.approx(
        est.stderror, rel=RTOL
    )


def test_the_bootstrap_matches_samplics_on_the_same_replicates():
    s = survey()
    design = design_of(s)
    bs = replicate_weights(design, replicates=300, seed=1)
    est = ReplicateEstimator(RepMethod.bootstrap, PopParam.mean)
    est.estimate(y=s["score"], samp_weight=s["w"], rep_weights=bs, rep_coefs=np.full(300, 1 / 300))
    assert replicate_se(s["score"], design, bs) == pytest.approx(est.stderror, rel=RTOL)


def test_bootstrap_replicates_redraw_n_minus_one_psus_per_stratum():
    s = survey()
    design = design_of(s)
    bs = replicate_weights(design, replicates=50, seed=2)
    multipliers = bs / s["w"][:, None]
    layout = design.layout
    # Each PSU's respondents share its multiplier, c · n_h / (n_h − 1) for a PSU drawn c times.
    for h, n_h in enumerate(layout.psus_in_stratum):
        psus = np.flatnonzero(layout.stratum_of_psu == h)
        per_psu = np.array([multipliers[layout.psu_of == p][0] for p in psus])
        draws = per_psu * (n_h - 1) / n_h
        assert draws == pytest.approx(np.round(draws), abs=1e-9)
        assert draws.sum(axis=0) == pytest.approx(np.full(50, n_h - 1))


def test_the_bootstrap_se_is_near_the_taylor_se_and_reproducible():
    s = survey()
    design = design_of(s)
    bs = replicate_weights(design, replicates=2000, seed=3)
    taylor = mean(s["score"], design).se
    assert replicate_se(s["score"], design, bs) == pytest.approx(taylor, rel=0.1)
    assert (
        replicate_weights(design, replicates=20, seed=4) == replicate_weights(design, replicates=20, seed=4)
    ).all()
    assert not (
        replicate_weights(design, replicates=20, seed=4) == replicate_weights(design, replicates=20, seed=5)
    ).all()


def test_replicates_are_refused_when_they_would_not_fit():
    design = Design(np.ones(2_000_000))
    with pytest.raises(ValueError, match="too many weights"):
        replicate_weights(design, method="jackknife")
    with pytest.raises(ValueError, match="one per PSU"):
        s = survey()
        replicate_se(s["score"], design_of(s), np.ones((s["w"].size, 5)), method="jackknife")


# Two waves ------------------------------------------------------------------------------------------


def test_a_change_between_waves_is_tested_on_independent_samples():
    before = Estimate(0.30, 0.01, 0.28, 0.32, 2000, 1.2)
    after = Estimate(0.34, 0.015, 0.31, 0.37, 2100, 1.3)
    d = wave_difference(before, after)
    se = math.sqrt(0.01**2 + 0.015**2)
    assert d.difference == pytest.approx(0.04)
    assert d.se == pytest.approx(se)
    assert d.z == pytest.approx(0.04 / se)
    assert d.p_value == pytest.approx(2 * stats.norm.sf(0.04 / se))
    assert d.significant  # z ≈ 2.22
    assert not wave_difference(before, after, level=0.99).significant


def test_no_change_is_not_significant():
    e = Estimate(50.0, 0.0, 50.0, 50.0, 10, 1.0)
    d = wave_difference(e, e)
    assert (d.difference, d.z, d.p_value, d.significant) == (0.0, 0.0, 1.0, False)
