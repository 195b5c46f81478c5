"""Cases the cameras suggest (视频发现): motion persisted in a camera's zone; the intake
operator looks at the snapshot and accepts (a reported case, source camera, with the snapshot
as evidence) or dismisses it.

Clicks become `SuggestionService` calls through `submit(fn, on_done, on_error)` (the database
worker). Who may accept is the service's rule; the buttons follow the signed-in roles.

Signals:
    caseCreated(int): a suggestion became this case (the desk opens it).
    countChanged(int): how many suggestions are waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Role
from command_center.services.cases import Actor
from command_center.services.suggestions import Suggestion, SuggestionService
from command_center.ui.theme import PALETTE

__all__ = ["ACCEPTING_ROLES", "SuggestionsPanel"]

Submit = Callable[[Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None]
ACCEPTING_ROLES = (Role.INTAKE, Role.SHIFT_CHIEF, Role.ADMIN)
THUMB = QSize(160, 90)


class SuggestionsPanel(QWidget):
    caseCreated = Signal(int)  # noqa: N815
    countChanged = Signal(int)  # noqa: N815

    def __init__(
        self, service: SuggestionService, catalogue: Catalogue, submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionsPanel")
        self.service, self.catalogue, self.submit = service, catalogue, submit
        self.actor: Actor | None = None
        self.rows: list[Suggestion] = []
        self.list = QListWidget(self)
        self.list.setObjectName("suggestionList")
        self.list.setIconSize(THUMB)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self.list.itemDoubleClicked.connect(lambda _item: self.accept_selected())
        self.accept_button = QPushButton(self.tr("Accept as case"), self)
        self.accept_button.setObjectName("acceptSuggestion")
        self.accept_button.clicked.connect(self.accept_selected)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), self)
        self.dismiss_button.setObjectName("dismissSuggestion")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._enable()

    # -- who works here --------------------------------------------------------------------
    def set_operator(self, roles: frozenset[Role], person_id: int | None) -> None:
        role = next((r for r in ACCEPTING_ROLES if r in roles), None)
        self.actor = Actor(person_id, role) if role is not None and person_id else None
        self._enable()

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        service = self.service
        self.submit(lambda: [(s, service.snapshot(s.id) if s.has_snapshot else None)
                             for s in service.suggestions()], self._show, self._failed)

    def _show(self, rows: Sequence[tuple[Suggestion, bytes | None]]) -> None:
        selected = self.selected()
        self.rows = [s for s, _ in rows]
        self.list.clear()
        for s, jpeg in rows:
            category = self.catalogue.get(s.category_code)
            name = category.name if category else s.category_code
            text = self.tr("{category} · {camera} {zone}\n{time} · moving {peak:.0%} · {grid}").format(
                category=name, camera=s.camera_name, zone=s.zone_name,
                time=f"{s.detected_at.astimezone(CST):%m-%d %H:%M}", peak=s.peak,
                grid=s.grid_code or "—",
            )
            item = QListWidgetItem(text)
            if jpeg:
                image = QImage.fromData(jpeg)
                if not image.isNull():
                    item.setIcon(QIcon(QPixmap.fromImage(image.scaled(
                        THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation))))
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            self.list.addItem(item)
            if selected is not None and s.id == selected.id:
                self.list.setCurrentItem(item)
        self.message.setText(
            self.tr("{n} suggested by the cameras, waiting for a decision.").format(n=len(rows))
            if rows else self.tr("No suggestion from the cameras is waiting.")
        )
        self.message.setStyleSheet(f"color: {PALETTE.warning};" if rows else "")
        self.countChanged.emit(len(rows))
        self._enable()

    def selected(self) -> Suggestion | None:
        row = self.list.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # -- deciding ----------------------------------------------------------------------------
    def accept_selected(self) -> None:
        s, actor = self.selected(), self.actor
        if s is None or actor is None:
            return
        service = self.service
        self.submit(lambda: service.accept(actor, s.id), self._accepted, self._failed)

    def dismiss_selected(self) -> None:
        s, actor = self.selected(), self.actor
        if s is None or actor is None:
            return
        service = self.service
        self.submit(lambda: service.dismiss(actor, s.id), lambda _c: self.reload(), self._failed)

    def _accepted(self, changes: Any) -> None:
        self.reload()
        self.caseCreated.emit(changes.case_id)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(self.tr("Not done: {error}").format(error=exc))
        self.message.setStyleSheet(f"color: {PALETTE.danger};")
        self.reload()

    def _enable(self) -> None:
        ok = self.actor is not None and self.selected() is not None
        self.accept_button.setEnabled(ok)
        self.dismiss_button.setEnabled(ok)
