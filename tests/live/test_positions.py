"""Squad positions over MQTT: the parser, the feed against the real broker, the Qt adapter.

The integration tests talk to the Mosquitto broker at 127.0.0.1:1883 (skipped, with the
reason, when none answers); each uses its own topic prefix so parallel runs never collide.
The reconnect test runs a private `mosquitto` on a free port so it can kill and restart it.
"""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from PySide6.QtCore import QCoreApplication, QThread

from command_center.live.positions import (
    MAX_PAYLOAD_BYTES,
    BadMessage,
    MqttPositionFeed,
    MqttSettings,
    PositionReport,
    PositionSignals,
    Reason,
    parse_position,
)

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Chaoyang (UTC+8)
CST = timezone(timedelta(hours=8))
TOPIC = "cc/units/7/position"
BROKER = ("127.0.0.1", 1883)
WAIT_S = 10.0  # bound on every broker-side wait


def payload(**fields: Any) -> bytes:
    body = {"lon": 120.45, "lat": 41.57, "heading": 90, "speed": 3.2,
            "time": "2026-11-27T10:00:00+08:00"}
    body.update(fields)
    return json.dumps({k: v for k, v in body.items() if v is not ...}).encode()


def rejected(topic: str, data: bytes, **kw: Any) -> Reason:
    with pytest.raises(BadMessage) as info:
        parse_position(topic, data, NOW, **kw)
    return info.value.reason


# --- the parser -------------------------------------------------------------------------------


def test_a_full_message_parses():
    report = parse_position(TOPIC, payload(), NOW)
    assert report == PositionReport(7, 120.45, 41.57, 90.0, 3.2,
                                    datetime(2026, 11, 27, 10, 0, tzinfo=CST))
    assert isinstance(report.heading, float)


def test_time_with_offset_becomes_an_aware_datetime():
    report = parse_position(TOPIC, payload(time="2026-11-27T10:00:00+08:00"), NOW)
    assert report.at.utcoffset() == timedelta(hours=8)
    assert report.at == NOW  # the same instant
    assert parse_position(TOPIC, payload(time="2026-11-27T02:00:00Z"), NOW).at == NOW


def test_heading_and_speed_are_optional():
    report = parse_position(TOPIC, payload(heading=..., speed=...), NOW)
    assert (report.heading, report.speed) == (None, None)
    report = parse_position(TOPIC, payload(heading=None, speed=None), NOW)
    assert (report.heading, report.speed) == (None, None)


def test_integers_and_range_edges_are_accepted():
    report = parse_position(TOPIC, payload(lon=-180, lat=90, heading=360, speed=0), NOW)
    assert (report.lon, report.lat, report.heading, report.speed) == (-180.0, 90.0, 360.0, 0.0)


def test_a_time_just_ahead_of_the_clock_is_accepted():
    ahead = (NOW + timedelta(minutes=4, seconds=59)).isoformat()
    assert parse_position(TOPIC, payload(time=ahead), NOW).at > NOW


def test_the_prefix_is_configurable():
    report = parse_position("cc-test-x/units/12/position", payload(), NOW, prefix="cc-test-x/units")
    assert report.squad_id == 12
    assert rejected(TOPIC, payload(), prefix="cc-test-x/units") is Reason.BAD_TOPIC


def test_too_large():
    big = payload(pad="x" * MAX_PAYLOAD_BYTES)
    assert rejected(TOPIC, big) is Reason.TOO_LARGE


@pytest.mark.parametrize("topic", [
    "cc/units/position", "cc/units//position", "cc/units/7/8/position", "cc/units/7/pos",
    "other/units/7/position", "cc/units/7/position/extra", "cc/unitsX/7/position",
])
def test_bad_topic(topic):
    assert rejected(topic, payload()) is Reason.BAD_TOPIC


@pytest.mark.parametrize("segment", ["abc", "1.5", "-3", "+3", "0", "007", "٣", " 7", "1e3"])
def test_non_integer_squad_id(segment):
    assert rejected(f"cc/units/{segment}/position", payload()) is Reason.BAD_SQUAD_ID


def test_unknown_squad_id():
    assert rejected(TOPIC, payload(), known_ids={1, 2}) is Reason.UNKNOWN_SQUAD
    assert parse_position(TOPIC, payload(), NOW, known_ids={7}).squad_id == 7


