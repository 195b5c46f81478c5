"""Report tables as CSV (for Excel: UTF-8 with a BOM) and as Excel workbooks (.xlsx).

Both writers are all-or-nothing: the file is written next to its target under a temporary
name and renamed over it only once complete, so a failure (a full disk, a value that cannot
be written, an interrupted export) leaves any earlier file at `path` untouched and no
half-written file behind.

The .xlsx writer uses openpyxl (pure Python, installed with the app; nothing is fetched at
run time): it escapes text, keeps numbers and dates typed, and rejects what Excel would
call a corrupt file (control characters) instead of writing one.
"""

from __future__ import annotations

import csv
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

__all__ = ["write_bytes_atomically", "write_csv", "write_xlsx"]

Cell = str | int | float | bool | date | datetime | None

# Excel's sheet names: at most 31 characters, none of these.
_SHEET_FORBIDDEN = set("[]:*?/\\")
_MAX_COLUMN_WIDTH = 60


def write_table(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]], *, sheet: str = "数据"
) -> Path:
    """An Excel workbook when `path` ends in .xlsx, else CSV (what the panels' Export writes)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, header, rows, sheet=sheet)
    return write_csv(path, header, rows)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Path:
    """Write `header` and `rows` as CSV at `path` (UTF-8 with BOM, CRLF, minimal quoting)
    and return the path. `None` is an empty cell; dates are ISO 8601."""

    def write(out: IO[bytes]) -> None:
        # newline="" lets the csv module write its own CRLF line ends (RFC 4180).
        with open(out.fileno(), "w", encoding="utf-8-sig", newline="", closefd=False) as text:
            writer = csv.writer(text)
            writer.writerow(list(header))
            width = len(header)
            for n, row in enumerate(rows, start=1):
                cells = list(row)
                if len(cells) != width:
                    raise ValueError(f"row {n} has {len(cells)} cells, the header {width}")
                writer.writerow([_csv_cell(c) for c in cells])

    return _write_atomically(Path(path), write)


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    sheet: str = "数据",
) -> Path:
    """Write `header` and `rows` as a one-sheet Excel workbook at `path` and return the path.

    The header row is bold and frozen, columns are sized to their text (CJK counts double).
    Raises ValueError for a bad sheet name or a ragged row.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    title = _sheet_title(sheet)
    book = Workbook()
    ws = book.active
    ws.title = title
    ws.append(list(header))
    widths = [_display_width(str(h)) for h in header]
    for n, row in enumerate(rows, start=1):
        cells = list(row)
        if len(cells) != len(header):
            raise ValueError(f"row {n} has {len(cells)} cells, the header {len(header)}")
        ws.append([_xlsx_cell(c) for c in cells])
        for i, c in enumerate(cells):
            widths[i] = max(widths[i], _display_width(_csv_cell(c)))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(w + 2, _MAX_COLUMN_WIDTH)

    return _write_atomically(Path(path), lambda out: book.save(out))


# ---------------------------------------------------------------- helpers


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _xlsx_cell(value: Cell) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones: keep the wall clock
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(name: str) -> str:
    if not name or len(name) > 31 or _SHEET_FORBIDDEN & set(name) or name.startswith("'"):
        raise ValueError(
            f"sheet name {name!r}: Excel needs 1 to 31 characters, none of [ ] : * ? / \\"
        )
    return name


def write_bytes_atomically(path: Path, data: bytes) -> Path:
    """Write `data` at `path` all-or-nothing (a temporary file beside it, then a rename)."""
    return _write_atomically(Path(path), lambda out: out.write(data))


def _write_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> Path:
    """Run `write` on a temporary file beside `path`, then rename it over `path`."""
    if path.is_dir():
        raise IsADirectoryError(f"cannot write {path}: it is a folder")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: the folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
