"""The decoder child: opens one source with OpenCV/FFmpeg and publishes its newest frame.

Runs in its own process (multiprocessing 'spawn') so that a source that makes FFmpeg abort
or segfault takes only this process down; the parent's supervisor sees it die and starts
another. Talks to the parent over one pipe:
  child → parent  ("state", state, error, reconnects)   whenever the state changes
                  ("ring", name, width, height, slots)  a new frame segment (first frame,
                                                        or the picture size changed)
                  ("clip", request, error, info)        a clip request done: error is ""
                                                        and info the `ClipInfo` fields, or
                                                        error says why not
                  ("motion", trigger, jpeg)             a motion zone fired on this frame
                  ("warning", text)                     for the parent's log
  parent → child  "stop"                                 (or the pipe closing)
                  ("zones", [zone dicts])               watch these zones ([] = none)
                  ("clip", request, path, seconds)      write the last `seconds` to `path`
Frames go into shared memory (`shm.FrameWriter`), decoded straight into the slot.

Besides publishing frames the child keeps a rolling clip buffer (`ClipBuffer`: JPEGs of
the last `buffer_s` seconds sampled at `buffer_fps`) and, once zones are set, runs a
`MotionMonitor` on the frames. Both live and die with the child: a restarted child starts
with an empty buffer and is sent the zones again by the parent.

A file loops at its own frame rate (paced by sleeping, rewound at the end); a network
source is read as fast as it delivers. A lost source is reopened with exponential backoff,
forever, until the parent says stop.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from collections import deque
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from command_center.domain.calendar import CST
from command_center.video.shm import FrameWriter
from command_center.video.stream import StreamState

if TYPE_CHECKING:
    import numpy as np

    from command_center.video.motion import MotionMonitor

BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 5.0
FPS_MIN_SPAN_S = 1.0  # report a rate only once frames span this long
FPS_WINDOW_S = 2.0
LIVE_SCHEMES = (
    "http://",
    "https://",
    "rtsp://",
    "rtsps://",
    "rtmp://",
    "udp://",
    "tcp://",
    "srt://",
)


CLIP_JPEG_QUALITY = 80
SNAPSHOT_JPEG_QUALITY = 85


class _Stop(Exception):
    """The parent asked us to stop (or went away)."""


class BufferedFrame(NamedTuple):
    at: float  # wall-clock seconds of decoding
    jpeg: bytes
    width: int
    height: int


class ClipBuffer:
    """The last `seconds` of a stream as JPEGs, sampled at about `fps` frames a second.

    Sampling goes by frame timestamps, so a source slower than `fps` keeps every frame and
    a faster one keeps `fps` of them a second. Trimmed against the newest frame, not the
    clock: after a loss the buffer still holds what was seen before it.
    """

    def __init__(self, seconds: float, fps: float) -> None:
        self.seconds = seconds
        self.fps = fps
        self.period = 1.0 / fps
        self.frames: deque[BufferedFrame] = deque(maxlen=math.ceil(seconds * fps) + 2)
        self._next_due: float | None = None

    def due(self, at: float) -> bool:
        """True when a frame decoded at `at` should be kept."""
        return self._next_due is None or at >= self._next_due

    def add(self, frame: BufferedFrame) -> None:
        at = frame.at
        if self._next_due is None or at - self._next_due > self.period:
            self._next_due = at + self.period  # first frame, or after a gap: no catching up
        else:
            self._next_due += self.period
        frames = self.frames
        if frames and (frames[-1].width, frames[-1].height) != (frame.width, frame.height):
            frames.clear()  # a new picture size: one clip file holds one size
        frames.append(frame)
        while frames and frames[0].at < at - self.seconds:
            frames.popleft()

    def last(self, seconds: float) -> list[BufferedFrame]:
        """The buffered frames of the last `seconds` before the newest one."""
        if not self.frames:
            return []
        since = self.frames[-1].at - seconds
        return [f for f in self.frames if f.at >= since]

    def rate(self, frames: list[BufferedFrame]) -> float:
        """The rate `frames` were sampled at: `fps`, or the source's rate if slower."""
        if len(frames) < 2 or frames[-1].at <= frames[0].at:
            return self.fps
        measured = (len(frames) - 1) / (frames[-1].at - frames[0].at)
        return self.fps if measured >= 0.95 * self.fps else round(max(measured, 0.1), 2)


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    import cv2

    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return data.tobytes()


