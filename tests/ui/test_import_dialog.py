"""File → Import…: the column mapping, its preview and checks, the import on the worker, and
the mapping file the command line reads; and the progress an import reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from command_center.domain.calendar import CST
from command_center.interop import tabular
from command_center.store.engine import Store, make_engine
from command_center.store.models import Case
from command_center.ui.import_dialog import ImportDialog, read_mapping_file
from command_center.ui.taskman import TaskManager

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=CST)

CHINESE_CSV = """\
类别,经度,纬度,上报时间,地址,描述
0101,120.451,41.571,2026-03-04 09:30,幸福路12号,井盖破损
0102,120.452,41.572,2026-03-04T10:00:00+08:00,建设路3号,
0103,120.453,41.573,2026/03/05 08:15,,
"""
MAPPING = {
    "类别": "category_code",
    "经度": "lon",
    "纬度": "lat",
    "上报时间": "reported_at",
    "地址": "address",
    "描述": "description",
}


def case_count(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Case)) or 0


def write(tmp_path: Path, text: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


@pytest.fixture
def tasks() -> Iterator[TaskManager]:
    manager = TaskManager(name="import-test-worker")
    yield manager
    manager.shutdown()


@pytest.fixture
def dialog(store, tasks, qtbot) -> Iterator[ImportDialog]:
    d = ImportDialog(store, tasks.run)
    qtbot.addWidget(d)
    yield d
    d.busy = False
    d.close()


def preview_headers(d: ImportDialog) -> list[str]:
    table = d.preview_table
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def preview_fields(d: ImportDialog) -> list[str]:
    table = d.preview_table
    return [table.horizontalHeaderItem(c).toolTip() for c in range(table.columnCount())]


def preview_column(d: ImportDialog, field: str) -> list[str]:
    table = d.preview_table
    col = preview_fields(d).index(field)
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_columns_named_as_fields_are_matched_and_the_rest_left_out(dialog, tmp_path):
    src = write(tmp_path, "category_code,lon,lat,地址\n0101,120.45,41.57,幸福路\n")
    assert dialog.load_file(src)
    assert dialog.mapping() == {"category_code": "category_code", "lon": "lon", "lat": "lat"}
    assert dialog.problems() == []
    assert dialog.import_button.isEnabled()
    assert preview_column(dialog, "lon") == ["120.45"]
    assert preview_fields(dialog) == ["category_code", "lon", "lat"]


def test_mapping_a_column_by_hand_changes_the_preview(dialog, tmp_path):
    dialog.load_file(write(tmp_path, CHINESE_CSV))
    assert dialog.mapping() == {}
    assert dialog.preview_table.columnCount() == 0
    dialog.set_column_field("地址", "address")
    assert preview_column(dialog, "address") == ["幸福路12号", "建设路3号", ""]
    assert preview_headers(dialog) == ["Address\n← 地址"]
    dialog.set_column_field("地址", None)
    assert dialog.preview_table.columnCount() == 0


def test_a_missing_required_field_blocks_the_import_with_a_message(dialog, store, tasks, tmp_path):
    dialog.load_file(write(tmp_path, CHINESE_CSV))
    dialog.set_column_field("类别", "category_code")
    dialog.set_column_field("经度", "lon")
    assert "✗ Latitude (lat)" in dialog.required_label.text().replace("&nbsp;", " ")
    assert dialog.start_import() is False
    assert tasks.pending == 0  # nothing went to the worker
    assert "complete the column mapping" in dialog.status_label.text()
    items = [dialog.error_list.item(i).text() for i in range(dialog.error_list.count())]
    assert items == ["Row 1 · lat: no column for the required field 'lat'"]
    assert not dialog.error_list.isHidden()
    assert case_count(store) == 0


def test_one_field_from_two_columns_blocks_the_import(dialog, tmp_path):
    dialog.load_file(write(tmp_path, CHINESE_CSV))
    for column, field in MAPPING.items():
        dialog.set_column_field(column, field)
    dialog.set_column_field("描述", "address")
    assert [(e.field, e.reason) for e in dialog.problems()] == [
        ("描述", "field address is also read from column 地址")
    ]
    assert dialog.start_import() is False


def test_a_good_csv_is_imported_through_the_dialog(dialog, store, qtbot, tmp_path):
    dialog.load_file(write(tmp_path, CHINESE_CSV))
    for column, field in MAPPING.items():
        dialog.set_column_field(column, field)
    assert "✗" not in dialog.required_label.text()
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as blocker:
        assert dialog.start_import()
        assert dialog.busy and not dialog.progress_bar.isHidden()
    assert (blocker.args[0].read, blocker.args[0].imported) == (3, 3)
    assert case_count(store) == 3
    assert dialog.status_label.text() == "Imported 3 of 3 rows."
    assert not dialog.busy and dialog.progress_bar.isHidden()
    assert dialog.error_list.isHidden()


def test_a_bad_csv_lists_the_rows_and_writes_nothing(dialog, store, qtbot, tmp_path):
    bad = CHINESE_CSV + "999,120.45,41.57,2026-03-05 09:00,,\n0101,,,2026-03-05 09:00,,\n"
    dialog.load_file(write(tmp_path, bad))
    for column, field in MAPPING.items():
        dialog.set_column_field(column, field)
    with qtbot.waitSignal(dialog.failed, timeout=30_000):
        dialog.start_import()
    assert case_count(store) == 0
    assert dialog.status_label.text() == "Nothing was imported: 2 of 5 rows are invalid."
    items = [dialog.error_list.item(i).text() for i in range(dialog.error_list.count())]
    assert items == [
        "Row 5 · 类别: unknown category '999'",
        "Row 6 · 经度: missing coordinates",
    ]
    assert not dialog.error_list.isHidden()


def test_invalid_rows_can_be_skipped_into_a_report(dialog, store, qtbot, tmp_path):
    bad = CHINESE_CSV + "999,120.45,41.57,2026-03-05 09:00,,\n"
    dialog.load_file(write(tmp_path, bad))
    for column, field in MAPPING.items():
        dialog.set_column_field(column, field)
    report = tmp_path / "refused.csv"
    dialog.skip_check.setChecked(True)
    dialog.report_edit.setText(str(report))
    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        dialog.start_import()
    assert case_count(store) == 3
    assert dialog.status_label.text().startswith(
        "Imported 3 of 4 rows. 1 invalid rows were skipped."
    )
    assert "unknown category '999'" in report.read_text(encoding="utf-8-sig")


def test_the_saved_mapping_is_read_back_and_by_the_command_line(sqlite_template, qtbot, tmp_path):
    db = tmp_path / "cc.db"
    shutil.copyfile(sqlite_template, db)
    store = Store(make_engine(f"sqlite:///{db}"))
    d = ImportDialog(store, lambda *_: None)
    qtbot.addWidget(d)
    try:
        src = write(tmp_path, CHINESE_CSV)
        d.load_file(src)
        for column, field in MAPPING.items():
            d.set_column_field(column, field)
        saved = tmp_path / "mapping.json"
        d.save_mapping_to(saved)
        assert json.loads(saved.read_text(encoding="utf-8")) == MAPPING
        assert read_mapping_file(saved) == MAPPING
        d.load_file(src)  # matching starts over …
        assert d.mapping() == {}
        assert d.load_mapping_from(saved)  # … and the file brings it back
        assert d.mapping() == MAPPING
    finally:
        d.close()
        store.dispose()
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", f"sqlite:///{db}", "import", "csv",
         str(src), "--into", "cases", "--mapping", str(saved)],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "imported 3 of 3 rows into cases" in result.stdout


def test_an_import_reports_its_progress_up_to_total_of_total(store, tmp_path):
    rows = 4500
    lines = ["category_code,lon,lat,reported_at"]
    lines += [f"0101,120.45,41.57,2026-03-04 09:{i % 60:02d}" for i in range(rows)]
    src = write(tmp_path, "\n".join(lines) + "\n")
    calls: list[tuple[int, int]] = []
    report = tabular.import_csv(
        store, src, "cases", now=NOW, progress=lambda done, total: calls.append((done, total))
    )
    assert report.imported == rows
    total = 2 * rows
    assert calls[-1] == (total, total)
    assert {t for _, t in calls} == {total}
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert (2000, total) in calls and (4000, total) in calls  # every 2000 rows checked
    assert len(calls) >= 4


def test_target_fields_follow_the_registry_of_targets():
    assert tabular.target_fields("cases") == (tabular.CASE_FIELDS, tabular.CASE_REQUIRED)
    assert tabular.target_fields("cameras") == (tabular.CAMERA_FIELDS, tabular.CAMERA_REQUIRED)
    # The registries and the unit grids come from registry_io.
    assert tabular.target_fields("grids")[1] == ("code",)
    fields, required = tabular.target_fields("markets")
    assert {"opens", "closes", "stalls"} <= set(fields) and "market_type" in required
    with pytest.raises(ValueError, match="unknown import target 'roads'"):
        tabular.target_fields("roads")
    with pytest.raises(ValueError, match="already registered"):
        tabular.register_target("cases", "Cases", ("x",), ())


def test_a_registered_target_is_offered_with_its_fields(store, qtbot, tmp_path, monkeypatch):
    spec = tabular.TargetSpec("roads", "Unit grids", ("code", "name"), ("code",))
    monkeypatch.setitem(tabular.TARGET_SPECS, "roads", spec)
    d = ImportDialog(store, lambda *_: None)
    qtbot.addWidget(d)
    try:
        names = [d.target_combo.itemData(i) for i in range(d.target_combo.count())]
        assert names[:2] == ["cases", "cameras"] and names[-1] == "roads"
        assert {"illegal_buildings", "markets", "components", "grids"} <= set(names)
        d.load_file(write(tmp_path, "code,名称\n211302001001002,一号网格\n"))
        d.target_combo.setCurrentIndex(names.index("roads"))
        assert d.mapping() == {"code": "code"}
        combo = d._combos["名称"]
        assert [combo.itemData(i) for i in range(combo.count())] == ["", "code", "name"]
        assert "✓ Code (code)" in d.required_label.text().replace("&nbsp;", " ")
    finally:
        d.close()


def test_a_registry_file_with_chinese_columns_maps_onto_the_registry(store, qtbot, tmp_path):
    """A market list as a bureau keeps it in Excel: Chinese column names and labels."""
    d = ImportDialog(store, lambda fn, ok, fail: ok(fn()))
    qtbot.addWidget(d)
    try:
        names = [d.target_combo.itemData(i) for i in range(d.target_combo.count())]
        d.load_file(write(tmp_path, "名称,经度,纬度,类型,摊位数,开市时间,闭市时间\n"
                                    "春华农贸市场,120.4508,41.5704,智慧农贸市场,120,05:30,18:00\n"))
        d.target_combo.setCurrentIndex(names.index("markets"))
        by_field, errors = tabular.resolve_mapping("markets", d.header, d.mapping(),
                                                   geometry=False)
        assert errors == []
        assert by_field["market_type"] == "类型" and by_field["opens"] == "开市时间"
    finally:
        d.close()


def test_open311_requests_import_with_progress(dialog, store, qtbot, tmp_path):
    requests = [
        {"service_request_id": f"R{i}", "service_code": "200102", "lat": 41.57 + i * 1e-4,
         "long": 120.45, "requested_datetime": "2026-03-04T09:30:00+08:00",
         "description": "暴露垃圾", "address": "南塔街"}
        for i in range(5)
    ]
    src = tmp_path / "requests.json"
    src.write_text(json.dumps(requests, ensure_ascii=False), encoding="utf-8")
    assert dialog.load_file(src)
    assert dialog.file_format == "open311"
    seen: list[tuple[int, int]] = []
    dialog._relay.changed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(dialog.imported, timeout=30_000):
        assert dialog.start_import()
    assert case_count(store) == 5
    assert seen and seen[-1] == (10, 10)  # two steps a row, the last call (total, total)
