"""The supervisor's desk in one window: the KPI dashboard, the monthly evaluation (综合评价)
and the city plan's targets, as tabs. Opened from View → KPIs and evaluation (Ctrl+Shift+K).

Signals:
    caseActivated(int): a case listed under a chart was double-clicked (the desk opens it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from command_center.domain.catalogue import Catalogue
from command_center.services.evaluation import WeightsStore
from command_center.services.plan_targets import PlanFiguresStore
from command_center.store.engine import Store
from command_center.ui.evaluation_panel import EvaluationPanel
from command_center.ui.kpi_dashboard import KpiDashboard
from command_center.ui.plan_targets_panel import PlanTargetsPanel

__all__ = ["AnalysisWindow"]

Submit = Callable[[Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None]


class AnalysisWindow(QWidget):
    caseActivated = Signal(int)  # noqa: N815

    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        submit: Submit,
        settings_dir: Path,
        *,
        clock: Callable[[], datetime],
        user: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("analysisWindow")
        self.setWindowTitle(self.tr("KPIs, evaluation and plan targets"))
        self.resize(1500, 950)
        self.dashboard = KpiDashboard(store, catalogue, submit, clock=clock)
        self.evaluation = EvaluationPanel(
            store, WeightsStore(settings_dir / "evaluation_weights.json"), submit, clock=clock)
        self.targets = PlanTargetsPanel(
            store, PlanFiguresStore(settings_dir / "plan_figures.json"), submit, clock=clock,
            user=user)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.dashboard, self.tr("KPI dashboard"))
        self.tabs.addTab(self.evaluation, self.tr("Monthly evaluation"))
        self.tabs.addTab(self.targets, self.tr("Plan targets"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self.dashboard.caseActivated.connect(self.caseActivated)
        self.evaluation.start()
        self.targets.reload()
