"""Start the Qt side: application, theme, language, window, worker, and the first picture.

Called by the composition root (`app.main`) with everything already built and checked.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QObject,
    Qt,
    QTimer,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QWidget

from command_center.config import LiveSettings, Settings
from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.live.changefeed import ChangeFeed, ChangeSignals
from command_center.live.positions import (
    MqttPositionFeed,
    MqttSettings,
    PositionReport,
    PositionSignals,
)
from command_center.live.simulator import Simulator, SimulatorThread
from command_center.map.tile_drawer import TileDrawer, TileSignals
from command_center.map.tiles import sources_from_settings
from command_center.services.auth import AuthService, Operator
from command_center.services.case_queue import StoreQueueSource
from command_center.services.orders import OrderService, order_targets
from command_center.services.queries import load_snapshot
from command_center.services.squads import SquadService
from command_center.store.engine import Store
from command_center.ui.audit_view import AuditDialog
from command_center.ui.case_queue_lazy import CaseQueuePanel, submit_via
from command_center.ui.desk import Desk
from command_center.ui.i18n import install_translator
from command_center.ui.main_window import MainWindow
from command_center.ui.orders_panel import OrdersPanel
from command_center.ui.screenshot import grab_to_png
from command_center.ui.sign_in import SignInDialog
from command_center.ui.taskman import TaskManager
from command_center.ui.theme import apply_theme
from command_center.ui.video_desk import VideoDesk

log = logging.getLogger("ui")
qtlog = logging.getLogger("qt")
REFRESH_MS = 30_000

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


# The offscreen platform (screenshots, tests) says this on every show(); it means nothing here.
_HARMLESS = ("This plugin does not support propagateSizeHints()",)


def _qt_to_logging(kind, context, message) -> None:
    """Qt's own messages go into `logging` (category logger `qt`). A fatal one (Qt aborts
    after it: no platform plugin, no display) ends the program with one `error:` line and
    exit code 2 instead of a core dump."""
    if kind == QtMsgType.QtFatalMsg:
        _fatal(message)
    level = _QT_LEVELS.get(kind, logging.WARNING)
    if message in _HARMLESS:
        level = logging.DEBUG
    qtlog.log(level, "%s", message)


def _fatal(message: str) -> None:
    first = " ".join(message.split("\n\n", 1)[0].split())
    hint = ""
    try:
        from command_center.qtdeps import display_problem

        hint = display_problem() or ""
    except Exception:  # noqa: BLE001 (the hint is a courtesy: the line goes out regardless)
        pass
    print(f"error: {first}" + (f" ({hint})" if hint else ""), file=sys.stderr, flush=True)
    os._exit(2)


# The seeder's stages (services/seed/run.py), in the UI's language.
_SEED_STAGES = {
    "grids and organisation": QT_TRANSLATE_NOOP("SeedStage", "grids and organisation"),
    "squads": QT_TRANSLATE_NOOP("SeedStage", "squads"),
    "done": QT_TRANSLATE_NOOP("SeedStage", "done"),
}
_SEED_CASES = re.compile(r"cases (\d+)/(\d+)")


def seed_stage_text(stage: str) -> str:
    """A stage the seeder reports, translated ("cases 16000/55000" -> "案件 16000/55000")."""
    m = _SEED_CASES.fullmatch(stage)
    if m is not None:
        return QApplication.translate("SeedStage", "cases {0}/{1}").format(*m.groups())
    known = _SEED_STAGES.get(stage)
    return QApplication.translate("SeedStage", known) if known is not None else stage


def fit_to_screen(window: QWidget, size: tuple[int, int] | None = None) -> bool:
    """Size `window` to `size` (default: its own) or, where its screen is smaller than that
    (a 1366×768 workstation), to the screen's free area; True when it had to shrink. A window
    larger than its screen is cut off, its buttons and right-hand side out of reach."""
    w, h = size or (window.width(), window.height())
    screen = window.screen() or QApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else None
    if area is not None and (w > area.width() or h > area.height()):
        window.resize(min(w, area.width()), min(h, area.height()))
        return True
    window.resize(w, h)
    return False


def show_fitted(window: QWidget, size: tuple[int, int] | None = None) -> None:
    """Show `window` fitted to its screen, maximised where the screen is the smaller."""
    if fit_to_screen(window, size):
        window.showMaximized()
    else:
        window.show()


class _Progress(QObject):
    """Carries seeding progress from the worker to the status bar (queued across threads)."""

    changed = Signal(str, float)


class ErrorBridge:
    """Uncaught errors on any thread become a status-bar notice and a log line, never silence."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def install(self) -> None:
        sys.excepthook = self._hook
        threading.excepthook = lambda args: self._hook(
            args.exc_type, args.exc_value, args.exc_traceback
        )

    def _hook(self, exc_type, exc, tb) -> None:
        log.error("uncaught error", exc_info=(exc_type, exc, tb))
        self.notify(exc)

    def notify(self, exc: BaseException) -> None:
        self.window.statusBar().showMessage(
            QApplication.translate("ErrorBridge", "Error: {0}").format(exc), 15_000
        )


