"""StreamPool: one decoder per URL, however many views; the last release stops it."""

from __future__ import annotations

import pytest

from command_center.video.pool import StreamPool
from command_center.video.stream import StreamState

CLIP = "resources/video/highway_cctv_320x240.avi"
OTHER = "resources/video/street_bikes_640x272.mp4"


def test_two_views_share_one_decoder_until_the_last_release(leaks, wait_for):
    pool = StreamPool()
    try:
        wall = pool.acquire(CLIP, name="东门")
        map_popup = pool.acquire(CLIP, name="ignored: the first name wins")
        assert map_popup is wall
        assert wall.name == "东门"
        assert pool.refcount(CLIP) == 2 and len(pool) == 1
        wait_for(lambda: wall.latest() is not None, what="a frame")
        assert len(leaks.decoder_children()) == 1

        pool.release(map_popup)
        assert wall.running and pool.refcount(CLIP) == 1
        pool.release(wall)  # stopped on a thread of its own: the caller is not held up
        assert pool.wait_stopped(5.0)
        assert not wall.running and wall.status().state is StreamState.STOPPED
        assert pool.refcount(CLIP) == 0 and len(pool) == 0
        assert leaks.decoder_children() == []

        again = pool.acquire(CLIP)
        assert again is not wall  # a fresh capture after the last release
        with pytest.raises(ValueError):
            pool.release(wall)
    finally:
        pool.close()


def test_close_stops_everything(leaks, wait_for):
    pool = StreamPool()
    a = pool.acquire(CLIP)
    b = pool.acquire(OTHER)
    pool.acquire(OTHER)
    wait_for(lambda: a.latest() is not None and b.latest() is not None, what="frames")
    assert len(leaks.decoder_children()) == 2
    pool.close()
    assert not a.running and not b.running and len(pool) == 0
    assert leaks.decoder_children() == [] and leaks.capture_threads() == []
