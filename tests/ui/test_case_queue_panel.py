"""The case-queue model: a valid Qt model, overdue first, Chinese state names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from pytestqt.qtbot import QtBot

from command_center.services.snapshot import CaseRow
from command_center.ui import case_queue
from command_center.ui.case_queue import (
    CASE_ID_ROLE,
    COL_DEADLINE,
    COL_DISTRICT,
    COL_SQUAD,
    COL_STATE,
    STATE_NAMES,
    CaseQueue,
    CaseQueueModel,
)
from command_center.ui.theme import PALETTE

NOW = datetime(2025, 6, 3, 14, 20)


def test_model_passes_qtmodeltester(
    qtmodeltester: object, case_factory: Callable[..., CaseRow]
) -> None:
    model = CaseQueueModel()
    rows = [
        case_factory(
            i, overdue=i % 3 == 0, deadline=NOW + timedelta(hours=i - 5) if i % 4 else None
        )
        for i in range(1, 30)
    ]
    model.set_rows(rows, {"211303": "龙城区"})
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
    model.set_rows([])
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]


def test_model_passes_qtmodeltester_while_fetching_in_batches(
    qtmodeltester: object, case_factory: Callable[..., CaseRow], monkeypatch: object
) -> None:
    monkeypatch.setattr(case_queue, "FETCH_BATCH", 7)  # type: ignore[attr-defined]
    model = CaseQueueModel()
    model.set_rows([case_factory(i) for i in range(1, 20)])
    assert model.rowCount() == 7 and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 19 == model.total()


def test_overdue_first_then_deadline(case_factory: Callable[..., CaseRow]) -> None:
    model = CaseQueueModel()
    model.set_rows(
        [
            case_factory(1, deadline=NOW + timedelta(hours=5)),
            case_factory(2, deadline=None),
            case_factory(3, overdue=True, deadline=NOW - timedelta(hours=1)),
            case_factory(4, deadline=NOW + timedelta(hours=1)),
            case_factory(5, overdue=True, deadline=NOW - timedelta(hours=3)),
        ]
    )
    order = [model.index(r, 0).data(CASE_ID_ROLE) for r in range(model.rowCount())]
    assert order == [5, 3, 4, 1, 2]


def test_cells_show_what_a_dispatcher_reads(
    case_factory: Callable[..., CaseRow], use_lang: Callable[[str], None]
) -> None:
    use_lang("zh_CN")
    model = CaseQueueModel()
    model.set_rows(
        [
            case_factory(
                7, state="extension_requested", deadline=datetime(2025, 6, 4, 9, 5), squad=None
            )
        ],
        {"211303": "龙城区"},
    )
    text = {col: model.index(0, col).data() for col in range(model.columnCount())}
    assert text[0] == "CY2025000007"
    assert text[COL_STATE] == "延期申请"
    assert text[COL_DISTRICT] == "龙城区"
    assert text[COL_SQUAD] == "—"
    assert text[COL_DEADLINE] == "2025-06-04 09:05"
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["案卷号", "类别", "状态", "区", "处置中队", "时限"]


def test_every_state_has_a_chinese_name(use_lang: Callable[[str], None]) -> None:
    use_lang("zh_CN")
    expected = {
        "reported": "上报",
        "registered": "立案",
        "not_registered": "不予立案",
        "dispatched": "已派遣",
        "in_progress": "处置中",
        "handled": "已反馈",
        "rework": "返工",
        "extension_requested": "延期申请",
        "suspended": "挂账",
        "verified": "核查通过",
        "closed": "结案",
        "transferred": "已移送",
    }
    assert {s: case_queue.state_name(s) for s in STATE_NAMES} == expected


def test_state_names_cover_the_workflow() -> None:
    from command_center.domain.workflow import CaseState

    assert set(STATE_NAMES) == {s.value for s in CaseState}


def test_overdue_rows_are_highlighted(case_factory: Callable[..., CaseRow]) -> None:
    model = CaseQueueModel()
    model.set_rows([case_factory(1, overdue=True), case_factory(2)])
    overdue_bg = model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(overdue_bg, QBrush) and overdue_bg.color() == QColor(PALETTE.danger_bg)
    assert model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole).color() == QColor(PALETTE.danger)
    assert model.index(1, 2).data(Qt.ItemDataRole.BackgroundRole) is None


def test_panel_view_follows_model_reset(qtbot: QtBot, case_factory: Callable[..., CaseRow]) -> None:
    panel = CaseQueue()
    qtbot.addWidget(panel)
    panel.set_cases([case_factory(1), case_factory(2)])
    assert panel.view.model().rowCount() == 2
    panel.set_cases([])
    assert panel.view.model().rowCount() == 0
