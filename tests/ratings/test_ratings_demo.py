from adal.core.models import AuditEvent
from adal.ratings.models import Country, IndexValue, RatingImport, SourceScore, Target
from tests.ratings.conftest import D


def test_the_demo_loads_kazakhstans_history_and_every_country(demo):
    kaz = IndexValue.objects.filter(index__code="cpi", country__iso3="KAZ").order_by("year")
    assert [(v.year, int(v.score)) for v in kaz] == [
        (2012, 28), (2013, 26), (2014, 29), (2015, 28), (2016, 29), (2017, 31),
        (2018, 31), (2019, 34), (2020, 38), (2021, 37), (2022, 36), (2023, 39),
    ]  # fmt: skip
    assert IndexValue.objects.filter(index__code="cpi", year=2023).count() == 180
    assert SourceScore.objects.filter(value__country__iso3="KAZ").count() == 9
    gci = IndexValue.objects.get(index__code="wef-gci")
    assert (gci.country.iso3, gci.year, gci.score, gci.rank, gci.countries) == (
        "KAZ",
        2019,
        D("62.9"),
        55,
        141,
    )
    assert "Global Competitiveness Report 2019" in gci.note
    target = Target.objects.get()
    assert (target.index.code, target.country.iso3, target.kind, target.value, target.by_year) == (
        "cpi", "KAZ", "rank", 50, 2025,
    )  # fmt: skip


def test_the_demo_goes_through_the_audited_imports(demo):
    assert RatingImport.objects.filter(status=RatingImport.Status.COMMITTED).count() == 4
    assert AuditEvent.objects.filter(action="ratings.import_committed").count() == 4
    assert AuditEvent.objects.filter(action="ratings.index_created").count() == 3


def test_countries_ship_with_the_code(db):
    assert Country.objects.count() == 250
    assert Country.objects.get(iso3="KAZ").name_kk == "Қазақстан"
    assert Country.objects.get(iso3="XKX").name_ru == "Косово"
