"""Find a map feature by what the user types: a case number, a grid code, a camera, a squad,
a district.

`SearchIndex` holds, for each kind of feature, the texts it is found by ("terms": case
number; grid code; camera name and code; squad name and code; district name and code),
normalised (NFKC, case-folded, trimmed). A query ranks hits in three tiers — the whole term,
then the start of a term, then anywhere in a term — and within a tier by kind (districts,
squads, cameras, responsibility grids, unit grids, cases), then alphabetically.

Fast enough to run on every keystroke over ~55,000 cases and ~6,000 grids without a timer:

* whole-term and start-of-term matches come from one sorted list of terms per kind (bisect);
* anywhere-in-a-term matches scan one joined string per kind with ``str.find`` (C speed),
  stopping as soon as enough hits are found;
* one case added, changed or removed updates the sorted list in place and queues the change
  for the joined string, which is rebuilt (for that kind only) once enough changes pile up.

Labels and boxes are built only for the hits a query returns. Plain Python: no Qt.
"""

from __future__ import annotations

import bisect
import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from command_center.domain.geo import local_metres_per_degree
from command_center.map.layers import (
    CameraLayer,
    CaseLayer,
    DistrictLayer,
    Layer,
    LayerList,
    ResponsibilityGridLayer,
    SquadLayer,
    UnitGridLayer,
)
from command_center.services.snapshot import CameraRow, CaseRow, DistrictShape, Ring, SquadRow

__all__ = [
    "KIND_CAMERA",
    "KIND_CASE",
    "KIND_DISTRICT",
    "KIND_GRID",
    "KIND_RESPONSIBILITY_GRID",
    "KIND_SQUAD",
    "KINDS",
    "POINT_BOX_M",
    "BBox",
    "SearchHit",
    "SearchIndex",
    "normalise",
    "point_bbox",
    "rings_bbox",
]

BBox = tuple[float, float, float, float]  # (west, south, east, north), WGS-84 degrees

KIND_DISTRICT = "district"
KIND_SQUAD = "squad"
KIND_CAMERA = "camera"
KIND_RESPONSIBILITY_GRID = "responsibility_grid"
KIND_GRID = "grid"
KIND_CASE = "case"
KINDS: tuple[str, ...] = (
    KIND_DISTRICT,
    KIND_SQUAD,
    KIND_CAMERA,
    KIND_RESPONSIBILITY_GRID,
    KIND_GRID,
    KIND_CASE,
)  # also the order of hits within a tier

# The map layer kind a hit's feature is drawn in (districts and responsibility grids are
# not selectable features).
LAYER_KIND: dict[str, str] = {
    KIND_CASE: "cases",
    KIND_CAMERA: "cameras",
    KIND_SQUAD: "squads",
    KIND_GRID: "unit_grids",
}

POINT_BOX_M = 300.0  # side of the box a point feature is shown in
_SEP = "\x1f"  # joins terms in the substring haystack; never part of a normalised term
_PENDING_LIMIT = 256  # queued additions before a kind's haystack is rebuilt
_STALE_LIMIT = 4096  # removed terms still in a haystack before it is rebuilt


@dataclass(frozen=True)
class SearchHit:
    """One feature found.

    `kind` is one of `KINDS`; `key` the feature's id (case, camera, squad: int) or code
    (grids, districts: str); `name` the short text that identifies it (case number, code,
    camera/squad/district name); `label` a one-line description built from the data only
    (the UI adds the translated kind name); `bbox` the box to show, (west, south, east,
    north) in WGS-84, or None when the feature has no position (a squad that never
    reported one).
    """

    kind: str
    key: int | str
    name: str
    label: str
    bbox: BBox | None


def normalise(text: str) -> str:
    """How terms and queries are compared: NFKC (full-width → ASCII), case-folded, trimmed."""
    return unicodedata.normalize("NFKC", text).casefold().replace(_SEP, "").strip()


