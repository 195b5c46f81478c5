"""View → KPIs and evaluation, and View → Wall screen, open their windows on the real store
(and the wall closes with Esc)."""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from command_center.config import VideoSettings
from command_center.ui.analysis_window import AnalysisWindow
from command_center.ui.desk import Desk
from command_center.ui.main_window import MainWindow
from command_center.ui.run import _install_analysis_and_wall
from command_center.ui.taskman import TaskManager
from command_center.ui.video_desk import VideoDesk
from command_center.ui.wall_screen import WallScreen
from tests.services.conftest import org  # noqa: F401


@contextmanager
def desk_window(qtbot, store, org, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("CC_CONFIG_DIR", str(tmp_path))
    window = MainWindow("test", clock=org.clock)
    qtbot.addWidget(window)
    tasks = TaskManager(window)
    desk = Desk(window, store, org.service.catalogue, org.service.calendar, tasks, clock=org.clock)
    video = VideoDesk(window, desk, store, org.service.catalogue, tasks,
                      VideoSettings(enabled=False, motion=False), clock=org.clock)
    _install_analysis_and_wall(window, store, org.service.catalogue, tasks, video, org.clock,
                               ([], {}))
    try:
        yield window
    finally:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, (AnalysisWindow, WallScreen)):
                w.close()
        video.close()
        tasks.shutdown()


def test_the_analysis_window_opens_once_with_its_three_tabs(  # noqa: F811
    qtbot, store, org, monkeypatch, tmp_path  # noqa: F811
):
    with desk_window(qtbot, store, org, monkeypatch, tmp_path) as window:
        window.analysisRequested.emit()
        panel = window.analysis_window
        assert isinstance(panel, AnalysisWindow) and panel.tabs.count() == 3
        # the three panels load on the worker (nothing arrives before the event loop turns)
        with qtbot.waitSignals([panel.dashboard.loaded, panel.evaluation.loaded,
                                panel.targets.loaded], timeout=15_000):
            pass
        window.analysisRequested.emit()
        assert window.analysis_window is panel  # raised again, not a second one
        with qtbot.waitSignal(panel.caseActivated, timeout=1000) as got:
            panel.dashboard.caseActivated.emit(7)
        assert got.args == [7]


def test_the_wall_screen_opens_and_esc_closes_it(qtbot, store, org, monkeypatch, tmp_path):  # noqa: F811
    with desk_window(qtbot, store, org, monkeypatch, tmp_path) as window:
        window.wallScreenRequested.emit()
        walls = [w for w in QApplication.topLevelWidgets() if isinstance(w, WallScreen)]
        assert len(walls) == 1 and walls[0].isVisible()
        qtbot.keyClick(walls[0], Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not any(isinstance(w, WallScreen) and w.isVisible()
                                        for w in QApplication.topLevelWidgets()), timeout=3000)
