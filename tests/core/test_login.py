import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from adal.core.models import AuditEvent, Role, User
from adal.core.services import LoginRefused, staff_login_check
from tests.conftest import PASSWORD, make_staff, totp_now

ADDRESS = "192.0.2.10"


def post_login(client, username, password=PASSWORD, code=""):
    return client.post(reverse("core:login"), {"username": username, "password": password, "code": code})


def test_an_operator_signs_in_with_password_and_code(client, operator):
    user, secret = operator
    response = post_login(client, "operator", code=totp_now(secret))
    assert response.status_code == 302
    assert client.get(reverse("core:staff_home")).status_code == 200
    assert AuditEvent.objects.filter(action="staff.login", actor=user).exists()


def test_a_role_that_reads_reports_needs_the_second_factor(client, operator):
    response = post_login(client, "operator", code="")
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


def test_an_analyst_may_sign_in_without_a_code(client, analyst):
    assert post_login(client, "analyst").status_code == 302


def test_a_used_code_cannot_be_replayed(db, operator):
    _user, secret = operator
    code = totp_now(secret)
    staff_login_check(address=ADDRESS, username="operator", password=PASSWORD, totp_code=code)
    with pytest.raises(LoginRefused):
        staff_login_check(address=ADDRESS, username="operator", password=PASSWORD, totp_code=code)


def test_repeated_failures_lock_the_account(client, operator, settings):
    user, secret = operator
    for _ in range(settings.ADAL_LOGIN_MAX_FAILURES):
        assert post_login(client, "operator", password="wrong password").status_code == 401
    user.refresh_from_db()
    assert user.is_locked()
    # Even the right password and code are refused while it is locked.
    response = post_login(client, "operator", code=totp_now(secret))
    assert response.status_code == 401
    assert AuditEvent.objects.filter(action="staff.login_locked", actor=user).exists()


def test_the_lock_expires(db, operator, settings):
    user, secret = operator
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timezone.timedelta(seconds=1))
    assert (
        staff_login_check(address=ADDRESS, username="operator", password=PASSWORD, totp_code=totp_now(secret))
        == user
    )


def test_a_wrong_code_counts_as_a_failure(db, operator):
    user, secret = operator
    wrong = f"{(int(totp_now(secret)) + 1) % 1000000:06d}"
    with pytest.raises(LoginRefused):
        staff_login_check(address=ADDRESS, username="operator", password=PASSWORD, totp_code=wrong)
    user.refresh_from_db()
    assert user.failed_logins == 1


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(db, operator):
    with pytest.raises(LoginRefused) as unknown:
        staff_login_check(address=ADDRESS, username="nobody", password=PASSWORD)
    with pytest.raises(LoginRefused) as wrong:
        staff_login_check(address=ADDRESS, username="operator", password="wrong password")
    assert str(unknown.value) == str(wrong.value)


def test_passwords_are_hashed_with_argon2(production_hashers, operator):
    """At Django's cost, as production hashes them (the test run itself hashes with MD5, for speed)."""
    from django.contrib.auth.hashers import Argon2PasswordHasher as A

    user, _ = operator
    assert production_hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    cost = f"m={A.memory_cost},t={A.time_cost},p={A.parallelism}"
    assert user.password.startswith(f"argon2$argon2id$v=19${cost}$")
    assert user.check_password(PASSWORD) and not user.check_password("wrong password")


def test_the_totp_secret_is_encrypted_at_rest(db, operator):
    from django.db import connection

    user, secret = operator
    with connection.cursor() as c:
        c.execute("SELECT totp_secret FROM core_user WHERE id = %s", [user.pk])
        raw = bytes(c.fetchone()[0])
    assert secret.encode() not in raw


def test_the_admin_login_goes_through_the_staff_door(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_an_unsafe_next_url_is_ignored(client, analyst):
    response = client.post(
        reverse("core:login") + "?next=https://evil.example/", {"username": "analyst", "password": PASSWORD}
    )
    assert response["Location"] == reverse("core:staff_home")


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.UNIT_HEAD, Role.ADMINISTRATOR, Role.AUDITOR])
def test_every_role_reading_case_content_requires_the_second_factor(units, role):
    user, _ = make_staff(f"user-{role}", role, units["centre"])
    assert user.requires_second_factor
    with pytest.raises(LoginRefused):
        staff_login_check(address=ADDRESS, username=user.username, password=PASSWORD)


def test_provisioning_uri_names_the_site(db, operator):
    from adal.core.services import totp_provisioning_uri

    user, secret = operator
    assert pyotp.parse_uri(totp_provisioning_uri(user)).secret == secret


