"""What needs a staff member today, for the workspace page: each app registers a counter in its
``AppConfig.ready``, so core shows the counts without importing the apps above it.

    workload.register("cases", counter)   # counter(user) -> list[Need], empty when it is not their work
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    label: str
    count: int
    url: str  # the filtered list that shows these items
    urgent: bool = False  # overdue work stands out


Counter = Callable[[object], list[Need]]
_counters: dict[str, Counter] = {}


def register(name: str, counter: Counter) -> None:
    _counters[name] = counter


def needs_of(user) -> list[Need]:
    """Every registered counter's needs for ``user``, in the order the apps registered them."""
    return [need for counter in _counters.values() for need in counter(user)]
