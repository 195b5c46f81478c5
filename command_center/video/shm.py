"""The latest-frame ring in shared memory: a decoder process writes, the GUI process reads.

One segment holds a small header, a slot table and `slots` frame buffers of H×W×3 bytes
(BGR). The writer fills the slots round-robin and then points `latest` at the slot it just
finished, so it never writes into the slot a reader was just told about; with three slots a
reader has two frame intervals to copy a frame before it is overwritten. Each slot carries a
seqlock counter (odd while written) so a reader that was too slow sees the counter move and
tries again instead of returning a torn frame. Nothing queues: a reader that falls behind
simply skips to the newest frame.

The segment is created by the writer (a decoder child) under a name the parent chose the
prefix of; the parent attaches and unlinks it at once (both mappings stay valid), and
`sweep` removes any segment a crashed child created but could not announce.

Memory order: the counters are plain 64-bit loads and stores; x86-64 keeps stores in order,
which is what the seqlock needs. On weakly ordered CPUs (ARM) a torn read stays possible.
"""

from __future__ import annotations

import os
from multiprocessing import shared_memory
from pathlib import Path

import numpy as np

from command_center.video.stream import Frame

MAGIC = 0x43_43_56_31  # "CCV1"
HEADER_BYTES = 128
SLOT_ENTRY_WORDS = 4  # seqlock counter, frame seq, wall-clock time (float64), spare
DEFAULT_SLOTS = 3

# header words (int64 unless noted)
H_MAGIC, H_WIDTH, H_HEIGHT, H_SLOTS, H_LATEST, H_FPS = 0, 1, 2, 3, 4, 5  # H_FPS is float64


def _layout(width: int, height: int, slots: int) -> tuple[int, int, int]:
    """Offset of the slot table, offset of the first frame, total size (frames 64-aligned)."""
    table = HEADER_BYTES
    first = (table + slots * SLOT_ENTRY_WORDS * 8 + 63) // 64 * 64
    frame = height * width * 3
    return table, first, first + slots * frame