SIMULATOR_INTERVAL_S = 5.0  # the demo city moves on this often
CHANGE_DEBOUNCE_MS = 100  # changes that arrive together reload the picture once


def _follow_changes(
    store: Store,
    window: MainWindow,
    refresh: Callable[[], None],
    on_changes: Callable[[list], None] | None = None,
) -> ChangeFeed:
    """Reload the picture when any workstation commits a change (LISTEN/NOTIFY on PostgreSQL,
    a poll of the change log on SQLite); say so when the database is lost and found again.
    `on_changes` sees each batch of logged changes first (which tables changed)."""
    signals = ChangeSignals(window)
    debounce = QTimer(window)
    debounce.setSingleShot(True)
    debounce.setInterval(CHANGE_DEBOUNCE_MS)
    debounce.timeout.connect(refresh)
    if on_changes is not None:
        signals.changed.connect(on_changes)
    signals.changed.connect(lambda rows: debounce.start())

    def status(state: str, reason: str) -> None:
        if state == "lost":
            window.statusBar().showMessage(
                QApplication.translate(
                    "run", "Database connection lost ({0}); retrying…"
                ).format(reason)
            )
        else:
            window.statusBar().clearMessage()

    signals.status.connect(status)
    feed = ChangeFeed(store, signals.changed.emit, on_status=signals.status.emit)
    feed.start()
    return feed


def _follow_positions(
    live: LiveSettings,
    window: MainWindow,
    persist: Callable[[PositionReport], None] | None = None,
) -> MqttPositionFeed | None:
    """Squad positions from the configured MQTT broker move the squads on the map (newest
    report per squad, delivered on the GUI thread) and are stored through `persist` (which
    hands the write to the database worker); none when no broker is configured."""
    if not live.mqtt_host:
        return None
    signals = PositionSignals(window)
    squads = window.map_panel.layers["squads"]

    def moved(report: PositionReport) -> None:
        if report.squad_id in squads.squads:  # type: ignore[attr-defined]
            squads.move(report.squad_id, report.lon, report.lat, report.at)  # type: ignore[attr-defined]
            if persist is not None:
                persist(report)

    signals.report.connect(moved)
    feed = MqttPositionFeed(
        MqttSettings(
            live.mqtt_host, live.mqtt_port, live.mqtt_username or None,
            live.mqtt_password or None, live.mqtt_tls, live.mqtt_topic_prefix,
        ),
        signals.submit_report,
        on_stats=signals.submit_stats,
    )
    feed.start()
    return feed


