"""Labels to group codes, and sums by group, for the survey statistics (numpy and scipy only).

Grouping a million respondents by region, PSU or category happens on every call, so it avoids sorting
where it can: small non-negative integer labels (the usual case: regions, categories, PSU numbers) are
coded with one ``np.bincount``; anything else goes through ``np.unique``.
"""

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

# Integer labels spanning at most this many values per element (or 2^16 in all) are coded by bincount.
DENSE_SPAN_PER_ELEMENT = 4
DENSE_SPAN_MIN = 1 << 16


def encode(labels, *, what: str = "labels") -> tuple[np.ndarray, np.ndarray]:
    """(code of each element in 0..k-1, the k distinct labels in sorted order)."""
    a = np.asarray(labels)
    if a.ndim != 1:
        raise ValueError(f"{what} must be one value per respondent (a 1-D array), not shape {a.shape}")
    if a.dtype.kind in "iub" and a.size:
        lo, hi = int(a.min()), int(a.max())
        if hi - lo < max(DENSE_SPAN_PER_ELEMENT * a.size, DENSE_SPAN_MIN):
            return _encode_dense(a, lo, hi)
    if a.dtype.kind == "f" and np.isnan(a).any():
        raise ValueError(f"{what} are missing for {int(np.isnan(a).sum())} respondents")
    if a.dtype.kind == "O" and any(v is None for v in a):
        raise ValueError(f"{what} are missing (None) for some respondents")
    try:
        uniques, codes = np.unique(a, return_inverse=True)
    except TypeError as e:
        raise ValueError(f"{what} mix values that cannot be compared with each other: {e}") from None
    return codes.reshape(-1).astype(np.intp, copy=False), uniques


def _encode_dense(a: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    shifted = (a.astype(np.int64) - lo) if lo else a.astype(np.intp, copy=False)
    present = np.bincount(shifted, minlength=hi - lo + 1) > 0
    remap = np.cumsum(present) - 1
    return remap[shifted], (np.flatnonzero(present) + lo).astype(a.dtype)


def indicator(codes: np.ndarray, groups: int, values: np.ndarray | None = None) -> "sparse.csc_matrix":
    """The groups × elements matrix with ``values`` (default 1) at (code of element, element).

    ``indicator(codes, k, w) @ X`` sums the rows of a 2-D ``X`` by group, weighted: scipy's loop over a
    CSC matrix reads each row of ``X`` once, contiguously, which beats a bincount per column of a
    row-major matrix several times over.
    """
    n = codes.size
    data = np.ones(n) if values is None else np.asarray(values, dtype=np.float64)
    from scipy import sparse  # here, not at import: web workers load this module and rarely need it

    return sparse.csc_matrix((data, codes, np.arange(n + 1)), shape=(groups, n))


def group_sums(codes: np.ndarray, groups: int, x: np.ndarray) -> np.ndarray:
    """Column sums of the 2-D ``x`` by group: a (groups × columns) array."""
    return np.asarray(indicator(codes, groups) @ x)