# The throttle per address, before the lockout per account. Refusals are read in English.


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def post_from(client, address, username, password=PASSWORD, code="", **extra):
    return client.post(
        reverse("core:login"),
        {"username": username, "password": password, "code": code},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def refusal(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def test_an_address_that_keeps_failing_is_refused_before_any_account_is_locked(client, units, settings):
    staff = [make_staff(f"officer{i}", Role.ANALYST, units["centre"])[0] for i in range(4)]
    attacker = "203.0.113.7"
    # Spread over the accounts (and names that do not exist), so that no account reaches its own limit.
    names = [u.username for u in staff] * 2 + ["nobody", "root"]
    assert len(names) == settings.ADAL_LOGIN_ADDRESS_MAX_FAILURES
    for name in names:
        assert post_from(client, attacker, name, password="wrong password").status_code == 401
    # Now even a right password is refused from that address, and not looked at.
    response = post_from(client, attacker, staff[0].username)
    assert response.status_code == 401
    assert "network" in refusal(response)
    assert not any(User.objects.get(pk=u.pk).is_locked() for u in staff)
    assert max(User.objects.get(pk=u.pk).failed_logins for u in staff) < settings.ADAL_LOGIN_MAX_FAILURES
    assert AuditEvent.objects.filter(action="staff.login_address_refused").count() == 1
    # The accounts themselves still work from elsewhere.
    assert post_from(client, "198.51.100.1", staff[0].username).status_code == 302


def test_a_success_from_the_address_does_not_forgive_its_failures(db, analyst, settings):
    settings.ADAL_LOGIN_ADDRESS_MAX_FAILURES = 3
    for _ in range(2):
        with pytest.raises(LoginRefused):
            staff_login_check(address=ADDRESS, username="nobody", password=PASSWORD)
    staff_login_check(address=ADDRESS, username="analyst", password=PASSWORD)
    with pytest.raises(LoginRefused):
        staff_login_check(address=ADDRESS, username="nobody", password=PASSWORD)
    with pytest.raises(LoginRefused, match="network"):
        staff_login_check(address=ADDRESS, username="analyst", password=PASSWORD)


def test_the_address_may_try_again_when_its_window_has_passed(db, analyst, settings):
    from adal.core.models import LoginThrottle

    settings.ADAL_LOGIN_ADDRESS_MAX_FAILURES = 1
    with pytest.raises(LoginRefused):
        staff_login_check(address=ADDRESS, username="nobody", password=PASSWORD)
    with pytest.raises(LoginRefused, match="network"):
        staff_login_check(address=ADDRESS, username="analyst", password=PASSWORD)
    LoginThrottle.objects.update(window_ends=timezone.now() - timezone.timedelta(seconds=1))
    assert staff_login_check(address=ADDRESS, username="analyst", password=PASSWORD)


def test_one_ipv6_network_counts_as_one_address(db, analyst, settings):
    settings.ADAL_LOGIN_ADDRESS_MAX_FAILURES = 2
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9"):
        with pytest.raises(LoginRefused):
            staff_login_check(address=address, username="nobody", password=PASSWORD)
    with pytest.raises(LoginRefused, match="network"):
        staff_login_check(address="2001:db8:1:2::abcd", username="analyst", password=PASSWORD)
    assert staff_login_check(address="2001:db8:1:3::1", username="analyst", password=PASSWORD)


def test_addresses_are_kept_only_as_an_hmac(db, analyst):
    from adal.core.models import LoginThrottle

    with pytest.raises(LoginRefused):
        staff_login_check(address="203.0.113.77", username="analyst", password="wrong password")
    (row,) = LoginThrottle.objects.all()
    assert "203.0.113.77" not in row.key
    assert row.failures == 1
    assert not AuditEvent.objects.filter(data__icontains="203.0.113.77").exists()


def test_a_locked_account_answers_like_an_unknown_username(client, operator, settings):
    user, secret = operator
    for i in range(settings.ADAL_LOGIN_MAX_FAILURES):
        post_from(client, f"198.51.100.{i + 1}", "operator", password="wrong password")
    user.refresh_from_db()
    assert user.is_locked()
    locked = post_from(client, "192.0.2.50", "operator", code=totp_now(secret))
    unknown = post_from(client, "192.0.2.51", "nobody")
    wrong = post_from(client, "192.0.2.52", "nobody", password="wrong password")
    assert locked.status_code == unknown.status_code == wrong.status_code == 401
    assert refusal(locked) == refusal(unknown) == refusal(wrong)
    assert "minute" not in refusal(locked)  # no countdown that only a locked account would get


def test_a_locked_account_spends_a_password_hash_like_an_unknown_username(db, operator, monkeypatch):
    # Timing must not tell a locked account from a name that does not exist: both hash the password once.
    from adal.core import services

    user, _ = operator
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=5))
    hashes = []
    real_make, real_check = services.make_password, User.check_password
    monkeypatch.setattr(
        services, "make_password", lambda *a, **k: hashes.append("make") or real_make(*a, **k)
    )
    monkeypatch.setattr(User, "check_password", lambda *a, **k: hashes.append("check") or real_check(*a, **k))
    with pytest.raises(LoginRefused):
        staff_login_check(address=ADDRESS, username="nobody", password=PASSWORD)
    with pytest.raises(LoginRefused):
        staff_login_check(address=ADDRESS, username="operator", password=PASSWORD)
    assert hashes == ["make", "check"]


def test_the_lockout_still_works_from_many_addresses(db, operator, settings):
    user, secret = operator
    for i in range(settings.ADAL_LOGIN_MAX_FAILURES):
        with pytest.raises(LoginRefused):
            staff_login_check(address=f"198.51.100.{i + 1}", username="operator", password="wrong password")
    user.refresh_from_db()
    assert user.is_locked()
    with pytest.raises(LoginRefused):
        staff_login_check(
            address="192.0.2.99", username="operator", password=PASSWORD, totp_code=totp_now(secret)
        )


def test_the_client_address_is_remote_addr_unless_a_proxy_is_configured(rf, settings):
    from adal.core.addresses import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.ADAL_TRUSTED_PROXIES = 0
    assert client_address(request) == "10.0.0.2"  # the header is the client's word
    settings.ADAL_TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.9"  # what our proxy saw, not what the client wrote
    settings.ADAL_TRUSTED_PROXIES = 3
    assert client_address(request) == "10.0.0.2"  # not through the proxies: the socket's address
