"""Targets are data: set by analysts and administrators (audited), judged on the value of their year."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from adal.core.models import AuditEvent, Role
from adal.ratings.models import Country, IndexValue, Target
from adal.ratings.selectors import country_histories, target_progress
from adal.ratings.services import RatingsRefused, target_save
from tests.conftest import make_staff
from tests.ratings.conftest import D


def kaz():
    return Country.objects.get(iso3="KAZ")


def values(index, *points):
    """IndexValues (year, score, rank) for Kazakhstan, unsaved: what target_progress reads."""
    return [IndexValue(index=index, country=kaz(), year=y, score=D(s), rank=r) for y, s, r in points]


def test_a_rank_target_gap_is_the_places_to_climb(cpi):
    target = Target(index=cpi, country=kaz(), kind=Target.Kind.RANK_AT_MOST, value=D(50), by_year=2025)
    progress = target_progress(target, values(cpi, (2022, 36, 101), (2023, 39, 93)))
    assert (progress.value.year, progress.gap, progress.status) == (2023, 43, "open")


def test_a_target_is_judged_on_its_own_year(cpi):
    target = Target(index=cpi, country=kaz(), kind=Target.Kind.RANK_AT_MOST, value=D(100), by_year=2022)
    later = values(cpi, (2021, 37, 102), (2022, 36, 101), (2023, 39, 93))
    assert target_progress(target, later).status == "missed"  # 2023's 93 came too late
    assert target_progress(target, values(cpi, (2021, 37, 99))).status == "met"
    assert target_progress(target, values(cpi, (2021, 37, None))).status == "unknown"  # no rank to judge


def test_a_score_target(cpi, wgi):
    target = Target(index=cpi, country=kaz(), kind=Target.Kind.SCORE_AT_LEAST, value=D(45), by_year=2025)
    progress = target_progress(target, values(cpi, (2023, 39, 93)))
    assert (progress.gap, progress.status) == (6, "open")
    wgi.higher_is_better = False  # an index of risk: the score must come down to the target
    risk = Target(index=wgi, country=kaz(), kind=Target.Kind.SCORE_AT_LEAST, value=D("0.5"), by_year=2025)
    assert target_progress(risk, values(wgi, (2023, "0.2", None))).status == "met"


def test_targets_are_validated(cpi, analyst_user):
    def save(**fields):
        values = {"index": cpi, "country": kaz(), "by_year": 2025, "kind": Target.Kind.RANK_AT_MOST} | fields
        return target_save(target=Target(**values), by=analyst_user)

    with pytest.raises(ValidationError, match="A rank is a whole number"):
        save(value=D("50.5"))
    with pytest.raises(ValidationError, match="A rank starts at 1"):
        save(value=D(0))
    with pytest.raises(ValidationError, match="0–100"):
        save(kind=Target.Kind.SCORE_AT_LEAST, value=D(101))
    with pytest.raises(ValidationError):
        save(value=D(50), by_year=1800)
    target = save(value=D(50))
    event = AuditEvent.objects.get(action="ratings.target_created")
    assert (event.actor, event.data["value"], event.target_id) == (analyst_user, "50", str(target.pk))


def test_only_analysts_and_administrators_set_targets(cpi, units):
    officer = make_staff("officer", Role.CASE_OFFICER, units["centre"])[0]
    with pytest.raises(RatingsRefused):
        target_save(
            target=Target(index=cpi, country=kaz(), kind="rank", value=D(50), by_year=2025), by=officer
        )


def test_the_demo_target_shows_on_the_country_page(demo):
    [cpi_history] = [h for h in country_histories(kaz()) if h.index.code == "cpi"]
    [progress] = cpi_history.targets
    assert (progress.target.value, progress.target.by_year, progress.gap) == (50, 2025, 43)


def test_a_target_edited_in_the_admin_is_audited(client, units, demo):
    admin = make_staff("ratings-admin", Role.ADMINISTRATOR, units["centre"])[0]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    target = Target.objects.get()
    form = {
        "index": target.index_id,
        "country": target.country_id,
        "kind": "rank",
        "value": "40",
        "by_year": "2025",
        "basis_ru": "",
        "basis_kk": "",
        "basis_en": "",
    }
    response = client.post(reverse("admin:ratings_target_change", args=[target.pk]), form)
    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    assert target.value == 40
    assert AuditEvent.objects.filter(action="ratings.target_updated", actor=admin).exists()
