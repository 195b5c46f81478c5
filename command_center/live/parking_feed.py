"""Car-park occupancy arriving over MQTT, and its stand-in for the demo city.

Each car park with a sensor feed publishes to ``{prefix}/parking/{code}/occupancy`` (the
registry's ``feed`` attribute reads ``mqtt:{prefix}/parking/{code}``) either a bare integer
(occupied berths, as of now) or a JSON object::

    {"occupied": 57, "at": "2026-11-27T10:00:00+08:00"}

``occupied`` (an integer ≥ 0) is required; ``at`` (ISO-8601 *with* an offset) is optional and
defaults to the moment the message arrives.

* `parse_occupancy` is a pure function: topic + payload + "now" in, an `OccupancyReading`
  out, or `BadReading` with a stable ``reason``.
* `MqttParkingFeed` owns a paho-mqtt client (network loop on paho's thread, reconnecting
  with exponential backoff, like `live.positions.MqttPositionFeed`) and a writer thread.
  Readings are kept newest-per-car-park and written in one batch at most every
  ``flush_interval`` seconds through ``write`` (``RegistryService.record_occupancy``), on the
  writer thread: never on the GUI thread, and never queued on the desk's task worker, where a
  write every two seconds would keep the desk's own reloads waiting. The write logs the change,
  so every desk (this one too) follows it through the change feed.
* `OccupancyDrift` is the demo's stand-in when no broker is configured: stepped with the
  simulator's clock, it moves the car parks that have a ``feed`` along a daily curve
  (`occupancy_share`), written through the same ``record_occupancy``.

Nothing here imports Qt.
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from command_center.domain.calendar import CST
from command_center.live.positions import MqttSettings
from command_center.services.changes import Changes
from command_center.services.registries import RegistryService
from command_center.store.models import RegistryObject

__all__ = [
    "BadReading",
    "MqttParkingFeed",
    "OccupancyDrift",
    "OccupancyReading",
    "Reason",
    "occupancy_share",
    "parking_prefix",
    "parse_occupancy",
]

log = logging.getLogger("live.parking")

TABLE = RegistryObject.__tablename__
#: Payloads larger than this are rejected unread.
MAX_PAYLOAD_BYTES = 1024
#: A reading stamped further ahead of our clock than this is rejected (sensor clock wrong):
#: it would otherwise hold off every true reading until the clock caught up with it.
MAX_FUTURE = timedelta(minutes=5)
#: Each car park's bad messages are logged at most once per this many seconds.
LOG_INTERVAL_S = 60.0
#: Readings are written at most this often (seconds).
FLUSH_INTERVAL_S = 2.0

_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}", re.ASCII)  # services.registries.CODE_RE


class Reason(StrEnum):
    """Why a message was rejected (each is counted as ``malformed``)."""

    TOO_LARGE = "too_large"  # payload > MAX_PAYLOAD_BYTES
    BAD_TOPIC = "bad_topic"  # not {prefix}/parking/{code}/occupancy, or not a registry code
    MALFORMED = "malformed"  # not UTF-8, not JSON, not an integer or an object
    BAD_COUNT = "bad_count"  # occupied missing, not an integer, or negative
    BAD_TIME = "bad_time"  # at is not an ISO-8601 string with an offset
    FUTURE_TIME = "future_time"  # at more than MAX_FUTURE ahead of now


class BadReading(ValueError):
    """A message that cannot become an `OccupancyReading`."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class OccupancyReading(NamedTuple):
    """One car park's occupied berths at one moment (``at`` timezone-aware): the tuple
    `RegistryService.record_occupancy` takes."""

    code: str
    occupied: int
    at: datetime


def parking_prefix(units_prefix: str) -> str:
    """The topic prefix of the parking feeds for the squads' ``units_prefix``: its parent
    when it ends in ``/units`` (``cc/units`` → ``cc``), else the same prefix."""
    head, sep, tail = units_prefix.rpartition("/")
    return head if sep and head and tail == "units" else units_prefix


def topic_filter(prefix: str) -> str:
    return f"{prefix}/parking/+/occupancy"


# --- the parser -------------------------------------------------------------------------------


