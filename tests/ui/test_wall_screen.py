"""The wall screen: KPI tiles, the rolling case feed, rotating pages, several screens, the
connection banner, a real database behind it, and `--wall` on the command line."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from command_center.domain.catalogue import Catalogue
from command_center.services.kpi import DailyCount, TodayTiles
from command_center.services.snapshot import CitySnapshot
from command_center.ui.taskman import TaskManager
from command_center.ui.wall_screen import (
    FEED_ROWS,
    KPI_CAPTION_PX,
    WallCharts,
    WallDriver,
    WallScreen,
    screen_plan,
)

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 6, 3, 14, 20, 5)
TILES = TodayTiles(
    reported=128,
    registered=97,
    dispatched=83,
    closed=61,
    on_time_rate=0.8571,
    overdue_now=4,
    squads_on_duty=23,
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def open_wall(qtbot: QtBot) -> Iterator[Callable[..., WallScreen]]:
    """Make, size and show a wall; each is closed (its map lets go of the layers) while
    it is still alive, at the end of the test."""
    walls: list[WallScreen] = []

    def make(size: tuple[int, int] = (1920, 1080), **kwargs: Any) -> WallScreen:
        wall = WallScreen(**kwargs)
        qtbot.addWidget(wall)
        walls.append(wall)
        wall.resize(*size)
        wall.show()
        qtbot.waitExposed(wall)
        return wall

    yield make
    for wall in walls:
        wall.close()
        QApplication.processEvents()
    walls.clear()


def many_cases(snapshot: CitySnapshot, n: int) -> CitySnapshot:
    base = snapshot.open_cases[0]
    cases = tuple(
        dataclasses.replace(
            base, id=100 + i, case_no=f"C{i}", reported_at=NOW - timedelta(minutes=10 * i)
        )
        for i in range(n)
    )
    return dataclasses.replace(snapshot, open_cases=cases, open_count=n)


# -- the layout of the screens ------------------------------------------------------------
def test_screen_plan_puts_one_page_per_screen_and_rotates_the_rest() -> None:
    assert screen_plan(1) == [(1, (0, 1, 2))]
    assert screen_plan(2) == [(1, (0,)), (1, (1, 2))]
    assert screen_plan(3) == [(1, (0,)), (1, (1,)), (1, (2,))]
    assert screen_plan(4) == [(2, (0,)), (1, (1,)), (1, (2,))]  # the map takes the extra
    with pytest.raises(ValueError):
        screen_plan(0)


# -- what it shows --------------------------------------------------------------------------
def test_kpi_tiles_show_todays_numbers_large(
    qtbot: QtBot, themed_qapp: object, open_wall: Callable[..., WallScreen]
) -> None:
    wall = open_wall()
    wall.apply_tiles(TILES)
    for tiles in (wall.map_kpis, wall.camera_kpis):
        texts = {key: label.text() for key, label in tiles.values.items()}
        assert texts == {
            "reported": "128",
            "registered": "97",
            "dispatched": "83",
            "closed": "61",
            "on_time": "85.7%",
            "overdue": "4",
            "on_duty": "23",
        }
    value, caption = wall.map_kpis.values["closed"], wall.map_kpis.captions["closed"]
    assert caption.text() == "Closed today"
    assert value.fontInfo().pixelSize() >= 64  # read from 5 m
    assert caption.fontInfo().pixelSize() >= KPI_CAPTION_PX >= 24
    assert "color: #ff4d4f" in wall.map_kpis.values["overdue"].styleSheet()

    wall.apply_tiles(dataclasses.replace(TILES, on_time_rate=None, overdue_now=0))
    assert wall.map_kpis.values["on_time"].text() == "—"  # nothing closed yet today
    assert wall.map_kpis.values["overdue"].styleSheet() == ""


def test_snapshot_feeds_map_feed_and_header(
    qtbot: QtBot,
    themed_qapp: object,
    open_wall: Callable[..., WallScreen],
    city_snapshot: CitySnapshot,
) -> None:
    wall = open_wall()
    wall.apply_snapshot(city_snapshot)
    assert set(wall.map_panel.layers["cases"].cases) == {1, 2, 3}
    assert wall.header.updated.text() == "Updated 14:20:05"
    assert wall.feed.visible_ids() == [3, 2, 1]  # reported together: the newest id first
    main, place = wall.feed.rows[0]
    assert "道路破损" in main.text() and "Dispatched" in main.text()
    assert place.text() == "双塔区 · 朝阳大街 1 号"
    assert not wall.feed.rows[FEED_ROWS - 1][0].parentWidget().isVisible()


def test_feed_shows_newest_first_and_rolls_by_itself(
    qtbot: QtBot,
    themed_qapp: object,
    open_wall: Callable[..., WallScreen],
    city_snapshot: CitySnapshot,
) -> None:
    wall = open_wall(feed_interval_s=0.05)
    snapshot = many_cases(city_snapshot, FEED_ROWS + 3)
    wall.apply_snapshot(snapshot)
    newest = [100 + i for i in range(FEED_ROWS + 3)]
    first = wall.feed.visible_ids()
    qtbot.waitUntil(lambda: wall.feed.visible_ids() != first, timeout=3000)
    shown = wall.feed.visible_ids()
    assert len(shown) == FEED_ROWS
    start = newest.index(shown[0])
    assert shown == [newest[(start + i) % len(newest)] for i in range(FEED_ROWS)]


def test_charts_draw_the_days_and_the_category_mix(
    qtbot: QtBot, themed_qapp: object, open_wall: Callable[..., WallScreen]
) -> None:
    import pyqtgraph as pg

    wall = open_wall()
    days = tuple(
        DailyCount(date(2025, 5, 21) + timedelta(days=i), 10 + i, 8 + i) for i in range(14)
    )
    mix = (("0101", "道路破损", 40), ("0203", "暴露垃圾", 25), ("0305", "占道经营", 7))
    wall.apply_charts(WallCharts(days, mix))
    bars = [
        i for i in wall.charts_page.days_plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)
    ]
    assert [list(b.opts["height"]) for b in bars] == [
        [d.reported for d in days],
        [d.closed for d in days],
    ]
    ticks = wall.charts_page.mix_plot.getPlotItem().getAxis("left")._tickLevels[0]
    assert [name for _y, name in sorted(ticks, reverse=True)] == [
        "道路破损",
        "暴露垃圾",
        "占道经营",
    ]


# -- pages and screens --------------------------------------------------------------------------
def test_one_screen_rotates_through_the_pages(
    qtbot: QtBot, themed_qapp: object, open_wall: Callable[..., WallScreen]
) -> None:
    wall = open_wall(interval_s=0.05)
    assert wall.visible_pages() == ["map"]
    with qtbot.waitSignal(wall.pagesChanged, timeout=3000) as blocker:
        pass
    assert blocker.args == [["cameras"]]
    wall.hide()  # a hidden wall stops rotating
    wall.rotate()
    assert wall.visible_pages() == ["charts"]
    wall.rotate()
    assert wall.visible_pages() == ["map"]
    assert wall.map_page.isVisibleTo(wall) and not wall.charts_page.isVisibleTo(wall)


def test_two_screens_show_map_and_cameras_side_by_side(
    qtbot: QtBot,
    themed_qapp: object,
    open_wall: Callable[..., WallScreen],
    city_snapshot: CitySnapshot,
) -> None:
    wall = open_wall((3840, 1080), screens=2)
    wall.apply_snapshot(city_snapshot)
    assert wall.visible_pages() == ["map", "cameras"]
    left, right = wall.row.places
    assert (left.x(), left.width(), right.x(), right.width()) == (0, 1920, 1920, 1920)
    assert wall.map_page.isVisible() and wall.camera_page.isVisible()
    wall.rotate()  # only the last screen rotates
    assert wall.visible_pages() == ["map", "charts"]


def test_three_screens_show_everything_and_never_rotate(
    qtbot: QtBot, themed_qapp: object, open_wall: Callable[..., WallScreen]
) -> None:
    wall = open_wall((5760, 1080), screens=3, interval_s=0.01)
    assert wall.visible_pages() == ["map", "cameras", "charts"]
    assert not wall._rotate_timer.isActive()
    wall.rotate()
    assert wall.visible_pages() == ["map", "cameras", "charts"]


def test_the_wall_takes_no_input(
    qtbot: QtBot,
    themed_qapp: object,
    open_wall: Callable[..., WallScreen],
    city_snapshot: CitySnapshot,
) -> None:
    wall = open_wall()
    wall.apply_snapshot(city_snapshot)
    focusable = [
        w.objectName() or type(w).__name__
        for w in (wall, *wall.findChildren(QWidget))
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
    ]
    assert focusable == []
    assert wall.cursor().shape() == Qt.CursorShape.BlankCursor
    assert not wall.map_panel.search.isVisible()
    assert not wall.camera_wall.camera_list.isVisible()


# -- the connection banner -----------------------------------------------------------------------
def test_banner_shows_how_long_the_database_has_been_lost_and_goes(
    qtbot: QtBot,
    themed_qapp: object,
    open_wall: Callable[..., WallScreen],
    city_snapshot: CitySnapshot,
) -> None:
    clock = Clock()
    wall = open_wall(clock=clock)
    assert not wall.banner.isVisible()
    wall.set_connection_lost("connection refused")
    assert wall.banner.isVisible()
    assert "Database connection lost — retrying… (0 s)" in wall.banner.text()
    assert "connection refused" in wall.banner.text()
    top = wall.grab().toImage().pixelColor(wall.width() // 2, 5)
    assert top.red() > 150 and top.green() < 80, top.name()  # a red band across the top
    clock.now = NOW + timedelta(seconds=75)
    wall.set_connection_lost("connection refused")  # still lost: the time runs on
    assert "(1 min 15 s)" in wall.banner.text()

    wall.apply_snapshot(city_snapshot)  # data flows again
    assert not wall.banner.isVisible()
    top = wall.grab().toImage().pixelColor(wall.width() // 2, 5)
    assert top != QColor("#c62828")


# -- a real database behind it --------------------------------------------------------------------
@pytest.fixture
def tasks() -> Iterator[TaskManager]:
    manager = TaskManager()
    yield manager
    manager.shutdown()


def test_driver_loads_a_real_database_and_recovers_from_a_lost_table(
    qtbot: QtBot,
    themed_qapp: object,
    open_wall: Callable[..., WallScreen],
    store,
    tasks: TaskManager,
) -> None:
    from sqlalchemy import text

    clock = Clock(datetime.now().astimezone())
    wall = open_wall(clock=clock)
    driver = WallDriver(wall, store, Catalogue.default(), tasks, clock=clock)
    with qtbot.waitSignal(driver.loaded, timeout=20_000) as blocker:
        driver.refresh()
    data = blocker.args[0]
    assert len(data.charts.days) == 14
    assert wall.map_kpis.values["reported"].text() == "0"
    assert wall.map_kpis.values["on_time"].text() == "—"

    with store.engine.begin() as con:
        con.execute(text("ALTER TABLE cases RENAME TO cases_away"))
    try:
        with qtbot.waitSignal(driver.failed, timeout=20_000):
            driver.refresh()
        assert wall.banner.isVisible()
    finally:
        with store.engine.begin() as con:
            con.execute(text("ALTER TABLE cases_away RENAME TO cases"))
    with qtbot.waitSignal(driver.loaded, timeout=20_000):
        driver.refresh()
    assert not wall.banner.isVisible()
    driver.stop()


# -- the command line ------------------------------------------------------------------------------
def run_cli(*args: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


@pytest.mark.parametrize("value", ["0", "-2"])
def test_screens_below_one_is_refused_with_one_line(tmp_path: Path, value: str) -> None:
    db = tmp_path / "none.db"
    result = run_cli("--db", f"sqlite:///{db}", "--wall", "--screens", value)
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: --screens"), result.stderr
    assert not db.exists()


@pytest.fixture(scope="module")
def seeded_city(copy_cli_city, tmp_path_factory) -> str:
    """A copy of the small city seeded through the command line (tests/conftest.py's
    `cli_city`, as tests/cli's seeded_sqlite)."""
    return copy_cli_city(tmp_path_factory.mktemp("wall-seeded"))


@pytest.mark.slow
@pytest.mark.parametrize("screens", ["1", "2"])
def test_wall_screenshot_renders_the_requested_size(
    seeded_city: str, tmp_path: Path, screens: str
) -> None:
    from PySide6.QtGui import QImage

    out = tmp_path / "wall.png"
    result = run_cli(
        "--db",
        seeded_city,
        "--wall",
        "--screens",
        screens,
        "--screenshot",
        str(out),
        "--size",
        "1920x540",
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 540)
    colours = {image.pixel(x, y) for x in range(0, 1920, 9) for y in range(0, 540, 9)}
    assert len(colours) > 100  # a drawn wall, not a blank
