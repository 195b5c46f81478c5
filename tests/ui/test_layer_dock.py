"""The layer dock: a valid Qt model over the LayerList, edits both ways, legend and tiles."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QPoint, Qt, QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command_center.domain.deadline_state import DeadlineState
from command_center.map.drawers import CHOROPLETH_COLORS, DEADLINE_COLORS, SQUAD_STATUS_COLORS
from command_center.map.layers import (
    CaseLayer,
    HeatmapLayer,
    LayerList,
    SquadLayer,
    TileLayer,
    UnitGridLayer,
    default_layers,
)
from command_center.ui.layer_dock import (
    LAYER_NAME_ROLE,
    OPACITY_ROLE,
    LayerDockWidget,
    LayerListModel,
)

SQUARE = ((120.30, 41.50), (120.40, 41.50), (120.40, 41.60), (120.30, 41.60), (120.30, 41.50))
TRIANGLE = ((120.42, 41.50), (120.55, 41.50), (120.48, 41.62), (120.42, 41.50))


def _names(model: LayerListModel) -> list[str]:
    return [model.index(r, 0).data(LAYER_NAME_ROLE) for r in range(model.rowCount())]


def _dock(qtbot: QtBot, layers: LayerList) -> LayerDockWidget:
    dock = LayerDockWidget(layers)
    qtbot.addWidget(dock)
    return dock


# -- the model ----------------------------------------------------------------------
def test_model_passes_qtmodeltester_through_list_changes(qtmodeltester: object) -> None:
    layers = default_layers()
    model = LayerListModel(layers)
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
    # the tester stays connected: every change below is checked as it happens
    layers.move(0, 5)
    layers.move(7, 1)
    layers.append(HeatmapLayer("heatmap_2"))
    layers.insert(0, TileLayer("tiles_2"))
    layers.remove("cases")
    layers["squads"].visible = False
    layers["river"].opacity = 0.3
    model.moveRows(QModelIndex(), 0, 2, QModelIndex(), 5)
    model.moveRows(QModelIndex(), 6, 3, QModelIndex(), 1)
    assert _names(model) == list(reversed(layers.names))
    model.close()
    empty = LayerListModel(LayerList())
    qtmodeltester.check(empty, force_py=True)  # type: ignore[attr-defined]
    empty.close()


def test_rows_are_top_layer_first_with_translated_labels() -> None:
    layers = default_layers()
    layers.append(CaseLayer("cases_archive"))
    model = LayerListModel(layers)
    assert _names(model) == list(reversed(layers.names))
    assert model.index(0, 0).data() == "Open cases (cases_archive)"
    assert model.index(1, 0).data() == "Squads"
    assert model.index(2, 0).data() == "Open cases"
    heatmap_row = model.row_of("heatmap")
    assert model.index(heatmap_row, 0).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Unchecked
    )
    model.close()


class _MarkingTranslator(QTranslator):
    """Translates every string of the dock's contexts to "译:<source>"."""

    def translate(self, context: str, source: str, disambiguation=None, n=-1) -> str:  # noqa: ANN001
        return f"译:{source}" if context in ("LayerListModel", "LayerLegend") else source


def test_labels_and_legend_go_through_the_translator(qtbot: QtBot, qapp: QApplication) -> None:
    layers = LayerList([CaseLayer(), SquadLayer()])
    translator = _MarkingTranslator()
    qapp.installTranslator(translator)
    try:
        dock = _dock(qtbot, layers)
        assert dock.model.index(0, 0).data() == "译:Squads"
        assert dock.model.index(1, 0).data() == "译:Open cases"
        dock.select_layer("cases")
        assert ("#ff3b3b", "译:Overdue") in dock.legend.entries
    finally:
        qapp.removeTranslator(translator)


def test_check_box_sets_visibility_and_follows_it(qtbot: QtBot) -> None:
    layers = default_layers()
    model = LayerListModel(layers)
    row = model.row_of("cases")
    index = model.index(row, 0)
    with qtbot.waitSignal(model.dataChanged):
        assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert layers["cases"].visible is False
    # and the other way: a change made elsewhere shows at once
    with qtbot.waitSignal(model.dataChanged) as blocker:
        layers["cases"].visible = True
    assert blocker.args[0].row() == row
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.close()