def write_clip(path: str, frames: list[BufferedFrame], fps: float) -> None:
    """Write `frames` to `path` as an MJPEG AVI playing at `fps`.

    The JPEGs go in as they are (OpenCV's raw FFmpeg writing: no decoding, no second
    encoding); a build without it decodes and lets the writer re-encode. The file appears
    under its name only once complete (written next to it, then renamed).
    """
    import cv2
    import numpy as np

    target = Path(path)
    suffix = target.suffix or ".avi"
    partial = target.with_name(f".{target.stem}.{os.getpid()}.partial{suffix}")
    fourcc = cv2.VideoWriter.fourcc(*"MJPG")
    size = (frames[0].width, frames[0].height)
    writer = cv2.VideoWriter(
        str(partial), cv2.CAP_FFMPEG, fourcc, fps, size, [cv2.VIDEOWRITER_PROP_RAW_VIDEO, 1]
    )
    raw = writer.isOpened()
    if not raw:
        writer = cv2.VideoWriter(str(partial), cv2.CAP_FFMPEG, fourcc, fps, size)
        if not writer.isOpened():
            partial.unlink(missing_ok=True)
            raise OSError(f"cannot open {path} for writing")
    try:
        for frame in frames:
            data = np.frombuffer(frame.jpeg, np.uint8)
            writer.write(data.reshape(1, -1) if raw else cv2.imdecode(data, cv2.IMREAD_COLOR))
    finally:
        writer.release()
    try:
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def is_live_source(url: str) -> bool:
    """Network streams are read as fast as they come; anything else is a file to pace."""
    return url.lower().startswith(LIVE_SCHEMES)