@pytest.mark.parametrize("data", [
    b"", b"{", b"not json", b'{"lon": 1,}', b"\xff\xfe\x00\x81garbage",
    b'{"lon": NaN, "lat": 41.5, "time": "2026-11-27T10:00:00+08:00"}',
    b'{"lon": Infinity, "lat": 41.5, "time": "2026-11-27T10:00:00+08:00"}',
    b"[" * 2000,  # deep nesting, still under 4 KB
])
def test_malformed_json(data):
    assert rejected(TOPIC, data) is Reason.MALFORMED


@pytest.mark.parametrize("data", [
    b"[120.45, 41.57]", b'"text"', b"42", b"null",
    payload(lon="120.45"), payload(lat=True), payload(heading="north"), payload(speed=[1]),
    payload(time=1764208800), payload(lon={"deg": 120}),
])
def test_wrong_type(data):
    assert rejected(TOPIC, data) is Reason.WRONG_TYPE


@pytest.mark.parametrize("field", ["lon", "lat", "time"])
def test_missing_field(field):
    assert rejected(TOPIC, payload(**{field: ...})) is Reason.MISSING_FIELD
    assert rejected(TOPIC, payload(**{field: None})) is Reason.MISSING_FIELD


@pytest.mark.parametrize("fields", [
    {"lon": 180.001}, {"lon": -181}, {"lat": 90.5}, {"lat": -91},
    {"heading": -1}, {"heading": 360.5}, {"speed": -0.1}, {"lon": 10**400},
])
def test_out_of_range(fields):
    assert rejected(TOPIC, payload(**fields)) is Reason.OUT_OF_RANGE


def test_a_number_that_overflows_a_float_is_out_of_range():
    data = b'{"lon": 120.45, "lat": 1e400, "time": "2026-11-27T10:00:00+08:00"}'
    assert rejected(TOPIC, data) is Reason.OUT_OF_RANGE


@pytest.mark.parametrize("stamp", ["yesterday", "2026-13-01T00:00:00+08:00", "", "10:00"])
def test_bad_time(stamp):
    assert rejected(TOPIC, payload(time=stamp)) is Reason.BAD_TIME


@pytest.mark.parametrize("stamp", ["2026-11-27T10:00:00", "2026-11-27"])
def test_naive_time(stamp):
    assert rejected(TOPIC, payload(time=stamp)) is Reason.NAIVE_TIME


def test_future_time():
    ahead = (NOW + timedelta(minutes=5, seconds=1)).isoformat()
    assert rejected(TOPIC, payload(time=ahead)) is Reason.FUTURE_TIME


def test_bad_message_carries_reason_and_detail():
    with pytest.raises(BadMessage) as info:
        parse_position(TOPIC, payload(lat=95), NOW)
    assert info.value.reason == "out_of_range"
    assert "lat" in info.value.detail


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        parse_position(TOPIC, payload(), datetime(2026, 11, 27, 10, 0))


def test_settings():
    settings = MqttSettings("broker.example", password="secret")
    assert (settings.port, settings.username, settings.tls) == (1883, None, False)
    assert settings.topic_filter == "cc/units/+/position"
    assert "secret" not in repr(settings)
    for prefix in ("", "cc/#", "cc/+/units", "cc/units/"):
        with pytest.raises(ValueError):
            MqttSettings("h", topic_prefix=prefix)


# --- the Qt adapter, without a broker ------------------------------------------------------------


def report(squad_id: int, seq: int) -> PositionReport:
    return PositionReport(squad_id, 120.0 + seq * 1e-4, 41.5, None, None,
                          NOW - timedelta(hours=1) + timedelta(seconds=seq))