def test_opacity_role_both_ways() -> None:
    layers = default_layers()
    model = LayerListModel(layers)
    index = model.index(model.row_of("squads"), 0)
    assert model.setData(index, 0.25, OPACITY_ROLE)
    assert layers["squads"].opacity == 0.25
    layers["squads"].opacity = 0.75
    assert index.data(OPACITY_ROLE) == 0.75
    model.close()


def test_move_rows_reorders_the_layer_list() -> None:
    layers = default_layers()
    model = LayerListModel(layers)
    # the top row (squads) goes below cameras: in list terms it sinks two places
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert layers.names[-3:] == ("squads", "cameras", "cases")
    # the bottom row (tiles) comes to the top
    bottom = model.rowCount() - 1
    assert model.moveRows(QModelIndex(), bottom, 1, QModelIndex(), 0)
    assert layers.names[-1] == "tiles" and layers.names[0] == "districts"
    assert not model.moveRows(QModelIndex(), 2, 1, QModelIndex(), 3)  # onto itself
    assert _names(model) == list(reversed(layers.names))
    model.close()


def test_drop_mime_data_moves_the_dragged_layer() -> None:
    layers = default_layers()
    model = LayerListModel(layers)
    rows = [model.row_of("tiles")]
    mime = model.mimeData([model.index(r, 0) for r in rows])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
    assert _names(model)[:3] == ["squads", "tiles", "cases"]
    assert layers.names[-2] == "tiles"
    model.close()


def test_model_stops_following_after_close(qtbot: QtBot) -> None:
    layers = default_layers()
    model = LayerListModel(layers)
    listeners = len(layers.layer_changed)
    model.close()
    assert len(layers.layer_changed) == listeners - 1
    assert len(layers.inserted) == len(layers.moved) == len(layers.removed) == 0
    with qtbot.assertNotEmitted(model.dataChanged):
        layers["cases"].visible = False


def test_model_owned_by_a_widget_lets_go_when_destroyed() -> None:
    layers = default_layers()
    dock = LayerDockWidget(layers)
    gone: list[bool] = []
    dock.destroyed.connect(lambda *_: gone.append(True))
    dock.deleteLater()  # destroyed without a close
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert gone == [True]
    assert len(layers.inserted) == len(layers.moved) == len(layers.layer_changed) == 0
    assert len(layers["tiles"].data_changed) == 0
    layers["cases"].visible = False  # nothing left listening that could fail
    layers.move(0, 3)


# -- the panel ------------------------------------------------------------------------
def test_clicking_a_check_box_hides_the_layer(qtbot: QtBot) -> None:
    layers = default_layers()
    dock = _dock(qtbot, layers)
    dock.resize(300, 500)
    dock.show()
    qtbot.waitExposed(dock)
    index = dock.model.index(dock.model.row_of("cameras"), 0)
    rect = dock.view.visualRect(index)
    style = dock.view.style()
    # the check box sits at the left of the item: click its centre
    check = QPoint(
        rect.left() + style.pixelMetric(style.PixelMetric.PM_IndicatorWidth) // 2 + 3,
        rect.center().y(),
    )
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=check)
    assert layers["cameras"].visible is False
    layers["cameras"].visible = True
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_buttons_raise_and_lower_the_selected_layer(qtbot: QtBot) -> None:
    layers = default_layers()
    dock = _dock(qtbot, layers)
    dock.select_layer("river")
    before = layers.index("river")
    qtbot.mouseClick(dock.up_button, Qt.MouseButton.LeftButton)
    assert layers.index("river") == before + 1
    assert dock.selected_layer() is layers["river"]  # the selection follows the layer
    qtbot.mouseClick(dock.down_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dock.down_button, Qt.MouseButton.LeftButton)
    assert layers.index("river") == before - 1
    dock.select_layer("squads")  # the top layer cannot go higher
    assert not dock.up_button.isEnabled()
    dock.raise_selected()
    assert layers.names[-1] == "squads"
    dock.select_layer("tiles")
    assert not dock.down_button.isEnabled()


