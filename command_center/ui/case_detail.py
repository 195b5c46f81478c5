"""The case detail view: one case with its fields, legal basis, map, photos, trail and actions.

`CaseDetailPanel.show_detail(detail, roles)` shows a `services.case_detail.CaseDetail`. The
panel never calls a service: its buttons only emit signals, and which actions it offers is
asked of the domain (`workflow.allowed_actions`, `workflow.NOTE_REQUIRED`). Actions that need
more than a reason (dispatch: a squad; an extension: an amount) are emitted as they are,
and the receiver asks for the rest; a judicial transfer (`ASKS_OWN_NOTE`) is emitted without
a note, its dialog asking for the body, the documents and the reason together.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.deadline_state import DeadlineState
from command_center.domain.workflow import NOTE_REQUIRED, Action, CaseState, Role, allowed_actions
from command_center.map.layers import CameraLayer, CaseLayer, LayerList
from command_center.services.case_detail import AttachmentInfo, CaseDetail, RegistryObjectRef
from command_center.services.cases import Actor
from command_center.services.registries import LINK_ROLES, RegistryService
from command_center.services.snapshot import CameraRow, CaseRow
from command_center.ui import registry_text
from command_center.ui.case_queue import state_name
from command_center.ui.feature_details import format_span
from command_center.ui.map_canvas import MapCanvas
from command_center.ui.theme import PALETTE, case_color

__all__ = [
    "ACTION_NAMES",
    "ROLE_NAMES",
    "SOURCE_NAMES",
    "CaseDetailPanel",
    "action_name",
    "connect_registry_link",
    "role_name",
    "source_name",
]

TIME_FORMAT = "%Y-%m-%d %H:%M"
# Actions whose receiver asks for the reason in its own dialog (with the rest it needs):
# the panel emits them without a note.
ASKS_OWN_NOTE: frozenset[Action] = frozenset({Action.TRANSFER_JUDICIAL})
THUMB = QSize(96, 72)
MAP_HALF_SIZE_M = 320.0  # the small map shows ~640 m top to bottom: the 300 m cameras fit

ACTION_NAMES: dict[str, str] = {
    "report": QT_TRANSLATE_NOOP("CaseAction", "Report"),
    "register": QT_TRANSLATE_NOOP("CaseAction", "Register"),
    "reject": QT_TRANSLATE_NOOP("CaseAction", "Reject"),
    "dispatch": QT_TRANSLATE_NOOP("CaseAction", "Dispatch"),
    "accept": QT_TRANSLATE_NOOP("CaseAction", "Accept"),
    "decline": QT_TRANSLATE_NOOP("CaseAction", "Decline dispatch"),
    "feedback": QT_TRANSLATE_NOOP("CaseAction", "Report handled"),
    "verify": QT_TRANSLATE_NOOP("CaseAction", "Verify"),
    "return_for_rework": QT_TRANSLATE_NOOP("CaseAction", "Return for rework"),
    "close": QT_TRANSLATE_NOOP("CaseAction", "Close"),
    "request_extension": QT_TRANSLATE_NOOP("CaseAction", "Request extension"),
    "grant_extension": QT_TRANSLATE_NOOP("CaseAction", "Grant extension"),
    "deny_extension": QT_TRANSLATE_NOOP("CaseAction", "Deny extension"),
    "suspend": QT_TRANSLATE_NOOP("CaseAction", "Suspend"),
    "resume": QT_TRANSLATE_NOOP("CaseAction", "Resume"),
    "transfer_unit": QT_TRANSLATE_NOOP("CaseAction", "Transfer to another unit"),
    "transfer_judicial": QT_TRANSLATE_NOOP("CaseAction", "Transfer to judicial body"),
}
ROLE_NAMES: dict[str, str] = {
    "inspector": QT_TRANSLATE_NOOP("Role", "Inspector"),
    "intake": QT_TRANSLATE_NOOP("Role", "Intake operator"),
    "shift_chief": QT_TRANSLATE_NOOP("Role", "Shift chief"),
    "dispatcher": QT_TRANSLATE_NOOP("Role", "Dispatcher"),
    "squad": QT_TRANSLATE_NOOP("Role", "Handling squad"),
    "supervisor": QT_TRANSLATE_NOOP("Role", "Supervisor"),
    "admin": QT_TRANSLATE_NOOP("Role", "Administrator"),
}
SOURCE_NAMES: dict[str, str] = {  # services.cases.SOURCES
    "hotline": QT_TRANSLATE_NOOP("CaseSource", "12345 hotline"),
    "public": QT_TRANSLATE_NOOP("CaseSource", "WeChat public account"),
    "inspector": QT_TRANSLATE_NOOP("CaseSource", "Grid worker / inspector"),
    "camera": QT_TRANSLATE_NOOP("CaseSource", "Camera"),
    "leader": QT_TRANSLATE_NOOP("CaseSource", "Assigned by a leader"),
}
_KIND_NAMES = {
    "component": QT_TRANSLATE_NOOP("CaseDetailPanel", "Component"),
    "event": QT_TRANSLATE_NOOP("CaseDetailPanel", "Event"),
}
_TIME_UNIT_NAMES = {
    "working_hours": QT_TRANSLATE_NOOP("CaseDetailPanel", "working hours"),
    "working_days": QT_TRANSLATE_NOOP("CaseDetailPanel", "working days"),
    "natural_hours": QT_TRANSLATE_NOOP("CaseDetailPanel", "hours"),
    "natural_days": QT_TRANSLATE_NOOP("CaseDetailPanel", "days"),
}
_BODY_NAMES = {  # services.cases.JUDICIAL_BODIES
    "police": QT_TRANSLATE_NOOP("CaseDetailPanel", "Police"),
    "procuratorate": QT_TRANSLATE_NOOP("CaseDetailPanel", "Procuratorate"),
    "court": QT_TRANSLATE_NOOP("CaseDetailPanel", "Court"),
}
_DEADLINE_NAMES = {
    DeadlineState.ON_TIME: QT_TRANSLATE_NOOP("CaseDetailPanel", "On time"),
    DeadlineState.DUE_SOON: QT_TRANSLATE_NOOP("CaseDetailPanel", "Due soon"),
    DeadlineState.OVERDUE: QT_TRANSLATE_NOOP("CaseDetailPanel", "Overdue"),
    DeadlineState.PAUSED: QT_TRANSLATE_NOOP("CaseDetailPanel", "Clock paused"),
    DeadlineState.NONE: QT_TRANSLATE_NOOP("CaseDetailPanel", "Clock not running"),
}
_DEADLINE_COLORS = {
    DeadlineState.ON_TIME: PALETTE.ok,
    DeadlineState.DUE_SOON: PALETTE.warning,
    DeadlineState.OVERDUE: PALETTE.danger,
    DeadlineState.PAUSED: PALETTE.muted,
    DeadlineState.NONE: PALETTE.muted,
}


def _name(context: str, table: Mapping[str, str], value: str) -> str:
    source = table.get(value)
    return QCoreApplication.translate(context, source) if source else value


def time_unit_name(unit: str | None) -> str:
    """The user-facing name of a `TimeUnit` value (e.g. 工作时)."""
    return _name("CaseDetailPanel", _TIME_UNIT_NAMES, unit or "")


def action_name(action: str) -> str:
    """The user-facing name of a workflow action (the raw value when unknown)."""
    return _name("CaseAction", ACTION_NAMES, action)


def role_name(role: str) -> str:
    return _name("Role", ROLE_NAMES, role)


def source_name(source: str) -> str:
    return _name("CaseSource", SOURCE_NAMES, source)


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseDetailPanel", text)


def _when(at: datetime | None) -> str:
    return at.strftime(TIME_FORMAT) if at is not None else "—"


def offered_actions(state: str, roles: Iterable[Role | str]) -> list[Action]:
    """The actions any of `roles` may take on a case in `state`, in the workflow's order."""
    try:
        case_state = CaseState(state)
    except ValueError:
        return []
    allowed: set[Action] = set()
    for role in roles:
        allowed.update(allowed_actions(case_state, Role(role)))
    return [a for a in Action if a in allowed]


