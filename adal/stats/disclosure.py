"""Small-cell suppression: which counts of a published table must be hidden so that no count of fewer than
`threshold` cases can be read from it, neither directly nor from the totals published beside it.

The table is a list of groups (regions, units, …), each a row of *nested* counts — received ≥ answered
≥ answered on time — and the total of every column over all groups is published too. Anything derived
from a count (its share, its interval, a median over those cases) is hidden with it.

* Primary suppression: every count from 1 to threshold − 1. A zero is shown: it describes no one, and
  hiding it would protect nothing, because a column whose total is 0 shows it anyway.
* Nesting: a hidden count hides the counts nested in it, to its right (answered on time, out of a
  hidden number answered, is a share of an unknown).
* Secondary suppression: in each column the hidden counts must be at least two and hold at least
  `threshold` cases together, or the published total minus the shown counts would give one of them
  back (or the sum of a few small ones). The smallest shown positive count is hidden next (zeros last),
  then nesting is applied again, until nothing changes.
* A column whose total is itself below the threshold, or whose one hidden count has no partner left,
  has its total hidden too (`totals`).

This is the classical rule set (e.g. the ONS and Eurostat guidance for frequency tables) rather than an
optimal one: it may hide more than a linear-programming search would, never less than needed for the
tables the portal publishes; tests/stats check with linear programming that no hidden count can be
pinned down from what stays visible.
"""

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Suppression:
    cells: list[list[bool]]  # True: the count (and everything derived from it) is hidden
    totals: list[bool]  # True: the column's total over all groups is hidden

    def row_hidden(self, i: int) -> bool:
        return self.cells[i][0] if self.cells[i] else False


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    return 0 < count < threshold


def suppress(rows: Sequence[Sequence[int]], threshold: int = THRESHOLD) -> Suppression:
    """Which counts of the groups' rows, and which column totals, to hide."""
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        raise ValueError("every group needs the same number of counts")
    if any(c < 0 for row in rows for c in row):
        raise ValueError("counts cannot be negative")
    hidden = [[is_small(c, threshold) for c in row] for row in rows]
    changed = True
    while changed:
        _nest(hidden)
        changed = any(_protect_column(rows, hidden, j, threshold) for j in range(width))
    totals = [_total_hidden(rows, hidden, j, threshold) for j in range(width)]
    return Suppression(hidden, totals)


def suppress_counts(counts: Sequence[int], threshold: int = THRESHOLD) -> Suppression:
    """One count per group, with their total published."""
    return suppress([[c] for c in counts], threshold)


def _nest(hidden: list[list[bool]]) -> None:
    for row in hidden:
        for j in range(1, len(row)):
            row[j] = row[j] or row[j - 1]


def _protect_column(rows, hidden, j: int, threshold: int) -> bool:
    """Hide one more count in column j if its hidden ones are too few; True if it did."""
    hid = [i for i in range(len(rows)) if hidden[i][j]]
    if not hid or (len(hid) >= 2 and sum(rows[i][j] for i in hid) >= threshold):
        return False
    shown = [i for i in range(len(rows)) if not hidden[i][j]]
    if not shown:
        return False
    partner = min(shown, key=lambda i: (rows[i][j] == 0, rows[i][j], i))
    hidden[partner][j] = True
    return True


def _total_hidden(rows, hidden, j: int, threshold: int) -> bool:
    total = sum(row[j] for row in rows)
    hid = [i for i in range(len(rows)) if hidden[i][j]]
    return is_small(total, threshold) or len(hid) == 1
