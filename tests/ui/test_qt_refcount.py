"""Regression guard: PySide6 6.12.0 on Python 3.11 corrupts None's reference count.

Every call of a void Qt method (one returning None) there drops a reference to None
without taking one, so after a few thousand calls CPython aborts with
"deallocating None". The command centre makes such calls all the time (status-bar
updates, timers), so the pin `PySide6-Essentials<6.12` in pyproject.toml must hold until
a fixed release. The calls run in a child process so a crash shows as a failed test
with a clear message instead of killing the whole test run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import PySide6

CALLS = 50_000
MAX_DROP = 300  # a healthy interpreter drifts by a handful at most

CHILD = r"""
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import PySide6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([])
obj, widget, timer = QObject(), QWidget(), QTimer()
calls = 0
before = sys.getrefcount(None)
for _ in range({rounds}):
    obj.setObjectName("case-queue")   # void
    widget.setToolTip("overdue")      # void
    timer.stop()                      # void
    calls += 3
after = sys.getrefcount(None)
print(json.dumps({{"version": PySide6.__version__, "calls": calls,
                  "before": before, "after": after}}))
"""


def test_void_qt_calls_keep_none_alive() -> None:
    rounds = CALLS // 3 + 1
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD.format(rounds=rounds)],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert proc.returncode == 0, (
        f"{CALLS} void Qt calls crashed the interpreter (exit {proc.returncode}) on "
        f"PySide6 {PySide6.__version__}; 6.12.0 is known to corrupt None's refcount.\n"
        f"{proc.stderr[-2000:]}"
    )
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["version"] == PySide6.__version__
    assert report["calls"] >= CALLS
    drop = report["before"] - report["after"]
    refcount_ok = drop <= MAX_DROP
    assert refcount_ok, (
        f"sys.getrefcount(None) fell by {drop} over {report['calls']} void Qt calls on "
        f"PySide6 {report['version']}: None's refcount is being corrupted"
    )
    assert PySide6.__version__ != "6.12.0" or refcount_ok