def _follow_parking(
    live: LiveSettings, store: Store, clock: Callable[[], datetime]
) -> Any | None:
    """Car-park occupancy (live/parking_feed.py), written to the registry off the GUI thread:
    from the configured MQTT broker (`{prefix}/parking/{code}/occupancy`: `[live]
    parking_topic_prefix`, or the one beside the squads'), or, with no broker and the demo simulator on, drifted along the daily curve
    on the simulator's clock. Returns what to `stop()` at exit, or None."""
    from command_center.live.parking_feed import MqttParkingFeed, OccupancyDrift, parking_prefix
    from command_center.services.registries import RegistryService

    if live.mqtt_host:
        feed = MqttParkingFeed(
            MqttSettings(
                live.mqtt_host, live.mqtt_port, live.mqtt_username or None,
                live.mqtt_password or None, live.mqtt_tls,
                live.parking_topic_prefix or parking_prefix(live.mqtt_topic_prefix),
            ),
            RegistryService(store, clock=clock).record_occupancy,
        )
        feed.start()
        return feed
    if not live.simulator:
        return None
    drift = OccupancyDrift(RegistryService(store, clock=clock, workstation="simulator"))
    thread = SimulatorThread(drift, interval=SIMULATOR_INTERVAL_S, clock=clock, name="demo-parking")
    thread.start()
    return thread


def _install_orders(window: MainWindow, store: Store, tasks: TaskManager,
                    clock: Callable[[], datetime], operator: Operator | None) -> OrdersPanel:
    """The orders dock: open orders reloaded with every new picture of the city; the squads
    and units an order can go to from the database (on the worker)."""
    panel = OrdersPanel(OrderService(store, clock=clock), tasks.run)
    window.install_orders(panel)

    tasks.run(lambda: order_targets(store), lambda t: panel.set_targets(*t))
    window.snapshotApplied.connect(panel.reload)

    def follow_operator() -> None:
        op = window.operator
        if op is not None:
            panel.set_operator(frozenset(op.roles), op.person_id)
        elif window.signed_out:
            panel.set_operator(frozenset(), None)

    window.snapshotApplied.connect(follow_operator)
    window.operatorChanged.connect(follow_operator)
    follow_operator()
    return panel


class _CloseOnEscape(QObject):
    """Esc closes the window it filters (the wall screen takes no other input); `on_close`
    runs when it closes (before its deferred deletion)."""

    def __init__(self, parent: QObject, on_close: Callable[[], None]) -> None:
        super().__init__(parent)
        self.on_close = on_close

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:  # type: ignore[attr-defined]
            watched.close()  # type: ignore[attr-defined]
            return True
        if event.type() == QEvent.Type.Close:
            self.on_close()
        return False


def _install_analysis_and_wall(
    window: MainWindow,
    store: Store,
    catalogue: Catalogue,
    tasks: TaskManager,
    video: VideoDesk,
    clock: Callable[[], datetime],
    sources: Any,
) -> None:
    """View → KPIs and evaluation opens the supervisor's window; View → Wall screen opens the
    hall's wall full screen (Esc closes it). Both read on the database worker."""
    from command_center.config import config_dir
    from command_center.ui.analysis_window import AnalysisWindow
    from command_center.ui.wall_screen import WallDriver, WallScreen

    def open_analysis() -> None:
        existing = getattr(window, "analysis_window", None)
        if existing is not None:
            existing.show()
            existing.raise_()
            return
        op = window.operator
        panel = AnalysisWindow(store, catalogue, tasks.run, config_dir(), clock=clock,
                               user=op.name if op is not None else "")
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.caseActivated.connect(window.caseActivated)
        panel.destroyed.connect(lambda *_: setattr(window, "analysis_window", None))
        window.analysis_window = panel  # type: ignore[attr-defined]
        show_fitted(panel)

    def open_wall() -> None:
        tiles = TileDrawer.with_sources(sources[0], unavailable=sources[1])
        wall = WallScreen(screens=1, pool=video.pool, map_drawers={"tiles": tiles}, clock=clock)
        wall.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        driver = WallDriver(wall, store, catalogue, tasks, clock=clock)
        wall.installEventFilter(_CloseOnEscape(wall, driver.stop))
        driver.refresh()
        driver.start()
        wall.showFullScreen()

    window.analysisRequested.connect(open_analysis)
    window.wallScreenRequested.connect(open_wall)


