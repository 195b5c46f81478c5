"""A squad's activity: idle, on the way, handling on site, offline."""

from __future__ import annotations

from datetime import datetime, timedelta

from command_center.domain.squads import Activity, squad_activity

NOW = datetime(2026, 11, 27, 10, 0)
HERE = (120.45, 41.57)
NEAR = ("in_progress", 120.4505, 41.5705)  # ~70 m
FAR = ("in_progress", 120.46, 41.57)  # ~830 m


def test_activities():
    fresh = NOW - timedelta(minutes=1)
    assert squad_activity("available", HERE, fresh, NOW) is Activity.IDLE
    assert squad_activity("busy", HERE, fresh, NOW, [NEAR]) is Activity.HANDLING
    assert squad_activity("busy", HERE, fresh, NOW, [FAR]) is Activity.EN_ROUTE
    assert squad_activity("busy", HERE, fresh, NOW, [("dispatched", *HERE)]) is Activity.EN_ROUTE
    assert squad_activity("busy", HERE, fresh, NOW, [FAR, NEAR]) is Activity.HANDLING
    assert squad_activity("busy", HERE, fresh, NOW) is Activity.HANDLING  # other duties
    assert squad_activity("available", HERE, fresh, NOW, [("handled", *HERE)]) is Activity.IDLE


def test_offline():
    assert squad_activity("off_duty", HERE, NOW, NOW) is Activity.OFFLINE
    assert squad_activity("available", None, None, NOW) is Activity.OFFLINE
    silent = NOW - timedelta(minutes=16)
    assert squad_activity("busy", HERE, silent, NOW, [NEAR]) is Activity.OFFLINE
    assert squad_activity("available", HERE, None, NOW) is Activity.IDLE  # no time: trusted
