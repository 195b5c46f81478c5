"""Cases and cameras in and out as CSV and GeoJSON.

An import is one transaction of Core bulk inserts: every row is checked first and a single bad
row refuses the whole file (`ImportFailed`, nothing written) unless `skip_invalid`, when the
good rows go in and every refused row, with its reason, goes to the report. Imported cases
are reported (上报) cases with a `report` step on their trail, numbered as the desk numbers
them (the day of the report and a running number), unless the file brings its own numbers.

A file's columns (CSV) or properties (GeoJSON) map to fields by name; `mapping` renames
source columns to fields ({"类别": "category_code"}). A GeoJSON feature's Point is its place.

What a target takes (its fields, the required ones, a label) is in `TARGET_SPECS`, which the
import dialog lists; `register_target` adds one. `progress(done, total)` reports a long import.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Action, Role, plan_transition
from command_center.interop import registry_io
from command_center.interop.importing import (
    ImportFailed,
    ImportReport,
    InvalidValue,
    Record,
    RowError,
    parse_category,
    parse_datetime,
    parse_float,
    parse_lonlat,
    read_csv_records,
    read_geojson_records,
    write_atomic,
    write_error_report,
)
from command_center.services import changelog
from command_center.services.cases import CASE_NO_LOCK, SOURCES
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes
from command_center.services.locate import GridLocator
from command_center.services.seed.writer import bulk_write
from command_center.store.engine import Store
from command_center.store.models import Camera, Case, CaseEvent

__all__ = [
    "CAMERA_FIELDS",
    "CASE_FIELDS",
    "TARGET_SPECS",
    "Progress",
    "Record",
    "Target",
    "TargetSpec",
    "export_csv",
    "export_geojson",
    "import_cameras_csv",
    "import_cases_csv",
    "import_csv",
    "import_geojson",
    "import_records",
    "preview_values",
    "read_header_and_preview",
    "register_target",
    "resolve_mapping",
    "target_fields",
]

log = logging.getLogger("db")

Target = Literal["cases", "cameras"]
TARGETS: tuple[Target, ...] = ("cases", "cameras")
CHUNK = 5000  # rows per Core executemany

# What a file can bring, in export order; lon/lat are a GeoJSON feature's geometry.
CASE_FIELDS = (
    "case_no",
    "category_code",
    "source",
    "description",
    "address",
    "lon",
    "lat",
    "reported_at",
)
CASE_REQUIRED = ("category_code", "lon", "lat")
CASE_EXPORT_ONLY = ("state", "district_code", "grid_code")
CAMERA_FIELDS = (
    "code",
    "name",
    "url",
    "lon",
    "lat",
    "heading_deg",
    "fov_deg",
    "group_name",
    "sub_url",
    "status",
)
CAMERA_REQUIRED = ("code", "name", "url", "lon", "lat")
CAMERA_EXPORT_ONLY = ("district_code", "grid_code")
CAMERA_STATUSES = ("in_service", "maintenance", "retired")
DEFAULT_SOURCE = "public"
MAX_DAILY_SEQ = 99_999  # case numbers are the day and five digits
PROGRESS_EVERY = 2000  # rows between two calls of an import's `progress`
GEOJSON_SUFFIXES = (".geojson", ".json")

# progress(done, total): an import's steps so far. Each row is two steps, checked then
# written (or refused), so total is twice the rows read and the last call is (total, total).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class TargetSpec:
    """What a file can be imported as: `label` is English, for the UI to translate;
    `fields` what a file can bring (in order), `required` those it must."""

    name: str
    label: str
    fields: tuple[str, ...]
    required: tuple[str, ...]


# The targets the import dialog offers, by name; `register_target` adds more. The city's
# registries and the unit grids are read and written by `registry_io`: the public functions
# below hand those targets over to it.
TARGET_SPECS: dict[str, TargetSpec] = {
    "cases": TargetSpec("cases", "Cases", CASE_FIELDS, CASE_REQUIRED),
    "cameras": TargetSpec("cameras", "Cameras", CAMERA_FIELDS, CAMERA_REQUIRED),
}
TARGET_SPECS.update(
    (name, TargetSpec(name, label, fields, required))
    for name, label, fields, required in registry_io.target_specs()
)


def _elsewhere(target: str) -> bool:
    """A target `registry_io` reads and writes (a registry or the unit grids)."""
    return target in registry_io.TARGETS


def _registry_options(options: dict[str, Any]) -> dict[str, Any]:
    options = dict(options)
    options.pop("catalogue", None)  # cases only
    return options


def register_target(
    name: str, label: str, fields: Sequence[str], required: Sequence[str]
) -> TargetSpec:
    """Offer another import target (a registry, the grids, …) to the import dialog.

    Only the spec is kept here: the module that registers a target also provides what
    checks and writes its rows."""
    if name in TARGET_SPECS:
        raise ValueError(f"import target {name!r} is already registered")
    missing = [f for f in required if f not in fields]
    if missing:
        raise ValueError(f"required fields {missing} are not among the fields of {name!r}")
    spec = TargetSpec(name, label, tuple(fields), tuple(required))
    TARGET_SPECS[name] = spec
    return spec


def target_fields(target: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields a file can bring into `target`, and the ones it must bring."""
    try:
        spec = TARGET_SPECS[target]
    except KeyError:
        raise ValueError(
            f"unknown import target {target!r}; one of: {', '.join(TARGET_SPECS)}"
        ) from None
    return spec.fields, spec.required


