#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adal.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(sys.argv)
    except DatabaseError as e:
        if not _unmigrated(e):
            raise
        from django.conf import settings

        name = settings.DATABASES["default"]["NAME"]
        sys.exit(
            f"error: the database {name} has no tables yet. For the demo's database run "
            f"`./dev manage {' '.join(sys.argv[1:])}` (after `./dev demo`); "
            f"for this one run `manage.py migrate` first."
        )


def _unmigrated(error) -> bool:
    text = str(error)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


if __name__ == "__main__":
    main()
