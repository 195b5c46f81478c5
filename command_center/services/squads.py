"""Field squads: where they are, whether they can take work, and what dispatch needs to know.

Positions arrive from the MQTT feed (`live.positions`) and from the demo simulator; both call
`report_position`, which keeps only the newest fix (a report older than the stored one is
late news and is ignored). Every write is one transaction logged in the change log, so the
other workstations' maps follow the squads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST
from command_center.domain.dispatch import SquadCandidate, SquadStatus
from command_center.domain.shifts import Shift, shift_of
from command_center.domain.workflow import HANDLING_STATES
from command_center.services import changelog
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes, NotFound, ServiceError
from command_center.store.engine import Store
from command_center.store.models import Case, Squad, Unit

__all__ = ["LOAD_STATES", "PositionFix", "SquadService"]

LOAD_STATES = sorted(s.value for s in HANDLING_STATES)
"""A squad's load: its cases in these states (work it still owes: dispatched, in progress,
sent back, extension asked)."""


@dataclass(frozen=True)
class PositionFix:
    """One position report of a squad: WGS-84 degrees, heading 0 = north clockwise."""

    squad_id: int
    lon: float
    lat: float
    heading: float | None
    at: datetime


class SquadService:
    """Squads' positions and duty status on one store."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        workstation: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.workstation = (workstation or default_workstation())[:64]

    # -- writes ---------------------------------------------------------------------------
    def report_position(
        self, squad_id: int, lon: float, lat: float, heading: float | None, at: datetime
    ) -> Changes:
        """A squad's fix taken at `at`; ignored (empty Changes) when older than the stored
        one or identical to it. Raises NotFound for an unknown squad, ServiceError for a
        position that is not a longitude/latitude or a naive time."""
        return self.report_positions([PositionFix(squad_id, lon, lat, heading, at)])

    def report_positions(self, fixes: Iterable[PositionFix]) -> Changes:
        """Several fixes in one transaction (a feed's burst, the simulator's tick)."""
        checked = [_checked(f) for f in fixes]
        if not checked:
            return Changes()
        written: set[int] = set()
        with self.store.transaction() as s:
            for fix in checked:
                if _write_fix(s, fix):
                    written.add(fix.squad_id)
            changes = Changes.of(squads=written) if written else Changes()
            changelog.record(s, changes, self.workstation, self.clock())
        return changes

    def set_status(self, squad_id: int, status: str | SquadStatus) -> Changes:
        """available | busy | off_duty; an unchanged status writes nothing."""
        try:
            value = SquadStatus(status).value
        except ValueError:
            allowed = ", ".join(s.value for s in SquadStatus)
            raise ServiceError(f"unknown squad status {status!r}; one of: {allowed}") from None
        with self.store.transaction() as s:
            squad = s.get(Squad, squad_id)
            if squad is None:
                raise NotFound(f"no squad with id {squad_id}")
            if squad.status == value:
                return Changes()
            squad.status = value
            s.flush()
            changes = Changes.of(squads=squad_id)
            changelog.record(s, changes, self.workstation, self.clock())
            return changes

    def set_shift(self, squad_id: int, shift: Shift) -> Changes:
        """The squad's daily shift (`Shift()`: round the clock); unchanged writes nothing."""
        with self.store.transaction() as s:
            squad = s.get(Squad, squad_id)
            if squad is None:
                raise NotFound(f"no squad with id {squad_id}")
            if (squad.shift_start, squad.shift_end) == (shift.start, shift.end):
                return Changes()
            squad.shift_start, squad.shift_end = shift.start, shift.end
            s.flush()
            changes = Changes.of(squads=squad_id)
            changelog.record(s, changes, self.workstation, self.clock())
            return changes

    # -- reads ----------------------------------------------------------------------------
    def squad_candidates(self, now: datetime | None = None) -> list[SquadCandidate]:
        """Every squad as `dispatch.recommend` sees it: position and its age, status, unit
        type and open case load (`LOAD_STATES`), and whether it is on shift at `now` (when
        given, else the service's clock; a fix's age is judged by `recommend(now=…)`)."""
        now = now if now is not None else self.clock()
        with self.store.read() as s:
            load = dict(
                s.execute(
                    select(Case.squad_id, func.count())
                    .where(Case.state.in_(LOAD_STATES), Case.squad_id.is_not(None))
                    .group_by(Case.squad_id)
                ).all()
            )
            rows = s.execute(
                select(Squad, Unit.unit_type)
                .join(Unit, Unit.id == Squad.unit_id)
                .order_by(Squad.id)
            ).all()
            return [
                SquadCandidate(
                    id=q.id,
                    lon=q.lon,
                    lat=q.lat,
                    status=q.status,
                    open_cases=int(load.get(q.id, 0)),
                    unit_type=unit_type,
                    on_shift=(
                        q.status != SquadStatus.OFF_DUTY
                        and shift_of(q.shift_start, q.shift_end).on_duty(now)
                    ),
                    position_at=q.position_at,
                )
                for q, unit_type in rows
            ]


def _checked(fix: PositionFix) -> PositionFix:
    lon, lat = float(fix.lon), float(fix.lat)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ServiceError(f"squad {fix.squad_id}: ({fix.lon}, {fix.lat}) is not a lon/lat")
    heading = None
    if fix.heading is not None:
        heading = float(fix.heading)
        if not math.isfinite(heading):
            raise ServiceError(f"squad {fix.squad_id}: heading {fix.heading!r} is not a number")
        heading %= 360.0
    if fix.at.tzinfo is None or fix.at.utcoffset() is None:
        raise ServiceError(f"squad {fix.squad_id}: the fix time {fix.at} has no time zone")
    return PositionFix(fix.squad_id, lon, lat, heading, fix.at)


def _write_fix(s: Session, fix: PositionFix) -> bool:
    """One conditional UPDATE, so two feeds racing cannot put an older fix over a newer one."""
    result = s.execute(
        update(Squad)
        .where(
            Squad.id == fix.squad_id,
            or_(
                Squad.position_at.is_(None),
                Squad.position_at < fix.at,
                # the same instant again: written only if it says something else
                (Squad.position_at == fix.at)
                & or_(
                    Squad.lon.is_distinct_from(fix.lon),
                    Squad.lat.is_distinct_from(fix.lat),
                    Squad.heading_deg.is_distinct_from(fix.heading),
                ),
            ),
        )
        .values(lon=fix.lon, lat=fix.lat, heading_deg=fix.heading, position_at=fix.at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        return True
    if s.get(Squad, fix.squad_id) is None:
        raise NotFound(f"no squad with id {fix.squad_id}")
    return False
