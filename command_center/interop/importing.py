"""What every import shares: per-row errors, the import's report, and value parsers.

The parsers turn the messy text of a spreadsheet or a feed into typed values. They never fail
with anything but `InvalidValue`, whose message is the precise reason a user reads next to the
row ("unrecognised date '31/02/2026'", "outside China"). Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue, Category

__all__ = [
    "CHINA_BBOX",
    "ImportFailed",
    "ImportReport",
    "InvalidValue",
    "RowError",
    "parse_category",
    "parse_datetime",
    "parse_float",
    "parse_lonlat",
    "write_error_report",
]

# Mainland China, generously: (west, south, east, north) in WGS-84 degrees.
CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)
MAX_ERRORS_SHOWN = 10


@dataclass(frozen=True)
class RowError:
    """Why one row was refused. `row`: the spreadsheet row (the header is row 1) or the
    GeoJSON feature number (from 1); 0 for the file as a whole. `field`: the file's column
    or property the problem is in."""

    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, rows imported, and each refused row with its reason."""

    read: int
    imported: int
    rejected: list[RowError] = field(default_factory=list)


class InvalidValue(ValueError):
    """A value could not be read; the message is the reason, for the user."""


class ImportFailed(Exception):
    """The file was refused as a whole and nothing was written. `errors` holds every reason
    found (the message shows the first few)."""

    def __init__(self, source: str, errors: list[RowError], read: int = 0) -> None:
        self.source = source
        self.errors = errors
        self.read = read
        rows = len({e.row for e in errors})
        what = f"{rows} of {read} rows are invalid" if read else "the file cannot be read"
        super().__init__(f"{source}: {what}; nothing was imported")

    def first(self, n: int = MAX_ERRORS_SHOWN) -> list[RowError]:
        return self.errors[:n]


# -- dates ----------------------------------------------------------------------------------
_EPOCH = re.compile(r"[+-]?\d{9,11}(\.\d+)?")
_LOCAL_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
# Shapes that name a date the calendar does not have (2026-02-31): said as such.
_DATE_SHAPE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})([ T].*)?")
EARLIEST = datetime(1990, 1, 1, tzinfo=CST)
LATEST = datetime(2100, 1, 1, tzinfo=CST)


def parse_datetime(text: object) -> datetime:
    """An aware datetime from ISO 8601 (with or without an offset), "YYYY-MM-DD HH:MM[:SS]",
    "YYYY/MM/DD HH:MM[:SS]" or epoch seconds. A time without an offset is China time (CST)."""
    if isinstance(text, datetime):
        value = text if text.tzinfo else text.replace(tzinfo=CST)
        return _in_range(value, str(text))
    raw = "" if text is None else str(text).strip()
    if not raw:
        raise InvalidValue("missing date")
    if _EPOCH.fullmatch(raw):
        try:
            value = datetime.fromtimestamp(float(raw), UTC).astimezone(CST)
        except (OverflowError, OSError, ValueError):
            raise InvalidValue(f"epoch seconds {raw} are out of range") from None
        return _in_range(value, raw)
    value = None
    for fmt in _LOCAL_FORMATS:
        try:
            value = datetime.strptime(raw, fmt)
            break
        except ValueError:
            continue
    if value is None:
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            value = None
    if value is None:
        shape = _DATE_SHAPE.fullmatch(raw)
        if shape:
            y, m, d = (int(g) for g in shape.groups()[:3])
            try:
                datetime(y, m, d)
            except ValueError as exc:
                raise InvalidValue(f"impossible date '{raw}' ({exc})") from None
        raise InvalidValue(f"unrecognised date '{raw}'")
    if value.tzinfo is None:
        value = value.replace(tzinfo=CST)
    return _in_range(value.astimezone(CST), raw)


def _in_range(value: datetime, raw: str) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise InvalidValue(f"date '{raw}' is not between 1990 and 2100")
    return value


