"""TaskManager: work runs off the GUI thread, callbacks come back on it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from command_center.ui.taskman import TaskManager


@pytest.fixture
def tasks() -> Iterator[TaskManager]:
    manager = TaskManager()
    yield manager
    assert manager.shutdown(), "worker did not stop"
    assert not manager.is_running()


def test_runs_off_the_gui_thread_and_answers_on_it(qtbot: QtBot, tasks: TaskManager) -> None:
    main = threading.get_ident()
    results: list[tuple[int, int]] = []

    def work() -> int:
        return threading.get_ident()

    tasks.run(work, on_done=lambda worker: results.append((worker, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    worker, callback = results[0]
    assert worker != main, "the function ran on the GUI thread"
    assert callback == main, "the callback did not run on the GUI thread"
    assert tasks.pending == 0


def test_one_worker_runs_tasks_in_order(qtbot: QtBot, tasks: TaskManager) -> None:
    seen: list[tuple[int, int]] = []
    for i in range(20):
        tasks.run(lambda i=i: (i, threading.get_ident()), on_done=seen.append)
    qtbot.waitUntil(lambda: len(seen) == 20, timeout=5000)
    assert [i for i, _ in seen] == list(range(20))
    assert len({ident for _, ident in seen}) == 1


def test_exception_reaches_on_error(qtbot: QtBot, tasks: TaskManager) -> None:
    errors: list[BaseException] = []
    done: list[object] = []

    def boom() -> None:
        raise LookupError("no such case CY2025000042")

    tasks.run(boom, on_done=done.append, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], LookupError)
    assert "CY2025000042" in str(errors[0])
    assert done == []


def test_exception_without_on_error_emits_failed(qtbot: QtBot, tasks: TaskManager) -> None:
    def boom() -> None:
        raise RuntimeError("database is locked")

    with qtbot.waitSignal(tasks.failed, timeout=5000) as blocker:
        tasks.run(boom)
    assert isinstance(blocker.args[0], RuntimeError)


def test_busy_changes_when_work_starts_and_ends(qtbot: QtBot, tasks: TaskManager) -> None:
    states: list[bool] = []
    tasks.busyChanged.connect(states.append)
    tasks.run(lambda: 1)
    assert states == [True]
    qtbot.waitUntil(lambda: states == [True, False], timeout=5000)


def test_shutdown_finishes_queued_work_and_delivers(qtbot: QtBot) -> None:
    tasks = TaskManager()
    gate = threading.Event()
    done: list[int] = []
    tasks.run(lambda: gate.wait(5) and 1, on_done=done.append)
    tasks.run(lambda: 2, on_done=done.append)
    gate.set()
    assert tasks.shutdown()
    assert done == [1, 2], "results must not be lost at shutdown"
    with pytest.raises(RuntimeError, match="shut down"):
        tasks.run(lambda: 3)
