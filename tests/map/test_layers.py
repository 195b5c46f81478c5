"""Map layers are plain models: exact event sequences for every change, nothing for no change."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from command_center.map.layers import (
    CaseLayer,
    HeatmapLayer,
    Layer,
    LayerList,
    Signal,
    SquadLayer,
    UnitGridLayer,
    default_layers,
    frozen_copy,
)
from command_center.services.snapshot import CaseRow, SquadRow

T0 = datetime(2024, 6, 1, 9, 0, 0)


class Recorder:
    """Connects to signals and records (signal name, *args) in emit order."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def watch(self, *signals: Signal) -> Recorder:
        for signal in signals:
            signal.connect(lambda *args, _name=signal.name: self.events.append((_name, *args)))
        return self

    def watch_layer(self, layer: Layer) -> Recorder:
        return self.watch(layer.changed, layer.data_changed, layer.feature_changed)

    def watch_list(self, layers: LayerList) -> Recorder:
        return self.watch(layers.inserted, layers.removed, layers.moved, layers.layer_changed)


def case(id: int, state: str = "dispatched", **kw) -> CaseRow:
    fields = dict(
        case_no=f"2024060100{id:02d}",
        category_code="0101",
        category_name="暴露垃圾",
        state=state,
        district_code="211302",
        address="双塔区",
        lon=120.45,
        lat=41.57,
        reported_at=T0,
        deadline_at=None,
        overdue=False,
        squad_name=None,
    )
    fields.update(kw)
    return CaseRow(id=id, **fields)


def squad(id: int) -> SquadRow:
    return SquadRow(id, f"S{id}", f"第{id}中队", "城管", "available", 0, None, None)


# ---------------------------------------------------------------- Signal


def test_signal_calls_in_connection_order_once_each_and_disconnects():
    calls = []
    a = lambda x: calls.append(("a", x))  # noqa: E731
    b = lambda x: calls.append(("b", x))  # noqa: E731
    signal = Signal("s")
    signal.connect(a)
    signal.connect(b)
    signal.connect(a)  # already connected: still called once
    signal.emit(1)
    signal.disconnect(a)
    signal.emit(2)
    assert calls == [("a", 1), ("b", 1), ("b", 2)]
    with pytest.raises(ValueError, match="not connected"):
        signal.disconnect(a)


def test_signal_disconnect_during_emit_takes_effect_next_time():
    calls = []
    signal = Signal("s")

    def first():
        calls.append("first")
        if calls == ["first"]:
            signal.disconnect(second)

    def second():
        calls.append("second")

    signal.connect(first)
    signal.connect(second)
    signal.emit()
    signal.emit()
    assert calls == ["first", "second", "first"]


# ---------------------------------------------------------------- LayerList


def _three() -> tuple[LayerList, Layer, Layer, Layer]:
    a, b, c = Layer("a"), Layer("b"), Layer("c")
    return LayerList([a, b, c]), a, b, c


def test_order_operations_emit_exact_events():
    layers, a, b, c = _three()
    rec = Recorder().watch_list(layers)
    d = Layer("d")
    layers.insert(1, d)
    assert layers.names == ("a", "d", "b", "c")
    layers.move(0, 3)  # a ends up on top
    assert layers.names == ("d", "b", "c", "a")
    layers.move(2, 2)  # no-op: no event
    removed = layers.remove("b")
    assert removed is b
    assert layers.names == ("d", "c", "a")
    layers.append(b)
    assert layers.names == ("d", "c", "a", "b")
    layers.move(3, 0)
    assert layers.names == ("b", "d", "c", "a")
    assert rec.events == [
        ("inserted", 1, d),
        ("moved", 0, 3, a),
        ("removed", 1, b),
        ("inserted", 3, b),
        ("moved", 3, 0, b),
    ]


def test_lookup_by_name_and_index():
    layers, a, b, c = _three()
    assert layers["b"] is b
    assert layers[2] is c
    assert layers.index(c) == 2
    assert "a" in layers and a in layers and "z" not in layers
    with pytest.raises(KeyError, match="no layer 'z'.*'a', 'b', 'c'"):
        layers["z"]


def test_names_are_unique():
    layers, *_ = _three()
    with pytest.raises(ValueError, match="'b' is already in the list"):
        layers.append(Layer("b"))
    assert layers.names == ("a", "b", "c")


def test_bad_indices_are_refused_without_change():
    layers, *_ = _three()
    rec = Recorder().watch_list(layers)
    with pytest.raises(IndexError, match="outside 0..3"):
        layers.insert(4, Layer("d"))
    with pytest.raises(IndexError, match="to index 3 is outside 0..2"):
        layers.move(0, 3)
    assert layers.names == ("a", "b", "c")
    assert rec.events == []