def test_adapter_coalesces_per_squad_and_delivers_on_its_own_thread(qtbot):
    signals = PositionSignals()
    got: list[tuple[PositionReport, bool]] = []
    main = QCoreApplication.instance().thread()
    signals.report.connect(lambda r: got.append((r, QThread.currentThread() == main)))

    def produce() -> None:
        for seq in range(300):
            signals.submit_report(report(1 + seq % 2, seq))
        signals.submit_report(report(1, 5))  # an older report arriving late is not kept
        signals.submit_stats({"accepted": 300})

    worker = threading.Thread(target=produce)
    worker.start()
    worker.join()
    assert signals.pending_count() == 2  # no queue: one slot per squad
    with qtbot.waitSignal(signals.stats, timeout=5000) as stats:
        pass
    assert stats.args == [{"accepted": 300}]
    assert sorted((r.squad_id, r.lon) for r, _ in got) == [
        (1, pytest.approx(120.0 + 298e-4)), (2, pytest.approx(120.0 + 299e-4))]
    assert all(on_main for _, on_main in got)
    assert signals.pending_count() == 0


# --- against the real broker -------------------------------------------------------------------


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
    return f"cc-test-{uuid.uuid4().hex[:12]}/units"


class Recorder:
    """Collects reports and stats from the feed's network thread; waits on them, bounded."""

    def __init__(self) -> None:
        self.reports: list[PositionReport] = []
        self.stats: dict[str, Any] = {}
        self._cond = threading.Condition()

    def on_report(self, report: PositionReport) -> None:
        with self._cond:
            self.reports.append(report)
            self._cond.notify_all()

    def on_stats(self, stats: dict[str, Any]) -> None:
        with self._cond:
            self.stats = stats
            self._cond.notify_all()

    def wait(self, predicate: Callable[[Recorder], bool], what: str, timeout: float = WAIT_S) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self), timeout):
                pytest.fail(f"waited {timeout:.0f} s for {what}; last stats: {self.stats}")

    def wait_subscribed(self) -> None:
        self.wait(lambda r: r.stats.get("subscribed", False), "the feed to subscribe")


class Publisher:
    def __init__(self, host: str, port: int) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2,
                                  client_id=f"cc-test-pub-{uuid.uuid4().hex[:8]}")
        self.client.connect(host, port)
        self.client.loop_start()

    def send(self, topic: str, data: bytes, qos: int = 0) -> None:
        info = self.client.publish(topic, data, qos=qos)
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
def make_feed() -> Iterator[Callable[..., MqttPositionFeed]]:
    feeds: list[MqttPositionFeed] = []

    def make(settings: MqttSettings, on_report, **kw: Any) -> MqttPositionFeed:
        feed = MqttPositionFeed(settings, on_report, **kw)
        feeds.append(feed)
        feed.start()
        return feed

    yield make
    for feed in feeds:
        feed.stop()


def fresh(seq: int = 0) -> str:
    """A message time a little in the past, later for a larger seq."""
    return (datetime.now(UTC) - timedelta(minutes=30) + timedelta(seconds=seq)).isoformat()


def test_a_valid_message_arrives(broker, prefix, publisher, make_feed):
    rec = Recorder()
    feed = make_feed(MqttSettings(*broker, topic_prefix=prefix), rec.on_report,
                     on_stats=rec.on_stats)
    rec.wait_subscribed()
    assert feed.connected
    stamp = fresh()
    publisher.send(f"{prefix}/42/position",
                   payload(lon=120.4512, lat=41.5733, heading=270.5, speed=1.25, time=stamp))
    rec.wait(lambda r: len(r.reports) == 1, "the report")
    assert rec.reports == [PositionReport(42, 120.4512, 41.5733, 270.5, 1.25,
                                          datetime.fromisoformat(stamp))]
    stats = feed.stats()
    assert (stats["received"], stats["accepted"], stats["rejected"]) == (1, 1, {})
    assert stats["last_message_at"] is not None and stats["last_message_at"].tzinfo is not None


