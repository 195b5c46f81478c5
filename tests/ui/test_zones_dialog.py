"""Editing a camera's zone rules: the form writes the selected zone, a rule that cannot be
(no day chosen) is explained and not applied."""

from __future__ import annotations

from datetime import time

from PySide6.QtGui import QColor, QImage

from command_center.domain.catalogue import Catalogue
from command_center.domain.motion import MotionZone
from command_center.ui.zones_dialog import ZonesDialog

CORNER = ((0.5, 0.5), (0.9, 0.5), (0.9, 0.9), (0.5, 0.9))


def _dialog(qtbot):
    image = QImage(640, 360, QImage.Format.Format_RGB888)
    image.fill(QColor("#404040"))
    zone = MotionZone("z1", "东南角", CORNER, category_code="200102", persist_s=30)
    dialog = ZonesDialog("南塔街口", image, [zone], Catalogue.default())
    qtbot.addWidget(dialog)
    dialog.editor.select_zone("z1")
    return dialog


def test_the_form_edits_the_selected_zone(qtbot):
    dialog = _dialog(qtbot)
    assert dialog.rule.isEnabled() and dialog.name.text() == "东南角"
    dialog.name.setText("占道经营 东南角")
    dialog.name.editingFinished.emit()
    dialog.threshold.setValue(5.0)
    dialog.persist.setValue(120)
    dialog.always.setChecked(False)
    for n, box in enumerate(dialog.days, start=1):
        box.setChecked(n <= 5)
    dialog.start.setTime(dialog.start.time().fromString("17:00", "HH:mm"))
    dialog.end.setTime(dialog.end.time().fromString("22:00", "HH:mm"))
    (zone,) = dialog.zones()
    assert zone.name == "占道经营 东南角" and zone.threshold == 0.05 and zone.persist_s == 120
    (window,) = zone.schedule.windows
    assert window.days == frozenset({1, 2, 3, 4, 5})
    assert (window.start, window.end) == (time(17, 0), time(22, 0))
    assert zone.polygon == CORNER  # the drawing is untouched by the form


def test_a_schedule_without_days_is_explained_not_applied(qtbot):
    dialog = _dialog(qtbot)
    dialog.always.setChecked(False)
    for box in dialog.days:
        box.setChecked(False)
    assert "at least one day" in dialog.message.text()
    (zone,) = dialog.zones()
    assert zone.schedule.windows  # the last valid rule (Mon–Sun) stays
