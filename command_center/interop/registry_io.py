"""The city's registries (台账) and its unit grids in and out as CSV and GeoJSON.

Every registry kind of `domain.registries.KINDS` is a target, by its key ("components",
"illegal_buildings", …), and so are the unit grids ("grids").

An import works as `tabular`'s: one transaction of Core bulk inserts, every row checked first,
a single bad row refuses the whole file (`ImportFailed`, nothing written) unless
`skip_invalid`, when the good rows go in and every refused row, with its reason, goes to the
report. `mapping` renames source columns to fields ({"部件名称": "name"}).

Registry objects. A file's columns (CSV) or properties (GeoJSON) are `code` (optional: an
object without one is numbered by the kind's prefix, BJ000001, …), `name` (required),
`address`, `status` (a key or its Chinese label; the kind's initial status when blank), `lon`
and `lat` (CSV; a GeoJSON feature's geometry is its place), and the kind's fields, each by
its key or its Chinese label ("面积" → area_m2, "类型" → origin); 编号/编码, 名称, 地址, 状态,
经度 and 纬度 name the common columns. Other columns (the district, street and grid codes an
export writes) are ignored: every object is located on the unit grids as it is written.
Each object gets one history row (action "import", the file named in its note); the change
log names the new objects (as `RegistryService.create` does), and the grids by their codes.

Illegal buildings have a footprint. GeoJSON brings it as a Polygon (or a MultiPolygon of one
part; holes are dropped). CSV has no geometry column: it brings a point (lon/lat) and the
area (area_m2), and the footprint is then a square of that area centred on the point; a
GeoJSON Point feature is taken the same way. So a CSV export of an illegal building comes
back in as a square of the same area around the footprint's centre.

Unit grids (GB/T 30428.1) come in from GeoJSON only: each feature a Polygon or MultiPolygon
with its 15-digit `code`, whose district (6 digits), street (9) and community (12) must
already exist. Their area is computed, never read. A grid whose code exists is refused, not
overwritten. Grids go out as GeoJSON polygons, or as CSV rows with their centroid.

Exports are written whole or not at all (a temporary file, then `os.replace`).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST
from command_center.domain.geo import local_metres_per_degree
from command_center.domain.grid import GridCode, GridCodeError
from command_center.domain.registries import (
    KINDS,
    Field,
    Kind,
    RegistryError,
    check_rules,
    parse_value,
)
from command_center.interop.importing import (
    ImportFailed,
    ImportReport,
    InvalidValue,
    Record,
    RowError,
    parse_lonlat,
    read_csv_records,
    read_geojson_records,
    write_atomic,
    write_error_report,
)
from command_center.services import changelog
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes
from command_center.services.locate import GridLocator, grids_changed
from command_center.services.registries import CODE_RE, _next_code, _ring
from command_center.services.seed.writer import bulk_write
from command_center.store.engine import Store
from command_center.store.models import (
    Community,
    District,
    RegistryEvent,
    RegistryObject,
    Street,
    UnitGrid,
)

__all__ = [
    "BASE_FIELDS",
    "GRIDS",
    "TARGETS",
    "export_csv",
    "export_geojson",
    "import_csv",
    "import_geojson",
    "resolve_columns",
    "square_footprint",
    "target_fields",
    "target_specs",
]

log = logging.getLogger("db")

GRIDS = "grids"
TARGETS: tuple[str, ...] = (*KINDS, GRIDS)
"""What this module imports and exports: every registry kind, and the unit grids."""

BASE_FIELDS = ("code", "name", "address", "status", "lon", "lat")
BASE_REQUIRED = ("name", "lon", "lat")
# Chinese names of the common columns (a kind's fields are also read by their labels).
BASE_LABELS = {
    "编号": "code",
    "编码": "code",
    "名称": "name",
    "地址": "address",
    "状态": "status",
    "经度": "lon",
    "纬度": "lat",
}
LOCATION_FIELDS = ("district_code", "street_code", "grid_code")  # export only
GRID_FIELDS = ("code", "district_code", "street_code", "community_code")
GRID_LABELS = {"网格编码": "code", "编码": "code"}
GRID_EXPORT = (*GRID_FIELDS, "area_m2")
# The attribute a kind's cross-field rule (`check_rules`) is reported against.
RULE_FIELD = {
    "markets": "closes",
    "parking": "occupied",
    "illegal_buildings": "demolished_on",
    "projects": "completed_on",
}
TARGET_LABELS = {  # English, for the import dialog to translate
    "illegal_buildings": "Illegal buildings",
    "ad_signs": "Outdoor ads and shop signs",
    "parking": "Parking",
    "markets": "Markets",
    "shopfronts": "Shop-front contracts",
    "components": "Municipal components",
    "projects": "Key projects",
    GRIDS: "Unit grids",
}
GEOMETRY = "geometry"  # the field name a GeoJSON feature's geometry is reported under
OVERLAP_TOLERANCE_M2 = 1.0  # a new grid may overlap another by this much (digitising slivers)
CHUNK = 5000  # rows per bulk write
IN_CHUNK = 1000  # values per IN (…) read-back
PROGRESS_EVERY = 2000

Progress = Callable[[int, int], None]


# -- targets --------------------------------------------------------------------------------
def target_fields(target: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields a file can bring into `target`, and the ones it must bring (lon/lat: a
    CSV's columns, or a GeoJSON feature's geometry)."""
    if target == GRIDS:
        return GRID_FIELDS, ("code",)
    spec = _kind(target)
    required = tuple(f.key for f in spec.fields if f.required)
    return (*BASE_FIELDS, *spec.field_keys), (*BASE_REQUIRED, *required)


