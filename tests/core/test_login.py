import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from adal.core.models import AuditEvent, Role, User
from adal.core.services import LoginRefused, staff_login_check
from tests.conftest import PASSWORD, make_staff, totp_now


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
    staff_login_check(username="operator", password=PASSWORD, totp_code=code)
    with pytest.raises(LoginRefused):
        staff_login_check(username="operator", password=PASSWORD, totp_code=code)


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
    assert staff_login_check(username="operator", password=PASSWORD, totp_code=totp_now(secret)) == user


def test_a_wrong_code_counts_as_a_failure(db, operator):
    user, secret = operator
    wrong = f"{(int(totp_now(secret)) + 1) % 1000000:06d}"
    with pytest.raises(LoginRefused):
        staff_login_check(username="operator", password=PASSWORD, totp_code=wrong)
    user.refresh_from_db()
    assert user.failed_logins == 1


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(db, operator):
    with pytest.raises(LoginRefused) as unknown:
        staff_login_check(username="nobody", password=PASSWORD)
    with pytest.raises(LoginRefused) as wrong:
        staff_login_check(username="operator", password="wrong password")
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
        staff_login_check(username=user.username, password=PASSWORD)


def test_provisioning_uri_names_the_site(db, operator):
    from adal.core.services import totp_provisioning_uri

    user, secret = operator
    assert pyotp.parse_uri(totp_provisioning_uri(user)).secret == secret
