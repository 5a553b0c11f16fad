import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from adal.cases.retention import retention_forecast, retention_purge
from adal.core.permissions import command_actor


class Command(BaseCommand):
    help = (
        "Purge the content of ended cases past their policy's retention period (the worker does it daily); "
        "--dry-run only counts, by policy, the cases due and those kept by a legal hold."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, purge nothing")
        parser.add_argument(
            "--at",
            help="as on this moment (ISO 8601), e.g. to see what a later run will purge; dry runs only",
        )

    def handle(self, *args, dry_run, at, **options):
        if at and not dry_run:
            raise CommandError("--at is for dry runs: content is purged on its day, neither before nor after")
        now = self._moment(at)
        if dry_run:
            for code, counts in retention_forecast(now).items():
                self.stdout.write(f"{code}: due: {counts['due']}, held: {counts['held']}")
            return
        result = retention_purge(by=command_actor("retention_purge"), now=now)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.items()))

    def _moment(self, at: str | None) -> dt.datetime:
        if not at:
            return timezone.now()
        try:
            moment = dt.datetime.fromisoformat(at)
        except ValueError as e:
            raise CommandError(f"--at is not an ISO 8601 moment: {at}") from e
        return moment if moment.tzinfo else timezone.make_aware(moment)
