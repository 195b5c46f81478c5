"""A strip of headline figures above the map: open, overdue, and cases by stage."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
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
