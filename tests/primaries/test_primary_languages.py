"""A primary's title and description are written in Russian, Kazakh and English, or in any one of them:
each page shows them in its own language, a text in another language only is marked with its ``lang``,
and the announcement form asks for a title in at least one language."""

import pytest
from django.urls import reverse

from adal.core.texts import Texts
from adal.councils.primaries.models import Primary
from adal.councils.primaries.services import PrimaryActionRefused
from tests.primaries.conftest import upcoming
from tests.primaries.test_primary_pages import moments

TITLE = Texts(ru="Праймериз в совет Актобе", kk="Ақтөбе кеңесіне праймериз", en="Aktobe council primary")
DESCRIPTION = Texts(
    ru="Выбираем двух кандидатов.", kk="Екі кандидатты таңдаймыз.", en="We choose two candidates."
)


def public_page(client, primary, language) -> str:
    url = reverse("primaries:primary", kwargs={"pk": primary.pk})
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_primary_page_reads_in_its_own_language(client, org, language):
    primary = upcoming(org["councils"]["aktobe"], title=TITLE)
    Primary.objects.filter(pk=primary.pk).update(**DESCRIPTION.columns("description"))
    html = public_page(client, primary, language)
    others = [lang for lang in ("ru", "kk", "en") if lang != language]
    for text in (TITLE, DESCRIPTION):
        assert getattr(text, language) in html
        assert not any(getattr(text, other) in html for other in others)
    listing = client.get(reverse("primaries:list"), headers={"accept-language": language}).content.decode()
    assert getattr(TITLE, language) in listing


def test_a_title_in_kazakh_only_is_shown_and_marked_on_an_english_page(client, org):
    primary = upcoming(org["councils"]["aktobe"], title=Texts(kk="Ақтөбе кеңесіне праймериз"))
    html = public_page(client, primary, "en")
    assert '<span lang="kk">Ақтөбе кеңесіне праймериз</span>' in html


def test_the_services_refuse_a_primary_with_no_title_in_any_language(org):
    with pytest.raises(PrimaryActionRefused, match="Give the primary a title"):
        upcoming(org["councils"]["aktobe"], title=Texts(ru=" ", kk="", en=""))
    assert not Primary.objects.exists()


def test_the_announcement_form_needs_a_title_in_one_language(client, org):
    client.force_login(org["secretary"])
    data = {"council": org["councils"]["aktobe"].pk, "seats": 2, **moments(3)}
    response = client.post(reverse("primaries:staff_create"), data, headers={"accept-language": "kk"})
    assert response.status_code == 400
    assert "Кем дегенде бір тілде толтырыңыз" in response.content.decode()
    assert not Primary.objects.exists()
    response = client.post(reverse("primaries:staff_create"), {**data, "title_kk": TITLE.kk})
    primary = Primary.objects.get()
    assert (primary.title_ru, primary.title_kk, primary.title_en) == ("", TITLE.kk, "")
