"""CaseDetailPanel: fields, trail, thumbnails, cameras, and exactly the allowed action buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QInputDialog

from command_center.domain.calendar import CST
from command_center.domain.deadline_state import DeadlineState
from command_center.domain.workflow import Role
from command_center.services.case_detail import (
    AttachmentInfo,
    CaseDetail,
    NearbyCamera,
    TimelineEntry,
)
from command_center.ui.case_detail import CaseDetailPanel
from command_center.ui.theme import CASE_STATE_COLORS

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CST)
LON, LAT = 120.4515, 41.5705


def make_detail(state: str = "registered", **kw) -> CaseDetail:
    base = dict(
        id=7,
        case_no="2026112300007",
        version=2,
        kind="event",
        category_code="200102",
        category_name="暴露垃圾",
        major_code="01",
        major_name="市容环境",
        legal_basis="《城市生活垃圾管理办法》第十六条",
        penalty="对个人处200元以下罚款",
        responsible_unit_type="sanitation",
        responsible_unit_type_name="环境卫生",
        source="hotline",
        description="路边暴露垃圾，已堆放两天",
        address="南塔街 3 号",
        lon=LON,
        lat=LAT,
        district_code="211302",
        district_name="双塔区",
        grid_code="211302001001002",
        state=state,
        resume_state=None,
        urgent=False,
        reporter_id=1,
        reporter_name="张网格",
        unit_id=None,
        unit_name=None,
        squad_id=None,
        squad_name=None,
        time_limit=4.0,
        time_unit="working_hours",
        reported_at=NOW - timedelta(minutes=40),
        registered_at=NOW - timedelta(minutes=30),
        dispatched_at=None,
        handled_at=None,
        verified_at=None,
        closed_at=None,
        deadline_at=None,
        deadline_state=DeadlineState.NONE,
        extension_amount=0.0,
        rework_count=0,
        extension_count=0,
        suspend_count=0,
        transferred_to=None,
        updated_at=NOW - timedelta(minutes=30),
        attachments=(),
        timeline=(
            TimelineEntry(
                1,
                NOW - timedelta(minutes=40),
                "report",
                None,
                "reported",
                1,
                "张网格",
                "inspector",
                "",
                "grid-pad-3",
            ),
            TimelineEntry(
                2,
                NOW - timedelta(minutes=30),
                "register",
                "reported",
                "registered",
                2,
                "李值班",
                "shift_chief",
                "情况属实",
                "hall-desk-1",
            ),
        ),
        nearby_cameras=(
            NearbyCamera(11, "CAM-011", "南塔街口", LON + 0.001, LAT, 84.0, True),
            NearbyCamera(12, "CAM-012", "凌河桥", LON, LAT + 0.002, 222.0, False),
        ),
    )
    base.update(kw)
    return CaseDetail(**base)


def make_panel(qtbot, height: int = 900) -> CaseDetailPanel:
    panel = CaseDetailPanel()
    qtbot.addWidget(panel)
    panel.resize(640, height)
    return panel


@pytest.mark.parametrize(
    ("state", "roles", "expected"),
    [
        ("reported", [Role.INTAKE], ["reject"]),
        ("reported", [Role.DISPATCHER], []),
        ("registered", [Role.DISPATCHER], ["dispatch"]),
        ("registered", [Role.INTAKE], []),
        ("dispatched", [Role.DISPATCHER], ["transfer_unit"]),
        ("extension_requested", [Role.DISPATCHER], ["grant_extension", "deny_extension"]),
        ("extension_requested", [Role.INTAKE], []),
        ("registered", [Role.INTAKE, Role.DISPATCHER], ["dispatch"]),
        ("reported", [Role.SHIFT_CHIEF], ["register", "reject"]),
        ("closed", [Role.ADMIN], []),
    ],
)
def test_action_buttons_are_exactly_what_the_roles_may_do(qtbot, state, roles, expected):
    panel = make_panel(qtbot)
    panel.show_detail(make_detail(state), roles, NOW)
    assert list(panel.action_buttons()) == expected
    assert panel.actions_hint.isHidden() == bool(expected)


def test_changing_the_case_state_changes_the_buttons(qtbot):
    panel = make_panel(qtbot)
    panel.show_detail(make_detail("registered"), [Role.DISPATCHER], NOW)
    assert list(panel.action_buttons()) == ["dispatch"]
    panel.show_detail(make_detail("dispatched"), [Role.DISPATCHER], NOW)
    assert list(panel.action_buttons()) == ["transfer_unit"]


def test_an_action_without_a_note_is_emitted_at_once(qtbot, monkeypatch):
    def no_dialog(*args):
        raise AssertionError("dispatch needs no note")

    monkeypatch.setattr(QInputDialog, "getText", no_dialog)
    panel = make_panel(qtbot)
    panel.show_detail(make_detail("registered"), [Role.DISPATCHER], NOW)
    with qtbot.waitSignal(panel.actionRequested) as blocker:
        qtbot.mouseClick(panel.action_buttons()["dispatch"], Qt.MouseButton.LeftButton)
    assert blocker.args == ["dispatch", 7, ""]


def test_a_note_required_action_asks_for_the_reason_first(qtbot, monkeypatch):
    asked = []

    def get_text(parent, title, label, *args):
        asked.append(label)
        return "  重复上报  ", True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    panel = make_panel(qtbot)
    panel.show_detail(make_detail("reported"), [Role.INTAKE], NOW)
    with qtbot.waitSignal(panel.actionRequested) as blocker:
        qtbot.mouseClick(panel.action_buttons()["reject"], Qt.MouseButton.LeftButton)
    assert blocker.args == ["reject", 7, "重复上报"]
    assert len(asked) == 1 and "2026112300007" in asked[0]


@pytest.mark.parametrize("answer", [("", True), ("whatever", False), ("   ", True)])
def test_a_cancelled_or_empty_reason_emits_nothing(qtbot, monkeypatch, answer):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a: answer)
    panel = make_panel(qtbot)
    panel.show_detail(make_detail("reported"), [Role.INTAKE], NOW)
    with qtbot.assertNotEmitted(panel.actionRequested):
        panel.action_buttons()["reject"].click()


def test_fields_header_and_legal_basis(qtbot):
    panel = make_panel(qtbot)
    d = make_detail(
        "dispatched",
        squad_name="南塔一组",
        unit_name="南塔中队",
        dispatched_at=NOW - timedelta(minutes=10),
        deadline_at=NOW - timedelta(minutes=5),
        deadline_state=DeadlineState.OVERDUE,
        urgent=True,
    )
    panel.show_detail(d, [Role.DISPATCHER], NOW)
    assert panel.case_no_label.text() == "2026112300007"
    assert panel.state_label.text() == "Dispatched · Urgent"
    assert "200102 暴露垃圾" in panel.category_label.text()
    assert "市容环境" in panel.category_label.text()
    assert panel.field("Source") == "12345 hotline"
    assert panel.field("Squad") == "南塔一组"
    assert panel.field("Handling unit") == "南塔中队"
    assert panel.field("District") == "双塔区 (211302)"
    assert panel.field("Time limit") == "4 working hours"
    assert panel.field("Deadline state") == "Overdue · 5 min late"
    assert panel.field("Dispatched at") == "2026-11-23 09:50"
    assert panel.field("Closed at") == "—"
    assert "《城市生活垃圾管理办法》" in panel.legal_label.text()
    assert "200元" in panel.legal_label.text()


def test_the_timeline_lists_who_when_what_and_note(qtbot):
    panel = make_panel(qtbot)
    panel.show_detail(make_detail(), [Role.DISPATCHER], NOW)
    assert panel.timeline_rows() == [
        ("2026-11-23 09:20", "张网格 (Inspector)", "Report", "Reported", "", "grid-pad-3"),
        (
            "2026-11-23 09:30",
            "李值班 (Shift chief)",
            "Register",
            "Reported → Registered",
            "情况属实",
            "hall-desk-1",
        ),
    ]


def test_thumbnails_for_images_and_a_placeholder_for_a_missing_file(qtbot, tmp_path):
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("#ff0000"))
    photo = tmp_path / "scene.jpg"
    assert image.save(str(photo))
    attachments = (
        AttachmentInfo(1, "photo", str(photo), "image/jpeg", 10, NOW),
        AttachmentInfo(2, "photo", str(tmp_path / "gone.jpg"), "image/jpeg", 10, NOW),
        AttachmentInfo(3, "photo", str(tmp_path / "broken.png"), "image/png", 10, NOW),
    )
    (tmp_path / "broken.png").write_bytes(b"not a png")
    panel = make_panel(qtbot)
    panel.show_detail(make_detail(attachments=attachments), [Role.DISPATCHER], NOW)
    assert panel.photos.count() == 3
    icons = [panel.photos.item(i).icon().pixmap(96, 72).toImage() for i in range(3)]
    centre = [img.pixelColor(img.width() // 2, img.height() // 2) for img in icons]
    assert centre[0].red() > 200 and centre[0].green() < 60  # the red photo itself
    for c in centre[1:]:  # placeholders: the dark tile, not red
        assert c.red() < 120


def test_no_attachments_says_so(qtbot):
    panel = make_panel(qtbot)
    panel.show_detail(make_detail(), [Role.DISPATCHER], NOW)
    assert panel.photos.count() == 1
    assert panel.photos.item(0).text() == "No photos"


def test_camera_buttons_emit_the_camera_id_and_a_disabled_camera_cannot_be_opened(qtbot):
    panel = make_panel(qtbot)
    panel.show_detail(make_detail(), [Role.DISPATCHER], NOW)
    buttons = panel.camera_buttons()
    assert list(buttons) == [11, 12]
    assert not buttons[12].isEnabled()
    with qtbot.waitSignal(panel.openCameraRequested) as blocker:
        qtbot.mouseClick(buttons[11], Qt.MouseButton.LeftButton)
    assert blocker.args == [11]


def test_the_small_map_shows_the_case_point_in_its_state_colour(qtbot):
    panel = make_panel(qtbot)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_detail(make_detail("registered"), [Role.DISPATCHER], NOW)
    canvas = panel.map
    pt = canvas.lonlat_to_widget(LON, LAT)
    assert canvas.rect().contains(pt)
    assert len(canvas.layers["cameras"].cameras) == 2
    image = canvas.grab().toImage()
    background = QColor("#07111b")
    # something is drawn on the case point, and 60 px away there is only background
    assert any(
        image.pixelColor(pt + QPoint(dx, dy)) != background
        for dx in range(-2, 3)
        for dy in range(-2, 3)
    )
    far = pt + QPoint(-60, 60)
    assert image.pixelColor(far) == background


def test_a_clear_panel_shows_the_hint_and_no_actions(qtbot):
    panel = make_panel(qtbot)
    panel.show_detail(make_detail(), [Role.DISPATCHER], NOW)
    panel.clear()
    assert panel.detail is None
    assert panel.action_buttons() == {}
    assert not panel.hint_label.isHidden()


def test_render_to_png(qtbot, themed_qapp, tmp_path):
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a7a3a"))
    photo = tmp_path / "scene.jpg"
    assert image.save(str(photo))
    panel = make_panel(qtbot, 1500)
    d = make_detail(
        "dispatched",
        squad_name="南塔一组",
        unit_name="南塔中队",
        dispatched_at=NOW - timedelta(minutes=10),
        deadline_at=NOW + timedelta(hours=3),
        deadline_state=DeadlineState.ON_TIME,
        attachments=(
            AttachmentInfo(1, "photo", str(photo), "image/jpeg", 1, NOW),
            AttachmentInfo(2, "photo", "/nonexistent/a.jpg", "image/jpeg", 1, NOW),
            AttachmentInfo(3, "document", "/evidence/notice.pdf", "application/pdf", 1, NOW),
        ),
    )
    panel.show_detail(d, [Role.DISPATCHER, Role.SHIFT_CHIEF], NOW)
    panel.show()
    qtbot.waitExposed(panel)
    QApplication.processEvents()  # lay out the rows added before the panel was shown
    panel.map.settle()
    path = tmp_path / "case_detail.png"
    assert panel.grab().save(str(path))
    image = QImage(str(path))
    rect = panel.state_label.rect()
    pill = panel.state_label.mapTo(panel, QPoint(rect.left() + 3, rect.center().y()))
    assert image.pixelColor(pill) == QColor(CASE_STATE_COLORS["dispatched"])


def test_the_detail_is_frozen():
    d = make_detail()
    with pytest.raises(AttributeError):
        d.state = "closed"  # type: ignore[misc]
    assert replace(d, state="closed").state == "closed"