class _Ring:
    """Numpy views over one segment; shared by the writer and the reader."""

    def __init__(self, shm: shared_memory.SharedMemory, width: int, height: int, slots: int):
        self.shm = shm
        self.width, self.height, self.slots = width, height, slots
        table, first, _ = _layout(width, height, slots)
        buf = shm.buf
        self.header = np.ndarray((HEADER_BYTES // 8,), np.int64, buf, 0)
        self.fheader = np.ndarray((HEADER_BYTES // 8,), np.float64, buf, 0)
        self.table = np.ndarray((slots, SLOT_ENTRY_WORDS), np.int64, buf, table)
        self.ftable = np.ndarray((slots, SLOT_ENTRY_WORDS), np.float64, buf, table)
        self.frames = np.ndarray((slots, height, width, 3), np.uint8, buf, first)

    def close(self) -> None:
        # drop every view first: SharedMemory.close() refuses while buffers are exported
        del self.header, self.fheader, self.table, self.ftable, self.frames
        self.shm.close()


class FrameWriter:
    """The decoder's side: hands out the next slot to decode into, then publishes it."""

    def __init__(self, name: str, width: int, height: int, slots: int = DEFAULT_SLOTS) -> None:
        _, _, size = _layout(width, height, slots)
        shm = shared_memory.SharedMemory(name=name, create=True, size=size)
        self.name = name
        self._ring = _Ring(shm, width, height, slots)
        r = self._ring
        r.header[:] = 0
        r.table[:] = 0
        r.header[H_WIDTH], r.header[H_HEIGHT], r.header[H_SLOTS] = width, height, slots
        r.header[H_LATEST] = -1
        r.header[H_MAGIC] = MAGIC
        self._next = 0

    @property
    def shape(self) -> tuple[int, int]:
        return self._ring.height, self._ring.width

    def begin(self) -> np.ndarray:
        """Open the next slot for writing (its counter goes odd); decode straight into it."""
        r = self._ring
        slot = self._next
        r.table[slot, 0] += 1
        return r.frames[slot]

    def commit(self, seq: int, at: float, fps: float) -> None:
        """Close the slot `begin` opened and make it the latest frame."""
        r = self._ring
        slot = self._next
        r.table[slot, 1] = seq
        r.ftable[slot, 2] = at
        r.table[slot, 0] += 1
        r.header[H_LATEST] = slot
        r.fheader[H_FPS] = fps
        self._next = (slot + 1) % r.slots

    def abort(self) -> None:
        """Give the slot `begin` opened back unchanged in meaning (the read failed)."""
        self._ring.table[self._next, 0] += 1

    def set_fps(self, fps: float) -> None:
        self._ring.fheader[H_FPS] = fps

    def close(self) -> None:
        self._ring.close()


class FrameReader:
    """The GUI process's side: the newest frame, copied out once per new frame."""

    def __init__(self, name: str, *, unlink: bool = True) -> None:
        shm = shared_memory.SharedMemory(name=name, create=False)
        if unlink:
            # the mapping stays valid; the name is gone, so nothing can leak from here on
            shm.unlink()
        header = np.ndarray((HEADER_BYTES // 8,), np.int64, shm.buf, 0)
        if int(header[H_MAGIC]) != MAGIC:
            del header
            shm.close()
            raise ValueError(f"shared memory {name!r} is not a frame ring")
        width, height, slots = (int(header[i]) for i in (H_WIDTH, H_HEIGHT, H_SLOTS))
        del header
        self._ring = _Ring(shm, width, height, slots)
        self._last: Frame | None = None

    @property
    def size(self) -> tuple[int, int]:
        return self._ring.width, self._ring.height

    def peek(self) -> tuple[int, float, float]:
        """(seq, time, fps) of the newest frame without copying it; seq 0 means none yet."""
        r = self._ring
        slot = int(r.header[H_LATEST])
        if slot < 0:
            return 0, 0.0, 0.0
        return int(r.table[slot, 1]), float(r.ftable[slot, 2]), float(r.fheader[H_FPS])

    def read(self) -> Frame | None:
        """The newest complete frame, or None before the first one.

        The one copy of the pipeline happens here, shared memory → a private array: the
        decoder reuses its slots, and a `Frame` must stay valid for as long as its holder
        keeps it. The same `Frame` is returned until a newer one arrives (no copy then);
        its array is read-only because several views may share it.
        """
        r = self._ring
        for _ in range(8):
            slot = int(r.header[H_LATEST])
            if slot < 0:
                return None
            before = int(r.table[slot, 0])
            seq = int(r.table[slot, 1])
            if self._last is not None and seq == self._last.seq:
                return self._last
            if before & 1:
                continue  # being rewritten: look again at the (new) latest slot
            image = r.frames[slot].copy()
            at = float(r.ftable[slot, 2])
            if int(r.table[slot, 0]) == before:
                image.flags.writeable = False
                self._last = Frame(seq=seq, at=at, image=image)
                return self._last
        return self._last  # the writer outran us eight times: keep the previous frame

    def close(self) -> None:
        self._last = None
        self._ring.close()


def sweep(prefix: str) -> int:
    """Unlink every segment whose name starts with `prefix` (what a crashed child left)."""
    root = Path("/dev/shm")
    if not prefix or not root.is_dir():
        return 0
    count = 0
    for entry in root.glob(prefix + "*"):
        try:
            shm = shared_memory.SharedMemory(name=entry.name, create=False)
        except (FileNotFoundError, OSError):
            continue
        try:
            shm.unlink()
            count += 1
        except FileNotFoundError:
            pass
        finally:
            shm.close()
    return count


def segment_prefix(capture_id: int, spawn: int | None) -> str:
    """Names of one decoder child's segments: this process, the capture, the spawn count
    (None: every spawn of the capture)."""
    if spawn is None:
        return f"ccv{os.getpid():x}_{capture_id:x}_"
    return f"ccv{os.getpid():x}_{capture_id:x}_{spawn:x}_"
