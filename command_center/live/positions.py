"""Field-squad positions arriving over MQTT.

Each squad's device publishes to ``{prefix}/{squad_id}/position`` (prefix ``cc/units`` by
default) a small JSON object::

    {"lon": 120.45, "lat": 41.57, "heading": 90, "speed": 3.2,
     "time": "2026-11-27T10:00:00+08:00"}

``lon``/``lat`` (WGS-84) and ``time`` (ISO-8601 *with* an offset) are required; ``heading``
(degrees, 0–360) and ``speed`` (m/s, ≥ 0) are optional.

Three pieces, from the inside out:

* `parse_position` is a pure function: topic + payload + "now" in, a `PositionReport` out,
  or `BadMessage` with a stable ``reason`` string (see `Reason`).
* `MqttPositionFeed` owns a paho-mqtt client whose network loop runs on paho's own thread
  (``loop_start``). It reconnects by itself with exponential backoff, counts what it sees,
  logs bad messages at most once per reason per minute (logger ``live.positions``) and hands
  valid reports to a plain callback — on the network thread.
* `PositionSignals` is the thin Qt adapter: its ``submit_*`` methods may be called from any
  thread; it keeps only the newest pending report per squad and wakes the thread it lives on
  (the GUI thread) with one queued call, which emits ``report`` once per squad and ``stats``
  once. A flood of messages therefore cannot pile up events in the GUI's queue.

Wiring, in the composition root::

    signals = PositionSignals(parent=window)
    feed = MqttPositionFeed(settings, on_report=signals.submit_report,
                            on_stats=signals.submit_stats)
    signals.report.connect(squad_layer.move_squad)
    feed.start()
    ...
    feed.stop()          # before the adapter goes away

This module imports QtCore only (never QtWidgets); the parser and the feed need no Qt at all.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger("live.positions")

#: Payloads larger than this are rejected unread.
MAX_PAYLOAD_BYTES = 4 * 1024
#: A report stamped further ahead of our clock than this is rejected (device clock wrong).
MAX_FUTURE = timedelta(minutes=5)
#: Each rejection reason is logged at most once per this many seconds.
LOG_INTERVAL_S = 60.0

_SQUAD_ID = re.compile(r"[1-9][0-9]{0,17}", re.ASCII)  # positive, canonical decimal


class Reason(StrEnum):
    """Why a message was rejected; the values are the keys of the ``rejected`` counters."""

    TOO_LARGE = "too_large"  # payload > MAX_PAYLOAD_BYTES
    BAD_TOPIC = "bad_topic"  # not {prefix}/{id}/position
    BAD_SQUAD_ID = "bad_squad_id"  # the id segment is not a positive integer
    UNKNOWN_SQUAD = "unknown_squad"  # an integer, but not one of the known squads
    MALFORMED = "malformed_json"  # not UTF-8, not JSON, or NaN/Infinity
    WRONG_TYPE = "wrong_type"  # not an object, or a field of the wrong type
    MISSING_FIELD = "missing_field"  # lon, lat or time absent (or null)
    OUT_OF_RANGE = "out_of_range"  # lon/lat/heading/speed outside their ranges
    BAD_TIME = "bad_time"  # time is not ISO-8601
    NAIVE_TIME = "naive_time"  # time has no UTC offset
    FUTURE_TIME = "future_time"  # time more than MAX_FUTURE ahead of now


class BadMessage(ValueError):
    """A message that cannot become a `PositionReport`."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PositionReport:
    """One squad's position at one moment. ``at`` is timezone-aware (the sender's offset)."""

    squad_id: int
    lon: float
    lat: float
    heading: float | None
    speed: float | None
    at: datetime


@dataclass(frozen=True)
class MqttSettings:
    """Where the position broker is. To be wired into the settings schema by config.py."""

    host: str
    port: int = 1883
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False
    topic_prefix: str = "cc/units"

    def __post_init__(self) -> None:
        prefix = self.topic_prefix
        if not prefix or prefix.endswith("/") or "+" in prefix or "#" in prefix:
            raise ValueError(f"topic_prefix must be a plain topic without wildcards: {prefix!r}")
        if not 0 < self.port < 65536:
            raise ValueError(f"port out of range: {self.port}")

    @property
    def topic_filter(self) -> str:
        return f"{self.topic_prefix}/+/position"


