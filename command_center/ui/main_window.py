"""The main window: assembles the panels into docks, builds menus, wires signals.

Features live in the panels (map_panel, layer dock, feature details, case_queue,
squad_board, camera_wall, kpi_strip);
this module only places them and connects them (STYLE §7). Everything shown comes from
a plain `CitySnapshot` handed to `apply_snapshot`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from command_center import __version__
from command_center.domain.judicial import FEEDBACK_ROLES
from command_center.domain.workflow import RULES, Action, Role
from command_center.map.export_html import export_html
from command_center.map.layers import frozen_copy
from command_center.map.search import LAYER_KIND, SearchHit
from command_center.services.auth import Operator
from command_center.services.snapshot import CitySnapshot
from command_center.ui.actions import ActionRegistry, build_menus
from command_center.ui.camera_wall import CameraWall
from command_center.ui.case_queue import CaseQueue
from command_center.ui.feature_details import FeatureDetailsPanel
from command_center.ui.kpi_strip import KpiStrip
from command_center.ui.layer_dock import LayerDockWidget
from command_center.ui.map_panel import MapPanel
from command_center.ui.sign_in import operator_label
from command_center.ui.squad_board import SquadBoard
from command_center.ui.taskman import TaskManager
from command_center.ui.theme import PALETTE

SNAPSHOT_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# View → Judicial hand-over: who transfers (the workflow's rule), who records the feedback,
# and supervisors.
JUDICIAL_ROLES = RULES[Action.TRANSFER_JUDICIAL].roles | FEEDBACK_ROLES | {Role.SUPERVISOR}
JUDICIAL_KEY = "Ctrl+Shift+Y"
REGISTRIES_KEY = "Ctrl+Shift+R"  # View → 城市台账 (ui/registry_panel.py), every signed-in role
NOTICE_MS = 20_000
MIN_PANEL_SIZE = QSize(280, 160)  # docks may squeeze their panels down to this
MIN_CENTRAL_SIZE = QSize(480, 320)  # how long an answer on the map (nearest cameras…) stays


class MainWindow(QMainWindow):
    """The command centre's main window.

    Signals:
        refreshRequested(): the user asked for fresh data (cases.refresh).
        caseActivated(int): a case id chosen in the queue or on the map.
    """

    refreshRequested = Signal()
    caseActivated = Signal(int)
    reportRequested = Signal(float, float)  # noqa: N815 — lon, lat from the map's menu
    mapExported = Signal(str)  # noqa: N815 — the HTML map written by export_map_html
    snapshotApplied = Signal()  # noqa: N815 — a picture of the city has been shown
    auditRequested = Signal()  # noqa: N815 — open the audit trail (cases.audit)
    switchUserRequested = Signal()  # noqa: N815 — the next operator signs in (file.switch_user)
    signOutRequested = Signal()  # noqa: N815 — the operator leaves (file.sign_out)
    operatorChanged = Signal()  # noqa: N815 — another operator works at this window now
    wallScreenRequested = Signal()  # noqa: N815 — open the hall's wall screen (view.wall_screen)
    analysisRequested = Signal()  # noqa: N815 — KPIs, evaluation and plan targets (view.analysis)
    importRequested = Signal()  # noqa: N815 — import cases/cameras from a file (file.import)
    exportRequested = Signal()  # noqa: N815 — export cases/cameras to a file (file.export)
    judicialRequested = Signal()  # noqa: N815 — the judicial hand-over list (view.judicial)
    registriesRequested = Signal()  # noqa: N815 — the city's registries (view.registries)

    def __init__(
        self,
        db_label: str,
        actions: ActionRegistry | None = None,
        parent: QWidget | None = None,
        *,
        map_drawers: Mapping[str, type] | None = None,
        tile_source: str | None = None,
        tile_sources: Sequence[str] = (),
        clock: Callable[[], datetime] = datetime.now,
        operator: Operator | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.operator = operator  # who signed in; None: no sign-in (tests, scripts)
        self.signed_out = False  # True after File → Sign out, until someone signs in
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Smart Urban Management Command Center — Chaoyang City"))
        self.setDockNestingEnabled(True)
        self.actions_registry = actions if actions is not None else ActionRegistry()

        # panels
        self.kpi_strip = KpiStrip()
        self.map_panel = MapPanel(tile_source=tile_source, drawers=map_drawers, clock=clock)
        self.map_canvas = self.map_panel.canvas
        self.layer_dock_widget = LayerDockWidget(self.map_panel.layers)
        self.layer_dock_widget.set_tile_sources(tile_sources)
        self.details = FeatureDetailsPanel()
        self._snapshot: CitySnapshot | None = None
        self._exports: TaskManager | None = None  # a worker for file exports, made on first use
        self.queue_panel: QWidget | None = None  # the full queue, once installed
        self.case_queue = CaseQueue()
        self.squad_board = SquadBoard()
        self.camera_wall = CameraWall()

        central = QWidget(self)
        central.setObjectName("centralArea")
        central.setMinimumSize(MIN_CENTRAL_SIZE)  # the KPI tiles give way before the window grows
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.kpi_strip)
        layout.addWidget(self.map_panel, 1)
        self.setCentralWidget(central)

        # docks
        self.case_queue_dock = self._dock("caseQueueDock", self.tr("Case queue"), self.case_queue)
        self.squad_board_dock = self._dock(
            "squadBoardDock", self.tr("Squad board"), self.squad_board
        )
        self.camera_wall_dock = self._dock(
            "cameraWallDock", self.tr("Camera wall"), self.camera_wall
        )
        self.layers_dock = self._dock("layersDock", self.tr("Layers"), self.layer_dock_widget)
        self.details_dock = self._dock("detailsDock", self.tr("Details"), self.details)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.layers_dock)
        self.splitDockWidget(self.layers_dock, self.details_dock, Qt.Orientation.Vertical)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.case_queue_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.squad_board_dock)
        self.splitDockWidget(
            self.squad_board_dock, self.camera_wall_dock, Qt.Orientation.Horizontal
        )
        self._dock_sizes_applied = False
        self.docks: dict[str, QDockWidget] = {
            "case_queue": self.case_queue_dock,
            "squad_board": self.squad_board_dock,
            "camera_wall": self.camera_wall_dock,
            "layers": self.layers_dock,
            "details": self.details_dock,
        }

        # status bar
        self.db_label = self._status_label("dbLabel")
        self.open_label = self._status_label("openCount")
        self.overdue_label = self._status_label("overdueCount")
        self.time_label = self._status_label("snapshotTime")
        self.set_db_label(db_label)
        self._show_counts(0, 0)
        self.time_label.setText(self.tr("No data yet"))
        self.operator_label = self._status_label("operatorLabel")
        self.operator_label.setVisible(False)

        # actions and menus
        self._register_default_actions()
        self.qactions = build_menus(self.actions_registry, self.menuBar())
        self._connect_signals()
        if operator is not None:
            self.set_operator(operator)

    def add_status_label(self, name: str) -> QLabel:
        """A permanent label in the status bar (panels report standing counts there)."""
        return self._status_label(name)

    def install_case_queue(self, panel: QWidget) -> None:
        """Replace the simple queue of open cases by the full queue (tabs per stage over the
        whole history, loaded lazily); it refreshes with every new picture of the city."""
        panel.setMinimumSize(MIN_PANEL_SIZE)  # the layout's own minimum would widen the window
        self.case_queue_dock.setWidget(panel)
        self.queue_panel = panel
        panel.caseActivated.connect(self.caseActivated)  # type: ignore[attr-defined]
        self.snapshotApplied.connect(panel.refresh)  # type: ignore[attr-defined]

    def install_case_detail(self, panel: QWidget) -> QDockWidget:
        """The case detail dock, on the right beside the queue."""
        panel.setMinimumSize(MIN_PANEL_SIZE)
        dock = self._dock("caseDetailDock", self.tr("Case"), panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.splitDockWidget(self.case_queue_dock, dock, Qt.Orientation.Vertical)
        self.docks["case_detail"] = dock
        return dock

    def install_side_panel(self, name: str, title: str, panel: QWidget) -> QDockWidget:
        """Put a panel in a dock tabbed with the case queue (the queue stays in front)."""
        panel.setMinimumSize(MIN_PANEL_SIZE)
        dock = self._dock(name, title, panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.tabifyDockWidget(self.case_queue_dock, dock)
        self.case_queue_dock.raise_()
        self.docks[name] = dock
        return dock

    def install_orders(self, panel: QWidget) -> QDockWidget:
        """Put the supervisors' orders panel in a dock, tabbed with the case queue."""
        panel.setMinimumSize(MIN_PANEL_SIZE)
        dock = self._dock("ordersDock", self.tr("Orders"), panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.tabifyDockWidget(self.case_queue_dock, dock)
        self.case_queue_dock.raise_()
        self.docks["orders"] = dock
        return dock

    def set_operator(self, operator: Operator) -> None:
        """Who works at this window now: the status bar says so and the menus offer only
        what the operator's roles may do (the services refuse the rest anyway)."""
        self.operator = operator
        self.operator_label.setText(operator_label(operator))
        self.operator_label.setVisible(True)
        self.actions_registry.apply_operator(operator.roles)
        self.signed_out = False
        self.operatorChanged.emit()

    def sign_out(self) -> None:
        """Nobody works at this window: it turns read-only (no step, no order) until the
        next operator signs in."""
        self.operator = None
        self.signed_out = True
        self.operator_label.setText(self.tr("Signed out · read only"))
        self.operator_label.setVisible(True)
        self.actions_registry.apply_operator(frozenset())
        self.operatorChanged.emit()

    # -- assembling -----------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        return dock

    def _apply_default_dock_sizes(self) -> None:
        """Give the docks a share of the window the first time it is shown."""
        self._dock_sizes_applied = True
        width, height = self.width(), self.height()
        self.resizeDocks(
            [self.case_queue_dock], [max(420, int(width * 0.37))], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.squad_board_dock], [max(200, int(height * 0.3))], Qt.Orientation.Vertical
        )
        self.resizeDocks([self.layers_dock], [270], Qt.Orientation.Horizontal)

    def showEvent(self, event: QShowEvent) -> None:
        if not self._dock_sizes_applied:
            self._apply_default_dock_sizes()
        super().showEvent(event)

    def _status_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        self.statusBar().addPermanentWidget(label)
        return label

    def _register_default_actions(self) -> None:
        """Register this window's actions unless the registry already has those ids."""
        reg = self.actions_registry
        defaults: list[tuple[str, str, object, dict]] = [
            (
                "file.quit",
                QT_TRANSLATE_NOOP("Actions", "&Quit"),
                self.close,
                {"shortcut": QKeySequence.StandardKey.Quit},
            ),
            (
                "view.toggle_case_queue",
                QT_TRANSLATE_NOOP("Actions", "Case queue"),
                self.case_queue_dock.setVisible,
                {"checkable": True, "checked": True, "shortcut": "Ctrl+1"},
            ),
            (
                "view.toggle_squad_board",
                QT_TRANSLATE_NOOP("Actions", "Squad board"),
                self.squad_board_dock.setVisible,
                {"checkable": True, "checked": True, "shortcut": "Ctrl+2"},
            ),
            (
                "view.toggle_camera_wall",
                QT_TRANSLATE_NOOP("Actions", "Camera wall"),
                self.camera_wall_dock.setVisible,
                {"checkable": True, "checked": True, "shortcut": "Ctrl+3"},
            ),
            (
                "view.toggle_layers",
                QT_TRANSLATE_NOOP("Actions", "Layers"),
                self.layers_dock.setVisible,
                {"checkable": True, "checked": True, "shortcut": "Ctrl+4"},
            ),
            (
                "view.toggle_details",
                QT_TRANSLATE_NOOP("Actions", "Details"),
                self.details_dock.setVisible,
                {"checkable": True, "checked": True, "shortcut": "Ctrl+5"},
            ),
            (
                "view.fit_map",
                QT_TRANSLATE_NOOP("Actions", "Fit map to city"),
                lambda: self.map_canvas.home(animate=True),
                {"shortcut": "Ctrl+0"},
            ),
            (
                "file.export_map_png",
                QT_TRANSLATE_NOOP("Actions", "Export map view as &PNG…"),
                lambda: self.export_map_png(),
                {"shortcut": "Ctrl+Shift+P"},
            ),
            (
                "file.export_map_html",
                QT_TRANSLATE_NOOP("Actions", "Export map as &HTML…"),
                lambda: self.export_map_html(),
                {"shortcut": "Ctrl+Shift+H"},
            ),
            # -- data files in and out (ui/import_dialog.py, opened by ui/run.py)
            (
                "file.import",
                QT_TRANSLATE_NOOP("Actions", "&Import…"),
                self.importRequested.emit,
                {"roles": frozenset({Role.SHIFT_CHIEF, Role.ADMIN})},
            ),
            (
                "file.export",
                QT_TRANSLATE_NOOP("Actions", "E&xport data…"),
                self.exportRequested.emit,
                {
                    "roles": frozenset({Role.SUPERVISOR, Role.SHIFT_CHIEF, Role.DISPATCHER,
                                        Role.ADMIN}),
                },
            ),
            (
                "view.fullscreen",
                QT_TRANSLATE_NOOP("Actions", "Full screen"),
                self.set_full_screen,
                {"checkable": True, "shortcut": QKeySequence.StandardKey.FullScreen},
            ),
            (
                "view.wall_screen",
                QT_TRANSLATE_NOOP("Actions", "Wall screen"),
                self.wallScreenRequested.emit,
                {"shortcut": "Ctrl+Shift+W"},
            ),
            (
                "view.analysis",
                QT_TRANSLATE_NOOP("Actions", "KPIs and &evaluation…"),
                self.analysisRequested.emit,
                {
                    "shortcut": "Ctrl+Shift+K",
                    "roles": frozenset({Role.SUPERVISOR, Role.SHIFT_CHIEF, Role.DISPATCHER,
                                        Role.ADMIN}),
                },
            ),
            (
                "view.judicial",
                QT_TRANSLATE_NOOP("Actions", "&Judicial hand-over…"),
                self.judicialRequested.emit,
                {"shortcut": JUDICIAL_KEY, "roles": JUDICIAL_ROLES},
            ),
            (
                "view.registries",
                QT_TRANSLATE_NOOP("Actions", "City &registries…"),
                self.registriesRequested.emit,
                {"shortcut": REGISTRIES_KEY, "roles": frozenset(Role)},
            ),
            (
                "cases.refresh",
                QT_TRANSLATE_NOOP("Actions", "&Refresh"),
                self.refreshRequested.emit,
                {"shortcut": QKeySequence.StandardKey.Refresh},
            ),
            (
                "file.switch_user",
                QT_TRANSLATE_NOOP("Actions", "Switch &user…"),
                self.switchUserRequested.emit,
                {"shortcut": "Ctrl+Shift+U"},
            ),
            (
                "file.sign_out",
                QT_TRANSLATE_NOOP("Actions", "Sign &out"),
                self.signOutRequested.emit,
                {"shortcut": "Ctrl+Shift+L"},
            ),
            (
                "cases.audit",
                QT_TRANSLATE_NOOP("Actions", "&Audit trail…"),
                self.auditRequested.emit,
                {
                    "shortcut": "Ctrl+Shift+A",
                    "roles": frozenset({Role.SUPERVISOR, Role.SHIFT_CHIEF, Role.ADMIN}),
                },
            ),
            ("help.about", QT_TRANSLATE_NOOP("Actions", "&About"), self.show_about, {}),
        ]
        for id_, text, callback, options in defaults:
            if id_ not in reg:
                reg.register(id_, text, callback, **options)  # type: ignore[arg-type]

    def _connect_signals(self) -> None:
        """Every connection between panels and window, in one place."""
        self.case_queue.caseActivated.connect(self.caseActivated)
        self.map_canvas.featureClicked.connect(self.show_feature)
        self.map_panel.hitPicked.connect(self._on_search_hit)
        self.details.flyToRequested.connect(self.map_canvas.fly_to)
        self.details.openCaseRequested.connect(self.caseActivated)
        self.map_canvas.reportHereRequested.connect(self._on_report_here)
        self.map_canvas.nearestFound.connect(self._on_nearest)
        self.map_canvas.selectionChanged.connect(self._on_rubber_band)
        toggles = {
            "view.toggle_case_queue": self.case_queue_dock,
            "view.toggle_squad_board": self.squad_board_dock,
            "view.toggle_camera_wall": self.camera_wall_dock,
            "view.toggle_layers": self.layers_dock,
            "view.toggle_details": self.details_dock,
        }
        for action_id, dock in toggles.items():
            action = self.qactions.get(action_id)
            if action is not None and action.isCheckable():
                # keep the menu tick right when the dock's own close button is used
                dock.toggleViewAction().toggled.connect(action.setChecked)

    # -- plain data in ----------------------------------------------------------------
    def apply_snapshot(self, snapshot: CitySnapshot) -> None:
        """Show `snapshot` in every panel and in the status bar."""
        if snapshot.db_label:
            self.set_db_label(snapshot.db_label)
        self._show_counts(snapshot.open_count, snapshot.overdue_count)
        self.time_label.setText(
            self.tr("Updated {time}").format(time=snapshot.taken_at.strftime(SNAPSHOT_TIME_FORMAT))
        )
        self.kpi_strip.set_counts(
            snapshot.open_count, snapshot.overdue_count, snapshot.state_counts
        )
        self._snapshot = snapshot
        self.map_panel.apply_snapshot(snapshot)
        district_names = {d.code: d.name for d in snapshot.districts}
        self.details.set_district_names(district_names)
        if self.queue_panel is None:
            self.case_queue.set_cases(snapshot.open_cases, district_names)
        self.squad_board.set_squads(snapshot.squads)
        self.camera_wall.set_cameras(snapshot.cameras)
        self.snapshotApplied.emit()

    def set_db_label(self, db_label: str) -> None:
        self.db_label.setText(self.tr("Database: {label}").format(label=db_label))
        self.db_label.setToolTip(db_label)

    def _show_counts(self, open_count: int, overdue_count: int) -> None:
        self.open_label.setText(self.tr("Open {n}").format(n=open_count))
        self.overdue_label.setText(self.tr("Overdue {n}").format(n=overdue_count))
        self.overdue_label.setStyleSheet(
            f"color: {PALETTE.danger}; font-weight: bold;" if overdue_count > 0 else ""
        )

    # -- the map ------------------------------------------------------------------------
    def show_notice(self, text: str) -> None:
        """A problem with the map (e.g. a tile server that does not answer), shown on the
        map and in the layer dock."""
        self.map_canvas.show_notice(text)
        self.layer_dock_widget.show_notice(text)

    def show_feature(self, kind: str, key: object) -> None:
        """Show a case, camera, squad or unit grid in the details panel."""
        layers = self.map_panel.layers
        if kind == "cases" and key in layers["cases"].cases:  # type: ignore[attr-defined]
            self.details.show_case(layers["cases"].cases[key], self.clock())  # type: ignore[attr-defined]
        elif kind == "cameras" and key in layers["cameras"].cameras:  # type: ignore[attr-defined]
            self.details.show_camera(layers["cameras"].cameras[key])  # type: ignore[attr-defined]
        elif kind == "squads" and key in layers["squads"].squads:  # type: ignore[attr-defined]
            self.details.show_squad(layers["squads"].squads[key])  # type: ignore[attr-defined]
        elif kind == "unit_grids":
            extra = {}
            if self._snapshot is not None:
                for cell in self._snapshot.grid_cells:
                    if cell.code == key:
                        extra = {
                            self.tr("Open cases"): str(cell.open_cases),
                            self.tr("Overdue"): str(cell.overdue_cases),
                        }
                        break
            hit = self.map_panel.index.hit("grid", key)
            self.details.show_grid(str(key), extra, bbox=hit.bbox if hit else None)
        else:
            return
        self.details_dock.show()

    def _on_search_hit(self, hit: SearchHit) -> None:
        if hit.kind in LAYER_KIND:
            self.show_feature(LAYER_KIND[hit.kind], hit.key)

    def _on_report_here(self, lon: float, lat: float) -> None:
        self.statusBar().showMessage(
            self.tr("Report a case at {lon:.6f}, {lat:.6f}").format(lon=lon, lat=lat), 10_000
        )
        self.reportRequested.emit(lon, lat)

    def _on_nearest(self, kind: str, found: list) -> None:
        rows = self.map_panel.layers[kind]
        by_id = rows.cameras if kind == "cameras" else rows.squads  # type: ignore[attr-defined]
        parts = [f"{by_id[i].name} {round(m)} m" for i, m in found if i in by_id]
        title = self.tr("Nearest cameras") if kind == "cameras" else self.tr("Nearest squads")
        self.map_canvas.show_notice("\n".join([f"{title}:", *parts]), timeout_ms=NOTICE_MS)

    def _on_rubber_band(self, features: list) -> None:
        counts: dict[str, int] = {}
        for kind, _ in features:
            counts[kind] = counts.get(kind, 0) + 1
        self.statusBar().showMessage(
            self.tr("Selected: {cases} cases, {cameras} cameras, {squads} squads").format(
                cases=counts.get("cases", 0),
                cameras=counts.get("cameras", 0),
                squads=counts.get("squads", 0),
            ),
            15_000,
        )

    def export_map_png(self, path: Path | str | None = None) -> Path | None:
        """Save the map view as shown to a PNG (asks where when no path is given)."""
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export map view"), "map.png", self.tr("PNG images (*.png)")
            )
            if not chosen:
                return None
            path = chosen
        out = self.map_canvas.export_png(path)
        self.statusBar().showMessage(self.tr("Map saved to {path}").format(path=out), 10_000)
        return out

    def export_map_html(self, path: Path | str | None = None) -> None:
        """Save the map's layers as an interactive HTML page that works with no network.

        The page is built on a worker thread (folium takes ~0.5 s for the demo city) from a
        frozen copy of the layers; `mapExported(path)` follows, or an error in the status bar.
        """
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export interactive map"), "map.html", self.tr("Web pages (*.html)")
            )
            if not chosen:
                return
            path = chosen
        layers = frozen_copy(self.map_panel.layers)
        target, now, bounds = Path(path), self.clock(), self.map_canvas.view_lonlat()
        if self._exports is None:
            self._exports = TaskManager(self, name="map-export")
        self._exports.run(
            lambda: export_html(layers, target, now=now, bounds=bounds),
            self._exported,
            self._export_failed,
        )

    def _exported(self, out: Path) -> None:
        self.statusBar().showMessage(self.tr("Map saved to {path}").format(path=out), 10_000)
        self.mapExported.emit(str(out))

    def _export_failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(
            self.tr("Could not export the map: {error}").format(error=exc), 15_000
        )

    # -- action callbacks ---------------------------------------------------------------
    def set_full_screen(self, on: bool) -> None:
        """Enter or leave full screen, keeping whether the window was maximised."""
        state = self.windowState()
        if on:
            state |= Qt.WindowState.WindowFullScreen
        else:
            state &= ~Qt.WindowState.WindowFullScreen
        self.setWindowState(state)

    def show_about(self) -> QMessageBox:
        """The About box, window-modal through open() so the hall keeps updating; deleted on close."""
        box = QMessageBox(self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowTitle(self.tr("About"))
        box.setText(
            self.tr(
                "Smart Urban Management Command Center {version}\n"
                "Chaoyang City Urban Management Bureau"
            ).format(version=__version__)
        )
        box.setIcon(QMessageBox.Icon.Information)
        box.open()
        return box

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        if self._exports is not None:
            self._exports.shutdown()
            self._exports = None
        self.map_panel.close_map()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.WindowStateChange:
            action = self.qactions.get("view.fullscreen") if hasattr(self, "qactions") else None
            if action is not None and action.isCheckable():
                action.blockSignals(True)
                action.setChecked(self.isFullScreen())
                action.blockSignals(False)
        super().changeEvent(event)
