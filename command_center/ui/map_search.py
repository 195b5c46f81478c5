"""The map's search box: type a case number, grid code, camera, squad or place; pick a hit.

`MapSearchBox` asks a `map.search.SearchIndex` on every edit (it answers in well under a
millisecond, so no timer) and lists the hits in a completer popup. It never moves the map:
the main window connects `picked` to the canvas's fly-to.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QHBoxLayout, QLabel, QLineEdit, QWidget

from command_center.map.search import (
    KIND_CAMERA,
    KIND_CASE,
    KIND_DISTRICT,
    KIND_GRID,
    KIND_RESPONSIBILITY_GRID,
    KIND_SQUAD,
    SearchHit,
    SearchIndex,
)
from command_center.ui.theme import PALETTE

_ROOT = QModelIndex()

# Search-hit kind → English name (context "SearchKind"); Chinese via the catalogue.
KIND_NAMES: dict[str, str] = {
    KIND_CASE: QT_TRANSLATE_NOOP("SearchKind", "Case"),
    KIND_GRID: QT_TRANSLATE_NOOP("SearchKind", "Unit grid"),
    KIND_RESPONSIBILITY_GRID: QT_TRANSLATE_NOOP("SearchKind", "Responsibility grid"),
    KIND_CAMERA: QT_TRANSLATE_NOOP("SearchKind", "Camera"),
    KIND_SQUAD: QT_TRANSLATE_NOOP("SearchKind", "Squad"),
    KIND_DISTRICT: QT_TRANSLATE_NOOP("SearchKind", "District"),
}

KIND_COLORS: dict[str, str] = {
    KIND_CASE: PALETTE.warning,
    KIND_GRID: PALETTE.muted,
    KIND_RESPONSIBILITY_GRID: PALETTE.accent,
    KIND_CAMERA: PALETTE.camera,
    KIND_SQUAD: PALETTE.squad,
    KIND_DISTRICT: PALETTE.district_line,
}

HIT_ROLE = Qt.ItemDataRole.UserRole  # the SearchHit of a row
COMPLETION_ROLE = Qt.ItemDataRole.UserRole + 1  # what the edit shows when a row is highlighted


def kind_name(kind: str) -> str:
    """The user-facing name of a search-hit kind (the raw value when unknown)."""
    source = KIND_NAMES.get(kind)
    return QCoreApplication.translate("SearchKind", source) if source else kind


class SearchHitModel(QAbstractListModel):
    """Read-only list of `SearchHit`: "<kind> <label>" with a dot in the kind's colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._colors = {k: QColor(v) for k, v in KIND_COLORS.items()}

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def hit_at(self, row: int) -> SearchHit:
        return self._hits[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{kind_name(hit.kind)}  {hit.label}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.label
        if role == Qt.ItemDataRole.DecorationRole:
            return self._colors.get(hit.kind)
        if role == COMPLETION_ROLE:
            return hit.name
        if role == HIT_ROLE:
            return hit
        return None


class _SearchEdit(QLineEdit):
    """A line edit that reports Enter and Escape itself, popup open or not (the completer
    would otherwise swallow them)."""

    enterPressed = Signal()
    escapePressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.enterPressed.emit()
            return
        if key == Qt.Key.Key_Escape:
            event.accept()
            self.escapePressed.emit()
            return
        super().keyPressEvent(event)


class MapSearchBox(QWidget):
    """Search field with a drop-down of hits.

    Type to search; Down/Up move through the hits; Enter picks the highlighted hit (the first
    one when none is highlighted); a click picks one too; Escape clears the box. When nothing
    matches, a "No match" note shows beside the field.

    Signals:
        picked(SearchHit): the hit the user chose.
    """

    picked = Signal(object)

    def __init__(
        self, index: SearchIndex | None = None, parent: QWidget | None = None, *, limit: int = 20
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mapSearchBox")
        self._index = index if index is not None else SearchIndex()
        self._limit = limit
        self.model = SearchHitModel(self)

        self.line_edit = _SearchEdit(self)
        self.line_edit.setObjectName("mapSearchEdit")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setMinimumWidth(260)
        self.line_edit.setStyleSheet(
            f"QLineEdit#mapSearchEdit {{ background: {PALETTE.base}; color: {PALETTE.text};"
            f" border: 1px solid {PALETTE.border}; border-radius: 3px; padding: 4px 6px; }}"
            f" QLineEdit#mapSearchEdit:focus {{ border-color: {PALETTE.accent}; }}"
            f' QLineEdit#mapSearchEdit[noMatch="true"] {{ border-color: {PALETTE.warning}; }}'
        )

        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(COMPLETION_ROLE)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.completer.setWidget(self.line_edit)  # shown by hand, never filtered by prefix
        popup = self.completer.popup()
        assert popup is not None  # QCompleter makes a list view when none is set
        self._popup = popup
        popup.setObjectName("mapSearchPopup")
        popup.setIconSize(QSize(10, 10))
        popup.setStyleSheet(
            f"QListView {{ background: {PALETTE.panel}; color: {PALETTE.text};"
            f" border: 1px solid {PALETTE.accent}; }}"
            f" QListView::item {{ padding: 3px 6px; }}"
            f" QListView::item:selected {{ background: {PALETTE.highlight}; color: #ffffff; }}"
        )
        self.completer.activated[QModelIndex].connect(self._on_activated)  # type: ignore[index]

        self.no_match_label = QLabel(self)
        self.no_match_label.setObjectName("mapSearchNoMatch")
        self.no_match_label.setStyleSheet(f"color: {PALETTE.warning};")
        self.no_match_label.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.no_match_label)

        self.line_edit.textEdited.connect(self._on_text_edited)
        self.line_edit.enterPressed.connect(self._on_enter)
        self.line_edit.escapePressed.connect(self.clear)
        self.retranslate()

    # -- plain API ------------------------------------------------------------------
    def set_index(self, index: SearchIndex) -> None:
        """Search `index` from now on (the current text is searched again)."""
        self._index = index
        if self.line_edit.text():
            self._search(self.line_edit.text(), show_popup=False)

    def hits(self) -> list[SearchHit]:
        """The hits listed for the current text."""
        return self.model.hits()

    def popup(self) -> QAbstractItemView:
        """The drop-down list of hits."""
        return self._popup

    def clear(self) -> None:
        """Empty the field, the hits and the note; close the drop-down."""
        self._popup.hide()
        self.line_edit.clear()
        self.model.set_hits([])
        self._show_no_match(False)

    def retranslate(self) -> None:
        self.line_edit.setPlaceholderText(
            self.tr("Search case no., grid code, camera, squad, district…")
        )
        self.line_edit.setToolTip(
            self.tr("Enter picks the first hit, Down/Up choose another, Esc clears")
        )
        self.no_match_label.setText(self.tr("No match"))

    # -- slots ------------------------------------------------------------------------
    def _on_text_edited(self, text: str) -> None:
        self._search(text, show_popup=True)

    def _search(self, text: str, *, show_popup: bool) -> None:
        hits = self._index.search(text, self._limit) if text.strip() else []
        self.model.set_hits(hits)
        self._show_no_match(bool(text.strip()) and not hits)
        popup = self._popup
        if hits and show_popup:
            self.completer.complete()  # lays out and shows the popup under the field
            popup.setCurrentIndex(QModelIndex())
        elif not hits:
            popup.hide()

    def _on_enter(self) -> None:
        hits = self.model.hits()
        if not hits:
            self._show_no_match(bool(self.line_edit.text().strip()))
            return
        popup = self._popup
        current = popup.currentIndex() if popup.isVisible() else QModelIndex()
        row = current.row() if current.isValid() else 0
        self._pick(row)

    def _show_no_match(self, on: bool) -> None:
        self.no_match_label.setVisible(on)
        if self.line_edit.property("noMatch") != on:
            self.line_edit.setProperty("noMatch", on)
            self.line_edit.style().unpolish(self.line_edit)
            self.line_edit.style().polish(self.line_edit)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._pick(index.row())

    def _pick(self, row: int) -> None:
        hit = self.model.hit_at(row)
        self._popup.hide()
        self.line_edit.setText(hit.name)
        self.picked.emit(hit)
