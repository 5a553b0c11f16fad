"""The National Corruption Perception Index from scored microdata: pure numpy, no Django.

Scores run from 0 (most corruption perceived or met) to 100 (least). For each respondent, an item's
score comes from the instrument's scoring of the answer (NaN when not answered or not asked), and a
component's score is the weighted mean of the respondent's item scores in that component (NaN when
they answered none). For a population (the country, a region, the users of one public service):

    component c:  ȳ_c = Σ w_i y_ci / Σ w_i          over the respondents with a score for c,
    index:        I   = Σ_c a_c ȳ_c                  a_c the component weights, Σ a_c = 1.

The index is a linear combination of ratio means, so its Taylor-linearised variance is that of the
sum of the components' linearised values. We build it as a per-respondent *index score*

    s_i = I + Σ_c a_c (y_ci − ȳ_c) · 1[i has c] · N / W_c,     N = Σ w_i,  W_c = Σ_{i has c} w_i,

whose weighted mean is exactly I (the corrections sum to zero) and whose linearised values under the
design, (s_i − I)/N = Σ_c a_c (y_ci − ȳ_c) 1[i has c] / W_c, are exactly those of I. The index's
estimate, standard error and confidence interval are therefore those of the design mean of s, by the
same estimator as every other mean; the deff reported is that of this mean. When every respondent has
every component, s_i is simply Σ_c a_c y_ci. For a domain the same is done with the domain's own
ȳ_c, N and W_c; domains partition the respondents, so one vector s serves all domains at once.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from adal.stats import estimation as est


@dataclass(frozen=True)
class ItemScoring:
    column: str
    component: str
    weight: float
    scores: Mapping[int, float]  # answer code → score; codes absent here count as not answered
    condition: tuple[str, frozenset[int]] | None = None  # asked only if (column) answered one of (codes)


@dataclass(frozen=True)
class IndexSpec:
    components: Mapping[str, float]  # component code → weight in the index (need not sum to 1)
    items: tuple[ItemScoring, ...]

    @property
    def shares(self) -> dict[str, float]:
        total = sum(self.components.values())
        return {c: w / total for c, w in self.components.items()}


def item_scores(spec: IndexSpec, answers: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each index item's score per respondent, NaN where not answered, not scored, or not asked."""
    scores = {}
    for item in spec.items:
        codes = answers[item.column].astype(np.int64)
        lookup_codes = np.array(sorted(item.scores), dtype=np.int64)
        lookup_scores = np.array([item.scores[c] for c in lookup_codes.tolist()], dtype=np.float64)
        where = np.searchsorted(lookup_codes, codes).clip(0, max(lookup_codes.size - 1, 0))
        found = lookup_codes.size > 0 and lookup_codes[where] == codes
        score = np.where(found, lookup_scores[where] if lookup_codes.size else np.nan, np.nan)
        if item.condition is not None:
            column, allowed = item.condition
            score[~np.isin(answers[column], list(allowed))] = np.nan
        scores[item.column] = score
    return scores