def placeholder_pixmap(text: str, size: QSize = THUMB) -> QPixmap:
    """A dark tile with a short word, for an attachment that cannot be shown."""
    pixmap = QPixmap(size)
    pixmap.fill(QColor(PALETTE.alternate))
    painter = QPainter(pixmap)
    painter.setPen(QColor(PALETTE.border))
    painter.drawRect(0, 0, size.width() - 1, size.height() - 1)
    painter.setPen(QColor(PALETTE.muted))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
    painter.end()
    return pixmap


def thumbnail(path: str, size: QSize = THUMB) -> QPixmap | None:
    """A thumbnail of the image at `path`, decoded at thumbnail size; None if unreadable."""
    if not path or not Path(path).is_file():
        return None
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    full = reader.size()
    if full.isValid():
        reader.setScaledSize(full.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    return QPixmap.fromImage(image)


def preview_pixmap(data: bytes, size: QSize = THUMB) -> QPixmap | None:
    """A thumbnail of a stored picture (camera snapshot bytes); None if not decodable."""
    image = QImage.fromData(data)
    if image.isNull():
        return None
    return QPixmap.fromImage(image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))


class CaseDetailPanel(QWidget):
    """Everything about one case; action buttons for what the user's roles may do.

    Signals:
        actionRequested(str, int, str): action value, case id, note ("" when the action
            needs none; asked for first when `workflow.NOTE_REQUIRED` says so).
        openCameraRequested(int): a camera id — put it on the camera wall.
        openCamerasRequested(list): the cameras that cover the case — put them all on the wall.
    """

    actionRequested = Signal(str, int, str)  # noqa: N815
    openCameraRequested = Signal(int)  # noqa: N815
    openCamerasRequested = Signal(list)  # noqa: N815 — camera ids, nearest first
    registryLinkRequested = Signal(int, object)  # noqa: N815 — case id, object id (None: unlink)
    registryObjectRequested = Signal(str, int)  # noqa: N815 — the linked object's kind and id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseDetail")
        self.setAutoFillBackground(True)
        self._detail: CaseDetail | None = None
        self._roles: tuple[Role, ...] = ()
        self._now: datetime | None = None
        self._fields: list[tuple[str, str]] = []
        self._action_buttons: dict[str, QPushButton] = {}
        self._camera_buttons: dict[int, QPushButton] = {}

        # header
        self.case_no_label = QLabel(self)
        self.case_no_label.setObjectName("caseDetailNo")
        font = QFont(self.case_no_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.case_no_label.setFont(font)
        self.case_no_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("caseDetailState")
        self.category_label = QLabel(self)
        self.category_label.setObjectName("caseDetailCategory")
        self.category_label.setWordWrap(True)
        self.category_label.setStyleSheet(f"color: {PALETTE.label};")
        self.hint_label = QLabel(self)
        self.hint_label.setStyleSheet(f"color: {PALETTE.muted};")
        self.hint_label.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.case_no_label)
        head.addStretch(1)
        head.addWidget(self.state_label)

        # body, scrolled
        body = QWidget()
        body.setObjectName("caseDetailBody")
        self._form_host = QWidget(body)
        self.form = QGridLayout(self._form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(4)
        self.form.setColumnStretch(1, 1)
        self.form.setColumnStretch(3, 1)

        self.legal_label = QLabel(body)
        self.legal_label.setObjectName("caseDetailLegal")
        self.legal_label.setWordWrap(True)
        self.legal_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.legal_label.setStyleSheet(
            f"QLabel {{ background: {PALETTE.alternate}; border: 1px solid {PALETTE.border};"
            f" padding: 6px; color: {PALETTE.text}; }}"
        )

        self.layers = LayerList([CameraLayer(), CaseLayer()])
        self.map = MapCanvas(self.layers, body, clock=self._clock)
        self.map.setObjectName("caseDetailMap")
        self.map.setFixedHeight(220)
        self.map.featureClicked.connect(self._on_map_feature)

        self.photos = QListWidget(body)
        self.photos.setObjectName("caseDetailPhotos")
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setIconSize(THUMB)
        self.photos.setResizeMode(QListView.ResizeMode.Adjust)
        self.photos.setMovement(QListView.Movement.Static)
        self.photos.setWrapping(False)
        self.photos.setFixedHeight(THUMB.height() + 46)
        self.photos.setSpacing(4)

        self.timeline = QTreeWidget(body)
        self.timeline.setObjectName("caseDetailTimeline")
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)

        self._cameras_host = QWidget(body)
        self._cameras_layout = QVBoxLayout(self._cameras_host)
        self._cameras_layout.setContentsMargins(0, 0, 0, 0)
        self._cameras_layout.setSpacing(2)
        self._build_registry_link(body)

        self._titles: dict[str, QLabel] = {}
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 4, 0)
        inner.setSpacing(4)
        inner.addWidget(self._form_host)
        for key, widget in (
            ("legal", self.legal_label),
            ("map", self.map),
            ("photos", self.photos),
            ("timeline", self.timeline),
            ("cameras", self._cameras_host),
            ("registry", self._registry_host),
        ):
            title = QLabel(body)
            title.setStyleSheet(f"color: {PALETTE.accent}; font-weight: bold; margin-top: 6px;")
            self._titles[key] = title
            inner.addWidget(title)
            inner.addWidget(widget)
        inner.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)

        # actions
        self._actions_host = QWidget(self)
        self._actions_host.setObjectName("caseDetailActions")
        self._actions_layout = QGridLayout(self._actions_host)
        self._actions_layout.setContentsMargins(0, 4, 0, 0)
        self.actions_hint = QLabel(self)
        self.actions_hint.setStyleSheet(f"color: {PALETTE.muted};")
        self.actions_hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.category_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.actions_hint)
        layout.addWidget(self._actions_host)
        self.clear()

    # -- plain API ------------------------------------------------------------------
    @property
    def detail(self) -> CaseDetail | None:
        return self._detail

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) of each field shown, in reading order."""
        return list(self._fields)

    def field(self, label: str) -> str | None:
        return next((v for k, v in self._fields if k == label), None)

    def action_buttons(self) -> dict[str, QPushButton]:
        """The action buttons shown, by action value, in the workflow's order."""
        return dict(self._action_buttons)

    def camera_buttons(self) -> dict[int, QPushButton]:
        return dict(self._camera_buttons)

    def timeline_rows(self) -> list[tuple[str, ...]]:
        """The trail as shown: (when, who, what, from → to, note, workstation) per step."""
        return [
            tuple(item.text(c) for c in range(self.timeline.columnCount()))
            for item in (
                self.timeline.topLevelItem(i) for i in range(self.timeline.topLevelItemCount())
            )
        ]

    def clear(self) -> None:
        """Show the hint only."""
        self._detail = None
        self.case_no_label.setText("")
        self.state_label.setText("")
        self.category_label.setText("")
        self.hint_label.setText(self.tr("Select a case to see its details."))
        self.hint_label.show()
        self.scroll.hide()
        self.actions_hint.hide()
        self._set_actions([])

    def show_detail(
        self, detail: CaseDetail, roles: Iterable[Role | str], now: datetime | None = None
    ) -> None:
        """Show `detail` with buttons for what `roles` may do in its state; `now` is the time
        the deadline is counted against (the time of loading, by default)."""
        self._detail = detail
        self._roles = tuple(Role(r) for r in roles)
        self._now = now
        self.hint_label.hide()
        self.scroll.show()
        self._fill_header(detail)
        self._fill_form(detail)
        self._fill_legal(detail)
        self._fill_map(detail)
        self._fill_photos(detail.attachments)
        self._fill_timeline(detail)
        self._fill_cameras(detail)
        self._fill_registry(detail)
        self._set_actions(offered_actions(detail.state, self._roles))
        self._retitle()

    # -- filling --------------------------------------------------------------------
    def _clock(self) -> datetime:
        if self._now is not None:
            return self._now
        return self._detail.updated_at if self._detail is not None else datetime.now()

    def _fill_header(self, d: CaseDetail) -> None:
        self.case_no_label.setText(d.case_no)
        state = state_name(d.state)
        if d.urgent:
            state += " · " + self.tr("Urgent")
        color = case_color(d.state, d.overdue)
        self.state_label.setText(state)
        self.state_label.setStyleSheet(
            f"QLabel {{ color: {PALETTE.window}; background: {color}; border-radius: 3px;"
            " padding: 2px 8px; font-weight: bold; }"
        )
        klass = f"{d.major_name} › " if d.major_name else ""
        self.category_label.setText(f"{klass}{d.category_code} {d.category_name}")

    def _deadline_text(self, d: CaseDetail) -> str:
        text = _tr(_DEADLINE_NAMES[d.deadline_state])
        now = self._now
        if d.deadline_at is not None and now is not None:
            if d.deadline_state is DeadlineState.OVERDUE:
                text += " · " + self.tr("{span} late").format(span=format_span(now - d.deadline_at))
            elif d.deadline_state in (DeadlineState.ON_TIME, DeadlineState.DUE_SOON):
                text += " · " + self.tr("{span} left").format(span=format_span(d.deadline_at - now))
        if d.handled_on_time is not None and d.deadline_state is DeadlineState.NONE:
            text += " · " + (
                self.tr("handled on time") if d.handled_on_time else self.tr("handled late")
            )
        return text

    def _fill_form(self, d: CaseDetail) -> None:
        limit = "—"
        if d.time_limit is not None:
            unit = _name("CaseDetailPanel", _TIME_UNIT_NAMES, d.time_unit or "")
            limit = f"{d.time_limit:g} {unit}"
            if d.extension_amount:
                limit += " " + self.tr("(+{n:g} extended)").format(n=d.extension_amount)
        district = d.district_name or ""
        if d.district_code:
            district = f"{district} ({d.district_code})" if district else d.district_code
        squad = d.squad_name or "—"
        transferred = (
            _name("CaseDetailPanel", _BODY_NAMES, d.transferred_to) if d.transferred_to else "—"
        )
        rows: list[tuple[str, str, str | None, bool]] = [  # label, value, colour, full width
            (self.tr("Description"), d.description or "—", None, True),
            (self.tr("Address"), d.address or "—", None, True),
            (self.tr("Kind"), _name("CaseDetailPanel", _KIND_NAMES, d.kind), None, False),
            (self.tr("Source"), source_name(d.source), None, False),
            (self.tr("Position"), f"{d.lon:.6f}, {d.lat:.6f}", None, False),
            (self.tr("Unit grid"), d.grid_code or "—", None, False),
            (self.tr("District"), district or "—", None, False),
            (self.tr("Reporter"), d.reporter_name or self.tr("System"), None, False),
            (self.tr("Handling unit"), d.unit_name or self.tr("Not dispatched"), None, False),
            (self.tr("Squad"), squad, None, False),
            (self.tr("Responsible type"), d.responsible_unit_type_name or "—", None, False),
            (self.tr("Time limit"), limit, None, False),
            (self.tr("Deadline"), _when(d.deadline_at), None, False),
            (
                self.tr("Deadline state"),
                self._deadline_text(d),
                _DEADLINE_COLORS[d.deadline_state],
                False,
            ),
            (self.tr("Reported at"), _when(d.reported_at), None, False),
            (self.tr("Registered at"), _when(d.registered_at), None, False),
            (self.tr("Dispatched at"), _when(d.dispatched_at), None, False),
            (self.tr("Handled at"), _when(d.handled_at), None, False),
            (self.tr("Verified at"), _when(d.verified_at), None, False),
            (self.tr("Closed at"), _when(d.closed_at), None, False),
            (self.tr("Rework"), str(d.rework_count), None, False),
            (self.tr("Extensions"), str(d.extension_count), None, False),
            (self.tr("Suspensions"), str(d.suspend_count), None, False),
            (self.tr("Transferred to"), transferred, None, False),
            (self.tr("Updated at"), _when(d.updated_at), None, False),
            (self.tr("Version"), str(d.version), None, False),
        ]
        if d.resume_state:
            rows.append((self.tr("Paused from"), state_name(d.resume_state), None, False))
        ask = d.pending_extension
        if ask is not None:
            rows.append((
                self.tr("Extension asked"),
                self.tr("{amount:g} {unit} more, by {who} at {at}: {reason}").format(
                    amount=ask.amount, unit=time_unit_name(ask.unit), who=ask.asked_by or "—",
                    at=_when(ask.asked_at), reason=ask.reason or "—"),
                PALETTE.warning, True,
            ))
        while self.form.count():
            item = self.form.takeAt(0)
            _discard(item.widget())
        self._fields = [(label, value) for label, value, _, _ in rows]
        row = col = 0
        for label, value, color, wide in rows:
            if wide and col:
                row, col = row + 1, 0
            name = QLabel(label, self._form_host)
            name.setStyleSheet(f"color: {PALETTE.muted};")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            shown = QLabel(value, self._form_host)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setStyleSheet(f"color: {color or PALETTE.text};")
            self.form.addWidget(name, row, col)
            self.form.addWidget(shown, row, col + 1, 1, 3 if wide else 1)
            if wide or col:
                row, col = row + 1, 0
            else:
                col = 2

    def _fill_legal(self, d: CaseDetail) -> None:
        # (tr() outside the f-strings: lupdate does not look inside them)
        basis, penalty = self.tr("Legal basis"), self.tr("Penalty")
        parts = [f"<b>{basis}:</b> {_html(d.legal_basis or '—')}"]
        if d.penalty:
            parts.append(f"<b>{penalty}:</b> {_html(d.penalty)}")
        self.legal_label.setText("<br>".join(parts))

    def _fill_map(self, d: CaseDetail) -> None:
        row = CaseRow(
            id=d.id,
            case_no=d.case_no,
            category_code=d.category_code,
            category_name=d.category_name,
            state=d.state,
            district_code=d.district_code or "",
            address=d.address,
            lon=d.lon,
            lat=d.lat,
            reported_at=d.reported_at,
            deadline_at=d.deadline_at,
            overdue=d.overdue,
            squad_name=d.squad_name,
            urgent=d.urgent,
        )
        self.layers["cases"].set_cases([row])  # type: ignore[attr-defined]
        self.layers["cameras"].set_cameras(  # type: ignore[attr-defined]
            [CameraRow(c.id, c.code, c.name, c.lon, c.lat, "", c.enabled) for c in d.nearby_cameras]
        )
        dlat = MAP_HALF_SIZE_M / 111_000.0
        dlon = dlat * 1.34  # ≈ 1 / cos(41.6°): a square box at Chaoyang's latitude
        self.map.fit_lonlat(d.lon - dlon, d.lat - dlat, d.lon + dlon, d.lat + dlat)
        self.map.select("cases", d.id)

    def _fill_photos(self, attachments: Iterable[AttachmentInfo]) -> None:
        self.photos.clear()
        for a in attachments:
            pixmap = (preview_pixmap(a.preview) if a.preview else
                      thumbnail(a.path) if a.is_image else None)
            if pixmap is None:
                word = self.tr("Missing") if a.is_image else a.kind
                pixmap = placeholder_pixmap(word)
            item = QListWidgetItem(QIcon(pixmap), _when(a.taken_at)[5:])
            item.setToolTip(f"{a.path}\n{a.kind} · {_when(a.taken_at)}")
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.photos.addItem(item)
        if not self.photos.count():
            item = QListWidgetItem(self.tr("No photos"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.photos.addItem(item)

    def _fill_timeline(self, d: CaseDetail) -> None:
        self.timeline.clear()
        self.timeline.setHeaderLabels(
            [
                self.tr("When"),
                self.tr("Who"),
                self.tr("What"),
                self.tr("State"),
                self.tr("Note"),
                self.tr("Workstation"),
            ]
        )
        rows: list[tuple[datetime, QTreeWidgetItem]] = []
        for t in d.timeline:
            system = self.tr("System")
            who = f"{t.actor_name or system} ({role_name(t.actor_role)})"
            states = state_name(t.to_state)
            if t.from_state:
                states = f"{state_name(t.from_state)} → {states}"
            item = QTreeWidgetItem(
                [_when(t.at), who, action_name(t.action), states, t.note, t.workstation or ""]
            )
            item.setToolTip(4, t.note)
            rows.append((t.at, item))
        for a in d.attachments:  # camera evidence takes its place in the trail by its time
            if a.camera_id is None:
                continue
            what = self.tr("Snapshot") if a.kind == "photo" else self.tr("Video clip")
            item = QTreeWidgetItem([
                _when(a.taken_at), self.tr("Camera {name}").format(name=a.camera_name or "?"),
                what, "", a.path, "",
            ])
            item.setForeground(2, QColor(PALETTE.camera))
            rows.append((a.taken_at, item))
        rows.sort(key=lambda r: r[0])
        for _, item in rows:
            self.timeline.addTopLevelItem(item)
        header = self.timeline.header()
        header.setStretchLastSection(False)
        for column in range(self.timeline.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # tall enough for up to 8 steps without an inner scroll bar
        count = self.timeline.topLevelItemCount()
        rows = min(max(count, 1), 8)
        row_h = self.timeline.sizeHintForRow(0) if count else 20
        self.timeline.setFixedHeight(header.sizeHint().height() + rows * max(row_h, 18) + 24)

    def _fill_cameras(self, d: CaseDetail) -> None:
        while self._cameras_layout.count():
            item = self._cameras_layout.takeAt(0)
            _discard(item.widget())
        self._camera_buttons = {}
        if not d.nearby_cameras:
            none = QLabel(self.tr("No camera within 300 m"), self._cameras_host)
            none.setStyleSheet(f"color: {PALETTE.muted};")
            self._cameras_layout.addWidget(none)
            return
        seeing = [c.id for c in d.nearby_cameras if c.covers and c.enabled]
        if seeing:
            all_button = QPushButton(
                self.tr("Open the {n} cameras that see it on the wall").format(n=len(seeing))
                if len(seeing) > 1 else self.tr("Open the camera that sees it on the wall"),
                self._cameras_host,
            )
            all_button.setObjectName("openCoveringCameras")
            all_button.clicked.connect(lambda _=False: self.openCamerasRequested.emit(seeing))
            self._cameras_layout.addWidget(all_button)
            self._camera_buttons[-1] = all_button
        for cam in d.nearby_cameras:
            line = QWidget(self._cameras_host)
            box = QHBoxLayout(line)
            box.setContentsMargins(0, 0, 0, 0)
            label = QLabel(
                (self.tr("{name} · {m} m · sees it") if cam.covers
                 else self.tr("{name} · {m} m · not facing it")).format(
                    name=cam.name, m=round(cam.distance_m)),
                line,
            )
            label.setStyleSheet(
                f"color: {PALETTE.camera if cam.enabled and cam.covers else PALETTE.muted};")
            button = QPushButton(self.tr("Open on wall"), line)
            button.setEnabled(cam.enabled)
            if not cam.enabled:
                button.setToolTip(self.tr("Camera disabled"))
            button.clicked.connect(lambda _=False, cid=cam.id: self.openCameraRequested.emit(cid))
            box.addWidget(label, 1)
            box.addWidget(button)
            self._cameras_layout.addWidget(line)
            self._camera_buttons[cam.id] = button

    def _set_actions(self, actions: list[Action]) -> None:
        while self._actions_layout.count():
            item = self._actions_layout.takeAt(0)
            _discard(item.widget())
        self._action_buttons = {}
        for i, action in enumerate(actions):
            button = QPushButton(action_name(action), self._actions_host)
            button.setObjectName(f"caseAction_{action.value}")
            if action in NOTE_REQUIRED and action not in ASKS_OWN_NOTE:
                button.setToolTip(self.tr("Asks for a reason first"))
            button.clicked.connect(lambda _=False, a=action: self._on_action(a))
            self._actions_layout.addWidget(button, i // 3, i % 3)
            self._action_buttons[action.value] = button
        if self._detail is None:
            self.actions_hint.hide()
        else:
            self.actions_hint.setText(
                "" if actions else self.tr("Your roles can take no action on this case now.")
            )
            self.actions_hint.setVisible(not actions)

    def _retitle(self) -> None:
        titles = {
            "legal": self.tr("Legal basis and penalty"),
            "map": self.tr("Location"),
            "photos": self.tr("Photos and snapshots"),
            "timeline": self.tr("Trail"),
            "cameras": self.tr("Nearest cameras"),
            "registry": self.tr("Registry object"),
        }
        for key, text in titles.items():
            self._titles[key].setText(text)

    # -- slots ------------------------------------------------------------------------
    def _on_action(self, action: Action) -> None:
        """Turn a click into `actionRequested`, asking for the reason the domain requires."""
        detail = self._detail
        if detail is None:
            return
        note = ""
        if action in NOTE_REQUIRED and action not in ASKS_OWN_NOTE:
            text, ok = QInputDialog.getText(
                self,
                action_name(action),
                self.tr("Reason for “{action}” on case {no}:").format(
                    action=action_name(action), no=detail.case_no
                ),
            )
            if not ok:
                return
            note = text.strip()
            if not note:
                self.actions_hint.setText(
                    self.tr("“{action}” needs a reason; nothing was done.").format(
                        action=action_name(action)
                    )
                )
                self.actions_hint.show()
                return
        self.actionRequested.emit(action.value, detail.id, note)

    def _on_map_feature(self, kind: str, key: object) -> None:
        if kind == "cameras" and isinstance(key, int):
            self.openCameraRequested.emit(key)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:
            if self._detail is not None:
                self.show_detail(self._detail, self._roles, self._now)
            else:
                self.clear()
        super().changeEvent(event)


    # -- 关联台账: the registry object the case is about ---------------------------------
    def _build_registry_link(self, parent: QWidget) -> None:
        self._registry_host = QWidget(parent)
        self._registry_host.setObjectName("caseRegistryLink")
        self.registry_label = QLabel(self._registry_host)
        self.registry_label.setObjectName("caseRegistryObject")
        self.registry_label.setWordWrap(True)
        self.registry_label.setTextFormat(Qt.TextFormat.RichText)
        self.registry_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        # The linked object opens on its registry's page (the registries' window).
        self.registry_label.linkActivated.connect(self._open_linked)
        self.link_button = QPushButton(self._registry_host)
        self.link_button.setObjectName("caseRegistryLinkButton")
        self.link_button.clicked.connect(self._offer_candidates)
        self.unlink_button = QPushButton(self._registry_host)
        self.unlink_button.setObjectName("caseRegistryUnlinkButton")
        self.unlink_button.clicked.connect(self._unlink)
        self.link_menu: QMenu | None = None  # the candidates offered by the latest 关联…
        box = QHBoxLayout(self._registry_host)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.registry_label, 1)
        box.addWidget(self.link_button)
        box.addWidget(self.unlink_button)

    def registry_candidates(self) -> list[RegistryObjectRef]:
        """The objects 关联… offers for the case shown, in the order offered."""
        link = self._detail.registry if self._detail is not None else None
        return list(link.candidates) if link is not None else []

    def may_link(self) -> bool:
        return bool(set(self._roles) & LINK_ROLES)

    def _fill_registry(self, d: CaseDetail) -> None:
        link = d.registry
        self._registry_host.setVisible(link is not None)
        self._titles["registry"].setVisible(link is not None)
        if link is None:
            return
        linked = link.linked
        if linked is None:
            self.registry_label.setText(html.escape(self.tr("Not linked")))
            self.registry_label.setStyleSheet(f"color: {PALETTE.muted};")
            self.registry_label.setToolTip("")
        else:
            self.registry_label.setText(
                f'<a href="registry:{linked.kind}:{linked.id}" '
                f'style="color: {PALETTE.text};">{html.escape(_object_text(linked))}</a>'
            )
            self.registry_label.setStyleSheet(f"color: {PALETTE.text};")
            self.registry_label.setToolTip(self.tr("Open the object's page in the registries"))
        allowed = self.may_link()
        self.link_button.setText(self.tr("Link…"))
        self.unlink_button.setText(self.tr("Unlink"))
        self.link_button.setVisible(allowed)
        self.unlink_button.setVisible(allowed and linked is not None)
        self.link_button.setEnabled(bool(link.candidates))
        self.link_button.setToolTip(
            "" if link.candidates else self.tr("No registry object within 150 m")
        )

    def _offer_candidates(self) -> None:
        """关联…: a menu of the candidates; choosing one asks for the link."""
        detail = self._detail
        if detail is None or not self.may_link():
            return
        if self.link_menu is not None:
            self.link_menu.deleteLater()
        menu = QMenu(self)
        for ref in self.registry_candidates():
            action = menu.addAction(_object_text(ref, with_distance=True))
            action.setData(ref.id)
            action.triggered.connect(
                lambda _=False, oid=ref.id: self.registryLinkRequested.emit(detail.id, oid)
            )
        self.link_menu = menu
        menu.popup(self.link_button.mapToGlobal(self.link_button.rect().bottomLeft()))

    def _open_linked(self, href: str) -> None:
        scheme, _, rest = href.partition(":")
        kind, _, object_id = rest.partition(":")
        if scheme == "registry" and object_id.isdigit():
            self.registryObjectRequested.emit(kind, int(object_id))

    def _unlink(self) -> None:
        detail = self._detail
        if detail is not None and self.may_link() and detail.registry and detail.registry.linked:
            self.registryLinkRequested.emit(detail.id, None)


def _object_text(ref: RegistryObjectRef, *, with_distance: bool = False) -> str:
    """The object in one line (违法建设 · WJ000001 · name · 已发现), with its distance."""
    kind = registry_text.kind_label(ref.kind)
    text = f"{kind} · {ref.code} · {ref.name} · {registry_text.status_label(ref.kind, ref.status)}"
    if with_distance and ref.distance_m is not None:
        text += f" · {round(ref.distance_m)} m"
    return text


def connect_registry_link(
    panel: CaseDetailPanel,
    registries: RegistryService,
    run: Callable[..., object],
    actor: Callable[[], Actor | None],
    *,
    on_linked: Callable[[int], object],
) -> None:
    """Carry the panel's 关联台账 requests to `registries.link_case` on the worker: `run(fn,
    on_done, on_error)` (a `TaskManager.run`), as `actor()` (None: the operator's roles may
    not link; nothing is done). `on_linked(case id)` shows the case again; a refusal is
    shown under the actions."""

    def failed(exc: BaseException) -> None:
        panel.actions_hint.setText(str(exc))
        panel.actions_hint.show()

    def link(case_id: int, object_id: object) -> None:
        who = actor()
        if who is None or who.role not in LINK_ROLES:
            failed(PermissionError(QCoreApplication.translate(
                "CaseDetailPanel", "Your roles may not link cases to registry objects.")))
            return
        target = None if object_id is None else int(object_id)  # type: ignore[call-overload]
        run(lambda: registries.link_case(who, case_id, target),
            lambda _changes: on_linked(case_id), failed)

    panel.registryLinkRequested.connect(link)


def _discard(widget: QWidget | None) -> None:
    """Hide a widget taken out of a layout now and delete it later."""
    if widget is not None:
        widget.hide()
        widget.deleteLater()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
