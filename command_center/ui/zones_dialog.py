"""Edit one camera's motion zones: draw them on the camera's picture, then set each zone's
rule — name, the case category it suggests, how much of it must move, for how long, when
(days and hours), and the quiet time after a suggestion.

The dialog only edits; saving (`SuggestionService.save_zones`) is the caller's, so a refused
save leaves the dialog open with the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTime
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.catalogue import CaseKind, Catalogue
from command_center.domain.motion import MotionZone, WeeklyWindow, ZoneSchedule
from command_center.ui.zone_editor import ZoneEditor

__all__ = ["ZonesDialog"]

DAY_NAMES = (
    QT_TRANSLATE_NOOP("ZonesDialog", "Mon"),
    QT_TRANSLATE_NOOP("ZonesDialog", "Tue"),
    QT_TRANSLATE_NOOP("ZonesDialog", "Wed"),
    QT_TRANSLATE_NOOP("ZonesDialog", "Thu"),
    QT_TRANSLATE_NOOP("ZonesDialog", "Fri"),
    QT_TRANSLATE_NOOP("ZonesDialog", "Sat"),
    QT_TRANSLATE_NOOP("ZonesDialog", "Sun"),
)
DEFAULT_CATEGORY = "200501"  # 无照经营游商: the usual reason for a street-corner zone


class ZonesDialog(QDialog):
    """`zones()` after `exec()` is the camera's new list of zones."""

    def __init__(
        self,
        camera_name: str,
        image: QImage,
        zones: Sequence[MotionZone],
        catalogue: Catalogue,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("zonesDialog")
        self.setWindowTitle(self.tr("Motion zones — {camera}").format(camera=camera_name))
        self.resize(1100, 560)
        self.catalogue = catalogue
        default = DEFAULT_CATEGORY if catalogue.get(DEFAULT_CATEGORY) else next(
            iter(c.code for c in catalogue.by_kind(CaseKind.EVENT)))
        self.editor = ZoneEditor(self, template=MotionZone(
            "template", "Zone", ((0, 0), (1, 0), (1, 1)), category_code=default, persist_s=60.0,
            cooldown_s=1800.0))
        self.editor.set_image(image)
        self.editor.set_zones(zones)
        self.editor.selectionChanged.connect(self._show_zone)
        self.editor.zonesChanged.connect(lambda _z: self._show_zone(self.editor.selected_zone_id()))

        self.name = QLineEdit()
        self.category = QComboBox()
        for c in catalogue.by_kind(CaseKind.EVENT):
            self.category.addItem(f"{c.code} {c.name}", c.code)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.5, 100.0)
        self.threshold.setSuffix(" %")
        self.threshold.setDecimals(1)
        self.persist = QSpinBox()
        self.persist.setRange(1, 3600)
        self.persist.setSuffix(self.tr(" s"))
        self.cooldown = QSpinBox()
        self.cooldown.setRange(0, 24 * 60)
        self.cooldown.setSuffix(self.tr(" min"))
        self.always = QCheckBox(self.tr("Always"))
        self.days = [QCheckBox(QCoreApplication.translate("ZonesDialog", d)) for d in DAY_NAMES]
        self.start = QTimeEdit()
        self.end = QTimeEdit()
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        days_row = QHBoxLayout()
        for box in self.days:
            days_row.addWidget(box)
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.start)
        hours_row.addWidget(QLabel("–"))
        hours_row.addWidget(self.end)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Suggests"), self.category)
        form.addRow(self.tr("Moving share"), self.threshold)
        form.addRow(self.tr("For at least"), self.persist)
        form.addRow(self.tr("Then quiet for"), self.cooldown)
        form.addRow(self.tr("When"), self.always)
        form.addRow("", days_row)
        form.addRow("", hours_row)
        self.rule = QGroupBox(self.tr("Selected zone"))
        self.rule.setLayout(form)
        for w in (self.name,):
            w.editingFinished.connect(self._apply)
        self.category.currentIndexChanged.connect(lambda _i: self._apply())
        for spin in (self.threshold, self.persist, self.cooldown):
            spin.valueChanged.connect(lambda _v: self._apply())
        self.always.toggled.connect(lambda _on: self._apply())
        for box in self.days:
            box.toggled.connect(lambda _on: self._apply())
        for edit in (self.start, self.end):
            edit.timeChanged.connect(lambda _t: self._apply())
        self.message = QLabel(self.tr(
            "Click to add corners, double-click to close a zone; click a zone to select it, "
            "Delete removes it."))
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        side = QVBoxLayout()
        side.addWidget(self.rule)
        side.addWidget(self.message)
        side.addStretch(1)
        side.addWidget(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.editor, 3)
        layout.addLayout(side, 2)
        self._loading = False
        self._show_zone(None)

    def zones(self) -> list[MotionZone]:
        return self.editor.zones()

    def _zone(self, zone_id: str | None) -> MotionZone | None:
        return next((z for z in self.editor.zones() if z.id == zone_id), None)

    def _show_zone(self, zone_id: str | None) -> None:
        zone = self._zone(zone_id)
        self.rule.setEnabled(zone is not None)
        if zone is None:
            return
        self._loading = True
        try:
            self.name.setText(zone.name)
            i = self.category.findData(zone.category_code)
            self.category.setCurrentIndex(max(i, 0))
            self.threshold.setValue(zone.threshold * 100)
            self.persist.setValue(int(round(zone.persist_s)))
            self.cooldown.setValue(int(round(zone.cooldown_s / 60)))
            windows = zone.schedule.windows
            self.always.setChecked(not windows)
            w = windows[0] if windows else WeeklyWindow(frozenset(range(1, 8)), time(7), time(20))
            for n, box in enumerate(self.days, start=1):
                box.setChecked(n in w.days)
            self.start.setTime(QTime(w.start.hour, w.start.minute))
            self.end.setTime(QTime(w.end.hour, w.end.minute))
            for widget in (*self.days, self.start, self.end):
                widget.setEnabled(not self.always.isChecked())
        finally:
            self._loading = False

    def _apply(self) -> None:
        """Write the form into the selected zone (an invalid rule is shown, not applied)."""
        if self._loading:
            return
        zone = self._zone(self.editor.selected_zone_id())
        if zone is None:
            return
        for widget in (*self.days, self.start, self.end):
            widget.setEnabled(not self.always.isChecked())
        try:
            if self.always.isChecked():
                schedule = ZoneSchedule()
            else:
                s, e = self.start.time(), self.end.time()
                schedule = ZoneSchedule((WeeklyWindow(
                    frozenset(n for n, box in enumerate(self.days, start=1) if box.isChecked()),
                    time(s.hour(), s.minute()), time(e.hour(), e.minute())),))
            changed = replace(
                zone, name=self.name.text().strip() or zone.name,
                category_code=self.category.currentData() or zone.category_code,
                threshold=self.threshold.value() / 100.0, persist_s=float(self.persist.value()),
                cooldown_s=self.cooldown.value() * 60.0, schedule=schedule,
            )
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("")
        zones = [changed if z.id == zone.id else z for z in self.editor.zones()]
        self.editor.set_zones(zones)
        self.editor.select_zone(zone.id)

