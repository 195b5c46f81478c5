"""The map's layer dock: a legend that edits the `LayerList`.

`LayerListModel` is a thin list model over a `LayerList`: the top layer is row 0 (the list
itself keeps index 0 at the bottom), the check box is the layer's visibility, `OPACITY_ROLE`
its opacity, and moving rows (drag and drop, or `moveRows`) calls `LayerList.move`. The model
follows the list's events, so a change made elsewhere shows at once.

`LayerDockWidget` is the panel around it: the list with check boxes, an opacity slider and
raise/lower buttons for the selected layer, the selected layer's legend, the background-tile
source and a line for a tile notice. The main window puts it in a `QDockWidget`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.deadline_state import DeadlineState
from command_center.map.drawers import (
    CAMERA_CONNECTING,
    CAMERA_LIVE,
    CAMERA_LOST,
    COMPONENT_SYMBOL,
    EVENT_CLASS_SYMBOLS,
    REGISTRY_OVERDUE,
)
from command_center.map.layers import (
    Layer,
    LayerList,
    RegistryLayer,
    Signal,
    TileLayer,
    UnitGridLayer,
)
from command_center.map.palette import (
    CHOROPLETH_COLORS,
    DEADLINE_COLORS,
    OVERDUE_COLORS,
    SQUAD_ACTIVITIES,
    SQUAD_STATUS_COLORS,
)
from command_center.ui import registry_text
from command_center.ui.squad_board import status_name
from command_center.ui.theme import PALETTE

__all__ = [
    "KIND_LABELS",
    "LAYER_KIND_ROLE",
    "LAYER_NAME_ROLE",
    "MIME_TYPE",
    "OPACITY_ROLE",
    "LayerDockWidget",
    "LayerListModel",
    "kind_label",
]

_ROOT = QModelIndex()  # the invisible root, as a default argument

LAYER_NAME_ROLE = Qt.ItemDataRole.UserRole  # str: the layer's (unique) name
OPACITY_ROLE = Qt.ItemDataRole.UserRole + 1  # float 0..1, editable
LAYER_KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # str: the layer's kind
MIME_TYPE = "application/x-command-center-layer-names"

# Layer kind → English label (context "LayerListModel"); Chinese via the catalogue.
KIND_LABELS: dict[str, str] = {
    "tiles": QT_TRANSLATE_NOOP("LayerListModel", "Background tiles"),
    "districts": QT_TRANSLATE_NOOP("LayerListModel", "District boundaries"),
    "river": QT_TRANSLATE_NOOP("LayerListModel", "Rivers"),
    "unit_grids": QT_TRANSLATE_NOOP("LayerListModel", "Unit grids"),
    "overdue_grids": QT_TRANSLATE_NOOP("LayerListModel", "Overdue cases by grid"),
    "responsibility_grids": QT_TRANSLATE_NOOP("LayerListModel", "Responsibility grids"),
    "heatmap": QT_TRANSLATE_NOOP("LayerListModel", "Case heat map"),
    "cameras": QT_TRANSLATE_NOOP("LayerListModel", "Cameras"),
    "cases": QT_TRANSLATE_NOOP("LayerListModel", "Open cases"),
    "squads": QT_TRANSLATE_NOOP("LayerListModel", "Squads"),
}

# Deadline states in legend order (context "LayerLegend").
DEADLINE_LABELS: dict[DeadlineState, str] = {
    DeadlineState.ON_TIME: QT_TRANSLATE_NOOP("LayerLegend", "On time"),
    DeadlineState.DUE_SOON: QT_TRANSLATE_NOOP("LayerLegend", "Due soon"),
    DeadlineState.OVERDUE: QT_TRANSLATE_NOOP("LayerLegend", "Overdue"),
    DeadlineState.PAUSED: QT_TRANSLATE_NOOP("LayerLegend", "Paused"),
    DeadlineState.NONE: QT_TRANSLATE_NOOP("LayerLegend", "No deadline yet"),
}

# The line and point colours the drawers use for these layers (drawers.py and heatmap.py do
# not export them yet; keep in step with DistrictDrawer, RiverDrawer, the grid drawers,
# CameraDrawer, SquadDrawer and heatmap.heat_lut).
LEGEND_LINE_COLORS: dict[str, str] = {
    "districts": "#5fb3ff",
    "river": "#3a7bd5",
    "unit_grids": "#3b4a5c",
    "responsibility_grids": "#8a6fd1",
    "squad_trail": "#ffd166",
}
CAMERA_COLORS: tuple[str, str] = ("#c792ea", "#55606e")  # enabled, disabled
HEATMAP_RAMP: tuple[str, ...] = ("#fff03c", "#ffbe00", "#ff6e00", "#e60000")
SWATCH_PX = 12
RAMP_WIDTH = 168


def kind_label(kind: str) -> str:
    """The user-facing name of a layer kind (the kind itself when unknown)."""
    source = KIND_LABELS.get(kind)
    return QCoreApplication.translate("LayerListModel", source) if source else kind


def _legend_tr(text: str) -> str:
    return QCoreApplication.translate("LayerLegend", text)


class _Subscriptions:
    """Plain-Python callbacks connected to layer `Signal`s, disconnected together.

    Held apart from the Qt object so that a `destroyed` handler can disconnect them
    without touching the (by then half-destroyed) widget or model.
    """

    def __init__(self) -> None:
        self._pairs: list[tuple[Signal, Callable[..., Any]]] = []

    def connect(self, signal: Signal, callback: Callable[..., Any]) -> None:
        signal.connect(callback)
        self._pairs.append((signal, callback))

    def disconnect_all(self, *args: object) -> None:
        pairs, self._pairs = self._pairs, []
        for signal, callback in pairs:
            try:
                signal.disconnect(callback)
            except ValueError:  # already gone
                pass

    def __bool__(self) -> bool:
        return bool(self._pairs)


# ------------------------------------------------------------------------------ model


class LayerListModel(QAbstractListModel):
    """A `LayerList` as a list model, top layer first.

    Rows: row 0 is the top of the map (the list's last layer). Roles: DisplayRole (the kind's
    translated label), CheckStateRole (visibility, editable), `OPACITY_ROLE` (editable),
    `LAYER_NAME_ROLE`, `LAYER_KIND_ROLE`. `close()` stops following the list; it also happens
    when the model is destroyed.
    """

    def __init__(self, layers: LayerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._list = layers
        # The layers as this model last announced them (list order, bottom first): the list
        # has already changed when its event arrives, and a Qt model must change its row count
        # between begin… and end….
        self._layers: list[Layer] = list(layers)
        self._subs = _Subscriptions()
        self._subs.connect(layers.inserted, self._on_inserted)
        self._subs.connect(layers.removed, self._on_removed)
        self._subs.connect(layers.moved, self._on_moved)
        self._subs.connect(layers.layer_changed, self._on_layer_changed)
        self.destroyed.connect(self._subs.disconnect_all)
        self._hidden_fg = QBrush(QColor(PALETTE.muted))

    # -- plain-data API -------------------------------------------------------------
    @property
    def layer_list(self) -> LayerList:
        return self._list

    def layer_at(self, row: int) -> Layer:
        """The layer shown in `row` (row 0 = top of the map)."""
        if not 0 <= row < len(self._layers):
            raise IndexError(f"row {row} is outside 0..{len(self._layers) - 1}")
        return self._layers[len(self._layers) - 1 - row]

    def row_of(self, layer: Layer | str) -> int:
        """The row showing `layer` (or the layer with that name); KeyError if absent."""
        n = len(self._layers)
        for i, candidate in enumerate(self._layers):
            if candidate is layer or candidate.name == layer:
                return n - 1 - i
        raise KeyError(f"no layer {layer!r} in the model")

    def close(self) -> None:
        """Stop following the layer list (the model keeps the rows it has)."""
        self._subs.disconnect_all()

    @property
    def is_following(self) -> bool:
        return bool(self._subs)

    # -- LayerList events -----------------------------------------------------------
    def _row_for_index(self, index: int, n: int) -> int:
        return n - 1 - index

    def _on_inserted(self, index: int, layer: Layer) -> None:
        n_after = len(self._layers) + 1
        row = self._row_for_index(index, n_after)
        self.beginInsertRows(QModelIndex(), row, row)
        self._layers.insert(index, layer)
        self.endInsertRows()

    def _on_removed(self, index: int, layer: Layer) -> None:
        row = self._row_for_index(index, len(self._layers))
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._layers[index]
        self.endRemoveRows()

    def _on_moved(self, from_index: int, to_index: int, layer: Layer) -> None:
        n = len(self._layers)
        from_row = self._row_for_index(from_index, n)
        to_row = self._row_for_index(to_index, n)
        # beginMoveRows wants the row the moved row goes *before*, counted before the move.
        dest = to_row + 1 if to_row > from_row else to_row
        self.beginMoveRows(QModelIndex(), from_row, from_row, QModelIndex(), dest)
        self._layers.insert(to_index, self._layers.pop(from_index))
        self.endMoveRows()

    def _on_layer_changed(self, layer: Layer, prop: str) -> None:
        try:
            row = self.row_of(layer)
        except KeyError:
            return
        roles = {
            "visible": [Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.ForegroundRole],
            "opacity": [OPACITY_ROLE, Qt.ItemDataRole.ToolTipRole],
        }.get(prop, [])
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, roles)

    # -- Qt model API: reading ------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._layers)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not self.checkIndex(index, self.CheckIndexOption.IndexIsValid):
            return None
        layer = self.layer_at(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._label(layer)
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("{layer} · opacity {percent}%").format(
                layer=self._label(layer), percent=round(layer.opacity * 100)
            )
        if role == Qt.ItemDataRole.ForegroundRole and not layer.visible:
            return self._hidden_fg
        if role == OPACITY_ROLE:
            return layer.opacity
        if role == LAYER_NAME_ROLE:
            return layer.name
        if role == LAYER_KIND_ROLE:
            return layer.kind
        return None

    @staticmethod
    def _label(layer: Layer) -> str:
        if isinstance(layer, RegistryLayer):
            return registry_text.kind_label(layer.spec)
        label = kind_label(layer.kind)
        # a second layer of a kind (or a renamed one) is told apart by its name
        return label if layer.name == layer.kind else f"{label} ({layer.name})"

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # drops go between rows, never onto one
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # -- Qt model API: editing ------------------------------------------------------
    def setData(  # noqa: N802 (Qt API)
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not self.checkIndex(index, self.CheckIndexOption.IndexIsValid):
            return False
        layer = self.layer_at(index.row())
        if role == Qt.ItemDataRole.CheckStateRole:
            try:
                state = Qt.CheckState(value)
            except (TypeError, ValueError):
                return False
            layer.visible = state == Qt.CheckState.Checked  # the layer's event updates the view
            return True
        if role == OPACITY_ROLE:
            try:
                layer.opacity = float(value)
            except (TypeError, ValueError):
                return False
            return True
        return False

    def moveRows(  # noqa: N802 (Qt API)
        self,
        source_parent: QModelIndex | QPersistentModelIndex,
        source_row: int,
        count: int,
        destination_parent: QModelIndex | QPersistentModelIndex,
        destination_child: int,
    ) -> bool:
        """Move `count` rows from `source_row` to before row `destination_child`, through
        `LayerList.move` (whose events move the rows of this model)."""
        n = len(self._layers)
        if source_parent.isValid() or destination_parent.isValid() or count < 1:
            return False
        if source_row < 0 or source_row + count > n or not 0 <= destination_child <= n:
            return False
        if source_row <= destination_child <= source_row + count:
            return False  # onto itself
        if destination_child > source_row:  # down the view (lower on the map)
            moves = [(source_row, destination_child - 1)] * count
        else:  # up the view (higher on the map)
            moves = [(source_row + i, destination_child + i) for i in range(count)]
        for from_row, to_row in moves:
            self._list.move(n - 1 - from_row, n - 1 - to_row)
        return True

    # -- drag and drop --------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 (Qt API)
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 (Qt API)
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt API)
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802 (Qt API)
        rows = sorted({i.row() for i in indexes if i.isValid()})
        names = "\n".join(self.layer_at(r).name for r in rows)
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(names.encode("utf-8")))
        return mime

    def canDropMimeData(  # noqa: N802 (Qt API)
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        return action == Qt.DropAction.MoveAction and data.hasFormat(MIME_TYPE)

    def dropMimeData(  # noqa: N802 (Qt API)
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Move the dragged layers (by name) to before `row`."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        raw = bytes(data.data(MIME_TYPE).data()).decode("utf-8")
        names = [name for name in raw.split("\n") if name]
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._layers)
        moved = False
        for name in names:
            try:
                source = self.row_of(name)
            except KeyError:
                continue  # a layer from another list
            if self.moveRows(QModelIndex(), source, 1, QModelIndex(), row):
                moved = True
                source = self.row_of(name)
            row = source + 1  # the next dragged layer goes below this one
        return moved


# ------------------------------------------------------------------------------ legend


def _swatch_icon(color: str, *, line: bool = False, size: int = SWATCH_PX) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    if line:
        painter.fillRect(0, size // 2 - 1, size, 3, QColor(color))
    else:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(PALETTE.window))
        painter.setBrush(QColor(color))
        painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return pixmap


def _ring_icon(color: str, size: int = SWATCH_PX) -> QPixmap:
    """An open ring: the mark round a registry object past its deadline."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(color), 2.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(2, 2, size - 4, size - 4)
    painter.end()
    return pixmap