def test_bad_messages_are_counted_logged_once_and_the_feed_keeps_working(
        broker, prefix, publisher, make_feed, caplog):
    caplog.set_level(logging.WARNING, logger="live.positions")
    clock = [1000.0]
    rec = Recorder()
    feed = make_feed(MqttSettings(*broker, topic_prefix=prefix), rec.on_report,
                     on_stats=rec.on_stats, monotonic=lambda: clock[0], known_ids={1, 2, 3})
    rec.wait_subscribed()

    bad = [
        (f"{prefix}/1/position", b'{"lon": 120.4, "lat": '),  # malformed JSON
        (f"{prefix}/1/position", bytes(range(256))),  # binary garbage
        (f"{prefix}/1/position", b"\x00" * 16),
        (f"{prefix}/1/position", payload(lat=123.0)),
        (f"{prefix}/1/position", payload(lon="east")),
        (f"{prefix}/1/position", payload(time="2026-11-27T10:00:00")),
        (f"{prefix}/1/position", payload(time=(datetime.now(UTC) + timedelta(hours=1)).isoformat())),
        (f"{prefix}/1/position", payload(pad="x" * 5000)),
        (f"{prefix}/one/position", payload()),
        (f"{prefix}/99/position", payload()),
    ]
    for topic, data in bad:
        publisher.send(topic, data)
    publisher.send(f"{prefix}/2/position", payload(time=fresh()))
    rec.wait(lambda r: len(r.reports) == 1, "the valid report sent after the bad ones")
    rec.wait(lambda r: r.stats.get("received") == len(bad) + 1, "all messages to be counted")

    assert rec.reports[0].squad_id == 2
    stats = feed.stats()
    assert stats["accepted"] == 1
    assert stats["rejected"] == {"malformed_json": 3, "out_of_range": 1, "wrong_type": 1,
                                 "naive_time": 1, "future_time": 1, "too_large": 1,
                                 "bad_squad_id": 1, "unknown_squad": 1}
    assert stats["rejected_total"] == len(bad)
    assert stats["callback_errors"] == 0

    def malformed_logs() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "(malformed_json)" in r.getMessage()]

    assert len(malformed_logs()) == 1  # once per reason per minute, not three times
    assert len(caplog.records) == len(stats["rejected"])
    assert all(r.name == "live.positions" for r in caplog.records)

    for _ in range(2):
        publisher.send(f"{prefix}/1/position", b"{{")
    rec.wait(lambda r: r.stats.get("received") == len(bad) + 3, "two more malformed messages")
    assert len(malformed_logs()) == 1
    clock[0] += 61  # a minute later the reason is logged again, with the silenced count
    publisher.send(f"{prefix}/1/position", b"}}")
    rec.wait(lambda r: r.stats.get("received") == len(bad) + 4, "the later malformed messages")
    logs = malformed_logs()
    assert len(logs) == 2
    assert "4 more since the last report" in logs[1].getMessage()
    assert feed.stats()["rejected"]["malformed_json"] == 6


def test_a_flood_delivers_the_newest_position_of_each_squad_without_a_queue(
        broker, prefix, publisher, make_feed, qtbot):
    signals = PositionSignals()
    delivered: list[PositionReport] = []
    signals.report.connect(delivered.append)
    rec = Recorder()

    def on_stats(stats: dict[str, Any]) -> None:
        signals.submit_stats(stats)
        rec.on_stats(stats)

    feed = make_feed(MqttSettings(*broker, topic_prefix=prefix), signals.submit_report,
                     on_stats=on_stats)
    rec.wait_subscribed()

    # The GUI thread is busy (it waits here, processing no events) while 1,000 reports land.
    count = 1000
    for seq in range(count):
        squad = 1 + seq % 3
        data = payload(lon=120.0 + seq * 1e-5, lat=41.5, time=fresh(seq))
        publisher.client.publish(f"{prefix}/{squad}/position", data)
    # In order after the flood, malformed on purpose: once it is counted, all have arrived.
    publisher.send(f"{prefix}/1/position", b"end-of-flood")
    rec.wait(lambda r: r.stats.get("rejected_total") == 1, "the flood to be received",
             timeout=30)
    assert feed.stats()["accepted"] == count
    assert signals.pending_count() == 3  # one slot per squad, however many arrived

    with qtbot.waitSignal(signals.stats, timeout=5000):
        pass  # the GUI's next turn: a single queued drain
    newest = {1 + seq % 3: seq for seq in range(count - 3, count)}
    assert len(delivered) == 3
    assert {r.squad_id: r.lon for r in delivered} == {
        squad: pytest.approx(120.0 + seq * 1e-5) for squad, seq in newest.items()}
    assert signals.pending_count() == 0