def test_opacity_slider_sets_the_selected_layers_opacity(qtbot: QtBot) -> None:
    layers = default_layers()
    dock = _dock(qtbot, layers)
    dock.select_layer("unit_grids")
    dock.opacity_slider.setValue(40)
    assert layers["unit_grids"].opacity == 0.4
    assert dock.opacity_value.text() == "40%"
    assert layers["cases"].opacity == 1.0  # only the selected layer
    layers["unit_grids"].opacity = 0.9  # changed elsewhere: the slider follows
    assert dock.opacity_slider.value() == 90
    dock.select_layer("cases")
    assert dock.opacity_slider.value() == 100


def test_legend_shows_the_selected_layers_colours(qtbot: QtBot) -> None:
    layers = default_layers()
    dock = _dock(qtbot, layers)
    dock.select_layer("cases")
    colors = [c for c, _ in dock.legend.entries]
    for state in (
        DeadlineState.ON_TIME,
        DeadlineState.DUE_SOON,
        DeadlineState.OVERDUE,
        DeadlineState.PAUSED,
    ):
        assert DEADLINE_COLORS[state] in colors
    assert ("#ff3b3b", "Overdue") in dock.legend.entries
    dock.select_layer("squads")
    assert {c for c, _ in dock.legend.entries} >= set(SQUAD_STATUS_COLORS.values())
    dock.select_layer("unit_grids")
    assert [c for c, _ in dock.legend.entries][: len(CHOROPLETH_COLORS)] == list(CHOROPLETH_COLORS)
    grids = layers["unit_grids"]
    assert isinstance(grids, UnitGridLayer)
    assert any("No values" in text for _, text in dock.legend.entries)
    grids.set_cells({"a": SQUARE, "b": TRIANGLE})
    grids.set_values({"a": 2.0, "b": 11.0})  # the legend follows the layer's data
    assert not any("No values" in text for _, text in dock.legend.entries)


def test_tile_combo_sets_the_tile_layers_source(qtbot: QtBot) -> None:
    layers = default_layers()
    tiles = layers["tiles"]
    assert isinstance(tiles, TileLayer)
    dock = _dock(qtbot, layers)
    dock.set_tile_sources(["osm", "tianditu"])
    combo = dock.tile_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "None — vector map only",
        "osm",
        "tianditu",
    ]
    assert combo.currentIndex() == 0
    combo.setCurrentIndex(2)
    assert tiles.source == "tianditu"
    combo.setCurrentIndex(0)
    assert tiles.source is None
    tiles.set_source("osm")  # set elsewhere: the combo follows
    assert combo.currentText() == "osm"


def test_tile_combo_shows_a_source_set_before_it_was_offered(qtbot: QtBot) -> None:
    layers = default_layers(tile_source="local-mbtiles")
    dock = _dock(qtbot, layers)
    dock.set_tile_sources(["osm"])
    assert dock.tile_combo.currentText() == "local-mbtiles"


def test_no_tile_layer_disables_the_combo(qtbot: QtBot) -> None:
    layers = LayerList([CaseLayer()])
    dock = _dock(qtbot, layers)
    dock.set_tile_sources(["osm"])
    assert not dock.tile_combo.isEnabled()
    layers.insert(0, TileLayer())
    assert dock.tile_combo.isEnabled()


def test_notice_shows_and_hides(qtbot: QtBot) -> None:
    dock = _dock(qtbot, default_layers())
    dock.show()
    qtbot.waitExposed(dock)
    assert not dock.notice_label.isVisible()
    dock.show_notice("osm: 3 tiles failed (connection refused)")
    assert dock.notice_label.isVisible()
    assert "connection refused" in dock.notice_label.text()
    dock.clear_notice()
    assert not dock.notice_label.isVisible()


def test_closing_the_dock_stops_following(qtbot: QtBot) -> None:
    layers = default_layers()
    dock = _dock(qtbot, layers)
    dock.close()
    assert len(layers.inserted) == len(layers.removed) == len(layers.moved) == 0
    assert len(layers["tiles"].data_changed) == 0
