"""One camera source, decoded in a child process, read by the GUI without waiting.

`Capture` owns a supervisor thread that starts the decoder child (`decoder.run`, in a
'spawn' process), listens to its pipe (state changes, new frame segments) and watches its
sentinel. A child that dies — a source that makes FFmpeg abort or segfault, an OOM kill —
is counted in `crashes` and started again with backoff; the application carries on. The GUI
calls `latest()` and `status()`, which never block on the decoder: they read shared memory
under a lock held only for the time of one frame copy.

The child also keeps the last `buffer_s` seconds as JPEGs (`save_clip` writes them to an
AVI) and watches motion zones (`set_zones`; fired zones arrive through `triggers()` and the
`on_motion` callback). The zones are the capture's: each new child is sent them again; the
clip buffer is the child's and starts empty after a restart.

Typical use::

    cap = Capture("rtsp://10.0.0.7/stream1", name="东门")
    cap.start()
    frame = cap.latest()      # None until the first frame
    cap.status().state        # StreamState.CONNECTING / LIVE / LOST / STOPPED
    cap.set_zones(zones)      # motion zones, watched in the decoder child
    cap.triggers()            # MotionEvents since the last call
    cap.save_clip("/tmp/last30.avi")  # blocks until written: call it off the GUI thread
    cap.stop()
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from command_center.domain.motion import zones_to_list
from command_center.video import decoder, shm
from command_center.video.stream import (
    ClipInfo,
    Frame,
    MotionEvent,
    StreamState,
    StreamStatus,
)

if TYPE_CHECKING:
    from command_center.domain.motion import MotionZone

log = logging.getLogger("command_center.video")

RESTART_BACKOFF_FIRST_S = 0.5
RESTART_BACKOFF_MAX_S = 5.0
STALE_FPS_S = 2.0  # no frame for this long: the measured fps is 0
DEFAULT_BUFFER_S = 30.0
DEFAULT_BUFFER_FPS = 10.0
MAX_QUEUED_EVENTS = 256  # motion events nobody drained: the oldest go first
_ids = itertools.count(1)


class ClipError(RuntimeError):
    """A clip could not be saved: nothing buffered yet, the buffer is off, the decoder is
    not running or restarted meanwhile, the write failed, or no reply came in time."""


class _ClipRequest:
    """One `save_clip` call waiting for the child's reply."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.info: ClipInfo | None = None
        self.error = ""

    def finish(self, info: ClipInfo | None, error: str = "") -> None:
        self.info, self.error = info, error
        self.done.set()


def describe_exit(exitcode: int | None) -> str:
    """What happened to a decoder child, in words for the status line."""
    if exitcode is None:
        return "decoder vanished"
    if exitcode < 0:
        return f"decoder crashed (signal {-exitcode})"
    return f"decoder exited (code {exitcode})"


