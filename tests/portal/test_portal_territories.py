"""The portal names regions as they were named in the period shown, and shows an older period's figures
"on today's map" on request."""

import datetime as dt

from django.urls import reverse

from adal.portal.figures import group_labels

H2_2019 = {"from": "2019-07-01", "to": "2019-12-31"}


def _svg(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</svg>")[0]


def test_the_map_of_2019_names_the_capital_nur_sultan(client, db):
    html = client.get(
        reverse("portal:dashboard"), H2_2019, headers={"accept-language": "en"}
    ).content.decode()
    period_map = _svg(html, "region-map")
    assert "<title>Nur-Sultan: " in period_map
    assert "Astana" not in period_map


def test_on_todays_map_abai_shows_the_figures_of_2019s_east_kazakhstan(client, db):
    html = client.get(
        reverse("portal:dashboard"), H2_2019, headers={"accept-language": "en"}
    ).content.decode()
    todays = _svg(html, "todays-map")
    assert todays.count('<rect width="84"') == 20
    assert "<title>Abai Region (East Kazakhstan Region): " in todays
    assert "<title>Astana (Nur-Sultan): " in todays
    assert "<title>Aktobe Region: " in todays  # unchanged since: no note


def test_a_period_on_todays_map_has_no_second_map(client, db):
    html = client.get(
        reverse("portal:dashboard"), {"from": "2025-01-01", "to": "2025-06-30"}
    ).content.decode()
    assert 'data-testid="todays-map"' not in html


def test_the_hotline_figures_name_regions_as_then(db):
    from django.utils import translation

    with translation.override("ru"):
        assert group_labels("region", ["710000000"], dt.date(2019, 7, 1)) == {"710000000": "город Нур-Султан"}
        assert group_labels("region", ["710000000"], dt.date(2025, 7, 1)) == {"710000000": "город Астана"}
