"""The details side panel: what the selected map feature is, field by field.

`FeatureDetailsPanel` shows one case, camera, squad or grid from plain rows; its buttons only
emit signals (open the case in the queue, open the camera on the wall, fly the map to the
feature) — the main window decides what they do.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.deadline_state import DeadlineState, deadline_state
from command_center.domain.grid import GridCode, GridCodeError
from command_center.domain.registries import KINDS
from command_center.domain.workflow import PAUSED_STATES
from command_center.map.search import (
    KIND_CAMERA,
    KIND_CASE,
    KIND_GRID,
    KIND_RESPONSIBILITY_GRID,
    KIND_SQUAD,
    BBox,
    point_bbox,
)
from command_center.services.snapshot import CameraRow, CaseRow, RegistryRow, SquadRow
from command_center.ui import registry_text
from command_center.ui.case_queue import format_deadline, state_name
from command_center.ui.map_search import kind_name
from command_center.ui.squad_board import status_name
from command_center.ui.theme import PALETTE, SQUAD_STATUS_COLORS, case_color

_TIME_FORMAT = "%Y-%m-%d %H:%M"
_PAUSED = frozenset(s.value for s in PAUSED_STATES)
_DEADLINE_COLORS = {
    DeadlineState.OVERDUE: PALETTE.danger,
    DeadlineState.DUE_SOON: PALETTE.warning,
    DeadlineState.ON_TIME: PALETTE.ok,
    DeadlineState.PAUSED: PALETTE.muted,
    DeadlineState.NONE: PALETTE.muted,
}


def format_span(span: timedelta) -> str:
    """A duration to the minute, largest units first: "2 d 3 h", "5 h 07 min", "12 min"."""
    minutes = int(abs(span).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return QCoreApplication.translate("FeatureDetailsPanel", "{d} d {h} h").format(
            d=days, h=hours
        )
    if hours:
        return QCoreApplication.translate("FeatureDetailsPanel", "{h} h {m} min").format(
            h=hours, m=f"{mins:02d}"
        )
    return QCoreApplication.translate("FeatureDetailsPanel", "{m} min").format(m=mins)


def remaining_text(row: CaseRow, now: datetime) -> tuple[str, DeadlineState]:
    """How a case stands against its deadline at `now`, in words, and the state itself."""
    state = deadline_state(row.deadline_at, now, paused=row.state in _PAUSED)
    if row.overdue and state is not DeadlineState.PAUSED:
        state = DeadlineState.OVERDUE
    if row.deadline_at is None:
        return QCoreApplication.translate("FeatureDetailsPanel", "No deadline"), state
    span = format_span(row.deadline_at - now)
    if state is DeadlineState.PAUSED:
        return QCoreApplication.translate(
            "FeatureDetailsPanel", "Clock paused ({span} left)"
        ).format(span=span), state
    if state is DeadlineState.OVERDUE:
        if row.deadline_at >= now:  # flagged overdue by the server before our clock
            return QCoreApplication.translate("FeatureDetailsPanel", "Overdue"), state
        return QCoreApplication.translate("FeatureDetailsPanel", "Overdue by {span}").format(
            span=span
        ), state
    return QCoreApplication.translate("FeatureDetailsPanel", "{span} left").format(span=span), state


def _lonlat(lon: float, lat: float) -> str:
    return f"{lon:.6f}, {lat:.6f}"


class FeatureDetailsPanel(QWidget):
    """Side panel describing one selected map feature.

    Call `show_case`, `show_camera`, `show_squad`, `show_registry_object` or `show_grid`;
    `clear` returns to the
    hint. `set_district_names` lets district codes show as names.

    Signals:
        openCaseRequested(int): a case id — open it in the case queue.
        openCameraRequested(int): a camera id — put it on the camera wall.
        flyToRequested(float, float, float, float): west, south, east, north (WGS-84).
    """

    openCaseRequested = Signal(int)
    openCameraRequested = Signal(int)
    flyToRequested = Signal(float, float, float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("featureDetails")
        self.setAutoFillBackground(True)
        self._district_names: dict[str, str] = {}
        self._kind: str | None = None
        self._key: int | str | None = None
        self._bbox: BBox | None = None
        self._fields: list[tuple[str, str]] = []

        self.kind_label = QLabel(self)
        self.kind_label.setObjectName("featureKind")
        self.kind_label.setStyleSheet(f"color: {PALETTE.accent}; font-weight: bold;")
        self.title_label = QLabel(self)
        self.title_label.setObjectName("featureTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self.title_label.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setStyleSheet(f"color: {PALETTE.label};")

        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("featureHint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(f"color: {PALETTE.muted};")

        self._form_host = QWidget(self)
        self.form = QFormLayout(self._form_host)
        self.form.setContentsMargins(0, 4, 0, 4)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(6)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

        self.open_case_button = QPushButton(self)
        self.open_case_button.setObjectName("featureOpenCase")
        self.open_case_button.clicked.connect(self._on_open_case)
        self.open_camera_button = QPushButton(self)
        self.open_camera_button.setObjectName("featureOpenCamera")
        self.open_camera_button.clicked.connect(self._on_open_camera)
        self.fly_to_button = QPushButton(self)
        self.fly_to_button.setObjectName("featureFlyTo")
        self.fly_to_button.clicked.connect(self._on_fly_to)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for button in (self.open_case_button, self.open_camera_button, self.fly_to_button):
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addWidget(self.kind_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self._form_host)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.retranslate()
        self.clear()

    # -- plain API ------------------------------------------------------------------
    @property
    def kind(self) -> str | None:
        """What is shown: a `map.search` kind ("case", "camera", …) or None when cleared."""
        return self._kind

    @property
    def key(self) -> int | str | None:
        """The id (case, camera, squad) or code (grid) shown, or None."""
        return self._key

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) of each row of the form, top to bottom, as shown."""
        return list(self._fields)

    def field(self, label: str) -> str | None:
        """The value shown for `label` (as translated), or None."""
        return next((v for k, v in self._fields if k == label), None)

    def set_district_names(self, names: Mapping[str, str]) -> None:
        """District code → name, used for cases and grids shown from now on."""
        self._district_names = dict(names)

    def clear(self) -> None:
        """Show nothing but the hint; every button hidden."""
        self._set(None, None, "", None, [])
        self.hint_label.show()

    def show_case(self, row: CaseRow, now: datetime) -> None:
        remaining, dstate = remaining_text(row, now)
        state = state_name(row.state)
        if row.urgent:
            state += " · " + self.tr("Urgent")
        rows: list[tuple[str, str, str | None]] = [
            (self.tr("Case no."), row.case_no, None),
            (self.tr("Category"), row.category_name, None),
            (self.tr("State"), state, case_color(row.state, row.overdue)),
            (self.tr("Address"), row.address, None),
            (self.tr("District"), self._district(row.district_code), None),
            (self.tr("Reported at"), row.reported_at.strftime(_TIME_FORMAT), None),
            (self.tr("Deadline"), format_deadline(row.deadline_at), None),
            (self.tr("Remaining"), remaining, _DEADLINE_COLORS[dstate]),
            (self.tr("Squad"), row.squad_name or self.tr("Not dispatched"), None),
            (self.tr("Position"), _lonlat(row.lon, row.lat), None),
        ]
        title = f"{row.case_no} · {row.category_name}"
        self._set(KIND_CASE, row.id, title, point_bbox(row.lon, row.lat), rows)
        self.open_case_button.show()

    def show_camera(self, row: CameraRow) -> None:
        status = self.tr("Enabled") if row.enabled else self.tr("Disabled")
        rows: list[tuple[str, str, str | None]] = [
            (self.tr("Name"), row.name, None),
            (self.tr("Code"), row.code, None),
            (self.tr("Position"), _lonlat(row.lon, row.lat), None),
            (self.tr("Status"), status, PALETTE.ok if row.enabled else PALETTE.muted),
            (self.tr("Stream URL"), row.url or "—", None),
        ]
        self._set(KIND_CAMERA, row.id, row.name, point_bbox(row.lon, row.lat), rows)
        self.open_camera_button.show()
        self.open_camera_button.setEnabled(row.enabled)
        self.open_camera_button.setToolTip("" if row.enabled else self.tr("Camera disabled"))

    def show_squad(self, row: SquadRow) -> None:
        has_position = row.lon is not None and row.lat is not None
        position = (
            _lonlat(row.lon, row.lat)  # type: ignore[arg-type]
            if has_position
            else self.tr("No position reported")
        )
        rows: list[tuple[str, str, str | None]] = [
            (self.tr("Name"), row.name, None),
            (self.tr("Code"), row.code, None),
            (self.tr("Unit"), row.unit_name, None),
            (
                self.tr("Status"),
                "● " + status_name(row.activity or row.status),
                SQUAD_STATUS_COLORS.get(row.activity or row.status, PALETTE.muted),
            ),
            (self.tr("Open cases"), str(row.open_cases), None),
            (self.tr("Position"), position, None if has_position else PALETTE.muted),
        ]
        bbox = point_bbox(row.lon, row.lat) if has_position else None  # type: ignore[arg-type]
        self._set(KIND_SQUAD, row.id, row.name, bbox, rows)

    def show_registry_object(self, row: RegistryRow, *, overdue: bool = False) -> None:
        """An object of a registry (台账): code, name, status (in its map colour, and
        whether it is past its deadline) and the kind's key attributes."""
        spec = KINDS[row.kind]
        status = next((s for s in spec.statuses if s.key == row.status), None)
        shown = registry_text.status_label(spec, row.status)
        if overdue:
            shown += " · " + self.tr("Overdue")
        rows: list[tuple[str, str, str | None]] = [
            (self.tr("Code"), row.code, None),
            (self.tr("Name"), row.name, None),
            (self.tr("Status"), "● " + shown,
             PALETTE.danger if overdue else status.colour if status else None),
        ]
        keys = spec.list_fields or tuple(f.key for f in spec.fields if f.required)
        for key in keys:
            value = row.attrs.get(key)
            if value is None or value == "":
                continue
            f = spec.field(key)
            text = (
                registry_text.choice_label(spec, f, value) if f.type == "choice" else str(value)
            )
            if f.type == "float" and isinstance(value, float):
                text = f"{value:g}"
            rows.append((registry_text.field_label(spec, f), f"{text} {registry_text.unit_label(f)}".strip(), None))
        if row.address:
            rows.append((self.tr("Address"), row.address, None))
        rows.append((self.tr("Position"), _lonlat(row.lon, row.lat), None))
        if row.footprint:
            lons = [p[0] for p in row.footprint]
            lats = [p[1] for p in row.footprint]
            bbox: BBox = (min(lons), min(lats), max(lons), max(lats))
        else:
            bbox = point_bbox(row.lon, row.lat)
        self._set("registry", row.id, f"{row.code} · {row.name}", bbox, rows)
        self.kind_label.setText(registry_text.kind_label(spec))

    def show_grid(
        self,
        code: str,
        extra: Mapping[str, object] | None = None,
        *,
        bbox: BBox | None = None,
        kind: str | None = None,
    ) -> None:
        """A unit grid (15-digit code, decoded into its parts) or a responsibility grid.

        `extra` adds rows (already-translated label → value) after the decoded ones; `bbox`
        enables "Fly to"; `kind` is "grid" or "responsibility_grid" (by default: "grid" when
        the code parses as a unit-grid code).
        """
        try:
            parsed: GridCode | None = GridCode.parse(code)
        except GridCodeError:
            parsed = None
        if kind is None:
            kind = KIND_GRID if parsed is not None else KIND_RESPONSIBILITY_GRID
        rows: list[tuple[str, str, str | None]] = [(self.tr("Code"), code, None)]
        if parsed is not None:
            rows += [
                (self.tr("District"), self._district(parsed.district_code), None),
                (self.tr("Street code"), parsed.street_code, None),
                (self.tr("Community code"), parsed.community_code, None),
                (self.tr("Grid number"), parsed.seq, None),
            ]
        else:
            district = self._district_names.get(code.lstrip("Rr")[:6])
            if district:
                rows.append((self.tr("District"), district, None))
        rows += [(str(k), "—" if v is None else str(v), None) for k, v in (extra or {}).items()]
        self._set(kind, code, code, bbox, rows)

    def retranslate(self) -> None:
        self.hint_label.setText(
            self.tr("Click a case, camera, squad or grid on the map, or search for one.")
        )
        self.open_case_button.setText(self.tr("Open in queue"))
        self.open_camera_button.setText(self.tr("Open on wall"))
        self.fly_to_button.setText(self.tr("Fly to"))

    # -- helpers ----------------------------------------------------------------------
    def _district(self, code: str) -> str:
        name = self._district_names.get(code)
        return f"{name} ({code})" if name else code

    def _set(
        self,
        kind: str | None,
        key: int | str | None,
        title: str,
        bbox: BBox | None,
        rows: list[tuple[str, str, str | None]],
    ) -> None:
        self._kind, self._key, self._bbox = kind, key, bbox
        self.kind_label.setText(kind_name(kind) if kind else "")
        self.kind_label.setVisible(kind is not None)
        self.title_label.setText(title)
        self.title_label.setVisible(bool(title))
        self.hint_label.hide()
        while self.form.rowCount():  # deleted later, never at once (see registry_panel)
            taken = self.form.takeRow(0)
            for item in (taken.labelItem, taken.fieldItem):
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()
                    widget.deleteLater()
        self._fields = [(label, value) for label, value, _ in rows]
        for label, value, color in rows:
            name = QLabel(label, self._form_host)
            name.setStyleSheet(f"color: {PALETTE.muted};")
            shown = QLabel(value, self._form_host)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setStyleSheet(f"color: {color or PALETTE.text};")
            self.form.addRow(name, shown)
        self.open_case_button.hide()
        self.open_camera_button.hide()
        self.open_camera_button.setEnabled(True)
        self.fly_to_button.setVisible(kind is not None)
        self.fly_to_button.setEnabled(bbox is not None)

    # -- slots ------------------------------------------------------------------------
    def _on_open_case(self) -> None:
        if self._kind == KIND_CASE and isinstance(self._key, int):
            self.openCaseRequested.emit(self._key)

    def _on_open_camera(self) -> None:
        if self._kind == KIND_CAMERA and isinstance(self._key, int):
            self.openCameraRequested.emit(self._key)

    def _on_fly_to(self) -> None:
        if self._bbox is not None:
            self.flyToRequested.emit(*self._bbox)
