"""The change feed: a change committed through one store reaches a feed on another — by
LISTEN/NOTIFY on PostgreSQL, by polling on SQLite — and a lost connection comes back."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from command_center.domain.workflow import Role
from command_center.live.changefeed import ChangeFeed
from command_center.services.cases import CaseService
from command_center.store.engine import Store, make_engine
from tests.services.conftest import org  # noqa: F401 — the organisation fixture

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    """Collects what the feed delivers; waits for a condition without sleeping blindly."""

    def __init__(self) -> None:
        self.rows: list = []
        self.status: list[tuple[str, str]] = []
        self._cond = threading.Condition()

    def changes(self, rows) -> None:
        with self._cond:
            self.rows.extend(rows)
            self._cond.notify_all()

    def state(self, state: str, reason: str) -> None:
        with self._cond:
            self.status.append((state, reason))
            self._cond.notify_all()

    def wait(self, predicate, timeout: float = 10.0) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout)


def report(service: CaseService, org, n: int = 1) -> list[int]:  # noqa: F811
    ids = []
    for _ in range(n):
        changes = service.report(
            org.actors[Role.INTAKE], category_code="200102", lon=120.4505, lat=41.5705,
            description="test",
        )
        ids.extend(changes.tables["cases"])
    return ids


@pytest.fixture
def other_store(db_url):
    s = Store(make_engine(db_url))
    yield s
    s.dispose()


def test_a_change_on_one_workstation_reaches_the_other(org, other_store):  # noqa: F811
    inbox = Inbox()
    feed = ChangeFeed(other_store, inbox.changes, on_status=inbox.state, poll_s=0.05)
    feed.start()
    try:
        assert inbox.wait(lambda: ("ok", "") in inbox.status)
        ids = report(org.service, org, 3)
        assert inbox.wait(lambda: {r.row_id for r in inbox.rows if r.table == "cases"} >= set(ids))
    finally:
        feed.stop()
    cases = [r for r in inbox.rows if r.table == "cases"]
    events = [r for r in inbox.rows if r.table == "case_events"]
    assert [r.row_id for r in cases] == ids  # in commit order
    assert len(events) == 3
    assert {r.workstation for r in inbox.rows} == {org.service.workstation}
    assert not feed.running


def test_a_feed_can_skip_its_own_workstation(org, other_store):  # noqa: F811
    inbox = Inbox()
    mine = CaseService(org.service.store, org.service.catalogue, org.service.calendar,
                       clock=org.clock, workstation="desk-1")
    theirs = CaseService(org.service.store, org.service.catalogue, org.service.calendar,
                         clock=org.clock, workstation="desk-2")
    feed = ChangeFeed(other_store, inbox.changes, poll_s=0.05, skip_workstation="desk-1")
    feed.start()
    try:
        report(mine, org)
        (theirs_id,) = report(theirs, org)
        assert inbox.wait(lambda: any(r.row_id == theirs_id for r in inbox.rows))
    finally:
        feed.stop()
    assert {r.workstation for r in inbox.rows} == {"desk-2"}


def test_a_rolled_back_change_is_never_announced(org, other_store, monkeypatch):  # noqa: F811
    from command_center.services import changelog

    inbox = Inbox()
    feed = ChangeFeed(other_store, inbox.changes, poll_s=0.05)
    feed.start()
    real_record = changelog.record

    def record_then_fail(*args, **kw):
        real_record(*args, **kw)  # the log row (and NOTIFY) are written…
        raise RuntimeError("the disk is full")  # …and the transaction rolls back

    try:
        monkeypatch.setattr(changelog, "record", record_then_fail)
        with pytest.raises(RuntimeError):
            report(org.service, org)
        monkeypatch.setattr(changelog, "record", real_record)
        (ok,) = report(org.service, org)
        assert inbox.wait(lambda: any(r.row_id == ok and r.table == "cases" for r in inbox.rows))
    finally:
        feed.stop()
    assert [r.row_id for r in inbox.rows if r.table == "cases"] == [ok]


@pytest.mark.postgres
def test_postgres_feed_survives_a_killed_connection(org, other_store, db_url):  # noqa: F811
    if not db_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    inbox = Inbox()
    feed = ChangeFeed(other_store, inbox.changes, on_status=inbox.state, idle_s=0.5)
    feed.start()
    try:
        assert inbox.wait(lambda: ("ok", "") in inbox.status)
        with org.service.store.engine.connect() as con:
            from sqlalchemy import text

            con.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND datname = current_database()"
            ))
        assert inbox.wait(lambda: any(s == "lost" for s, _ in inbox.status))
        assert inbox.wait(lambda: inbox.status[-1] == ("ok", ""), timeout=15)
        ids = report(org.service, org)
        assert inbox.wait(lambda: set(ids) <= {r.row_id for r in inbox.rows})
    finally:
        feed.stop()


def test_stopping_a_listening_feed_does_not_wait_out_its_idle_time(other_store, db_url):
    """stop() while the LISTEN connection waits for notifications: cancelling the
    connection does not wake that wait, so stop() held the caller (the GUI closing a window,
    or quitting) for the whole idle time (5 s)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    inbox = Inbox()
    feed = ChangeFeed(other_store, inbox.changes, on_status=inbox.state, idle_s=60.0)
    feed.start()
    assert inbox.wait(lambda: ("ok", "") in inbox.status)  # now waiting on notifications
    done = threading.Event()
    stopper = threading.Thread(target=lambda: (feed.stop(timeout=60.0), done.set()))
    stopper.start()
    # Far less than the 60 s idle time; generous for a loaded machine.
    assert done.wait(10.0), "stop() waited for the LISTEN wait's idle time"
    stopper.join()
    assert not feed.running


def test_two_processes(org, other_store, db_url):  # noqa: F811
    """A separate process writes through its own CaseService; this one's feed sees it."""
    inbox = Inbox()
    feed = ChangeFeed(other_store, inbox.changes, poll_s=0.05)
    feed.start()
    script = textwrap.dedent(f"""
        from command_center.domain.calendar import WorkCalendar
        from command_center.domain.catalogue import Catalogue
        from command_center.domain.workflow import Role
        from command_center.services.cases import Actor, CaseService
        from command_center.store.engine import Store, make_engine
        store = Store(make_engine({db_url!r}))
        svc = CaseService(store, Catalogue.default(), WorkCalendar.default(), workstation="far-desk")
        for _ in range(5):
            c = svc.report(Actor({org.actors[Role.INTAKE].person_id}, Role.INTAKE),
                           category_code="200102", lon=120.4505, lat=41.5705,
                           description="from another process")
            print(sorted(c.tables["cases"])[0], flush=True)
        store.dispose()
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        ids = [int(line) for line in done.stdout.split()]
        assert inbox.wait(lambda: set(ids) <= {r.row_id for r in inbox.rows if r.table == "cases"})
    finally:
        feed.stop()
    assert {r.workstation for r in inbox.rows} == {"far-desk"}
