"""Windows fit their screen: one larger than the screen is cut off, its right side unreachable."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from command_center.ui.run import fit_to_screen, show_fitted


def test_a_window_larger_than_its_screen_is_shrunk_to_it(qtbot: QtBot, qapp: QApplication) -> None:
    area = qapp.primaryScreen().availableGeometry()
    big = QWidget()
    qtbot.addWidget(big)
    big.resize(area.width() + 700, area.height() + 300)  # the supervisor's 1500x950 on 1366x768
    assert fit_to_screen(big) is True
    assert (big.width(), big.height()) == (area.width(), area.height())


def test_a_window_that_fits_keeps_its_size_and_is_not_maximised(qtbot: QtBot,
                                                                qapp: QApplication) -> None:
    area = qapp.primaryScreen().availableGeometry()
    small = QWidget()
    qtbot.addWidget(small)
    show_fitted(small, (area.width() // 2, area.height() // 2))
    assert (small.width(), small.height()) == (area.width() // 2, area.height() // 2)
    assert not small.isMaximized()
    tall = QWidget()
    qtbot.addWidget(tall)
    show_fitted(tall, (area.width() // 2, area.height() + 1))
    assert tall.isMaximized() and tall.height() <= area.height()
