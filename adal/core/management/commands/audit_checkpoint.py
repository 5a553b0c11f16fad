from django.core.management.base import BaseCommand, CommandError

from adal.core.audit import AuditChainBroken, audit_checkpoint, checkpoint_file
from adal.core.permissions import command_actor


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of the audit chain's head to the checkpoint file, after verifying the "
        "entries since the last one. The worker does this every few minutes."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = audit_checkpoint(by=command_actor("audit_checkpoint"))
        except AuditChainBroken as e:
            raise CommandError(f"no checkpoint written: {e}") from e
        self.stdout.write(
            f"checkpoint at entry #{checkpoint.seq} ({checkpoint.at}, key {checkpoint.key}) "
            f"in {checkpoint_file()}"
        )