class _Decoder:
    def __init__(self, url: str, conn: Connection, prefix: str, seq_base: int, opts: dict):
        self.url = url
        self.conn = conn
        self.prefix = prefix
        self.seq = seq_base
        self.open_timeout_ms = int(opts.get("open_timeout_ms", 5000))
        self.read_timeout_ms = int(opts.get("read_timeout_ms", 5000))
        self.threads = opts.get("threads")
        self.live = is_live_source(url)
        self.writer: FrameWriter | None = None
        self.generation = 0
        self.reconnects = 0
        self.state: StreamState | None = None
        self.times: deque[float] = deque()
        self.send_lock = threading.Lock()  # clip writer threads reply too
        buffer_s = float(opts.get("buffer_s", 30.0))
        buffer_fps = float(opts.get("buffer_fps", 0.0))
        self.clips = ClipBuffer(buffer_s, buffer_fps) if buffer_s > 0 and buffer_fps > 0 else None
        self.motion_sample_fps = float(opts.get("motion_sample_fps", 5.0))
        self.monitor: MotionMonitor | None = None

    # -- talking to the parent ------------------------------------------------------------
    def send(self, *msg: Any) -> None:
        try:
            with self.send_lock:
                self.conn.send(msg)
        except (BrokenPipeError, EOFError, OSError) as exc:
            raise _Stop from exc

    def warn(self, text: str) -> None:
        self.send("warning", text)

    def set_state(self, state: StreamState, error: str = "") -> None:
        if state != self.state or error:
            self.state = state
            self.send("state", state.value, error, self.reconnects)

    def wait(self, seconds: float) -> None:
        """Sleep, handling the parent's requests meanwhile; stop at once when it says so
        (or dies)."""
        end = time.monotonic() + max(0.0, seconds)
        try:
            while self.conn.poll(max(0.0, end - time.monotonic())):
                self.handle(self.conn.recv())
        except (EOFError, OSError) as exc:
            raise _Stop from exc

    def handle(self, msg: Any) -> None:
        if msg == "stop" or not isinstance(msg, tuple) or not msg:
            raise _Stop
        if msg[0] == "zones":
            self.set_zones(msg[1])
        elif msg[0] == "clip":
            self.save_clip(*msg[1:])
        else:
            self.warn(f"unknown request {msg[0]!r} ignored")

    # -- motion zones ---------------------------------------------------------------------
    def set_zones(self, data: Any) -> None:
        """Watch the zones `data` describes; bad data is reported and changes nothing."""
        from command_center.domain.motion import zones_from_list

        try:
            zones = zones_from_list(data)
            if not zones:
                self.monitor = None
            elif self.monitor is not None:
                self.monitor.set_zones(zones)  # unchanged zones keep their running state
            else:
                from command_center.video.motion import MotionMonitor

                self.monitor = MotionMonitor(zones, sample_fps=self.motion_sample_fps)
        except (ValueError, TypeError) as exc:
            self.warn(f"motion zones ignored: {exc}")

    # -- the clip buffer ------------------------------------------------------------------
    def save_clip(self, request: int, path: str, seconds: float) -> None:
        """Write the last `seconds` on a thread of its own (decoding goes on meanwhile);
        the reply says where, or why not."""
        if self.clips is None:
            self.send("clip", request, "the clip buffer is off (buffer_fps=0)", None)
            return
        frames = self.clips.last(seconds)
        if not frames:
            self.send("clip", request, "no frames buffered yet", None)
            return
        threading.Thread(
            target=self._write_clip,
            args=(request, path, frames, self.clips.rate(frames)),
            name="clip-writer",
            daemon=True,
        ).start()

    def _write_clip(self, request: int, path: str, frames: list[BufferedFrame], fps: float):
        try:
            write_clip(path, frames, fps)
        except Exception as exc:  # a full disk, a bad path: the caller is told, we go on
            reply: tuple = ("clip", request, f"cannot write {path}: {exc}", None)
        else:
            info = {
                "path": path,
                "frames": len(frames),
                "started_at": frames[0].at,
                "ended_at": frames[-1].at,
                "fps": fps,
                "width": frames[0].width,
                "height": frames[0].height,
            }
            reply = ("clip", request, "", info)
        try:
            self.send(*reply)
        except _Stop:
            pass  # the parent is gone or stopping us

    def after_frame(self, image: np.ndarray, at: float) -> None:
        """Feed a freshly published frame to the clip buffer and the motion monitor."""
        jpeg = b""
        clips = self.clips
        if clips is not None and clips.due(at):
            jpeg = encode_jpeg(image, CLIP_JPEG_QUALITY)
            clips.add(BufferedFrame(at, jpeg, image.shape[1], image.shape[0]))
        monitor = self.monitor
        if monitor is None:
            return
        stamp = datetime.fromtimestamp(at, CST)
        if not monitor.due(stamp):
            return
        try:
            triggers = monitor.feed(image, stamp)
        except Exception as exc:  # an OpenCV error on an odd frame must not end the child
            self.monitor = None
            self.warn(f"motion analysis stopped: {exc!r}")
            return
        for trigger in triggers:
            self.send("motion", trigger, jpeg or encode_jpeg(image, SNAPSHOT_JPEG_QUALITY))

    # -- the loop -------------------------------------------------------------------------
    def run(self) -> None:
        import cv2

        backoff = BACKOFF_FIRST_S
        while True:
            self.set_state(StreamState.CONNECTING)
            params = [
                cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                self.open_timeout_ms,
                cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                self.read_timeout_ms,
            ]
            if self.threads is not None:
                params += [cv2.CAP_PROP_N_THREADS, int(self.threads)]
            cap = cv2.VideoCapture(self.url, cv2.CAP_FFMPEG, params)
            try:
                if not cap.isOpened():
                    error = "cannot open source"
                else:
                    played, error = self.play(cap)
                    if played:
                        backoff = BACKOFF_FIRST_S  # it played: start the backoff afresh
            finally:
                cap.release()
            self.set_state(StreamState.LOST, error)
            self.times.clear()
            if self.writer is not None:
                self.writer.set_fps(0.0)
            self.wait(backoff)
            backoff = min(BACKOFF_MAX_S, backoff * 2)
            self.reconnects += 1

    def play(self, cap: Any) -> tuple[bool, str]:
        """Decode until the source fails; returns whether any frame played, and why not."""
        import cv2

        fps = cap.get(cv2.CAP_PROP_FPS) if not self.live else 0.0
        period = 1.0 / fps if 0 < fps < 1000 else (0.04 if not self.live else 0.0)
        played = False
        rewound = False
        due = time.monotonic()
        while True:
            if self.live:
                self.wait(0)  # stop requests
            else:
                due += period
                self.wait(due - time.monotonic())
                if time.monotonic() - due > max(2 * period, 0.1):
                    # Behind (a busy machine): carry on from now. Catching up would play a
                    # burst at double speed, which a camera never does.
                    due = time.monotonic()
            writer = self.writer
            if writer is not None:
                target = writer.begin()
                ok, image = cap.read(target)
            else:
                ok, image = cap.read()
            if not ok or image is None:
                if writer is not None:
                    writer.abort()
                if not self.live and played and not rewound:
                    # end of a file: rewind (or reopen if the container cannot seek)
                    rewound = True
                    if not cap.set(cv2.CAP_PROP_POS_FRAMES, 0):
                        cap.release()
                        if not cap.open(self.url, cv2.CAP_FFMPEG):
                            return played, "cannot reopen file"
                    continue
                return played, "stream ended or read failed" if played else "no frame decoded"
            rewound = False
            if image.ndim == 2 or image.shape[2] != 3:
                image = cv2.cvtColor(
                    image, cv2.COLOR_GRAY2BGR if image.ndim == 2 else cv2.COLOR_BGRA2BGR
                )
            if writer is None or image is not target:
                if writer is not None:
                    writer.abort()
                if writer is None or writer.shape != image.shape[:2]:
                    writer = self.new_writer(image.shape[1], image.shape[0])
                target = writer.begin()
                target[...] = image
            now = time.time()
            self.seq += 1
            writer.commit(self.seq, now, self.measure(now))
            if not played:
                played = True
                self.set_state(StreamState.LIVE)
            if self.clips is not None or self.monitor is not None:
                # only read from here on: the writer reuses this slot two frames later
                self.after_frame(image, now)

    def new_writer(self, width: int, height: int) -> FrameWriter:
        old = self.writer
        self.generation += 1
        writer = FrameWriter(f"{self.prefix}{self.generation:x}", width, height)
        self.writer = writer
        self.send("ring", writer.name, width, height, 3)
        if old is not None:
            old.close()
        return writer

    def measure(self, now: float) -> float:
        times = self.times
        times.append(now)
        while times and now - times[0] > FPS_WINDOW_S:
            times.popleft()
        if len(times) < 2 or times[-1] - times[0] < FPS_MIN_SPAN_S:
            return 0.0  # not yet known: a few frames close together say nothing (startup)
        return (len(times) - 1) / (times[-1] - times[0])


def run(url: str, conn: Connection, prefix: str, seq_base: int, opts: dict) -> None:
    """The child's entry point (the target of the 'spawn' process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    decoder = _Decoder(url, conn, prefix, seq_base, opts)
    try:
        decoder.run()
    except _Stop:
        pass
    finally:
        if decoder.writer is not None:
            decoder.writer.close()
        # a clip writer thread may be replying; don't close the pipe under it (but don't
        # wait on a parent that stopped reading either)
        locked = decoder.send_lock.acquire(timeout=1.0)
        conn.close()
        if locked:
            decoder.send_lock.release()
