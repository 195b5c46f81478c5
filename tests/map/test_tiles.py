"""Tile sources against real things: an MBTiles file built here, a loopback HTTP server."""

from __future__ import annotations

import sqlite3
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from command_center.domain import geo
from command_center.domain.geo import CRS
from command_center.map.tiles import (
    CachedSource,
    DiskCache,
    MBTilesSource,
    TileError,
    TileKey,
    XyzSource,
    child_rect_in_parent,
    image_kind,
    parent,
    source_from_settings,
    source_offset_m,
    tianditu,
    tianditu_pair,
    tiles_for_view,
    view_box_in_source_datum,
)

# Chaoyang District, Beijing (WGS-84): a box around the CBD and Wangjing.
CHAOYANG = (116.42, 39.86, 116.56, 40.02)


def png(rgb: tuple[int, int, int], size: int = 4) -> bytes:
    """A real, decodable PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def pixel(data: bytes) -> tuple[int, int, int]:
    from PySide6.QtGui import QImage

    image = QImage.fromData(data)
    assert not image.isNull(), "tile bytes do not decode as an image"
    c = image.pixelColor(0, 0)
    return c.red(), c.green(), c.blue()


# ---------------------------------------------------------------- MBTiles


def make_mbtiles(path: Path, tiles: dict[TileKey, bytes], **metadata: str) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
        "tile_data BLOB)"
    )
    conn.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
    for key, data in tiles.items():
        tms_row = (1 << key.z) - 1 - key.y
        conn.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (key.z, key.x, tms_row, data))
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def mbtiles(tmp_path: Path) -> Path:
    x, y = geo.lonlat_to_tile(116.47, 39.92, 12)  # CBD
    tiles = {
        TileKey(12, x, y): png((255, 0, 0)),
        TileKey(12, x, y + 1): png((0, 0, 255)),
        TileKey(11, x // 2, y // 2): png((0, 255, 0)),
    }
    return make_mbtiles(
        tmp_path / "chaoyang.mbtiles",
        tiles,
        name="朝阳底图",
        format="png",
        minzoom="11",
        maxzoom="12",
        bounds="116.42,39.86,116.56,40.02",
    )


def test_mbtiles_reads_tile_at_flipped_tms_row(mbtiles: Path) -> None:
    source = MBTilesSource(mbtiles)
    x, y = geo.lonlat_to_tile(116.47, 39.92, 12)
    assert pixel(source.fetch(TileKey(12, x, y))) == (255, 0, 0)
    assert pixel(source.fetch(TileKey(12, x, y + 1))) == (0, 0, 255)
    assert source.fetch(TileKey(12, x + 1, y)) is None  # nothing stored there
    assert source.fetch(TileKey(5, 0, 0)) is None  # outside minzoom..maxzoom


def test_mbtiles_metadata(mbtiles: Path) -> None:
    source = MBTilesSource(mbtiles)
    assert source.name == "朝阳底图"
    assert source.format == "png"
    assert (source.min_zoom, source.max_zoom) == (11, 12)
    assert source.bounds == CHAOYANG
    assert source.datum is CRS.WGS84


def test_mbtiles_datum_extension_key(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "amap.mbtiles", {}, name="amap", datum="gcj02")
    assert MBTilesSource(path).datum is CRS.GCJ02


def test_mbtiles_reads_from_worker_threads(mbtiles: Path) -> None:
    source = MBTilesSource(mbtiles)
    x, y = geo.lonlat_to_tile(116.47, 39.92, 12)
    results: list[bytes | None] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(source.fetch(TileKey(12, x, y)))
        except BaseException as exc:  # a shared connection would raise ProgrammingError here
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    source.fetch(TileKey(12, x, y))  # open this thread's connection first
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert not errors
    assert len(results) == 4 and all(r is not None and pixel(r) == (255, 0, 0) for r in results)


def test_mbtiles_refuses_a_file_that_is_not_mbtiles(tmp_path: Path) -> None:
    text = tmp_path / "notes.mbtiles"
    text.write_text("this is not a database\n" * 100)
    with pytest.raises(TileError, match="not an MBTiles file") as info:
        MBTilesSource(text)
    assert str(text) in str(info.value)

    other_db = tmp_path / "other.mbtiles"
    sqlite3.connect(other_db).execute("CREATE TABLE cases (id INTEGER)").connection.close()
    with pytest.raises(TileError, match="not an MBTiles file"):
        MBTilesSource(other_db)

    missing = tmp_path / "missing.mbtiles"
    with pytest.raises(TileError, match="no such MBTiles file") as info:
        MBTilesSource(missing)
    assert str(missing) in str(info.value)
    assert not missing.exists()  # read-only: opening never creates the file


# ---------------------------------------------------------------- HTTP


@dataclass
class TileServer:
    base: str
    paths: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def server() -> Iterator[TileServer]:
    """A real HTTP server on 127.0.0.1: /tiles/… PNG, /garbage/… HTML, /slow/… hangs,
    /missing/… 404, /broken/… 500. It records each path it is asked for."""
    state = TileServer(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            state.paths.append(self.path)
            route = self.path.split("/")[1]
            if route == "slow":
                state.release.wait(timeout=5)  # bounded; released at teardown
            if route in ("tiles", "slow"):
                self._send(200, png((10, 200, 30)), "image/png")
            elif route == "garbage":
                self._send(200, b"<html>rate limited</html>", "text/html")
            elif route == "missing":
                self._send(404, b"", "text/plain")
            else:
                self._send(500, b"boom", "text/plain")

        def _send(self, code: int, body: bytes, ctype: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_xyz_fetches_real_png_with_subdomain_and_key(server: TileServer) -> None:
    source = XyzSource(
        "local",
        server.base + "/tiles/{s}/{z}/{x}/{y}.png?k={key}",
        subdomains=("a", "b", "c"),
        api_key="secret",
    )
    data = source.fetch(TileKey(12, 3372, 1552))
    assert data is not None and image_kind(data) == "png"
    assert pixel(data) == (10, 200, 30)
    source.fetch(TileKey(12, 3373, 1552))
    # (x + y) % 3 picks the subdomain: 4924 % 3 == 1 → b, 4925 % 3 == 2 → c
    assert server.paths == [
        "/tiles/b/12/3372/1552.png?k=secret",
        "/tiles/c/12/3373/1552.png?k=secret",
    ]


def test_xyz_subdomain_is_deterministic() -> None:
    source = XyzSource("s", "https://{s}.example/{z}/{x}/{y}", subdomains=("1", "2", "3", "4"))
    key = TileKey(10, 843, 388)
    assert source.url(key) == source.url(key) == "https://4.example/10/843/388"  # 1231 % 4 == 3
    assert source.url(TileKey(10, 844, 388)) == "https://1.example/10/844/388"


def test_xyz_garbage_is_not_an_image(server: TileServer) -> None:
    source = XyzSource("local", server.base + "/garbage/{z}/{x}/{y}")
    with pytest.raises(TileError, match="not an image"):
        source.fetch(TileKey(3, 1, 2))


def test_xyz_slow_server_times_out(server: TileServer) -> None:
    source = XyzSource("local", server.base + "/slow/{z}/{x}/{y}", timeout=0.3)
    with pytest.raises(TileError, match="timed out"):
        source.fetch(TileKey(3, 1, 2))


def test_xyz_http_errors(server: TileServer) -> None:
    assert XyzSource("local", server.base + "/missing/{z}/{x}/{y}").fetch(TileKey(1, 0, 0)) is None
    with pytest.raises(TileError, match="HTTP 500"):
        XyzSource("local", server.base + "/broken/{z}/{x}/{y}").fetch(TileKey(1, 0, 0))


def test_xyz_outside_zoom_range_asks_nothing(server: TileServer) -> None:
    source = XyzSource("local", server.base + "/tiles/{z}/{x}/{y}", min_zoom=3, max_zoom=5)
    assert source.fetch(TileKey(6, 0, 0)) is None
    assert server.paths == []


def test_xyz_template_checks() -> None:
    with pytest.raises(ValueError, match="lacks {y}"):
        XyzSource("s", "https://example/{z}/{x}")
    with pytest.raises(ValueError, match="no subdomains"):
        XyzSource("s", "https://{s}.example/{z}/{x}/{y}")
    with pytest.raises(ValueError, match="no api_key"):
        XyzSource("s", "https://example/{z}/{x}/{y}?tk={key}")
    with pytest.raises(ValueError, match="http"):
        XyzSource("s", "file:///etc/{z}/{x}/{y}")


# ---------------------------------------------------------------- Tianditu


def test_tianditu_url_exact() -> None:
    source = tianditu("vec", "abc123")
    assert source.datum is CRS.WGS84
    # (3372 + 1552) % 8 == 4 → t4
    assert source.url(TileKey(12, 3372, 1552)) == (
        "https://t4.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX=12&TILEROW=1552&TILECOL=3372&tk=abc123"
    )


def test_tianditu_unknown_layer_names_valid_ones() -> None:
    with pytest.raises(ValueError, match="vec, cva, img, cia"):
        tianditu("ter", "k")


def test_tianditu_pair() -> None:
    base, labels = tianditu_pair("img", "k")
    assert (base.name, labels.name) == ("tianditu-img", "tianditu-cia")
    assert "LAYER=cia" in labels.url(TileKey(1, 0, 0))
    base, labels = tianditu_pair("vec", "k")
    assert "LAYER=cva" in labels.url(TileKey(1, 0, 0))
    with pytest.raises(ValueError, match="vec, img"):
        tianditu_pair("cva", "k")


# ---------------------------------------------------------------- disk cache


def test_second_fetch_is_served_from_disk(server: TileServer, tmp_path: Path) -> None:
    source = XyzSource("Local OSM/test", server.base + "/tiles/{z}/{x}/{y}.png")
    cache = DiskCache(tmp_path / "cache")
    cached = CachedSource(source, cache)
    key = TileKey(12, 3372, 1552)
    first = cached.fetch(key)
    second = cached.fetch(key)
    assert first == second and first is not None
    assert len(server.paths) == 1
    assert (tmp_path / "cache" / "Local-OSM-test" / "12" / "3372" / "1552").read_bytes() == first
    # A fresh cache object on the same folder (next app start) still serves it from disk.
    assert CachedSource(source, DiskCache(tmp_path / "cache")).fetch(key) == first
    assert len(server.paths) == 1


def test_failed_fetch_is_not_cached(server: TileServer, tmp_path: Path) -> None:
    cached = CachedSource(
        XyzSource("bad", server.base + "/garbage/{z}/{x}/{y}"), DiskCache(tmp_path)
    )
    for _ in range(2):
        with pytest.raises(TileError):
            cached.fetch(TileKey(2, 1, 1))
    assert len(server.paths) == 2
    assert not (tmp_path / "bad").exists()


def test_disk_cache_trims_to_max_bytes(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=1000)
    for x in range(10):
        cache.put("s", TileKey(5, x, 0), b"\x89PNG\r\n\x1a\n" + bytes(192))
    assert cache.size_bytes() <= 1000
    assert cache.get("s", TileKey(5, 9, 0)) is not None  # the newest survives


def test_disk_cache_default_root_is_user_cache_dir() -> None:
    import platformdirs

    assert DiskCache().root == Path(platformdirs.user_cache_dir("command-center")) / "tiles"


# ---------------------------------------------------------------- settings


def test_source_from_settings_good(mbtiles: Path) -> None:
    tdt = source_from_settings({"kind": "tianditu", "layer": "img", "key": "k"})
    assert isinstance(tdt, XyzSource) and tdt.name == "tianditu-img"
    xyz = source_from_settings(
        {
            "kind": "xyz",
            "name": "amap",
            "url": "https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}",
            "subdomains": ["1", "2", "3", "4"],
            "datum": "gcj02",
            "max_zoom": 18,
        }
    )
    assert isinstance(xyz, XyzSource) and xyz.datum is CRS.GCJ02
    assert xyz.url(TileKey(1, 1, 0)) == (
        "https://webrd02.is.autonavi.com/appmaptile?style=8&x=1&y=0&z=1"
    )
    mb = source_from_settings({"kind": "mbtiles", "path": str(mbtiles)})
    assert isinstance(mb, MBTilesSource) and mb.name == "朝阳底图"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "wms"}, "kind 'wms' is not one of xyz, tianditu, mbtiles"),
        ({"layer": "vec"}, "kind None is not one of"),
        ({"kind": "tianditu", "layer": "vec"}, "missing 'key'"),
        ({"kind": "tianditu", "layer": "road", "key": "k"}, "valid layers"),
        ({"kind": "tianditu", "layer": "vec", "key": "k", "zoom": 3}, "unknown setting.*zoom"),
        ({"kind": "xyz", "name": "a", "url": "https://x/{z}/{x}/{y}", "datum": "utm"}, "datum"),
        ({"kind": "xyz", "name": "a", "url": "https://x/{z}/{x}/{y}", "max_zoom": "18"}, "int"),
        ({"kind": "xyz", "name": "a", "url": "https://x/{z}/{x}/{y}", "max_zoom": 40}, "zoom"),
        ({"kind": "xyz", "url": "https://x/{z}/{x}/{y}"}, "missing 'name'"),
        ({"kind": "mbtiles", "path": "/nonexistent/a.mbtiles"}, "/nonexistent/a.mbtiles"),
        ("vec", "expected a table"),
    ],
)
def test_source_from_settings_bad(entry: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        source_from_settings(entry)  # type: ignore[arg-type]


# ---------------------------------------------------------------- tile geometry


def test_tiles_for_view_over_chaoyang() -> None:
    west, south, east, north = CHAOYANG
    tiles = tiles_for_view(west, south, east, north, 13)
    x0, y0 = geo.lonlat_to_tile(west, north, 13)
    x1, y1 = geo.lonlat_to_tile(east, south, 13)
    # By hand: x = (lon + 180) / 360 * 2^13 → 6745.2, 6748.4;
    # y = (1 - asinh(tan φ) / π) / 2 * 2^13 → 3100.7 (north), 3105.5 (south).
    assert (x0, y0, x1, y1) == (6745, 3100, 6748, 3105)
    assert len(tiles) == (x1 - x0 + 1) * (y1 - y0 + 1) == 24
    assert len(set(tiles)) == 24
    assert tiles[0] == TileKey(13, x0, y0) and tiles[-1] == TileKey(13, x1, y1)
    # every tile touches the box, and every corner of the box is in some tile
    for key in tiles:
        w, s, e, n = geo.tile_bounds(key.x, key.y, key.z)
        assert w <= east and e >= west and s <= north and n >= south
    cbd = geo.lonlat_to_tile(116.47, 39.91, 13)
    assert TileKey(13, *cbd) in tiles


def test_tiles_for_view_rejects_inverted_box() -> None:
    with pytest.raises(ValueError, match="west <= east"):
        tiles_for_view(116.6, 39.8, 116.4, 40.0, 12)


def test_parent_and_child_rect() -> None:
    key = TileKey(13, 6747, 3102)
    assert parent(key) == TileKey(12, 3373, 1551)
    assert child_rect_in_parent(key) == (0.5, 0.0, 0.5, 0.5)  # odd x: right half; even y: top
    assert child_rect_in_parent(TileKey(13, 6746, 3103)) == (0.0, 0.5, 0.5, 0.5)
    # the child's bounds are that fraction of the parent's (in Mercator metres)
    pw, ps, pe, pn = geo.tile_bounds_mercator(3373, 1551, 12)
    cw, cs, ce, cn = geo.tile_bounds_mercator(6747, 3102, 13)
    x0, y0, w, h = child_rect_in_parent(key)
    assert cw == pytest.approx(pw + x0 * (pe - pw))
    assert cn == pytest.approx(pn - y0 * (pn - ps))
    assert ce - cw == pytest.approx(w * (pe - pw))
    with pytest.raises(ValueError, match="no parent"):
        parent(TileKey(0, 0, 0))


def test_tile_key_checks_range() -> None:
    with pytest.raises(ValueError, match="0..2\\^z-1"):
        TileKey(2, 4, 0)


# ---------------------------------------------------------------- datum at the edge


def test_view_box_in_gcj02_is_shifted_like_the_points() -> None:
    west, south, east, north = CHAOYANG
    assert view_box_in_source_datum(west, south, east, north, CRS.WGS84) == CHAOYANG
    gw, gs, ge, gn = view_box_in_source_datum(west, south, east, north, CRS.GCJ02)
    # In Beijing GCJ-02 is roughly +0.006° lon, +0.0013° lat from WGS-84.
    assert 0.004 < gw - west < 0.008 and 0.0005 < gn - north < 0.003
    assert (gw, gn) == pytest.approx(geo.wgs84_to_gcj02(west, north), abs=1e-4)
    bw, _, _, _ = view_box_in_source_datum(west, south, east, north, CRS.BD09)
    assert bw > gw  # BD-09 adds its own offset on top of GCJ-02


def test_source_offset_m_in_beijing() -> None:
    assert source_offset_m(116.47, 39.91, CRS.WGS84) == (0.0, 0.0)
    east_m, north_m = source_offset_m(116.47, 39.91, CRS.GCJ02)
    # The well-known GCJ-02 shift in Beijing: ~500 m east, ~140 m north.
    assert 400 < east_m < 600 and 80 < north_m < 200
    # Moving the point by that offset lands it on the GCJ-02 coordinates of the point.
    m_lon, m_lat = geo.local_metres_per_degree(39.91)
    glon, glat = geo.wgs84_to_gcj02(116.47, 39.91)
    assert 116.47 + east_m / m_lon == pytest.approx(glon, abs=1e-9)
    assert 39.91 + north_m / m_lat == pytest.approx(glat, abs=1e-9)
    assert source_offset_m(2.35, 48.85, CRS.GCJ02) == (0.0, 0.0)  # Paris: outside China
