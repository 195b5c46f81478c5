"""Run callables on one worker thread; deliver results on the main thread.

Database work never runs on the GUI thread (STYLE §3): a caller submits a plain
function with `TaskManager.run`, the single worker runs submitted functions one after
another (so one worker can own the database session), and `on_done(result)` or
`on_error(exc)` is called later on the thread that owns the TaskManager, through a
queued signal. The functions must not touch widgets.
"""

from __future__ import annotations

import itertools
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot

OnDone = Callable[[Any], object]
OnError = Callable[[BaseException], object]


@dataclass(frozen=True)
class _Job:
    id: int
    fn: Callable[[], Any]


class _Worker(QThread):
    """Takes jobs off a queue until it meets the stop sentinel."""

    def __init__(
        self, jobs: queue.Queue[_Job | None], report: Callable[[int, bool, object], None]
    ) -> None:
        super().__init__()
        self._jobs = jobs
        self._report = report

    def run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                result = job.fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                self._report(job.id, False, exc)
            else:
                self._report(job.id, True, result)
            del job


class TaskManager(QObject):
    """One worker thread for blocking work, callbacks on the owner's thread.

    Signals:
        failed(object): an exception from a task that was given no `on_error`.
        busyChanged(bool): True when work is queued or running, False when idle.
    """

    failed = Signal(object)
    busyChanged = Signal(bool)
    # (job id, ok, result or exception), emitted on the worker, received queued.
    _finished = Signal(int, bool, object)

    def __init__(self, parent: QObject | None = None, name: str = "command-center-worker") -> None:
        super().__init__(parent)
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._callbacks: dict[int, tuple[OnDone | None, OnError | None]] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._finished.connect(self._deliver)
        self._worker = _Worker(self._jobs, self._finished.emit)
        self._worker.setObjectName(name)
        self._worker.start()

    @property
    def pending(self) -> int:
        """Tasks submitted whose callbacks have not run yet."""
        return len(self._callbacks)

    def is_running(self) -> bool:
        return self._worker.isRunning()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
    ) -> int:
        """Queue `fn` for the worker; return the task id."""
        if self._closed:
            raise RuntimeError("TaskManager has been shut down")
        job = _Job(next(self._ids), fn)
        was_idle = not self._callbacks
        self._callbacks[job.id] = (on_done, on_error)
        self._jobs.put(job)
        if was_idle:
            self.busyChanged.emit(True)
        return job.id

    def shutdown(self, wait_ms: int = 30_000) -> bool:
        """Finish queued tasks, stop the worker and deliver outstanding callbacks.

        Returns False when the worker did not stop within `wait_ms`.
        """
        if self._closed:
            return True
        self._closed = True
        self._jobs.put(None)
        stopped = self._worker.wait(wait_ms)
        if stopped:
            # Results already posted to us are delivered now rather than lost.
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return stopped

    @Slot(int, bool, object)
    def _deliver(self, job_id: int, ok: bool, payload: object) -> None:
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        try:
            if ok:
                if on_done is not None:
                    on_done(payload)
            else:
                assert isinstance(payload, BaseException)
                if on_error is not None:
                    on_error(payload)
                else:
                    self.failed.emit(payload)
        finally:
            if not self._callbacks:
                self.busyChanged.emit(False)
