"""The demo's survey: two published waves of about 10,000 synthetic respondents each, stratified by the
20 regions with PSUs and unequal base weights, imported through the import service and weighted, with a
real change between the waves in the regions the demo moves."""

import numpy as np

from adal.core.permissions import SYSTEM
from adal.demo.survey import CHANGES, build_survey
from adal.survey.models import MicrodataImport, Wave
from adal.survey.selectors import wave_figures
from adal.survey.storage import columns_read


def test_the_demo_loads_two_published_weighted_waves(db):
    demo = build_survey(by=SYSTEM)

    assert [w.code for w in demo.waves] == ["2024", "2025"]
    assert all(i.state == MicrodataImport.State.DONE and i.bad_rows == 0 for i in demo.imports)
    for wave in Wave.objects.all():
        assert wave.state == Wave.State.PUBLISHED
        assert 9_500 <= wave.microdata.respondents <= 10_500
        assert wave.microdata.source.original_name == f"ncpi-{wave.code}.csv"
        data = columns_read(wave.microdata, ["region", "psu", "weight"])
        assert np.unique(data["region"]).size == 20
        regions = np.unique(data["region"])
        psus_per_region = [np.unique(data["psu"][data["region"] == r]).size for r in regions]
        assert min(psus_per_region) >= 4
        assert wave.weighting["converged"] and wave.weighting["base"]["deff"] > 1.1

    figures = wave_figures(Wave.objects.get(code="2025"))
    changed = {r["kato"]: r["change"] for r in figures["regions"]}
    for kato, shift in CHANGES.items():
        assert changed[kato]["significant"] and np.sign(changed[kato]["difference"]) == np.sign(shift)
    assert sum(c["significant"] for k, c in changed.items() if k not in CHANGES) <= 3
