"""One registry of user actions: stable ids, text, shortcut, callback.

Menus (and later toolbars and the wall mode) are built from the registry, so an action
exists once and is reachable by its id, e.g. ``registry.trigger("view.fullscreen")``.
An id is ``"<menu>.<name>"`` where menu is one of `MENUS`. Texts are English source
strings, translated in the ``"Actions"`` context when the QActions are built; write them
with ``QT_TRANSLATE_NOOP("Actions", ...)`` so lupdate finds them.

An action may be gated by roles (``roles=...``; None: everyone). `apply_operator` tells the
registry which roles the signed-in operator holds; actions outside them are hidden and
disabled in every menu built from the registry, at once and whenever the operator changes,
and `trigger` refuses them. For a case action, pass the workflow's own roles:
``roles=RULES[Action.DISPATCH].roles``, so the menu and the service never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from command_center.domain.workflow import Role

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
    `roles`: who may take it (any one of them is enough); None: everyone.
    """

    id: str
    text: str
    callback: Callable[..., object]
    shortcut: Shortcut = None
    checkable: bool = False
    checked: bool = False
    status_tip: str = ""
    roles: frozenset[Role] | None = None

    @property
    def menu(self) -> str:
        return self.id.split(".", 1)[0]


class ActionRegistry:
    """Ordered set of `ActionSpec` keyed by id; plain Python, no widgets."""

    def __init__(self) -> None:
        self._specs: dict[str, ActionSpec] = {}
        self._operator_roles: frozenset[Role] | None = None  # None: nobody applied, no gate
        self._listeners: list[Callable[[], None]] = []

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
        roles: Iterable[Role] | None = None,
    ) -> ActionSpec:
        """Add an action; ids are unique and must start with a known menu key.

        `roles`: the roles that may take it (None: everyone, the viewer included).
        """
        menu, sep, name = id.partition(".")
        if not sep or not name:
            raise ValueError(f"action id {id!r} must look like '<menu>.<name>'")
        if menu not in MENUS:
            raise ValueError(f"action id {id!r}: unknown menu {menu!r} (known: {', '.join(MENUS)})")
        if id in self._specs:
            raise ValueError(f"action id {id!r} is already registered")
        gate = None if roles is None else frozenset(Role(r) for r in roles)
        spec = ActionSpec(id, text, callback, shortcut, checkable, checked, status_tip, gate)
        self._specs[id] = spec
        self._notify()
        return spec

    def get(self, id: str) -> ActionSpec:
        try:
            return self._specs[id]
        except KeyError:
            raise KeyError(f"no action with id {id!r}") from None

    def trigger(self, id: str, *args: object) -> object:
        """Run an action's callback without any widget (tests, wall mode, scripts).

        Raises `PermissionError` for an action the operator's roles do not allow.
        """
        spec = self.get(id)
        if not self.is_available(id):
            raise PermissionError(f"action {id!r} is not available to the signed-in operator")
        return spec.callback(*args)

    # -- the operator's roles ---------------------------------------------------------
    def apply_operator(self, roles: Iterable[Role] | None) -> None:
        """Gate the actions by the operator's `roles` (empty: the read-only viewer).

        None lifts the gate (no one signed in: tests, scripts). Menus built from this
        registry hide and disable what is no longer available at once.
        """
        self._operator_roles = None if roles is None else frozenset(Role(r) for r in roles)
        self._notify()

    @property
    def operator_roles(self) -> frozenset[Role] | None:
        return self._operator_roles

    def is_available(self, id: str) -> bool:
        """Whether the signed-in operator may take this action."""
        gate = self.get(id).roles
        if gate is None or self._operator_roles is None:
            return True
        return bool(gate & self._operator_roles)

    def available(self) -> list[ActionSpec]:
        """The actions the operator may take, in registration order."""
        return [s for s in self._specs.values() if self.is_available(s.id)]

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener()` whenever the actions or the operator change; returns the
        function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe(*_args: object) -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

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
    """Fill `menubar` with one menu per menu key that has actions; return QActions by id.

    Every registered action gets its QAction; those the operator may not take are hidden
    and disabled, and a menu left with nothing to show is hidden too. This follows
    `registry.apply_operator` for as long as the menu bar lives.
    """
    built: dict[str, QAction] = {}
    menus: list[QMenu] = []
    for key, title in MENUS.items():
        specs = registry.in_menu(key)
        if not specs:
            continue
        menu = menubar.addMenu(translate_action_text(title))
        menu.setObjectName(f"menu.{key}")
        menus.append(menu)
        for spec in specs:
            action = make_qaction(spec, menu)
            menu.addAction(action)
            built[spec.id] = action

    def sync() -> None:
        if not shiboken6.isValid(menubar):
            unsubscribe()
            return
        for id_, action in built.items():
            if id_ in registry and shiboken6.isValid(action):
                allowed = registry.is_available(id_)
                action.setVisible(allowed)
                action.setEnabled(allowed)
        for menu in menus:
            if shiboken6.isValid(menu):
                menu.menuAction().setVisible(any(a.isVisible() for a in menu.actions()))

    unsubscribe = registry.subscribe(sync)
    menubar.destroyed.connect(unsubscribe)
    sync()
    return built
