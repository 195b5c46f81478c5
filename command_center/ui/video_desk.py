"""The video side of the desk: one stream pool for the wall and the motion watch, camera
evidence for the open case, the cameras that see a case, motion zones and the suggestions
they raise, and the wall's stream states on the map.

Slots translate clicks into service calls run on the database worker (`TaskManager`); the
decoding runs in the decoder processes (`video.capture`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QMessageBox

from command_center.config import VideoSettings
from command_center.domain.catalogue import Catalogue
from command_center.services.cameras import CameraService, Evidence
from command_center.services.suggestions import ZONE_EDITORS, SuggestionService
from command_center.store.engine import Store
from command_center.ui.desk import Desk
from command_center.ui.main_window import MainWindow
from command_center.ui.suggestions_panel import SuggestionsPanel
from command_center.ui.taskman import TaskManager
from command_center.ui.zones_dialog import ZonesDialog
from command_center.video.capture import Capture
from command_center.video.evidence import clip_bytes, encode_jpeg
from command_center.video.motion_watch import MotionWatch
from command_center.video.pool import StreamPool
from command_center.video.qimage import frame_to_qimage

__all__ = ["CLIP_KEY", "SNAPSHOT_KEY", "ZONES_KEY", "VideoDesk"]

log = logging.getLogger("video")

SNAPSHOT_KEY = "F12"  # the selected tile's picture → the open case
CLIP_KEY = "Shift+F12"  # the selected tile's last 30 s → the open case
ZONES_KEY = "Ctrl+Shift+Z"  # edit the selected camera's motion zones
MOTION_POLL_MS = 1000


class VideoDesk(QObject):
    def __init__(
        self,
        window: MainWindow,
        desk: Desk,
        store: Store,
        catalogue: Catalogue,
        tasks: TaskManager,
        settings: VideoSettings,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(window)
        self.window, self.desk, self.store, self.tasks = window, desk, store, tasks
        self.catalogue, self.settings, self.clock = catalogue, settings, clock
        self.cameras = CameraService(store, clock=clock, workstation=desk.cases.workstation)
        self.suggestions = SuggestionService(store, desk.cases, clock=clock,
                                             workstation=desk.cases.workstation)
        self.wall = window.camera_wall
        self.pool: StreamPool | None = None
        if settings.enabled:
            self.pool = StreamPool(lambda url, name: Capture(
                url, name=name, buffer_s=settings.buffer_s, buffer_fps=settings.buffer_fps))
            self.wall.set_pool(self.pool)
        self.wall.set_layout(settings.layout)
        self.watch = (
            MotionWatch(self.pool, self._record_motion)
            if self.pool is not None and settings.motion else None
        )
        self._motion_timer = QTimer(self)
        self._motion_timer.setInterval(MOTION_POLL_MS)
        self._motion_timer.timeout.connect(self._poll_motion)
        if self.watch is not None:
            self._motion_timer.start()

        # Suggestions: a dock beside the case queue, for the intake desk.
        self.panel = SuggestionsPanel(self.suggestions, catalogue, tasks.run)
        self.dock: QDockWidget = window.install_side_panel(
            "suggestionsDock", self.tr("Camera suggestions"), self.panel)
        self.panel.caseCreated.connect(desk.open_case)
        self.panel.countChanged.connect(self._suggestions_counted)

        # Evidence and the cameras that see the open case.
        self.wall.snapshotRequested.connect(self.snapshot_to_case)
        self.wall.clipRequested.connect(self.clip_to_case)
        self.wall.zonesRequested.connect(self.edit_zones)
        desk.panel.openCameraRequested.connect(lambda cid: self.wall.open_cameras([cid]))
        desk.panel.openCamerasRequested.connect(self.show_cameras)
        window.details.openCameraRequested.connect(
            lambda cid: self.wall.open_cameras([cid]))
        self.wall.streamStatesChanged.connect(self._states_to_map)
        for key, slot in ((SNAPSHOT_KEY, self.snapshot_to_case), (CLIP_KEY, self.clip_to_case),
                          (ZONES_KEY, self.edit_zones)):
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.activated.connect(slot)
            desk.shortcuts[key] = shortcut

        window.snapshotApplied.connect(self.reload)
        window.operatorChanged.connect(self._operator_changed)
        self._operator_changed()

    # -- following the city ---------------------------------------------------------------
    def reload(self) -> None:
        """Suggestions and zones again (after every new picture of the city)."""
        self.panel.reload()
        cameras = self.cameras
        self.tasks.run(cameras.tours, self.wall.set_tours)
        if self.watch is None:
            return
        suggestions = self.suggestions
        self.tasks.run(suggestions.zones_by_camera, self._zones_loaded)

    def _zones_loaded(self, zones: dict[int, Any]) -> None:
        if self.watch is None:
            return
        urls = {c.id: (c.tile_url, c.name) for c in self.wall.cameras() if c.usable}
        self.watch.sync(zones, urls)

    def _poll_motion(self) -> None:
        if self.watch is not None:
            self.watch.poll()

    def _record_motion(self, camera_id: int, trigger: Any, jpeg: bytes) -> None:
        suggestions = self.suggestions
        self.tasks.run(lambda: suggestions.raise_suggestion(camera_id, trigger, jpeg),
                       lambda _c: self.panel.reload())

    def _suggestions_counted(self, n: int) -> None:
        title = self.tr("Camera suggestions")
        self.dock.setWindowTitle(f"{title} ({n})" if n else title)

    def _states_to_map(self) -> None:
        layer = self.window.map_panel.layers["cameras"]
        layer.set_stream_states({i: s.state.value for i, s in self.wall.statuses().items()})

    def _operator_changed(self) -> None:
        op = self.window.operator
        roles = frozenset(op.roles) if op is not None else frozenset()
        self.panel.set_operator(roles, op.person_id if op is not None else None)

    def wait_for_frames(self, timeout_s: float = 10.0) -> bool:
        """Process events until every tile that plays a stream has shown a frame (for
        screenshots); False when the deadline came first."""
        import time

        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            playing = [t for t in self.wall.tiles if t.capture() is not None]
            if all(t.video.frames_painted > 0 for t in playing):
                return True
            QApplication.processEvents()
            time.sleep(0.02)
        return False

    # -- the cameras that see a case ------------------------------------------------------------
    def show_cameras(self, camera_ids: list[int]) -> None:
        self.wall.open_cameras(camera_ids)
        self.window.camera_wall_dock.show()
        self.window.camera_wall_dock.raise_()

    # -- evidence ---------------------------------------------------------------------------------
    def _evidence_target(self) -> tuple[int, Any] | None:
        """(case id, actor) for evidence, or None after saying why not."""
        detail = self.desk.detail
        if detail is None:
            self.desk._say(self.tr("Open a case first: the evidence goes to the open case."))
            return None
        op = self.window.operator
        if op is None or not op.roles:
            self.desk._say(self.tr("Sign in to attach evidence."))
            return None
        from command_center.services.cases import Actor

        return detail.id, Actor(op.person_id, sorted(op.roles)[0])

    def snapshot_to_case(self) -> None:
        target = self._evidence_target()
        picked = self.wall.selected_frame()
        if target is None:
            return
        if picked is None:
            self.desk._say(self.tr("Select a playing tile on the camera wall first."))
            return
        case_id, actor = target
        camera_id, frame = picked
        jpeg = encode_jpeg(frame)  # a few milliseconds: the frame is still the one shown
        taken = datetime.fromtimestamp(frame.at).astimezone(self.clock().tzinfo)
        cameras = self.cameras
        self.tasks.run(
            lambda: cameras.attach(actor, Evidence(case_id, camera_id, "photo", jpeg, taken)),
            lambda _c: self._attached(case_id, self.tr("Snapshot attached to the case.")),
            self.desk._failed,
        )

    def clip_to_case(self) -> None:
        target = self._evidence_target()
        camera_id = self.wall.selected_camera()
        tile = self.wall.tile_of(camera_id) if camera_id is not None else None
        capture = tile.capture() if tile is not None else None
        if target is None:
            return
        if capture is None:
            self.desk._say(self.tr("Select a playing tile on the camera wall first."))
            return
        case_id, actor = target
        cameras, tz = self.cameras, self.clock().tzinfo
        seconds = self.settings.buffer_s

        def save() -> object:
            data, info = clip_bytes(capture, seconds)  # the decoder writes it
            started = datetime.fromtimestamp(info.started_at).astimezone(tz)
            return cameras.attach(actor, Evidence(case_id, camera_id, "video", data, started))

        self.desk._say(self.tr("Saving the last {n} s of the selected camera…").format(
            n=round(seconds)))
        self.tasks.run(save, lambda _c: self._attached(
            case_id, self.tr("Clip attached to the case.")), self.desk._failed)

    def _attached(self, case_id: int, message: str) -> None:
        self.desk._say(message)
        self.window.refreshRequested.emit()
        self.desk.open_case(case_id)

    # -- motion zones -----------------------------------------------------------------------------
    def edit_zones(self) -> None:
        op = self.window.operator
        roles = sorted(set(op.roles) & ZONE_EDITORS) if op is not None else []
        if not roles:
            self.desk._say(self.tr("Only the shift chief, a supervisor or the administrator "
                                   "may change motion zones."))
            return
        from command_center.services.cases import Actor

        actor = Actor(op.person_id, roles[0])
        picked = self.wall.selected_frame()
        if picked is None:
            self.desk._say(self.tr("Select a playing tile on the camera wall first."))
            return
        camera_id, frame = picked
        image = frame_to_qimage(frame).copy()  # the dialog outlives this frame
        name = next((c.name for c in self.wall.cameras() if c.id == camera_id), str(camera_id))
        zones = self.desk.tasks_result(lambda: self.suggestions.zones(camera_id))
        if zones is None:
            return
        dialog = ZonesDialog(name, image, zones, self.catalogue, self.window)
        while dialog.exec():
            new = dialog.zones()
            ok = self.desk.tasks_result(
                lambda new=new: self.suggestions.save_zones(actor, camera_id, new))
            if ok is not None:
                self.desk._say(self.tr("Motion zones of {camera} saved.").format(camera=name))
                self.reload()
                return
            QMessageBox.warning(self.window, self.tr("Not saved"),
                                self.tr("The zones were not saved; see the message."))

    # -- the end -------------------------------------------------------------------------------------
    def close(self) -> None:
        self._motion_timer.stop()
        if self.watch is not None:
            self.watch.close()
            self.watch = None
        if self.pool is not None:
            try:
                self.wall.set_pool(None)
            except RuntimeError:  # the wall is already gone with the window
                pass
            self.pool.close()
            self.pool = None

