"""Judicial hand-over (司法衔接) dialogs: transfer a case, and record the receiving body's
feedback.

`TransferDialog` asks for the body (公安机关 / 检察机关 / 人民法院), the documents sent (an
editable list with the usual ones offered) and the reason, then calls
`JudicialService.transfer`; `FeedbackDialog` asks for the body's answer (accepted, rejected,
closed with an outcome), its file number (文号) and a note, then calls
`JudicialService.record_feedback`. Both run the call through `submit(fn, on_done, on_error)`
(the database worker) and stay open when it is refused: the refusal is shown in the dialog
and nothing typed is lost. The rules are the service's and `domain.judicial`'s; the dialogs
only offer what `domain.judicial.NEXT` allows and check that required fields are filled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.judicial import NEXT, FeedbackStatus, Outcome
from command_center.services.cases import JUDICIAL_BODIES, Actor
from command_center.services.changes import Changes
from command_center.services.judicial import MAX_REFERENCE_NO, JudicialService, TransferRow
from command_center.ui.theme import PALETTE

__all__ = [
    "DOCUMENT_PRESETS",
    "STATUS_COLORS",
    "FeedbackDialog",
    "TransferDialog",
    "body_name",
    "outcome_name",
    "status_name",
]

Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None
]
TIME_FORMAT = "%Y-%m-%d %H:%M"

# The documents that usually go with a case (they are recorded as written, in Chinese, like
# the case's own texts — not translated).
DOCUMENT_PRESETS: tuple[str, ...] = (
    "案件移送书",
    "调查笔录",
    "询问笔录",
    "现场检查笔录",
    "现场照片",
    "视听资料",
    "证据清单",
    "涉案物品清单",
)
DEFAULT_DOCUMENTS: tuple[str, ...] = ("案件移送书",)

STATUS_COLORS: dict[FeedbackStatus, str] = {
    FeedbackStatus.AWAITING: PALETTE.warning,
    FeedbackStatus.ACCEPTED: PALETTE.accent,
    FeedbackStatus.REJECTED: PALETTE.danger,
    FeedbackStatus.CLOSED: PALETTE.ok,
}

_CONTEXT = "Judicial"
_BODY_NAMES: dict[str, str] = {  # services.cases.JUDICIAL_BODIES
    "police": QT_TRANSLATE_NOOP("Judicial", "Police"),
    "procuratorate": QT_TRANSLATE_NOOP("Judicial", "Procuratorate"),
    "court": QT_TRANSLATE_NOOP("Judicial", "Court"),
}
_STATUS_NAMES: dict[str, str] = {
    FeedbackStatus.AWAITING: QT_TRANSLATE_NOOP("Judicial", "Awaiting feedback"),
    FeedbackStatus.ACCEPTED: QT_TRANSLATE_NOOP("Judicial", "Accepted"),
    FeedbackStatus.REJECTED: QT_TRANSLATE_NOOP("Judicial", "Not accepted"),
    FeedbackStatus.CLOSED: QT_TRANSLATE_NOOP("Judicial", "Closed"),
}
_OUTCOME_NAMES: dict[str, str] = {
    Outcome.PENALISED: QT_TRANSLATE_NOOP("Judicial", "Administrative penalty"),
    Outcome.PROSECUTED: QT_TRANSLATE_NOOP("Judicial", "Prosecuted"),
    Outcome.JUDGED: QT_TRANSLATE_NOOP("Judicial", "Judged"),
    Outcome.RETURNED: QT_TRANSLATE_NOOP("Judicial", "Returned"),
    Outcome.NO_ACTION: QT_TRANSLATE_NOOP("Judicial", "No action taken"),
}


def _name(table: Mapping[str, str], value: str | None) -> str:
    if not value:
        return ""
    source = table.get(value)
    return QCoreApplication.translate(_CONTEXT, source) if source else value


def body_name(body: str) -> str:
    """The user-facing name of a receiving body (公安机关…); the raw value when unknown."""
    return _name(_BODY_NAMES, body)


def status_name(status: FeedbackStatus | str) -> str:
    """The user-facing name of a feedback status (待反馈…)."""
    return _name(_STATUS_NAMES, str(status))


def outcome_name(outcome: Outcome | str | None) -> str:
    """The user-facing name of an outcome (提起公诉…); "" for none."""
    return _name(_OUTCOME_NAMES, str(outcome) if outcome else None)


def when(at: datetime | None) -> str:
    return at.astimezone(CST).strftime(TIME_FORMAT) if at is not None else "—"


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("judicialError")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"color: {PALETTE.danger};")
    label.hide()
    return label


class _ServiceDialog(QDialog):
    """A dialog whose OK runs one service call on the worker: accepted when it succeeds,
    kept open with the refusal shown when it does not.

    Signals:
        saved(object): the call succeeded (its `Changes`); the dialog is then accepted.
        refused(str): the message shown for a missing field or a refusal by the service.
    """

    saved = Signal(object)
    refused = Signal(str)

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submit = submit
        self.busy = False
        self.last_error: BaseException | None = None
        self.error = _error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.refused.emit(text)

    def _run(self, call: Callable[[], Changes]) -> None:
        if self.busy:
            return
        self.busy = True
        self.ok_button.setEnabled(False)
        self.error.hide()
        self.submit(call, self._done, self._failed)

    def _done(self, changes: Changes) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        self.last_error = None
        self.saved.emit(changes)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        self.last_error = exc
        # (an explicit context: `self.tr` here would look in the subclass's)
        self.show_error(
            QCoreApplication.translate("Judicial", "Not saved: {error}").format(error=exc)
        )


class TransferDialog(_ServiceDialog):
    """移送司法: body, documents sent and the reason for one case."""

    def __init__(
        self,
        service: JudicialService,
        actor: Actor,
        case_id: int,
        case_label: str,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        expected_version: int | None = None,
        note: str = "",
        documents: Sequence[str] = DEFAULT_DOCUMENTS,
    ) -> None:
        super().__init__(submit, parent)
        self.setObjectName("judicialTransferDialog")
        self.service, self.actor, self.case_id = service, actor, case_id
        self.expected_version = expected_version
        self.setWindowTitle(self.tr("Transfer to a judicial body"))
        self.setMinimumWidth(520)

        case = QLabel(case_label)
        case.setObjectName("judicialCase")
        case.setWordWrap(True)
        case.setStyleSheet(f"color: {PALETTE.label}; font-weight: bold;")
        self.body = QComboBox()
        self.body.setObjectName("judicialBody")
        for key in JUDICIAL_BODIES:
            self.body.addItem(body_name(key), key)

        self.documents = QListWidget()
        self.documents.setObjectName("judicialDocuments")
        self.documents.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.documents.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.documents.setMinimumHeight(130)
        self.documents.setSpacing(2)
        self.preset = QComboBox()
        self.preset.setObjectName("judicialPreset")
        self.preset.setEditable(True)
        self.preset.addItems(DOCUMENT_PRESETS)
        self.preset.setCurrentIndex(-1)
        self.preset.lineEdit().setPlaceholderText(self.tr("choose or type a document"))
        self.preset.setMinimumContentsLength(14)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setObjectName("judicialAddDocument")
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("judicialRemoveDocument")
        add_row = QHBoxLayout()
        add_row.addWidget(self.preset, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.remove_button)
        docs_box = QWidget()
        docs = QVBoxLayout(docs_box)
        docs.setContentsMargins(0, 0, 0, 0)
        docs.addWidget(self.documents, 1)
        docs.addLayout(add_row)
        hint = QLabel(self.tr("Double-click a document to edit it; list every piece sent."))
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {PALETTE.muted};")
        docs.addWidget(hint)

        self.note = QPlainTextEdit()
        self.note.setObjectName("judicialNote")
        self.note.setPlaceholderText(self.tr("why the case goes to the body (required)"))
        self.note.setFixedHeight(72)
        self.note.setPlainText(note)
        self.ok_button.setText(self.tr("Transfer"))

        form = QFormLayout()
        form.addRow(self.tr("Case"), case)
        form.addRow(self.tr("To"), self.body)
        form.addRow(self.tr("Documents sent"), docs_box)
        form.addRow(self.tr("Reason *"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        for text in documents:
            self.add_document(text)
        self.add_button.clicked.connect(lambda: self.add_document(self.preset.currentText()))
        self.preset.lineEdit().returnPressed.connect(
            lambda: self.add_document(self.preset.currentText())
        )
        self.remove_button.clicked.connect(self.remove_selected)
        self.documents.itemSelectionChanged.connect(self._enable)
        self._enable()

    # -- the documents list

    def add_document(self, text: str) -> None:
        """Add `text` to the documents sent (ignored when blank or already listed)."""
        text = text.strip()
        if not text or text in self.document_list():
            self.preset.setCurrentIndex(-1)
            return
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.documents.addItem(item)
        self.preset.setCurrentIndex(-1)
        self.preset.clearEditText()
        self._enable()

    def remove_selected(self) -> None:
        for item in self.documents.selectedItems():
            self.documents.takeItem(self.documents.row(item))
        self._enable()

    def document_list(self) -> list[str]:
        """The documents listed, blanks left out, in order."""
        texts = (self.documents.item(i).text().strip() for i in range(self.documents.count()))
        return [t for t in texts if t]

    def _enable(self) -> None:
        self.remove_button.setEnabled(bool(self.documents.selectedItems()))

    # -- saving

    def chosen_body(self) -> str:
        return str(self.body.currentData())

    def save(self) -> None:
        """Check the required fields, then transfer on the worker."""
        documents, note = self.document_list(), self.note.toPlainText().strip()
        if not documents:
            self.show_error(self.tr("List at least one document sent with the case."))
            self.preset.setFocus()
            return
        if not note:
            self.show_error(self.tr("Give the reason for the transfer."))
            self.note.setFocus()
            return
        service, actor, case_id, body = self.service, self.actor, self.case_id, self.chosen_body()
        version = self.expected_version
        self._run(
            lambda: service.transfer(
                actor,
                case_id,
                body=body,
                materials=documents,
                note=note,
                expected_version=version,
            )
        )


class FeedbackDialog(_ServiceDialog):
    """反馈: the body's answer on one transfer (only the statuses the domain allows next)."""

    def __init__(
        self,
        service: JudicialService,
        actor: Actor,
        transfer: TransferRow,
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(submit, parent)
        self.setObjectName("judicialFeedbackDialog")
        self.service, self.actor, self.transfer = service, actor, transfer
        self.setWindowTitle(self.tr("Feedback on case {no}").format(no=transfer.case_no))
        self.setMinimumWidth(480)

        form = QFormLayout()
        facts = (
            (self.tr("Case"), transfer.case_no),
            (self.tr("Sent to"), body_name(transfer.body)),
            (
                self.tr("Sent at"),
                "{at} · {who}".format(at=when(transfer.sent_at), who=transfer.sent_by or "—"),
            ),
            (self.tr("Documents"), "、".join(transfer.materials)),
            (self.tr("Now"), status_name(transfer.status)),
        )
        for label, value in facts:
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, shown)
        shown.setStyleSheet(f"color: {STATUS_COLORS[transfer.status]}; font-weight: bold;")
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet(f"color: {PALETTE.border};")
        form.addRow(line)

        self.status = QComboBox()
        self.status.setObjectName("judicialStatus")
        for status in FeedbackStatus:  # in the domain's order, only those allowed next
            if status in NEXT[transfer.status]:
                self.status.addItem(status_name(status), status.value)
        self.reference = QLineEdit(transfer.reference_no or "")
        self.reference.setObjectName("judicialReference")
        self.reference.setMaxLength(MAX_REFERENCE_NO)
        self.reference.setPlaceholderText(
            self.tr("e.g. {example}").format(example="龙公（治）受字〔2026〕88号")
        )
        self.outcome = QComboBox()
        self.outcome.setObjectName("judicialOutcome")
        for outcome in Outcome:
            self.outcome.addItem(outcome_name(outcome), outcome.value)
        self.note = QPlainTextEdit()
        self.note.setObjectName("judicialFeedbackNote")
        self.note.setPlaceholderText(self.tr("what the body said (optional)"))
        self.note.setFixedHeight(64)
        self.ok_button.setText(self.tr("Save feedback"))

        form.addRow(self.tr("New status"), self.status)
        form.addRow(self.tr("File no."), self.reference)
        form.addRow(self.tr("Outcome"), self.outcome)
        form.addRow(self.tr("Note"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.status.currentIndexChanged.connect(lambda _i: self._sync_outcome())
        if not self.status.count():
            self.ok_button.setEnabled(False)
            self.status.setEnabled(False)
            self.error.setStyleSheet(f"color: {PALETTE.muted};")
            self.error.setText(self.tr("This transfer is closed; nothing more can be recorded."))
            self.error.show()
        self._sync_outcome()

    def set_status(self, status: FeedbackStatus | str) -> None:
        index = self.status.findData(FeedbackStatus(status).value)
        if index >= 0:
            self.status.setCurrentIndex(index)

    def set_outcome(self, outcome: Outcome | str) -> None:
        index = self.outcome.findData(Outcome(outcome).value)
        if index >= 0:
            self.outcome.setCurrentIndex(index)

    def chosen_status(self) -> FeedbackStatus | None:
        data = self.status.currentData()
        return FeedbackStatus(data) if data else None

    def chosen_outcome(self) -> Outcome | None:
        """The outcome to record: only when closing (a rejected transfer closes as returned)."""
        if self.chosen_status() is not FeedbackStatus.CLOSED:
            return None
        return Outcome(self.outcome.currentData())

    def _sync_outcome(self) -> None:
        closing = self.chosen_status() is FeedbackStatus.CLOSED
        returned = self.transfer.status is FeedbackStatus.REJECTED
        if closing and returned:
            self.set_outcome(Outcome.RETURNED)
        self.outcome.setEnabled(closing and not returned)
        if not closing:
            self.outcome.setCurrentIndex(-1)
        elif self.outcome.currentIndex() < 0:
            self.outcome.setCurrentIndex(0)

    def save(self) -> None:
        status = self.chosen_status()
        if status is None:
            return
        service, actor, case_id = self.service, self.actor, self.transfer.case_id
        outcome, reference = self.chosen_outcome(), self.reference.text()
        note = self.note.toPlainText().strip()
        self._run(
            lambda: service.record_feedback(
                actor,
                case_id,
                status=status,
                reference_no=reference,
                outcome=outcome,
                note=note,
            )
        )