def test_the_qt_adapter_delivers_reports_on_the_gui_thread(broker, prefix, publisher, make_feed,
                                                           qtbot):
    signals = PositionSignals()
    rec = Recorder()

    def on_stats(stats: dict[str, Any]) -> None:
        signals.submit_stats(stats)
        rec.on_stats(stats)

    feed = make_feed(MqttSettings(*broker, topic_prefix=prefix), signals.submit_report,
                     on_stats=on_stats)
    rec.wait_subscribed()
    main = QCoreApplication.instance().thread()
    threads: list[bool] = []
    signals.report.connect(lambda _r: threads.append(QThread.currentThread() == main))

    reports: list[PositionReport] = []
    signals.report.connect(reports.append)

    # A drain emits the reports first, then the counters that include them.
    with qtbot.waitSignal(signals.stats, timeout=int(WAIT_S * 1000),
                          check_params_cb=lambda s: s["accepted"] == 1) as stats:
        publisher.send(f"{prefix}/5/position", payload(lon=120.5, lat=41.6, time=fresh()))
    (got,) = reports
    assert (got.squad_id, got.lon, got.lat) == (5, 120.5, 41.6)
    assert threads == [True]
    assert stats.args[0]["connected"] is True
    feed.stop()
    assert not feed.connected


def test_stop_disconnects_and_joins_the_network_thread(broker, prefix):
    rec = Recorder()
    client_id = f"cc-test-feed-{uuid.uuid4().hex[:8]}"
    feed = MqttPositionFeed(MqttSettings(*broker, topic_prefix=prefix), rec.on_report,
                            on_stats=rec.on_stats, client_id=client_id)
    feed.stop()  # before start: nothing to do
    feed = MqttPositionFeed(MqttSettings(*broker, topic_prefix=prefix), rec.on_report,
                            on_stats=rec.on_stats, client_id=client_id)
    feed.start()
    rec.wait_subscribed()
    assert any(client_id in t.name for t in threading.enumerate())
    feed.stop()
    assert not any(client_id in t.name for t in threading.enumerate())
    assert feed.stats()["connected"] is False and rec.stats["connected"] is False
    feed.stop()  # twice is harmless
    with pytest.raises(RuntimeError):
        feed.start()


# --- reconnecting, against a private broker ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateBroker:
    """A `mosquitto` process on a port of its own, to kill and restart."""

    def __init__(self, exe: str, port: int) -> None:
        self.exe, self.port = exe, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([self.exe, "-p", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + WAIT_S
        # No signal exists for "another process is listening"; poll the port, bounded.
        while not _reachable("127.0.0.1", self.port):
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                pytest.fail(f"mosquitto -p {self.port} exited ({self.proc.returncode}): {err}")
            if time.monotonic() > deadline:
                pytest.fail(f"mosquitto -p {self.port} did not listen within {WAIT_S:.0f} s")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT_S)
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None


@pytest.fixture
def private_broker() -> Iterator[PrivateBroker]:
    exe = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")
    if exe is None:
        pytest.skip("no `mosquitto` binary on this machine to kill and restart")
    broker = PrivateBroker(exe, _free_port())
    yield broker
    broker.kill()


def test_the_feed_connects_late_and_reconnects_after_losing_the_broker(private_broker, prefix):
    port = private_broker.port
    rec = Recorder()
    feed = MqttPositionFeed(MqttSettings("127.0.0.1", port, topic_prefix=prefix), rec.on_report,
                            on_stats=rec.on_stats, reconnect_delay=(1, 2))
    try:
        feed.start()  # nobody listens yet: the feed keeps trying by itself
        assert not feed.connected
        private_broker.start()
        rec.wait_subscribed()
        pub = Publisher("127.0.0.1", port)
        pub.send(f"{prefix}/1/position", payload(lon=120.1, time=fresh(1)))
        pub.close()
        rec.wait(lambda r: len(r.reports) == 1, "a report from the first broker")

        private_broker.kill()
        rec.wait(lambda r: r.stats.get("connected") is False, "the feed to notice the loss")
        private_broker.start()  # same port
        rec.wait(lambda r: r.stats.get("connects") == 2 and r.stats.get("subscribed"),
                 "the feed to reconnect and re-subscribe")
        pub = Publisher("127.0.0.1", port)
        pub.send(f"{prefix}/1/position", payload(lon=120.2, time=fresh(2)))
        pub.close()
        rec.wait(lambda r: len(r.reports) == 2, "a report after the reconnect")
        assert [r.lon for r in rec.reports] == [120.1, 120.2]
    finally:
        feed.stop()
