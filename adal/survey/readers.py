"""Reading survey microdata from CSV, XLSX and SPSS ``.sav`` files in chunks of rows.

A reader yields the file a chunk at a time, each column as one numpy array: text cells as an object
array of strings ("" for an empty cell), SPSS numeric columns as float64 (NaN when missing).
Only the columns asked for are kept, and a chunk is dropped before the next is read, so memory stays
the same whatever the length of the file. No Django here: the import service and the
``survey_estimate`` command share these readers.

Row numbers are those a person sees when opening the file: in CSV and XLSX the header is row 1 and
the first respondent row 2; in SPSS files the case number, from 1.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CHUNK_ROWS = 50_000
SAV_MAGIC = (b"$FL2", b"$FL3")
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")


class TableError(Exception):
    """The file cannot be read as a table at all. ``code`` and ``params`` say why, for a translated
    message (see ``adal.survey.messages``); the text is for logs and the command line."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass
class Chunk:
    rows: np.ndarray  # the row number of each row, as a person counts them in the file
    columns: dict[str, np.ndarray]  # by normalised column name
    progress: float  # share of the file read once this chunk is done, 0..1
    ragged: list[tuple[int, int]] = field(default_factory=list)  # (row, number of cells) of short/long rows

    def __len__(self) -> int:
        return int(self.rows.size)


def normalise(name) -> str:
    return str(name if name is not None else "").strip().lower()


