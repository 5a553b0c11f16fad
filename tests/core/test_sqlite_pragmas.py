import sqlite3

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")


def test_the_connection_overwrites_deleted_content(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1


def test_secure_delete_is_set_by_adal_whatever_the_build_defaults_to():
    # Debian builds SQLite with secure_delete on; others do not. A connection whose default is off
    # stands for such a build: Adal's own set-up of a connection must switch it on.
    raw = sqlite3.connect(":memory:")
    raw.execute("PRAGMA secure_delete=OFF")
    raw.executescript(settings.DATABASES["default"]["OPTIONS"]["init_command"])
    assert raw.execute("PRAGMA secure_delete").fetchone()[0] == 1
    raw.close()
