"""The survey's records are shown in the admin, read-only: they change only through the services."""

from django.urls import reverse

from adal.core.models import Role
from tests.conftest import make_staff


def test_the_admin_lists_the_survey_records_read_only(client, units, wave):
    admin = make_staff("root", Role.ADMINISTRATOR, units["centre"])[0]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    for model in ("instrument", "censusmargins", "wave", "microdataimport"):
        assert client.get(reverse(f"admin:survey_{model}_changelist")).status_code == 200
    page = client.get(reverse("admin:survey_wave_change", args=[wave.pk]))
    assert page.status_code == 200
    assert client.get(reverse("admin:survey_wave_add")).status_code == 403
    deleting = client.post(reverse("admin:survey_wave_delete", args=[wave.pk]), {"post": "yes"})
    assert deleting.status_code == 403
