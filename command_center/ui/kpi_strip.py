"""A strip of headline figures above the map: open, overdue, and cases by stage."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from command_center.ui.theme import PALETTE

# (key, English caption, workflow states summed into it); "open"/"overdue" come from the
# snapshot's own counts, the others from its state counts.
TILES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("open", QT_TRANSLATE_NOOP("KpiStrip", "Open"), ()),
    ("overdue", QT_TRANSLATE_NOOP("KpiStrip", "Overdue"), ()),
    ("intake", QT_TRANSLATE_NOOP("KpiStrip", "Awaiting registration"), ("reported",)),
    ("dispatch", QT_TRANSLATE_NOOP("KpiStrip", "Awaiting dispatch"), ("registered",)),
    (
        "handling",
        QT_TRANSLATE_NOOP("KpiStrip", "Being handled"),
        ("dispatched", "in_progress", "rework"),
    ),
    ("checking", QT_TRANSLATE_NOOP("KpiStrip", "Awaiting check"), ("handled", "verified")),
    ("paused", QT_TRANSLATE_NOOP("KpiStrip", "Paused"), ("extension_requested", "suspended")),
)


# When the strip is narrow, tiles give way from the end of this list.
PRIORITY = ("open", "overdue", "handling", "dispatch", "intake", "checking", "paused")


class KpiTile(QFrame):
    """A big number over a caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.value_label = QLabel("0", self)
        self.value_label.setObjectName("kpiValue")
        self.caption_label = QLabel(caption, self)
        self.caption_label.setObjectName("kpiCaption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 6, 14, 6)
        layout.setSpacing(0)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)

    def set_value(self, value: int, alert: bool = False) -> None:
        self.value_label.setText(str(value))
        self.value_label.setStyleSheet(f"color: {PALETTE.danger};" if alert else "")


class KpiStrip(QWidget):
    """Headline counts, one tile per entry of `TILES`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiStrip")
        self.tiles: dict[str, KpiTile] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(8)
        for key, caption, _states in TILES:
            tile = KpiTile(QCoreApplication.translate("KpiStrip", caption), self)
            self.tiles[key] = tile
            layout.addWidget(tile)
        layout.addStretch(1)
        self.setMinimumWidth(0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """As narrow as the two most important tiles: the rest give way (see resizeEvent)."""
        hint = super().minimumSizeHint()
        first = sum(self.tiles[k].sizeHint().width() for k in PRIORITY[:2])
        return QSize(first + 40, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """Show the tiles that fit, most important first, rather than squeeze their numbers."""
        super().resizeEvent(event)
        room = self.width() - 24
        spacing = self.layout().spacing()
        fits = True
        for key in PRIORITY:  # the first that does not fit hides it and all after it
            tile = self.tiles[key]
            need = tile.sizeHint().width() + spacing
            fits = fits and need <= room
            tile.setVisible(fits)
            room -= need

    def set_counts(
        self, open_count: int, overdue_count: int, state_counts: Mapping[str, int]
    ) -> None:
        for key, _caption, states in TILES:
            if key == "open":
                self.tiles[key].set_value(open_count)
            elif key == "overdue":
                self.tiles[key].set_value(overdue_count, alert=overdue_count > 0)
            else:
                self.tiles[key].set_value(sum(state_counts.get(s, 0) for s in states))
