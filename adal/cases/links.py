"""What other apps have recorded about a case, for the case page to show without importing them.

The apps above ``cases`` (discipline, councils…) may keep records that point at a case: a disciplinary
proceeding opened on its grounds, say. The layers forbid ``cases`` to import them, so each registers a
reader here from its ``AppConfig.ready``, with the foreign key that points at the case; the case page
asks which kinds the case has records of (``adal.cases.selectors.case_records``), asks those readers
and renders what they give (``cases/_<kind>.html``)."""

from collections.abc import Callable

from django.db.models import ForeignKey

LinkedReader = Callable[[object, object], list]  # (user, case) -> records the user may see
_readers: dict[str, LinkedReader] = {}
_pointers: dict[str, ForeignKey] = {}


def register_linked(kind: str, reader: LinkedReader, pointer: ForeignKey) -> None:
    """``pointer``: the records' foreign key to the case (``Proceeding._meta.get_field("case")``)."""
    _readers[kind] = reader
    _pointers[kind] = pointer


def linked_pointers() -> dict[str, ForeignKey]:
    return dict(_pointers)


def linked_to(case, user, kinds: frozenset[str]) -> dict[str, list]:
    """Every registered kind, with the records of it that point at ``case``: read for ``kinds`` (those
    the case has, case_records), empty for the others."""
    return {kind: reader(user, case) if kind in kinds else [] for kind, reader in _readers.items()}
