"""The map search box (type, arrows, Enter, Esc, click) and the feature details panel."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from command_center.map.search import (
    KIND_CAMERA,
    KIND_CASE,
    KIND_DISTRICT,
    KIND_GRID,
    KIND_RESPONSIBILITY_GRID,
    KIND_SQUAD,
    SearchHit,
    SearchIndex,
    point_bbox,
)
from command_center.services.snapshot import CameraRow, CaseRow, CitySnapshot, SquadRow
from command_center.ui.feature_details import FeatureDetailsPanel, format_span
from command_center.ui.map_search import HIT_ROLE, MapSearchBox
from command_center.ui.theme import PALETTE

NOW = datetime(2025, 6, 3, 14, 20, 5)

# The drop-down is a Qt popup; the offscreen platform cannot raise it or grab the keyboard
# for it, and says so each time it opens.
pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support raise\(\)",
    r"^This plugin does not support grabbing the keyboard",
)


@pytest.fixture
def index(city_snapshot: CitySnapshot) -> SearchIndex:
    return SearchIndex.from_rows(
        districts=city_snapshot.districts,
        unit_grids={"211303002001001": ((120.30, 41.50), (120.31, 41.50), (120.31, 41.51))},
        cameras=city_snapshot.cameras,
        squads=city_snapshot.squads,
        cases=city_snapshot.open_cases,
    )


@pytest.fixture
def box(qtbot: QtBot, index: SearchIndex) -> MapSearchBox:
    widget = MapSearchBox(index)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_text(edit: QLineEdit, text: str) -> None:
    """Type `text`: key presses for ASCII, an input-method commit (as a pinyin IME sends it)
    for Chinese, which QTest cannot press as keys."""
    if text.isascii():
        QtBot.keyClicks(edit, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def popup_rows(box: MapSearchBox) -> list[SearchHit]:
    popup = box.popup()
    model = popup.model()
    return [model.index(r, 0).data(HIT_ROLE) for r in range(model.rowCount())]


# -- search box ---------------------------------------------------------------------------
def test_typing_lists_hits_in_the_popup(box: MapSearchBox) -> None:
    box.line_edit.setFocus()
    type_text(box.line_edit, "龙城")
    hits = box.hits()
    assert (hits[0].kind, hits[0].key) == (KIND_DISTRICT, "211303")
    assert box.popup().isVisible()
    assert popup_rows(box) == hits
    first = box.popup().model().index(0, 0).data()
    assert first.startswith("District") and "龙城区" in first
    assert box.no_match_label.isHidden()


def test_enter_picks_the_first_hit(box: MapSearchBox, qtbot: QtBot) -> None:
    type_text(box.line_edit, "CY2025000003")
    with qtbot.waitSignal(box.picked) as blocker:
        QtBot.keyClick(box.line_edit, Qt.Key.Key_Return)
    hit = blocker.args[0]
    assert isinstance(hit, SearchHit)
    assert (hit.kind, hit.key, hit.name) == (KIND_CASE, 3, "CY2025000003")
    assert hit.bbox == pytest.approx(point_bbox(120.46, 41.53))
    assert not box.popup().isVisible()
    assert box.line_edit.text() == "CY2025000003"


def test_arrow_down_then_enter_picks_the_highlighted_hit(box: MapSearchBox, qtbot: QtBot) -> None:
    type_text(box.line_edit, "cam-00")
    hits = box.hits()
    assert [h.key for h in hits] == [1, 2, 3, 4, 5]
    QtBot.keyClick(box.popup(), Qt.Key.Key_Down)  # the first row
    QtBot.keyClick(box.popup(), Qt.Key.Key_Down)  # the second
    assert box.popup().currentIndex().row() == 1
    with qtbot.waitSignal(box.picked) as blocker:
        QtBot.keyClick(box.popup(), Qt.Key.Key_Return)  # as the popup receives it
    assert blocker.args[0] == hits[1]
    assert blocker.args[0].kind == KIND_CAMERA


def test_clicking_a_hit_picks_it(box: MapSearchBox, qtbot: QtBot) -> None:
    type_text(box.line_edit, "中队")
    popup = box.popup()
    hits = box.hits()
    assert [h.kind for h in hits] == [KIND_SQUAD] * 3
    rect = popup.visualRect(popup.model().index(2, 0))
    with qtbot.waitSignal(box.picked) as blocker:
        QtBot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0] == hits[2]
    assert box.line_edit.text() == hits[2].name


def test_escape_clears(box: MapSearchBox, qtbot: QtBot) -> None:
    type_text(box.line_edit, "凌河")
    assert box.popup().isVisible() and len(box.hits()) == 1
    with qtbot.assertNotEmitted(box.picked):
        QtBot.keyClick(box.popup(), Qt.Key.Key_Escape)
    assert box.line_edit.text() == ""
    assert box.hits() == [] and not box.popup().isVisible()


def test_no_match_says_so_and_enter_picks_nothing(box: MapSearchBox, qtbot: QtBot) -> None:
    type_text(box.line_edit, "不存在")
    assert box.hits() == []
    assert not box.no_match_label.isHidden()
    assert box.no_match_label.text() == "No match"
    assert not box.popup().isVisible()
    with qtbot.assertNotEmitted(box.picked):
        QtBot.keyClick(box.line_edit, Qt.Key.Key_Return)
    QtBot.keyClick(box.line_edit, Qt.Key.Key_Escape)
    assert box.no_match_label.isHidden()


def test_a_live_case_is_found_after_the_index_changes(
    box: MapSearchBox, index: SearchIndex, city_snapshot: CitySnapshot
) -> None:
    new = city_snapshot.open_cases[0].__class__(
        **{**city_snapshot.open_cases[0].__dict__, "id": 42, "case_no": "CY2025000042"}
    )
    index.put_case(new)
    type_text(box.line_edit, "000042")
    assert [(h.kind, h.key) for h in box.hits()] == [(KIND_CASE, 42)]


# -- details panel ------------------------------------------------------------------------
@pytest.fixture
def panel(qtbot: QtBot) -> FeatureDetailsPanel:
    widget = FeatureDetailsPanel()
    qtbot.addWidget(widget)
    widget.set_district_names({"211303": "龙城区", "211302": "双塔区"})
    return widget


def test_starts_with_a_hint_and_no_buttons(panel: FeatureDetailsPanel) -> None:
    assert panel.kind is None and panel.fields() == []
    assert not panel.hint_label.isHidden()
    for button in (panel.open_case_button, panel.open_camera_button, panel.fly_to_button):
        assert button.isHidden()


def test_case_fields_and_buttons(
    panel: FeatureDetailsPanel, qtbot: QtBot, city_snapshot: CitySnapshot
) -> None:
    row = city_snapshot.open_cases[2]  # dispatched, due in 1 h, 双塔区
    panel.show_case(row, NOW)
    assert panel.kind == KIND_CASE and panel.key == 3
    assert panel.title_label.text() == "CY2025000003 · 道路破损"
    assert [label for label, _ in panel.fields()] == [
        "Case no.",
        "Category",
        "State",
        "Address",
        "District",
        "Reported at",
        "Deadline",
        "Remaining",
        "Squad",
        "Position",
    ]
    assert panel.field("State") == "Dispatched"
    assert panel.field("District") == "双塔区 (211302)"
    assert panel.field("Reported at") == "2025-06-03 08:20"
    assert panel.field("Deadline") == "2025-06-03 15:20"
    assert panel.field("Remaining") == "1 h 00 min left"
    assert panel.field("Squad") == "第一中队"
    assert not panel.open_case_button.isHidden() and panel.open_camera_button.isHidden()
    with qtbot.waitSignal(panel.openCaseRequested) as opened:
        panel.open_case_button.click()
    assert opened.args == [3]
    with qtbot.waitSignal(panel.flyToRequested) as flown:
        panel.fly_to_button.click()
    assert flown.args == pytest.approx(list(point_bbox(120.46, 41.53)))


def test_overdue_and_undispatched_cases(
    panel: FeatureDetailsPanel, city_snapshot: CitySnapshot, case_factory
) -> None:
    panel.show_case(city_snapshot.open_cases[1], NOW)  # overdue by 2 h
    assert panel.field("Remaining") == "Overdue by 2 h 00 min"
    value = panel.form.itemAt(7, panel.form.ItemRole.FieldRole).widget()
    assert PALETTE.danger in value.styleSheet()
    panel.show_case(city_snapshot.open_cases[0], NOW)  # reported, no squad yet
    assert panel.field("Squad") == "Not dispatched"
    assert len(panel.fields()) == 10  # the previous rows are gone
    paused = case_factory(5, state="suspended", deadline=NOW + timedelta(days=1, hours=3))
    panel.show_case(paused, NOW)
    assert panel.field("Remaining") == "Clock paused (1 d 3 h left)"
    panel.show_case(case_factory(6, deadline=None), NOW)
    assert panel.field("Remaining") == "No deadline"


def test_camera_fields_and_buttons(
    panel: FeatureDetailsPanel, qtbot: QtBot, city_snapshot: CitySnapshot
) -> None:
    camera: CameraRow = city_snapshot.cameras[0]
    panel.show_camera(camera)
    assert panel.title_label.text() == "朝阳大街口"
    assert panel.fields() == [
        ("Name", "朝阳大街口"),
        ("Code", "CAM-001"),
        ("Position", "120.330000, 41.580000"),
        ("Status", "Enabled"),
        ("Stream URL", "rtsp://127.0.0.1/1"),
    ]
    assert panel.open_case_button.isHidden()
    with qtbot.waitSignal(panel.openCameraRequested) as opened:
        panel.open_camera_button.click()
    assert opened.args == [1]
    panel.show_camera(city_snapshot.cameras[1])  # disabled
    assert panel.field("Status") == "Disabled"
    assert not panel.open_camera_button.isEnabled()
    with qtbot.assertNotEmitted(panel.openCameraRequested):
        panel.open_camera_button.click()


def test_squad_fields(
    panel: FeatureDetailsPanel, qtbot: QtBot, city_snapshot: CitySnapshot
) -> None:
    squad: SquadRow = city_snapshot.squads[0]
    panel.show_squad(squad)
    assert panel.fields() == [
        ("Name", "第一中队"),
        ("Code", "SQ01"),
        ("Unit", "龙城区城管局"),
        ("Status", "● Handling"),
        ("Open cases", "2"),
        ("Position", "120.340000, 41.560000"),
    ]
    assert panel.open_case_button.isHidden() and panel.open_camera_button.isHidden()
    with qtbot.waitSignal(panel.flyToRequested) as flown:
        panel.fly_to_button.click()
    assert flown.args == pytest.approx(list(point_bbox(120.34, 41.56)))
    panel.show_squad(city_snapshot.squads[2])  # off duty, never reported a position
    assert panel.field("Position") == "No position reported"
    assert not panel.fly_to_button.isEnabled()


def test_grid_code_is_decoded(panel: FeatureDetailsPanel, qtbot: QtBot) -> None:
    bbox = (120.30, 41.50, 120.31, 41.51)
    panel.show_grid("211303002001007", {"Open cases": 4}, bbox=bbox)
    assert panel.kind == KIND_GRID and panel.key == "211303002001007"
    assert panel.fields() == [
        ("Code", "211303002001007"),
        ("District", "龙城区 (211303)"),
        ("Street code", "211303002"),
        ("Community code", "211303002001"),
        ("Grid number", "007"),
        ("Open cases", "4"),
    ]
    with qtbot.waitSignal(panel.flyToRequested) as flown:
        panel.fly_to_button.click()
    assert flown.args == pytest.approx(list(bbox))
    panel.show_grid("R21130200100101")
    assert panel.kind == KIND_RESPONSIBILITY_GRID
    assert panel.fields() == [("Code", "R21130200100101"), ("District", "双塔区")]
    assert not panel.fly_to_button.isEnabled()
    panel.clear()
    assert panel.kind is None and panel.fields() == [] and panel.fly_to_button.isHidden()


def test_durations_read_naturally() -> None:
    assert format_span(timedelta(minutes=5, seconds=59)) == "5 min"
    assert format_span(timedelta(hours=2, minutes=7)) == "2 h 07 min"
    assert format_span(-timedelta(days=3, hours=1, minutes=30)) == "3 d 1 h"


def test_panel_and_box_together_from_a_pick(
    box: MapSearchBox, panel: FeatureDetailsPanel, qtbot: QtBot, city_snapshot: CitySnapshot
) -> None:
    """The wiring the main window does: a picked case hit opens that case in the panel."""
    cases: dict[int, CaseRow] = {c.id: c for c in city_snapshot.open_cases}
    box.picked.connect(lambda hit: panel.show_case(cases[hit.key], NOW))
    type_text(box.line_edit, "cy2025000001")
    QtBot.keyClick(box.line_edit, Qt.Key.Key_Enter)
    assert panel.key == 1 and panel.field("Case no.") == "CY2025000001"
    assert not box.popup().isVisible()
