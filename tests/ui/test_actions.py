"""The action registry: stable ids, clear refusals, callable without widgets."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenuBar
from pytestqt.qtbot import QtBot

from command_center.ui.actions import ActionRegistry, build_menus


def test_ids_are_unique_and_name_a_known_menu() -> None:
    reg = ActionRegistry()
    reg.register("file.quit", "&Quit", lambda: None)
    with pytest.raises(ValueError, match="already registered"):
        reg.register("file.quit", "&Quit", lambda: None)
    with pytest.raises(ValueError, match="unknown menu 'tools'"):
        reg.register("tools.x", "X", lambda: None)
    with pytest.raises(ValueError, match="<menu>.<name>"):
        reg.register("quit", "Quit", lambda: None)
    with pytest.raises(KeyError, match="no action with id 'view.nope'"):
        reg.get("view.nope")


def test_trigger_runs_the_callback_without_widgets() -> None:
    reg = ActionRegistry()
    seen: list[object] = []
    reg.register("view.fullscreen", "Full screen", seen.append, checkable=True)
    reg.trigger("view.fullscreen", True)
    assert seen == [True]


def test_menus_follow_menu_order_and_skip_empty_ones(qtbot: QtBot) -> None:
    reg = ActionRegistry()
    fired: list[str] = []
    reg.register("help.about", "&About", lambda: fired.append("about"))
    reg.register("file.quit", "&Quit", lambda: fired.append("quit"), shortcut="Ctrl+Q")
    bar = QMenuBar()
    qtbot.addWidget(bar)
    built = build_menus(reg, bar)
    assert [a.text() for a in bar.actions()] == ["&File", "&Help"]
    assert built["file.quit"].shortcut().toString() == "Ctrl+Q"
    built["file.quit"].trigger()
    built["help.about"].trigger()
    assert fired == ["quit", "about"]
