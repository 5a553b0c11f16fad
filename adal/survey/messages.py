"""What went wrong with a file or a weighting, in the reader's language.

Imports and weightings run in a worker, with no reader and so no language; they store a code and its
facts, and these functions put them into words when a page shows them."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adal.core.models import Territory
from adal.survey.models import Settlement, Sex

PROBLEMS = {
    "missing": gettext_lazy("a required answer is blank"),
    "not_a_number": gettext_lazy("not a whole number"),
    "unknown_code": gettext_lazy("not one of this question's answer codes"),
    "out_of_range": gettext_lazy("outside the allowed range"),
    "unknown_region": gettext_lazy("not the KATO code of a region on the map of the fieldwork dates"),
    "bad_weight": gettext_lazy("a weight must be a positive number"),
    "bad_probability": gettext_lazy("a probability of selection must be above 0 and at most 1"),
}


def problem_text(problem: dict) -> str:
    """One bad cell (or row) as a sentence, e.g. "column q3: “7” — outside the allowed range"."""
    if problem["code"] == "ragged":
        return _("the row has %(cells)s cells, but the header has a different number") % {
            "cells": problem["value"]
        }
    reason = PROBLEMS.get(problem["code"], problem["code"])
    return _("column %(column)s: “%(value)s” — %(reason)s") % {
        "column": problem["column"],
        "value": problem["value"],
        "reason": reason,
    }


def failure_text(failure: dict) -> str:
    """Why a whole file was refused before any row could count."""
    code, params = failure.get("code", ""), failure.get("params", {})
    texts = {
        "encoding": _("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”."),
        "csv": _("The file is not valid CSV near row %(row)s.") % {"row": params.get("row", "?")},
        "unreadable": _("The file could not be opened as the format its contents say it is."),
        "empty": _("The file has no header row."),
        "no_rows": _("The file has a header but no respondents."),
        "duplicate_column": _("Column “%(column)s” appears twice.") % {"column": params.get("column", "")},
        "missing_columns": _("Required columns are missing: %(columns)s.")
        % {"columns": ", ".join(params.get("columns", []))},
        "wave_published": _("The wave was published while the file was being read; unpublish it first."),
        "internal": _("The import stopped on an unexpected error; nothing was imported. Try again."),
    }
    return texts.get(code, code)


def _region_name(kato) -> str:
    territory = Territory.objects.filter(kato=f"{int(kato):09d}").first()
    return territory.name if territory else str(kato)


def _age_group(bounds: list[int], index: int) -> str:
    if index + 1 < len(bounds):
        return f"{bounds[index]}–{bounds[index + 1] - 1}"
    return f"{bounds[index]}+"


def _cell(p: dict, age_bounds: list[int]) -> str:
    return _("%(region)s, %(sex)s, aged %(ages)s") % {
        "region": _region_name(p["region"]),
        "sex": Sex(p["sex"]).label if p["sex"] in Sex.values else p["sex"],
        "ages": _age_group(age_bounds, p["age_group"]),
    }


def weighting_failure_text(failure: dict, age_bounds: list[int]) -> str:
    code, p = failure.get("code", ""), failure.get("params", {})
    if code == "bounds_unreachable":
        cell = _cell(p, age_bounds) if "region" in p else Settlement(p["settlement"]).label
        return _(
            "The trimming bounds are too tight: the respondents in %(cell)s need weights averaging %(ratio)s "
            "times the mean weight to reach their census total. Widen the bounds."
        ) % {"cell": cell, "ratio": number_format(round(p["ratio"], 2), 2)}
    if code in ("cell_without_total", "cell_without_respondents"):
        cell = _cell(p, age_bounds)
        if code == "cell_without_total":
            text = _("Respondents in %(cell)s have no population total in the census margins.")
        else:
            text = _("The census cell %(cell)s has no respondents, so raking cannot reach its total.")
        more = _(" (%(count)s such cells in all; collapse or merge them.)") % {"count": p["count"]}
        return (text % {"cell": cell}) + (more if p["count"] > 1 else "")
    texts = {
        "age_below_groups": _("A respondent aged %(age)s is younger than the first age group of the margins.")
        % {"age": p.get("age")},
        "settlement_mismatch": _("The urban/rural margin and the respondents differ on “%(settlement)s”.")
        % {
            "settlement": Settlement(p["settlement"]).label
            if p.get("settlement") in Settlement.values
            else "?"
        },
        "inconsistent_margins": _("The census margins disagree with each other: %(totals)s.")
        % {"totals": ", ".join(f"{k}: {number_format(v, 0)}" for k, v in p.get("totals", {}).items())},
        "no_microdata": _("The wave has no microdata yet."),
        "weighting_refused": _("The weights could not be computed: %(reason)s")
        % {"reason": p.get("reason", "")},
    }
    return texts.get(code, code)
