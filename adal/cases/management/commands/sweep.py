from django.core.management.base import BaseCommand
from django.utils import timezone

from adal.cases.sweep import deadlines_sweep
from adal.cases.tasks import schedule_sweep
from adal.core.permissions import command_actor


class Command(BaseCommand):
    help = "Run the deadline sweep now (reminders, escalations, closing); --schedule keeps it going."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="also queue the recurring sweep for the worker"
        )

    def handle(self, *args, schedule, **options):
        report = deadlines_sweep(now=timezone.now(), by=command_actor("sweep"))
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in report.items()))
        if schedule:
            schedule_sweep()
            self.stdout.write("the next sweep is queued for the worker")