def code_from_topic(topic: str, prefix: str) -> str:
    """The car park's code in ``{prefix}/parking/{code}/occupancy``, or `BadReading`."""
    head, tail = f"{prefix}/parking/", "/occupancy"
    segment = (
        topic[len(head) : -len(tail)] if topic.startswith(head) and topic.endswith(tail) else ""
    )
    if not _CODE.fullmatch(segment):
        raise BadReading(
            Reason.BAD_TOPIC, f"not {prefix}/parking/<code>/occupancy: {topic[:200]!r}"
        )
    return segment


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _count(value: object) -> int:
    # bool is an int subclass; true is not a count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadReading(
            Reason.BAD_COUNT, f"occupied must be an integer, not {json.dumps(value)[:40]}"
        )
    if value < 0:
        raise BadReading(Reason.BAD_COUNT, f"occupied must be >= 0, not {value}")
    return value


def parse_occupancy(
    topic: str, payload: bytes | bytearray, now: datetime, *, prefix: str
) -> OccupancyReading:
    """Turn one MQTT message into an `OccupancyReading`, or raise `BadReading`.

    ``now`` (timezone-aware) stamps a reading without ``at`` and bounds how far ahead ``at``
    may lie. Whether the count fits the car park's capacity is the registry's to decide.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise BadReading(Reason.TOO_LARGE, f"{len(payload)} bytes > {MAX_PAYLOAD_BYTES}")
    code = code_from_topic(topic, prefix)
    try:
        obj = json.loads(payload.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadReading(
            Reason.MALFORMED, f"neither an integer nor JSON ({exc}): {payload[:60]!r}"
        ) from None
    if isinstance(obj, dict):
        if obj.get("occupied") is None:
            raise BadReading(Reason.BAD_COUNT, "occupied is missing")
        occupied = _count(obj["occupied"])
        stamp = obj.get("at")
    elif isinstance(obj, int) and not isinstance(obj, bool):
        occupied, stamp = _count(obj), None
    else:
        raise BadReading(
            Reason.MALFORMED,
            f"payload must be an integer or an object, not {type(obj).__name__}",
        )
    if stamp is None:
        return OccupancyReading(code, occupied, now)
    if not isinstance(stamp, str):
        raise BadReading(Reason.BAD_TIME, f"at must be a string, not {type(stamp).__name__}")
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        raise BadReading(Reason.BAD_TIME, f"at is not ISO-8601: {stamp[:64]!r}") from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise BadReading(Reason.BAD_TIME, f"at has no UTC offset: {stamp[:64]!r}")
    if at - now > MAX_FUTURE:
        raise BadReading(Reason.FUTURE_TIME, f"at {stamp[:64]} is {at - now} ahead of now")
    return OccupancyReading(code, occupied, at)


# --- the MQTT feed ----------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MqttParkingFeed:
    """Subscribes to car-park occupancy and writes it to the registry in batches.

    ``write`` receives a list of `OccupancyReading` (the newest per car park since the last
    write) on the feed's writer thread, at most once per ``flush_interval`` seconds, and
    returns the `Changes` it made. A failed write is logged, counted (``write_errors``) and
    its readings kept for the next one (newer readings of the same car park win).
    ``on_stats``, when given, receives a counters snapshot after every connect, disconnect,
    message and write, on the thread where that happened; it must be quick and thread-safe.

    After ``start()`` the client connects in the background and keeps reconnecting (backoff
    from ``reconnect_delay[0]`` doubling up to ``reconnect_delay[1]`` seconds) whenever the
    broker is unreachable or drops the connection; it re-subscribes on every connect.
    """

    def __init__(
        self,
        settings: MqttSettings,
        write: Callable[[list[OccupancyReading]], Changes],
        *,
        on_stats: Callable[[dict[str, Any]], None] | None = None,
        flush_interval: float = FLUSH_INTERVAL_S,
        qos: int = 0,
        keepalive: int = 30,
        reconnect_delay: tuple[int, int] = (1, 30),
        client_id: str | None = None,
        now: Callable[[], datetime] = _utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if flush_interval <= 0:
            raise ValueError(f"flush_interval must be positive, got {flush_interval}")
        self._settings = settings
        self._write = write
        self._on_stats = on_stats
        self._flush_interval = flush_interval
        self._qos = qos
        self._keepalive = keepalive
        self._now = now
        self._monotonic = monotonic
        self.topic_filter = topic_filter(settings.topic_prefix)

        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._publishing = threading.Lock()
        self._pending: dict[str, OccupancyReading] = {}
        self._stopping = False
        self._connected = False
        self._subscribed = False
        self._counts = dict.fromkeys(
            ("connects", "received", "malformed", "flushes", "written", "skipped", "write_errors"),
            0,
        )
        self._last_logged: dict[str, float] = {}  # topic -> monotonic time of its last log line
        self._silenced: dict[str, int] = {}
        self._state = "new"  # -> "running" -> "stopped"; a feed runs once

        cid = client_id or f"cc-parking-{uuid.uuid4().hex[:12]}"
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=cid, clean_session=True, protocol=mqtt.MQTTv311
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
        self._writer = threading.Thread(
            target=self._write_loop, name=f"parking-writer-{cid}", daemon=True
        )

    # -- lifecycle --

    def start(self) -> None:
        """Connect in the background; returns at once even if the broker is down."""
        if self._state != "new":
            raise RuntimeError(f"a feed starts once (this one is {self._state})")
        self._state = "running"
        self._writer.start()
        self._client.connect_async(self._settings.host, self._settings.port, self._keepalive)
        self._client.loop_start()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Disconnect, write what is pending and join both threads. Safe to call twice."""
        if self._state != "running":
            self._state = "stopped"
            return
        self._state = "stopped"
        self._client.disconnect()
        self._client.loop_stop()
        with self._wake:
            self._connected = self._subscribed = False
            self._stopping = True
            self._wake.notify_all()
        self._writer.join(timeout)
        self._publish_stats()

    # -- counters --

    @property
    def connected(self) -> bool:
        with self._lock:
            return self._connected

    def stats(self) -> dict[str, Any]:
        """A snapshot of the counters (a new dict each call): ``received`` messages,
        ``malformed`` ones, ``flushes`` (writes, one transaction each), car parks ``written``
        and ``skipped`` by the registry, ``pending`` car parks waiting for the next write."""
        with self._lock:
            return {
                "connected": self._connected,
                "subscribed": self._subscribed,
                "pending": len(self._pending),
                **self._counts,
            }

    def _publish_stats(self) -> None:
        if self._on_stats is None:
            return
        # Snapshots are taken and delivered in one order, whichever thread publishes them.
        with self._publishing:
            try:
                self._on_stats(self.stats())
            except Exception:
                log.exception("parking stats callback failed")

    # -- paho callbacks (network thread) --

    def _handle_connect(self, client, userdata, flags, reason_code, properties) -> None:
        host, port = self._settings.host, self._settings.port
        if reason_code.is_failure:
            log.warning("MQTT broker %s:%s refused the connection: %s", host, port, reason_code)
            return
        client.subscribe(self.topic_filter, qos=self._qos)
        with self._lock:
            self._connected = True
            self._counts["connects"] += 1
            again = self._counts["connects"] > 1
        log.info(
            "%s MQTT broker %s:%s, subscribed to %s",
            "reconnected to" if again else "connected to",
            host,
            port,
            self.topic_filter,
        )
        self._publish_stats()

    def _handle_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        with self._lock:
            was_connected, self._connected = self._connected, False
            self._subscribed = False
        if was_connected and self._state == "running":
            log.warning(
                "lost MQTT broker %s:%s (%s); reconnecting",
                self._settings.host,
                self._settings.port,
                reason_code,
            )
        self._publish_stats()

    def _handle_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        if any(rc.is_failure for rc in reason_codes):
            log.warning(
                "MQTT broker %s:%s refused the subscription to %s: %s",
                self._settings.host,
                self._settings.port,
                self.topic_filter,
                ", ".join(str(rc) for rc in reason_codes),
            )
            return
        with self._lock:
            self._subscribed = self._connected
        self._publish_stats()

    def _handle_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        try:
            self._process(message)
        except Exception:  # never let anything escape into paho's loop
            log.exception("parking message handling failed")
        self._publish_stats()

    def _process(self, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            self._counts["received"] += 1
        try:
            topic = message.topic
        except UnicodeDecodeError:  # MQTT requires UTF-8 topics; be safe anyway
            topic = "?"
        try:
            reading = parse_occupancy(
                topic, message.payload, self._now(), prefix=self._settings.topic_prefix
            )
        except BadReading as exc:
            with self._lock:
                self._counts["malformed"] += 1
            self._log_rejection(topic, exc)
            return
        with self._wake:
            old = self._pending.get(reading.code)
            if old is None or reading.at >= old.at:
                self._pending[reading.code] = reading
            self._wake.notify_all()

    def _log_rejection(self, topic: str, error: BadReading) -> None:
        """One line per topic per LOG_INTERVAL_S, saying how many were not logged since."""
        now = self._monotonic()
        with self._lock:
            last = self._last_logged.get(topic)
            if last is not None and now - last < LOG_INTERVAL_S:
                self._silenced[topic] = self._silenced.get(topic, 0) + 1
                return
            self._last_logged[topic] = now
            silenced = self._silenced.pop(topic, 0)
        log.warning(
            "ignored a malformed parking occupancy message on %r (%s): %s%s",
            topic[:200],
            error.reason,
            error.detail,
            f" [{silenced} more on this topic since the last report]" if silenced else "",
        )

    # -- the writer thread --

    def _write_loop(self) -> None:
        last_flush = -math.inf
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._pending or self._stopping)
                # At most one write per interval: later readings join this batch meanwhile.
                while not self._stopping:
                    delay = last_flush + self._flush_interval - self._monotonic()
                    if delay <= 0:
                        break
                    self._wake.wait(delay)
                batch, self._pending = list(self._pending.values()), {}
                stopping = self._stopping
            if batch:
                last_flush = self._monotonic()
                self._flush(batch)
            if stopping:
                return

    def _flush(self, batch: list[OccupancyReading]) -> None:
        try:
            changes = self._write(batch)
        except Exception:
            with self._wake:
                self._counts["write_errors"] += 1
                for reading in batch:  # keep them, unless a newer reading came meanwhile
                    newer = self._pending.get(reading.code)
                    if newer is None or newer.at < reading.at:
                        self._pending[reading.code] = reading
            log.exception("could not write %d parking readings; retrying", len(batch))
        else:
            written = len(changes.ids(TABLE)) if changes else 0
            with self._lock:
                self._counts["flushes"] += 1
                self._counts["written"] += written
                self._counts["skipped"] += len(batch) - written
        self._publish_stats()


