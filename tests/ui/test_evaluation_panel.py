"""The evaluation panel over a real store (the hand-made history of the service tests): the
ranking in order with its band colours, weights that re-rank and are saved, the interview
list, and the model checked by qtmodeltester."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from command_center.domain.evaluation import Band, RankedScore
from command_center.services.evaluation import WeightsStore
from command_center.ui.evaluation_panel import BAND_COLORS, EvaluationPanel, RankingModel
from command_center.ui.theme import PALETTE
from tests.services.conftest import org  # noqa: F401 — the organisation fixture
from tests.services.test_evaluation_service import AS_OF, history  # noqa: F401
from tests.ui.test_audit_view import run_now

HISTORY = pytest.mark.usefixtures("org", "history")


def make_panel(qtbot, store, tmp_path):
    panel = EvaluationPanel(
        store, WeightsStore(tmp_path / "evaluation_weights.json"), run_now, clock=lambda: AS_OF
    )
    qtbot.addWidget(panel)
    panel.start()
    return panel


def column(panel, col, role=Qt.ItemDataRole.DisplayRole):
    m = panel.model
    return [m.index(row, col).data(role) for row in range(m.rowCount())]


@HISTORY
def test_the_table_shows_the_ranking_in_order_with_band_colours(qtbot, store, tmp_path):
    panel = make_panel(qtbot, store, tmp_path)
    assert panel.month.currentText() == "2026-11" and panel.selected_kind() == "squad"
    assert column(panel, RankingModel.RANK) == ["1", "2"]
    assert column(panel, RankingModel.NAME) == ["南塔一组2", "南塔一组1"]
    assert column(panel, RankingModel.SCORE) == ["100.0", "72.5"]
    assert column(panel, RankingModel.TREND) == ["", "▼ 27.5"]
    assert column(panel, RankingModel.BAND) == ["green", "red"]
    dots = column(panel, RankingModel.BAND, Qt.ItemDataRole.DecorationRole)
    assert [d.name() for d in dots] == [BAND_COLORS[Band.GREEN], BAND_COLORS[Band.RED]]
    trend_colour = panel.model.index(1, RankingModel.TREND).data(Qt.ItemDataRole.ForegroundRole)
    assert trend_colour.color() == QColor(PALETTE.danger)
    # two ranked: the bottom three is capped at one; 72.5 is also below 75
    assert [panel.interviews.item(i).text() for i in range(panel.interviews.count())] == [
        "2. 南塔一组1  72.5  (below 75)"
    ]


@HISTORY
def test_switching_kind_and_month(qtbot, store, tmp_path):
    panel = make_panel(qtbot, store, tmp_path)
    with qtbot.waitSignal(panel.loaded):
        panel.kind.setCurrentIndex(panel.kind.findData("grid_worker"))
    assert column(panel, RankingModel.NAME) == ["人员0", "网格员二"]
    assert column(panel, RankingModel.SCORE) == ["100.0", "50.0"]
    assert not panel.spins["handle"].isEnabled()  # the grid-worker formula is fixed
    panel.kind.setCurrentIndex(panel.kind.findData("squad"))
    panel.month.setCurrentIndex(panel.month.findData("2026-09"))
    assert column(panel, RankingModel.SCORE) == ["—", "—"]
    assert column(panel, RankingModel.BAND) == ["nothing due", "nothing due"]
    assert panel.interviews.count() == 0


@HISTORY
def test_editing_weights_reranks_and_saving_keeps_them(qtbot, store, tmp_path):
    panel = make_panel(qtbot, store, tmp_path)
    assert not panel.save_button.isEnabled()  # the defaults, already in force
    panel.spins["handle"].setValue(0)  # sum 70: refused, nothing re-ranked
    assert panel.weights_sum.text() == "Sum: 70" and not panel.save_button.isEnabled()
    assert column(panel, RankingModel.NAME) == ["南塔一组2", "南塔一组1"]
    for name in ("on_time_handle", "rework", "overdue"):
        panel.spins[name].setValue(0)
    with qtbot.waitSignal(panel.loaded):
        panel.spins["extension"].setValue(100)  # only 1 − 延期率: both 100, tied, by name
    assert column(panel, RankingModel.NAME) == ["南塔一组1", "南塔一组2"]
    assert column(panel, RankingModel.RANK) == ["1", "1"]
    assert panel.save_button.isEnabled()
    with qtbot.waitSignal(panel.weightsSaved):
        panel.save_button.click()
    saved = json.loads((tmp_path / "evaluation_weights.json").read_text(encoding="utf-8"))
    assert saved["weights"]["extension"] == 100.0 and saved["weights"]["handle"] == 0.0
    assert not panel.save_button.isEnabled()
    again = make_panel(qtbot, store, tmp_path)  # a new session reads them back
    assert again.spins["extension"].value() == 100
    assert column(again, RankingModel.RANK) == ["1", "1"]


@pytest.mark.usefixtures("org")
def test_a_bad_weights_file_is_shown(qtbot, store, tmp_path):
    (tmp_path / "evaluation_weights.json").write_text("{oops", encoding="utf-8")
    panel = make_panel(qtbot, store, tmp_path)
    assert "not valid JSON" in panel.message.text()


def test_ranking_model_passes_qtmodeltester(qtmodeltester):
    model = RankingModel()
    model.set_rows(
        [
            RankedScore(1, "甲", 95.0, 90.0, 5.0, Band.GREEN, 1),
            RankedScore(2, "乙", 80.0, None, None, Band.AMBER, 2),
            RankedScore(3, "丙", None, 70.0, None, None, None),
        ]
    )
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


# -- the plan-targets panel (kept here: the brief allots one UI test file) ---------------------
@pytest.mark.usefixtures("org")
def test_plan_targets_panel_rows_status_and_editing(qtbot, store, tmp_path):
    from command_center.services.plan_targets import TARGETS, PlanFiguresStore
    from command_center.ui.plan_targets_panel import STATUS_COLORS, PlanTargetsPanel

    figures = PlanFiguresStore(tmp_path / "plan_figures.json")
    figures.record("wet_sweep", 80.0, note="9月", by="张", at=AS_OF)
    panel = PlanTargetsPanel(store, figures, run_now, clock=lambda: AS_OF, user="李科长")
    qtbot.addWidget(panel)
    panel.reload()
    assert list(panel.rows) == [t.key for t in TARGETS]
    wet = panel.rows["wet_sweep"]
    assert (wet["goal"].text(), wet["actual"].text(), wet["progress"].value()) == (
        "≥ 85 %",
        "80 %",
        94,
    )  # 80 / 85 = 0.941
    assert "behind" in wet["status"].text()
    assert STATUS_COLORS["behind"] in wet["status"].styleSheet()
    assert "edit" not in panel.rows["new_illegal_buildings"]  # counted from the cases
    assert panel.rows["new_illegal_buildings"]["actual"].text() == "0"
    assert "met" in panel.rows["new_illegal_buildings"]["status"].text()

    with qtbot.waitSignal(panel.saved):
        panel.edit("wet_sweep", 86.0, "10月抽查")
    wet = panel.rows["wet_sweep"]
    assert wet["actual"].text() == "86 %" and "met" in wet["status"].text()
    assert wet["trend"].text() == "▲ 6" and STATUS_COLORS["met"] in wet["status"].styleSheet()
    latest = figures.load()["wet_sweep"][-1]
    assert (latest.value, latest.note, latest.by) == (86.0, "10月抽查", "李科长")
    assert "李科长" in wet["name"].toolTip()


@HISTORY
def test_the_ranking_exports_to_excel_as_shown(qtbot, store, tmp_path):
    from openpyxl import load_workbook

    panel = make_panel(qtbot, store, tmp_path)
    out = tmp_path / "ranking.xlsx"
    panel.export(out)
    sheet = load_workbook(out).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][RankingModel.NAME] == "Name"
    assert [r[RankingModel.NAME] for r in rows[1:]] == ["南塔一组2", "南塔一组1"]
    assert "Saved" in panel.message.text()
