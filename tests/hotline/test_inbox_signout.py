"""Signing out of the inbox ends the session at once, for every copy of the cookie."""

import os

import pytest
from django.test import Client
from django.urls import reverse

from adal.core.sealed import revoke, seal, unseal
from adal.hotline.views import INBOX_COOKIE
from tests.hotline.test_pages import receipt_from_slip, submit


@pytest.fixture(params=["database", "cache"])
def store(request, settings):
    if request.param == "cache" and not os.getenv("REDIS_URL"):
        pytest.skip("the Redis store is tested when REDIS_URL is set")
    settings.ADAL_SHARED_STATE = request.param
    return request.param


def test_a_copy_of_the_cookie_taken_before_sign_out_opens_nothing_after_it(client, db, store):
    submit(client)
    number, receipt = receipt_from_slip(client)
    assert client.post(reverse("hotline:inbox_login"), {"receipt": receipt}).status_code == 302
    stolen = Client()
    stolen.cookies[INBOX_COOKIE] = client.cookies[INBOX_COOKIE].value
    assert number in stolen.get(reverse("hotline:inbox")).content.decode()  # the copy works until then

    client.post(reverse("hotline:inbox_logout"))

    for c in (client, stolen):
        c.cookies[INBOX_COOKIE] = stolen.cookies[INBOX_COOKIE].value
        response = c.get(reverse("hotline:inbox"))
        assert response.status_code == 302 and response["Location"] == reverse("hotline:inbox_login")
        assert c.post(reverse("hotline:inbox"), {"body": "still here?"}).status_code == 302


def test_revoking_one_sealed_value_leaves_others_open(db, store):
    first = seal({"id": 1}, purpose="inbox", max_age=600)
    second = seal({"id": 1}, purpose="inbox", max_age=600)
    revoke(first, purpose="inbox")
    assert unseal(first, purpose="inbox") is None
    assert unseal(second, purpose="inbox") == {"id": 1}


def test_revoking_nonsense_is_harmless(db, store):
    revoke("not-a-sealed-value", purpose="inbox")
    revoke(None, purpose="inbox")