# --- the parser -------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _number(obj: dict[str, Any], key: str, *, required: bool) -> float | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise BadMessage(Reason.MISSING_FIELD, f"{key} is missing")
        return None
    # bool is an int subclass; true is not a coordinate.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadMessage(Reason.WRONG_TYPE, f"{key} must be a number, not {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an integer literal too large for a float
        raise BadMessage(Reason.OUT_OF_RANGE, f"{key} is too large") from None
    if not math.isfinite(number):  # 1e400 parses to inf
        raise BadMessage(Reason.OUT_OF_RANGE, f"{key} is not finite")
    return number


def _check_range(key: str, value: float | None, low: float, high: float) -> None:
    if value is not None and not low <= value <= high:
        raise BadMessage(Reason.OUT_OF_RANGE, f"{key}={value} outside [{low}, {high}]")


def squad_id_from_topic(
    topic: str, prefix: str = "cc/units", known_ids: Collection[int] | None = None
) -> int:
    """The squad id in ``{prefix}/{id}/position``, or `BadMessage`."""
    head, tail = prefix + "/", "/position"
    if not (topic.startswith(head) and topic.endswith(tail)) or len(topic) <= len(head + tail):
        raise BadMessage(Reason.BAD_TOPIC, f"not {prefix}/<id>/position: {topic[:200]!r}")
    segment = topic[len(head) : -len(tail)]
    if "/" in segment:
        raise BadMessage(Reason.BAD_TOPIC, f"not {prefix}/<id>/position: {topic[:200]!r}")
    if not _SQUAD_ID.fullmatch(segment):
        raise BadMessage(Reason.BAD_SQUAD_ID, f"squad id is not a positive integer: {segment[:50]!r}")
    squad_id = int(segment)
    if known_ids is not None and squad_id not in known_ids:
        raise BadMessage(Reason.UNKNOWN_SQUAD, f"no squad {squad_id}")
    return squad_id


