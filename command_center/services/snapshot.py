"""Plain, immutable pictures of the command centre that the UI draws.

The UI never queries the database itself: a worker builds a `CitySnapshot` (see
`services.queries.load_snapshot`) and hands it to the main thread.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Ring = tuple[tuple[float, float], ...]  # (lon, lat) WGS-84, closed or open


@dataclass(frozen=True)
class DistrictShape:
    code: str  # GB/T 2260 admin code, e.g. "211302"
    name: str  # 双塔区
    rings: tuple[Ring, ...]  # exterior rings of the (multi)polygon


@dataclass(frozen=True)
class CaseRow:
    id: int
    case_no: str
    category_code: str
    category_name: str
    state: str  # workflow.CaseState value
    district_code: str
    address: str
    lon: float
    lat: float
    reported_at: datetime
    deadline_at: datetime | None
    overdue: bool
    squad_name: str | None
    urgent: bool = False


@dataclass(frozen=True)
class SquadRow:
    id: int
    code: str
    name: str
    unit_name: str
    status: str  # available | busy | off_duty
    open_cases: int
    lon: float | None
    lat: float | None
    heading_deg: float | None = None  # course over ground, 0 = north, clockwise
    activity: str = ""  # domain.squads.Activity: idle | en_route | handling | offline
    shift: str = ""  # 'HH:MM–HH:MM' (domain.shifts.Shift.label); '' round the clock
    on_shift: bool = True
    position_at: datetime | None = None  # when the latest fix was taken


@dataclass(frozen=True)
class CameraRow:
    id: int
    code: str
    name: str
    lon: float
    lat: float
    url: str
    enabled: bool
    heading_deg: float | None = None  # view direction, 0 = north, clockwise
    fov_deg: float | None = None  # horizontal field of view
    sub_url: str | None = None  # the tiles' low-resolution stream; None: `url` serves both
    group_name: str | None = None  # the wall's camera group (e.g. 重点部位)
    status: str = "in_service"  # in_service | maintenance | retired

    @property
    def tile_url(self) -> str:
        """The stream a wall tile plays (the sub-stream when there is one)."""
        return self.sub_url or self.url

    @property
    def usable(self) -> bool:
        return self.enabled and self.status == "in_service"


@dataclass(frozen=True)
class GridCell:
    """A unit grid (单元网格) with what the map colours it by."""

    code: str
    ring: Ring
    open_cases: int = 0
    overdue_cases: int = 0


@dataclass(frozen=True)
class ZoneRow:
    """A responsibility grid (责任网格): a named zone a squad answers for."""

    code: str
    name: str
    rings: tuple[Ring, ...]
    squad_name: str | None = None


@dataclass(frozen=True)
class RegistryRow:
    """An object of one of the city's registries (台账) as the map draws it: its place (a
    point, and for an illegal building its footprint ring), its status and attributes."""

    id: int
    kind: str  # domain.registries.KINDS key
    code: str
    name: str
    status: str
    lon: float
    lat: float
    footprint: Ring | None = None  # (lon, lat) exterior ring, WGS-84; None: a point
    address: str = ""
    attrs: Mapping[str, Any] = field(default_factory=dict, hash=False)  # JSON values

    @classmethod
    def of(cls, o: Any) -> RegistryRow:
        """From a `services.registries.ObjectRow` (or anything with its attributes)."""
        footprint = None
        if o.geometry:
            coords = json.loads(o.geometry)["coordinates"][0]
            footprint = tuple((float(x), float(y)) for x, y, *_ in coords)
        return cls(o.id, o.kind, o.code, o.name, o.status, float(o.lon), float(o.lat),
                   footprint, o.address or "", dict(o.attrs or {}))


@dataclass(frozen=True)
class CitySnapshot:
    """Everything the main window shows, read in one go on a worker thread."""

    db_label: str
    taken_at: datetime
    open_count: int
    overdue_count: int
    districts: tuple[DistrictShape, ...] = ()
    open_cases: tuple[CaseRow, ...] = ()
    squads: tuple[SquadRow, ...] = ()
    cameras: tuple[CameraRow, ...] = ()
    river_lines: tuple[Ring, ...] = ()
    grid_cells: tuple[GridCell, ...] = ()
    zones: tuple[ZoneRow, ...] = ()
    state_counts: dict[str, int] = field(default_factory=dict)
