"""A wave's weighting on a small wave: base weights → raking → trimming → Kish deff. The final weights
meet both census margins, stay within the trimming bounds, and the report says how it went; margins
that cannot be met are refused with the cell named."""

from collections import defaultdict

import numpy as np
import pytest

from adal.core.models import AuditEvent
from adal.core.permissions import SYSTEM
from adal.survey.models import MarginCell, Microdata
from adal.survey.selectors import weighting_described
from adal.survey.services import SurveyRefused, wave_publish, wave_weight
from adal.survey.storage import columns_read
from tests.survey.survey_files import HEADER, csv_bytes, generated_rows
from tests.survey.test_survey_import import run


@pytest.fixture(scope="module")
def rows():
    return generated_rows()


def imported(wave, rows):
    record = run(wave, "wave.csv", csv_bytes(rows))
    assert record.state == "done", record.errors[:3]
    return wave


def census(margins) -> tuple[dict, dict]:
    joint, settlement = {}, {}
    for cell in margins.cells.select_related("region"):
        if cell.dimension == MarginCell.Dimension.SETTLEMENT:
            settlement[cell.settlement] = cell.population
        else:
            joint[(int(cell.region.kato), cell.sex, cell.age_group)] = cell.population
    return joint, settlement


def test_the_final_weights_meet_both_margins_within_the_bounds(wave, rows):
    lower, upper = wave.trim_lower, wave.trim_upper
    wave = wave_weight(wave=imported(wave, rows), by=SYSTEM)
    assert wave.weighting.get("converged"), wave.weighting

    data = columns_read(
        Microdata.objects.get(wave=wave), ["region", "sex", "age", "settlement", "final_weight"]
    )
    w = data["final_weight"]
    group = np.searchsorted([18, 30, 45, 60], data["age"], side="right") - 1
    achieved = defaultdict(float)
    cells = zip(data["region"].tolist(), data["sex"].tolist(), group.tolist(), strict=True)
    for key, weight in zip(cells, w, strict=True):
        achieved[key] += weight
    joint, settlement = census(wave.margins)
    assert set(achieved) == set(joint)
    for key, population in joint.items():
        assert achieved[key] == pytest.approx(population, rel=1e-8)
    for code, population in settlement.items():
        assert w[data["settlement"] == code].sum() == pytest.approx(population, rel=1e-8)

    mean = w.mean()
    assert w.min() >= float(lower) * mean * (1 - 1e-6)
    assert w.max() <= float(upper) * mean * (1 + 1e-6)

    report = wave.weighting
    assert report["converged"] and report["rake"]["converged"] and report["trim"]["converged"]
    assert report["respondents"] == len(rows)
    assert report["final"]["deff"] == pytest.approx(w.size * (w**2).sum() / w.sum() ** 2, rel=1e-12)
    base = np.array([float(r[HEADER.index("weight")]) for r in rows])
    assert report["base"]["deff"] == pytest.approx(base.size * (base**2).sum() / base.sum() ** 2, rel=1e-12)
    assert report["rake"]["max_error"] <= 1e-10
    assert (report["trim"]["lower"], report["trim"]["upper"]) == (float(lower), float(upper))
    assert report["trim"]["at_lower"] + report["trim"]["at_upper"] > 0  # the bounds did bind
    assert AuditEvent.objects.filter(action="survey.wave_weighted", target_id=str(wave.pk)).exists()


def test_a_census_cell_without_respondents_is_named(wave, rows):
    ulytau_old_men = [
        r for r in rows if not (r[0] == "620000000" and r[1] == "1" and int(r[HEADER.index("age")]) >= 60)
    ]
    wave = wave_weight(wave=imported(wave, ulytau_old_men), by=SYSTEM)

    assert weighting_described(wave) == {
        "failure": "The census cell Ulytau Region, Male, aged 60+ has no respondents, so raking cannot reach "
        "its total."
    }
    assert wave.results == {}
    with pytest.raises(SurveyRefused, match="weighting converged"):
        wave_publish(wave=wave, by=SYSTEM)


def test_trimming_bounds_too_tight_for_the_margins_are_refused(instrument, margins, rows):
    from tests.survey.conftest import make_wave

    wave = make_wave(instrument, margins, trim_lower="0.9", trim_upper="1.1")
    wave = wave_weight(wave=imported(wave, rows), by=SYSTEM)

    text = weighting_described(wave)["failure"]
    assert text.startswith("The trimming bounds are too tight: the respondents in ")
    assert text.endswith("times the mean weight to reach their census total. Widen the bounds.")


def test_weighting_needs_microdata(wave):
    with pytest.raises(SurveyRefused, match="no microdata"):
        wave_weight(wave=wave, by=SYSTEM)


def test_selection_probabilities_become_base_weights(instrument, margins, rows):
    from tests.survey.conftest import make_wave

    probabilities = [[*r[:5], repr(1 / float(r[5])), *r[6:]] for r in rows]
    by_weight = wave_weight(wave=imported(make_wave(instrument, margins, code="w"), rows), by=SYSTEM)
    by_probability = wave_weight(
        wave=imported(make_wave(instrument, margins, code="p", base_weight="probability"), probabilities),
        by=SYSTEM,
    )
    assert by_probability.weighting["base"]["deff"] == pytest.approx(by_weight.weighting["base"]["deff"])
    assert by_probability.results["national"]["index"]["estimate"] == pytest.approx(
        by_weight.results["national"]["index"]["estimate"], rel=1e-9
    )
