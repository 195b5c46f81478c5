"""The action registry: stable ids, clear refusals, callable without widgets."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMenuBar
from pytestqt.qtbot import QtBot

from command_center.domain.workflow import RULES, Action, Role
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


# -- role-gated actions -------------------------------------------------------------
def _gated_registry(fired: list[str]) -> ActionRegistry:
    reg = ActionRegistry()
    reg.register("cases.refresh", "&Refresh", lambda: fired.append("refresh"))
    reg.register(
        "cases.dispatch", "&Dispatch…", lambda: fired.append("dispatch"),
        roles=RULES[Action.DISPATCH].roles,
    )
    reg.register(
        "cases.close", "C&lose case", lambda: fired.append("close"),
        roles=RULES[Action.CLOSE].roles,
    )
    reg.register("file.users", "&Users…", lambda: fired.append("users"), roles=[Role.ADMIN])
    reg.register("help.about", "&About", lambda: fired.append("about"))
    return reg


def test_without_an_operator_every_action_is_available() -> None:
    fired: list[str] = []
    reg = _gated_registry(fired)
    assert reg.operator_roles is None
    assert [s.id for s in reg.available()] == reg.ids()
    reg.trigger("file.users")
    assert fired == ["users"]


def test_apply_operator_keeps_only_the_actions_of_its_roles() -> None:
    fired: list[str] = []
    reg = _gated_registry(fired)
    reg.apply_operator(frozenset({Role.DISPATCHER}))
    assert [s.id for s in reg.available()] == ["cases.refresh", "cases.dispatch", "help.about"]
    assert reg.is_available("cases.dispatch") and not reg.is_available("cases.close")
    with pytest.raises(PermissionError, match="'cases.close' is not available"):
        reg.trigger("cases.close")
    reg.trigger("cases.dispatch")
    assert fired == ["dispatch"]
    # the workflow's own roles: the shift chief may dispatch too, the admin may do anything
    reg.apply_operator({Role.SHIFT_CHIEF})
    assert reg.is_available("cases.dispatch") and reg.is_available("cases.close")
    reg.apply_operator({Role.ADMIN})
    assert reg.is_available("cases.dispatch") and reg.is_available("file.users")
    # the wall's viewer: no roles, only what everyone may do
    reg.apply_operator(frozenset())
    assert [s.id for s in reg.available()] == ["cases.refresh", "help.about"]
    reg.apply_operator(None)
    assert len(reg.available()) == len(reg)


def test_menus_hide_and_disable_what_the_operator_may_not_do(qtbot: QtBot) -> None:
    fired: list[str] = []
    reg = _gated_registry(fired)
    reg.apply_operator(frozenset({Role.DISPATCHER}))
    bar = QMenuBar()
    qtbot.addWidget(bar)
    built = build_menus(reg, bar)

    def shown() -> dict[str, list[str]]:
        return {
            a.text(): [x.objectName() for x in a.menu().actions() if x.isVisible()]
            for a in bar.actions()
            if a.isVisible()
        }

    # the File menu holds only the admin's action: it is hidden as a whole
    assert shown() == {"&Cases": ["cases.refresh", "cases.dispatch"], "&Help": ["help.about"]}
    assert not built["cases.close"].isEnabled() and not built["file.users"].isEnabled()
    built["cases.close"].trigger()  # a disabled QAction does nothing
    assert fired == []
    # another operator signs in: the same menus follow at once
    reg.apply_operator(frozenset({Role.ADMIN}))
    assert shown() == {
        "&File": ["file.users"],
        "&Cases": ["cases.refresh", "cases.dispatch", "cases.close"],
        "&Help": ["help.about"],
    }
    assert built["cases.close"].isEnabled()
    reg.apply_operator(frozenset())
    assert shown() == {"&Cases": ["cases.refresh"], "&Help": ["help.about"]}


def test_a_deleted_menu_bar_stops_following_the_registry(qtbot: QtBot) -> None:
    reg = _gated_registry([])
    bar = QMenuBar()
    build_menus(reg, bar)
    bar.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(bar)
    reg.apply_operator(frozenset({Role.INTAKE}))  # no RuntimeError from a dead QAction
    assert reg._listeners == []
