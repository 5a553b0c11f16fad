"""Import a publisher's file: `manage.py ratings_import FILE --index CODE [--format ...] [--year Y]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from adal.core.permissions import command_actor
from adal.ratings.importers import ImportInvalid
from adal.ratings.models import Index, Method, RatingImport
from adal.ratings.services import import_file


class Command(BaseCommand):
    help = (
        "Import a ratings file whole, or report every bad row and import nothing. Formats: ti-results "
        "(TI's results and trends tables), ti-sources (TI's source-level tables), generic (iso3, year, "
        "score and optionally rank, countries, se, ci_low, ci_high, sources, note)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--index", required=True, help="the index's code, e.g. cpi")
        parser.add_argument(
            "--format",
            choices=RatingImport.Format.values,
            help="default: ti-results for the TI CPI, else generic",
        )
        parser.add_argument("--year", type=int, help="the year, where the file does not state it")

    def handle(self, *args, file, index, format, year, **options):
        found = Index.objects.filter(code=index).first()
        if found is None:
            raise CommandError(_("No index has the code %(code)s.") % {"code": index})
        fmt = format or (
            RatingImport.Format.TI_RESULTS if found.method == Method.TI_CPI else RatingImport.Format.GENERIC
        )
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        try:
            batch = import_file(
                index=found,
                fmt=fmt,
                file_name=Path(file).name,
                content=content,
                year=year,
                by=command_actor("ratings_import"),
            )
        except ImportInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing was imported: %(n)s errors.") % {"n": len(invalid.errors)}
            ) from None
        s = batch.summary
        self.stdout.write(
            _(
                "Imported %(values)s values for %(years)s: %(created)s new, %(updated)s changed, "
                "%(unchanged)s as they were."
            )
            % {**s, "years": ", ".join(map(str, s["years"]))}
        )
