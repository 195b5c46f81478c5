"""Forms for the registries (台账): an editor per typed field, and the dialogs that enter an
object (`CreateDialog`), edit its details (`EditDialog`) and take a life-cycle step
(`StepDialog`).

Each dialog sends what was typed to `RegistryService` through `submit(fn, on_done,
on_error)` (the database worker) and decides nothing itself: a refusal (`RegistryError`,
`ServiceError`, `ConflictError`) is shown in the dialog, which stays open with everything
typed still there.

Signals (every dialog):
    saved(object): the service accepted; the `Changes` (or, for `CreateDialog`, the new id).
    refused(str): the message shown for a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QTime, Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.registries import Field, Kind, Step
from command_center.services.cases import Actor
from command_center.services.registries import ObjectRow, RegistryService
from command_center.services.registry_views import footprint_rectangle
from command_center.ui.registry_text import (
    kind_label,
    label_of_choice,
    label_of_field,
    status_label,
    step_label,
    unit_label,
)
from command_center.ui.theme import PALETTE

__all__ = ["CreateDialog", "EditDialog", "FieldEditor", "StepDialog", "format_value"]

Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None
]
_BLANK_DATE = QDate(1900, 1, 1)
_BLANK_DATETIME = QDateTime(_BLANK_DATE, QTime(0, 0))
CHAOYANG = (120.4500, 41.5720)  # where a new object goes when nothing better is known


def format_value(f: Field, value: Any) -> str:
    """A stored attribute as a list shows it: choice labels, units, dates as they are,
    a time stamp in CST to the minute; "" for none."""
    if value is None or value == "":
        return ""
    if f.type == "choice":
        return label_of_choice(f, value)
    if f.type in ("int", "float"):
        number = f"{value:,}" if f.type == "int" else f"{float(value):,.2f}".rstrip("0").rstrip(".")
        if not f.unit:
            return number
        return number + f.unit if f.unit == "%" else f"{number} {unit_label(f)}"
    if f.type == "datetime":
        try:
            return datetime.fromisoformat(str(value)).astimezone(CST).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return str(value)
    if f.type == "bool":
        return (
            QCoreApplication.translate("RegistryForms", "Yes")
            if value
            else QCoreApplication.translate("RegistryForms", "No")
        )
    return str(value)


# -- editors ---------------------------------------------------------------------------------
class _OptionalDateEdit(QDateEdit):
    """A date that may be left blank (shown as 未填); a click on a blank one starts at today."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(_BLANK_DATE)
        self.setSpecialValueText(QCoreApplication.translate("RegistryForms", "Not set"))
        self.setDate(_BLANK_DATE)

    def is_blank(self) -> bool:
        return self.date() == _BLANK_DATE

    def _start(self) -> None:
        if self.is_blank():
            self.setDate(QDate(self.today.year, self.today.month, self.today.day))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self._start()
        super().mousePressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        super().focusInEvent(event)
        self._start()


class _OptionalDateTimeEdit(QDateTimeEdit):
    """A time stamp that may be left blank; a click on a blank one starts at now."""

    def __init__(self, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = now
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.setMinimumDateTime(_BLANK_DATETIME)
        self.setSpecialValueText(QCoreApplication.translate("RegistryForms", "Not set"))
        self.setDateTime(_BLANK_DATETIME)

    def is_blank(self) -> bool:
        return self.dateTime() == _BLANK_DATETIME

    def _start(self) -> None:
        if self.is_blank():
            n = self.now.astimezone(CST)
            self.setDateTime(QDateTime(QDate(n.year, n.month, n.day), QTime(n.hour, n.minute)))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self._start()
        super().mousePressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt API)
        super().focusInEvent(event)
        self._start()


