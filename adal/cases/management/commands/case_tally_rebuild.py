from django.core.management.base import BaseCommand

from adal.cases.models import State
from adal.cases.tally import tally_differences, tally_rebuild


class Command(BaseCommand):
    help = (
        "Count the cases again and replace the case tally (the queue's counts) with the count; "
        "--check only compares them and exits with 1 where they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare, change nothing")

    def handle(self, *args, check, **options):
        if not check:
            rows = tally_rebuild()
            self.stdout.write(f"case tally rebuilt: {rows} rows")
            return
        differences = tally_differences()
        for (unit, state, category, region, high_risk, due_day), (stored, counted) in sorted(
            differences.items()
        ):
            self.stdout.write(
                f"unit {unit or '-'} {State(state).label if state in State.values else state} {category} "
                f"region {region} high risk {high_risk} due {due_day or '-'}: "
                f"tally {stored}, cases {counted}"
            )
        if differences:
            self.stderr.write(f"the case tally differs from the cases in {len(differences)} rows")
            raise SystemExit(1)
        self.stdout.write("the case tally agrees with the cases")