def parse_position(
    topic: str,
    payload: bytes,
    now: datetime,
    *,
    prefix: str = "cc/units",
    known_ids: Collection[int] | None = None,
) -> PositionReport:
    """Turn one MQTT message into a `PositionReport`, or raise `BadMessage`.

    ``now`` must be timezone-aware; it bounds how far in the future ``time`` may lie.
    ``known_ids``, when given, is the roster: other squad ids are ``unknown_squad``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise BadMessage(Reason.TOO_LARGE, f"{len(payload)} bytes > {MAX_PAYLOAD_BYTES}")
    squad_id = squad_id_from_topic(topic, prefix, known_ids)

    try:
        obj = json.loads(payload.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadMessage(Reason.MALFORMED, str(exc)[:200]) from None
    if not isinstance(obj, dict):
        raise BadMessage(Reason.WRONG_TYPE, f"payload must be an object, not {type(obj).__name__}")

    lon = _number(obj, "lon", required=True)
    lat = _number(obj, "lat", required=True)
    heading = _number(obj, "heading", required=False)
    speed = _number(obj, "speed", required=False)
    _check_range("lon", lon, -180.0, 180.0)
    _check_range("lat", lat, -90.0, 90.0)
    _check_range("heading", heading, 0.0, 360.0)
    _check_range("speed", speed, 0.0, math.inf)

    stamp = obj.get("time")
    if stamp is None:
        raise BadMessage(Reason.MISSING_FIELD, "time is missing")
    if not isinstance(stamp, str):
        raise BadMessage(Reason.WRONG_TYPE, f"time must be a string, not {type(stamp).__name__}")
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        raise BadMessage(Reason.BAD_TIME, f"not ISO-8601: {stamp[:64]!r}") from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise BadMessage(Reason.NAIVE_TIME, f"time has no UTC offset: {stamp[:64]!r}")
    if at - now > MAX_FUTURE:
        raise BadMessage(Reason.FUTURE_TIME, f"{stamp[:64]} is {at - now} ahead of {now.isoformat()}")

    assert lon is not None and lat is not None  # required above
    return PositionReport(squad_id, lon, lat, heading, speed, at)


# --- logging bad messages, rate-limited ---------------------------------------------------------


class _RejectionLog:
    """Logs each rejection reason at most once per interval, with how many were not logged."""

    def __init__(self, interval: float, clock: Callable[[], float]) -> None:
        self._interval = interval
        self._clock = clock
        self._last: dict[str, float] = {}
        self._silenced: dict[str, int] = {}

    def __call__(self, topic: str, error: BadMessage) -> None:
        now = self._clock()
        last = self._last.get(error.reason)
        if last is not None and now - last < self._interval:
            self._silenced[error.reason] = self._silenced.get(error.reason, 0) + 1
            return
        self._last[error.reason] = now
        silenced = self._silenced.pop(error.reason, 0)
        log.warning(
            "rejected position message (%s) on %r: %s%s",
            error.reason,
            topic[:200],
            error.detail,
            f" [{silenced} more since the last report]" if silenced else "",
        )


# --- the MQTT feed ----------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MqttPositionFeed:
    """Subscribes to squad positions and hands valid ones to ``on_report``.

    ``on_report`` and ``on_stats`` are called on paho's network thread; they must be quick
    and thread-safe (`PositionSignals.submit_report` / ``submit_stats`` are). An exception in
    either is logged and counted (``callback_errors``), never raised into the network loop.

    After ``start()`` the client connects in the background and keeps reconnecting (backoff
    from ``reconnect_delay[0]`` doubling up to ``reconnect_delay[1]`` seconds) whenever the
    broker is unreachable or drops the connection; it re-subscribes on every connect.
    """

    def __init__(
        self,
        settings: MqttSettings,
        on_report: Callable[[PositionReport], None],
        *,
        on_stats: Callable[[dict[str, Any]], None] | None = None,
        known_ids: Collection[int] | None = None,
        qos: int = 0,
        keepalive: int = 30,
        reconnect_delay: tuple[int, int] = (1, 30),
        client_id: str | None = None,
        now: Callable[[], datetime] = _utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._on_report = on_report
        self._on_stats = on_stats
        self._known_ids = frozenset(known_ids) if known_ids is not None else None
        self._qos = qos
        self._keepalive = keepalive
        self._now = now
        self._log_rejection = _RejectionLog(LOG_INTERVAL_S, monotonic)

        self._lock = threading.Lock()
        self._connected = False  # CONNACK received, socket up
        self._subscribed = False  # SUBACK received: messages flow
        self._connects = 0
        self._received = 0
        self._accepted = 0
        self._rejected: dict[str, int] = {}
        self._callback_errors = 0
        self._last_message_at: datetime | None = None
        self._state = "new"  # -> "running" -> "stopped"; a feed runs once

        cid = client_id or f"cc-positions-{uuid.uuid4().hex[:12]}"
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=cid,
            clean_session=True,
            protocol=mqtt.MQTTv311,
        )
        if settings.username is not None:
            client.username_pw_set(settings.username, settings.password)
        if settings.tls:
            client.tls_set()  # the system's CA store, hostname checked
        client.reconnect_delay_set(*reconnect_delay)
        client.on_connect = self._handle_connect
        client.on_disconnect = self._handle_disconnect
        client.on_subscribe = self._handle_subscribe
        client.on_message = self._handle_message
        self._client = client

    # -- lifecycle --

    def start(self) -> None:
        """Connect in the background; returns at once even if the broker is down."""
        if self._state != "new":
            raise RuntimeError(f"a feed starts once (this one is {self._state})")
        self._state = "running"
        self._client.connect_async(self._settings.host, self._settings.port, self._keepalive)
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect and join the network thread. Safe to call twice or before ``start``."""
        if self._state != "running":
            self._state = "stopped"
            return
        self._state = "stopped"
        self._client.disconnect()
        self._client.loop_stop()
        with self._lock:
            self._connected = self._subscribed = False
        self._publish_stats()

    # -- counters --

    @property
    def connected(self) -> bool:
        with self._lock:
            return self._connected

    def stats(self) -> dict[str, Any]:
        """A snapshot of the counters (a new dict each call)."""
        with self._lock:
            return {
                "connected": self._connected,
                "subscribed": self._subscribed,
                "connects": self._connects,
                "received": self._received,
                "accepted": self._accepted,
                "rejected": dict(self._rejected),
                "rejected_total": sum(self._rejected.values()),
                "callback_errors": self._callback_errors,
                "last_message_at": self._last_message_at,
            }

    def _publish_stats(self) -> None:
        if self._on_stats is None:
            return
        try:
            self._on_stats(self.stats())
        except Exception:
            with self._lock:
                self._callback_errors += 1
            log.exception("position stats callback failed")

    # -- paho callbacks (network thread) --

    def _handle_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning(
                "MQTT broker %s:%s refused the connection: %s",
                self._settings.host, self._settings.port, reason_code,
            )
            return
        client.subscribe(self._settings.topic_filter, qos=self._qos)
        with self._lock:
            self._connected = True
            self._connects += 1
            connects = self._connects
        log.info(
            "%s MQTT broker %s:%s, subscribed to %s",
            "connected to" if connects == 1 else "reconnected to",
            self._settings.host, self._settings.port, self._settings.topic_filter,
        )
        self._publish_stats()

    def _handle_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        with self._lock:
            was_connected, self._connected = self._connected, False
            self._subscribed = False
        if was_connected and self._state == "running":
            log.warning(
                "lost MQTT broker %s:%s (%s); reconnecting",
                self._settings.host, self._settings.port, reason_code,
            )
        self._publish_stats()

    def _handle_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        if any(rc.is_failure for rc in reason_codes):
            log.warning(
                "MQTT broker %s:%s refused the subscription to %s: %s",
                self._settings.host, self._settings.port, self._settings.topic_filter,
                ", ".join(str(rc) for rc in reason_codes),
            )
            return
        with self._lock:
            self._subscribed = self._connected
        self._publish_stats()

    def _handle_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        try:
            try:
                topic: str | None = message.topic
            except UnicodeDecodeError:  # MQTT requires UTF-8 topics; be safe anyway
                topic = None
            self._process(topic, message.payload)
        except Exception:  # never let anything escape into paho's loop
            with self._lock:
                self._callback_errors += 1
            log.exception("position message handling failed")
        self._publish_stats()

    def _process(self, topic: str | None, payload: bytes) -> None:
        now = self._now()
        with self._lock:
            self._received += 1
            self._last_message_at = now
        try:
            if topic is None:
                raise BadMessage(Reason.BAD_TOPIC, "topic is not UTF-8")
            report = parse_position(
                topic, payload, now, prefix=self._settings.topic_prefix, known_ids=self._known_ids
            )
        except BadMessage as exc:
            with self._lock:
                self._rejected[exc.reason.value] = self._rejected.get(exc.reason.value, 0) + 1
            self._log_rejection(topic or "?", exc)
            return
        with self._lock:
            self._accepted += 1
        self._on_report(report)


