"""Watch the cameras that have motion zones, whether or not they are on the wall.

For each camera with enabled zones the watch holds a capture of its sub-stream from the
shared `StreamPool` (the wall showing the same camera shares the decoder), hands it the zones
(the decoder process runs the analysis, `video.motion`), and turns each trigger it reports
into a suggested case through `record(camera_id, trigger, snapshot_jpeg)` — in the app, a
`SuggestionService.raise_suggestion` run on the database worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from command_center.domain.motion import MotionZone, ZoneTrigger
from command_center.video.capture import Capture
from command_center.video.pool import StreamPool

__all__ = ["MotionWatch"]

log = logging.getLogger("video")

Record = Callable[[int, ZoneTrigger, bytes], object]


class MotionWatch:
    """Zones per camera → captures with analysis; `poll()` collects what they saw.

    Not thread-bound: the app calls `sync` when zones or cameras change and `poll` from a
    timer; both are cheap (no decoding happens in this process).
    """

    def __init__(self, pool: StreamPool, record: Record) -> None:
        self.pool, self.record = pool, record
        self._watching: dict[int, tuple[str, Capture, tuple[MotionZone, ...]]] = {}

    @property
    def cameras(self) -> list[int]:
        return sorted(self._watching)

    def sync(
        self, zones: Mapping[int, Sequence[MotionZone]], urls: Mapping[int, tuple[str, str]]
    ) -> None:
        """Watch exactly the cameras of `zones` that have a stream in `urls` (camera id →
        (url of the stream to analyse, name)). A camera whose zones or url are unchanged keeps
        its capture and its analysis state."""
        wanted = {cam: tuple(z) for cam, z in zones.items() if z and cam in urls}
        for cam in list(self._watching):
            url, capture, _ = self._watching[cam]
            if cam not in wanted or urls[cam][0] != url:
                capture.set_zones([])
                self.pool.release(capture)
                del self._watching[cam]
        for cam, cam_zones in wanted.items():
            url, name = urls[cam]
            held = self._watching.get(cam)
            if held is None:
                capture = self.pool.acquire(url, name)
                capture.set_zones(cam_zones)
                self._watching[cam] = (url, capture, cam_zones)
                log.info("watching %d motion zone(s) on camera %s", len(cam_zones), name or cam)
            elif held[2] != cam_zones:
                held[1].set_zones(cam_zones)
                self._watching[cam] = (held[0], held[1], cam_zones)

    def poll(self) -> int:
        """Hand every trigger the decoders reported since the last poll to `record`;
        returns how many."""
        n = 0
        for cam, (_, capture, _) in list(self._watching.items()):
            for event in capture.triggers():
                n += 1
                try:
                    self.record(cam, event.trigger, event.snapshot_jpeg)
                except Exception:  # one bad record must not stop the others
                    log.exception("could not record motion on camera %s", cam)
        return n

    def close(self) -> None:
        for _, capture, _ in self._watching.values():
            capture.set_zones([])
            self.pool.release(capture)
        self._watching.clear()
