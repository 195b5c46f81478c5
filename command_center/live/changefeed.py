"""Follow the change log so that a change made on one workstation shows on the others.

`ChangeFeed` runs on its own thread and hands batches of `LoggedChange` to a callback:

* PostgreSQL: a dedicated connection `LISTEN`s on `cc_changes` (sent by
  `services.changelog.record` at commit); each notification (or, as a safety net, every
  `idle_s` without one) reads the log after the last id seen.
* SQLite (one machine, several processes): the log is polled every `poll_s`.

Either way the log is the truth and the notification only a wake-up call, so nothing is lost
when a notification is missed. A lost database connection is reported (`on_status("lost",
reason)`) and retried with backoff until it comes back (`on_status("ok", "")`).

`ChangeSignals` carries both to the GUI thread as queued Qt signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import DBAPIError

from command_center.services.changelog import CHANNEL, LoggedChange, latest_id, read_since
from command_center.store.engine import Store

__all__ = ["ChangeFeed", "ChangeSignals"]

log = logging.getLogger("live.changes")

OnChanges = Callable[[list[LoggedChange]], None]
OnStatus = Callable[[str, str], None]


class ChangeSignals(QObject):
    """Queued delivery to the GUI: `changed(list[LoggedChange])`, `status(state, reason)`."""

    changed = Signal(object)
    status = Signal(str, str)


STOP_CHECK_S = 0.25  # how often a LISTEN wait looks whether the feed is stopping


class ChangeFeed:
    """Reads the change log after the last id seen whenever there may be something new."""

    def __init__(
        self,
        store: Store,
        on_changes: OnChanges,
        *,
        on_status: OnStatus | None = None,
        poll_s: float = 0.25,
        idle_s: float = 5.0,
        skip_workstation: str | None = None,
        max_backoff_s: float = 30.0,
        listen: bool | None = None,
    ) -> None:
        self.store = store
        self.on_changes = on_changes
        self.on_status = on_status or (lambda state, reason: None)
        self.poll_s = poll_s
        self.idle_s = idle_s
        self.skip_workstation = skip_workstation
        self.max_backoff_s = max_backoff_s
        self.last_id: int | None = None
        self.delivered = 0  # log rows handed over so far
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener = None  # the PostgreSQL LISTEN connection, while open
        is_pg = store.engine.dialect.name == "postgresql"
        if listen and not is_pg:
            raise ValueError("LISTEN/NOTIFY needs PostgreSQL")
        self.postgres = is_pg if listen is None else listen  # False: poll, even on PostgreSQL

    # -- life cycle

    def start(self) -> None:
        """Start following from the newest entry now in the log."""
        if self._thread is not None:
            raise RuntimeError("the change feed is already running")
        with self.store.read() as s:
            self.last_id = latest_id(s)
        self._thread = threading.Thread(target=self._run, name="change-feed", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        listener = self._listener
        if listener is not None:
            try:
                listener.cancel_safe()  # wakes a blocked notifies() at once
            except Exception:  # noqa: BLE001 — closing anyway
                pass
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the loop

    def _run(self) -> None:
        backoff = 0.5
        lost = False
        while not self._stop.is_set():
            try:
                if self.postgres:
                    self._listen()
                else:
                    self._poll()
                return
            except Exception as exc:  # noqa: BLE001 — any failure: report, wait, retry
                if self._stop.is_set():
                    return
                reason = _describe(exc)
                if not lost:
                    log.warning("change feed lost the database: %s", reason)
                    lost = True
                self.on_status("lost", reason)
                if self._stop.wait(backoff):
                    return
                backoff = min(backoff * 2, self.max_backoff_s)
                continue

    def _catch_up(self) -> None:
        with self.store.read() as s:
            rows = read_since(s, self.last_id or 0)
        while rows:
            self.last_id = rows[-1].id
            mine = self.skip_workstation
            shown = [r for r in rows if r.workstation != mine] if mine else rows
            if shown:
                self.delivered += len(shown)
                self.on_changes(shown)
            if len(rows) < 10_000:
                break
            with self.store.read() as s:
                rows = read_since(s, self.last_id)

    def _poll(self) -> None:
        self._catch_up()
        self.on_status("ok", "")
        while not self._stop.wait(self.poll_s):
            self._catch_up()

    def _listen(self) -> None:
        import psycopg  # the PostgreSQL extra

        url = self.store.engine.url.set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as con:
            self._listener = con
            try:
                con.execute(f"LISTEN {CHANNEL}")
                self._catch_up()  # what happened before LISTEN took effect
                self.on_status("ok", "")
                idle = 0.0
                while not self._stop.is_set():
                    woke = False
                    # Short waits, so that `stop` is seen at once: cancelling the connection
                    # does not wake a wait for notifications (no query is running), and a
                    # wait of idle_s held every stop (closing a window, quitting) for up to
                    # 5 s.
                    for _ in con.notifies(timeout=STOP_CHECK_S, stop_after=1):
                        woke = True
                    if self._stop.is_set():
                        return
                    if not woke:
                        idle += STOP_CHECK_S
                        if idle < self.idle_s and not con.closed:
                            continue
                    idle = 0.0
                    # Whether woken or idle (a safety net), read what is new.
                    self._catch_up()
                    if not woke and con.closed:
                        raise ConnectionError("the LISTEN connection closed")
            finally:
                self._listener = None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return str(exc.orig).strip().splitlines()[0]
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
