"""Estimate a mean or a proportion, with its design-based standard error, from a microdata file.

    manage.py survey_estimate FILE --var Y [--weight W] [--strata S] [--psu P] [--domain D] [--proportion]

FILE is CSV, XLSX or SPSS .sav (told apart by content). The output is CSV on standard output:
``domain,estimate,se,ci_low,ci_high,n,deff`` with a 95% confidence interval (logit for a proportion),
one row per domain, or one row ``all`` without ``--domain``. Numbers are printed in full precision.
A blank Y is item non-response: that respondent does not count for the estimate.
"""

import csv
import sys

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from adal.stats import estimation as est
from adal.survey.readers import TableError, read_columns
from adal.survey.validation import parse_labels, parse_numbers

HEADER = ["domain", "estimate", "se", "ci_low", "ci_high", "n", "deff"]
SHOWN_BAD_ROWS = 10
_BLANK, _BAD = 1, 2


def _bad_rows(rows: np.ndarray, mask: np.ndarray, values: np.ndarray) -> str:
    where = np.flatnonzero(mask)[:SHOWN_BAD_ROWS]
    listed = ", ".join(f"{rows[i]} (“{values[i]}”)" for i in where.tolist())
    more = int(mask.sum()) - where.size
    return listed + (_(" and %(n)s more") % {"n": more} if more > 0 else "")


class Command(BaseCommand):
    help = "Estimate a mean or proportion with Taylor-linearised SEs from a CSV, XLSX or SPSS file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV, XLSX or SPSS .sav file, one row per respondent")
        parser.add_argument("--var", required=True, help="the column to estimate")
        parser.add_argument("--weight", help="the weight column (default: every respondent weighs 1)")
        parser.add_argument("--strata", help="the stratum column")
        parser.add_argument("--psu", help="the primary sampling unit column")
        parser.add_argument("--domain", help="estimate for each value of this column")
        parser.add_argument("--proportion", action="store_true", help="Y is 0/1: a proportion, logit CI")

    def handle(self, *args, file, var, weight, strata, psu, domain, proportion, **options):
        names = {"var": var, "weight": weight, "strata": strata, "psu": psu, "domain": domain}
        wanted = [n.strip().lower() for n in names.values() if n]
        try:
            columns, rows = read_columns(file, list(dict.fromkeys(wanted)))
        except TableError as e:
            raise CommandError(self._table_error(e)) from e
        except FileNotFoundError as e:
            raise CommandError(_("No such file: %(file)s") % {"file": file}) from e
        column = {k: columns[v.strip().lower()] for k, v in names.items() if v}
        y = self._y(column["var"], rows, var, proportion)
        design = est.Design(
            weights=self._weights(column["weight"], rows, weight) if weight else np.ones(rows.size),
            strata=self._labels(column["strata"], rows, strata) if strata else None,
            psu=self._labels(column["psu"], rows, psu) if psu else None,
        )
        statistic = "proportion" if proportion else "mean"
        if domain:
            found = est.by_domain(statistic, y, design, self._labels(column["domain"], rows, domain))
            results = [(label, found[label]) for label in sorted(found, key=_natural)]
        else:
            results = [("all", (est.proportion if proportion else est.mean)(y, design))]
        writer = csv.writer(self.stdout if self.stdout else sys.stdout, lineterminator="\n")
        writer.writerow(HEADER)
        for label, e in results:
            writer.writerow(
                [
                    label,
                    repr(float(e.estimate)),
                    repr(float(e.se)),
                    repr(float(e.ci_low)),
                    repr(float(e.ci_high)),
                    int(e.n),
                    repr(float(e.deff)),
                ]
            )

    @staticmethod
    def _table_error(e: TableError) -> str:
        if e.code == "missing_columns":
            return _("The file has no column %(columns)s.") % {"columns": ", ".join(e.params["columns"])}
        return _("The file cannot be read: %(reason)s") % {"reason": str(e)}

    @staticmethod
    def _y(values: np.ndarray, rows: np.ndarray, name: str, proportion: bool) -> np.ndarray:
        y, status = parse_numbers(values)
        if (status == _BAD).any():
            raise CommandError(
                _("%(column)s is not a number in rows %(rows)s.")
                % {"column": name, "rows": _bad_rows(rows, status == _BAD, values)}
            )
        y[status == _BLANK] = np.nan
        if proportion:
            wrong = ~np.isnan(y) & ~np.isin(y, (0.0, 1.0))
            if wrong.any():
                raise CommandError(
                    _("For a proportion, %(column)s must be 0 or 1; it is not in rows %(rows)s.")
                    % {"column": name, "rows": _bad_rows(rows, wrong, values)}
                )
        if np.isnan(y).all():
            raise CommandError(_("%(column)s has no values.") % {"column": name})
        return y

    @staticmethod
    def _weights(values: np.ndarray, rows: np.ndarray, name: str) -> np.ndarray:
        w, status = parse_numbers(values)
        wrong = (status != 0) | ~np.isfinite(w) | (w <= 0)
        if wrong.any():
            raise CommandError(
                _("The weight %(column)s must be a positive number; it is not in rows %(rows)s.")
                % {"column": name, "rows": _bad_rows(rows, wrong, values)}
            )
        return w

    @staticmethod
    def _labels(values: np.ndarray, rows: np.ndarray, name: str) -> np.ndarray:
        labels = parse_labels(values)
        blank = labels == ""
        if blank.any():
            raise CommandError(
                _("%(column)s is blank in rows %(rows)s.")
                % {"column": name, "rows": _bad_rows(rows, blank, labels)}
            )
        return labels.astype(str)


def _natural(label: str):
    """Numbers in numeric order, then text."""
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label)
