"""Background tiles on the real map canvas (offscreen Qt): loaded on workers, drawn where
they belong, stand-ins from parent tiles, GCJ-02 shifted, and failures that only notify."""

from __future__ import annotations

import math
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage

from command_center.domain import geo
from command_center.domain.geo import CRS
from command_center.map.drawers import DRAWERS
from command_center.map.layers import LayerList, RiverLayer, TileLayer
from command_center.map.projection import WORLD_WIDTH_M, project
from command_center.map.tile_drawer import TileDrawer
from command_center.map.tiles import (
    MBTilesSource,
    TileKey,
    TileSource,
    XyzSource,
    parent,
    source_offset_m,
)
from command_center.ui.map_canvas import MapCanvas

LON, LAT = 120.45, 41.57  # Chaoyang
AREA = (120.42, 41.55, 120.48, 41.59)  # west, south, east, north of the test MBTiles
RIVER = "#3a7bd5"  # RiverDrawer's pen
WAIT_MS = 15_000


# ---------------------------------------------------------------- tiles made here


def tile_color(key: TileKey) -> QColor:
    """A colour per tile: neighbours and parents differ (tests check where it matters)."""
    return QColor.fromHsv((key.x * 47 + key.y * 103 + key.z * 151) % 360, 220, 230)


_png_cache: dict[str, bytes] = {}


def png(color: QColor) -> bytes:
    if color.name() not in _png_cache:
        image = QImage(256, 256, QImage.Format.Format_RGB32)
        image.fill(color)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        assert image.save(buffer, "PNG")
        _png_cache[color.name()] = bytes(buffer.data())
    return _png_cache[color.name()]


def make_mbtiles(path: Path, **metadata: str) -> Path:
    """Solid-colour tiles at zooms 10–16 over AREA, rows flipped to TMS as MBTiles stores them."""
    west, south, east, north = AREA
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
        "tile_data BLOB)"
    )
    meta = {"name": path.stem, "format": "png", "minzoom": "10", "maxzoom": "16", **metadata}
    conn.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    for z in range(10, 17):
        x0, y0 = geo.lonlat_to_tile(west, north, z)
        x1, y1 = geo.lonlat_to_tile(east, south, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                data = png(tile_color(TileKey(z, x, y)))
                conn.execute(
                    "INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, data)
                )
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="session")
def wgs_mbtiles(qapp, tmp_path_factory) -> Path:
    return make_mbtiles(tmp_path_factory.mktemp("tiles") / "wgs.mbtiles")


@pytest.fixture(scope="session")
def gcj_mbtiles(qapp, tmp_path_factory) -> Path:
    return make_mbtiles(tmp_path_factory.mktemp("tiles") / "gcj.mbtiles", datum="gcj02")


class FakeSource(TileSource):
    """A source whose tiles are `tile_color`, optionally held back by a gate; it records
    which threads call `fetch` and which tiles were asked for."""

    def __init__(
        self,
        name: str = "fake",
        *,
        data: Callable[[TileKey], bytes | None] = lambda k: png(tile_color(k)),
        hold: Callable[[TileKey], bool] = lambda k: False,
        min_zoom: int = 0,
        max_zoom: int = 18,
        inner: TileSource | None = None,
    ) -> None:
        self.name = name
        self.datum = CRS.WGS84 if inner is None else inner.datum
        self.min_zoom = min_zoom if inner is None else inner.min_zoom
        self.max_zoom = max_zoom if inner is None else inner.max_zoom
        self._data = inner.fetch if inner is not None else data
        self._hold = hold
        self.gate = threading.Event()
        self.threads: set[int] = set()
        self.asked: list[TileKey] = []
        self._lock = threading.Lock()

    def fetch(self, key: TileKey) -> bytes | None:
        with self._lock:
            self.threads.add(threading.get_ident())
            self.asked.append(key)
        if self._hold(key):
            assert self.gate.wait(WAIT_MS / 1000), "the test never opened the gate"
        return self._data(key)


# ---------------------------------------------------------------- canvas helpers