def _install_judicial(
    window: MainWindow, desk: Desk, tasks: TaskManager, clock: Callable[[], datetime]
) -> None:
    """View → Judicial hand-over opens the list of transfers in its own window (one at a
    time): it follows the operator, reloads with every new picture of the city, and a
    double-clicked transfer opens its case on the desk."""
    import shiboken6

    from command_center.ui.judicial_panel import JudicialPanel

    def follow_operator(panel: JudicialPanel) -> None:
        op = window.operator
        panel.set_operator(frozenset(op.roles) if op else frozenset(),
                           op.person_id if op else None)

    def open_judicial() -> None:
        existing = getattr(window, "judicial_window", None)
        if existing is not None:
            existing.show()
            existing.raise_()
            return
        panel = JudicialPanel(desk.judicial, tasks.run, clock=clock)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.resize(1280, 720)
        follow_operator(panel)
        panel.caseActivated.connect(window.caseActivated)
        panel.changed.connect(window.refreshRequested)
        operator = window.operatorChanged.connect(lambda: follow_operator(panel))
        snapshot = window.snapshotApplied.connect(panel.reload)

        def closed(*_args: object) -> None:
            if not shiboken6.isValid(window):  # the window went first (the app quits)
                return
            window.operatorChanged.disconnect(operator)
            window.snapshotApplied.disconnect(snapshot)
            window.judicial_window = None  # type: ignore[attr-defined]

        panel.destroyed.connect(closed)
        window.judicial_window = panel  # type: ignore[attr-defined]
        panel.reload()
        show_fitted(panel)

    window.judicialRequested.connect(open_judicial)


