"""The tile map reads on a phone, where it is drawn at about half its size: each tile is labelled with
its region's name of the period, short and in the page's language, large enough to read."""

import re

from django.urls import reverse
from django.utils import translation

from adal.portal.charts import LABEL_SIZE, tile_labels

H2_2019 = {"from": "2019-07-01", "to": "2019-12-31"}


def lines(names: dict, lang: str) -> dict:
    with translation.override(lang):
        return {kato: [line.text for line in label] for kato, label in tile_labels(names).items()}


def test_a_label_drops_the_word_every_tile_repeats_and_cuts_long_words_as_abbreviations_are_cut():
    names = {
        "150000000": "Актюбинская область",
        "270000000": "Западно-Казахстанская область",
        "350000000": "Карагандинская область",
        "100000000": "область Абай",
        "790000000": "город Шымкент",
    }
    assert lines(names, "ru") == {
        "150000000": ["Актюб."],
        "270000000": ["Зап.-", "Каз."],
        "350000000": ["Караг."],
        "100000000": ["Абай"],
        "790000000": ["Шымкент"],
    }
    names = {"270000000": "Батыс Қазақстан облысы", "350000000": "Қарағанды облысы"}
    assert lines(names, "kk") == {"270000000": ["Батыс", "Қаз."], "350000000": ["Қарағ."]}
    names = {"270000000": "West Kazakhstan Region", "590000000": "North Kazakhstan Region"}
    assert lines(names, "en") == {"270000000": ["West", "Kaz."], "590000000": ["North", "Kaz."]}


def test_a_region_that_would_read_as_a_city_is_marked_as_a_region():
    names = {"190000000": "Алматинская область", "750000000": "город Алматы"}
    assert lines(names, "ru") == {"190000000": ["Алмат.", "обл."], "750000000": ["Алматы"]}
    names = {"190000000": "Алматы облысы", "750000000": "Алматы қаласы"}
    assert lines(names, "kk") == {"190000000": ["Алматы", "обл."], "750000000": ["Алматы"]}
    names = {"190000000": "Almaty Region", "750000000": "Almaty"}
    assert lines(names, "en") == {"190000000": ["Almaty", "reg."], "750000000": ["Almaty"]}
    # Without the city on the map there is nothing to tell apart.
    assert lines({"190000000": "Almaty Region"}, "en") == {"190000000": ["Almaty"]}


def test_a_label_too_wide_for_its_tile_is_drawn_narrower():
    label = tile_labels({"790000000": "город Шымкент", "550000000": "Павлодарская область"})
    assert [(line.text, line.squeeze) for line in label["790000000"]] == [("Шымкент", True)]
    assert [(line.text, line.squeeze) for line in label["550000000"]] == [("Павл.", False)]


def test_the_map_of_2019_labels_the_capital_nur_sultan_in_the_pages_language(client, db):
    for lang, first, second in [("ru", "Нур-", "Султан"), ("kk", "Нұр-", "Сұлтан"), ("en", "Nur-", "Sultan")]:
        html = client.get(reverse("portal:dashboard"), H2_2019, headers={"accept-language": lang})
        period_map = html.content.decode().split('data-testid="region-map"')[1].split("</svg>")[0]
        capital = period_map.split("translate(352 88)")[1].split("</g>")[0]
        labels = re.findall(r'<text class="tile-name" [^>]*font-size="(\d+)"[^>]*>([^<]*)</text>', capital)
        assert labels == [(str(LABEL_SIZE), first), (str(LABEL_SIZE), second)]
