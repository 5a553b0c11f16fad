from django.core.management.base import BaseCommand

from adal.core.keyrotation import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value and stored file under the current key. Configure the new key "
        "first (ADAL_ENCRYPTION_KEYS with the new key first, or current_key in the secrets file), keep the "
        "old keys configured until this has finished, then remove them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction")

    def handle(self, *args, batch, **options):
        report = rotate_keys(batch=batch)
        for label, n in sorted(report.rows.items()):
            self.stdout.write(f"{label}: {n} rows re-encrypted")
        self.stdout.write(f"files: {report.files} re-encrypted")
        self.stdout.write("done: every value is now under the current key")