@pytest.fixture
def canvases(qtbot) -> Iterator[Callable[..., tuple[MapCanvas, TileDrawer, list[str]]]]:
    """make(sources, source_name, *more_layers) → (shown canvas, its tile drawer, notices)."""
    made: list[tuple[MapCanvas, TileDrawer]] = []

    def make(
        sources: dict[str, TileSource], source_name: str | None = "base", *more: RiverLayer
    ) -> tuple[MapCanvas, TileDrawer, list[str]]:
        layers = LayerList([TileLayer(source=source_name), *more])
        cls = TileDrawer.with_sources(sources)
        canvas = MapCanvas(layers, drawers={**DRAWERS, "tiles": cls})
        drawer = canvas.scene.drawer("tiles")
        assert isinstance(drawer, TileDrawer)
        notices: list[str] = []
        drawer.signals.notice.connect(notices.append)
        qtbot.addWidget(canvas)
        canvas.resize(400, 400)
        canvas.show()
        qtbot.waitExposed(canvas)
        made.append((canvas, drawer))
        return canvas, drawer, notices

    yield make
    for canvas, drawer in made:
        for source in drawer.sources.values():
            if isinstance(source, FakeSource):
                source.gate.set()
        canvas.close_scene()
        drawer.close(wait=True)


def look_at(canvas: MapCanvas, lon: float, lat: float, zoom: int) -> None:
    """Centre the view on a point at exactly the resolution of a tile zoom."""
    (x,), (y,) = project([lon], [lat])
    m_per_px = WORLD_WIDTH_M / (256 * 2**zoom)
    half_w = canvas.view_box.width() / 2 * m_per_px
    half_h = canvas.view_box.height() / 2 * m_per_px
    canvas.view_box.setRange(
        xRange=(x - half_w, x + half_w), yRange=(y - half_h, y + half_h), padding=0.0
    )


def wait_loaded(qtbot, drawer: TileDrawer, zoom: int) -> None:
    qtbot.waitUntil(
        lambda: drawer.zoom == zoom and bool(drawer.visible_tiles) and drawer.complete,
        timeout=WAIT_MS,
    )


def color_at(canvas: MapCanvas, lon: float, lat: float) -> QColor:
    image = canvas.grab().toImage()
    return image.pixelColor(canvas.lonlat_to_widget(lon, lat))


