"""What a squad is doing, as the squad board and the map show it: 空闲 (idle), 出动中 (on the
way to a case), 处置中 (handling a case on site), 离线 (off duty or not heard from).

Derived, never stored: from the squad's status, its latest fix and the cases it holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from command_center.domain.geo import haversine_m
from command_center.domain.shifts import Shift

__all__ = ["ON_SITE_M", "SILENT_AFTER", "Activity", "Shift", "squad_activity"]

ON_SITE_M = 150.0  # within this of a case it is being handled, farther on the way
SILENT_AFTER = timedelta(minutes=15)  # a squad not heard from for this long is offline
WORKING_STATES = frozenset({"dispatched", "in_progress", "rework"})
ON_SITE_STATES = frozenset({"in_progress", "rework"})


class Activity(StrEnum):
    IDLE = "idle"  # 空闲
    EN_ROUTE = "en_route"  # 出动中
    HANDLING = "handling"  # 处置中
    OFFLINE = "offline"  # 离线


def squad_activity(
    status: str,
    position: tuple[float, float] | None,
    position_at: datetime | None,
    now: datetime,
    cases: Iterable[tuple[str, float, float]] = (),
    *,
    on_shift: bool = True,
) -> Activity:
    """The activity of a squad with `status` (available | busy | off_duty), its latest fix
    (`position` WGS-84, taken at `position_at`; None: never) and the cases it holds as
    (state, lon, lat).

    Off duty, never located, or silent for `SILENT_AFTER` → offline; off shift too, unless
    it still holds a case (a squad finishes the case in hand after its shift ends). Holding no case in
    hand → idle (a busy squad without a case is on other duties: handling). Within
    `ON_SITE_M` of a case it has accepted → handling; otherwise on the way.
    """
    if status == "off_duty" or position is None:
        return Activity.OFFLINE
    if position_at is not None and now - position_at > SILENT_AFTER:
        return Activity.OFFLINE
    working = [c for c in cases if c[0] in WORKING_STATES]
    if not working and not on_shift:
        return Activity.OFFLINE
    if not working:
        return Activity.HANDLING if status == "busy" else Activity.IDLE
    lon, lat = position
    for state, case_lon, case_lat in working:
        if state in ON_SITE_STATES and haversine_m(lon, lat, case_lon, case_lat) <= ON_SITE_M:
            return Activity.HANDLING
    return Activity.EN_ROUTE
