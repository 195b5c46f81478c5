"""A 4×4 video wall: 16 live streams, 640×360 at 25 fps, into 16 VideoTiles (offscreen).

Sources: 16 MJPEG-over-HTTP (mpjpeg) servers on loopback, each a Debian `ffmpeg -re` process
serving the shipped street clip, scaled to 640×360 at 25 fps once up front and then sent
with `-c copy` (so the servers do not re-encode and leave the CPU to the wall). `--source
file` plays the same prepared clip as 16 looping files instead (paced by the decoders).

Two phases on the same sources in the same run:
  1. baseline: each source decoded by a plain `cv2.VideoCapture.read()` loop, one thread per
     source in this process (OpenCV releases the GIL while decoding), for `--seconds`;
  2. the pipeline: `StreamPool` → `Capture` (a decoder child per source, shared memory) →
     a 4×4 grid of `VideoTile`s in a shown window, for `--seconds` after every tile has
     painted a first frame.
Prints per phase: decoded fps per source, frames shown per tile per second, frames dropped
(decoded but never painted), CPU of the process tree (this process plus its decoder
children, read from /proc; the ffmpeg servers are reported apart), and for the pipeline the
GUI event-loop delay p50/p95 (a 10 ms QTimer measuring its own lateness; goal p95 < 50 ms).
The last line is JSON with the ratio of the pipeline's decoded fps to the baseline's (goal ≥ 0.9).

`--buffer-fps` is each capture's rolling clip buffer rate (JPEGs kept for "save the last
30 s"; 0 turns the buffer off), so running with 0 and with the default measures its cost.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/video_wall.py [--streams 16]
[--seconds 20] [--source loopback|file] [--buffer-fps 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from command_center.video.capture import DEFAULT_BUFFER_FPS

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "resources" / "video" / "street_bikes_640x272.mp4"
GOAL_RATIO = 0.9
GOAL_P95_MS = 50.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- /proc ------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (all its threads), in seconds; 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                out.append(int(entry.name))
    return out


class CpuMeter:
    """CPU seconds of this process + its non-server children, and of the servers."""

    def __init__(self, server_pids: set[int]) -> None:
        self.server_pids = server_pids

    def sample(self) -> tuple[float, float, dict[int, float]]:
        per = {pid: cpu_seconds(pid) for pid in children(os.getpid())}
        app = cpu_seconds(os.getpid()) + sum(
            v for pid, v in per.items() if pid not in self.server_pids
        )
        servers = sum(v for pid, v in per.items() if pid in self.server_pids)
        return app, servers, per


# -- sources ----------------------------------------------------------------------------
def prepare_clip(folder: Path, width: int, height: int, fps: int) -> Path:
    out = folder / f"wall_{width}x{height}.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(CLIP), "-an"]
        + ["-vf", f"scale={width}:{height},fps={fps}", "-c:v", "mjpeg", "-q:v", "5", str(out)],
        check=True,
    )
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """`n` one-client mpjpeg servers of the prepared clip (`-c copy`: no re-encoding)."""

    def __init__(self, clip: Path, n: int) -> None:
        self.clip, self.ports = clip, [free_port() for _ in range(n)]
        self.procs: list[subprocess.Popen] = []

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}/feed" for p in self.ports]

    def start(self) -> None:
        self.stop()
        for url in self.urls:
            cmd = ["ffmpeg", "-hide_banner", "-loglevel", "quiet", "-nostdin", "-re"]
            cmd += ["-stream_loop", "-1", "-i", str(self.clip), "-c:v", "copy"]
            cmd += ["-f", "mpjpeg", "-listen", "1", url]
            self.procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL))
        time.sleep(0.5)  # let them bind (a client that comes early just retries)

    @property
    def pids(self) -> set[int]:
        return {p.pid for p in self.procs}

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        self.procs = []


# -- phase 1: plain OpenCV --------------------------------------------------------------
def baseline(urls: list[str], seconds: float, server_pids: set[int]) -> dict:
    import cv2

    counts = [0] * len(urls)
    opened = threading.Barrier(len(urls) + 1)
    measuring = threading.Event()
    done = threading.Event()
    window_counts: list[int] = []

    def loop(i: int, url: str) -> None:
        cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG)
        cap.read()
        opened.wait()
        while not done.is_set():
            ok, _ = cap.read()
            if not ok:
                break
            counts[i] += 1
        cap.release()

    threads = [threading.Thread(target=loop, args=(i, u)) for i, u in enumerate(urls)]
    for t in threads:
        t.start()
    opened.wait()
    time.sleep(1.0)  # warm-up
    meter = CpuMeter(server_pids)
    start_counts, t0, (cpu0, srv0, _) = list(counts), time.monotonic(), meter.sample()
    measuring.set()
    time.sleep(seconds)
    window_counts = [c - s for c, s in zip(counts, start_counts, strict=True)]
    t1, (cpu1, srv1, _) = time.monotonic(), meter.sample()
    done.set()
    for t in threads:
        t.join()
    wall = t1 - t0
    return {
        "phase": "baseline cv2.VideoCapture loops",
        "decoded_fps_per_source": sum(window_counts) / wall / len(urls),
        "decoded_fps_min": min(window_counts) / wall,
        "cpu_app_pct": 100 * (cpu1 - cpu0) / wall,
        "cpu_servers_pct": 100 * (srv1 - srv0) / wall,
        "seconds": wall,
    }


# -- phase 2: the wall ------------------------------------------------------------------
def pipeline(
    urls: list[str], seconds: float, server_pids: set[int], tile_size: tuple, buffer_fps: float
) -> dict:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

    from command_center.ui.video_tile import VideoTile
    from command_center.video.capture import Capture
    from command_center.video.pool import StreamPool

    app = QApplication.instance() or QApplication(sys.argv[:1])
    pool = StreamPool(lambda url, name: Capture(url, name=name, buffer_fps=buffer_fps))
    window = QWidget()
    grid = QGridLayout(window)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(2)
    side = int(round(len(urls) ** 0.5))
    tiles = []
    captures = []
    for i, url in enumerate(urls):
        capture = pool.acquire(url, name=f"CAM-{i + 1:02d}")
        tile = VideoTile()
        tile.set_capture(capture)
        grid.addWidget(tile, i // side, i % side)
        tiles.append(tile)
        captures.append(capture)
    window.resize(tile_size[0] * side, tile_size[1] * side)
    window.show()

    lateness: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(10)

    def tick() -> None:
        now = clock.nsecsElapsed()
        lateness.append(max(0.0, (now - last[0]) / 1e6 - 10.0))
        last[0] = now

    probe.timeout.connect(tick)
    probe.start()

    def run_for(secs: float, until=None) -> None:
        """Run the event loop for `secs`, or until `until()` holds (checked every 100 ms)."""
        loop = QEventLoop()
        QTimer.singleShot(int(secs * 1000), loop.quit)
        check = QTimer()
        if until is not None:
            check.timeout.connect(lambda: until() and loop.quit())
            check.start(100)
        loop.exec()
        check.stop()

    started = time.monotonic()
    run_for(30.0, until=lambda: all(t.frames_painted > 0 for t in tiles))
    warmup = time.monotonic() - started
    run_for(1.0)
    meter = CpuMeter(server_pids)
    lateness.clear()
    dec0 = [c.status().frames_decoded for c in captures]
    pnt0 = [t.frames_painted for t in tiles]
    t0, (cpu0, srv0, _) = time.monotonic(), meter.sample()
    run_for(seconds)
    t1, (cpu1, srv1, _) = time.monotonic(), meter.sample()
    dec = [c.status().frames_decoded - d for c, d in zip(captures, dec0, strict=True)]
    pnt = [t.frames_painted - p for t, p in zip(tiles, pnt0, strict=True)]
    states = [c.status().state.value for c in captures]
    probe.stop()
    window.close()
    for tile in tiles:
        tile.set_capture(None)
    pool.close()
    window.deleteLater()
    app.processEvents()
    wall = t1 - t0
    late = sorted(lateness)
    return {
        "phase": "pipeline: Capture + 4x4 VideoTile",
        "decoded_fps_per_source": sum(dec) / wall / len(urls),
        "decoded_fps_min": min(dec) / wall,
        "shown_fps_per_tile": sum(pnt) / wall / len(urls),
        "shown_fps_min": min(pnt) / wall,
        "dropped_frames": sum(dec) - sum(pnt),
        "dropped_pct": 100 * (sum(dec) - sum(pnt)) / max(1, sum(dec)),
        "cpu_app_pct": 100 * (cpu1 - cpu0) / wall,
        "cpu_servers_pct": 100 * (srv1 - srv0) / wall,
        "loop_delay_p50_ms": statistics.median(late) if late else float("nan"),
        "loop_delay_p95_ms": late[int(0.95 * (len(late) - 1))] if late else float("nan"),
        "loop_delay_max_ms": late[-1] if late else float("nan"),
        "warmup_s": warmup,
        "states": sorted(set(states)),
        "seconds": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--source", choices=["loopback", "file"], default="loopback")
    parser.add_argument(
        "--buffer-fps",
        type=float,
        default=DEFAULT_BUFFER_FPS,
        help="clip buffer rate of each capture (0: off; default %(default)s)",
    )
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if shutil.which("ffmpeg") is None:
        sys.exit("Debian's ffmpeg is needed to prepare and serve the streams")

    with tempfile.TemporaryDirectory(prefix="video_wall_") as tmp:
        clip = prepare_clip(Path(tmp), args.width, args.height, args.fps)
        servers = Servers(clip, args.streams)
        try:
            if args.source == "loopback":
                servers.start()
                base = baseline(servers.urls, args.seconds, servers.pids)
                servers.start()  # one-client servers: fresh ones for the second phase
                wall = pipeline(
                    servers.urls, args.seconds, servers.pids, (320, 180), args.buffer_fps
                )
            else:
                files = [str(clip)] * args.streams
                base = baseline_files(files, args.seconds, args.fps)
                wall = pipeline(files, args.seconds, set(), (320, 180), args.buffer_fps)
        finally:
            servers.stop()

    print(
        f"# {args.streams} streams {args.width}x{args.height}@{args.fps} ({args.source}), "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"clip buffer {args.buffer_fps:g} fps"
    )
    rows = [
        ("decoded fps per source (mean)", "decoded_fps_per_source"),
        ("decoded fps, slowest source", "decoded_fps_min"),
        ("shown fps per tile (mean)", "shown_fps_per_tile"),
        ("shown fps, slowest tile", "shown_fps_min"),
        ("frames dropped (decoded, not shown)", "dropped_frames"),
        ("  as % of decoded", "dropped_pct"),
        ("CPU app tree, % of one core", "cpu_app_pct"),
        ("CPU ffmpeg servers, % of one core", "cpu_servers_pct"),
        ("event-loop delay p50 ms", "loop_delay_p50_ms"),
        ("event-loop delay p95 ms", "loop_delay_p95_ms"),
        ("event-loop delay max ms", "loop_delay_max_ms"),
    ]
    print(f"{'figure':40s} {'baseline':>10s} {'pipeline':>10s}")
    for label, key in rows:
        b, w = base.get(key), wall.get(key)
        print(f"{label:40s} {_fmt(b):>10s} {_fmt(w):>10s}")
    ratio = wall["decoded_fps_per_source"] / max(1e-9, base["decoded_fps_per_source"])
    print(
        json.dumps(
            {
                "ratio_decoded_vs_plain_cv2": round(ratio, 3),
                "goal": GOAL_RATIO,
                "loop_delay_p95_ms": round(wall["loop_delay_p95_ms"], 1),
                "goal_p95_ms": GOAL_P95_MS,
                "states": wall["states"],
                "warmup_s": round(wall["warmup_s"], 1),
                "buffer_fps": args.buffer_fps,
                "cpu_app_pct": round(wall["cpu_app_pct"], 1),
            }
        ),
        flush=True,
    )


def baseline_files(files: list[str], seconds: float, fps: int) -> dict:
    """The file variant of the baseline: plain loops paced at the clip's rate, rewound."""
    import cv2

    counts = [0] * len(files)
    done = threading.Event()

    def loop(i: int, path: str) -> None:
        cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
        due = time.monotonic()
        while not done.is_set():
            due += 1.0 / fps
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            ok, _ = cap.read()
            if not ok:
                cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                continue
            counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i, f)) for i, f in enumerate(files)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    meter = CpuMeter(set())
    c0, t0, (cpu0, _, _) = list(counts), time.monotonic(), meter.sample()
    time.sleep(seconds)
    c1, t1, (cpu1, _, _) = list(counts), time.monotonic(), meter.sample()
    done.set()
    for t in threads:
        t.join()
    wall = t1 - t0
    delta = [b - a for a, b in zip(c0, c1, strict=True)]
    return {
        "phase": "baseline paced cv2 loops",
        "decoded_fps_per_source": sum(delta) / wall / len(files),
        "decoded_fps_min": min(delta) / wall,
        "cpu_app_pct": 100 * (cpu1 - cpu0) / wall,
        "cpu_servers_pct": 0.0,
        "seconds": wall,
    }


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


if __name__ == "__main__":
    main()