def point_bbox(lon: float, lat: float, size_m: float = POINT_BOX_M) -> BBox:
    """A square box of `size_m` metres a side centred on a point."""
    per_lon, per_lat = local_metres_per_degree(lat)
    half_x = size_m / 2.0 / max(per_lon, 1e-9)
    half_y = size_m / 2.0 / per_lat
    return (lon - half_x, lat - half_y, lon + half_x, lat + half_y)


def rings_bbox(rings: Iterable[Ring]) -> BBox | None:
    """The box around every vertex of `rings`, or None when there are none."""
    west = south = math.inf
    east = north = -math.inf
    for ring in rings:
        for lon, lat in ring:
            west, east = min(west, lon), max(east, lon)
            south, north = min(south, lat), max(north, lat)
    return None if west > east else (west, south, east, north)


class _Entry:
    """One indexed feature: its terms and what it was built from (labels come later)."""

    __slots__ = ("_bbox", "key", "kind", "source", "terms")

    def __init__(self, kind: str, key: int | str, terms: tuple[str, ...], source: Any) -> None:
        self.kind = kind
        self.key = key
        self.terms = terms
        self.source = source  # CaseRow / CameraRow / SquadRow / DistrictShape / Ring
        self._bbox: BBox | None | bool = False  # False: not computed yet

    def bbox(self) -> BBox | None:
        if self._bbox is False:
            self._bbox = self._compute_bbox()
        return self._bbox  # type: ignore[return-value]

    def _compute_bbox(self) -> BBox | None:
        src = self.source
        if isinstance(src, DistrictShape):
            return rings_bbox(src.rings)
        if isinstance(src, (CaseRow, CameraRow, SquadRow)):
            if src.lon is None or src.lat is None:
                return None
            return point_bbox(src.lon, src.lat)
        return rings_bbox((src,))  # a grid ring


