"""The demo city's cameras: where they stand and which demo clip each one shows."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from command_center.services.seed.geography import DISTRICT_NAMES, RESOURCES, _Geography

VIDEO_CLIPS = (
    RESOURCES / "video" / "street_bikes_640x272.mp4",
    RESOURCES / "video" / "highway_cctv_320x240.avi",
)


@dataclass
class _Cameras:
    rows: list[dict[str, Any]]
    cells: list[int]


def _build_cameras(
    geo: _Geography, rng: np.random.Generator, rnd: random.Random, id_base: int, count: int = 48
) -> _Cameras:
    """Cameras at the markets and squares, then along the main streets, then where cases
    are frequent; at least four cells (~400 m) apart. The two demo clips alternate."""
    main = list(geo.main_cells)
    rnd.shuffle(main)
    busy = rng.choice(len(geo.cells), size=20 * count, p=geo.weights_general).tolist()
    chosen: list[int] = []
    for i in [*geo.hotspots, *main, *busy]:
        if len(chosen) >= count:
            break
        c = geo.cells[i]
        if all(
            max(abs(c.row - geo.cells[k].row), abs(c.col - geo.cells[k].col)) >= 4 for k in chosen
        ):
            chosen.append(i)
    # Number cameras per street in north→south, west→east order.
    chosen.sort(key=lambda i: (geo.cells[i].street, geo.cells[i].row, geo.cells[i].col))
    per_street: Counter[int] = Counter()
    hotspots = set(geo.hotspots)
    rows = []
    for k, i in enumerate(chosen):
        c = geo.cells[i]
        per_street[c.street] += 1
        lon, lat = _point_in(c.geom, rng)
        street = geo.streets[c.street]
        rows.append(
            {
                "id": id_base + k + 1,
                "code": f"CAM-{c.district}-{k + 1:03d}",
                "name": f"{DISTRICT_NAMES[c.district]}-{street.name}-{per_street[c.street]:02d}号点",
                "url": str(VIDEO_CLIPS[k % len(VIDEO_CLIPS)]),
                "lon": lon,
                "lat": lat,
                "heading_deg": float(rnd.randrange(0, 360, 15)),
                "fov_deg": FIELDS_OF_VIEW[k % len(FIELDS_OF_VIEW)],
                "district_code": c.district,
                "grid_code": c.code,
                "enabled": True,
                "sub_url": None,  # the demo clips are small enough to serve as sub-streams
                # Groups for the wall: the markets and squares, then each district's streets.
                "group_name": KEY_SITES if i in hotspots else DISTRICT_NAMES[c.district],
                "status": "in_service",
            }
        )
    return _Cameras(rows, chosen)


KEY_SITES = "重点部位"  # markets, squares, station fronts
FIELDS_OF_VIEW = (55.0, 60.0, 75.0, 90.0)  # bullet cameras' lenses, degrees


def _point_in(geom: Any, rng: np.random.Generator) -> tuple[float, float]:
    x0, y0, x1, y1 = geom.bounds
    for _ in range(1000):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if shapely.contains_xy(geom, x, y):
            return float(x), float(y)
    p = geom.representative_point()
    return float(p.x), float(p.y)


# The demo's motion zone: the near carriageway of the shipped motorway clip (traffic all day,
# so the intake desk sees suggestions arrive; on a real street corner it would be a pavement).
# Only cameras that play the clip itself get it: a variant is mirrored or zoomed.
DEMO_ZONE_POLYGON = ((0.23, 0.98), (0.62, 0.44), (0.83, 0.44), (0.66, 0.98))
DEMO_ZONE_CAMERAS = 3


def _video_rows(cameras: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The wall's demo tours (all cameras; the key sites) and the motion zones of the first
    cameras that play the motorway clip."""
    from datetime import time

    from command_center.domain.motion import MotionZone, WeeklyWindow, ZoneSchedule, zone_to_dict

    ids = [c["id"] for c in cameras]
    key_sites = [c["id"] for c in cameras if c.get("group_name") == KEY_SITES]
    tours = [{"name": "全市轮巡", "layout": "3x3", "interval_s": 20, "camera_ids": ids}]
    if key_sites:
        tours.append({"name": "重点部位轮巡", "layout": "2x2", "interval_s": 15,
                      "camera_ids": key_sites})
    zones = []
    motorway = str(VIDEO_CLIPS[1])
    for cam in [c for c in cameras if c["url"] == motorway][:DEMO_ZONE_CAMERAS]:
        zone = MotionZone(
            # Measured on the clip (MotionMonitor at 5 analysed frames a second): 3 % of the
            # zone moving for 20 s, with dips of up to 3 s, fires about every 20 s of video.
            "lane", "路口停车带", DEMO_ZONE_POLYGON, category_code="200505", threshold=0.03,
            persist_s=20.0, gap_s=3.0, cooldown_s=1800.0,
            schedule=ZoneSchedule((WeeklyWindow(frozenset(range(1, 8)), time(7), time(21)),)),
        )
        zones.append({"camera_id": cam["id"], "zone_key": zone.id, "name": zone.name,
                      "category_code": zone.category_code, "spec": zone_to_dict(zone),
                      "enabled": True})
    return tours, zones
