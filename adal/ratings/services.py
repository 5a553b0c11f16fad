"""Writes of the ratings: reference data (indices, countries, targets) and imports of publishers' files.

An import goes in two steps, each audited: staging checks the whole file and keeps it, unchanged, for
review; committing writes every figure of it in one transaction, or nothing. The management command and
the demo do both at once (`import_file`). The command and the demo act as the system actor.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.core import permissions
from adal.core.audit import audit_record
from adal.ratings.importers import (
    STORED_FIELDS,
    Figures,
    ImportInvalid,
    RowError,
    differs,
    parse_import,
    shipped_countries,
    shown,
)
from adal.ratings.models import Country, Index, IndexValue, RatingImport, SourceScore, Target


class RatingsRefused(permissions.Refused):
    pass


def may_manage_ratings(user) -> bool:
    """Analysts prepare the figures, administrators run the platform (``ratings.manage``)."""
    return permissions.may(user, "ratings.manage")


def _check_may_manage(by) -> None:
    if not may_manage_ratings(by):
        raise RatingsRefused(_("Only an analyst or an administrator may change the ratings."))


# ---------------------------------------------------------------- reference data


def countries_sync(*, using: str = "default") -> int:
    """Add the shipped countries the table lacks; names edited by an administrator are kept."""
    known = set(Country.objects.using(using).values_list("iso3", flat=True))
    missing = [
        Country(iso3=c["iso3"], name_en=c["name_en"], name_ru=c["name_ru"], name_kk=c["name_kk"])
        for c in shipped_countries()
        if c["iso3"] not in known
    ]
    Country.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _save_audited(obj, *, by, action: str, data: dict | None = None):
    """full_clean, save and audit in one transaction; the action is e.g. "ratings.index_saved"."""
    obj.full_clean()
    created = obj.pk is None
    with transaction.atomic():
        obj.save()
        audit_record(
            action=f"{action}_{'created' if created else 'updated'}", actor=by, target=obj, data=data or {}
        )
    return obj


def index_save(*, index: Index, by) -> Index:
    _check_may_manage(by)
    if index.first_year and index.last_year and index.first_year > index.last_year:
        raise ValidationError({"last_year": _("The last year cannot come before the first.")})
    return _save_audited(index, by=by, action="ratings.index", data={"code": index.code})


def country_save(*, country: Country, by) -> Country:
    _check_may_manage(by)
    return _save_audited(country, by=by, action="ratings.country", data={"iso3": country.iso3})


def target_save(*, target: Target, by) -> Target:
    _check_may_manage(by)
    if target.kind == Target.Kind.RANK_AT_MOST and (
        target.value is None or target.value != int(target.value)
    ):
        raise ValidationError({"value": _("A rank is a whole number.")})
    if target.kind == Target.Kind.RANK_AT_MOST and target.value < 1:
        raise ValidationError({"value": _("A rank starts at 1.")})
    index = target.index
    if target.kind == Target.Kind.SCORE_AT_LEAST and not index.scale_min <= target.value <= index.scale_max:
        raise ValidationError(
            {
                "value": _("The score must lie on the index's scale, %(min)s–%(max)s.")
                % {"min": shown(index.scale_min), "max": shown(index.scale_max)}
            }
        )
    data = {
        "index": index.code,
        "country": target.country.iso3,
        "kind": target.kind,
        "by_year": target.by_year,
    }
    return _save_audited(target, by=by, action="ratings.target", data={**data, "value": target.value})


def target_delete(*, target: Target, by) -> None:
    _check_may_manage(by)
    with transaction.atomic():
        audit_record(
            action="ratings.target_deleted",
            actor=by,
            target=target,
            data={"index": target.index.code, "country": target.country.iso3, "kind": target.kind},
        )
        target.delete()


# ---------------------------------------------------------------- imports


def import_stage(
    *, index: Index, fmt: str, file_name: str, content: bytes, year: int | None = None, by
) -> RatingImport:
    """Check the whole file and keep it for review; `ImportInvalid` with every fault, storing nothing."""
    _check_may_manage(by)
    figures = parse_import(index=index, fmt=fmt, content=content, year=year)
    with transaction.atomic():
        batch = RatingImport.objects.create(
            index=index,
            format=fmt,
            year=year,
            file_name=file_name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            created_by=permissions.person_of(by),
            summary=summary_of(index, figures),
        )
        audit_record(
            action="ratings.import_staged",
            actor=by,
            target=batch,
            data={"index": index.code, "format": fmt, "file": batch.file_name, "sha256": batch.sha256},
        )
    return batch


def import_commit(*, batch: RatingImport, by) -> RatingImport:
    """Write every figure of a staged import, or none: the file is checked again against the data as
    it is now, and two commits of one import cannot both go through."""
    _check_may_manage(by)
    figures = parse_import(index=batch.index, fmt=batch.format, content=bytes(batch.content), year=batch.year)
    try:
        with transaction.atomic():
            now = timezone.now()
            claimed = RatingImport.objects.filter(pk=batch.pk, status=RatingImport.Status.STAGED).update(
                status=RatingImport.Status.COMMITTED, committed_at=now
            )
            if not claimed:
                raise RatingsRefused(_("This import was committed or discarded already."))
            summary = summary_of(batch.index, figures)
            _write(batch, figures)
            RatingImport.objects.filter(pk=batch.pk).update(summary=summary)
            audit_record(
                action="ratings.import_committed",
                actor=by,
                target=batch,
                data={"index": batch.index.code, "format": batch.format, "sha256": batch.sha256, **summary},
            )
    except IntegrityError:
        raise ImportInvalid(
            [RowError(None, _("Another import changed these figures at the same time. Try again."))]
        ) from None
    batch.refresh_from_db()
    return batch


def import_discard(*, batch: RatingImport, by) -> RatingImport:
    _check_may_manage(by)
    with transaction.atomic():
        discarded = RatingImport.objects.filter(pk=batch.pk, status=RatingImport.Status.STAGED).update(
            status=RatingImport.Status.DISCARDED
        )
        if not discarded:
            raise RatingsRefused(_("This import was committed or discarded already."))
        audit_record(
            action="ratings.import_discarded", actor=by, target=batch, data={"index": batch.index.code}
        )
    batch.refresh_from_db()
    return batch


def import_file(
    *, index: Index, fmt: str, file_name: str, content: bytes, year: int | None = None, by
) -> RatingImport:
    """Stage and commit in one go (the command line, the demo): all or nothing."""
    with transaction.atomic():
        batch = import_stage(index=index, fmt=fmt, file_name=file_name, content=content, year=year, by=by)
        return import_commit(batch=batch, by=by)


def summary_of(index: Index, figures: list[Figures]) -> dict:
    """How many values the import adds, changes and leaves as they are, by year."""
    stored = _stored(index, figures)
    created = sum((f.country.pk, f.year) not in stored for f in figures)
    changed = sum(
        (f.country.pk, f.year) in stored and differs(f, stored[f.country.pk, f.year]) for f in figures
    )
    return {
        "values": len(figures),
        "created": created,
        "updated": changed,
        "unchanged": len(figures) - created - changed,
        "years": sorted({f.year for f in figures}),
        "countries": len({f.country.pk for f in figures}),
        "source_scores": sum(len(f.source_scores or ()) for f in figures),
    }


def _stored(index: Index, figures: list[Figures]) -> dict[tuple[int, int], IndexValue]:
    years = {f.year for f in figures}
    return {(v.country_id, v.year): v for v in IndexValue.objects.filter(index=index, year__in=years)}


def _write(batch: RatingImport, figures: list[Figures]) -> None:
    stored = _stored(batch.index, figures)
    new, changed = [], []
    for f in figures:
        value = stored.get((f.country.pk, f.year))
        if value is None:
            new.append(IndexValue(index=batch.index, country=f.country, year=f.year, batch=batch))
            value = new[-1]
        elif differs(f, value):
            changed.append(value)
            value.batch = batch
        for name in STORED_FIELDS:
            setattr(value, name, getattr(f, name))
    IndexValue.objects.bulk_create(new, batch_size=500)
    IndexValue.objects.bulk_update(changed, [*STORED_FIELDS, "batch"], batch_size=500)
    _write_source_scores(batch.index, [f for f in figures if f.source_scores is not None])


def _write_source_scores(index: Index, figures: list[Figures]) -> None:
    """A source-level import replaces the source scores of the values it covers."""
    if not figures:
        return
    values = {(v.country_id, v.year): v.pk for v in _stored(index, figures).values()}
    ids = [values[f.country.pk, f.year] for f in figures]
    SourceScore.objects.filter(value_id__in=ids).delete()
    SourceScore.objects.bulk_create(
        [
            SourceScore(value_id=value_id, source=source, score=score)
            for f, value_id in zip(figures, ids, strict=True)
            for source, score in f.source_scores.items()
        ],
        batch_size=500,
    )
