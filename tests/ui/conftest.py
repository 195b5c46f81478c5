"""UI test fixtures: offscreen Qt, the dark theme, language switching, leak checks,
and hand-made snapshots."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import gc  # noqa: E402
import weakref  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QThread, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from command_center.services.snapshot import (  # noqa: E402
    CameraRow,
    CaseRow,
    CitySnapshot,
    DistrictShape,
    GridCell,
    SquadRow,
)
from command_center.ui.i18n import install_translator, remove_translators  # noqa: E402
from command_center.ui.theme import apply_theme  # noqa: E402


# -- application state ----------------------------------------------------------------
@pytest.fixture(scope="session")
def themed_qapp(qapp: QApplication) -> QApplication:
    """The test QApplication with the dark theme and CJK font applied once."""
    apply_theme(qapp)
    return qapp


@pytest.fixture(autouse=True)
def _english_by_default(qapp: QApplication) -> Iterator[None]:
    """Each test starts and ends without any translator installed."""
    remove_translators(qapp)
    yield
    remove_translators(qapp)


@pytest.fixture
def use_lang(qapp: QApplication) -> Callable[[str], None]:
    """Switch the UI language for this test (undone by `_english_by_default`)."""

    def switch(lang: str) -> None:
        install_translator(qapp, lang)

    return switch


# -- leak checks (napari's conftest does the same) ---------------------------------
def _flush_deletes() -> None:
    """Run pending deleteLater()s and collect cycles (pyqtgraph's parentless menus die
    with their Python owners)."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def _no_leaked_qthreads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    started: list[weakref.ref[QThread]] = []
    original = QThread.start

    def start(self: QThread, *args: object) -> None:
        started.append(weakref.ref(self))
        original(self, *args)

    monkeypatch.setattr(QThread, "start", start)
    yield
    running = [t for ref in started if (t := ref()) is not None and t.isRunning()]
    if running:
        for thread in running:
            thread.quit()
            thread.wait(5000)
        pytest.fail(f"test left {len(running)} QThread(s) running: {running}")


@pytest.fixture(autouse=True)
def _no_leaked_qtimers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    started: list[weakref.ref[QTimer]] = []
    original = QTimer.start

    def start(self: QTimer, *args: object) -> None:
        started.append(weakref.ref(self))
        original(self, *args)

    monkeypatch.setattr(QTimer, "start", start)
    yield
    active = []
    for ref in started:
        timer = ref()
        try:
            if timer is not None and timer.isActive():
                active.append(timer)
        except RuntimeError:  # the C++ timer is already gone
            continue
    if active:
        for timer in active:
            timer.stop()
        pytest.fail(f"test left {len(active)} QTimer(s) running")


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(autouse=True)
def _no_leaked_toplevels(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[None]:
    _flush_deletes()
    before = set(qapp.topLevelWidgets())
    yield
    _flush_deletes()
    leaked = [w for w in qapp.topLevelWidgets() if w not in before]
    if request.node.stash.get(_CALL_FAILED, False):
        # a failed test's traceback still holds its widgets; report the failure only
        for widget in leaked:
            widget.close()
            widget.deleteLater()
        _flush_deletes()
        return
    if leaked:
        names = [f"{type(w).__name__}({w.objectName()!r})" for w in leaked]
        for widget in leaked:
            widget.close()
            widget.deleteLater()
        _flush_deletes()
        pytest.fail(f"test left top-level widgets behind: {names}")


# -- plain data ---------------------------------------------------------------------
NOW = datetime(2025, 6, 3, 14, 20, 5)

# A square district west of a triangle one, near Chaoyang's latitude.
WEST = DistrictShape(
    "211303",
    "龙城区",
    (((120.30, 41.50), (120.40, 41.50), (120.40, 41.60), (120.30, 41.60), (120.30, 41.50)),),
)
EAST = DistrictShape(
    "211302",
    "双塔区",
    (((120.42, 41.50), (120.55, 41.50), (120.48, 41.62), (120.42, 41.50)),),
)


def make_case(
    id: int,
    *,
    state: str = "dispatched",
    overdue: bool = False,
    deadline: datetime | None = NOW + timedelta(hours=4),
    district: str = "211303",
    lon: float = 120.33,
    lat: float = 41.53,
    squad: str | None = "第一中队",
) -> CaseRow:
    return CaseRow(
        id=id,
        case_no=f"CY2025{id:06d}",
        category_code="0101",
        category_name="道路破损",
        state=state,
        district_code=district,
        address="朝阳大街 1 号",
        lon=lon,
        lat=lat,
        reported_at=NOW - timedelta(hours=6),
        deadline_at=deadline,
        overdue=overdue,
        squad_name=squad,
    )


@pytest.fixture
def city_snapshot() -> CitySnapshot:
    """A small hand-made city: two districts, a grid, a river, 3 open cases (1 overdue)."""
    cases = (
        make_case(1, state="reported", deadline=NOW + timedelta(hours=10), squad=None),
        make_case(
            2, state="in_progress", overdue=True, deadline=NOW - timedelta(hours=2), lon=120.36
        ),
        make_case(
            3,
            state="dispatched",
            deadline=NOW + timedelta(hours=1),
            district="211302",
            lon=120.46,
            lat=41.53,
        ),
    )
    # two unit grids covering the whole (hand-made) city, as the real grids cover the core
    grid = tuple(
        ((x, 41.50), (x + 0.125, 41.50), (x + 0.125, 41.62), (x, 41.62), (x, 41.50))
        for x in (120.30, 120.425)
    )
    squads = (
        SquadRow(1, "SQ01", "第一中队", "龙城区城管局", "busy", 2, 120.34, 41.56),
        SquadRow(2, "SQ02", "第二中队", "双塔区城管局", "available", 0, 120.47, 41.52),
        SquadRow(3, "SQ03", "第三中队", "双塔区城管局", "off_duty", 0, None, None),
    )
    cameras = tuple(
        CameraRow(
            i, f"CAM-{i:03d}", name, 120.31 + 0.02 * i, 41.58, f"rtsp://127.0.0.1/{i}", i != 2
        )
        for i, name in enumerate(["朝阳大街口", "凌河公园", "文化路", "火车站", "客运站"], 1)
    )
    return CitySnapshot(
        db_label="sqlite:///tmp/chaoyang-test.db",
        taken_at=NOW,
        open_count=3,
        overdue_count=1,
        districts=(WEST, EAST),
        grid_cells=tuple(GridCell(f"21130200100{i}", ring, 1 - i, 0) for i, ring in enumerate(grid)),
        open_cases=cases,
        squads=squads,
        cameras=cameras,
        river_lines=(((120.28, 41.45), (120.45, 41.57), (120.60, 41.66)),),
        state_counts={"reported": 1, "in_progress": 1, "dispatched": 1},
    )


@pytest.fixture
def case_factory() -> Callable[..., CaseRow]:
    """`make_case(id, state=..., overdue=..., deadline=..., ...)` for hand-made queues."""
    return make_case
