"""More scenes for the demo city's cameras, made from the two shipped clips.

Forty-eight demo cameras showing the same two clips in step would look like a test card,
not a city. On first run the app writes variants of each clip into the data folder: mirrored,
zoomed on a part of the frame, darkened to dusk with sensor noise, and each started at a
different point of its loop, so neighbouring tiles on the wall never show the same picture.
They are derived from the shipped clips only (same licences, see resources/ATTRIBUTION.md),
encoded as MPEG-4 Part 2, which OpenCV's FFmpeg backend reads back.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

__all__ = ["VARIANTS", "demo_clip_paths", "make_demo_clips"]

log = logging.getLogger("video")

Transform = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def _mirror(f: np.ndarray, _rng: np.random.Generator) -> np.ndarray:
    return f[:, ::-1]


def _zoom(x0: float, y0: float, scale: float) -> Transform:
    def zoom(f: np.ndarray, _rng: np.random.Generator) -> np.ndarray:
        import cv2

        h, w = f.shape[:2]
        cw, ch = int(w / scale), int(h / scale)
        x, y = int((w - cw) * x0), int((h - ch) * y0)
        return cv2.resize(f[y:y + ch, x:x + cw], (w, h), interpolation=cv2.INTER_LINEAR)

    return zoom


def _dusk(f: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    lit = (f.astype(np.float32) / 255.0) ** 1.7 * 255.0 * np.array([1.15, 0.9, 0.8])  # BGR
    lit += rng.normal(0.0, 4.0, f.shape)
    return np.clip(lit, 0, 255).astype(np.uint8)


def _both(a: Transform, b: Transform) -> Transform:
    return lambda f, rng: b(a(f, rng), rng)


# name → (transform, share of the loop to start at)
VARIANTS: dict[str, tuple[Transform, float]] = {
    "mirror": (_mirror, 0.37),
    "zoom_left": (_zoom(0.0, 0.6, 1.45), 0.18),
    "zoom_right": (_zoom(1.0, 0.3, 1.35), 0.71),
    "dusk": (_dusk, 0.52),
    "mirror_zoom": (_both(_mirror, _zoom(0.5, 1.0, 1.6)), 0.86),
    "dusk_zoom": (_both(_zoom(0.3, 0.2, 1.3), _dusk), 0.09),
}


def demo_clip_paths(sources: Sequence[Path], out_dir: Path) -> list[Path]:
    """The files `make_demo_clips` makes (or finds), without making them: the sources, then
    each source's variants."""
    return [*sources, *(out_dir / f"{s.stem}_{name}.mp4" for s in sources for name in VARIANTS)]


def make_demo_clips(sources: Sequence[Path], out_dir: Path) -> list[Path]:
    """The shipped `sources` followed by their variants in `out_dir` (made once: existing
    files are kept). A source that cannot be read is skipped with a log line; the app then
    simply has fewer scenes."""
    import cv2

    out_dir.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    for source in sources:
        wanted = {name: out_dir / f"{source.stem}_{name}.mp4" for name in VARIANTS}
        if all(p.is_file() for p in wanted.values()):
            made.extend(wanted.values())
            continue
        frames, fps = _read(source)
        if not frames:
            log.warning("demo clip %s could not be read; no variants made", source)
            continue
        h, w = frames[0].shape[:2]
        rng = np.random.default_rng(zlib.crc32(source.name.encode()))
        for name, (transform, start) in VARIANTS.items():
            path = wanted[name]
            if path.is_file():
                made.append(path)
                continue
            partial = path.with_suffix(".partial.mp4")
            writer = cv2.VideoWriter(str(partial), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
            if not writer.isOpened():
                log.warning("cannot write %s; no variants made", partial)
                break
            k0 = int(len(frames) * start)
            for k in range(len(frames)):
                writer.write(np.ascontiguousarray(transform(frames[(k0 + k) % len(frames)], rng)))
            writer.release()
            partial.replace(path)
            made.append(path)
    return [*sources, *made]


def _read(source: Path) -> tuple[list[np.ndarray], float]:
    import cv2

    cap = cv2.VideoCapture(str(source), cv2.CAP_FFMPEG)
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames, fps
