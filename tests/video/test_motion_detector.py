"""Motion zones on real video: the shipped clips decoded by OpenCV, stamped by frame index.

Timestamps are `T0 + index / fps`, never the wall clock, so every run sees the same samples.

The zones were drawn after looking at the clips' frames (see each constant):
- `highway_cctv_320x240.avi` is a fixed CCTV camera over a motorway, 30 s at 25 fps: a zone
  over the near carriageway has traffic all the time, a zone over the hatched central
  reservation has none.
- `street_bikes_640x272.mp4` is a 10 s montage of hand-held shots joined by hard cuts. Its one
  steady shot with a clear static part is frames 187–241: a pedestrian walks right to left
  past bicycles parked by a wall, while the doorway on the left stays still.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from command_center.domain.calendar import CST
from command_center.domain.motion import MotionZone, ZoneTrigger, polygon_area
from command_center.video.motion import MotionMonitor, ZoneMotionDetector

VIDEO = Path(__file__).resolve().parents[2] / "resources" / "video"
HIGHWAY = VIDEO / "highway_cctv_320x240.avi"
STREET = VIDEO / "street_bikes_640x272.mp4"
T0 = datetime(2025, 6, 3, 10, 0, tzinfo=CST)

# highway: the two near lanes of the carriageway coming towards the camera
LANES = ((0.23, 0.98), (0.62, 0.44), (0.83, 0.44), (0.66, 0.98))
# highway: the hatched central reservation, from the bottom-left corner to the bend
RESERVATION = ((0.0, 0.80), (0.30, 0.55), (0.62, 0.26), (0.66, 0.25), (0.40, 0.52), (0.0, 0.90))
# street, walker shot: the pavement and the parked bicycles the pedestrian walks past
PAVEMENT = ((0.45, 0.30), (1.0, 0.30), (1.0, 1.0), (0.45, 1.0))
# street, walker shot: the doorway and wall on the left
DOORWAY = ((0.02, 0.02), (0.30, 0.02), (0.30, 0.55), (0.02, 0.55))
WALKER_SHOT = range(187, 242)


def decode(path: Path) -> tuple[list[np.ndarray], float]:
    cap = cv2.VideoCapture(str(path))
    assert cap.isOpened(), path
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    assert frames and fps > 0
    return frames, fps


@pytest.fixture(scope="module")
def highway() -> tuple[list[np.ndarray], float]:
    return decode(HIGHWAY)


@pytest.fixture(scope="module")
def street() -> tuple[list[np.ndarray], float]:
    return decode(STREET)


def road_zone(id: str, polygon, **kw) -> MotionZone:
    kw.setdefault("threshold", 0.05)
    kw.setdefault("persist_s", 3.0)
    kw.setdefault("gap_s", 1.0)
    kw.setdefault("cooldown_s", 0.0)
    return MotionZone(id, id, polygon, **kw)


def walker_zone(id: str, polygon) -> MotionZone:
    # the pedestrian needs about half a second to cross the pavement zone
    return MotionZone(id, id, polygon, threshold=0.03, persist_s=0.4, gap_s=0.5, cooldown_s=0)


class Run:
    """A monitor fed a list of frames stamped by index; what it said, and when."""

    def __init__(self, monitor: MotionMonitor, frames, fps: float, first: int = 0) -> None:
        self.triggers: list[ZoneTrigger] = []
        self.peak: dict[str, float] = {z.id: 0.0 for z in monitor.zones}
        self.index_of: dict[datetime, int] = {}
        self.scene_changes_at: list[int] = []
        for i, frame in enumerate(frames, first):
            at = T0 + timedelta(seconds=i / fps)
            self.index_of[at] = i
            before = monitor.detector.scene_changes
            self.triggers += monitor.feed(frame, at)
            if monitor.detector.scene_changes != before:
                self.scene_changes_at.append(i)
            for zid, f in monitor.last_fractions.items():
                self.peak[zid] = max(self.peak[zid], f)

    def of(self, zone_id: str) -> list[ZoneTrigger]:
        return [t for t in self.triggers if t.zone_id == zone_id]


def noisy_still(frame: np.ndarray, count: int, sigma: float = 2.0) -> list[np.ndarray]:
    """`frame` repeated `count` times with fresh Gaussian sensor noise on every copy."""
    rng = np.random.default_rng(20250603)
    base = frame.astype(np.float32)
    noise = (sigma * rng.standard_normal(frame.shape, np.float32) for _ in range(count))
    return [np.clip(base + n, 0, 255).astype(np.uint8) for n in noise]


# -- the fixed motorway camera --------------------------------------------------------
def test_traffic_lanes_raise_a_suggestion(highway):
    frames, fps = highway
    run = Run(MotionMonitor([road_zone("lanes", LANES)], sample_fps=5), frames, fps)
    fired = run.of("lanes")
    assert fired, f"no trigger; peak moving fraction {run.peak['lanes']:.3f}"
    first = fired[0]
    assert first.duration_s >= 3.0
    assert first.peak_fraction >= 0.05
    assert first.at <= T0 + timedelta(seconds=15)  # well within the 30 s clip


def test_the_central_reservation_raises_nothing(highway):
    frames, fps = highway
    zones = [road_zone("lanes", LANES), road_zone("reservation", RESERVATION)]
    run = Run(MotionMonitor(zones, sample_fps=5), frames, fps)
    assert run.of("reservation") == []
    assert run.peak["reservation"] < 0.05 < run.peak["lanes"]


def test_a_still_image_with_sensor_noise_raises_nothing(highway):
    frames, fps = highway
    zones = [road_zone("lanes", LANES), road_zone("reservation", RESERVATION)]
    run = Run(MotionMonitor(zones, sample_fps=5), noisy_still(frames[0], len(frames)), fps)
    assert run.triggers == []
    assert max(run.peak.values()) < 0.01
    assert run.scene_changes_at == []


def test_frames_are_analysed_at_the_sample_rate_not_the_stream_rate(highway):
    frames, fps = highway
    monitor = MotionMonitor([road_zone("lanes", LANES)], sample_fps=5)
    Run(monitor, frames[:250], fps)  # 10 s at 25 fps
    assert monitor.analysed == 50


# -- the hand-held street montage -----------------------------------------------------
def cuts(frames: list[np.ndarray]) -> list[int]:
    """Indices of frames that start a new shot: the mean grey change from the previous
    frame jumps above 40 levels (within a shot it stays below 25 here)."""
    grey = [cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) for f in frames]
    return [i for i in range(1, len(grey)) if cv2.absdiff(grey[i], grey[i - 1]).mean() > 40]


def test_the_pedestrian_on_the_pavement_raises_a_suggestion(street):
    frames, fps = street
    shot = frames[WALKER_SHOT.start : WALKER_SHOT.stop]
    zones = [walker_zone("pavement", PAVEMENT), walker_zone("doorway", DOORWAY)]
    run = Run(MotionMonitor(zones, sample_fps=10), shot, fps, first=WALKER_SHOT.start)
    fired = run.of("pavement")
    assert fired, f"no trigger; peak moving fraction {run.peak['pavement']:.3f}"
    # the pedestrian crosses the zone between frames ~198 and ~214
    assert 198 <= run.index_of[fired[0].started_at] <= run.index_of[fired[0].at] <= 216


def test_the_doorway_beside_the_pedestrian_raises_nothing(street):
    frames, fps = street
    shot = frames[WALKER_SHOT.start : WALKER_SHOT.stop]
    zones = [walker_zone("pavement", PAVEMENT), walker_zone("doorway", DOORWAY)]
    run = Run(MotionMonitor(zones, sample_fps=10), shot, fps, first=WALKER_SHOT.start)
    assert run.of("doorway") == []
    assert run.peak["doorway"] < 0.03 < run.peak["pavement"]


def test_the_still_street_with_sensor_noise_raises_nothing(street):
    frames, fps = street
    still = noisy_still(frames[WALKER_SHOT.start], len(frames))
    zones = [walker_zone("pavement", PAVEMENT), walker_zone("doorway", DOORWAY)]
    run = Run(MotionMonitor(zones, sample_fps=10), still, fps)
    assert run.triggers == []
    assert max(run.peak.values()) < 0.01


def test_cuts_restart_the_model_and_no_suggestion_spans_a_cut(street):
    frames, fps = street
    found = cuts(frames)
    assert found == [30, 76, 137, 187, 242]  # what the montage is made of
    zones = [walker_zone("pavement", PAVEMENT), walker_zone("doorway", DOORWAY)]
    run = Run(MotionMonitor(zones, sample_fps=10), frames, fps)
    # each cut is noticed at the next analysed frame or the one after (10 fps: ≤ 5 frames)
    for cut in found:
        assert any(cut <= i <= cut + 5 for i in run.scene_changes_at), (cut, run.scene_changes_at)
    shots = list(zip([0, *found], [*found, len(frames)], strict=True))
    assert run.triggers  # there is motion in the montage
    for t in run.triggers:
        start, end = run.index_of[t.started_at], run.index_of[t.at]
        assert any(a <= start <= end < b for a, b in shots), (t.zone_id, start, end)


# -- the detector on its own ----------------------------------------------------------
def test_zone_masks_follow_the_normalised_polygon_at_any_resolution(street):
    frames, _ = street
    zone = walker_zone("pavement", PAVEMENT)
    sizes = []
    for scale in (1.0, 2.0, 0.5):
        detector = ZoneMotionDetector([zone], width=320)
        frame = cv2.resize(frames[0], None, fx=scale, fy=scale)
        detector.analyse(frame)
        h, w = detector.working_size(frame.shape)
        sizes.append((h, w))
        mask = detector.zone_mask("pavement")
        assert mask.shape == (h, w)
        share = cv2.countNonZero(mask) / (h * w)
        assert share == pytest.approx(polygon_area(PAVEMENT), abs=0.01)
        ys, xs = np.nonzero(mask)
        assert xs.min() == pytest.approx(0.45 * w, abs=1) and xs.max() == w - 1
    # 640 and 1280 wide are analysed at 320; 320 wide is not upscaled
    assert sizes == [(136, 320), (136, 320), (136, 320)]


def test_nothing_is_reported_while_warming_up(highway):
    frames, _ = highway
    detector = ZoneMotionDetector([road_zone("lanes", LANES)], warmup_frames=5)
    results = [detector.analyse(f) for f in frames[:8]]
    assert results[:5] == [None] * 5
    assert all(isinstance(r, dict) and set(r) == {"lanes"} for r in results[5:])


def test_no_analysis_outside_the_schedule(highway):
    from datetime import time

    from command_center.domain.motion import WeeklyWindow, ZoneSchedule

    frames, fps = highway
    night = ZoneSchedule((WeeklyWindow(frozenset(range(1, 8)), time(22), time(6)),))
    monitor = MotionMonitor([road_zone("lanes", LANES, schedule=night)], sample_fps=5)
    run = Run(monitor, frames, fps)  # 10:00 in the morning
    assert run.triggers == [] and monitor.analysed == 0
