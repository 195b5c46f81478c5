"""Read-side queries: counts for `db stats` and the status bar, and the main window's snapshot."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from command_center.domain.catalogue import Catalogue
from command_center.domain.shifts import shift_of
from command_center.domain.squads import squad_activity
from command_center.domain.workflow import HANDLING_STATES, OPEN_STATES, PAUSED_STATES
from command_center.services.cameras import camera_row
from command_center.services.locate import exterior_ring
from command_center.services.snapshot import (
    CaseRow,
    CitySnapshot,
    DistrictShape,
    GridCell,
    SquadRow,
    ZoneRow,
)
from command_center.store.engine import Store
from command_center.store.models import (
    REPORTED_TABLES,
    Base,
    Camera,
    Case,
    District,
    ResponsibilityGrid,
    Squad,
    Unit,
    UnitGrid,
)

RUNNING_CLOCK_STATES = sorted(s.value for s in HANDLING_STATES - PAUSED_STATES)
OPEN = sorted(s.value for s in OPEN_STATES)
RIVERS = Path(__file__).resolve().parents[2] / "resources" / "chaoyang" / "rivers_wdbii.geojson"


def table_counts(s: Session) -> dict[str, int]:
    return {
        name: s.scalar(select(func.count()).select_from(Base.metadata.tables[name])) or 0
        for name in sorted(REPORTED_TABLES)
    }


def case_state_counts(s: Session) -> dict[str, int]:
    rows = s.execute(select(Case.state, func.count()).group_by(Case.state)).all()
    return {state: n for state, n in sorted(rows)}


def overdue_filter(now: datetime):
    """Open cases whose handling clock runs and whose deadline has passed."""
    return (Case.state.in_(RUNNING_CLOCK_STATES)) & (Case.deadline_at < now)


def open_and_overdue(s: Session, now: datetime) -> tuple[int, int]:
    open_n = s.scalar(select(func.count()).where(Case.state.in_(OPEN))) or 0
    overdue = s.scalar(select(func.count()).where(overdue_filter(now))) or 0
    return open_n, overdue


def stats(store: Store) -> dict:
    """What `db stats --json` prints."""
    with store.read() as s:
        return {"tables": table_counts(s), "case_states": case_state_counts(s)}


def case_states(store: Store, case_ids: list[int]) -> dict[int, tuple[str, str]]:
    """id → (state, case number) of the given cases (missing ids are left out)."""
    if not case_ids:
        return {}
    with store.read() as s:
        rows = s.execute(
            select(Case.id, Case.state, Case.case_no).where(Case.id.in_(case_ids))
        ).all()
    return {r.id: (r.state, r.case_no) for r in rows}


def load_snapshot(store: Store, catalogue: Catalogue, now: datetime) -> CitySnapshot:
    """Everything the main window draws, read in one transaction."""
    with store.read() as s:
        open_n, overdue_n = open_and_overdue(s, now)
        districts = tuple(
            DistrictShape(d.code, d.name, _rings(d.geometry))
            for d in s.scalars(select(District).order_by(District.code))
        )
        grid_rows = s.execute(select(UnitGrid.code, UnitGrid.geometry).order_by(UnitGrid.code)).all()
        grids = tuple(tuple(exterior_ring(g)) for _, g in grid_rows)
        squad_names = dict(s.execute(select(Squad.id, Squad.name)).all())
        cases = []
        grid_of: dict[int, str | None] = {}
        held: dict[int, list[tuple[str, float, float]]] = {}  # squad id → its cases
        for c in s.scalars(select(Case).where(Case.state.in_(OPEN)).order_by(Case.reported_at)):
            grid_of[c.id] = c.grid_code
            if c.squad_id is not None:
                held.setdefault(c.squad_id, []).append((c.state, c.lon, c.lat))
            category = catalogue.get(c.category_code)
            cat_name = category.name if category else c.category_code
            overdue = (
                c.state in RUNNING_CLOCK_STATES and c.deadline_at is not None and c.deadline_at < now
            )
            cases.append(
                CaseRow(
                    id=c.id, case_no=c.case_no, category_code=c.category_code,
                    category_name=cat_name, state=c.state, district_code=c.district_code or "",
                    address=c.address, lon=c.lon, lat=c.lat, reported_at=c.reported_at,
                    deadline_at=c.deadline_at, overdue=overdue,
                    squad_name=squad_names.get(c.squad_id) if c.squad_id else None,
                    urgent=c.urgent,
                )
            )
        load = dict(
            s.execute(
                select(Case.squad_id, func.count())
                .where(Case.state.in_(OPEN), Case.squad_id.is_not(None))
                .group_by(Case.squad_id)
            ).all()
        )
        squads = tuple(
            SquadRow(sq.id, sq.code, sq.name, unit_name, sq.status, load.get(sq.id, 0),
                     sq.lon, sq.lat, sq.heading_deg,
                     squad_activity(
                         sq.status, None if sq.lon is None or sq.lat is None else (sq.lon, sq.lat),
                         sq.position_at, now, held.get(sq.id, ()), on_shift=on_shift,
                     ).value,
                     shift.label(), on_shift, sq.position_at)
            for sq, unit_name in s.execute(
                select(Squad, Unit.name).join(Unit, Unit.id == Squad.unit_id).order_by(Squad.code)
            )
            for shift in (shift_of(sq.shift_start, sq.shift_end),)
            for on_shift in (shift.on_duty(now),)
        )
        cameras = tuple(
            camera_row(c) for c in s.scalars(select(Camera).order_by(Camera.code))
        )
        state_counts = case_state_counts(s)
        per_grid_open: dict[str, int] = {}
        per_grid_overdue: dict[str, int] = {}
        for row in cases:
            code = grid_of.get(row.id)
            if code:
                per_grid_open[code] = per_grid_open.get(code, 0) + 1
                if row.overdue:
                    per_grid_overdue[code] = per_grid_overdue.get(code, 0) + 1
        cells = tuple(
            GridCell(code, ring, per_grid_open.get(code, 0), per_grid_overdue.get(code, 0))
            for (code, _), ring in zip(grid_rows, grids, strict=True)
        )
        zones = tuple(
            ZoneRow(z.code, z.name, _rings(z.geometry), squad_names.get(z.squad_id))
            for z in s.scalars(select(ResponsibilityGrid).order_by(ResponsibilityGrid.code))
            if z.geometry
        )
    return CitySnapshot(
        db_label=store.label, taken_at=now, open_count=open_n, overdue_count=overdue_n,
        districts=districts, open_cases=tuple(cases), squads=squads,
        cameras=cameras, river_lines=_rivers(), state_counts=state_counts,
        grid_cells=cells, zones=zones,
    )


def _rings(geometry: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    geo = json.loads(geometry)
    polys = geo["coordinates"] if geo["type"] == "MultiPolygon" else [geo["coordinates"]]
    return tuple(tuple((float(x), float(y)) for x, y in poly[0]) for poly in polys)


def _rivers() -> tuple[tuple[tuple[float, float], ...], ...]:
    """River lines (WGS-84) shipped in resources; empty if the file is absent."""
    if not RIVERS.exists():
        return ()
    data = json.loads(RIVERS.read_text(encoding="utf-8"))
    lines: list[tuple[tuple[float, float], ...]] = []
    for feature in data.get("features", [data]):
        geom = feature.get("geometry", feature)
        parts = geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
        lines.extend(tuple((float(x), float(y)) for x, y in part) for part in parts)
    return tuple(lines)
