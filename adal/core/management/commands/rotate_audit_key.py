import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from adal.core.audit import audit_record
from adal.core.keygen import add_audit_key, new_key
from adal.core.permissions import command_actor


class Command(BaseCommand):
    help = (
        "Make a new audit key the one that seals new entries and checkpoints. The old keys stay configured: "
        "entries and checkpoints they sealed are verified with them, so never remove one."
    )

    def handle(self, *args, **options):
        if os.getenv("ADAL_AUDIT_KEYS"):
            key_id, key = new_key()
            self.stdout.write(
                "The audit keys come from the environment. Put this new key first in ADAL_AUDIT_KEYS, keep "
                f"the others after it, and restart the web server and the worker:\n{key_id}:{key}"
            )
            return
        key_id = add_audit_key(settings.ADAL_SECRETS_FILE)
        with transaction.atomic():
            # Sealed still by the old key: the log says when the new one was brought in, and by what.
            audit_record(
                action="audit.key_added", actor=command_actor("rotate_audit_key"), data={"key": key_id}
            )
        self.stdout.write(
            f"{key_id} is now the current audit key in {settings.ADAL_SECRETS_FILE}; restart the web "
            "server and the worker to seal with it. Keep the old keys: what they sealed is checked with them."
        )
