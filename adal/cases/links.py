"""What other apps have recorded about a case, for the case page to show without importing them.

The apps above ``cases`` (discipline, councils…) may keep records that point at a case: a disciplinary
proceeding opened on its grounds, say. The layers forbid ``cases`` to import them, so each registers a
reader here from its ``AppConfig.ready``; the case page asks every reader and renders what they give
(``cases/_<kind>.html``)."""

from collections.abc import Callable

LinkedReader = Callable[[object, object], list]  # (user, case) -> records the user may see
_readers: dict[str, LinkedReader] = {}


def register_linked(kind: str, reader: LinkedReader) -> None:
    _readers[kind] = reader


def linked_to(case, user) -> dict[str, list]:
    """Every registered kind, with the records of it that point at ``case``."""
    return {kind: reader(user, case) for kind, reader in _readers.items()}