def component_scores(spec: IndexSpec, scores: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each component's score per respondent: the weighted mean of their answered items in it."""
    result = {}
    for component in spec.components:
        items = [i for i in spec.items if i.component == component]
        total = np.zeros_like(next(iter(scores.values())))
        weight = np.zeros_like(total)
        for item in items:
            answered = ~np.isnan(scores[item.column])
            total += np.where(answered, scores[item.column], 0.0) * item.weight
            weight += answered * item.weight
        with np.errstate(invalid="ignore", divide="ignore"):
            result[component] = np.where(weight > 0, total / weight, np.nan)
    return result


def index_scores(
    spec: IndexSpec,
    components: Mapping[str, np.ndarray],
    weights: np.ndarray,
    domain: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(s, defined): the per-respondent index score s of the module's note, computed within each
    domain (domain codes 0..k-1; None for one population), and whether each domain has respondents
    for every component — where it does not, its index is undefined and its s is NaN."""
    w = np.asarray(weights, dtype=np.float64)
    codes = np.zeros(w.size, dtype=np.intp) if domain is None else np.asarray(domain, dtype=np.intp)
    k = int(codes.max()) + 1 if codes.size else 0
    population = np.bincount(codes, weights=w, minlength=k)
    shares = spec.shares
    index = np.zeros(k)
    defined = population > 0
    parts = []
    for c, share in shares.items():
        y = components[c]
        has = ~np.isnan(y)
        carried = np.bincount(codes, weights=w * has, minlength=k)
        total = np.bincount(codes, weights=np.where(has, w * np.nan_to_num(y), 0.0), minlength=k)
        defined &= carried > 0
        mean = np.divide(total, carried, out=np.zeros(k), where=carried > 0)
        index += share * mean
        scale = np.divide(population, carried, out=np.zeros(k), where=carried > 0)
        parts.append(share * np.where(has, (np.nan_to_num(y) - mean[codes]) * scale[codes], 0.0))
    s = index[codes] + np.sum(parts, axis=0)
    s[~defined[codes]] = np.nan
    return s, defined


# ---------------------------------------------------------------- estimates as plain data


def as_dict(e: "est.Estimate") -> dict:
    return {
        "estimate": float(e.estimate),
        "se": float(e.se),
        "ci_low": float(e.ci_low),
        "ci_high": float(e.ci_high),
        "n": int(e.n),
        "deff": None if e.deff is None or not np.isfinite(e.deff) else float(e.deff),
    }


def as_estimate(d: Mapping) -> "est.Estimate":
    deff = d.get("deff")
    return est.Estimate(
        d["estimate"], d["se"], d["ci_low"], d["ci_high"], d["n"], np.nan if deff is None else deff
    )


@dataclass(frozen=True)
class Domains:
    """A partition of the respondents for estimates: ``codes`` 0..k-1 (−1: in none), and their labels."""

    codes: np.ndarray
    labels: list

    @classmethod
    def of(cls, values: np.ndarray, *, exclude=()) -> "Domains":
        uniques, inverse = np.unique(values, return_inverse=True)
        labels = [u for u in uniques.tolist() if u not in exclude]
        position = {v: i for i, v in enumerate(labels)}
        codes = np.array([position.get(u, -1) for u in uniques.tolist()], dtype=np.intp)
        return cls(codes[inverse.reshape(-1)], labels)


def estimates(
    spec: IndexSpec,
    answers: Mapping[str, np.ndarray],
    design: "est.Design",
    *,
    domains: Mapping[str, Domains],
    level: float = 0.95,
) -> dict:
    """The index, its components and items nationally, and the index and components by each domain
    partition given (e.g. region, sector), as plain dicts of estimates (see ``as_dict``). Each is one
    vectorised pass of ``mean_matrix`` over the columns it needs."""
    scores = item_scores(spec, answers)
    components = component_scores(spec, scores)
    weights = np.asarray(design.weights, dtype=np.float64)
    s, _ = index_scores(spec, components, weights)
    columns = [s, *components.values(), *scores.values()]
    national = est.mean_matrix(np.column_stack(columns), design, level=level)
    c = len(components)
    result = {
        "national": {
            "index": as_dict(national.at(0, 0)),
            "components": {code: as_dict(national.at(0, 1 + j)) for j, code in enumerate(components)},
            "items": {col: as_dict(national.at(0, 1 + c + j)) for j, col in enumerate(scores)},
        }
    }
    for name, partition in domains.items():
        result[name] = _by_domain(spec, components, weights, design, partition, level)
    return result


def _by_domain(spec, components, weights, design, partition: Domains, level: float) -> dict:
    """Index and components in each domain; a component nobody in the domain has is left out, and
    so is the index, which needs every component."""
    outside = len(partition.labels)  # the respondents in no domain form one more, never shown
    codes = np.where(partition.codes >= 0, partition.codes, outside)
    s, defined = index_scores(spec, components, weights, codes)
    s = np.where(np.isnan(s), 0.0, s)  # undefined domains are dropped below; their s must be finite
    found = est.mean_matrix(np.column_stack([s, *components.values()]), design, codes, level=level)
    result = {}
    for d, code in enumerate(found.domains):
        if code == outside:
            continue
        result[str(partition.labels[code])] = {
            "index": as_dict(found.at(d, 0)) if defined[code] else None,
            "components": {
                c: as_dict(found.at(d, 1 + j)) if found.n[d, 1 + j] > 0 else None
                for j, c in enumerate(components)
            },
        }
    return result
