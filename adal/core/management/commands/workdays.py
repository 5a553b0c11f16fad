import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from adal.core.workdays import calendar


class Command(BaseCommand):
    help = (
        "Print the date N working days after DATE on the country's calendar (ADAL_COUNTRY) with its "
        "exceptions."
    )

    def add_arguments(self, parser):
        parser.add_argument("date", help="start date, YYYY-MM-DD (counting starts the working day after)")
        parser.add_argument("days", type=int, help="number of working days")

    def handle(self, *args, date, days, **options):
        try:
            start = dt.date.fromisoformat(date)
        except ValueError as e:
            raise CommandError(f"not a date in the form YYYY-MM-DD: {date!r}") from e
        if days < 0:
            raise CommandError("the number of working days cannot be negative")
        self.stdout.write(calendar().add_working_days(start, days).isoformat())
