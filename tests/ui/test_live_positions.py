"""MQTT positions from the real broker move a squad on the map; bad messages are survived."""

from __future__ import annotations

import json
import socket
import uuid
from datetime import datetime, timedelta

import pytest

from command_center.config import LiveSettings
from command_center.domain.calendar import CST
from command_center.ui.main_window import MainWindow
from command_center.ui.run import _follow_positions
from tests.ui.conftest import NOW

paho = pytest.importorskip("paho.mqtt.client")


def _broker_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 1883), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _broker_up(), reason="no MQTT broker at 127.0.0.1:1883")


def test_a_position_message_moves_the_squad_and_garbage_is_survived(qtbot, city_snapshot):
    window = MainWindow("test", clock=lambda: NOW)  # the hand-made city's (naive) time
    qtbot.addWidget(window)
    window.apply_snapshot(city_snapshot)
    prefix = f"cc-test-{uuid.uuid4().hex[:8]}/units"
    feed = _follow_positions(LiveSettings(mqtt_host="127.0.0.1", mqtt_topic_prefix=prefix), window)
    assert feed is not None
    publisher = paho.Client(paho.CallbackAPIVersion.VERSION2)
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    squads = window.map_panel.layers["squads"]
    try:
        qtbot.waitUntil(lambda: feed.stats()["subscribed"], timeout=5000)
        publisher.publish(f"{prefix}/1/position", b"\x00\xffnot json").wait_for_publish(5)
        publisher.publish(f"{prefix}/x/position", b"{}").wait_for_publish(5)
        at = (datetime.now(CST) - timedelta(seconds=1)).isoformat()
        body = {"lon": 120.3512, "lat": 41.5623, "heading": 45, "speed": 4.0, "time": at}
        publisher.publish(f"{prefix}/1/position", json.dumps(body)).wait_for_publish(5)
        qtbot.waitUntil(lambda: squads.position(1) == (120.3512, 41.5623), timeout=5000)
        stats = feed.stats()
        assert stats["accepted"] == 1 and stats["rejected_total"] == 2
        assert window.map_canvas.scene.drawer("squads").gliding == 1  # it glides there
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        feed.stop()


def test_no_broker_configured_starts_nothing(qtbot):
    window = MainWindow("test")
    qtbot.addWidget(window)
    assert _follow_positions(LiveSettings(), window) is None
