import pytest
from django.utils import translation

from adal.cases.services import case_assign
from adal.core.models import Role, Territory
from adal.councils.services import council_create
from tests.cases.conftest import new_case, org  # noqa: F401  (fixtures shared with the cases' tests)
from tests.cases.test_transitions import accepted
from tests.conftest import make_staff
from tests.replay import replayed


@pytest.fixture(autouse=True)
def _in_english(settings):
    """Refusals are matched by their English text, whatever the catalogues say."""
    settings.LANGUAGE_CODE = "en"  # pages too: the default language when a request names none
    with translation.override("en"):
        yield


@pytest.fixture
def admin(org):  # noqa: F811
    return replayed("councils.admin", lambda: make_staff("admin", Role.ADMINISTRATOR, org["centre"])[0])


@pytest.fixture
def councils(org, admin):  # noqa: F811
    """Central council → Aktobe and Almaty councils; Alga's district council under Aktobe's. Each
    has its secretary; Aktobe's is the ``secretary`` of the cases' organisation."""
    return replayed("councils.councils", lambda: _build_councils(org, admin))


def _build_councils(org, admin) -> dict:  # noqa: F811
    def create(unit, slug, ru, kk, en, territory=None):
        return council_create(
            unit=org[unit], slug=slug, name_ru=ru, name_kk=kk, name_en=en, territory=territory, by=admin
        )

    centre = create("centre", "central", "Центральный совет", "Орталық кеңес", "Central council")
    aktobe = create("aktobe", "aktobe", "Совет Актобе", "Ақтөбе кеңесі", "Aktobe council")
    almaty = create("almaty", "almaty", "Совет Алматы", "Алматы кеңесі", "Almaty council")
    alga = create(
        "aktobe_district",
        "alga",
        "Совет Алгинского района",
        "Алға ауданының кеңесі",
        "Alga district council",
        territory=Territory.objects.get(kato="153200000"),
    )
    return {
        "centre": centre,
        "aktobe": aktobe,
        "almaty": almaty,
        "alga": alga,
        "admin": admin,
        "secretary": org["secretary"],
        "almaty_secretary": make_staff("almaty-secretary", Role.COUNCIL_SECRETARY, org["almaty"])[0],
        "alga_secretary": make_staff("alga-secretary", Role.COUNCIL_SECRETARY, org["aktobe_district"])[0],
    }


@pytest.fixture
def aktobe_case(org, new_case):  # noqa: F811
    """A case of Aktobe's unit, assigned to its officer."""

    def make(**overrides):
        case = accepted(org, new_case, **overrides)
        return case_assign(case=case, by=org["head"], officer=org["officer"])

    return make
