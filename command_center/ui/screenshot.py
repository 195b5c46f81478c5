"""Render a widget to a PNG file (for docs, bug reports and visual tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QWidget

MAX_ROUNDS = 50


def _layout_signature(widget: QWidget) -> tuple[tuple[int, int, int, int], ...]:
    """Geometry of the widget and all its descendants, to tell when layout stops moving."""
    widgets = [widget, *widget.findChildren(QWidget)]
    return tuple(w.geometry().getRect() for w in widgets if w.isVisible())


def settle(widget: QWidget, max_rounds: int = MAX_ROUNDS) -> bool:
    """Process events until no geometry changes between two rounds; True if it settled."""
    previous = None
    for _ in range(max_rounds):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()
        current = _layout_signature(widget)
        if current == previous:
            return True
        previous = current
    return False


def grab_to_png(
    widget: QWidget,
    path: str | Path,
    size: tuple[int, int],
    before: Callable[[], None] | None = None,
) -> bool:
    """Resize `widget` to `size`, lay it out, and save what it draws to `path` as PNG.

    `before`, if given, runs once the layout has settled, just before the grab (the map
    uses it to set its view for the final size and finish its background renders).

    A widget that was not visible is shown without reaching the screen
    (WA_DontShowOnScreen) and hidden again afterwards. Returns False when the size
    is not positive, the image is empty or the file cannot be written.
    """
    width, height = size
    if width <= 0 or height <= 0:
        return False
    was_visible = widget.isVisible()
    if not was_visible:
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    try:
        widget.resize(width, height)
        if not was_visible:
            widget.show()
        settle(widget)
        if before is not None:
            before()
            settle(widget)
        image = widget.grab()
        if image.isNull():
            return False
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        return image.save(str(target), "PNG")
    finally:
        if not was_visible:
            widget.hide()
            widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)