# -- numbers and places ---------------------------------------------------------------------
def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_float(value: object, what: str) -> float:
    """A finite number; `what` names it in the reason ("heading 'abc' is not a number")."""
    if _blank(value):
        raise InvalidValue(f"missing {what}")
    if isinstance(value, bool):
        raise InvalidValue(f"{what} {value!r} is not a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidValue(f"{what} '{value}' is not a number") from None
    if not math.isfinite(number):
        raise InvalidValue(f"{what} '{value}' is not a number")
    return number


def parse_lonlat(lon: object, lat: object) -> tuple[float, float]:
    """A WGS-84 point in China. Reasons: "missing coordinates", "missing latitude",
    "longitude 'x' is not a number", "latitude 95.0 is out of range (-90..90)",
    "(2.35, 48.85) is outside China (73–136°E, 3–54°N)"."""
    if _blank(lon) and _blank(lat):
        raise InvalidValue("missing coordinates")
    x = parse_float(lon, "longitude")
    y = parse_float(lat, "latitude")
    if not -180.0 <= x <= 180.0:
        raise InvalidValue(f"longitude {x} is out of range (-180..180)")
    if not -90.0 <= y <= 90.0:
        hint = " (longitude and latitude swapped?)" if _in_china(y, x) else ""
        raise InvalidValue(f"latitude {y} is out of range (-90..90){hint}")
    if not _in_china(x, y):
        hint = " (longitude and latitude swapped?)" if _in_china(y, x) else ""
        w, s, e, n = CHINA_BBOX
        raise InvalidValue(f"({x}, {y}) is outside China ({w:g}–{e:g}°E, {s:g}–{n:g}°N){hint}")
    return x, y


def _in_china(x: float, y: float) -> bool:
    w, s, e, n = CHINA_BBOX
    return w <= x <= e and s <= y <= n


def parse_category(code: object, catalogue: Catalogue) -> Category:
    """The catalogue's category for a code ("0101"); "unknown category '999'" otherwise."""
    if _blank(code):
        raise InvalidValue("missing category")
    text = str(code).strip()
    category = catalogue.get(text)
    if category is None:
        raise InvalidValue(f"unknown category '{text}'")
    return category


# -- the report file ------------------------------------------------------------------------
def write_error_report(path: Path | str | None, errors: Iterable[RowError]) -> None:
    """The refused rows as CSV (row, field, reason), UTF-8 with a BOM so Excel reads it;
    nothing when no report was asked for (`path` None)."""
    if path is None:
        return
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(["row", "field", "reason"])
        for e in errors:
            out.writerow([e.row, e.field, e.reason])
    tmp.replace(path)


@dataclass(frozen=True)
class Record:
    """One row of a file: its number and its values by source column."""

    row: int
    values: dict[str, Any]


# -- reading files --------------------------------------------------------------------------
def read_text(path: Path) -> str:
    """A file's text, UTF-8 (with or without BOM) or GB18030; `ImportFailed` otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(
            str(path), [RowError(0, "", f"cannot read it ({exc.strerror or exc})")]
        ) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(str(path), [RowError(0, "", "not UTF-8 or GB18030 text")])


def read_csv_records(path: Path, limit: int | None = None) -> tuple[list[str], list[Record]]:
    """A CSV file's header and rows (UTF-8 with or without BOM, or GB18030); blank lines
    skipped; a row longer than the header says so under the column "". With `limit`, only
    the first `limit` rows are taken apart (a preview)."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[Record] = []
    try:
        first = next(reader, None)
        if first is None or not any(c.strip() for c in first):
            raise ImportFailed(str(path), [RowError(1, "", "no header row")])
        header = [c.strip() for c in first]
        for i, cells in enumerate(reader, start=2):
            if limit is not None and len(records) >= limit:
                break
            if not any(c.strip() for c in cells):
                continue  # blank lines (Excel leaves them at the end)
            values: dict[str, Any] = dict(zip(header, cells, strict=False))
            if len(cells) > len(header):
                values[""] = f"row has {len(cells)} cells, the header {len(header)}"
            records.append(Record(i, values))
    except csv.Error as exc:
        raise ImportFailed(str(path), [RowError(0, "", f"not CSV ({exc})")]) from None
    return header, records


def read_geojson_records(path: Path) -> tuple[list[str], list[Record]]:
    """A GeoJSON FeatureCollection's properties as rows (numbered from 1), each with its
    geometry under the key "\\0geometry"."""
    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ImportFailed(str(path), [RowError(0, "", f"not JSON ({exc})")]) from None
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise ImportFailed(str(path), [RowError(0, "", "not a GeoJSON FeatureCollection")])
    header: dict[str, None] = {}
    records = []
    for i, feature in enumerate(doc["features"], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        values: dict[str, Any] = dict(props) if isinstance(props, dict) else {}
        header.update(dict.fromkeys(values))
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        values["\0geometry"] = geometry
        records.append(Record(i, values))
    return list(header), records


def write_atomic(out: Path, text: str, *, encoding: str) -> None:
    """Write `out` whole or not at all (a temporary file beside it, then a rename)."""
    tmp = out.with_name(out.name + ".part")
    try:
        tmp.write_text(text, encoding=encoding, newline="")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
