"""Video test fixtures: real streams served on loopback by Debian's ffmpeg, a condition
waiter, and a check that no decoder child, supervisor thread or frame segment outlives a
test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "resources" / "video" / "street_bikes_640x272.mp4"
CLIP_320 = ROOT / "resources" / "video" / "highway_cctv_320x240.avi"
FFMPEG = shutil.which("ffmpeg")
DEADLINE_S = 20.0


def _wait_for(predicate: Callable[[], object], timeout: float = DEADLINE_S, what: str = "") -> None:
    """Poll `predicate` until it is true; fail with `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        if predicate():
            return
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamServer:
    """One ffmpeg process serving a looping clip on 127.0.0.1 (killed and restarted by
    tests on the same port)."""

    def __init__(self, kind: str, port: int, clip: Path = CLIP, size: str | None = None):
        self.kind, self.port, self.clip, self.size = kind, port, clip, size
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        if self.kind == "mpjpeg":
            return f"http://127.0.0.1:{self.port}/feed"
        return f"tcp://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [FFMPEG or "ffmpeg", "-hide_banner", "-loglevel", "quiet", "-nostdin", "-re"]
        cmd += ["-stream_loop", "-1", "-i", str(self.clip), "-an"]
        if self.size:
            cmd += ["-vf", f"scale={self.size}"]
        if self.kind == "mpjpeg":
            cmd += ["-c:v", "mjpeg", "-q:v", "6", "-f", "mpjpeg", "-listen", "1", self.url]
        else:
            cmd += ["-c:v", "mpeg2video", "-q:v", "6", "-f", "mpegts"]
            cmd += [f"tcp://127.0.0.1:{self.port}?listen=1"]
        return cmd

    def start(self, size: str | None = None) -> StreamServer:
        if size is not None:
            self.size = size
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL)
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None


@pytest.fixture
def stream_server() -> Iterator[Callable[..., StreamServer]]:
    """Factory: `stream_server("mpjpeg" | "mpegts", size="WxH")` serves and returns one."""
    if FFMPEG is None:
        pytest.fail("Debian's ffmpeg is needed to serve test streams")
    servers: list[StreamServer] = []

    def make(kind: str = "mpjpeg", *, size: str | None = None, clip: Path = CLIP) -> StreamServer:
        server = StreamServer(kind, free_port(), clip, size).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.kill()


def _children(pid: int) -> list[int]:
    """Live child processes of `pid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def decoder_children() -> list[int]:
    """Our children that are decoder processes (not ffmpeg servers, not the resource
    tracker)."""
    pids = []
    for pid in _children(os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing.spawn" in cmdline or b"spawn_main" in cmdline:
            pids.append(pid)
    return pids


def capture_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("capture-")]


def frame_segments() -> list[str]:
    prefix = f"ccv{os.getpid():x}_"
    return [p.name for p in Path("/dev/shm").glob(prefix + "*")]


@pytest.fixture(autouse=True)
def _no_capture_leaks() -> Iterator[None]:
    """Every test must leave no decoder child, supervisor thread or frame segment."""
    yield
    _wait_for(
        lambda: not decoder_children() and not capture_threads() and not frame_segments(),
        timeout=10,
        what="decoder children, capture threads and frame segments to be gone",
    )


@pytest.fixture
def wait_for() -> Callable[..., None]:
    """`wait_for(predicate, timeout=20, what="…")`: poll a condition, never a fixed sleep."""
    return _wait_for


class Leaks:
    """What a capture could leave behind in this process."""

    decoder_children = staticmethod(decoder_children)
    capture_threads = staticmethod(capture_threads)
    frame_segments = staticmethod(frame_segments)


@pytest.fixture
def leaks() -> type[Leaks]:
    return Leaks