# -- public API -----------------------------------------------------------------------------
def import_records(
    store: Store,
    path: Path | str,
    into: Target,
    header: list[str],
    records: list[Record],
    mapping: dict[str, str] | None = None,
    **opts: Any,
) -> ImportReport:
    """Rows another reader has already taken apart (Open311 requests, …), checked and written
    exactly as a CSV file's: one transaction, the same reasons, the same options."""
    return _import(store, Path(path), into, header, records, mapping, geometry=False, **opts)


def import_cases_csv(
    store: Store, path: Path | str, mapping: dict[str, str] | None = None, **options: Any
) -> ImportReport:
    """Cases from a CSV file (UTF-8, with or without BOM, or GB18030); see `import_csv`."""
    return import_csv(store, path, "cases", mapping, **options)


def import_cameras_csv(
    store: Store, path: Path | str, mapping: dict[str, str] | None = None, **options: Any
) -> ImportReport:
    """Cameras from a CSV file; see `import_csv`."""
    return import_csv(store, path, "cameras", mapping, **options)


def import_csv(
    store: Store,
    path: Path | str,
    into: str,
    mapping: dict[str, str] | None = None,
    **options: Any,
) -> ImportReport:
    """Rows of a CSV file (header first) as cases or cameras, all or nothing.

    Options: `skip_invalid`, `report_path`, `catalogue`, `locator`, `now`, `workstation`,
    `progress` (see `Progress`; called on the caller's thread every few thousand rows).
    Raises `ImportFailed` (nothing written) when a row is bad and not `skip_invalid`.
    """
    if _elsewhere(into):
        return registry_io.import_csv(store, path, into, mapping, **_registry_options(options))
    path = Path(path)
    header, records = read_csv_records(path)
    return _import(store, path, into, header, records, mapping, geometry=False, **options)


def import_geojson(
    store: Store,
    path: Path | str,
    into: str,
    mapping: dict[str, str] | None = None,
    **options: Any,
) -> ImportReport:
    """Point features of a GeoJSON FeatureCollection as cases or cameras; see `import_csv`."""
    if _elsewhere(into):
        return registry_io.import_geojson(store, path, into, mapping, **_registry_options(options))
    path = Path(path)
    header, records = read_geojson_records(path)
    return _import(store, path, into, header, records, mapping, geometry=True, **options)