class FieldEditor:
    """The editor of one typed field, and the value typed as the registry takes it (None:
    left blank). Numbers may be left blank too: one step below the minimum reads 未填."""

    def __init__(
        self,
        f: Field,
        value: Any = None,
        *,
        required: bool = False,
        now: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.field, self.required = f, required
        now = now or datetime.now(CST)
        w: QWidget
        if f.type == "choice" or f.type == "bool":
            combo = QComboBox(parent)
            combo.addItem(QCoreApplication.translate("RegistryForms", "(not set)"), None)
            choices = (
                f.choices
                if f.type == "choice"
                else (
                    ("true", QCoreApplication.translate("RegistryForms", "Yes")),
                    ("false", QCoreApplication.translate("RegistryForms", "No")),
                )
            )
            for key, label in choices:
                combo.addItem(label_of_choice(f, key) if f.type == "choice" else label, key)
            w = combo
        elif f.type == "int":
            spin = QSpinBox(parent)
            lo = int(f.minimum if f.minimum is not None else 0)
            spin.setRange(lo - 1, int(min(f.maximum if f.maximum is not None else 2e9, 2e9)))
            spin.setSpecialValueText(QCoreApplication.translate("RegistryForms", "Not set"))
            spin.setValue(lo - 1)
            w = spin
        elif f.type == "float":
            dspin = QDoubleSpinBox(parent)
            dspin.setDecimals(2)
            lo = float(f.minimum if f.minimum is not None else 0.0)
            dspin.setRange(lo - 1, float(f.maximum if f.maximum is not None else 1e9))
            dspin.setSpecialValueText(QCoreApplication.translate("RegistryForms", "Not set"))
            dspin.setValue(lo - 1)
            w = dspin
        elif f.type == "date":
            w = _OptionalDateEdit(now.astimezone(CST).date(), parent)
        elif f.type == "datetime":
            w = _OptionalDateTimeEdit(now, parent)
        elif f.type == "time":
            tedit = QTimeEdit(parent)
            tedit.setDisplayFormat("HH:mm")
            w = tedit
        else:
            line = QLineEdit(parent)
            line.setMaxLength(f.max_length)
            w = line
        if f.unit and isinstance(w, (QSpinBox, QDoubleSpinBox)):
            w.setSuffix(f.unit if f.unit == "%" else f" {unit_label(f)}")
        w.setObjectName(f"field_{f.key}")
        self.widget = w
        if value is not None:
            self.set_value(value)

    def label(self) -> str:
        text = label_of_field(self.field)
        if self.field.unit:
            text += QCoreApplication.translate("RegistryForms", " ({unit})").format(
                unit=unit_label(self.field)
            )
        return text + (" *" if self.required else "")

    def set_value(self, value: Any) -> None:
        """Show a stored value (or blank for None)."""
        w = self.widget
        if isinstance(w, QComboBox):
            key = (
                None
                if value is None
                else ("true" if value is True else "false" if value is False else str(value))
            )
            w.setCurrentIndex(max(0, w.findData(key)))
        elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
            w.setValue(w.minimum() if value is None else value)  # type: ignore[arg-type]
        elif isinstance(w, _OptionalDateEdit):
            w.setDate(_BLANK_DATE if value is None else QDate.fromString(str(value), "yyyy-MM-dd"))
        elif isinstance(w, _OptionalDateTimeEdit):
            if value is None:
                w.setDateTime(_BLANK_DATETIME)
            else:
                at = datetime.fromisoformat(str(value)).astimezone(CST)
                w.setDateTime(
                    QDateTime(QDate(at.year, at.month, at.day), QTime(at.hour, at.minute))
                )
        elif isinstance(w, QTimeEdit):
            w.setTime(QTime.fromString(str(value), "HH:mm") if value else QTime(0, 0))
        elif isinstance(w, QLineEdit):
            w.setText("" if value is None else str(value))

    def value(self) -> Any:
        """What was typed, in the stored form (dates ISO, times HH:MM); None when blank."""
        w = self.widget
        if isinstance(w, QComboBox):
            data = w.currentData()
            if self.field.type == "bool" and data is not None:
                return data == "true"
            return data
        if isinstance(w, (QSpinBox, QDoubleSpinBox)):
            return None if w.value() == w.minimum() else w.value()
        if isinstance(w, _OptionalDateEdit):
            return None if w.is_blank() else w.date().toString("yyyy-MM-dd")
        if isinstance(w, _OptionalDateTimeEdit):
            if w.is_blank():
                return None
            d, t = w.date(), w.time()
            return datetime(
                d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=CST
            ).isoformat(timespec="seconds")
        if isinstance(w, QTimeEdit):
            return w.time().toString("HH:mm")
        assert isinstance(w, QLineEdit)
        return w.text().strip() or None


# -- dialogs ---------------------------------------------------------------------------------
class _FormDialog(QDialog):
    """A form, an error line and OK/Cancel; OK runs `job()` on the worker."""

    saved = Signal(object)
    refused = Signal(str)

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submit = submit
        self.form_editors: list[FieldEditor] = []
        self.note_required = False
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.note = QPlainTextEdit()
        self.note.setObjectName("registryNote")
        self.note.setFixedHeight(70)
        self.error = QLabel()
        self.error.setObjectName("registryFormError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {PALETTE.danger};")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(QCoreApplication.translate("RegistryForms", "OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            QCoreApplication.translate("RegistryForms", "Cancel")
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.form)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setStyleSheet(f"color: {PALETTE.label}; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def add_editor(self, editor: FieldEditor) -> FieldEditor:
        self.form.addRow(editor.label(), editor.widget)
        self.form_editors.append(editor)
        return editor

    def add_note(self, required: bool) -> None:
        self.note_required = required
        label = (
            QCoreApplication.translate("RegistryForms", "Note *")
            if required
            else QCoreApplication.translate("RegistryForms", "Note")
        )
        self.form.addRow(label, self.note)

    def job(self) -> Callable[[], Any]:
        raise NotImplementedError

    def missing(self) -> list[str]:
        """What the form still needs before it can go (required fields left blank, a
        required note), by label: said in the user's language before the service is asked."""
        out = [
            label_of_field(e.field) for e in self.form_editors if e.required and e.value() is None
        ]
        if self.note_required and not self.note.toPlainText().strip():
            out.append(QCoreApplication.translate("RegistryForms", "Note"))
        return out

    def _ok(self) -> None:
        missing = self.missing()
        if missing:
            sep = QCoreApplication.translate("RegistryForms", ", ")
            message = QCoreApplication.translate("RegistryForms", "Fill in: {fields}").format(
                fields=sep.join(missing)
            )
            self.error.setText(message)
            self.error.show()
            self.refused.emit(message)
            return
        try:
            job = self.job()
        except ValueError as exc:  # the form itself cannot be read (e.g. no place)
            self._failed(exc)
            return
        self.ok_button.setEnabled(False)
        self.error.hide()
        self.submit(job, self._done, self._failed)

    def _done(self, result: object) -> None:
        self.ok_button.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        message = QCoreApplication.translate("RegistryForms", "Not saved: {error}").format(
            error=exc
        )
        self.error.setText(message)
        self.error.show()
        self.ok_button.setEnabled(True)
        self.refused.emit(message)


class StepDialog(_FormDialog):
    """Take `step` on `row`: asks for exactly the step's required (*) and optional fields
    and a note (required when the step says so), then `RegistryService.step` with the
    version the page showed."""

    def __init__(
        self,
        service: RegistryService,
        actor: Actor,
        row: ObjectRow,
        step: Step,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        super().__init__(submit, parent)
        self.setObjectName("registryStepDialog")
        self.service, self.actor, self.row, self.step = service, actor, row, step
        spec = row.spec
        self.setWindowTitle(f"{step_label(spec, step.key)} — {row.code}")
        target = status_label(spec, step.target or row.status)
        self.header.setText(
            self.tr("{name}: {before} → {after}").format(
                name=row.name, before=status_label(spec, row.status), after=target
            )
        )
        self.editors: dict[str, FieldEditor] = {}
        for key in step.requires + step.optional:
            f = spec.field(key)
            current = row.attrs.get(key) if f.type not in ("date", "datetime") else None
            self.editors[key] = self.add_editor(
                FieldEditor(f, current, required=key in step.requires, now=now)
            )
        self.add_note(step.note_required)

    def values(self) -> dict[str, Any]:
        return {k: v for k, e in self.editors.items() if (v := e.value()) is not None}

    def job(self) -> Callable[[], Any]:
        service, actor, row, step = self.service, self.actor, self.row, self.step
        values, note = self.values(), self.note.toPlainText()
        return lambda: service.step(
            actor, row.id, step.key, values, note=note, expected_version=row.version
        )


class EditDialog(_FormDialog):
    """Edit an object's name, address and attributes (`RegistryService.update`); only the
    values changed are sent, a blanked one clears its attribute."""

    def __init__(
        self,
        service: RegistryService,
        actor: Actor,
        row: ObjectRow,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        super().__init__(submit, parent)
        self.setObjectName("registryEditDialog")
        self.service, self.actor, self.row = service, actor, row
        self.setWindowTitle(self.tr("Edit — {code}").format(code=row.code))
        self.header.setText(
            self.tr("{kind} {code} (status: {status})").format(
                kind=kind_label(row.spec), code=row.code, status=status_label(row.spec, row.status)
            )
        )
        self.name = QLineEdit(row.name)
        self.name.setMaxLength(100)
        self.address = QLineEdit(row.address)
        self.address.setMaxLength(200)
        self.form.addRow(self.tr("Name *"), self.name)
        self.form.addRow(self.tr("Address"), self.address)
        self.editors = {
            f.key: self.add_editor(
                FieldEditor(f, row.attrs.get(f.key), required=f.required, now=now)
            )
            for f in row.spec.fields
        }
        self.add_note(False)

    def changed_attrs(self) -> dict[str, Any]:
        out = {}
        for key, editor in self.editors.items():
            value = editor.value()
            if value != self.row.attrs.get(key):
                out[key] = value
        return out

    def job(self) -> Callable[[], Any]:
        service, actor, row = self.service, self.actor, self.row
        attrs, note = self.changed_attrs(), self.note.toPlainText()
        name, address = self.name.text(), self.address.text()
        return lambda: service.update(
            actor,
            row.id,
            name=name,
            address=address,
            attrs=attrs or None,
            note=note,
            expected_version=row.version,
        )


class CreateDialog(_FormDialog):
    """Enter a new object of `kind`: name, address, place (a footprint for illegal
    buildings: its centre and its size in metres), status (the kind's initial one or one of
    its entry statuses) and the attributes (* required). `saved` carries the new id."""

    def __init__(
        self,
        service: RegistryService,
        actor: Actor,
        kind: Kind,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
        place: tuple[float, float] | None = None,
    ) -> None:
        super().__init__(submit, parent)
        self.setObjectName("registryCreateDialog")
        self.service, self.actor, self.kind = service, actor, kind
        self.setWindowTitle(self.tr("New — {kind}").format(kind=kind_label(kind)))
        self.header.setText(
            self.tr("Enter a new object in {kind}; its code is assigned automatically.").format(
                kind=kind_label(kind)
            )
        )
        lon, lat = place or CHAOYANG
        self.name = QLineEdit()
        self.name.setObjectName("registryName")
        self.name.setMaxLength(100)
        self.address = QLineEdit()
        self.address.setMaxLength(200)
        self.lon, self.lat = QDoubleSpinBox(), QDoubleSpinBox()
        for spin, (lo, hi), value in ((self.lon, (73.0, 136.0), lon), (self.lat, (3.0, 54.0), lat)):
            spin.setDecimals(6)
            spin.setRange(lo, hi)
            spin.setSingleStep(0.0005)
            spin.setValue(value)
        self.form.addRow(self.tr("Name *"), self.name)
        self.form.addRow(self.tr("Address"), self.address)
        polygon = kind.geometry == "polygon"
        self.form.addRow(
            self.tr("Centre longitude *") if polygon else self.tr("Longitude *"), self.lon
        )
        self.form.addRow(
            self.tr("Centre latitude *") if polygon else self.tr("Latitude *"), self.lat
        )
        self.width_m: QDoubleSpinBox | None = None
        self.length_m: QDoubleSpinBox | None = None
        if polygon:
            self.width_m, self.length_m = QDoubleSpinBox(), QDoubleSpinBox()
            for spin in (self.width_m, self.length_m):
                spin.setRange(1.0, 500.0)
                spin.setDecimals(1)
                spin.setSuffix(" m")
                spin.setValue(10.0)
            self.form.addRow(self.tr("Footprint width (east–west) *"), self.width_m)
            self.form.addRow(self.tr("Footprint length (north–south) *"), self.length_m)
        self.status = QComboBox()
        self.status.setObjectName("registryStatus")
        for key in (kind.initial, *kind.entry):
            self.status.addItem(status_label(kind, key), key)
        self.form.addRow(self.tr("Status"), self.status)
        self.editors = {
            f.key: self.add_editor(FieldEditor(f, required=f.required, now=now))
            for f in kind.fields
        }
        self.add_note(False)

    def values(self) -> dict[str, Any]:
        return {k: v for k, e in self.editors.items() if (v := e.value()) is not None}

    def job(self) -> Callable[[], Any]:
        service, actor, kind = self.service, self.actor, self.kind
        lon, lat = self.lon.value(), self.lat.value()
        place: dict[str, Any]
        if self.width_m is not None and self.length_m is not None:
            place = {
                "geometry": footprint_rectangle(
                    lon, lat, self.width_m.value(), self.length_m.value()
                )
            }
        else:
            place = {"lon": lon, "lat": lat}
        name, address, status = self.name.text(), self.address.text(), self.status.currentData()
        attrs, note = self.values(), self.note.toPlainText()
        return lambda: service.create(
            actor,
            kind.key,
            name=name,
            address=address,
            attrs=attrs,
            status=status,
            note=note,
            **place,
        )[0]
