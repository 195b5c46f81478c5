"""The intake operator's list of camera suggestions: shown with the snapshot, accepted into a
case (the desk is told which), dismissed, and closed to roles that may not decide."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from command_center.domain.motion import MotionZone, ZoneTrigger
from command_center.domain.workflow import Role as R
from command_center.services.suggestions import SuggestionService
from command_center.store.models import Camera
from command_center.ui.suggestions_panel import SuggestionsPanel
from tests.services.conftest import org  # noqa: F401


def run_now(fn, ok, err):
    try:
        value = fn()
    except Exception as exc:  # noqa: BLE001 — handed to the panel like the worker does
        err(exc)
    else:
        ok(value)


def _jpeg() -> bytes:
    image = QImage(320, 180, QImage.Format.Format_RGB888)
    image.fill(QColor("#3a6ea5"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")
    return bytes(data)


def _panel(qtbot, store, org):  # noqa: F811
    with store.transaction() as s:
        cam = Camera(code="C-1", name="南塔街口", url="x.mp4", lon=120.4515, lat=41.5705)
        s.add(cam)
        s.flush()
        cam_id = cam.id
    service = SuggestionService(store, org.service, clock=org.clock)
    service.save_zones(org.actors[R.SHIFT_CHIEF], cam_id, [MotionZone("corner", "东南角",
                                           ((0.5, 0.5), (0.9, 0.5), (0.9, 0.9)),
                                           category_code="200102")])
    now = org.clock()
    for minutes in (1, 2):
        service.raise_suggestion(
            cam_id, ZoneTrigger("corner", now - timedelta(minutes=minutes, seconds=60),
                                now - timedelta(minutes=minutes), 0.3, 0.2), _jpeg())
    panel = SuggestionsPanel(service, org.service.catalogue, run_now)
    qtbot.addWidget(panel)
    return panel


def test_accepting_a_suggestion_creates_the_case(qtbot, store, org):  # noqa: F811
    panel = _panel(qtbot, store, org)
    panel.set_operator(frozenset({R.INTAKE}), org.actors[R.INTAKE].person_id)
    panel.reload()
    assert panel.list.count() == 2
    assert not panel.list.item(0).icon().isNull()  # the snapshot shows
    assert "南塔街口" in panel.list.item(0).text()
    panel.list.setCurrentRow(0)
    assert panel.accept_button.isEnabled()
    with qtbot.waitSignal(panel.caseCreated) as created:
        panel.accept_button.click()
    assert created.args[0] > 0
    assert panel.list.count() == 1
    panel.list.setCurrentRow(0)
    with qtbot.waitSignal(panel.countChanged) as count:
        panel.dismiss_button.click()
    assert count.args == [0] and panel.list.count() == 0


def test_a_dispatcher_cannot_decide(qtbot, store, org):  # noqa: F811
    panel = _panel(qtbot, store, org)
    panel.set_operator(frozenset({R.DISPATCHER}), org.actors[R.DISPATCHER].person_id)
    panel.reload()
    panel.list.setCurrentRow(0)
    assert not panel.accept_button.isEnabled() and not panel.dismiss_button.isEnabled()