def export_geojson(store: Store, out: Path | str, source: str) -> int:
    """Every case or camera as a Point feature (WGS-84), written whole or not at all; a
    registry or the grids through `registry_io`."""
    if _elsewhere(source):
        return registry_io.export_geojson(store, out, source)
    fields, rows = _export_rows(store, source)
    features = []
    for row in rows:
        props = {k: _json_value(row[k]) for k in fields if k not in ("lon", "lat")}
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": props,
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    write_atomic(Path(out), json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(features)


def export_csv(store: Store, out: Path | str, source: str) -> int:
    """Every case or camera as a CSV row (UTF-8 with BOM, for Excel), whole or not at all;
    a registry or the grids through `registry_io`."""
    if _elsewhere(source):
        return registry_io.export_csv(store, out, source)
    fields, rows = _export_rows(store, source)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(fields)
    for row in rows:
        w.writerow(["" if row[k] is None else _json_value(row[k]) for k in fields])
    write_atomic(Path(out), buf.getvalue(), encoding="utf-8-sig")
    return len(rows)


def read_header_and_preview(path: Path | str, n: int = 20) -> tuple[list[str], list[Record]]:
    """A file's columns (CSV) or properties (GeoJSON: .geojson, .json) and its first `n`
    rows, read as an import reads them; raises `ImportFailed` for an unreadable file."""
    path = Path(path)
    geojson = path.suffix.lower() in GEOJSON_SUFFIXES
    if geojson:  # JSON is parsed whole
        header, records = read_geojson_records(path)
        return header, records[:n]
    return read_csv_records(path, limit=n)


def resolve_mapping(
    into: str, header: Sequence[str], mapping: Mapping[str, str] | None, *, geometry: bool
) -> tuple[dict[str, str], list[RowError]]:
    """Which source column each field is read from (field -> column; "geometry" for a
    GeoJSON Point), as an import resolves it, and what is wrong (row 1: the header)."""
    if _elsewhere(into):
        return registry_io.resolve_columns(into, header, mapping, geometry=geometry)
    return _resolve(into, header, dict(mapping or {}), geometry)


def preview_values(record: Record, by_field: Mapping[str, str]) -> dict[str, Any]:
    """The raw value each mapped field takes from `record` (before checking): stripped
    text, None when blank; lon/lat from a GeoJSON Point's coordinates."""
    r = _Row(record, dict(by_field))
    values = {name: r.raw(name) for name in by_field}
    if by_field.get("lon") == "geometry":
        geometry = record.values.get("\0geometry")
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        ok = isinstance(coords, list) and len(coords) >= 2
        values["lon"], values["lat"] = (coords[0], coords[1]) if ok else (None, None)
    return values


# -- checking rows --------------------------------------------------------------------------
def _resolve(
    into: Target, header: Sequence[str], mapping: dict[str, str] | None, geometry: bool
) -> tuple[dict[str, str], list[RowError]]:
    """field -> source column, and what is wrong with the mapping (row 1: the header)."""
    fields, required = target_fields(into)
    errors = []
    by_field: dict[str, str] = {}
    for column, target in (mapping or {}).items():
        if target not in fields or (geometry and target in ("lon", "lat")):
            errors.append(
                RowError(
                    1,
                    column,
                    f"unknown field '{target}'; one of: "
                    + ", ".join(f for f in fields if not (geometry and f in ("lon", "lat"))),
                )
            )
        elif column not in header:
            errors.append(RowError(1, column, f"the file has no column '{column}'"))
        else:
            by_field[target] = column
    for column in header:
        if column in fields and column not in by_field and column not in (mapping or {}):
            by_field[column] = column
    if geometry:
        by_field["lon"] = by_field["lat"] = "geometry"
    for name in required:
        if name not in by_field:
            errors.append(RowError(1, name, f"no column for the required field '{name}'"))
    return by_field, errors


def _point(geometry: Any) -> tuple[Any, Any]:
    if geometry is None:
        return None, None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind != "Point":
        raise InvalidValue(f"geometry is a {kind or 'non-geometry'}, not a Point")
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        raise InvalidValue("a Point needs [longitude, latitude]")
    return coords[0], coords[1]


class _Row:
    """Typed values of one record, and its errors, field by field."""

    def __init__(self, record: Record, by_field: dict[str, str]) -> None:
        self.record = record
        self.by_field = by_field
        self.errors: list[RowError] = []
        self.values: dict[str, Any] = {}
        if "" in record.values:
            self.errors.append(RowError(record.row, "", record.values[""]))

    def raw(self, name: str) -> Any:
        column = self.by_field.get(name)
        value = self.record.values.get(column) if column else None
        if isinstance(value, str):
            value = value.strip()
        return None if value == "" else value

    def take(self, name: str, parse, *args: Any) -> Any:
        try:
            return parse(*args)
        except InvalidValue as exc:
            self.errors.append(RowError(self.record.row, self.by_field.get(name, name), str(exc)))
            return None

    def place(self) -> tuple[float, float] | None:
        if self.by_field.get("lon") == "geometry":
            point = self.take("lon", _point, self.record.values.get("\0geometry"))
            if point is None:
                return None
            lon, lat = point
        else:
            lon, lat = self.raw("lon"), self.raw("lat")
        return self.take("lon", parse_lonlat, lon, lat)

    def text(self, name: str, limit: int) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        text = str(value)
        if len(text) > limit:
            self.errors.append(
                RowError(self.record.row, self.by_field[name], f"longer than {limit} characters")
            )
        return text

    def choice(self, name: str, allowed: Sequence[str], default: str) -> str:
        value = self.raw(name)
        if value is None:
            return default
        if str(value) not in allowed:
            self.errors.append(
                RowError(
                    self.record.row,
                    self.by_field[name],
                    f"unknown {name} '{value}'; one of: {', '.join(allowed)}",
                )
            )
        return str(value)


# -- importing ------------------------------------------------------------------------------
def _import(
    store: Store,
    path: Path,
    into: Target,
    header: list[str],
    records: list[Record],
    mapping: dict[str, str] | None,
    *,
    geometry: bool,
    skip_invalid: bool = False,
    report_path: Path | str | None = None,
    catalogue: Catalogue | None = None,
    locator: GridLocator | None = None,
    now: datetime | None = None,
    workstation: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    if into not in TARGETS:
        raise ValueError(f"into must be one of {TARGETS}, not {into!r}")
    by_field, header_errors = _resolve(into, header, mapping, geometry)
    if header_errors:  # the file as a whole is unreadable: nothing to skip to
        write_error_report(report_path, header_errors)
        raise ImportFailed(str(path), header_errors, len(records))
    now = now or datetime.now(CST)
    workstation = (workstation or default_workstation())[:64]
    locator = locator or GridLocator(store)
    total = 2 * len(records)
    tick = _ticker(progress, 0, total, PROGRESS_EVERY)
    with store.transaction() as s:
        if into == "cases":
            rows, errors = _check_cases(
                s, records, by_field, catalogue or Catalogue.default(), now, tick
            )
        else:
            rows, errors = _check_cameras(s, records, by_field, tick)
        errors.sort(key=lambda e: e.row)
        if errors and not skip_invalid:
            write_error_report(report_path, errors)
            raise ImportFailed(str(path), errors, len(records))
        grids = locator.index_or_none()
        for row in rows:
            grid = grids.lookup(row["lon"], row["lat"]) if grids else None
            row["grid_code"] = grid
            row["district_code"] = grid[:6] if grid else None
        tick = _ticker(progress, len(records), total, 1)  # called once a chunk
        if into == "cases":
            changes = _write_cases(s, rows, now, workstation, path.name, tick)
        else:
            changes = _write_cameras(s, rows, tick)
        changelog.record(s, changes, workstation, now)
    if progress is not None:
        progress(total, total)
    write_error_report(report_path, errors)
    log.info("imported %d %s from %s (%d rows refused)", len(rows), into, path, len(errors))
    return ImportReport(read=len(records), imported=len(rows), rejected=errors)


def _ticker(progress: Progress | None, base: int, total: int, every: int) -> Callable[[int], None]:
    """`tick(i)` after the i-th row of a stage that starts at step `base`: calls `progress`
    every `every` rows (the final call is `_import`'s)."""
    if progress is None:
        return lambda i: None

    def tick(i: int) -> None:
        if i % every == 0:
            progress(base + i, total)

    return tick






def _check_cases(
    s: Session,
    records: list[Record],
    by_field: dict[str, str],
    catalogue: Catalogue,
    now: datetime,
    tick: Callable[[int], None],
) -> tuple[list[dict], list[RowError]]:
    good: list[tuple[Record, dict[str, Any]]] = []
    errors: list[RowError] = []
    given: dict[str, int] = {}  # case numbers the file brings -> their row
    for i, record in enumerate(records, 1):
        tick(i)
        r = _Row(record, by_field)
        category = r.take("category_code", parse_category, r.raw("category_code"), catalogue)
        place = r.place()
        reported = r.raw("reported_at")
        at = now if reported is None else r.take("reported_at", parse_datetime, reported)
        source = r.choice("source", SOURCES, DEFAULT_SOURCE)
        description = r.text("description", 100_000) or ""
        address = r.text("address", 200) or ""
        case_no = r.text("case_no", 32)
        if case_no is not None:
            if case_no in given:
                r.errors.append(
                    RowError(
                        record.row,
                        by_field["case_no"],
                        f"case number '{case_no}' is also on row {given[case_no]}",
                    )
                )
            else:
                given[case_no] = record.row
        if r.errors:
            errors.extend(r.errors)
            continue
        assert category is not None and place is not None and at is not None
        good.append(
            (
                record,
                {
                    "case_no": case_no,
                    "kind": category.kind.value,
                    "category_code": category.code,
                    "source": source,
                    "description": description,
                    "address": address,
                    "lon": place[0],
                    "lat": place[1],
                    "state": "reported",
                    "urgent": category.urgent,
                    "reporter_id": None,
                    "time_limit": category.time_limit.amount,
                    "time_unit": category.time_limit.unit.value,
                    "reported_at": at,
                    "updated_at": now,
                    "version": 1,
                },
            )
        )
    # Numbers the database already has.
    taken: set[str] = set()
    names = [n for n in given]
    for start in range(0, len(names), 1000):
        taken.update(
            s.scalars(select(Case.case_no).where(Case.case_no.in_(names[start : start + 1000])))
        )
    if taken:
        kept = []
        for record, row in good:
            if row["case_no"] in taken:
                errors.append(
                    RowError(
                        record.row,
                        by_field["case_no"],
                        f"case number '{row['case_no']}' already exists",
                    )
                )
            else:
                kept.append((record, row))
        good = kept
    errors.extend(_number_cases(s, good, given, by_field))
    return [row for _, row in good if row["case_no"]], errors


def _number_cases(
    s: Session,
    good: list[tuple[Record, dict[str, Any]]],
    given: dict[str, int],
    by_field: dict[str, str],
) -> list[RowError]:
    """A case number for each row without one: the report's day (CST) and the day's next
    running number, after the database's and the file's own numbers of that day."""
    days: dict[str, list[dict[str, Any]]] = {}
    for _, row in good:
        if row["case_no"] is None:
            days.setdefault(row["reported_at"].astimezone(CST).strftime("%Y%m%d"), []).append(row)
    errors: list[RowError] = []
    postgres = s.get_bind().dialect.name == "postgresql"
    row_of = {id(row): record.row for record, row in good}
    for day in sorted(days):  # in order, so two imports never wait on each other's locks
        if postgres:  # as `CaseService.report`: numbering is serialised per day
            s.execute(select(func.pg_advisory_xact_lock(CASE_NO_LOCK, int(day))))
        last = s.scalar(select(func.max(Case.case_no)).where(Case.case_no.like(f"{day}%")))
        seq = max([_seq(day, last), *(_seq(day, n) for n in given if n.startswith(day))])
        for row in days[day]:
            seq += 1
            if seq > MAX_DAILY_SEQ:
                errors.append(
                    RowError(
                        row_of[id(row)],
                        by_field.get("reported_at", "reported_at"),
                        f"no case numbers left for {day}",
                    )
                )
                continue
            row["case_no"] = f"{day}{seq:05d}"
    return errors


def _seq(day: str, case_no: str | None) -> int:
    tail = case_no[len(day) :] if case_no else ""
    return int(tail) if tail.isdigit() and len(tail) == 5 else 0


def _write_cases(
    s: Session,
    rows: list[dict],
    now: datetime,
    workstation: str,
    source_name: str,
    tick: Callable[[int], None],
) -> Changes:
    """Plain executemany (RETURNING with ordered ids goes row by row on SQLite); the new ids
    are read back by case number, which is unique, inside the same transaction."""
    table, etable = Case.__table__, CaseEvent.__table__
    step = plan_transition(
        None, Action.REPORT, Role.INTAKE, at=now, note=f"imported from {source_name}"
    )
    data = {"imported_at": now.isoformat()}
    case_ids: list[int] = []
    event_ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        bulk_write(s, Case, chunk)
        id_of: dict[str, int] = {}
        numbers = [row["case_no"] for row in chunk]
        for i in range(0, len(numbers), 1000):
            id_of.update(
                (no, id_)
                for id_, no in s.execute(
                    select(table.c.id, table.c.case_no).where(
                        table.c.case_no.in_(numbers[i : i + 1000])
                    )
                )
            )
        ids = [id_of[no] for no in numbers]
        events = [
            {
                "case_id": case_id,
                "action": step.action.value,
                "from_state": None,
                "to_state": step.to_state.value,
                "actor_id": None,
                "actor_role": step.role.value,
                "at": row["reported_at"],
                "note": step.note,
                "data": data,
                "workstation": workstation,
            }
            for case_id, row in zip(ids, chunk, strict=True)
        ]
        bulk_write(s, CaseEvent, events)
        for i in range(0, len(ids), 1000):
            event_ids.extend(
                s.scalars(select(etable.c.id).where(etable.c.case_id.in_(ids[i : i + 1000])))
            )
        case_ids.extend(ids)
        tick(start + len(chunk))
    return Changes.of(cases=case_ids, case_events=event_ids)


def _check_cameras(
    s: Session, records: list[Record], by_field: dict[str, str], tick: Callable[[int], None]
) -> tuple[list[dict], list[RowError]]:
    existing = set(s.scalars(select(Camera.code)))
    seen: dict[str, int] = {}
    rows: list[dict] = []
    errors: list[RowError] = []
    for i, record in enumerate(records, 1):
        tick(i)
        r = _Row(record, by_field)
        code = r.text("code", 32)
        name = r.text("name", 100)
        url = r.text("url", 100_000)
        for field_name, value in (("code", code), ("name", name), ("url", url)):
            if value is None:
                r.errors.append(RowError(record.row, by_field[field_name], f"missing {field_name}"))
        if code is not None:
            if code in existing:
                r.errors.append(
                    RowError(record.row, by_field["code"], f"camera code '{code}' already exists")
                )
            elif code in seen:
                r.errors.append(
                    RowError(
                        record.row,
                        by_field["code"],
                        f"camera code '{code}' is also on row {seen[code]}",
                    )
                )
            else:
                seen[code] = record.row
        place = r.place()
        heading = _optional_angle(r, "heading_deg", "heading", 0.0, 360.0)
        fov = _optional_angle(r, "fov_deg", "field of view", 0.0, 360.0)
        group = r.text("group_name", 60)
        sub_url = r.text("sub_url", 100_000)
        status = r.choice("status", CAMERA_STATUSES, "in_service")
        if r.errors:
            errors.extend(r.errors)
            continue
        assert place is not None
        rows.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "lon": place[0],
                "lat": place[1],
                "heading_deg": heading,
                "fov_deg": fov,
                "group_name": group,
                "sub_url": sub_url,
                "status": status,
                "enabled": status == "in_service",
            }
        )
    return rows, errors


