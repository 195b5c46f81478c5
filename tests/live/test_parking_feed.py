"""Car-park occupancy: the parser, the MQTT feed into the registry on both real databases, and
the demo's drift along the daily curve.

The feed tests talk to the Mosquitto broker at 127.0.0.1:1883 (skipped, with the reason, when
none answers), each under its own topic prefix, and write through the real
`RegistryService.record_occupancy`.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from command_center.domain.calendar import CST
from command_center.domain.workflow import Role
from command_center.live.parking_feed import (
    BadReading,
    MqttParkingFeed,
    OccupancyDrift,
    OccupancyReading,
    Reason,
    drifted_occupancy,
    occupancy_share,
    parking_prefix,
    parse_occupancy,
)
from command_center.live.positions import MqttSettings
from command_center.live.simulator import SimulatorThread
from command_center.services.changes import Changes
from command_center.services.registries import RegistryService
from command_center.store.models import ChangeLog
from tests.services.conftest import FakeClock, Org, org  # noqa: F401 (fixture)

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Chaoyang
PREFIX = "cc"
TOPIC = "cc/parking/TC000012/occupancy"
BROKER = ("127.0.0.1", 1883)
WAIT_S = 10.0  # bound on every broker-side wait


def rejected(topic: str, data: bytes) -> Reason:
    with pytest.raises(BadReading) as info:
        parse_occupancy(topic, data, NOW, prefix=PREFIX)
    return info.value.reason


# --- the parser -------------------------------------------------------------------------------


def test_a_bare_integer_is_a_reading_as_of_now():
    assert parse_occupancy(TOPIC, b"57", NOW, prefix=PREFIX) == OccupancyReading(
        "TC000012", 57, NOW
    )
    assert parse_occupancy(TOPIC, b" 0\n", NOW, prefix=PREFIX).occupied == 0


def test_a_json_reading_keeps_its_time_or_defaults_to_now():
    data = json.dumps({"occupied": 40, "at": "2026-11-27T09:59:00+08:00"}).encode()
    reading = parse_occupancy(TOPIC, data, NOW, prefix=PREFIX)
    assert reading == ("TC000012", 40, NOW - timedelta(minutes=1))
    assert reading.at.utcoffset() == timedelta(hours=8)
    assert parse_occupancy(TOPIC, b'{"occupied": 3}', NOW, prefix=PREFIX).at == NOW


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"lots", Reason.MALFORMED),
        (b"\xff\xfe", Reason.MALFORMED),
        (b"", Reason.MALFORMED),
        (b"12.5", Reason.MALFORMED),
        (b'"12"', Reason.MALFORMED),
        (b"[12]", Reason.MALFORMED),
        (b"NaN", Reason.MALFORMED),
        (b"-1", Reason.BAD_COUNT),
        (b"true", Reason.MALFORMED),
        (b"{}", Reason.BAD_COUNT),
        (b'{"occupied": "12"}', Reason.BAD_COUNT),
        (b'{"occupied": true}', Reason.BAD_COUNT),
        (b'{"occupied": 1, "at": "yesterday"}', Reason.BAD_TIME),
        (b'{"occupied": 1, "at": "2026-11-27T10:00:00"}', Reason.BAD_TIME),
        (b'{"occupied": 1, "at": 1764208800}', Reason.BAD_TIME),
        (b'{"occupied": 1, "at": "2026-11-27T11:00:00+08:00"}', Reason.FUTURE_TIME),
        (b"1" * 2000, Reason.TOO_LARGE),
    ],
)
def test_malformed_payloads_are_rejected_with_a_reason(data, reason):
    assert rejected(TOPIC, data) is reason


@pytest.mark.parametrize(
    "topic",
    [
        "cc/parking/occupancy",
        "cc/parking//occupancy",
        "cc/parking/a b/occupancy",
        "other/parking/TC1/occupancy",
        "cc/parking/TC1/position",
    ],
)
def test_a_topic_without_a_code_is_rejected(topic):
    assert rejected(topic, b"1") is Reason.BAD_TOPIC


def test_the_parking_prefix_sits_beside_the_squads():
    assert parking_prefix("cc/units") == "cc"
    assert parking_prefix("city/cc/units") == "city/cc"
    assert parking_prefix("cc") == "cc"
    assert parking_prefix("units") == "units"


# --- the registry -----------------------------------------------------------------------------


class Parks:
    """Car parks in the registry of the small organisation, entered by its shift chief."""

    def __init__(self, store, org: Org) -> None:  # noqa: F811
        self.reg = RegistryService(store, clock=org.clock, workstation="parking-test")
        self.chief = org.actors[Role.SHIFT_CHIEF]

    def add(self, code: str, capacity: int, *, feed: bool = True, closed: bool = False) -> int:
        attrs: dict[str, Any] = {"parking_type": "car_park", "capacity": capacity}
        if feed:
            attrs["feed"] = f"mqtt:cc/parking/{code}"
        oid, _ = self.reg.create(
            self.chief,
            "parking",
            name=f"停车场{code}",
            code=code,
            lon=120.4503,
            lat=41.5701,
            attrs=attrs,
        )
        if closed:
            self.reg.step(self.chief, oid, "close", note="施工")
        return oid

    def occupied(self, code: str) -> int | None:
        row = self.reg.by_code(code)
        assert row is not None
        return row.attrs.get("occupied")


@pytest.fixture
def parks(store, org: Org) -> Parks:  # noqa: F811
    return Parks(store, org)


def logged_writes(store) -> int:
    """Change-log rows of registry objects: one per car park per transaction."""
    with store.read() as s:
        return s.scalar(
            select(func.count())
            .select_from(ChangeLog)
            .where(
                ChangeLog.table_name == "registry_objects", ChangeLog.workstation == "parking-test"
            )
        )


# --- the feed against the real broker -----------------------------------------------------------


def _reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1.0).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def broker() -> tuple[str, int]:
    if not _reachable(*BROKER):
        pytest.skip(f"no MQTT broker answers at {BROKER[0]}:{BROKER[1]}")
    return BROKER


@pytest.fixture
def prefix() -> str:
    return f"cc-test-{uuid.uuid4().hex[:12]}"


class Recorder:
    """The feed's counters and the batches it wrote, collected from its threads; waits on
    them, bounded."""

    def __init__(self, write: Callable[[list[OccupancyReading]], Changes]) -> None:
        self.stats: dict[str, Any] = {}
        self.batches: list[list[OccupancyReading]] = []
        self._write = write
        self._cond = threading.Condition()

    def write(self, batch: list[OccupancyReading]) -> Changes:
        changes = self._write(batch)
        with self._cond:
            self.batches.append(batch)
        return changes

    def on_stats(self, stats: dict[str, Any]) -> None:
        with self._cond:
            self.stats = stats
            self._cond.notify_all()

    def wait(self, predicate: Callable[[dict[str, Any]], bool], what: str) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self.stats), WAIT_S):
                pytest.fail(f"waited {WAIT_S:.0f} s for {what}; last stats: {self.stats}")

    def wait_subscribed(self) -> None:
        self.wait(lambda s: s.get("subscribed", False), "the feed to subscribe")


class Publisher:
    def __init__(self, host: str, port: int) -> None:
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"cc-test-pub-{uuid.uuid4().hex[:8]}"
        )
        self.client.connect(host, port)
        self.client.loop_start()

    def send(self, topic: str, data: bytes) -> None:
        info = self.client.publish(topic, data, qos=1)
        info.wait_for_publish(timeout=WAIT_S)
        assert info.is_published(), f"could not publish to {topic}"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def publisher(broker) -> Iterator[Publisher]:
    pub = Publisher(*broker)
    yield pub
    pub.close()


@pytest.fixture
def make_feed(broker, prefix) -> Iterator[Callable[..., tuple[MqttParkingFeed, Recorder]]]:
    feeds: list[MqttParkingFeed] = []

    def make(reg: RegistryService, **kw: Any) -> tuple[MqttParkingFeed, Recorder]:
        kw.setdefault("flush_interval", 0.3)  # the app's 2 s would only slow the tests
        rec = Recorder(reg.record_occupancy)
        feed = MqttParkingFeed(
            MqttSettings(*broker, topic_prefix=prefix),
            rec.write,
            on_stats=rec.on_stats,
            qos=1,
            **kw,
        )
        feeds.append(feed)
        feed.start()
        rec.wait_subscribed()
        return feed, rec

    yield make
    for feed in feeds:
        feed.stop()


def fresh(seconds: int = 0) -> str:
    """A reading time a little in the past, later for more seconds."""
    return (datetime.now(UTC) - timedelta(minutes=10) + timedelta(seconds=seconds)).isoformat()


def test_readings_over_mqtt_land_in_the_registry(store, parks, prefix, publisher, make_feed):
    parks.add("TC000012", 80)
    parks.add("TC000013", 40)
    feed, rec = make_feed(parks.reg)

    publisher.send(f"{prefix}/parking/TC000012/occupancy", b"57")
    stamp = datetime(2026, 11, 27, 9, 30, tzinfo=CST)
    publisher.send(
        f"{prefix}/parking/TC000013/occupancy",
        json.dumps({"occupied": 31, "at": stamp.isoformat()}).encode(),
    )
    rec.wait(lambda s: s["written"] == 2, "both readings to be written")

    assert parks.occupied("TC000012") == 57
    row = parks.reg.by_code("TC000013")
    assert row is not None
    assert (row.attrs["occupied"], row.attrs["occupied_at"]) == (31, "2026-11-27T09:30:00+08:00")
    assert feed.stats()["received"] == 2 and feed.stats()["malformed"] == 0


def test_a_malformed_payload_is_counted_logged_and_ignored(
    store, parks, prefix, publisher, make_feed, caplog
):
    parks.add("TC000012", 80)
    feed, rec = make_feed(parks.reg)
    topic = f"{prefix}/parking/TC000012/occupancy"

    with caplog.at_level(logging.WARNING, logger="live.parking"):
        publisher.send(topic, b"about half full")
        publisher.send(topic, b'{"occupied": -3}')
        rec.wait(lambda s: s["malformed"] == 2, "the bad messages to be counted")
        publisher.send(topic, json.dumps({"occupied": 12, "at": fresh()}).encode())
        rec.wait(lambda s: s["written"] == 1, "the good reading after them")

    assert parks.occupied("TC000012") == 12
    assert feed.stats()["received"] == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "live.parking"]
    # The first is logged with what was wrong; the second on the same topic within a minute
    # is only counted.
    assert len(lines) == 1
    assert "malformed parking occupancy" in lines[0] and "about half full" in lines[0]


def test_an_unknown_code_is_skipped_and_the_rest_written(
    store, parks, prefix, publisher, make_feed
):
    parks.add("TC000012", 80)
    feed, rec = make_feed(parks.reg)

    publisher.send(f"{prefix}/parking/TC999999/occupancy", b"5")
    publisher.send(f"{prefix}/parking/TC000012/occupancy", b"81")  # over the capacity of 80
    rec.wait(lambda s: s["skipped"] == 2, "both readings to be skipped")
    publisher.send(f"{prefix}/parking/TC000012/occupancy", b"79")
    rec.wait(lambda s: s["written"] == 1, "the valid reading")

    assert parks.reg.by_code("TC999999") is None
    assert parks.occupied("TC000012") == 79
    assert feed.stats()["malformed"] == 0


def test_readings_are_written_in_batches(store, parks, prefix, publisher, make_feed):
    codes = [f"TC1000{i:02d}" for i in range(5)]
    for code in codes:
        parks.add(code, 100)
    feed, rec = make_feed(parks.reg)
    before = logged_writes(store)

    count = 60
    for seq in range(count):
        code = codes[seq % len(codes)]
        data = json.dumps({"occupied": seq, "at": fresh(seq)}).encode()
        publisher.client.publish(f"{prefix}/parking/{code}/occupancy", data, qos=1)
    last = {code: seq for seq in range(count) for code in [codes[seq % len(codes)]]}
    rec.wait(
        lambda s: s["received"] == count and s["pending"] == 0 and s["flushes"] >= 1,
        "the burst to be received and written",
    )

    assert {code: parks.occupied(code) for code in codes} == last
    stats = feed.stats()
    # Readings coalesce per car park between writes, and a write is one transaction.
    assert stats["flushes"] == len(rec.batches) < count
    assert all(len(batch) <= len(codes) for batch in rec.batches)
    assert logged_writes(store) - before == stats["written"] < count


def test_the_feed_recovers_after_the_broker_drops_it(
    store, parks, prefix, publisher, make_feed, broker
):
    parks.add("TC000012", 80)
    client_id = f"cc-test-parking-{uuid.uuid4().hex[:8]}"
    feed, rec = make_feed(parks.reg, client_id=client_id, reconnect_delay=(1, 2))
    publisher.send(
        f"{prefix}/parking/TC000012/occupancy",
        json.dumps({"occupied": 10, "at": fresh(1)}).encode(),
    )
    rec.wait(lambda s: s["written"] == 1, "a reading before the loss")

    # A second client with the same id makes the broker drop the feed's connection.
    intruder = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
    intruder.connect(*broker)
    intruder.loop(timeout=1.0)  # read the CONNACK: by now the broker has dropped the feed
    intruder.disconnect()
    rec.wait(
        lambda s: s["connects"] >= 2 and s["subscribed"], "the feed to reconnect and re-subscribe"
    )

    publisher.send(
        f"{prefix}/parking/TC000012/occupancy",
        json.dumps({"occupied": 20, "at": fresh(2)}).encode(),
    )
    rec.wait(lambda s: s["written"] == 2, "a reading after the reconnect")
    assert parks.occupied("TC000012") == 20


def test_stop_writes_what_is_pending_and_joins_its_threads(
    store, parks, prefix, publisher, make_feed
):
    parks.add("TC000012", 80)
    feed, rec = make_feed(parks.reg, flush_interval=60.0)
    publisher.send(f"{prefix}/parking/TC000012/occupancy", b"1")
    rec.wait(lambda s: s["written"] == 1, "the first reading (written at once)")
    publisher.send(
        f"{prefix}/parking/TC000012/occupancy",
        json.dumps({"occupied": 2, "at": datetime.now(UTC).isoformat()}).encode(),
    )
    rec.wait(lambda s: s["pending"] == 1, "the second reading to wait for the next write")
    assert parks.occupied("TC000012") == 1

    feed.stop()
    assert parks.occupied("TC000012") == 2
    assert not any("parking-writer" in t.name for t in threading.enumerate())
    assert feed.stats()["connected"] is False
    feed.stop()  # twice is harmless
    with pytest.raises(RuntimeError):
        feed.start()


def test_a_failed_write_keeps_its_readings_for_the_next(broker, prefix, publisher):
    calls: list[list[OccupancyReading]] = []

    def flaky(batch: list[OccupancyReading]) -> Changes:
        calls.append(batch)
        if len(calls) == 1:
            raise OSError("database gone")
        return Changes.of(registry_objects=[1])

    rec = Recorder(flaky)
    feed = MqttParkingFeed(
        MqttSettings(*broker, topic_prefix=prefix),
        rec.write,
        on_stats=rec.on_stats,
        flush_interval=0.2,
    )
    feed.start()
    try:
        rec.wait_subscribed()
        publisher.send(f"{prefix}/parking/TC000012/occupancy", b"7")
        rec.wait(lambda s: s["written"] == 1, "the retried write")
    finally:
        feed.stop()
    assert feed.stats()["write_errors"] == 1
    assert [[r.occupied for r in batch] for batch in calls] == [[7], [7]]


# --- the demo drift ---------------------------------------------------------------------------


def test_the_daily_curve_is_busy_mornings_and_evenings_and_quiet_at_night():
    day = datetime(2026, 11, 23, tzinfo=CST)
    share = {h: occupancy_share(day + timedelta(hours=h)) for h in range(24)}
    assert all(0.0 <= s <= 1.0 for s in share.values())
    night = max(share[h] for h in range(0, 6))
    assert min(share[h] for h in (9, 10, 11)) > 0.8 > 0.2 > night
    assert min(share[h] for h in (17, 18, 19)) > 0.8
    assert share[13] < share[10] and share[13] < share[18]
    # Interpolated between the hours, and the same instant in any zone.
    assert share[9] < occupancy_share(day + timedelta(hours=9, minutes=30)) < share[10]
    assert occupancy_share(day.astimezone(UTC)) == share[0]


def test_drift_stays_within_capacity():
    start = datetime(2026, 11, 23, tzinfo=CST)
    for capacity in (1, 7, 80, 1500):
        for minutes in range(0, 48 * 60, 13):
            n = drifted_occupancy("TC000001", capacity, start + timedelta(minutes=minutes))
            assert 0 <= n <= capacity


def test_the_demo_drifts_the_car_parks_with_a_feed_along_the_curve(parks):
    busy = [parks.add(f"TC2000{i:02d}", 200) for i in range(6)]
    no_feed = parks.add("TC300000", 200, feed=False)
    closed = parks.add("TC300001", 200, closed=True)
    day = datetime(2026, 11, 23, tzinfo=CST)  # a Monday
    clock = FakeClock(day)
    drift = OccupancyDrift(parks.reg, clock=clock, seed=3)

    shares: dict[int, float] = {}
    for hour in (3, 10, 14, 18, 23):
        clock.now = day + timedelta(hours=hour)
        changes = drift.step()
        assert changes.ids("registry_objects") == set(busy)
        rows = [parks.reg.get(oid) for oid in busy]
        assert all(0 <= r.attrs["occupied"] <= r.attrs["capacity"] for r in rows)
        assert {r.attrs["occupied_at"] for r in rows} == {clock.now.isoformat()}
        shares[hour] = sum(r.attrs["occupied"] for r in rows) / (200 * len(rows))

    assert shares[10] > 0.7 and shares[18] > 0.7
    assert shares[3] < 0.2 and shares[23] < 0.4
    assert shares[14] < min(shares[10], shares[18])
    assert "occupied" not in parks.reg.get(no_feed).attrs
    assert "occupied" not in parks.reg.get(closed).attrs

    # A write every 30 s of simulated time, however often it is stepped.
    written = clock.now
    clock.now = written + timedelta(seconds=20)
    assert not drift.step()
    clock.now = written + timedelta(seconds=30)
    assert drift.step().ids("registry_objects") == set(busy)


def test_the_simulator_thread_steps_the_demo_drift_on_its_clock(parks):
    oid = parks.add("TC200000", 50)
    stepped = threading.Event()
    clock = FakeClock(datetime(2026, 11, 23, 10, tzinfo=CST))
    thread = SimulatorThread(
        OccupancyDrift(parks.reg, clock=clock),
        interval=0.05,
        clock=clock,
        on_changes=lambda _c: stepped.set(),
        name="demo-parking",
    )
    thread.start()
    try:
        assert stepped.wait(WAIT_S)
    finally:
        thread.stop()
    assert 0 < parks.reg.get(oid).attrs["occupied"] <= 50
    assert thread.errors == 0