def target_specs() -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(name, English label, fields, required) of every target here, in display order: what
    `tabular.register_target(*spec)` takes for the import dialog."""
    return [(name, TARGET_LABELS[name], *target_fields(name)) for name in TARGETS]


def _kind(target: str) -> Kind:
    if target not in KINDS:
        raise ValueError(f"unknown registry {target!r}; one of: {', '.join(TARGETS)}")
    return KINDS[target]


def _labels(target: str) -> dict[str, str]:
    """Chinese column names -> field, for `target`."""
    if target == GRIDS:
        return dict(GRID_LABELS)
    return {**BASE_LABELS, **{f.label: f.key for f in _kind(target).fields}}


def resolve_columns(
    target: str, header: Sequence[str], mapping: Mapping[str, str] | None, *, geometry: bool
) -> tuple[dict[str, str], list[RowError]]:
    """Which source column each field is read from (field -> column; "geometry" for a GeoJSON
    feature's place), and what is wrong with the header (row 1). `mapping` first, then a
    column named as a field's key, then one named by its Chinese label."""
    fields, required = target_fields(target)
    mapping = dict(mapping or {})
    errors: list[RowError] = []
    by_field: dict[str, str] = {}
    placed = geometry or target == GRIDS  # the place is the feature's geometry
    allowed = [f for f in fields if not (placed and f in ("lon", "lat"))]
    for column, field in mapping.items():
        if field not in allowed:
            errors.append(
                RowError(1, column, f"unknown field '{field}'; one of: {', '.join(allowed)}")
            )
        elif column not in header:
            errors.append(RowError(1, column, f"the file has no column '{column}'"))
        else:
            by_field[field] = column
    labels = _labels(target)
    for column in header:  # keys before labels: "code" wins over "编码"
        if column in allowed and column not in by_field and column not in mapping:
            by_field[column] = column
    for column in header:
        field = labels.get(column)
        if field in allowed and field not in by_field and column not in mapping:
            by_field[field] = column
    if placed:
        by_field["lon"] = by_field["lat"] = GEOMETRY
    for name in required:
        if name not in by_field:
            errors.append(RowError(1, name, f"no column for the required field '{name}'"))
    return by_field, errors


# -- public API -----------------------------------------------------------------------------
def import_csv(
    store: Store,
    path: Path | str,
    into: str,
    mapping: Mapping[str, str] | None = None,
    **options: Any,
) -> ImportReport:
    """Rows of a CSV file (UTF-8, with or without BOM, or GB18030) as objects of the registry
    `into`, all or nothing. Unit grids come from GeoJSON only (the file is refused).

    Options: `skip_invalid`, `report_path`, `locator`, `now`, `workstation`, `progress`
    (progress(done, total), every few thousand rows). Raises `ImportFailed` (nothing written)
    when a row is bad and not `skip_invalid`.
    """
    path = Path(path)
    if into == GRIDS:
        raise ImportFailed(
            str(path), [RowError(0, "", "unit grids are imported from GeoJSON (their polygons)")]
        )
    spec = _kind(into)
    header, records = read_csv_records(path)
    return _import_objects(store, path, spec, header, records, mapping, geometry=False, **options)


def import_geojson(
    store: Store,
    path: Path | str,
    into: str,
    mapping: Mapping[str, str] | None = None,
    **options: Any,
) -> ImportReport:
    """Features of a GeoJSON FeatureCollection as objects of the registry `into` (Points;
    Polygons for illegal buildings) or as unit grids (`into="grids"`); see `import_csv`."""
    path = Path(path)
    if into == GRIDS:
        header, records = read_geojson_records(path)
        return _import_grids(store, path, header, records, mapping, **options)
    spec = _kind(into)
    header, records = read_geojson_records(path)
    return _import_objects(store, path, spec, header, records, mapping, geometry=True, **options)


def export_geojson(store: Store, out: Path | str, source: str) -> int:
    """Every object of the registry `source` as a feature (footprints as Polygons, the rest
    as Points; WGS-84), or every unit grid (`source="grids"`) as a Polygon feature. Written
    whole or not at all; returns the number of features."""
    if source == GRIDS:
        features = [
            {
                "type": "Feature",
                "geometry": json.loads(row["geometry"]),
                "properties": {k: row[k] for k in GRID_EXPORT},
            }
            for row in _grid_rows(store)
        ]
    else:
        spec = _kind(source)
        features = []
        for o in _object_rows(store, spec):
            geometry = (
                json.loads(o["geometry"])
                if o["geometry"]
                else {"type": "Point", "coordinates": [o["lon"], o["lat"]]}
            )
            props = {k: o[k] for k in ("code", "name", "status", "address", *LOCATION_FIELDS)}
            props.update((key, o["attrs"].get(key)) for key in spec.field_keys)
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
    doc = {"type": "FeatureCollection", "features": features}
    write_atomic(Path(out), json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(features)


def export_csv(store: Store, out: Path | str, source: str) -> int:
    """Every object of the registry `source` as a CSV row (UTF-8 with BOM, for Excel): its
    place as lon/lat (a footprint's centre), its attributes as columns in the kind's field
    order. `source="grids"`: every unit grid with its area and centroid (no geometry).
    Written whole or not at all; returns the number of rows."""
    buf = io.StringIO()
    w = csv.writer(buf)
    if source == GRIDS:
        rows = _grid_rows(store)
        columns = [*GRID_EXPORT, "lon", "lat"]
        w.writerow(columns)
        if rows:
            centres = shapely.centroid(shapely.from_geojson([r["geometry"] for r in rows]))
            for row, x, y in zip(
                rows, shapely.get_x(centres).tolist(), shapely.get_y(centres).tolist(), strict=True
            ):
                w.writerow([*(row[k] for k in GRID_EXPORT), round(x, 7), round(y, 7)])
        n = len(rows)
    else:
        spec = _kind(source)
        base = ["code", "name", "status", "address", "lon", "lat", *LOCATION_FIELDS]
        w.writerow([*base, *spec.field_keys])
        objects = _object_rows(store, spec)
        for o in objects:
            values = [o[k] for k in base] + [o["attrs"].get(k) for k in spec.field_keys]
            w.writerow(["" if v is None else v for v in values])
        n = len(objects)
    write_atomic(Path(out), buf.getvalue(), encoding="utf-8-sig")
    return n


def square_footprint(lon: float, lat: float, area_m2: float) -> dict[str, Any]:
    """A GeoJSON Polygon: the square of `area_m2` square metres centred on (lon, lat), its
    sides north–south and east–west (what a CSV row's point and area stand for)."""
    half = math.sqrt(area_m2) / 2.0
    mx, my = local_metres_per_degree(lat)
    dx, dy = half / mx, half / my
    ring = [
        [lon - dx, lat - dy],
        [lon + dx, lat - dy],
        [lon + dx, lat + dy],
        [lon - dx, lat + dy],
        [lon - dx, lat - dy],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


# -- registry objects: checking -------------------------------------------------------------
class _Row:
    """One record's raw values by field, and its errors."""

    def __init__(self, record: Record, by_field: dict[str, str]) -> None:
        self.record = record
        self.by_field = by_field
        self.errors: list[RowError] = []
        if "" in record.values:  # the CSV reader's "row has more cells than the header"
            self.errors.append(RowError(record.row, "", record.values[""]))

    def column(self, field: str) -> str:
        return self.by_field.get(field, field)

    def raw(self, field: str) -> Any:
        column = self.by_field.get(field)
        if column is None:
            return None
        value = self.record.values.get(column)
        if value.__class__ is str:
            value = value.strip()
            return value or None
        return value

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(RowError(self.record.row, self.column(field), reason))


def _check_object(
    spec: Kind, r: _Row, geometry: bool, parsed: dict[tuple[str, type, Any], Any]
) -> dict[str, Any] | None:
    """The columns of one object (its code may still be None), or None with `r.errors`."""
    name = r.raw("name")
    name = None if name is None else str(name)
    if name is None:
        r.fail("name", "missing name")
    elif len(name) > 100:
        r.fail("name", "a name has at most 100 characters")
    code = r.raw("code")
    code = None if code is None else str(code)
    if code is not None and not CODE_RE.match(code):
        r.fail("code", f"code '{code}': letters, digits, - and _ only, at most 32")
    status = _status(spec, r)
    address = r.raw("address")
    address = "" if address is None else str(address)
    if len(address) > 200:
        r.fail("address", "longer than 200 characters")
    attrs = _attrs(spec, r, parsed)
    place = _place(spec, r, attrs, geometry)
    if r.errors:
        return None
    assert name is not None and status is not None and attrs is not None and place is not None
    return {
        "code": code,
        "name": name,
        "status": status,
        "address": address,
        "attrs": attrs,
        **place,
    }


def _status(spec: Kind, r: _Row) -> str | None:
    raw = r.raw("status")
    if raw is None:
        return spec.initial
    text = str(raw)
    for s in spec.statuses:
        if text in (s.key, s.label):
            return s.key
    allowed = ", ".join(f"{s.key} ({s.label})" for s in spec.statuses)
    r.fail("status", f"unknown status '{text}'; one of: {allowed}")
    return None


def _attrs(spec: Kind, r: _Row, parsed: dict[tuple[str, type, Any], Any]) -> dict[str, Any] | None:
    """The kind's attributes, each parsed and checked, then the kind's rules between them.
    `parsed` remembers each (field, raw value) of the file: a spreadsheet repeats them."""
    attrs: dict[str, Any] = {}
    bad = False
    for f in spec.fields:
        if f.key not in r.by_field:
            continue  # `resolve_columns` has made sure the required ones have a column
        value = _parse_cached(f, r.raw(f.key), parsed)
        if isinstance(value, RegistryError):
            r.fail(f.key, str(value))
            bad = True
            continue
        if value is None:
            if f.required:
                r.fail(f.key, f"missing {f.label}")
                bad = True
        else:
            attrs[f.key] = value
    if bad:
        return None
    try:
        check_rules(spec, attrs)
    except RegistryError as exc:
        r.fail(RULE_FIELD.get(spec.key, ""), str(exc))
        return None
    return attrs


def _parse_cached(f: Field, raw: Any, parsed: dict[tuple[str, type, Any], Any]) -> Any:
    """`parse_value(f, raw)`, or the `RegistryError` it raises, remembered in `parsed`."""
    key = (f.key, raw.__class__, raw)  # the class too: True == 1, but not as a number
    try:
        return parsed[key]
    except KeyError:
        pass
    except TypeError:  # a list or an object from GeoJSON: not remembered
        return _parse(f, raw)
    value = parsed[key] = _parse(f, raw)
    return value


def _parse(f: Field, raw: Any) -> Any:
    try:
        return parse_value(f, raw)
    except RegistryError as exc:
        return exc


def _place(
    spec: Kind, r: _Row, attrs: dict[str, Any] | None, geometry: bool
) -> dict[str, Any] | None:
    """The place columns (lon, lat, geometry and its box), or None with a reason."""
    footprint = None
    if geometry:
        g = r.record.values.get("\0geometry")
        kind = g.get("type") if isinstance(g, dict) else None
        if g is None:
            r.fail("lon", "missing coordinates")
            return None
        if kind in ("Polygon", "MultiPolygon"):
            if spec.geometry != "polygon":
                r.fail("lon", f"geometry is a {kind}, not a Point")
                return None
            footprint = g
        elif kind != "Point":
            what = "a Polygon or a Point" if spec.geometry == "polygon" else "a Point"
            r.fail("lon", f"geometry is a {kind or 'non-geometry'}, not {what}")
            return None
        else:
            coords = g.get("coordinates")
            if not isinstance(coords, list) or len(coords) < 2:
                r.fail("lon", "a Point needs [longitude, latitude]")
                return None
            lon, lat = coords[0], coords[1]
    else:
        lon, lat = r.raw("lon"), r.raw("lat")
    try:
        if footprint is not None:
            return _footprint(footprint)
        x, y = parse_lonlat(lon, lat)
        if spec.geometry != "polygon":
            return _point_place(x, y)
        if attrs is None or "area_m2" not in attrs:
            return None  # the area's own reason is already given
        return _footprint(square_footprint(x, y, attrs["area_m2"]))
    except (InvalidValue, RegistryError) as exc:
        r.fail("lon", str(exc))
        return None


def _footprint(g: dict[str, Any]) -> dict[str, Any]:
    """The place columns of a GeoJSON footprint, checked corner by corner (in China) and as
    a polygon (simple, with an area; holes are dropped); raises `InvalidValue` or
    `RegistryError` with the reason. The point is the footprint's centroid."""
    coords = g.get("coordinates")
    if g.get("type") == "MultiPolygon":
        if not isinstance(coords, list) or len(coords) != 1:
            n = len(coords) if isinstance(coords, list) else 0
            raise InvalidValue(f"the footprint is a MultiPolygon of {n} parts, not one")
        g = {"type": "Polygon", "coordinates": coords[0]}
        coords = g["coordinates"]
    try:
        points = [(p[0], p[1]) for p in coords[0]]
    except (IndexError, KeyError, TypeError):
        raise InvalidValue("the footprint's coordinates are not [lon, lat] pairs") from None
    for i, (x, y) in enumerate(points, 1):
        try:
            parse_lonlat(x, y)
        except InvalidValue as exc:
            raise InvalidValue(f"corner {i}: {exc}") from None
    if len(points) >= 4 and not shapely.is_valid(polygon := shapely.Polygon(points)):
        raise InvalidValue(
            f"the footprint is not a valid polygon ({shapely.is_valid_reason(polygon)})"
        )
    ring = _ring(g)  # closed, at least three corners, some area
    polygon = shapely.Polygon(ring)
    # GEOS's centroid, not a shoelace sum over raw degrees: that one loses the footprint's
    # few metres to cancellation at longitude 120.
    centre = polygon.centroid
    x0, y0, x1, y1 = polygon.bounds
    return {
        "lon": float(centre.x),
        "lat": float(centre.y),
        "geometry": json.dumps({"type": "Polygon", "coordinates": [ring]}),
        "min_lon": x0,
        "min_lat": y0,
        "max_lon": x1,
        "max_lat": y1,
    }


def _point_place(lon: float, lat: float) -> dict[str, Any]:
    return {"lon": lon, "lat": lat, "geometry": None,
            "min_lon": lon, "min_lat": lat, "max_lon": lon, "max_lat": lat}  # fmt: skip


# -- registry objects: importing ------------------------------------------------------------
def _import_objects(
    store: Store,
    path: Path,
    spec: Kind,
    header: list[str],
    records: list[Record],
    mapping: Mapping[str, str] | None,
    *,
    geometry: bool,
    skip_invalid: bool = False,
    report_path: Path | str | None = None,
    locator: GridLocator | None = None,
    now: datetime | None = None,
    workstation: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    by_field, header_errors = resolve_columns(spec.key, header, mapping, geometry=geometry)
    if header_errors:  # the file as a whole is unreadable: nothing to skip to
        write_error_report(report_path, header_errors)
        raise ImportFailed(str(path), header_errors, len(records))
    now = now or datetime.now(CST)
    workstation = (workstation or default_workstation())[:64]
    locator = locator or GridLocator(store)
    total = 2 * len(records)
    good: list[tuple[int, dict[str, Any]]] = []  # (row, columns)
    errors: list[RowError] = []
    given: dict[str, int] = {}  # codes the file brings -> their row
    parsed: dict[tuple[str, type, Any], Any] = {}
    for i, record in enumerate(records, 1):
        if progress is not None and i % PROGRESS_EVERY == 0:
            progress(i, total)
        r = _Row(record, by_field)
        row = _check_object(spec, r, geometry, parsed)
        code = row["code"] if row else None
        if code is not None:
            if code in given:
                r.fail("code", f"code '{code}' is also on row {given[code]}")
                row = None
            else:
                given[code] = record.row
        if row is None:
            errors.extend(r.errors)
        else:
            good.append((record.row, row))
    with store.transaction() as s:
        taken = _existing(s, RegistryObject.code, list(given))
        if taken:
            for row_no, row in good:
                if row["code"] in taken:
                    errors.append(
                        RowError(row_no, by_field["code"], f"code '{row['code']}' already exists")
                    )
            good = [(n, row) for n, row in good if row["code"] not in taken]
        errors.sort(key=lambda e: e.row)
        if errors and not skip_invalid:
            write_error_report(report_path, errors)
            raise ImportFailed(str(path), errors, len(records))
        rows = [row for _, row in good]
        _number(s, spec, rows, given)
        _locate(locator, rows)
        for row in rows:
            row.update(kind=spec.key, created_at=now, updated_at=now, version=1)
        if progress is not None:
            progress(len(records), total)
        changes = _write_objects(s, rows, now, workstation, path.name)
        changelog.record(s, changes, workstation, now)
    if progress is not None:
        progress(total, total)
    write_error_report(report_path, errors)
    log.info("imported %d %s from %s (%d rows refused)", len(rows), spec.key, path, len(errors))
    return ImportReport(read=len(records), imported=len(rows), rejected=errors)


def _existing(s: Session, column: Any, values: list[str]) -> set[str]:
    """Which of `values` the database already has in `column`."""
    found: set[str] = set()
    for start in range(0, len(values), IN_CHUNK):
        found.update(s.scalars(select(column).where(column.in_(values[start : start + IN_CHUNK]))))
    return found


def _number(s: Session, spec: Kind, rows: list[dict[str, Any]], given: dict[str, int]) -> None:
    """A code for each row without one: the kind's prefix and the next number after the
    database's and the file's own codes of that prefix (as `RegistryService.create`)."""
    todo = [row for row in rows if row["code"] is None]
    if not todo:
        return
    prefix = spec.code_prefix
    first = int(_next_code(s, spec)[len(prefix) :])
    mine = [
        int(c[len(prefix) :]) for c in given if c.startswith(prefix) and c[len(prefix) :].isdigit()
    ]
    seq = max([first - 1, *mine])
    for row in todo:
        seq += 1
        row["code"] = f"{prefix}{seq:06d}"


def _locate(locator: GridLocator, rows: list[dict[str, Any]]) -> None:
    """Grid, street and district of every row, in one vectorised lookup."""
    grids = locator.index_or_none()
    codes = (
        grids.lookup_many([r["lon"] for r in rows], [r["lat"] for r in rows])
        if grids is not None and rows
        else [None] * len(rows)
    )
    for row, grid in zip(rows, codes, strict=True):
        row["grid_code"] = grid
        row["street_code"] = grid[:9] if grid else None
        row["district_code"] = grid[:6] if grid else None


def _write_objects(
    s: Session, rows: list[dict[str, Any]], now: datetime, workstation: str, source_name: str
) -> Changes:
    """Objects, then one history row each; the new ids are read back by code (unique) in the
    same transaction, as `tabular` does for cases. The change log names the objects only, as
    `RegistryService.create` does (a history is read with its object)."""
    table = RegistryObject.__table__
    note = f"imported from {source_name}"
    object_ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        bulk_write(s, RegistryObject, chunk)
        codes = [row["code"] for row in chunk]
        id_of: dict[str, int] = {}
        for i in range(0, len(codes), IN_CHUNK):
            id_of.update(
                (code, id_)
                for id_, code in s.execute(
                    select(table.c.id, table.c.code).where(
                        table.c.code.in_(codes[i : i + IN_CHUNK])
                    )
                )
            )
        ids = [id_of[code] for code in codes]
        bulk_write(
            s,
            RegistryEvent,
            [
                {  # from_status, actor_id and data: NULL
                    "object_id": object_id,
                    "action": "import",
                    "to_status": row["status"],
                    "at": now,
                    "note": note,
                    "workstation": workstation,
                }
                for object_id, row in zip(ids, chunk, strict=True)
            ],
        )
        object_ids.extend(ids)
    return Changes.of(registry_objects=object_ids)


# -- unit grids -----------------------------------------------------------------------------
def _import_grids(
    store: Store,
    path: Path,
    header: list[str],
    records: list[Record],
    mapping: Mapping[str, str] | None,
    *,
    skip_invalid: bool = False,
    report_path: Path | str | None = None,
    locator: GridLocator | None = None,
    now: datetime | None = None,
    workstation: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Unit grids from GeoJSON features; the change log names each by its code (digits)."""
    by_field, header_errors = resolve_columns(GRIDS, header, mapping, geometry=True)
    if header_errors:
        write_error_report(report_path, header_errors)
        raise ImportFailed(str(path), header_errors, len(records))
    now = now or datetime.now(CST)
    workstation = (workstation or default_workstation())[:64]
    total = 2 * len(records)
    with store.transaction() as s:
        districts = set(s.scalars(select(District.code)))
        streets = set(s.scalars(select(Street.code)))
        communities = set(s.scalars(select(Community.code)))
        good: list[tuple[int, dict[str, Any]]] = []
        errors: list[RowError] = []
        given: dict[str, int] = {}
        for i, record in enumerate(records, 1):
            if progress is not None and i % PROGRESS_EVERY == 0:
                progress(i, total)
            r = _Row(record, by_field)
            row = _check_grid(r, districts, streets, communities)
            if row is not None:
                if row["code"] in given:
                    r.fail("code", f"unit grid '{row['code']}' is also on row {given[row['code']]}")
                    row = None
                else:
                    given[row["code"]] = record.row
            if row is None:
                errors.extend(r.errors)
            else:
                good.append((record.row, row))
        taken = _existing(s, UnitGrid.code, list(given))
        for row_no, row in good:
            if row["code"] in taken:
                errors.append(
                    RowError(
                        row_no,
                        by_field["code"],
                        f"unit grid '{row['code']}' already exists (it is not overwritten)",
                    )
                )
        good = [(row_no, row) for row_no, row in good if row["code"] not in taken]
        for row_no, reason in _overlaps(s, good).items():
            errors.append(RowError(row_no, by_field.get("lon", GEOMETRY), reason))
        refused = {e.row for e in errors}
        rows = [row for row_no, row in good if row_no not in refused]
        errors.sort(key=lambda e: e.row)
        if errors and not skip_invalid:
            write_error_report(report_path, errors)
            raise ImportFailed(str(path), errors, len(records))
        for start in range(0, len(rows), CHUNK):
            bulk_write(s, UnitGrid, rows[start : start + CHUNK])
        changes = Changes.of(unit_grids=[int(row["code"]) for row in rows])
        changelog.record(s, changes, workstation, now)
    grids_changed()  # every locator of this process, the one passed in too
    if progress is not None:
        progress(total, total)
    write_error_report(report_path, errors)
    log.info("imported %d unit grids from %s (%d refused)", len(rows), path, len(errors))
    return ImportReport(read=len(records), imported=len(rows), rejected=errors)


def _check_grid(
    r: _Row, districts: set[str], streets: set[str], communities: set[str]
) -> dict[str, Any] | None:
    raw = r.raw("code")
    code: GridCode | None = None
    if raw is None:
        r.fail("code", "missing code")
    else:
        try:
            code = GridCode.parse(str(raw))
        except GridCodeError as exc:
            r.fail("code", str(exc))
    if code is not None:
        for field, own, known, what in (
            ("district_code", code.district_code, districts, "district"),
            ("street_code", code.street_code, streets, "street"),
            ("community_code", code.community_code, communities, "community"),
        ):
            stated = r.raw(field)
            if stated is not None and str(stated) != own:
                r.fail(field, f"{field} {stated} is not the code's {own}")
            elif own not in known:
                r.fail("code", f"{what} {own} of unit grid {code} does not exist")
    place = _grid_polygon(r)
    if r.errors:
        return None
    assert code is not None and place is not None
    return {
        "code": str(code),
        "district_code": code.district_code,
        "street_code": code.street_code,
        "community_code": code.community_code,
        "responsibility_grid_id": None,
        **place,
    }


def _overlaps(s: Session, new: list[tuple[int, dict[str, Any]]]) -> dict[int, str]:
    """Row -> reason for each new grid that overlaps a grid in the store or an earlier grid
    of the file by more than OVERLAP_TOLERANCE_M2 (unit grids partition the city: a point
    must fall in one grid only). Shared edges and digitising slivers are tolerated."""
    if not new:
        return {}
    x0 = min(row["min_lon"] for _, row in new)
    y0 = min(row["min_lat"] for _, row in new)
    x1 = max(row["max_lon"] for _, row in new)
    y1 = max(row["max_lat"] for _, row in new)
    stored = s.execute(
        select(UnitGrid.code, UnitGrid.geometry).where(
            UnitGrid.max_lon >= x0, UnitGrid.min_lon <= x1,
            UnitGrid.max_lat >= y0, UnitGrid.min_lat <= y1,
        )
    ).all()
    codes = [code for code, _ in stored] + [row["code"] for _, row in new]
    shapes = [shapely.from_geojson(g) for _, g in stored]
    shapes += [shapely.from_geojson(row["geometry"]) for _, row in new]
    tree = shapely.STRtree(shapes)
    shapes_array = np.asarray(shapes, dtype=object)
    out: dict[int, str] = {}
    for i, (row_no, _row) in enumerate(new):
        own = len(stored) + i
        shape = shapes[own]
        mx, my = local_metres_per_degree(shape.centroid.y)
        near = tree.query(shape, predicate="intersects")
        # Only those whose interiors meet (neighbours that share an edge do not).
        near = near[shapely.relate_pattern(shape, shapes_array[near], "T********")]
        for j in sorted(int(j) for j in near):
            if j >= own:  # itself, or a later row of the file (which reports it)
                continue
            if j >= len(stored) and new[j - len(stored)][0] in out:
                continue  # an earlier row refused for overlapping: it will not be there
            m2 = shape.intersection(shapes[j]).area * mx * my
            if m2 > OVERLAP_TOLERANCE_M2:
                where = "" if j < len(stored) else f" (row {new[j - len(stored)][0]})"
                out[row_no] = f"overlaps unit grid '{codes[j]}'{where} by {m2:.0f} m²"
                break
    return out


def _grid_polygon(r: _Row) -> dict[str, Any] | None:
    """A grid's geometry, box and area (m²), or None with the reason."""
    g = r.record.values.get("\0geometry")
    kind = g.get("type") if isinstance(g, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        r.fail("lon", "missing geometry" if g is None else f"geometry is a {kind}, not a Polygon")
        return None
    try:
        shape = shapely.from_geojson(json.dumps(g))
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        r.fail("lon", f"geometry is not a valid {kind} ({exc})")
        return None
    if not shape.is_valid:
        r.fail("lon", f"not a valid polygon ({shapely.is_valid_reason(shape)})")
        return None
    if shape.is_empty or shape.area <= 0.0:
        r.fail("lon", "the polygon has no area")
        return None
    x0, y0, x1, y1 = shape.bounds
    for x, y in ((x0, y0), (x1, y1)):
        try:
            parse_lonlat(x, y)
        except InvalidValue as exc:
            r.fail("lon", str(exc))
            return None
    c = shape.centroid
    gx, gy = local_metres_per_degree(c.y)
    return {
        "geometry": json.dumps(g, ensure_ascii=False),
        "min_lon": x0,
        "min_lat": y0,
        "max_lon": x1,
        "max_lat": y1,
        "area_m2": round(float(shape.area * gx * gy), 1),
    }


# -- exporting ------------------------------------------------------------------------------
def _object_rows(store: Store, spec: Kind) -> list[dict[str, Any]]:
    table = RegistryObject.__table__
    columns = (
        "code",
        "name",
        "status",
        "address",
        "lon",
        "lat",
        "geometry",
        "attrs",
        *LOCATION_FIELDS,
    )
    with store.read() as s:
        rows = [
            dict(r._mapping)
            for r in s.execute(
                select(*(table.c[c] for c in columns))
                .where(table.c.kind == spec.key)
                .order_by(table.c.code)
            )
        ]
    for row in rows:
        row["attrs"] = row["attrs"] or {}
        row["address"] = row["address"] or ""
    return rows


def _grid_rows(store: Store) -> list[dict[str, Any]]:
    table = UnitGrid.__table__
    with store.read() as s:
        return [
            dict(r._mapping)
            for r in s.execute(
                select(*(table.c[c] for c in (*GRID_EXPORT, "geometry"))).order_by(table.c.code)
            )
        ]




