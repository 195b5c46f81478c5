"""Motion zones watched in the decoder child: the motorway clip played as a looping file.

The zones are the ones tests/video/test_motion_detector.py draws on the same clip (the near
lanes have traffic all the time, the central reservation has none), here with a short
`persist_s` so a capture playing in real time fires within a few seconds.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from datetime import datetime, timedelta

import cv2
import numpy as np
import pytest

from command_center.domain.motion import MotionZone
from command_center.video.capture import Capture
from command_center.video.stream import MotionEvent, StreamState

pytestmark = pytest.mark.slow

HIGHWAY = "resources/video/highway_cctv_320x240.avi"  # 320×240 at 25 fps
FILE_FPS = 25
PERSIST_S = 1.0
# copied from tests/video/test_motion_detector.py
LANES = ((0.23, 0.98), (0.62, 0.44), (0.83, 0.44), (0.66, 0.98))
RESERVATION = ((0.0, 0.80), (0.30, 0.55), (0.62, 0.26), (0.66, 0.25), (0.40, 0.52), (0.0, 0.90))
# time to warm the background model up (5 analysed frames at 5 a second) and then see
# motion persist twice over
QUIET_S = 1.0 + 2 * PERSIST_S + 1.0


def road_zone(id: str, polygon) -> MotionZone:
    return MotionZone(id, id, polygon, threshold=0.05, persist_s=PERSIST_S, gap_s=1.0, cooldown_s=0)


@pytest.fixture
def capture_of():
    made: list[Capture] = []

    def make(url: str = HIGHWAY, *, start: bool = True, **kw) -> Capture:
        capture = Capture(url, name="motion test", **kw)
        made.append(capture)
        if start:
            capture.start()
        return capture

    yield make
    for capture in made:
        capture.stop()


def decoded_for(capture: Capture, seconds: float):
    """A condition: the capture has decoded `seconds` more of the clip (played at 25 fps)."""
    start = capture.status().frames_decoded
    return lambda: capture.status().frames_decoded >= start + seconds * FILE_FPS


class Events:
    """The capture's motion events, gathered as `wait_for` polls."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        self.seen: list[MotionEvent] = []

    def arrived(self) -> bool:
        self.seen += self.capture.triggers()
        return bool(self.seen)


def assert_snapshot(event: MotionEvent, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(event.snapshot_jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, "the snapshot is not a JPEG"
    assert (image.shape[1], image.shape[0]) == size  # full stream resolution
    assert image.mean() > 10
    return image


def test_traffic_in_the_lanes_fires_with_a_snapshot(capture_of, wait_for):
    capture = capture_of()
    wait_for(lambda: capture.status().state is StreamState.LIVE, what="live")
    capture.set_zones([road_zone("lanes", LANES)])
    events = Events(capture)
    wait_for(events.arrived, what="a motion event")

    event = events.seen[0]
    trigger = event.trigger
    assert trigger.zone_id == "lanes"
    assert trigger.at.utcoffset() == timedelta(hours=8)  # China time, aware
    assert abs(trigger.at.timestamp() - time.time()) < 10  # frame time, not clip time
    assert trigger.duration_s >= PERSIST_S
    assert trigger.peak_fraction >= 0.05
    assert_snapshot(event)
    # drained: a later call never hands out the same events again
    assert not set(map(id, capture.triggers())) & set(map(id, events.seen))


def test_the_central_reservation_stays_quiet_until_the_lanes_are_watched(capture_of, wait_for):
    capture = capture_of()
    capture.set_zones([road_zone("reservation", RESERVATION)])
    wait_for(lambda: capture.status().state is StreamState.LIVE, what="live")
    wait_for(decoded_for(capture, QUIET_S), what=f"{QUIET_S:g} s of frames")
    assert capture.triggers() == []

    # the same capture, now watching the lanes: the analysis was running all along
    capture.set_zones([road_zone("reservation", RESERVATION), road_zone("lanes", LANES)])
    events = Events(capture)
    wait_for(events.arrived, what="a motion event in the lanes")
    assert {e.trigger.zone_id for e in events.seen} == {"lanes"}


def test_an_empty_zone_list_stops_the_analysis(capture_of, wait_for):
    capture = capture_of()
    capture.set_zones([road_zone("lanes", LANES)])
    events = Events(capture)
    wait_for(events.arrived, what="a motion event")
    capture.set_zones([])
    wait_for(decoded_for(capture, 2.0), what="events already on their way to arrive")
    capture.triggers()
    wait_for(decoded_for(capture, QUIET_S), what=f"{QUIET_S:g} s of frames")
    assert capture.triggers() == []


def test_zones_set_before_start_reach_the_callback(capture_of, wait_for):
    called: list[MotionEvent] = []
    capture = capture_of(start=False, on_motion=called.append)
    capture.set_zones([road_zone("lanes", LANES)])
    capture.start()
    wait_for(lambda: called, what="on_motion to be called")
    assert called[0].trigger.zone_id == "lanes"
    assert_snapshot(called[0])
    queued = capture.triggers()  # the callback does not replace the queue
    assert queued and queued[0] is called[0]


def test_zones_survive_a_decoder_restart(capture_of, wait_for):
    capture = capture_of()
    capture.set_zones([road_zone("lanes", LANES)])
    events = Events(capture)
    wait_for(events.arrived, what="a motion event")
    first_pid = capture.pid
    killed_at = datetime.now().astimezone()
    os.kill(first_pid, signal.SIGKILL)
    wait_for(lambda: capture.status().crashes == 1, what="the crash to be counted")
    wait_for(lambda: capture.pid not in (None, first_pid), what="a new decoder")
    capture.triggers()

    after = Events(capture)
    wait_for(after.arrived, what="a motion event from the new decoder")
    assert after.seen[0].trigger.started_at > killed_at
    assert_snapshot(after.seen[0])
    assert capture.status().crashes == 1


def test_bad_zone_data_is_logged_and_ignored(capture_of, wait_for, caplog):
    capture = capture_of()
    capture.set_zones([road_zone("lanes", LANES)])
    wait_for(lambda: capture.pid is not None, what="a decoder")
    pid = capture.pid
    # what a corrupted settings file could hold; set_zones itself only takes MotionZones
    with caplog.at_level(logging.WARNING, logger="command_center.video"):
        capture._send_zone_data([{"id": "broken", "polygon": "nowhere"}])
        wait_for(
            lambda: "motion zones ignored" in caplog.text, what="the child to report bad zones"
        )
    assert "broken" in caplog.text
    events = Events(capture)
    wait_for(events.arrived, what="the lanes to keep firing")
    assert capture.pid == pid and capture.status().crashes == 0


def test_duplicate_zone_ids_are_refused_by_the_caller(capture_of):
    capture = capture_of(start=False)
    with pytest.raises(ValueError, match="twice"):
        capture.set_zones([road_zone("a", LANES), road_zone("a", RESERVATION)])