# --- the demo ---------------------------------------------------------------------------------

#: Share of a car park's berths in use at each hour of the day (CST), interpolated linearly
#: in between: quiet at night, the morning rush 09–11, a dip at lunch, the evening 17–19.
HOURLY_SHARE = (
    0.12, 0.10, 0.08, 0.08, 0.08, 0.10, 0.18, 0.35, 0.62, 0.85, 0.90, 0.86,
    0.68, 0.62, 0.64, 0.68, 0.76, 0.88, 0.90, 0.82, 0.60, 0.40, 0.26, 0.16,
)  # fmt: skip


def occupancy_share(at: datetime) -> float:
    """The daily curve: the expected share of berths in use at ``at`` (aware), 0–1."""
    local = at.astimezone(CST)
    hours = local.hour + local.minute / 60 + local.second / 3600
    i = int(hours) % 24
    frac = hours - int(hours)
    return HOURLY_SHARE[i] + (HOURLY_SHARE[(i + 1) % 24] - HOURLY_SHARE[i]) * frac


def drifted_occupancy(code: str, capacity: int, at: datetime, seed: int = 0) -> int:
    """A car park's simulated occupied berths at ``at``, within [0, capacity]: the daily curve
    scaled by the car park's own popularity, plus a small wobble that changes every 5 minutes
    (a pure function of its arguments, so restarts and replays agree)."""
    popularity = random.Random(f"{seed}/parking/{code}").uniform(0.8, 1.08)
    slot = math.floor(at.timestamp() / 300)
    wobble = random.Random(f"{seed}/parking/{code}/{slot}").gauss(0.0, 0.03)
    share = occupancy_share(at) * popularity + wobble
    return max(0, min(capacity, round(share * capacity)))