class _KindIndex:
    """The terms of one kind: a sorted list for whole/start matches, a joined string for
    anywhere-in-a-term matches (plus additions not yet joined in)."""

    def __init__(self) -> None:
        self.entries: dict[int | str, _Entry] = {}
        self._terms: list[str] = []  # sorted
        self._owners: list[_Entry] = []  # parallel to _terms
        self._hay = ""
        self._hay_starts: list[int] = []
        self._hay_owners: list[_Entry] = []
        self._pending: list[tuple[str, _Entry]] = []
        self._stale = 0

    def __len__(self) -> int:
        return len(self.entries)

    def replace_all(self, entries: Iterable[_Entry]) -> None:
        self.entries = {}
        pairs: list[tuple[str, _Entry]] = []
        for entry in entries:
            self.entries[entry.key] = entry  # a repeated key: the last one wins
        for entry in self.entries.values():
            pairs.extend((term, entry) for term in entry.terms)
        pairs.sort(key=lambda p: p[0])
        self._terms = [p[0] for p in pairs]
        self._owners = [p[1] for p in pairs]
        self._rebuild_haystack()

    def put(self, entry: _Entry) -> None:
        """Add `entry`, or replace the entry with its key."""
        self.discard(entry.key)
        self.entries[entry.key] = entry
        for term in entry.terms:
            i = bisect.bisect_right(self._terms, term)
            self._terms.insert(i, term)
            self._owners.insert(i, entry)
            self._pending.append((term, entry))

    def discard(self, key: int | str) -> bool:
        """Drop the entry with `key`; False if there is none."""
        entry = self.entries.pop(key, None)
        if entry is None:
            return False
        for term in entry.terms:
            i = bisect.bisect_left(self._terms, term)
            while i < len(self._terms) and self._terms[i] == term:
                if self._owners[i] is entry:
                    del self._terms[i], self._owners[i]
                    break
                i += 1
        # The haystack keeps its copy until the next rebuild; hits are checked for liveness.
        self._stale += len(entry.terms)
        return True

    def _live(self, entry: _Entry) -> bool:
        return self.entries.get(entry.key) is entry

    def _rebuild_haystack(self) -> None:
        starts: list[int] = []
        pos = 0
        for term in self._terms:
            starts.append(pos)
            pos += len(term) + 1
        self._hay = _SEP.join(self._terms) + _SEP
        self._hay_starts = starts
        self._hay_owners = list(self._owners)
        self._pending = []
        self._stale = 0

    # -- queries (each yields entries in its tier's order; callers deduplicate)

    def exact(self, q: str) -> list[_Entry]:
        i = bisect.bisect_left(self._terms, q)
        j = bisect.bisect_right(self._terms, q, lo=i)
        return self._owners[i:j]

    def prefix(self, q: str, limit: int) -> list[_Entry]:
        """Entries with a term that starts with `q` but is not `q`, sorted by term."""
        out: list[_Entry] = []
        i = bisect.bisect_right(self._terms, q)
        terms, owners = self._terms, self._owners
        while i < len(terms) and len(out) < limit and terms[i].startswith(q):
            out.append(owners[i])
            i += 1
        return out

    def substring(self, q: str, limit: int, skip: Callable[[_Entry], bool]) -> list[_Entry]:
        """Entries with a term holding `q`, other than those `skip` names: in term order for
        the joined terms, then additions since the last rebuild."""
        if len(self._pending) > _PENDING_LIMIT or self._stale > _STALE_LIMIT:
            self._rebuild_haystack()
        out: list[_Entry] = []
        seen: set[int] = set()
        hay, starts, owners = self._hay, self._hay_starts, self._hay_owners
        pos = hay.find(q)
        while pos >= 0 and len(out) < limit:
            t = bisect.bisect_right(starts, pos) - 1
            entry = owners[t]
            if id(entry) not in seen and self._live(entry) and not skip(entry):
                seen.add(id(entry))
                out.append(entry)
            nxt = starts[t + 1] if t + 1 < len(starts) else len(hay)
            pos = hay.find(q, max(nxt, pos + 1))
        for term, entry in self._pending:
            if len(out) >= limit:
                break
            if q in term and id(entry) not in seen and self._live(entry) and not skip(entry):
                seen.add(id(entry))
                out.append(entry)
        return out


_INDEXED_LAYERS = (
    DistrictLayer,
    UnitGridLayer,
    ResponsibilityGridLayer,
    CameraLayer,
    SquadLayer,
    CaseLayer,
)


def _digits_prefix(code: str) -> str:
    return code.lstrip("Rr")[:6]