def _optional_angle(r: _Row, name: str, what: str, low: float, high: float) -> float | None:
    raw = r.raw(name)
    if raw is None:
        return None
    value = r.take(name, parse_float, raw, what)
    if value is not None and not low <= value <= high:
        r.errors.append(
            RowError(
                r.record.row,
                r.by_field[name],
                f"{what} {value:g} is out of range ({low:g}..{high:g})",
            )
        )
    return value


def _write_cameras(s: Session, rows: list[dict], tick: Callable[[int], None]) -> Changes:
    table = Camera.__table__
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        ids.extend(
            s.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                rows[start : start + CHUNK],
            )
            .scalars()
            .all()
        )
        tick(len(ids))
    return Changes.of(cameras=ids)


# -- exporting ------------------------------------------------------------------------------
def _export_rows(store: Store, source: Target) -> tuple[list[str], list[dict[str, Any]]]:
    if source not in TARGETS:
        raise ValueError(f"source must be one of {TARGETS}, not {source!r}")
    model = Case if source == "cases" else Camera
    fields = (
        [*CASE_FIELDS, *CASE_EXPORT_ONLY]
        if source == "cases"
        else [*CAMERA_FIELDS, *CAMERA_EXPORT_ONLY]
    )
    table = model.__table__
    with store.read() as s:
        rows = [
            dict(r._mapping)
            for r in s.execute(select(*(table.c[f] for f in fields)).order_by(table.c.id))
        ]
    return fields, rows


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
