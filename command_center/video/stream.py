"""What a camera stream is doing right now: a state and an immutable status snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from command_center.domain.motion import ZoneTrigger


class StreamState(StrEnum):
    """The life of a stream as the user sees it."""

    CONNECTING = "connecting"  # opening the source (first time or after a loss)
    LIVE = "live"  # frames are arriving
    LOST = "lost"  # the source failed or the decoder died; retrying with backoff
    STOPPED = "stopped"  # not started, or stopped by the application


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """A snapshot of one capture, cheap to take from the GUI thread.

    `last_frame_at` is wall-clock seconds (`time.time()`) of the newest decoded frame, kept
    across losses so a tile can say since when the stream is gone; `fps` is measured over
    the last ~2 s of decoded frames; `reconnects` counts reopen attempts after a loss,
    `crashes` counts decoder processes that died.
    """

    state: StreamState = StreamState.STOPPED
    last_frame_at: float | None = None
    fps: float = 0.0
    width: int = 0
    height: int = 0
    error: str = ""
    reconnects: int = 0
    crashes: int = 0
    frames_decoded: int = 0


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One decoded picture: `image` is H×W×3 uint8 BGR, private to this process and
    read-only (several views may hold the same frame); `seq` counts decoded frames since
    the capture started (it only grows), `at` is wall-clock seconds of decoding."""

    seq: int
    at: float
    image: np.ndarray


@dataclass(frozen=True, slots=True)
class ClipInfo:
    """A clip the decoder wrote from its rolling buffer (`Capture.save_clip`).

    `started_at` and `ended_at` are wall-clock seconds (`time.time()`, like `Frame.at`) of
    the first and last frame written; `fps` is the rate the file plays at (the buffer's
    sampling rate, or the source's if that was slower); the picture is `width`×`height`.
    """

    path: str
    frames: int
    started_at: float
    ended_at: float
    fps: float
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        """How long the clip plays (frames ÷ fps)."""
        return self.frames / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True, slots=True, eq=False)
class MotionEvent:
    """A motion zone fired on a capture: the trigger (times are aware datetimes in China
    time) and a JPEG of the full-resolution frame it fired on."""

    trigger: ZoneTrigger
    snapshot_jpeg: bytes
