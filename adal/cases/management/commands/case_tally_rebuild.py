from django.core.management.base import BaseCommand

from adal.cases.tally import TABLES, tally_differences, tally_rebuild


class Command(BaseCommand):
    help = (
        "Count the cases again and replace the case tallies (the queue's counts and the public statistics' "
        "counts) with the count; --check only compares them and exits with 1 where they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare, change nothing")

    def handle(self, *args, check, **options):
        if not check:
            rows = tally_rebuild()
            self.stdout.write(f"case tallies rebuilt: {rows} rows")
            return
        differences = tally_differences()
        fields = {t.model.__name__: t.key_fields for t in TABLES}
        for (table, key), (stored, counted) in sorted(differences.items(), key=str):
            where = ", ".join(f"{f}={v}" for f, v in zip(fields[table], key, strict=True))
            self.stdout.write(f"{table} {where}: tally {stored}, cases {counted}")
        if differences:
            self.stderr.write(f"the case tallies differ from the cases in {len(differences)} rows")
            raise SystemExit(1)
        self.stdout.write("the case tallies agree with the cases")