def _symbol_icon(symbol: str, size: int = SWATCH_PX) -> QPixmap:
    """The map's scatter symbol, in a neutral colour (colour is the deadline, above)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(size / 2, size / 2)
    painter.scale(size - 3, size - 3)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(PALETTE.text))
    painter.drawPath(pg.graphicsItems.ScatterPlotItem.Symbols[symbol])
    painter.end()
    return pixmap


def _ramp_pixmap(colors: Sequence[str], width: int = 140, height: int = SWATCH_PX) -> QPixmap:
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    n = len(colors)
    for i, color in enumerate(colors):
        x0 = round(i * width / n)
        x1 = round((i + 1) * width / n)
        painter.fillRect(x0, 0, x1 - x0, height, QColor(color))
    painter.end()
    return pixmap


class LayerLegend(QWidget):
    """What the colours of one layer mean; follows the shown layer's data where the legend
    depends on it (a choropleth's range, the tile source)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layerLegend")
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(4, 2, 4, 2)
        self._box.setSpacing(3)
        self.entries: list[tuple[str, str]] = []  # (colour, text) shown, for tests and tools
        self.layer: Layer | None = None
        self._subs = _Subscriptions()  # the shown layer's data_changed (ranges, tile source)
        self.destroyed.connect(self._subs.disconnect_all)

    def show_layer(self, layer: Layer | None) -> None:
        """Show the legend of `layer` (None: nothing) and follow its data until another."""
        if layer is not self.layer:
            self._subs.disconnect_all()
            if isinstance(layer, (UnitGridLayer, TileLayer)):  # legends that show data
                self._subs.connect(layer.data_changed, self._on_data_changed)
        self.layer = layer
        self._rebuild()

    def detach(self) -> None:
        self._subs.disconnect_all()

    def _on_data_changed(self, layer: Layer) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        self._clear()
        layer = self.layer
        if layer is None:
            return
        if layer.kind == "cases":
            for state, text in DEADLINE_LABELS.items():
                self._add_swatch(DEADLINE_COLORS[state], _legend_tr(text))
            self._add_symbol(
                COMPONENT_SYMBOL, QCoreApplication.translate("LayerLegend", "Component (部件)")
            )
            for symbol, name in EVENT_CLASS_SYMBOLS.values():
                self._add_symbol(
                    symbol, QCoreApplication.translate("LayerLegend", "Event: %1").replace("%1", name)
                )
        elif layer.kind == "squads":
            for activity in SQUAD_ACTIVITIES:
                self._add_swatch(SQUAD_STATUS_COLORS[activity], status_name(activity))
            self._add_swatch(
                LEGEND_LINE_COLORS["squad_trail"],
                QCoreApplication.translate("LayerLegend", "Route of the last 30 minutes"),
                line=True,
            )
        elif layer.kind == "unit_grids":
            self._add_ramp(CHOROPLETH_COLORS, layer)
            self._add_swatch(
                LEGEND_LINE_COLORS["unit_grids"], QCoreApplication.translate("LayerLegend", "Grid outline"), line=True
            )
        elif layer.kind == "overdue_grids":
            self._add_ramp(OVERDUE_COLORS, layer)
        elif layer.kind == "heatmap":
            self._add_ramp(HEATMAP_RAMP, None)
        elif layer.kind == "cameras":
            self._add_swatch(CAMERA_COLORS[0], QCoreApplication.translate("LayerLegend", "Camera enabled"))
            self._add_swatch(CAMERA_COLORS[1], QCoreApplication.translate("LayerLegend", "Camera disabled"))
            for colour, label in (
                (CAMERA_LIVE, QT_TRANSLATE_NOOP("LayerLegend", "Live on the wall")),
                (CAMERA_CONNECTING, QT_TRANSLATE_NOOP("LayerLegend", "Connecting")),
                (CAMERA_LOST, QT_TRANSLATE_NOOP("LayerLegend", "Signal lost")),
            ):
                self._add_swatch(colour, QCoreApplication.translate("LayerLegend", label))
        elif isinstance(layer, RegistryLayer):
            self._add_registry(layer)
        elif layer.kind in LEGEND_LINE_COLORS:
            self._add_swatch(LEGEND_LINE_COLORS[layer.kind], kind_label(layer.kind), line=True)
        elif isinstance(layer, TileLayer):
            text = (
                QCoreApplication.translate("LayerLegend", "Tile source: {source}").format(source=layer.source)
                if layer.source
                else QCoreApplication.translate("LayerLegend", "No tiles: the vector map alone")
            )
            self._add_text(text)

    def _add_registry(self, layer: RegistryLayer) -> None:
        """A swatch per status in the map's colour, the kind's symbol, the overdue ring."""
        spec = layer.spec
        for status in spec.statuses:
            self._add_swatch(status.colour, registry_text.status_label(spec, status.key))
        self._add_symbol(spec.symbol, registry_text.kind_label(spec))
        self._add_ring(
            REGISTRY_OVERDUE, QCoreApplication.translate("LayerLegend", "Past its deadline")
        )
        if spec.geometry == "polygon":
            self._add_text(
                QCoreApplication.translate(
                    "LayerLegend", "Footprints filled in the status colour; a dot at the centre"
                )
            )

    def _add_ring(self, color: str, text: str) -> None:
        ring = QLabel()
        ring.setPixmap(_ring_icon(color))
        self._row(ring, QLabel(text))
        self.entries.append((color, text))

    def _clear(self) -> None:
        self.entries = []
        while self._box.count():
            item = self._box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()

    def _row(self, *widgets: QWidget) -> None:
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        for widget in widgets:
            box.addWidget(widget)
        box.addStretch(1)
        self._box.addWidget(row)

    def _add_swatch(self, color: str, text: str, *, line: bool = False) -> None:
        swatch = QLabel()
        swatch.setPixmap(_swatch_icon(color, line=line))
        self._row(swatch, QLabel(text))
        self.entries.append((color, text))

    def _add_symbol(self, symbol: str, text: str) -> None:
        icon = QLabel()
        icon.setPixmap(_symbol_icon(symbol))
        self._row(icon, QLabel(text))
        self.entries.append((symbol, text))

    def _add_ramp(self, colors: Sequence[str], layer: Layer | None) -> None:
        ramp = QLabel()
        ramp.setPixmap(_ramp_pixmap(colors, width=RAMP_WIDTH))
        self._row(ramp)
        self.entries.extend((color, "") for color in colors)
        low, high = QCoreApplication.translate("LayerLegend", "Low"), QCoreApplication.translate("LayerLegend", "High")
        if isinstance(layer, UnitGridLayer):
            value_range = layer.value_range()
            if value_range is None:
                self._add_text(QCoreApplication.translate("LayerLegend", "No values loaded: outlines only"))
                return
            low, high = f"{value_range[0]:g}", f"{value_range[1]:g}"
        ends = QWidget()
        ends.setFixedWidth(RAMP_WIDTH)
        box = QHBoxLayout(ends)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel(low))
        box.addStretch(1)
        box.addWidget(QLabel(high))
        self._row(ends)

    def _add_text(self, text: str) -> None:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {PALETTE.muted};")
        self._box.addWidget(label)
        self.entries.append(("", text))