# --- the Qt adapter -----------------------------------------------------------------------------


class PositionSignals(QObject):
    """Carries reports from any thread to the thread this object lives on, coalesced.

    ``submit_report`` keeps only the newest pending report per squad (newest by ``at``;
    on a tie, the later arrival) and schedules at most one queued drain at a time, so
    however fast reports come, the receiving thread sees at most one event per turn and
    one ``report`` emission per squad per drain. ``stats`` carries the newest counters.
    """

    report = Signal(object)  # PositionReport
    stats = Signal(dict)
    _wake = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: dict[int, PositionReport] = {}
        self._pending_stats: dict[str, Any] | None = None
        self._scheduled = False
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def submit_report(self, report: PositionReport) -> None:
        """Thread-safe. Queue ``report``, replacing an older pending one of the same squad."""
        with self._lock:
            old = self._pending.get(report.squad_id)
            if old is None or report.at >= old.at:
                self._pending[report.squad_id] = report
            wake = not self._scheduled
            self._scheduled = True
        if wake:
            self._wake.emit()

    def submit_stats(self, stats: dict[str, Any]) -> None:
        """Thread-safe. Replace the pending counters snapshot."""
        with self._lock:
            self._pending_stats = stats
            wake = not self._scheduled
            self._scheduled = True
        if wake:
            self._wake.emit()

    def pending_count(self) -> int:
        """How many squads have a report waiting (never more than the number of squads)."""
        with self._lock:
            return len(self._pending)

    @Slot()
    def _drain(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
            stats, self._pending_stats = self._pending_stats, None
            self._scheduled = False
        for report in pending.values():
            self.report.emit(report)
        if stats is not None:
            self.stats.emit(stats)
