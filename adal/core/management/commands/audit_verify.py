from django.core.management.base import BaseCommand, CommandError

from adal.core.audit import audit_verify, checkpoint_file


class Command(BaseCommand):
    help = (
        "Verify the audit chain: every entry's seal with the key that made it, and the chain against every "
        "signed checkpoint in the checkpoint file. Reports the first broken link and every bad checkpoint."
    )

    def handle(self, *args, **options):
        report = audit_verify()
        for problem in report.checkpoint_problems:
            self.stderr.write(problem)
        if report.broken_at is not None:
            raise CommandError(
                f"audit chain broken at entry #{report.broken_at}: {report.reason} "
                f"({report.checked} entries verified before it)"
            )
        if report.checkpoint_problems:
            raise CommandError(f"the checkpoint file {checkpoint_file()} was tampered with (see above)")
        self.stdout.write(
            f"audit chain intact: {report.checked} entries verified, "
            f"{report.checkpoints} checkpoint(s) matched ({checkpoint_file()})"
        )
        if not report.checkpoints:
            self.stdout.write(
                "no checkpoint yet: until the worker writes one, a chain cut short at its end goes unseen"
            )