# ------------------------------------------------------------------------------ panel


class LayerDockWidget(QWidget):
    """The layer panel: visibility, order and opacity of the map's layers, the selected
    layer's legend, the tile source and a tile notice.

    It emits no signals of its own: every edit goes to the `LayerList` (or its `TileLayer`),
    whose events the canvas already follows. Closing the widget (or destroying it) stops it
    following the list.
    """

    def __init__(self, layers: LayerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layerDock")
        self._layers = layers
        self._syncing = False
        self._tile_layer: TileLayer | None = None
        self._tile_subs = _Subscriptions()
        self._list_subs = _Subscriptions()
        self.destroyed.connect(self._tile_subs.disconnect_all)
        self.destroyed.connect(self._list_subs.disconnect_all)

        self.model = LayerListModel(layers, self)
        self.view = QListView(self)
        self.view.setObjectName("layerList")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)

        self.up_button = QToolButton(self)
        self.up_button.setObjectName("layerUp")
        self.up_button.setArrowType(Qt.ArrowType.UpArrow)
        self.up_button.setToolTip(self.tr("Raise the layer (draw it above the next one)"))
        self.down_button = QToolButton(self)
        self.down_button.setObjectName("layerDown")
        self.down_button.setArrowType(Qt.ArrowType.DownArrow)
        self.down_button.setToolTip(self.tr("Lower the layer (draw it below the next one)"))
        self.up_button.clicked.connect(self.raise_selected)
        self.down_button.clicked.connect(self.lower_selected)

        self.opacity_label = QLabel(self.tr("Opacity"), self)
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity_slider.setObjectName("layerOpacity")
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setSingleStep(5)
        self.opacity_slider.setPageStep(10)
        self.opacity_value = QLabel(self)
        self.opacity_value.setMinimumWidth(36)
        self.opacity_value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.opacity_slider.valueChanged.connect(self._on_slider)

        self.legend_title = QLabel(self.tr("Legend"), self)
        self.legend_title.setStyleSheet(f"color: {PALETTE.muted};")
        self.legend = LayerLegend(self)

        self.tile_label = QLabel(self.tr("Background tiles"), self)
        self.tile_label.setStyleSheet(f"color: {PALETTE.muted};")
        self.tile_combo = QComboBox(self)
        self.tile_combo.setObjectName("tileSource")
        self.tile_combo.currentIndexChanged.connect(self._on_tile_chosen)
        self.notice_label = QLabel(self)
        self.notice_label.setObjectName("tileNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_label.setStyleSheet(
            f"color: {PALETTE.warning}; background: {PALETTE.danger_bg};"
            f" border: 1px solid {PALETTE.border}; padding: 3px;"
        )
        self.notice_label.hide()

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addSpacing(8)
        buttons.addWidget(self.opacity_label)
        buttons.addWidget(self.opacity_slider, 1)
        buttons.addWidget(self.opacity_value)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.legend_title)
        layout.addWidget(self.legend)
        layout.addWidget(self.tile_label)
        layout.addWidget(self.tile_combo)
        layout.addWidget(self.notice_label)

        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.model.dataChanged.connect(self._on_model_data_changed)
        self.model.rowsMoved.connect(self._sync_selected)
        self.model.rowsRemoved.connect(self._sync_selected)
        self._list_subs.connect(layers.inserted, self._on_list_membership)
        self._list_subs.connect(layers.removed, self._on_list_membership)

        self._bind_tile_layer()
        self.set_tile_sources(())
        if self.model.rowCount():
            self.select_layer(self.model.layer_at(0))
        self._sync_selected()

    # -- public API -----------------------------------------------------------------
    @property
    def layer_list(self) -> LayerList:
        return self._layers

    def selected_layer(self) -> Layer | None:
        index = self.view.currentIndex()
        return self.model.layer_at(index.row()) if index.isValid() else None

    def select_layer(self, layer: Layer | str) -> None:
        index = self.model.index(self.model.row_of(layer), 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def raise_selected(self) -> None:
        """Move the selected layer one step up (drawn above its neighbour)."""
        index = self.view.currentIndex()
        if index.isValid() and index.row() > 0:
            self.model.moveRows(QModelIndex(), index.row(), 1, QModelIndex(), index.row() - 1)

    def lower_selected(self) -> None:
        """Move the selected layer one step down (drawn below its neighbour)."""
        index = self.view.currentIndex()
        if index.isValid() and index.row() < self.model.rowCount() - 1:
            self.model.moveRows(QModelIndex(), index.row(), 1, QModelIndex(), index.row() + 2)

    def set_tile_sources(self, names: Iterable[str]) -> None:
        """Offer these tile sources (plus "None — vector map only") in the combo box."""
        self._source_names = [n for n in dict.fromkeys(names) if n]
        self._fill_tile_combo()

    def tile_sources(self) -> list[str]:
        return list(self._source_names)

    def show_notice(self, text: str) -> None:
        """Show a tile notice (an error text) under the source; an empty text hides it."""
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))

    def clear_notice(self) -> None:
        self.show_notice("")

    def detach(self) -> None:
        """Stop following the layer list (done on close and on destruction)."""
        self.model.close()
        self.legend.detach()
        self._tile_subs.disconnect_all()
        self._list_subs.disconnect_all()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.detach()
        super().closeEvent(event)

    # -- tiles ----------------------------------------------------------------------
    def _bind_tile_layer(self) -> None:
        tile = next((layer for layer in self._layers if isinstance(layer, TileLayer)), None)
        if tile is self._tile_layer:
            return
        self._tile_subs.disconnect_all()
        self._tile_layer = tile
        if tile is not None:
            self._tile_subs.connect(tile.data_changed, self._on_tile_layer_changed)

    def _fill_tile_combo(self) -> None:
        tile = self._tile_layer
        names = list(self._source_names)
        current = tile.source if tile is not None else None
        if current is not None and current not in names:
            names.append(current)  # configured elsewhere: still show the truth
        self._syncing = True
        try:
            self.tile_combo.clear()
            self.tile_combo.addItem(self.tr("None — vector map only"), None)
            for name in names:
                self.tile_combo.addItem(name, name)
            self.tile_combo.setCurrentIndex(max(self.tile_combo.findData(current), 0))
        finally:
            self._syncing = False
        self.tile_combo.setEnabled(tile is not None)

    def _on_tile_chosen(self, combo_index: int) -> None:
        if self._syncing or self._tile_layer is None or combo_index < 0:
            return
        source = self.tile_combo.itemData(combo_index)
        if source != self._tile_layer.source:
            self.clear_notice()  # a notice was about the source left behind
            self._tile_layer.set_source(source)

    def _on_tile_layer_changed(self, layer: Layer) -> None:
        self._fill_tile_combo()

    def _on_list_membership(self, index: int, layer: Layer) -> None:
        if isinstance(layer, TileLayer) or self._tile_layer not in self._layers:
            self._bind_tile_layer()
            self._fill_tile_combo()

    # -- selection and opacity --------------------------------------------------------
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._sync_selected()

    def _on_model_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Sequence[int] = ()
    ) -> None:
        current = self.view.currentIndex()
        if current.isValid() and top_left.row() <= current.row() <= bottom_right.row():
            self._sync_selected()

    def _sync_selected(self, *args: object) -> None:
        layer = self.selected_layer()
        row = self.view.currentIndex().row()
        self.up_button.setEnabled(layer is not None and row > 0)
        self.down_button.setEnabled(layer is not None and row < self.model.rowCount() - 1)
        self.opacity_slider.setEnabled(layer is not None)
        opacity = layer.opacity if layer is not None else 1.0
        self._syncing = True
        try:
            self.opacity_slider.setValue(round(opacity * 100))
        finally:
            self._syncing = False
        self.opacity_value.setText(f"{round(opacity * 100)}%")
        if layer is not self.legend.layer:  # not on every opacity step
            self.legend.show_layer(layer)

    def _on_slider(self, value: int) -> None:
        self.opacity_value.setText(f"{value}%")
        layer = self.selected_layer()
        if self._syncing or layer is None:
            return
        layer.opacity = value / 100.0
