"""Demo camera scenes: variants of the shipped clips are written once, differ from their
source and from each other, and read back with OpenCV."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from command_center.video.demo_clips import VARIANTS, demo_clip_paths, make_demo_clips

CLIP = Path("resources/video/highway_cctv_320x240.avi")


def _first(path: Path) -> np.ndarray:
    cap = cv2.VideoCapture(str(path))
    ok, frame = cap.read()
    cap.release()
    assert ok, path
    return frame.astype(np.int16)


def test_variants_are_made_once_and_all_differ(tmp_path):
    clips = make_demo_clips([CLIP], tmp_path)
    assert clips[0] == CLIP and len(clips) == 1 + len(VARIANTS)
    assert clips == demo_clip_paths([CLIP], tmp_path)  # the seed names them before they exist
    firsts = [_first(p) for p in clips]
    assert all(f.shape == (240, 320, 3) for f in firsts)
    for i in range(len(firsts)):
        for j in range(i + 1, len(firsts)):
            assert np.abs(firsts[i] - firsts[j]).mean() > 5, (clips[i].name, clips[j].name)
    stamp = {p: p.stat().st_mtime_ns for p in clips[1:]}
    assert make_demo_clips([CLIP], tmp_path) == clips  # nothing made again
    assert {p: p.stat().st_mtime_ns for p in clips[1:]} == stamp


def test_an_unreadable_source_gives_no_variants(tmp_path):
    bad = tmp_path / "broken.avi"
    bad.write_bytes(b"not a video")
    assert make_demo_clips([bad], tmp_path / "out") == [bad]