def same(a: QColor, b: QColor, tolerance: int = 3) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def tile_centre(key: TileKey, shift_m: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    """WGS-84 lon/lat of the middle of a tile (Mercator middle), moved by `shift_m` Mercator m."""
    x0, y0, x1, y1 = geo.tile_bounds_mercator(key.x, key.y, key.z)
    return geo.mercator_to_lonlat((x0 + x1) / 2 + shift_m[0], (y0 + y1) / 2 + shift_m[1])


def inner_position(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Where a point lies within its tile, as fractions 0..1 from the top-left."""
    n = 1 << z
    x, y = geo.lonlat_to_mercator(lon, lat)
    fx = (x + geo.MERCATOR_HALF_WORLD_M) / WORLD_WIDTH_M * n
    fy = (geo.MERCATOR_HALF_WORLD_M - y) / WORLD_WIDTH_M * n
    return fx - math.floor(fx), fy - math.floor(fy)


def well_inside(lon: float, lat: float, z: int) -> bool:
    fx, fy = inner_position(lon, lat, z)
    return 0.2 < fx < 0.8 and 0.2 < fy < 0.8


def key_at(lon: float, lat: float, z: int) -> TileKey:
    return TileKey(z, *geo.lonlat_to_tile(lon, lat, z))


# ---------------------------------------------------------------- drawing


def test_tiles_from_an_mbtiles_file_are_drawn_where_they_belong(canvases, qtbot, wgs_mbtiles):
    canvas, drawer, notices = canvases({"base": MBTilesSource(wgs_mbtiles)})
    look_at(canvas, LON, LAT, 16)
    wait_loaded(qtbot, drawer, 16)
    image = canvas.grab().toImage()
    checked = 0
    for key in drawer.visible_tiles:
        lon, lat = tile_centre(key)
        pt = canvas.lonlat_to_widget(lon, lat)
        if not image.rect().adjusted(4, 4, -4, -4).contains(pt):
            continue
        assert same(image.pixelColor(pt), tile_color(key)), (key, image.pixelColor(pt).name())
        checked += 1
    assert checked >= 2
    assert notices == [] and drawer.last_error is None


def test_a_zoom_outside_the_source_range_uses_its_nearest_level(canvases, qtbot, wgs_mbtiles):
    canvas, drawer, _ = canvases({"base": MBTilesSource(wgs_mbtiles)})
    look_at(canvas, LON, LAT, 17)  # the file stops at 16: its tiles are enlarged
    wait_loaded(qtbot, drawer, 16)
    key = key_at(LON, LAT, 16)
    lon, lat = tile_centre(key)
    look_at(canvas, lon, lat, 17)
    wait_loaded(qtbot, drawer, 16)
    assert same(color_at(canvas, lon, lat), tile_color(key))


def test_a_missing_tile_shows_its_parent_until_it_arrives(canvases, qtbot, wgs_mbtiles):
    key = key_at(LON, LAT, 16)
    lon, lat = tile_centre(key)
    source = FakeSource("slow", inner=MBTilesSource(wgs_mbtiles), hold=lambda k: k == key)
    canvas, drawer, _ = canvases({"base": source})
    look_at(canvas, LON, LAT, 15)
    wait_loaded(qtbot, drawer, 15)

    assert not same(tile_color(key), tile_color(parent(key)))
    look_at(canvas, lon, lat, 16)
    qtbot.waitUntil(lambda: source.asked[-1:] == [key] or key in source.asked, timeout=WAIT_MS)
    assert not drawer.complete
    assert same(color_at(canvas, lon, lat), tile_color(parent(key)))

    source.gate.set()
    wait_loaded(qtbot, drawer, 16)
    assert same(color_at(canvas, lon, lat), tile_color(key))


def gcj_probe() -> tuple[float, float]:
    """A WGS-84 point near Chaoyang that, and whose GCJ-02 image, lie well inside z16 tiles
    of different colours (so a drawing that ignores the datum shows the wrong colour)."""
    for i in range(40):
        for j in range(40):
            lon, lat = LON + i * 0.00037, LAT + j * 0.00029
            glon, glat = geo.convert(lon, lat, CRS.WGS84, CRS.GCJ02)
            if (
                well_inside(lon, lat, 16)
                and well_inside(glon, glat, 16)
                and not same(tile_color(key_at(lon, lat, 16)), tile_color(key_at(glon, glat, 16)))
            ):
                return lon, lat
    raise AssertionError("no probe point found")


def test_gcj02_tiles_are_shifted_under_wgs84_vectors(canvases, qtbot, gcj_mbtiles):
    lon, lat = gcj_probe()
    east, north = source_offset_m(lon, lat, CRS.GCJ02)
    assert 400 < east < 550 and 180 < north < 320  # ground metres, as advertised
    source = MBTilesSource(gcj_mbtiles)
    assert source.datum is CRS.GCJ02
    canvas, drawer, _ = canvases({"base": source})
    look_at(canvas, lon, lat, 16)
    wait_loaded(qtbot, drawer, 16)

    glon, glat = geo.convert(lon, lat, CRS.WGS84, CRS.GCJ02)
    seen = color_at(canvas, lon, lat)
    assert same(seen, tile_color(key_at(glon, glat, 16))), seen.name()
    assert not same(seen, tile_color(key_at(lon, lat, 16)))


# ---------------------------------------------------------------- failures


class Silent:
    """A TCP server on loopback that accepts connections and never answers."""

    def __enter__(self) -> int:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


class _Garbage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        body = b"<html><body>Please log in to the proxy</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def garbage_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join()


def river_through(lon: float, lat: float) -> RiverLayer:
    river = RiverLayer()  # diagonal: an exactly level curve has no height and is not drawn
    river.set_lines([[(lon - 0.01, lat - 0.01), (lon + 0.01, lat + 0.01)]])
    return river


def assert_still_paints(canvas: MapCanvas, lon: float, lat: float) -> None:
    assert same(color_at(canvas, lon, lat), QColor(RIVER), tolerance=8)


def test_a_source_that_times_out_is_named_in_a_notice(canvases, qtbot):
    with Silent() as port:
        source = XyzSource("stalled", f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", timeout=0.3)
        canvas, drawer, notices = canvases({"stalled": source}, "stalled", river_through(LON, LAT))
        look_at(canvas, LON, LAT, 16)
        qtbot.waitUntil(lambda: bool(notices), timeout=WAIT_MS)
        assert len(notices) == 1  # once per source, not once per tile
        assert "'stalled'" in notices[0] and "timed out" in notices[0]
        assert drawer.failures >= 1 and drawer.last_error is not None
        assert_still_paints(canvas, LON, LAT)
        qtbot.waitUntil(lambda: drawer.complete, timeout=WAIT_MS)  # failed tiles count as done
        drawer.close(wait=True)


def test_a_source_that_returns_a_web_page_is_named_in_a_notice(canvases, qtbot, garbage_server):
    source = XyzSource("proxy", f"http://127.0.0.1:{garbage_server}/{{z}}/{{x}}/{{y}}.png")
    canvas, drawer, notices = canvases({"proxy": source}, "proxy", river_through(LON, LAT))
    look_at(canvas, LON, LAT, 16)
    qtbot.waitUntil(lambda: bool(notices), timeout=WAIT_MS)
    assert "'proxy'" in notices[0] and "not an image" in notices[0]
    assert drawer.item.plan == []
    assert_still_paints(canvas, LON, LAT)


def test_bytes_that_do_not_decode_are_named_in_a_notice(canvases, qtbot):
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20  # a PNG signature, then nonsense
    source = FakeSource("broken", data=lambda k: broken)
    canvas, drawer, notices = canvases({"broken": source}, "broken", river_through(LON, LAT))
    look_at(canvas, LON, LAT, 16)
    qtbot.waitUntil(lambda: bool(notices), timeout=WAIT_MS)
    assert "'broken'" in notices[0] and "do not decode as an image" in notices[0]
    assert_still_paints(canvas, LON, LAT)


def test_an_unknown_source_name_is_a_notice_then_a_known_one_draws(canvases, qtbot, wgs_mbtiles):
    canvas, drawer, notices = canvases({"base": MBTilesSource(wgs_mbtiles)}, "amap")
    look_at(canvas, LON, LAT, 16)
    qtbot.waitUntil(lambda: bool(notices), timeout=WAIT_MS)
    assert "'amap' is not configured" in notices[0] and "'base'" in notices[0]
    assert drawer.source is None and drawer.item.plan == []

    drawer.layer.set_source("base")
    wait_loaded(qtbot, drawer, 16)
    key = key_at(LON, LAT, 16)
    assert same(color_at(canvas, *tile_centre(key)), tile_color(key))


def test_no_source_draws_nothing_and_fetches_nothing(canvases, qtbot):
    source = FakeSource()
    canvas, drawer, notices = canvases({"base": source}, None)
    look_at(canvas, LON, LAT, 16)
    qtbot.waitUntil(lambda: canvas.view_box.viewRange()[0][0] > 1e7, timeout=WAIT_MS)
    assert drawer.item.plan == [] and drawer.started == 0 and source.asked == []
    assert notices == []


# ---------------------------------------------------------------- threads and queue


def test_fetch_runs_on_worker_threads_not_the_gui_thread(canvases, qtbot):
    source = FakeSource()
    canvas, drawer, _ = canvases({"base": source})
    look_at(canvas, LON, LAT, 16)
    wait_loaded(qtbot, drawer, 16)
    assert source.threads
    assert threading.get_ident() not in source.threads


def test_stale_requests_do_not_pile_up_when_the_view_moves(canvases, qtbot):
    source = FakeSource(hold=lambda k: True)  # nothing comes back until the gate opens
    canvas, drawer, _ = canvases({"base": source})
    workers = drawer._workers
    seen: set[TileKey] = set()
    for step in range(12):
        lon = LON + step * 0.02  # ~3 tiles further east each time: new tiles every step
        look_at(canvas, lon, LAT, 16)
        qtbot.waitUntil(lambda lon=lon: key_at(lon, LAT, 16) in drawer.visible_tiles)
        seen.update(drawer.visible_tiles)
        assert drawer.in_flight <= workers
        assert drawer.queued <= len(drawer.visible_tiles)
    assert drawer.started == workers  # only the first view's first tiles ever started
    final = set(drawer.visible_tiles)
    assert len(seen) > 4 * len(final)  # the moves asked for many tiles the loader dropped

    source.gate.set()
    wait_loaded(qtbot, drawer, 16)
    assert drawer.started <= workers + len(final)
    assert set(source.asked[workers:]) <= final