def _install_interop(
    window: MainWindow,
    store: Store,
    catalogue: Catalogue,
    tasks: TaskManager,
    refresh: Callable[[], None],
) -> None:
    """File → Import… and File → Export… (ui/import_dialog.py): both run on the database
    worker; a finished import reloads the picture of the city."""
    from command_center.ui.import_dialog import ExportDialog, ImportDialog

    def open_import() -> None:
        dialog = ImportDialog(store, tasks.run, window, catalogue=catalogue)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _report: refresh())
        fit_to_screen(dialog)
        dialog.open()

    def open_export() -> None:
        dialog = ExportDialog(store, tasks.run, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    window.importRequested.connect(open_import)
    window.exportRequested.connect(open_export)


def _install_registry_window(
    window: MainWindow,
    store: Store,
    catalogue: Catalogue,
    tasks: TaskManager,
    clock: Callable[[], datetime],
) -> None:
    """View → 城市台账 opens the registries' window (one at a time): it follows the operator,
    reloads when the change log names registry objects or cases (its own change feed, while
    it is open), opens a double-clicked linked case on the desk and centres the map on an
    object; a new object starts at the centre of the map's view."""
    import shiboken6

    from command_center.live.changefeed import ChangeFeed, ChangeSignals
    from command_center.services.registries import RegistryService
    from command_center.ui.registry_panel import RegistryWindow

    def follow_operator(panel: RegistryWindow) -> None:
        op = window.operator
        panel.set_operator(frozenset(op.roles) if op else frozenset(),
                           op.person_id if op else None)

    def view_centre() -> tuple[float, float]:
        west, south, east, north = window.map_canvas.view_lonlat()
        return (west + east) / 2, (south + north) / 2

    def locate(object_id: int, kind: str, west: float, south: float, east: float,
               north: float, label: str) -> None:
        layers = window.map_panel.layers
        if f"registry:{kind}" in layers:  # its registry's layer shows it
            layers[f"registry:{kind}"].visible = True
        window.map_canvas.fly_to(west, south, east, north)
        window.map_canvas.select("registry", object_id)
        window.map_canvas.show_notice(label, timeout_ms=8_000)
        window.raise_()
        window.activateWindow()

    def open_registries() -> None:
        existing = getattr(window, "registry_window", None)
        if existing is not None:
            existing.show()
            existing.raise_()
            return
        panel = RegistryWindow(RegistryService(store, clock=clock), tasks.run, clock=clock,
                               catalogue=catalogue, place=view_centre)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        follow_operator(panel)
        panel.caseActivated.connect(window.caseActivated)
        panel.locateRequested.connect(locate)
        operator = window.operatorChanged.connect(lambda: follow_operator(panel))
        signals = ChangeSignals(window)
        signals.changed.connect(panel.on_changes)
        feed = ChangeFeed(store, signals.changed.emit)
        feed.start()

        def closed(*_args: object) -> None:
            feed.stop()
            signals.deleteLater()
            if not shiboken6.isValid(window):  # the window went first (the app quits)
                return
            window.operatorChanged.disconnect(operator)
            window.registry_window = None  # type: ignore[attr-defined]

        panel.destroyed.connect(closed)
        window.registry_window = panel  # type: ignore[attr-defined]
        show_fitted(panel)

    def open_object(kind: str, object_id: int) -> None:
        """A case's linked object (the case panel's 台账对象): its page in the registries."""
        open_registries()
        panel = window.registry_window  # type: ignore[attr-defined]
        panel.show_kind(kind)
        panel.open_object(object_id)

    window.registriesRequested.connect(open_registries)
    desk = getattr(window, "desk", None)
    if desk is not None:
        desk.panel.registryObjectRequested.connect(open_object)


def _on_logged(registries: _RegistryLoader) -> Callable[[list], None]:
    """What a batch of logged changes tells beyond "reload the picture": registry objects
    to read again, and unit grids imported (at any desk) for every grid locator here."""
    from command_center.services.locate import grids_changed

    def changed(rows: list) -> None:
        registries.changed(rows)
        if any(getattr(r, "table", None) == "unit_grids" for r in rows):
            grids_changed()

    return changed


class _RegistryLoader:
    """The registries (台账) on the map: read on the worker with the next picture of the city
    when they may have changed (at start, and after a logged change to registry objects);
    a click on one shows it in the details panel; the case panel links cases to them."""

    TABLE = "registry_objects"

    def __init__(
        self, window: MainWindow, store: Store, tasks: TaskManager, clock: Callable[[], datetime]
    ) -> None:
        from command_center.services.registries import RegistryService

        self.window, self.tasks, self.clock = window, tasks, clock
        self.service = RegistryService(store, clock=clock)
        self.rows: dict[int, Any] | None = None  # id -> RegistryRow, once read in full
        self.changed_ids: set[int] = set()  # objects to read again
        self.stale = True
        window.map_canvas.featureClicked.connect(self.show)

    def changed(self, rows: list) -> None:
        """A batch from the change feed: the objects it names are read again (all of them
        until the first full read has landed)."""
        ids = {r.row_id for r in rows if getattr(r, "table", None) == self.TABLE}
        if ids:
            self.changed_ids |= ids
            self.stale = True

    def submit(self) -> None:
        """Queue a read of the registry objects that may have changed: all of them at
        first, then only those the change feed named (a parking feed writes every few
        seconds; reading all 7,600 demo objects takes 200–300 ms). Queued before the
        picture of the city, so that both show together."""
        if not self.stale:
            return
        from command_center.services.snapshot import RegistryRow

        service = self.service
        full = self.rows is None
        ids, self.changed_ids, self.stale = self.changed_ids, set(), False

        def failed(exc: BaseException) -> None:
            self.stale = True
            self.changed_ids |= ids
            log.error("could not load the registries: %s", exc)

        def loaded(rows: list) -> None:
            if full or self.rows is None:
                self.rows = {r.id: r for r in rows}
            else:
                for gone in ids - {r.id for r in rows}:
                    self.rows.pop(gone, None)
                self.rows.update((r.id, r) for r in rows)
            self.window.map_panel.set_registry_objects(self.rows.values())

        read = service.objects if full else (lambda: service.objects_by_id(ids))
        self.tasks.run(lambda: [RegistryRow.of(o) for o in read()], loaded, failed)

    def show(self, kind: str, key: object) -> None:
        if kind != "registry":
            return
        for layer in self.window.map_panel.layers:
            row = getattr(layer, "objects", {}).get(key) if layer.kind == kind else None
            if row is not None:
                overdue = layer.is_overdue(row, self.clock().date())  # type: ignore[attr-defined]
                self.window.details.show_registry_object(row, overdue=overdue)
                self.window.details_dock.show()
                return

    def link_cases(self, desk: Desk) -> None:
        """关联台账 on the case panel: link and unlink through the registry service as the
        operator (a role that may link), then show the case again."""
        from command_center.services.cases import Actor
        from command_center.services.registries import LINK_ROLES
        from command_center.ui.case_detail import connect_registry_link

        def actor() -> Actor | None:
            op = self.window.operator
            roles = sorted(op.roles & LINK_ROLES) if op is not None else []
            return Actor(op.person_id, roles[0]) if op is not None and roles else None

        connect_registry_link(
            desk.panel, self.service, self.tasks.run, actor, on_linked=desk.open_case
        )


def run_gui(
    *,
    settings: Settings,
    store: Store,
    catalogue: Catalogue,
    calendar: WorkCalendar,
    needs_seed: bool,
    seed: Callable[[Callable[[str, float], None]], object],
    screenshot: Path | None,
    size: tuple[int, int],
    clock: Callable[[], datetime] = lambda: datetime.now(CST),
    map_box: tuple[float, float, float, float] | None = None,
    map_layers: dict[str, bool] | None = None,
    operator: Operator | None = None,
) -> int:
    qInstallMessageHandler(_qt_to_logging)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("command-center")
    app.setOrganizationName("command-center")
    install_translator(app, settings.ui.language)
    apply_theme(app)

    sources, unavailable = sources_from_settings(settings.map.tile_sources)
    tile_config = (sources, unavailable)
    tile_signals = TileSignals()
    tiles = TileDrawer.with_sources(sources, unavailable=unavailable, signals=tile_signals)
    window = MainWindow(
        store.label,
        map_drawers={"tiles": tiles},
        tile_source=settings.map.tile_source or None,
        tile_sources=settings.map.tile_source_names,
        clock=clock,
        operator=operator,
    )
    tile_signals.setParent(window)
    tile_signals.notice.connect(window.show_notice)
    for name, on in (map_layers or {}).items():
        window.map_panel.layers[name].visible = on
    bridge = ErrorBridge(window)
    bridge.install()
    tasks = TaskManager(window)
    tasks.failed.connect(bridge.notify)
    progress = _Progress(window)
    progress.changed.connect(
        lambda stage, frac: window.statusBar().showMessage(
            QApplication.translate("run", "Seeding the demo city of Chaoyang: {0} {1}%").format(
                seed_stage_text(stage), round(frac * 100)
            )
        )
    )
    exit_code = {"value": 0}
    timer = QTimer(window)
    timer.setInterval(REFRESH_MS)

    def frame_map() -> None:
        canvas = window.map_canvas
        if map_box is not None:
            canvas.fly_to(*map_box, animate=False)
        else:
            canvas.home()
        QApplication.processEvents()
        canvas.settle()

    def shown(snapshot) -> None:
        window.apply_snapshot(snapshot)
        window.statusBar().clearMessage()
        if screenshot is not None:
            def before() -> None:
                frame_map()
                video.wait_for_frames()

            ok = grab_to_png(window, screenshot, size, before=before)
            if not ok:
                print(f"error: could not write {screenshot}", file=sys.stderr)
            exit_code["value"] = 0 if ok else 1
            app.quit()

    def failed(exc: BaseException) -> None:
        bridge.notify(exc)
        log.error("could not load the city: %s", exc)
        if screenshot is not None:
            print(f"error: {exc}", file=sys.stderr)
            exit_code["value"] = 1
            app.quit()

    registries = _RegistryLoader(window, store, tasks, clock)

    def refresh() -> None:
        if tasks.pending == 0:
            registries.submit()
            tasks.run(lambda: load_snapshot(store, catalogue, clock()), shown, failed)

    if needs_seed:
        window.statusBar().showMessage(
            QApplication.translate("run", "Seeding the demo city of Chaoyang…")
        )
        tasks.run(lambda: seed(progress.changed.emit), lambda _report: refresh(), failed)
    else:
        refresh()
    timer.timeout.connect(refresh)
    window.refreshRequested.connect(refresh)
    def open_audit() -> None:
        dialog = AuditDialog(store, tasks.run, window, now=clock)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.search()

    window.auditRequested.connect(open_audit)
    _install_orders(window, store, tasks, clock, operator)
    queue = CaseQueuePanel(StoreQueueSource(store, catalogue), submit_via(tasks), clock=clock)
    window.install_case_queue(queue)
    queue.reload()
    window.desk = Desk(window, store, catalogue, calendar, tasks, clock=clock)
    video = VideoDesk(window, window.desk, store, catalogue, tasks, settings.video, clock=clock)
    _install_analysis_and_wall(window, store, catalogue, tasks, video, clock, tile_config)
    _install_interop(window, store, catalogue, tasks, refresh)
    _install_judicial(window, window.desk, tasks, clock)
    registries.link_cases(window.desk)
    _install_registry_window(window, store, catalogue, tasks, clock)
    feed = (
        None
        if screenshot is not None
        else _follow_changes(store, window, refresh, _on_logged(registries))
    )
    squad_service = SquadService(store, clock=clock)
    positions = (
        None
        if screenshot is not None
        else _follow_positions(
            settings.live,
            window,
            lambda r: tasks.run(
                lambda: squad_service.report_position(r.squad_id, r.lon, r.lat, r.heading, r.at)
            ),
        )
    )
    simulator = (
        SimulatorThread(
            Simulator(store, catalogue, calendar, clock=clock, rng_seed=int(clock().timestamp())),
            interval=SIMULATOR_INTERVAL_S,
            clock=clock,
        )
        if settings.live.simulator and screenshot is None
        else None
    )
    if simulator is not None:
        simulator.start()
    parking = None if screenshot is not None else _follow_parking(settings.live, store, clock)
    timer.start()

    if screenshot is None:
        show_fitted(window, size)
        if operator is None:
            # Sign in once the city is there to sign in to (a first run seeds it first).
            signed_in = {"asked": False}

            def ask(_snapshot: object = None) -> None:
                if signed_in["asked"]:
                    return
                signed_in["asked"] = True
                dialog = SignInDialog(
                    AuthService(store).sign_in, window, demo=store.engine.dialect.name == "sqlite"
                )
                if dialog.exec() and dialog.operator is not None:
                    window.set_operator(dialog.operator)
                else:
                    app.quit()

            window.snapshotApplied.connect(lambda: QTimer.singleShot(0, ask))

        def switch_user() -> None:
            """Shift handover: the next operator signs in; cancelling keeps the current one."""
            dialog = SignInDialog(
                AuthService(store).sign_in, window, demo=store.engine.dialect.name == "sqlite"
            )
            if dialog.exec() and dialog.operator is not None:
                window.set_operator(dialog.operator)

        def sign_out() -> None:
            """The operator leaves: the window turns read-only at once, then offers the
            sign-in; cancelling it leaves the window read-only for whoever glances at it."""
            window.sign_out()
            switch_user()

        window.switchUserRequested.connect(switch_user)
        window.signOutRequested.connect(sign_out)
        if map_box is not None:
            window.map_canvas.set_home(*map_box)
    try:
        app.exec()
    finally:
        timer.stop()
        if feed is not None:
            feed.stop()
        if positions is not None:
            positions.stop()
        if parking is not None:
            parking.stop()
        if simulator is not None:
            simulator.stop()
        video.close()
        tasks.shutdown()
        store.dispose()
        window.close()
        window.deleteLater()
    return exit_code["value"]