def test_layer_changes_are_forwarded_until_the_layer_is_removed():
    layers, a, b, c = _three()
    rec = Recorder().watch_list(layers)
    b.visible = False
    c.opacity = 0.5
    layers.remove(b)
    b.visible = True  # no longer in the list: not forwarded
    assert rec.events == [
        ("layer_changed", b, "visible"),
        ("layer_changed", c, "opacity"),
        ("removed", 1, b),
    ]


# ---------------------------------------------------------------- Layer properties


def test_visibility_and_opacity_emit_once_per_real_change():
    layer = Layer("cases")
    rec = Recorder().watch_layer(layer)
    layer.visible = True  # already visible
    layer.visible = False
    layer.visible = False
    layer.opacity = 1.0  # already opaque
    layer.opacity = 0.4
    layer.opacity = 0.4
    layer.opacity = 7  # clamps to 1.0: a change
    layer.opacity = 3.0  # clamps to 1.0 again: no change
    assert rec.events == [
        ("changed", layer, "visible"),
        ("changed", layer, "opacity"),
        ("changed", layer, "opacity"),
    ]
    assert (layer.visible, layer.opacity) == (False, 1.0)


def test_opacity_is_clamped_and_nan_refused():
    layer = Layer("x", opacity=-0.5)
    assert layer.opacity == 0.0
    rec = Recorder().watch_layer(layer)
    with pytest.raises(ValueError, match="opacity.*NaN"):
        layer.opacity = float("nan")
    with pytest.raises(TypeError, match="opacity must be a number"):
        layer.opacity = "0.5"
    with pytest.raises(ValueError, match="opacity.*NaN"):
        Layer("y", opacity=float("nan"))
    assert layer.opacity == 0.0
    assert rec.events == []


def test_default_stack_order_and_visibility():
    layers = default_layers()
    assert layers.names == (
        "tiles",
        "districts",
        "river",
        "unit_grids",
        "overdue_grids",
        "responsibility_grids",
        "heatmap",
        "cameras",
        "cases",
        "squads",
    )
    assert [layer.kind for layer in layers] == list(layers.names)
    assert [layer.name for layer in layers if not layer.visible] == ["overdue_grids", "heatmap"]
    assert isinstance(layers["heatmap"], HeatmapLayer)


# ---------------------------------------------------------------- cases


def test_update_case_emits_one_feature_changed_and_no_data_changed():
    layer = CaseLayer()
    layer.set_cases([case(1), case(2)])
    rec = Recorder().watch_layer(layer)
    layer.update_case(case(2, state="processing"))
    assert rec.events == [("feature_changed", layer, 2)]
    assert layer.cases[2].state == "processing"
    assert layer.cases[1] == case(1)


def test_update_case_with_the_same_row_emits_nothing_and_new_ids_are_added():
    layer = CaseLayer()
    layer.set_cases([case(1)])
    rec = Recorder().watch_layer(layer)
    layer.update_case(case(1))
    layer.update_case(case(3))
    layer.remove_case(1)
    assert rec.events == [("feature_changed", layer, 3), ("feature_changed", layer, 1)]
    assert sorted(layer.cases) == [3]


def test_set_cases_emits_data_changed_once_and_refuses_duplicate_ids():
    layer = CaseLayer()
    rec = Recorder().watch_layer(layer)
    layer.set_cases([case(1), case(2), case(3)])
    assert rec.events == [("data_changed", layer)]
    with pytest.raises(ValueError, match="id 2 appears more than once"):
        layer.set_cases([case(2), case(2)])
    assert sorted(layer.cases) == [1, 2, 3]


# ---------------------------------------------------------------- squads


def test_squad_trail_drops_points_older_than_30_minutes_and_keeps_order():
    layer = SquadLayer()
    layer.set_squads([squad(7)])
    rec = Recorder().watch_layer(layer)
    for minute in (0, 10, 20, 30):
        layer.move(7, 120.0 + minute / 1000, 41.5, T0 + timedelta(minutes=minute))
    assert [p[0] for p in layer.trail(7)] == [T0 + timedelta(minutes=m) for m in (0, 10, 20, 30)]
    layer.move(7, 120.05, 41.5, T0 + timedelta(minutes=35))  # minute 0 is now 35 min old
    layer.move(7, 120.04, 41.5, T0 + timedelta(minutes=25))  # late report: slots in by time
    assert [p[0] for p in layer.trail(7)] == [
        T0 + timedelta(minutes=m) for m in (10, 20, 25, 30, 35)
    ]
    assert layer.position(7) == (120.05, 41.5)  # the late report did not move the squad
    assert rec.events == [("feature_changed", layer, 7)] * 6


def test_squad_report_already_too_old_changes_nothing():
    layer = SquadLayer()
    layer.set_squads([squad(7)])
    layer.move(7, 120.0, 41.5, T0 + timedelta(minutes=40))
    rec = Recorder().watch_layer(layer)
    layer.move(7, 121.0, 41.5, T0)
    assert rec.events == []
    assert len(layer.trail(7)) == 1


