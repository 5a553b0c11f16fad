"""What a browser asks of every site besides its pages: an icon, and Adal's own API docs and admin."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from adal.core.models import Role
from adal.core.permissions import SYSTEM
from adal.core.services import staff_create
from tests.conftest import PASSWORD


def test_favicon_ico_leads_to_the_icon_that_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("adal/favicon.ico")
    path = finders.find("adal/favicon.ico")
    assert path and Path(path).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_every_page_names_its_icons(client):
    page = client.get("/").content.decode()
    for asset in ("adal/favicon.ico", "adal/icon.svg", "adal/apple-touch-icon.png"):
        assert asset in page
        assert finders.find(asset)


def test_the_api_docs_load_swagger_ui_from_adals_own_static_files(client):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui-init.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert finders.find("ninja/swagger-ui-bundle.js")


@pytest.mark.django_db
def test_the_admin_names_adal_in_the_readers_language(client, units):
    root = staff_create(
        username="root", password=PASSWORD, role=Role.ADMINISTRATOR, unit=None, is_superuser=True, by=SYSTEM
    )
    client.force_login(root)
    page = client.get("/admin/", headers={"accept-language": "kk"}).content.decode()
    assert "Adal әкімшілігі" in page
    assert "Django" not in page