class OccupancyDrift:
    """The demo's occupancy feed: ``step(now)`` writes every open car park that has a ``feed``
    through ``record_occupancy`` when ``every`` (simulated time) has passed since its last
    write. Stepped by a `SimulatorThread` on the simulator's clock; not thread-safe."""

    def __init__(
        self,
        service: RegistryService,
        *,
        clock: Callable[[], datetime] | None = None,
        every: timedelta = timedelta(seconds=30),
        seed: int = 0,
    ) -> None:
        self.service = service
        self.clock = clock or service.clock
        self.every = every
        self.seed = seed
        self._last: datetime | None = None

    def readings(self, now: datetime) -> list[OccupancyReading]:
        """This moment's readings of the car parks with a feed (read from the registry)."""
        return [
            OccupancyReading(o.code, drifted_occupancy(o.code, capacity, now, self.seed), now)
            for o in self.service.objects("parking", status="open")
            if o.attrs.get("feed") and isinstance(capacity := o.attrs.get("capacity"), int)
        ]

    def step(self, now: datetime | None = None) -> Changes:
        """Write this moment's readings if ``every`` has passed since the last write."""
        now = now or self.clock()
        if self._last is not None and now - self._last < self.every:
            return Changes()
        self._last = now
        readings = self.readings(now)
        return self.service.record_occupancy(readings) if readings else Changes()
