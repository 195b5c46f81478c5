"""The motion watch: cameras with zones are decoded and analysed (sharing the wall's
decoders through the pool), their triggers are recorded, and cameras without zones are let go.
Real decoding of the shipped motorway clip."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from command_center.domain.motion import MotionZone
from command_center.video.motion_watch import MotionWatch
from command_center.video.pool import StreamPool

pytestmark = pytest.mark.slow

HIGHWAY = "resources/video/highway_cctv_320x240.avi"
LANES = ((0.23, 0.98), (0.62, 0.44), (0.83, 0.44), (0.66, 0.98))


def _until(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


def test_triggers_are_recorded_and_cameras_without_zones_let_go():
    pool = StreamPool()
    seen: list[tuple[int, str, bytes]] = []
    watch = MotionWatch(pool, lambda cam, trigger, jpeg: seen.append((cam, trigger.zone_id, jpeg)))
    lanes = MotionZone("lanes", "车道", LANES, threshold=0.05, persist_s=1.0, cooldown_s=0)
    try:
        wall = pool.acquire(HIGHWAY, "wall")  # the wall already shows this camera
        watch.sync({7: [lanes], 8: []}, {7: (HIGHWAY, "高速1"), 8: (HIGHWAY, "高速2")})
        assert watch.cameras == [7] and len(pool) == 1  # one decoder for wall and watch
        _until(lambda: watch.poll() > 0 or bool(seen))
        cam, zone, jpeg = seen[0]
        assert (cam, zone) == (7, "lanes") and jpeg[:2] == b"\xff\xd8"
        watch.sync({}, {7: (HIGHWAY, "高速1")})
        assert watch.cameras == [] and len(pool) == 1  # the wall keeps its stream
        pool.release(wall)
        assert len(pool) == 0
    finally:
        watch.close()
        pool.close()
    _until(lambda: not multiprocessing.active_children())