class Capture:
    """A camera source decoded in its own process; the newest frame is always at hand.

    Thread-safe: `latest()`, `status()`, `set_zones()`, `triggers()` and `save_clip()` may
    be called from any thread; `start()` and `stop()` from the thread that owns the capture.

    `buffer_s` and `buffer_fps` size the rolling clip buffer (`buffer_fps=0` turns it off;
    it never keeps more frames than the source delivers). `motion_sample_fps` is how many
    frames a second the motion zones are analysed at. `on_motion(event)` is called on the
    supervisor thread for every `MotionEvent`; it must return quickly and not touch widgets
    (post the event to the GUI thread). Events are queued for `triggers()` as well.
    """

    def __init__(
        self,
        url: str,
        *,
        name: str = "",
        open_timeout_ms: int = 5000,
        read_timeout_ms: int = 5000,
        decoder_threads: int | None = None,
        buffer_s: float = DEFAULT_BUFFER_S,
        buffer_fps: float = DEFAULT_BUFFER_FPS,
        motion_sample_fps: float = 5.0,
        on_motion: Callable[[MotionEvent], object] | None = None,
    ) -> None:
        if not buffer_s > 0 or not buffer_fps >= 0:
            raise ValueError(f"need buffer_s > 0 and buffer_fps >= 0, got {buffer_s}, {buffer_fps}")
        if not motion_sample_fps > 0:
            raise ValueError(f"motion_sample_fps must be positive, got {motion_sample_fps}")
        self.url = url
        self.name = name or url
        self._id = next(_ids)
        self._opts: dict[str, Any] = {
            "open_timeout_ms": open_timeout_ms,
            "read_timeout_ms": read_timeout_ms,
            "threads": decoder_threads,
            "buffer_s": buffer_s,
            "buffer_fps": buffer_fps,
            "motion_sample_fps": motion_sample_fps,
        }
        self.buffer_s = buffer_s
        self.buffer_fps = buffer_fps
        self._on_motion = on_motion
        # lock order: _send_lock before _lock; _send_lock guards writes to and closing of
        # the pipe to the child, which the supervisor and callers of the API both use
        self._send_lock = threading.Lock()
        self._conn: Connection | None = None  # the pipe to the live child
        self._zone_data: list[dict[str, Any]] = []
        self._requests = itertools.count(1)
        self._clip_requests: dict[int, _ClipRequest] = {}
        self._events: deque[MotionEvent] = deque(maxlen=MAX_QUEUED_EVENTS)
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()  # guards the reader and the status fields
        self._reader: shm.FrameReader | None = None
        self._state = StreamState.STOPPED
        self._error = ""
        self._reconnects = 0  # reopen attempts of earlier children
        self._child_reconnects = 0
        self._crashes = 0
        self._last_seq = 0
        self._last_at: float | None = None
        self._size = (0, 0)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake_r = self._wake_w = -1
        self._process: Any = None  # the live child, for tests and diagnostics

    def __repr__(self) -> str:
        return f"<Capture {self.name!r} {self._state.value}>"

    # -- public API -----------------------------------------------------------------------
    def start(self) -> None:
        """Start decoding (no-op if already running)."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._wake_r, self._wake_w = os.pipe()
        with self._lock:
            self._state = StreamState.CONNECTING
            self._error = ""
        self._thread = threading.Thread(
            target=self._supervise, name=f"capture-{self._id}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the child (asked, then terminated, then killed), free shared memory and
        join the supervisor. Idempotent."""
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass
        thread.join(timeout)
        if thread.is_alive():  # the supervisor is stuck (a loaded machine): end the child here
            self._end_child(self._process, None, grace=0.0)
            thread.join(5.0)
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._wake_r = self._wake_w = -1
        self._thread = None
        with self._lock:
            if self._reader is not None:
                seq, at, _ = self._reader.peek()
                if seq > 0:
                    self._last_seq, self._last_at = seq, at
                self._reader.close()
                self._reader = None
            self._state = StreamState.STOPPED
        # A child ended between creating a segment and announcing it leaves the segment
        # behind; the supervisor sweeps after each child, but not if it was cut short here.
        shm.sweep(shm.segment_prefix(self._id, None))

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def pid(self) -> int | None:
        """The decoder child's process id, while one runs."""
        process = self._process
        return process.pid if process is not None else None

    def set_zones(self, zones: Sequence[MotionZone]) -> None:
        """Watch these motion zones from now on (an empty list stops the analysis).

        Sent to the running decoder at once, and to every decoder started later (after
        `start()` or a crash). Raises ValueError if two zones share an id.
        """
        data = zones_to_list(zones)
        self._send_zone_data(data)

    def _send_zone_data(self, data: list[dict[str, Any]]) -> None:
        with self._send_lock:
            with self._lock:
                self._zone_data = data
                conn = self._conn
            if conn is not None:
                try:
                    conn.send(("zones", data))
                except (OSError, ValueError):
                    pass  # the child is going; the next one is sent the zones

    def triggers(self) -> list[MotionEvent]:
        """The motion events since the last call, oldest first (never blocks)."""
        with self._lock:
            events = list(self._events)
            self._events.clear()
        return events

    def save_clip(self, path: str, seconds: float = 30.0, timeout: float = 10.0) -> ClipInfo:
        """Write the last `seconds` of the stream (at most `buffer_s`) to `path` as an
        MJPEG AVI and return what was written.

        The decoder child writes the file (from JPEGs it already holds, without decoding);
        this call blocks until it confirms, for up to `timeout` seconds, so call it off the
        GUI thread. Raises `ClipError` when nothing is buffered yet (also just after a
        decoder restart), the buffer is off, the capture is not running, the decoder
        restarts meanwhile, the file cannot be written, or no reply comes in time.
        """
        if not seconds > 0:
            raise ValueError(f"seconds must be positive, got {seconds}")
        if self.buffer_fps <= 0:
            raise ClipError(f"{self.name}: the clip buffer is off (buffer_fps=0)")
        if threading.current_thread() is self._thread:
            # the reply is read by this very thread: waiting here would only time out
            raise ClipError(f"{self.name}: save_clip cannot be called from on_motion")
        path = os.path.abspath(path)
        request = _ClipRequest()
        with self._send_lock:
            with self._lock:
                conn = self._conn
                if conn is None:
                    if self._thread is None:
                        raise ClipError(f"{self.name}: the capture is not running")
                    raise ClipError(f"{self.name}: no frames buffered yet (decoder starting)")
                key = next(self._requests)
                self._clip_requests[key] = request
            try:
                conn.send(("clip", key, path, float(seconds)))
            except (OSError, ValueError) as exc:
                with self._lock:
                    self._clip_requests.pop(key, None)
                raise ClipError(f"{self.name}: the decoder is not running") from exc
        if not request.done.wait(timeout):
            with self._lock:
                self._clip_requests.pop(key, None)
            raise ClipError(f"{self.name}: no reply from the decoder within {timeout:g} s")
        if request.info is None:
            raise ClipError(f"{self.name}: {request.error}")
        return request.info

    def latest(self) -> Frame | None:
        """The newest decoded frame (the same object until a newer one arrives), or None."""
        with self._lock:
            reader = self._reader
            return reader.read() if reader is not None else None

    def status(self) -> StreamStatus:
        with self._lock:
            seq, at, fps = self._last_seq, self._last_at, 0.0
            width, height = self._size
            if self._reader is not None:
                rseq, rat, rfps = self._reader.peek()
                if rseq > 0:
                    seq, at, fps = rseq, rat, rfps
            state = self._state
            if state is not StreamState.LIVE or at is None or time.time() - at > STALE_FPS_S:
                fps = 0.0
            return StreamStatus(
                state=state,
                last_frame_at=at,
                fps=fps,
                width=width,
                height=height,
                error=self._error,
                reconnects=self._reconnects + self._child_reconnects,
                crashes=self._crashes,
                frames_decoded=seq,
            )

    # -- the supervisor thread --------------------------------------------------------------
    def _supervise(self) -> None:
        backoff = RESTART_BACKOFF_FIRST_S
        for spawn in itertools.count(1):
            if self._stopping.is_set():
                return
            prefix = shm.segment_prefix(self._id, spawn)
            went_live, exitcode, stopped = self._run_child(prefix)
            shm.sweep(prefix)
            if stopped:
                return
            with self._lock:
                self._crashes += 1
                self._state = StreamState.LOST
                self._error = describe_exit(exitcode)
                self._reconnects += self._child_reconnects
                self._child_reconnects = 0
            log.warning("%s: %s; restarting in %.1f s", self.name, self._error, backoff)
            if went_live:
                backoff = RESTART_BACKOFF_FIRST_S
            if wait([self._wake_r], timeout=backoff):
                return
            backoff = min(RESTART_BACKOFF_MAX_S, backoff * 2)
            with self._lock:
                self._reconnects += 1

    def _run_child(self, prefix: str) -> tuple[bool, int | None, bool]:
        """Run one decoder child until it dies or we stop: (went live, exit code, stopped)."""
        parent_end, child_end = self._ctx.Pipe(duplex=True)
        with self._lock:
            seq_base = self._last_seq
            if self._reader is not None:
                seq_base = max(seq_base, self._reader.peek()[0])
        process = self._ctx.Process(
            target=decoder.run,
            args=(self.url, child_end, prefix, seq_base, self._opts),
            name=f"decoder-{self._id}",
            daemon=True,
        )
        went_live = False
        try:
            process.start()
        except Exception as exc:  # fork/exec failed (resources exhausted)
            child_end.close()
            parent_end.close()
            with self._lock:
                self._error = f"cannot start decoder: {exc}"
            return False, None, False
        child_end.close()
        self._process = process
        with self._send_lock:
            with self._lock:
                self._conn = parent_end
                zone_data = self._zone_data
            if zone_data:
                try:
                    parent_end.send(("zones", zone_data))
                except (OSError, ValueError):
                    pass  # it died already; its sentinel says so
        try:
            while True:
                ready = wait([parent_end, process.sentinel, self._wake_r], timeout=5.0)
                if self._wake_r in ready or self._stopping.is_set():
                    self._end_child(process, parent_end, grace=0.5)
                    return went_live, process.exitcode, True
                if parent_end in ready:
                    went_live |= self._drain(parent_end)
                if process.sentinel in ready:
                    went_live |= self._drain(parent_end)
                    process.join()
                    return went_live, process.exitcode, False
        finally:
            self._process = None
            with self._send_lock:
                with self._lock:
                    self._conn = None
                    waiting = list(self._clip_requests.values())
                    self._clip_requests.clear()
                parent_end.close()
            for request in waiting:
                request.finish(None, "the decoder stopped before the clip was written")
            if process.exitcode is not None:
                process.close()

    def _drain(self, conn: Connection) -> bool:
        """Handle every message the child has sent; True if it reported going live."""
        went_live = False
        try:
            while conn.poll():
                msg = conn.recv()
                if msg[0] == "state":
                    _, state, error, reconnects = msg
                    with self._lock:
                        self._state = StreamState(state)
                        self._child_reconnects = reconnects
                        if state == StreamState.LIVE:
                            self._error = ""
                            went_live = True
                        elif error:
                            self._error = error
                elif msg[0] == "ring":
                    _, name, width, height, _slots = msg
                    self._attach(name, width, height)
                elif msg[0] == "motion":
                    self._motion(MotionEvent(trigger=msg[1], snapshot_jpeg=msg[2]))
                elif msg[0] == "clip":
                    _, key, error, info = msg
                    with self._lock:
                        request = self._clip_requests.pop(key, None)
                    if request is not None:
                        request.finish(ClipInfo(**info) if info else None, error)
                elif msg[0] == "warning":
                    log.warning("%s: %s", self.name, msg[1])
        except (EOFError, OSError):
            pass  # the child is gone; its sentinel tells the rest
        return went_live

    def _motion(self, event: MotionEvent) -> None:
        with self._lock:
            self._events.append(event)
        if self._on_motion is not None:
            try:
                self._on_motion(event)
            except Exception:  # a faulty listener must not stop the supervisor
                log.exception("%s: on_motion callback failed", self.name)

    def _attach(self, name: str, width: int, height: int) -> None:
        try:
            reader = shm.FrameReader(name)
        except (FileNotFoundError, ValueError) as exc:
            log.warning("%s: cannot attach frame segment %s: %s", self.name, name, exc)
            return
        with self._lock:
            old = self._reader
            if old is not None:
                seq, at, _ = old.peek()
                if seq > 0:
                    self._last_seq, self._last_at = seq, at
                old.close()
            self._reader = reader
            self._size = (width, height)

    def _end_child(self, process: Any, conn: Connection | None, grace: float) -> None:
        """Ask the child to stop, then terminate, then kill; always reaps it."""
        if process is None:
            return
        try:
            if conn is not None:
                with self._send_lock:
                    conn.send("stop")
        except (OSError, ValueError):
            pass
        try:
            process.join(grace)
            if process.exitcode is None:
                process.terminate()
                process.join(1.0)
            if process.exitcode is None:
                process.kill()
                process.join(1.0)
        except (ValueError, AssertionError):
            pass  # already closed by the supervisor
