"""One registry of user actions: stable ids, text, shortcut, callback.

Menus (and later toolbars and the wall mode) are built from the registry, so an action
exists once and is reachable by its id, e.g. ``registry.trigger("view.fullscreen")``.
An id is ``"<menu>.<name>"`` where menu is one of `MENUS`. Texts are English source
strings, translated in the ``"Actions"`` context when the QActions are built; write them
with ``QT_TRANSLATE_NOOP("Actions", ...)`` so lupdate finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar

# Menu key → English title (translated in the "Actions" context), in menu-bar order.
MENUS: dict[str, str] = {
    "file": QT_TRANSLATE_NOOP("Actions", "&File"),
    "view": QT_TRANSLATE_NOOP("Actions", "&View"),
    "cases": QT_TRANSLATE_NOOP("Actions", "&Cases"),
    "help": QT_TRANSLATE_NOOP("Actions", "&Help"),
}

Shortcut = str | QKeySequence.StandardKey | None


@dataclass(frozen=True)
class ActionSpec:
    """What an action is, independent of any widget.

    `callback` takes no argument, or the new checked state for a checkable action.
    """

    id: str
    text: str
    callback: Callable[..., object]
    shortcut: Shortcut = None
    checkable: bool = False
    checked: bool = False
    status_tip: str = ""

    @property
    def menu(self) -> str:
        return self.id.split(".", 1)[0]


class ActionRegistry:
    """Ordered set of `ActionSpec` keyed by id; plain Python, no widgets."""

    def __init__(self) -> None:
        self._specs: dict[str, ActionSpec] = {}

    def register(
        self,
        id: str,
        text: str,
        callback: Callable[..., object],
        *,
        shortcut: Shortcut = None,
        checkable: bool = False,
        checked: bool = False,
        status_tip: str = "",
    ) -> ActionSpec:
        """Add an action; ids are unique and must start with a known menu key."""
        menu, sep, name = id.partition(".")
        if not sep or not name:
            raise ValueError(f"action id {id!r} must look like '<menu>.<name>'")
        if menu not in MENUS:
            raise ValueError(f"action id {id!r}: unknown menu {menu!r} (known: {', '.join(MENUS)})")
        if id in self._specs:
            raise ValueError(f"action id {id!r} is already registered")
        spec = ActionSpec(id, text, callback, shortcut, checkable, checked, status_tip)
        self._specs[id] = spec
        return spec

    def get(self, id: str) -> ActionSpec:
        try:
            return self._specs[id]
        except KeyError:
            raise KeyError(f"no action with id {id!r}") from None

    def trigger(self, id: str, *args: object) -> object:
        """Run an action's callback without any widget (tests, wall mode, scripts)."""
        return self.get(id).callback(*args)

    def ids(self) -> list[str]:
        return list(self._specs)

    def in_menu(self, menu: str) -> list[ActionSpec]:
        return [s for s in self._specs.values() if s.menu == menu]

    def __contains__(self, id: object) -> bool:
        return id in self._specs

    def __iter__(self) -> Iterator[ActionSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)


def translate_action_text(text: str) -> str:
    return QCoreApplication.translate("Actions", text)


def make_qaction(spec: ActionSpec, parent: QObject) -> QAction:
    """A QAction for `spec`, its objectName the action id."""
    action = QAction(translate_action_text(spec.text), parent)
    action.setObjectName(spec.id)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    if spec.status_tip:
        action.setStatusTip(translate_action_text(spec.status_tip))
    if spec.checkable:
        action.setCheckable(True)
        action.setChecked(spec.checked)
        action.toggled.connect(spec.callback)
    else:
        action.triggered.connect(lambda _checked=False, cb=spec.callback: cb())
    return action


def build_menus(registry: ActionRegistry, menubar: QMenuBar) -> dict[str, QAction]:
    """Fill `menubar` with one menu per menu key that has actions; return QActions by id."""
    built: dict[str, QAction] = {}
    for key, title in MENUS.items():
        specs = registry.in_menu(key)
        if not specs:
            continue
        menu = menubar.addMenu(translate_action_text(title))
        menu.setObjectName(f"menu.{key}")
        for spec in specs:
            action = make_qaction(spec, menu)
            menu.addAction(action)
            built[spec.id] = action
    return built
