"""ReportDialog: category tree search, locating, duplicate warning, validation, the result."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from command_center.domain.catalogue import Catalogue
from command_center.ui.report_dialog import (
    LOCATION_GRID,
    LOCATION_MAP,
    ReportDialog,
    ReportRequest,
)

CATALOGUE = Catalogue.default()
LON, LAT = 120.4515, 41.5705
GRID = "211302001001002"


class FakeFinder:
    """Answers every look-up with the given cases and records the questions."""

    def __init__(self, found: list[tuple[int, str, float]]) -> None:
        self.found = found
        self.asked: list[tuple[float, float, str]] = []

    def __call__(self, lon: float, lat: float, code: str) -> list[tuple[int, str, float]]:
        self.asked.append((lon, lat, code))
        return list(self.found)


def make_dialog(qtbot, found=(), geocode=None) -> tuple[ReportDialog, FakeFinder]:
    finder = FakeFinder(list(found))
    dialog = ReportDialog(
        CATALOGUE,
        find_duplicates=finder,
        grid_centre=lambda code: (120.4515, 41.5705) if code == GRID else None,
        geocode=geocode,
    )
    qtbot.addWidget(dialog)
    return dialog, finder


def test_the_tree_holds_every_category_by_kind_and_class(qtbot):
    dialog, _ = make_dialog(qtbot)
    tree = dialog.category_tree
    assert tree.topLevelItemCount() == 2
    assert [tree.topLevelItem(i).text(0) for i in range(2)] == ["Components", "Events"]
    assert len(dialog.visible_categories()) == len(CATALOGUE)
    events = tree.topLevelItem(1)
    majors = [events.child(i).text(0) for i in range(events.childCount())]
    assert "01 市容环境" in majors
    cityscape = events.child(majors.index("01 市容环境"))
    assert "200102 暴露垃圾" in [cityscape.child(i).text(0) for i in range(cityscape.childCount())]


def test_the_search_box_filters_the_tree_by_chinese_substring(qtbot):
    dialog, _ = make_dialog(qtbot)
    dialog.search_edit.setText("垃圾")
    shown = dialog.visible_categories()
    assert "200102" in shown
    assert 0 < len(shown) < len(CATALOGUE)
    assert all("垃圾" in CATALOGUE[c].name or "垃圾" in CATALOGUE[c].major_name for c in shown)
    # a kind with nothing left is hidden; the one with hits stays, expanded
    components, events = (dialog.category_tree.topLevelItem(i) for i in range(2))
    assert events.isExpanded() and not events.isHidden()
    assert components.isHidden() == all(CATALOGUE[c].kind.value != "component" for c in shown)
    dialog.search_edit.setText("井盖")
    assert dialog.visible_categories() and all(
        "井盖" in CATALOGUE[c].name for c in dialog.visible_categories()
    )
    dialog.search_edit.setText("没有这种类别")
    assert dialog.visible_categories() == []
    dialog.search_edit.clear()
    assert len(dialog.visible_categories()) == len(CATALOGUE)


def test_the_search_matches_codes_and_a_class_name_shows_its_categories(qtbot):
    dialog, _ = make_dialog(qtbot)
    dialog.search_edit.setText("200102")
    assert dialog.visible_categories() == ["200102"]
    dialog.search_edit.setText("市容环境")
    shown = set(dialog.visible_categories())
    assert {c.code for c in CATALOGUE if c.major_name == "市容环境"} <= shown


def test_validation_names_the_missing_category_and_location(qtbot):
    dialog, finder = make_dialog(qtbot)
    dialog.accept()
    assert dialog.result() == 0 and dialog.result_report() is None
    assert not dialog.error_label.isHidden()
    text = dialog.error_label.text()
    assert "Choose a category" in text and "Set the location" in text
    dialog.select_category("200102")
    assert dialog.validate() == [
        "Set the location: pick a point on the map, or type a unit-grid code."
    ]
    dialog.set_location(LON, LAT)
    assert dialog.validate() == []


def test_a_map_point_and_a_category_make_a_report(qtbot):
    dialog, finder = make_dialog(qtbot)
    dialog.set_location(LON, LAT)
    assert dialog.select_category("200102")
    dialog.source_combo.setCurrentIndex(dialog.source_combo.findData("public"))
    dialog.description_edit.setPlainText("  路边暴露垃圾  ")
    dialog.address_edit.setText("南塔街 3 号")
    dialog.add_photos(["/tmp/a.jpg", "/tmp/b.jpg", "/tmp/a.jpg"])
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    assert dialog.result_report() == ReportRequest(
        source="public",
        category_code="200102",
        lon=LON,
        lat=LAT,
        location_from=LOCATION_MAP,
        grid_code=None,
        address="南塔街 3 号",
        description="路边暴露垃圾",
        photos=("/tmp/a.jpg", "/tmp/b.jpg"),
    )
    assert finder.asked[-1] == (LON, LAT, "200102")


def test_the_sources_are_the_services_values(qtbot):
    from command_center.services.cases import SOURCES

    dialog, _ = make_dialog(qtbot)
    combo = dialog.source_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(SOURCES)
    assert combo.currentData() == "hotline"
    assert combo.itemText(combo.findData("public")) == "WeChat public account"


def test_a_typed_grid_code_is_resolved_to_the_grid_centre(qtbot):
    dialog, _ = make_dialog(qtbot)
    dialog.select_category("200102")
    dialog.grid_edit.setText(f" {GRID} ")
    dialog.resolve_grid()
    assert dialog.location_mode == LOCATION_GRID
    assert dialog.location == (120.4515, 41.5705)
    report = dialog.build_report()
    assert report is not None and report.grid_code == GRID and report.location_from == "grid"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("21130200100", "is not a unit-grid code"), ("211302001001099", "No unit grid has the code")],
)
def test_a_wrong_grid_code_says_why_and_leaves_no_location(qtbot, typed, message):
    dialog, _ = make_dialog(qtbot)
    dialog.set_location(LON, LAT)
    dialog.grid_edit.setText(typed)
    dialog.resolve_grid()
    assert message in dialog.location_status.text()
    assert dialog.location is None  # the grid mode is chosen and has no point
    dialog.select_category("200102")
    assert any("Set the location" in p for p in dialog.validate())


def test_an_address_places_the_case_only_with_a_geocoder(qtbot):
    dialog, _ = make_dialog(qtbot)
    assert not dialog.address_radio.isEnabled()
    located, _ = make_dialog(
        qtbot, geocode=lambda text: (120.46, 41.57) if "南塔" in text else None
    )
    located.address_edit.setText("南塔街 3 号")
    located.resolve_address()
    assert located.location == (120.46, 41.57)
    located.address_edit.setText("nowhere")
    located.resolve_address()
    assert located.location is None
    assert "could not be found" in located.location_status.text()


def test_a_case_30_m_away_is_offered_for_merging(qtbot):
    dialog, _ = make_dialog(qtbot, found=[(41, "2026112300041", 30.4)])
    dialog.select_category("200102")
    assert dialog.duplicate_box.isHidden()  # no location yet: nothing asked
    dialog.set_location(LON, LAT)
    assert not dialog.duplicate_box.isHidden()
    assert dialog.duplicate_label.text() == (
        "A case of the same category is open 30 m away: 2026112300041"
    )
    assert dialog.build_report().merge_into is None  # merging is the user's choice
    dialog.merge_check.setChecked(True)
    assert dialog.ok_button.text() == "Merge"
    dialog.accept()
    report = dialog.result_report()
    assert report is not None and report.is_merge
    assert (report.merge_into, report.merge_case_no) == (41, "2026112300041")


def test_a_case_60_m_away_is_not_a_duplicate(qtbot):
    dialog, finder = make_dialog(qtbot, found=[(42, "2026112300042", 60.0)])
    dialog.set_location(LON, LAT)
    dialog.select_category("200102")
    assert finder.asked  # it was asked…
    assert dialog.duplicate_box.isHidden()  # …but 60 m is beyond 50 m
    assert dialog.duplicates == []


def test_changing_category_re_asks_and_clears_the_warning(qtbot):
    dialog, finder = make_dialog(qtbot, found=[(41, "N41", 12.0)])
    dialog.set_location(LON, LAT)
    dialog.select_category("200102")
    assert not dialog.duplicate_box.isHidden()
    dialog.merge_check.setChecked(True)
    finder.found = []
    dialog.select_category("200103")
    assert finder.asked[-1] == (LON, LAT, "200103")
    assert dialog.duplicate_box.isHidden() and not dialog.merge_check.isChecked()


def test_photos_come_from_the_file_picker(qtbot, monkeypatch):
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: (["/x/1.jpg", "/x/2.png"], "")
    )
    dialog, _ = make_dialog(qtbot)
    dialog.add_photos_button.click()
    assert [dialog.photo_list.item(i).text() for i in range(2)] == ["/x/1.jpg", "/x/2.png"]
    dialog.photo_list.item(0).setSelected(True)
    dialog.remove_photo_button.click()
    assert dialog.photo_list.count() == 1


def test_cancel_gives_no_report(qtbot):
    dialog, _ = make_dialog(qtbot)
    dialog.set_location(LON, LAT)
    dialog.select_category("200102")
    dialog.reject()
    assert dialog.result_report() is None


def test_render_to_png(qtbot, themed_qapp, tmp_path):
    dialog, _ = make_dialog(qtbot, found=[(41, "2026112300041", 30.4)])
    dialog.resize(620, 860)
    dialog.search_edit.setText("垃圾")
    dialog.select_category("200102")
    dialog.set_location(LON, LAT)
    dialog.description_edit.setPlainText("路边暴露垃圾，已堆放两天")
    dialog.address_edit.setText("南塔街 3 号")
    dialog.add_photos(["/evidence/a.jpg"])
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    path = tmp_path / "report_dialog.png"
    assert dialog.grab().save(str(path))
    image = QImage(str(path))
    box = dialog.duplicate_box
    corner = box.mapTo(dialog, QPoint(box.width() - 4, 0))
    assert image.pixelColor(corner) == QColor("#f5a623")  # the warning frame