def sniff_format(head: bytes) -> str:
    """'xlsx', 'sav' or 'csv', from the first bytes of the file (never from its name)."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head[:4] in SAV_MAGIC:
        return "sav"
    return "csv"


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person would type: 3.0 is "3", an empty cell is ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


class Table:
    """A file opened for reading: ``header`` (normalised names, in file order) and ``chunks(columns)``."""

    header: list[str]

    def chunks(self, columns: list[str], chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _checked_header(names: list[str]) -> list[str]:
    header = [normalise(n) for n in names]
    while header and header[-1] == "":
        header.pop()  # spreadsheets often carry empty trailing header cells
    if not header:
        raise TableError("empty", "the file has no header row")
    seen = set()
    for name in header:
        if name in seen and name:
            raise TableError("duplicate_column", f"column {name!r} appears twice", column=name)
        seen.add(name)
    return header


class CsvTable(Table):
    """UTF-8 text (with or without a byte-order mark), separated by commas, semicolons or tabs."""

    def __init__(self, path: Path):
        self._binary = open(path, "rb")  # noqa: SIM115  (closed by close())
        self._size = max(Path(path).stat().st_size, 1)
        self._text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline="")
        try:
            first = self._text.readline()
        except UnicodeDecodeError as e:
            self.close()
            raise TableError("encoding", "the file is not UTF-8 text") from e
        delimiter = max(DELIMITERS, key=first.count)
        self.header = _checked_header(next(csv.reader([first], delimiter=delimiter), []))
        self._reader = csv.reader(self._text, delimiter=delimiter)

    def chunks(self, columns: list[str], chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
        index = [self.header.index(c) for c in columns]
        width = len(self.header)
        while True:
            rows, numbers, ragged = [], [], []
            try:
                for record in self._reader:
                    if not record or (len(record) == 1 and not record[0].strip()):
                        continue  # blank line
                    line = self._reader.line_num + 1  # the header was read before the reader began
                    if len(record) != width:
                        # Trailing empty cells (a spreadsheet's stray separators) are harmless.
                        if len(record) < width or any(cell.strip() for cell in record[width:]):
                            ragged.append((line, len(record)))
                        record = (record + [""] * width)[:width]
                    rows.append(record)
                    numbers.append(line)
                    if len(rows) == chunk_rows:
                        break
            except UnicodeDecodeError as e:
                raise TableError(
                    "encoding", "the file is not UTF-8 text", row=self._reader.line_num + 2
                ) from e
            except csv.Error as e:
                raise TableError("csv", str(e), row=self._reader.line_num + 1) from e
            if not rows:
                return
            # Cells are kept as read; they are stripped when parsed, once per distinct value.
            pairs = zip(columns, index, strict=True)
            data = {c: np.array([r[i] for r in rows], dtype=object) for c, i in pairs}
            yield Chunk(np.array(numbers), data, min(self._binary.tell() / self._size, 1.0), ragged)

    def close(self) -> None:
        self._binary.close()


class XlsxTable(Table):
    """The first sheet of a workbook, read with openpyxl in read-only mode (row by row, never whole)."""

    def __init__(self, path: Path):
        import openpyxl

        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
            raise TableError("unreadable", f"not a readable XLSX workbook: {e}") from e
        sheet = self._book.worksheets[0]
        self._total = sheet.max_row or 0
        self._rows = sheet.iter_rows(values_only=True)
        first = next(self._rows, None)
        if first is None:
            self.close()
            raise TableError("empty", "the sheet is empty")
        self.header = _checked_header([cell_text(v) for v in first])

    def chunks(self, columns: list[str], chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
        index = [self.header.index(c) for c in columns]
        width = len(self.header)
        number = 1
        while True:
            rows, numbers = [], []
            for values in self._rows:
                number += 1
                if not any(v is not None and v != "" for v in values):
                    continue  # empty rows, e.g. formatted but unused at the end of the sheet
                values = (tuple(values) + (None,) * width)[:width]
                rows.append(values)
                numbers.append(number)
                if len(rows) == chunk_rows:
                    break
            if not rows:
                return
            data = {
                c: np.array([cell_text(r[i]) for r in rows], dtype=object)
                for c, i in zip(columns, index, strict=True)
            }
            progress = number / self._total if self._total else 0.0
            yield Chunk(np.array(numbers), data, min(progress, 1.0))

    def close(self) -> None:
        self._book.close()


class SavTable(Table):
    """An SPSS system file through pyreadstat, chunk by chunk; value labels are not applied, so the
    answer codes arrive as numbers, and user-defined missing values arrive as missing."""

    def __init__(self, path: Path):
        import pyreadstat

        self._path = str(path)
        try:
            _, meta = pyreadstat.read_sav(self._path, metadataonly=True)
        except Exception as e:  # pyreadstat's ReadstatError and friends
            raise TableError("unreadable", f"not a readable SPSS file: {e}") from e
        self._names = list(meta.column_names)
        self.header = _checked_header(self._names)
        self._total = meta.number_rows or 0

    def chunks(self, columns: list[str], chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
        import pyreadstat

        original = {normalise(n): n for n in self._names}
        wanted = [original[c] for c in columns]
        first = 1
        for data, _meta in pyreadstat.read_file_in_chunks(
            pyreadstat.read_sav, self._path, chunksize=chunk_rows, usecols=wanted, output_format="dict"
        ):
            arrays = {c: _sav_column(data[o]) for c, o in zip(columns, wanted, strict=True)}
            size = len(next(iter(arrays.values()))) if arrays else 0
            if size == 0:
                return
            rows = np.arange(first, first + size)
            first += size
            yield Chunk(rows, arrays, min((first - 1) / self._total, 1.0) if self._total else 0.0)


def _sav_column(values) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind in "iuf":
        return array.astype(np.float64, copy=False)
    return np.array([cell_text(v) for v in array], dtype=object)


READERS = {"csv": CsvTable, "xlsx": XlsxTable, "sav": SavTable}


def open_table(path: Path | str, fmt: str | None = None) -> Table:
    """Open ``path`` as a table; ``fmt`` defaults to what its first bytes say."""
    path = Path(path)
    if fmt is None:
        with open(path, "rb") as f:
            fmt = sniff_format(f.read(8))
    return READERS[fmt](path)


def read_columns(path: Path | str, columns: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Whole columns of a file (for estimation, which needs every row at once), with the row numbers."""
    with open_table(path) as table:
        missing = [c for c in columns if c not in table.header]
        if missing:
            raise TableError("missing_columns", f"no column {', '.join(missing)}", columns=missing)
        parts = list(table.chunks(columns))
    if not parts:
        raise TableError("no_rows", "the file has no data rows")
    rows = np.concatenate([p.rows for p in parts])
    return {c: np.concatenate([p.columns[c] for p in parts]) for c in columns}, rows
