import pytest

DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "display-capture", "bluetooth", "serial"]


@pytest.mark.parametrize(
    "path",
    [
        "/",  # a page
        "/report/",  # the form
        "/no-such-page/",  # an error page
        "/api/openapi.json",  # the API
        "/static/adal/adal.css",  # a static file, served before the views
        "/admin/login/",
    ],
)
def test_every_response_denies_the_devices_a_hotline_never_uses(client, db, path):
    policy = client.get(path)["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    for feature in DENIED:
        assert features[feature] == "()", feature
