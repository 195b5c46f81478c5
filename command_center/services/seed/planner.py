"""Planning the cases in a Python subprocess while the seed writes, with a fallback here."""

from __future__ import annotations

import gc
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from command_center.domain.calendar import WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.services.seed.history import _History
from command_center.services.seed.report import SeedError
from command_center.services.seed.world import _build_world

log = logging.getLogger("db")

CASE_CHUNK = 5000  # cases planned, then written, at a time


def _planner_main() -> None:
    """Entry of the planning subprocess: arguments in on stdin, then out on stdout
    ("chunk", rows) messages and a final ("done", None) — or ("error", message)."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the stream
    gc.disable()
    try:
        args = pickle.load(sys.stdin.buffer)
        world = _build_world(*args)
        for chunk in world.sim.chunks(CASE_CHUNK, first=1000):
            pickle.dump(("chunk", chunk), out, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(("done", None), out)
    except BaseException as exc:  # reported to the writer, which raises SeedError
        pickle.dump(("error", f"{type(exc).__name__}: {exc}"), out)
    out.flush()


class _Planner:
    """A Python subprocess that plans the cases, read a chunk at a time.

    A plain subprocess rather than multiprocessing: `spawn` re-runs the caller's __main__
    module in the child, which a library must never do to a script without a main guard.
    """

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process

    @classmethod
    def start(
        cls,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        now: datetime,
        cases: int,
        rng_seed: int,
        id_base: dict[str, int],
    ) -> _Planner | None:
        """A started planner, or None (plan in process) if no Python subprocess can be had."""
        if getattr(sys, "frozen", False) or not sys.executable:
            return None
        args = pickle.dumps(
            (catalogue, calendar, now, cases, rng_seed, id_base), protocol=pickle.HIGHEST_PROTOCOL
        )
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        code = "from command_center.services.seed import _planner_main; _planner_main()"
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
            )
        except OSError as exc:
            log.info("planning the demo cases in process (no subprocess: %s)", exc)
            return None
        stdin = process.stdin
        assert stdin is not None

        def feed() -> None:  # the child reads only once it has imported: don't wait for it
            try:
                stdin.write(args)
                stdin.close()
            except (OSError, ValueError):
                pass  # the child died (or was stopped); reading its output says so

        threading.Thread(target=feed, name="seed-planner-feed", daemon=True).start()
        return cls(process)

    def chunks(self) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        stdout = self._process.stdout
        assert stdout is not None
        while True:
            try:
                kind, payload = pickle.load(stdout)
            except (EOFError, pickle.UnpicklingError):
                code = self._process.wait()
                raise _PlannerGone(
                    f"the process planning the demo cases stopped unexpectedly (exit code {code})"
                ) from None
            if kind == "done":
                return
            if kind == "error":
                raise SeedError(f"planning the demo cases failed: {payload}")
            yield payload

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:  # a broken pipe to a dead child
                    pass


class _PlannerGone(SeedError):
    """The planning subprocess ended without a word (it could not start or was killed)."""


class _CaseSource:
    """The planned chunks: from the subprocess, or planned here if it is absent or dies
    before its first chunk (a broken interpreter, a killed process)."""

    def __init__(self, planner: _Planner | None, sim: _History) -> None:
        self._planner = planner
        self._sim = sim
        self.remote = planner is not None

    def chunks(self) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        if self._planner is not None:
            remote = self._planner.chunks()
            try:
                first = next(remote, None)
            except _PlannerGone as exc:
                log.warning("%s; planning the demo cases in process instead", exc)
                self.remote = False
            else:
                if first is not None:
                    yield first
                yield from remote
                return
        yield from self._sim.chunks(CASE_CHUNK)
