"""The column store of microdata (see ``adal.survey.models``) and the staging files of an import.

While a file is being checked, its encoded columns go to temporary files, not to the database: the
import then either writes them all in one short transaction, or drops them and the database never saw
a row. A long transaction held open while a million rows are read would block every other writer
on SQLite for its whole length.
"""

import shutil
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from adal.survey.models import Microdata, MicrodataBlock

BLOCK_ROWS = 65_536
WRITE_BATCH = 16  # blocks per INSERT: a few megabytes at most
COMPRESSION_LEVEL = 1  # fast; codes of a few distinct values still shrink several times


class Staging:
    """Encoded columns appended chunk by chunk to one temporary file each."""

    def __init__(self, dtypes: dict[str, np.dtype]):
        self.dtypes = {name: np.dtype(dtype) for name, dtype in dtypes.items()}
        self._dir = Path(tempfile.mkdtemp(prefix="adal-survey-"))
        self.rows = 0

    def _path(self, column: str) -> Path:
        return self._dir / f"{list(self.dtypes).index(column)}.bin"

    def append(self, columns: dict[str, np.ndarray]) -> None:
        sizes = {len(a) for a in columns.values()}
        if len(sizes) != 1 or set(columns) != set(self.dtypes):
            raise ValueError("every column of the chunk, and all of the same length")
        for name, array in columns.items():
            with open(self._path(name), "ab") as f:
                np.ascontiguousarray(array, dtype=self.dtypes[name]).tofile(f)
        self.rows += sizes.pop()

    def blocks(self, column: str, block_rows: int = BLOCK_ROWS) -> Iterator[np.ndarray]:
        dtype = self.dtypes[column]
        with open(self._path(column), "rb") as f:
            while True:
                block = np.fromfile(f, dtype=dtype, count=block_rows)
                if block.size == 0:
                    return
                yield block

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def blocks_write(microdata: Microdata, column: str, blocks) -> None:
    """Store ``blocks`` (arrays of ``microdata.block_rows`` respondents, the last maybe shorter)."""
    batch = []
    for seq, block in enumerate(blocks):
        data = zlib.compress(np.ascontiguousarray(block).tobytes(), COMPRESSION_LEVEL)
        batch.append(
            MicrodataBlock(microdata=microdata, column=column, seq=seq, dtype=block.dtype.str, data=data)
        )
        if len(batch) == WRITE_BATCH:
            MicrodataBlock.objects.bulk_create(batch)
            batch = []
    MicrodataBlock.objects.bulk_create(batch)


def column_write(microdata: Microdata, column: str, values: np.ndarray) -> None:
    """Store a whole column, replacing what the column held (e.g. the final weights)."""
    MicrodataBlock.objects.filter(microdata=microdata, column=column).delete()
    step = microdata.block_rows
    blocks_write(microdata, column, (values[i : i + step] for i in range(0, len(values), step)))


def columns_read(microdata: Microdata, columns: list[str]) -> dict[str, np.ndarray]:
    """Whole columns as numpy arrays, in respondent order; a column never written is absent."""
    parts: dict[str, list[np.ndarray]] = {c: [] for c in columns}
    blocks = (
        MicrodataBlock.objects.filter(microdata=microdata, column__in=columns)
        .order_by("column", "seq")
        .values_list("column", "dtype", "data")
    )
    for column, dtype, data in blocks.iterator(chunk_size=WRITE_BATCH):
        parts[column].append(np.frombuffer(zlib.decompress(bytes(data)), dtype=np.dtype(dtype)))
    return {c: np.concatenate(p) for c, p in parts.items() if p}
