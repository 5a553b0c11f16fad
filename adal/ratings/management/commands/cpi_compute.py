"""Recompute a CPI from source scores: `manage.py cpi_compute FILE [--year Y] [--z Z] [--fpc N|none]`."""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from adal.ratings.importers import problem_error
from adal.stats.composite import FIRST_YEAR, FPC_POPULATION, MethodParams, composite_scores, cpi_method
from adal.stats.tables import TableError, read_wide_table, stated_year

HEADER = ["iso3", "country", "score", "se", "ci_low", "ci_high", "rank", "sources"]


def fpc(text: str) -> int | None:
    if text.strip().casefold() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise CommandError(
            _("--fpc takes a number of sources or “none”, not “%(value)s”.") % {"value": text}
        ) from None


class Command(BaseCommand):
    help = (
        "Recompute the CPI of a wide table of rescaled source scores (CSV, |- or ;-separated, or XLSX: "
        "a country column, an ISO3 column, one column per source) and print every country with at least "
        "3 sources as CSV: iso3,country,score,se,ci_low,ci_high,rank,sources."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--year", type=int, help="the CPI year whose method to use (default: the table's)"
        )
        parser.add_argument("--z", type=float, help="the z of the 90%% interval, overriding the year's")
        parser.add_argument("--fpc", help="sources in the finite-population correction, or 'none'")

    def handle(self, *args, file, year, z, fpc, **options):
        try:
            table = read_wide_table(file)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        except TableError as error:
            raise CommandError("\n".join(str(problem_error(p)) for p in error.problems)) from None
        params = self.method(year or stated_year(table.metadata), z, fpc)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(HEADER)
        for c in composite_scores(table.source_rows(), params):
            writer.writerow(
                [c.iso3, c.country, c.score, repr(c.se), repr(c.ci_low), repr(c.ci_high), c.rank, c.sources]
            )

    def method(self, year: int | None, z: float | None, fpc_text: str | None) -> MethodParams:
        if year is None and (z is None or fpc_text is None):
            raise CommandError(_("The table does not state its year: give --year, or both --z and --fpc."))
        if year is not None and year < FIRST_YEAR:
            raise CommandError(_("The TI CPI method applies from %(year)s on.") % {"year": FIRST_YEAR})
        base = cpi_method(year) if year is not None else MethodParams(fpc_population=FPC_POPULATION)
        try:
            return MethodParams(
                z=base.z if z is None else z,
                fpc_population=base.fpc_population if fpc_text is None else fpc(fpc_text),
                min_sources=base.min_sources,
            )
        except ValueError:
            raise CommandError(_("--z must be positive and --fpc at least 2.")) from None
