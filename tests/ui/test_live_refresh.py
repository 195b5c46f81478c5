"""A change committed by another workstation makes this window reload its picture."""

from __future__ import annotations

from command_center.domain.workflow import Role
from command_center.services.cases import CaseService
from command_center.store.engine import Store, make_engine
from command_center.ui.main_window import MainWindow
from command_center.ui.run import _follow_changes
from tests.services.conftest import org  # noqa: F401 — the organisation fixture


def test_a_commit_elsewhere_reloads_the_window(qtbot, org, db_url):  # noqa: F811
    window = MainWindow("test")
    qtbot.addWidget(window)
    reader = Store(make_engine(db_url))
    reloads: list[int] = []
    feed = _follow_changes(reader, window, lambda: reloads.append(1))
    try:
        other = CaseService(org.service.store, org.service.catalogue, org.service.calendar,
                            clock=org.clock, workstation="desk-2")
        for _ in range(3):  # three commits in a burst: one reload
            other.report(org.actors[Role.INTAKE], category_code="200102", lon=120.4505,
                         lat=41.5705)
        qtbot.waitUntil(lambda: reloads == [1], timeout=5000)
        qtbot.wait(300)  # longer than the debounce: still one reload
        assert reloads == [1]
    finally:
        feed.stop()
        reader.dispose()