def test_squad_move_refuses_unknown_ids_and_bad_coordinates():
    layer = SquadLayer()
    layer.set_squads([squad(7)])
    with pytest.raises(KeyError, match="no squad with id 8"):
        layer.move(8, 120.0, 41.5, T0)
    with pytest.raises(ValueError, match="not a valid WGS-84"):
        layer.move(7, 120.0, float("nan"), T0)
    assert layer.trail(7) == ()
    assert layer.position(7) is None


# ---------------------------------------------------------------- unit grids


def test_choropleth_values_for_unknown_codes_are_refused():
    layer = UnitGridLayer()
    ring = ((120.0, 41.5), (120.001, 41.5), (120.001, 41.501))
    layer.set_cells({"211302001001": ring, "211302001002": ring})
    rec = Recorder().watch_layer(layer)
    with pytest.raises(ValueError, match="1 value\\(s\\) for unknown cell code\\(s\\): '999'"):
        layer.set_values({"211302001001": 3.0, "999": 1.0})
    assert dict(layer.values) == {}
    layer.set_values({"211302001001": 3.0, "211302001002": 5})
    assert dict(layer.values) == {"211302001001": 3.0, "211302001002": 5.0}
    assert layer.value_range() == (3.0, 5.0)
    assert rec.events == [("data_changed", layer)]


def test_choropleth_values_must_be_finite_and_follow_their_cells():
    layer = UnitGridLayer()
    ring = ((120.0, 41.5), (120.001, 41.5), (120.001, 41.501))
    layer.set_cells([("a", ring), ("b", ring)])
    with pytest.raises(ValueError, match="value for 'a' is not finite"):
        layer.set_values({"a": float("inf")})
    layer.set_values({"a": 1.0, "b": 2.0})
    layer.set_cells([("b", ring)])
    assert dict(layer.values) == {"b": 2.0}


# ---------------------------------------------------------------- layering


def test_map_models_import_neither_qt_nor_the_ui():
    code = (
        "import sys, command_center.map.layers, command_center.map.projection; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph') "
        "or m.startswith('command_center.ui')); print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_tile_source_by_default_and_switching_emits_once() -> None:
    from command_center.map.layers import TileLayer

    tiles = default_layers()["tiles"]
    assert isinstance(tiles, TileLayer) and tiles.source is None
    seen: list[object] = []
    tiles.data_changed.connect(seen.append)
    tiles.set_source("tianditu-vec")
    tiles.set_source("tianditu-vec")
    tiles.set_source(None)
    assert seen == [tiles, tiles]
    with pytest.raises(ValueError, match="non-empty string"):
        tiles.set_source("")


def test_a_frozen_copy_has_the_data_and_not_the_later_changes():
    layers = default_layers("tdt")
    ring = ((120.0, 41.0), (120.1, 41.0), (120.1, 41.1), (120.0, 41.0))
    layers["unit_grids"].set_cells({"A": ring, "B": ring})
    layers["unit_grids"].set_values({"A": 2.0})
    layers["responsibility_grids"].set_cells({"R": ring}, labels={"R": "站前"})
    layers["cases"].set_cases([case(1), case(2)])
    layers["squads"].set_squads([squad(7)])
    layers["heatmap"].set_points([120.0], [41.0])
    layers["cameras"].opacity = 0.5
    copy = frozen_copy(layers)
    assert copy.names == layers.names
    assert copy["tiles"].source == "tdt" and copy["cameras"].opacity == 0.5
    assert dict(copy["unit_grids"].values) == {"A": 2.0}
    assert dict(copy["responsibility_grids"].labels) == {"R": "站前"}
    assert set(copy["cases"].cases) == {1, 2} and set(copy["squads"].squads) == {7}
    listeners = Recorder().watch_layer(copy["cases"])
    layers["cases"].remove_case(1)
    layers["unit_grids"].set_values({"B": 1.0})
    assert set(copy["cases"].cases) == {1, 2} and dict(copy["unit_grids"].values) == {"A": 2.0}
    assert listeners.events == []


def test_camera_stream_states_emit_once_per_changed_camera():
    from command_center.map.layers import CameraLayer
    from command_center.services.snapshot import CameraRow

    layer = CameraLayer()
    layer.set_cameras([CameraRow(i, f"C{i}", f"c{i}", 120.45, 41.57, "x", True) for i in (1, 2, 3)])
    seen: list[int] = []
    layer.feature_changed.connect(lambda _layer, key: seen.append(key))
    layer.set_stream_states({1: "live", 2: "connecting"})
    layer.set_stream_states({1: "live", 2: "lost", 9: "live"})  # 9 is not a known camera
    assert seen == [1, 2, 2]
    assert dict(layer.stream_states) == {1: "live", 2: "lost", 9: "live"}