class SearchIndex:
    """Features of the map, found by number, code or name (see the module docstring).

    Build with `from_layers` (and keep in step with `attach`) or `from_rows`; change one
    feature with `put_case`/`remove_case`, `put_camera`, `put_squad`, or replace one kind
    with the ``set_*`` methods.
    """

    def __init__(self) -> None:
        self._kinds: dict[str, _KindIndex] = {kind: _KindIndex() for kind in KINDS}
        self._district_names: dict[str, str] = {}
        self._attached: list[tuple[Layer, str, Callable[..., Any]]] = []

    # -- building

    @classmethod
    def from_rows(
        cls,
        *,
        districts: Iterable[DistrictShape] = (),
        unit_grids: Mapping[str, Ring] | Iterable[tuple[str, Ring]] = (),
        responsibility_grids: Mapping[str, Ring] | Iterable[tuple[str, Ring]] = (),
        cameras: Iterable[CameraRow] = (),
        squads: Iterable[SquadRow] = (),
        cases: Iterable[CaseRow] = (),
    ) -> SearchIndex:
        index = cls()
        index.set_districts(districts)
        index.set_unit_grids(unit_grids)
        index.set_responsibility_grids(responsibility_grids)
        index.set_cameras(cameras)
        index.set_squads(squads)
        index.set_cases(cases)
        return index

    @classmethod
    def from_layers(cls, layers: LayerList) -> SearchIndex:
        """An index of what the layers hold now (call `attach` to follow their changes)."""
        index = cls()
        for layer in layers:
            index._load_layer(layer)
        return index

    def _load_layer(self, layer: Layer) -> None:
        if isinstance(layer, DistrictLayer):
            self.set_districts(layer.districts)
        elif isinstance(layer, UnitGridLayer) and layer.kind == "unit_grids":
            self.set_unit_grids(layer.cells)  # (not the overdue-by-grid layer over the same cells)
        elif isinstance(layer, ResponsibilityGridLayer):
            self.set_responsibility_grids(layer.cells)
        elif isinstance(layer, CameraLayer):
            self.set_cameras(layer.cameras.values())
        elif isinstance(layer, SquadLayer):
            self.set_squads(layer.squads.values())
        elif isinstance(layer, CaseLayer):
            self.set_cases(layer.cases.values())

    def set_districts(self, districts: Iterable[DistrictShape]) -> None:
        rows = list(districts)
        self._district_names = {d.code: d.name for d in rows}
        self._kinds[KIND_DISTRICT].replace_all(
            _Entry(KIND_DISTRICT, d.code, _terms(d.name, d.code), d) for d in rows
        )

    def set_unit_grids(self, cells: Mapping[str, Ring] | Iterable[tuple[str, Ring]]) -> None:
        self._kinds[KIND_GRID].replace_all(_cell_entries(KIND_GRID, cells))

    def set_responsibility_grids(
        self, cells: Mapping[str, Ring] | Iterable[tuple[str, Ring]]
    ) -> None:
        self._kinds[KIND_RESPONSIBILITY_GRID].replace_all(
            _cell_entries(KIND_RESPONSIBILITY_GRID, cells)
        )

    def set_cameras(self, rows: Iterable[CameraRow]) -> None:
        self._kinds[KIND_CAMERA].replace_all(_camera_entry(r) for r in rows)

    def set_squads(self, rows: Iterable[SquadRow]) -> None:
        self._kinds[KIND_SQUAD].replace_all(_squad_entry(r) for r in rows)

    def set_cases(self, rows: Iterable[CaseRow]) -> None:
        self._kinds[KIND_CASE].replace_all(_case_entry(r) for r in rows)

    # -- live changes

    def put_case(self, row: CaseRow) -> None:
        """Add one case, or replace the case with its id (no rebuild)."""
        self._kinds[KIND_CASE].put(_case_entry(row))

    def remove_case(self, case_id: int) -> bool:
        """Drop one case (no rebuild); False if it was not indexed."""
        return self._kinds[KIND_CASE].discard(case_id)

    def put_camera(self, row: CameraRow) -> None:
        self._kinds[KIND_CAMERA].put(_camera_entry(row))

    def put_squad(self, row: SquadRow) -> None:
        """Add or replace one squad (its position moves the box its hit carries)."""
        self._kinds[KIND_SQUAD].put(_squad_entry(row))

    def remove(self, kind: str, key: int | str) -> bool:
        """Drop one feature of any kind; False if it was not indexed."""
        return self._kinds[kind].discard(key)

    def attach(self, layers: LayerList) -> None:
        """Follow the layers now in `layers`: one case/camera/squad changing updates that one
        feature; a layer's data being replaced reloads that kind. Undo with `detach`."""
        self.detach()
        for layer in layers:
            if not isinstance(layer, _INDEXED_LAYERS):
                continue
            self._connect(layer, "data_changed", self._load_layer)
            if isinstance(layer, (CameraLayer, SquadLayer, CaseLayer)):
                self._connect(layer, "feature_changed", self._on_feature_changed)

    def detach(self) -> None:
        for layer, signal, callback in self._attached:
            getattr(layer, signal).disconnect(callback)
        self._attached = []

    def _connect(self, layer: Layer, signal: str, callback: Callable[..., Any]) -> None:
        getattr(layer, signal).connect(callback)
        self._attached.append((layer, signal, callback))

    def _on_feature_changed(self, layer: Layer, key: int) -> None:
        if isinstance(layer, CaseLayer):
            case = layer.cases.get(key)
            if case is None:
                self.remove_case(key)
            else:
                self.put_case(case)
        elif isinstance(layer, CameraLayer):
            camera = layer.cameras.get(key)
            if camera is None:
                self.remove(KIND_CAMERA, key)
            else:
                self.put_camera(camera)
        elif isinstance(layer, SquadLayer):
            squad = layer.squads.get(key)
            if squad is None:
                self.remove(KIND_SQUAD, key)
            else:
                self.put_squad(squad)

    # -- reading

    def __len__(self) -> int:
        return sum(len(k) for k in self._kinds.values())

    def count(self, kind: str) -> int:
        return len(self._kinds[kind])

    @property
    def district_names(self) -> Mapping[str, str]:
        """District code → name, from the districts indexed."""
        return dict(self._district_names)

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Up to `limit` hits for `text`: whole-term matches, then start-of-term, then
        anywhere; within each, by kind (see `KINDS`) then term. Empty text finds nothing."""
        q = normalise(text)
        if not q or limit <= 0:
            return []
        found: list[_Entry] = []
        taken: set[int] = set()

        def take(entries: Iterable[_Entry]) -> None:
            for entry in entries:
                if len(found) >= limit:
                    return
                if id(entry) not in taken:
                    taken.add(id(entry))
                    found.append(entry)

        for kind in KINDS:
            take(self._kinds[kind].exact(q))
        for kind in KINDS:
            take(self._kinds[kind].prefix(q, limit))
        for kind in KINDS:
            if len(found) >= limit:
                break
            take(self._kinds[kind].substring(q, limit - len(found), lambda e: id(e) in taken))
        return [self._hit(e) for e in found]

    def hit(self, kind: str, key: int | str) -> SearchHit | None:
        """The hit a feature would give, or None when it is not indexed."""
        entry = self._kinds[kind].entries.get(key)
        return None if entry is None else self._hit(entry)

    def _hit(self, entry: _Entry) -> SearchHit:
        name, label = self._describe(entry)
        return SearchHit(entry.kind, entry.key, name, label, entry.bbox())

    def _describe(self, entry: _Entry) -> tuple[str, str]:
        """(name, label) of an entry, from its data only."""
        src = entry.source
        names = self._district_names
        if isinstance(src, CaseRow):
            place = names.get(src.district_code, src.district_code)
            parts = [src.case_no, src.category_name, f"{place} {src.address}".strip()]
            return src.case_no, " · ".join(p for p in parts if p)
        if isinstance(src, CameraRow):
            return src.name, f"{src.name} · {src.code}"
        if isinstance(src, SquadRow):
            parts = [src.name, src.code, src.unit_name]
            return src.name, " · ".join(p for p in parts if p)
        if isinstance(src, DistrictShape):
            return src.name, f"{src.name} · {src.code}"
        code = str(entry.key)
        district = names.get(_digits_prefix(code))
        return code, f"{code} · {district}" if district else code


def _terms(*texts: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (normalise(x) for x in texts if x) if t))


def _cell_entries(
    kind: str, cells: Mapping[str, Ring] | Iterable[tuple[str, Ring]]
) -> Iterable[_Entry]:
    items = cells.items() if isinstance(cells, Mapping) else cells
    for code, ring in items:
        yield _Entry(kind, code, _terms(code), ring)


def _camera_entry(row: CameraRow) -> _Entry:
    return _Entry(KIND_CAMERA, row.id, _terms(row.name, row.code), row)


def _squad_entry(row: SquadRow) -> _Entry:
    return _Entry(KIND_SQUAD, row.id, _terms(row.name, row.code), row)


def _case_entry(row: CaseRow) -> _Entry:
    return _Entry(KIND_CASE, row.id, _terms(row.case_no), row)
