"""Map tile sources: XYZ over HTTP (Tianditu presets), MBTiles files, and a disk cache.

Plain Python, no Qt: tiles are fetched on worker threads and handed to the canvas as bytes.
Only the URL the administrator configures is ever contacted.

Datum at the edge: vector data (cases, grids, squads) always stay in WGS-84. Tianditu
(CGCS2000) tiles line up with them directly. A GCJ-02 (AMap/Tencent) or BD-09 source draws
the world shifted by up to a few hundred metres, so the canvas (1) asks for the tiles
covering the view box *converted into the source's datum* (`view_box_in_source_datum`),
and (2) draws those tiles shifted back by the local offset (`source_offset_m`, negated),
which is near-constant across one screen. The features themselves are never moved.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from command_center.domain import geo
from command_center.domain.geo import CRS

DEFAULT_USER_AGENT = "command-center/1 (urban-management command centre)"
DEFAULT_CACHE_BYTES = 512 * 1024 * 1024

TIANDITU_LAYERS = ("vec", "cva", "img", "cia")
TIANDITU_ANNOTATION = {"vec": "cva", "img": "cia"}
TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)
TIANDITU_SUBDOMAINS = tuple(str(i) for i in range(8))


class TileError(Exception):
    """A tile could not be had: timeout, HTTP error, not an image, unreadable file."""


@dataclass(frozen=True, order=True)
class TileKey:
    """One XYZ tile: x east, y south, origin at the top-left (OSM/Tianditu `_w`)."""

    z: int
    x: int
    y: int

    def __post_init__(self) -> None:
        n = 1 << self.z if 0 <= self.z <= geo.MAX_TILE_ZOOM else 0
        if n == 0 or not (0 <= self.x < n and 0 <= self.y < n):
            raise ValueError(f"no tile {self.z}/{self.x}/{self.y}: x and y must be in 0..2^z-1")


def image_kind(data: bytes) -> str | None:
    """'png', 'jpeg' or 'webp' from the magic bytes, or None if it is none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _check_image(data: bytes, where: str) -> bytes:
    if image_kind(data) is None:
        head = data[:16]
        raise TileError(f"{where}: not an image (PNG/JPEG/WebP); starts with {head!r}")
    return data


class TileSource(ABC):
    """Where tiles come from. `fetch` is called on worker threads and must be thread-safe."""

    name: str
    datum: CRS
    min_zoom: int
    max_zoom: int

    @abstractmethod
    def fetch(self, key: TileKey) -> bytes | None:
        """The encoded image of a tile; None where the source has no tile; TileError on failure."""


def _check_zooms(min_zoom: int, max_zoom: int, where: str) -> None:
    if not 0 <= min_zoom <= max_zoom <= geo.MAX_TILE_ZOOM:
        raise ValueError(
            f"{where}: zoom range {min_zoom}..{max_zoom} must satisfy "
            f"0 <= min_zoom <= max_zoom <= {geo.MAX_TILE_ZOOM}"
        )


class XyzSource(TileSource):
    """Tiles from a URL template with {z} {x} {y}, and optionally {s} (subdomain) and {key}."""

    def __init__(
        self,
        name: str,
        template: str,
        *,
        subdomains: Sequence[str] = (),
        api_key: str | None = None,
        datum: CRS = CRS.WGS84,
        timeout: float = 5.0,
        min_zoom: int = 0,
        max_zoom: int = 18,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if not name:
            raise ValueError("a tile source needs a name")
        for needed in ("{z}", "{x}", "{y}"):
            if needed not in template:
                raise ValueError(f"tile URL template {template!r} lacks {needed}")
        if "{s}" in template and not subdomains:
            raise ValueError(f"tile URL template {template!r} uses {{s}} but no subdomains given")
        if "{key}" in template and not api_key:
            raise ValueError(f"tile URL template {template!r} uses {{key}} but no api_key given")
        scheme = urllib.parse.urlsplit(template).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"tile URL template {template!r} must be http:// or https://")
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        _check_zooms(min_zoom, max_zoom, name)
        self.name = name
        self.template = template
        self.subdomains = tuple(subdomains)
        self.api_key = api_key
        self.datum = CRS(datum)
        self.timeout = float(timeout)
        self.min_zoom = min_zoom
        self.max_zoom = max_zoom
        self.user_agent = user_agent

    def url(self, key: TileKey) -> str:
        """The URL of one tile; the subdomain is (x + y) mod n so a tile always hits one host."""
        s = self.subdomains[(key.x + key.y) % len(self.subdomains)] if self.subdomains else ""
        return (
            self.template.replace("{z}", str(key.z))
            .replace("{x}", str(key.x))
            .replace("{y}", str(key.y))
            .replace("{s}", s)
            .replace("{key}", urllib.parse.quote(self.api_key or "", safe=""))
        )

    def fetch(self, key: TileKey) -> bytes | None:
        if not self.min_zoom <= key.z <= self.max_zoom:
            return None
        url = self.url(key)
        where = f"{self.name} tile {key.z}/{key.x}/{key.y}"
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data: bytes = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (204, 404):
                return None
            raise TileError(f"{where}: HTTP {exc.code} {exc.reason} from {_redact(url)}") from None
        except TimeoutError:
            raise TileError(
                f"{where}: timed out after {self.timeout:g} s at {_redact(url)}"
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise TileError(
                    f"{where}: timed out after {self.timeout:g} s at {_redact(url)}"
                ) from None
            raise TileError(f"{where}: cannot reach {_redact(url)}: {exc.reason}") from None
        except OSError as exc:
            raise TileError(f"{where}: failed reading {_redact(url)}: {exc}") from None
        if not data:
            return None
        return _check_image(data, where)

    def __repr__(self) -> str:
        return f"XyzSource({self.name!r}, datum={self.datum.value})"


def _redact(url: str) -> str:
    """The URL with any key-like query value hidden, for messages and logs."""
    return re.sub(r"((?:tk|key|token|ak)=)[^&]+", r"\1***", url, flags=re.IGNORECASE)


def tianditu(layer: str, key: str, *, timeout: float = 5.0, name: str | None = None) -> XyzSource:
    """A Tianditu WMTS layer in Web Mercator (`_w`): vec/img base maps, cva/cia annotations.

    `name` defaults to ``tianditu-<layer>``."""
    if layer not in TIANDITU_LAYERS:
        raise ValueError(
            f"unknown Tianditu layer {layer!r}; valid layers: {', '.join(TIANDITU_LAYERS)}"
        )
    if not key:
        raise ValueError("Tianditu needs a key (tk) from console.tianditu.gov.cn")
    return XyzSource(
        name or f"tianditu-{layer}",
        TIANDITU_URL.replace("{layer}", layer),
        subdomains=TIANDITU_SUBDOMAINS,
        api_key=key,
        datum=CRS.WGS84,  # CGCS2000, equal to WGS-84 at map accuracy
        timeout=timeout,
        min_zoom=1,
        max_zoom=18,
    )


def tianditu_pair(base: str, key: str, *, timeout: float = 5.0) -> tuple[XyzSource, XyzSource]:
    """(base map, its annotation layer): vec → cva, img → cia."""
    if base not in TIANDITU_ANNOTATION:
        raise ValueError(
            f"unknown Tianditu base {base!r}; valid bases: {', '.join(TIANDITU_ANNOTATION)}"
        )
    return (
        tianditu(base, key, timeout=timeout),
        tianditu(TIANDITU_ANNOTATION[base], key, timeout=timeout),
    )


class MBTilesSource(TileSource):
    """Tiles from an MBTiles file (SQLite, TMS rows), opened read-only, one connection a thread.

    The name is `name` if given, else the metadata's name, else the file's stem."""

    def __init__(self, path: Path | str, *, name: str | None = None) -> None:
        self.path = Path(path)
        self._local = threading.local()
        if not self.path.is_file():
            raise TileError(f"{self.path}: no such MBTiles file")
        try:
            rows = self._connection().execute("SELECT name, value FROM metadata").fetchall()
            self._connection().execute("SELECT 1 FROM tiles LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            raise TileError(f"{self.path}: not an MBTiles file ({exc})") from None
        self.metadata: dict[str, str] = {str(k): str(v) for k, v in rows}
        md = self.metadata
        self.name = name or md.get("name") or self.path.stem
        self.format = md.get("format", "png")
        try:
            self.datum = CRS(md.get("datum", CRS.WGS84.value).lower())
        except ValueError:
            raise TileError(
                f"{self.path}: metadata datum {md['datum']!r} is not one of "
                f"{', '.join(c.value for c in CRS)}"
            ) from None
        try:
            self.min_zoom = int(md.get("minzoom", 0))
            self.max_zoom = int(md.get("maxzoom", geo.MAX_TILE_ZOOM))
            self.bounds: tuple[float, float, float, float] | None = (
                tuple(float(v) for v in md["bounds"].split(","))  # type: ignore[assignment]
                if "bounds" in md
                else None
            )
        except ValueError as exc:
            raise TileError(f"{self.path}: bad metadata ({exc})") from None
        if self.bounds is not None and len(self.bounds) != 4:
            raise TileError(f"{self.path}: metadata bounds must be west,south,east,north")

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            try:
                conn = sqlite3.connect(uri, uri=True, check_same_thread=True)
            except sqlite3.Error as exc:
                raise TileError(f"{self.path}: cannot open MBTiles file ({exc})") from None
            self._local.conn = conn
        return conn

    def fetch(self, key: TileKey) -> bytes | None:
        if not self.min_zoom <= key.z <= self.max_zoom:
            return None
        tms_row = (1 << key.z) - 1 - key.y
        try:
            row = (
                self._connection()
                .execute(
                    "SELECT tile_data FROM tiles "
                    "WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                    (key.z, key.x, tms_row),
                )
                .fetchone()
            )
        except sqlite3.Error as exc:
            raise TileError(f"{self.path}: reading tile {key.z}/{key.x}/{key.y}: {exc}") from None
        if row is None or row[0] is None:
            return None
        return _check_image(bytes(row[0]), f"{self.path} tile {key.z}/{key.x}/{key.y}")

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def __repr__(self) -> str:
        return f"MBTilesSource({str(self.path)!r})"


# ---------------------------------------------------------------- disk cache


def default_cache_root() -> Path:
    """`<user cache dir>/tiles`; tests and settings pass their own root instead."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("command-center")) / "tiles"


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return slug or "source"


class DiskCache:
    """Tiles on disk at root/<source slug>/<z>/<x>/<y>, written atomically.

    When the total passes `max_bytes`, the least recently modified tiles are removed until
    it is back under 90 % of the limit.
    """

    def __init__(self, root: Path | None = None, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {max_bytes}")
        self.root = Path(root) if root is not None else default_cache_root()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._size: int | None = None

    def path(self, source_name: str, key: TileKey) -> Path:
        return self.root / _slug(source_name) / str(key.z) / str(key.x) / str(key.y)

    def get(self, source_name: str, key: TileKey) -> bytes | None:
        try:
            return self.path(source_name, key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TileError(f"tile cache {self.path(source_name, key)}: {exc}") from None

    def put(self, source_name: str, key: TileKey, data: bytes) -> None:
        target = self.path(source_name, key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, target)
            except BaseException:
                with suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise TileError(f"tile cache {target}: cannot write ({exc})") from None
        with self._lock:
            if self._size is None:
                self._size = self.size_bytes()
            else:
                self._size += len(data)
            if self._size > self.max_bytes:
                self._size = self._trim()

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self._files())

    def _files(self) -> list[Path]:
        if not self.root.exists():
            return []
        return [p for p in self.root.rglob("*") if p.is_file() and not p.name.startswith(".")]

    def _trim(self) -> int:
        files = sorted(self._files(), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        target = int(self.max_bytes * 0.9)
        for p in files:
            if total <= target:
                break
            size = p.stat().st_size
            with suppress(OSError):
                p.unlink()
                total -= size
        return total


class CachedSource(TileSource):
    """A source read through a disk cache: a cached tile is never fetched again."""

    def __init__(self, source: TileSource, cache: DiskCache) -> None:
        self.source = source
        self.cache = cache
        self.name = source.name
        self.datum = source.datum
        self.min_zoom = source.min_zoom
        self.max_zoom = source.max_zoom

    def fetch(self, key: TileKey) -> bytes | None:
        data = self.cache.get(self.name, key)
        if data is not None and image_kind(data) is not None:
            return data
        data = self.source.fetch(key)
        if data is not None:
            self.cache.put(self.name, key, data)
        return data

    def __repr__(self) -> str:
        return f"CachedSource({self.source!r})"


# ---------------------------------------------------------------- settings


_SETTINGS_KEYS = {
    "xyz": {
        "kind",
        "name",
        "url",
        "subdomains",
        "api_key",
        "datum",
        "timeout",
        "min_zoom",
        "max_zoom",
    },
    "tianditu": {"kind", "name", "layer", "key", "timeout"},
    "mbtiles": {"kind", "name", "path"},
}


def source_from_settings(entry: Mapping[str, Any]) -> TileSource:
    """Build a source from a plain mapping, e.g. {"kind": "tianditu", "layer": "vec", "key": …}.

    kinds: "xyz" (name, url, [subdomains, api_key, datum, timeout, min_zoom, max_zoom]),
    "tianditu" (layer, key, [name, timeout]), "mbtiles" (path, [name]). Bad entries raise
    ValueError.
    """
    source = _from_settings(entry, open_files=True)
    assert source is not None
    return source


def check_source_settings(entry: Mapping[str, Any]) -> None:
    """Check an entry as `source_from_settings` would, without opening any file or URL
    (an MBTiles file that is missing now may be on a drive mounted later). ValueError if bad."""
    _from_settings(entry, open_files=False)


def sources_from_settings(
    entries: Sequence[Mapping[str, Any]], *, cache: DiskCache | None = None
) -> tuple[dict[str, TileSource], dict[str, str]]:
    """(name → source, name → why it is unavailable) for the configured tile sources.

    Every entry must carry a `name` (the key the map's tile layer refers to). HTTP sources
    read through `cache` (default: a `DiskCache` under the user cache folder, made only if
    needed); MBTiles files are local already and are not cached. An entry that cannot be
    built (say, a missing MBTiles file) does not stop the others: it is reported in the
    second mapping, in plain words, for the map's notice.
    """
    sources: dict[str, TileSource] = {}
    problems: dict[str, str] = {}
    for i, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if not isinstance(name, str) or not name:
            raise ValueError(f"tile source #{i + 1}: every tile source needs a 'name'")
        if name in sources or name in problems:
            raise ValueError(f"tile source #{i + 1}: name {name!r} is used twice")
        try:
            source = source_from_settings(entry)
        except ValueError as exc:
            problems[name] = str(exc)
            continue
        if isinstance(source, XyzSource):
            if cache is None:
                cache = DiskCache()
            source = CachedSource(source, cache)
        sources[name] = source
    return sources, problems


def _from_settings(entry: Mapping[str, Any], *, open_files: bool) -> TileSource | None:
    if not isinstance(entry, Mapping):
        raise ValueError(f"tile source: expected a table, got {entry!r}")
    kind = entry.get("kind")
    if kind not in _SETTINGS_KEYS:
        raise ValueError(f"tile source: kind {kind!r} is not one of {', '.join(_SETTINGS_KEYS)}")
    unknown = set(entry) - _SETTINGS_KEYS[kind]
    if unknown:
        raise ValueError(
            f"tile source ({kind}): unknown setting(s) {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(_SETTINGS_KEYS[kind] - {'kind'}))})"
        )

    def need(key: str, typ: type | tuple[type, ...]) -> Any:
        if key not in entry:
            raise ValueError(f"tile source ({kind}): missing {key!r}")
        return opt(key, typ, None)

    def opt(key: str, typ: type | tuple[type, ...], default: Any) -> Any:
        value = entry.get(key, default)
        if key in entry and (not isinstance(value, typ) or isinstance(value, bool)):
            names = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
            raise ValueError(f"tile source ({kind}).{key}: expected {names}, got {value!r}")
        return value

    name = opt("name", str, None)
    if name == "":
        raise ValueError(f"tile source ({kind}).name: must not be empty")
    if kind == "tianditu":
        return tianditu(
            need("layer", str),
            need("key", str),
            timeout=float(opt("timeout", (int, float), 5.0)),
            name=name,
        )
    if kind == "mbtiles":
        path = Path(need("path", str)).expanduser()
        if not open_files:
            return None
        try:
            return MBTilesSource(path, name=name)
        except TileError as exc:
            raise ValueError(f"tile source (mbtiles): {exc}") from None
    subdomains = opt("subdomains", (list, tuple, str), ())
    if isinstance(subdomains, str):
        subdomains = tuple(subdomains)  # "abc" → a, b, c as in Leaflet
    datum_raw = opt("datum", str, CRS.WGS84.value)
    try:
        datum = CRS(datum_raw.lower())
    except ValueError:
        raise ValueError(
            f"tile source (xyz).datum: {datum_raw!r} is not one of "
            f"{', '.join(c.value for c in CRS)}"
        ) from None
    return XyzSource(
        need("name", str),
        need("url", str),
        subdomains=tuple(str(s) for s in subdomains),
        api_key=opt("api_key", str, None),
        datum=datum,
        timeout=float(opt("timeout", (int, float), 5.0)),
        min_zoom=opt("min_zoom", int, 0),
        max_zoom=opt("max_zoom", int, 18),
    )


# ---------------------------------------------------------------- tile geometry


def tiles_for_view(west: float, south: float, east: float, north: float, z: int) -> list[TileKey]:
    """The tiles covering a WGS-84 lon/lat box at zoom z, row by row from the top-left."""
    if west > east or south > north:
        raise ValueError(
            f"view box west={west}, south={south}, east={east}, north={north} "
            "must have west <= east and south <= north"
        )
    x0, y0 = geo.lonlat_to_tile(west, north, z)
    x1, y1 = geo.lonlat_to_tile(east, south, z)
    return [TileKey(z, x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]


def parent(key: TileKey) -> TileKey:
    """The tile one zoom level up that contains this one."""
    if key.z == 0:
        raise ValueError("tile 0/0/0 has no parent")
    return TileKey(key.z - 1, key.x // 2, key.y // 2)


def child_rect_in_parent(key: TileKey) -> tuple[float, float, float, float]:
    """(x0, y0, w, h) as fractions of the parent image that this tile covers (y downwards)."""
    parent(key)  # raises for the root tile
    return (key.x % 2) * 0.5, (key.y % 2) * 0.5, 0.5, 0.5


# ---------------------------------------------------------------- datum at the edge


def view_box_in_source_datum(
    west: float, south: float, east: float, north: float, datum: CRS | str
) -> tuple[float, float, float, float]:
    """A WGS-84 view box in the source's datum (corners converted, then enclosed)."""
    datum = CRS(datum)
    if datum == CRS.WGS84:
        return west, south, east, north
    corners = [
        geo.convert(lon, lat, CRS.WGS84, datum)
        for lon, lat in ((west, south), (west, north), (east, south), (east, north))
    ]
    lons = [c[0] for c in corners]
    lats = [c[1] for c in corners]
    return min(lons), min(lats), max(lons), max(lats)


def source_offset_m(lon: float, lat: float, datum: CRS | str) -> tuple[float, float]:
    """Metres (east, north) where a WGS-84 point appears on the imagery of a `datum` source.

    A feature would have to move by this much to sit on that imagery; the canvas instead
    draws the source's tiles shifted by the negative of it, so features stay in WGS-84.
    Zero for WGS-84 sources and outside China.
    """
    datum = CRS(datum)
    if datum == CRS.WGS84:
        return 0.0, 0.0
    slon, slat = geo.convert(lon, lat, CRS.WGS84, datum)
    m_lon, m_lat = geo.local_metres_per_degree(lat)
    return (slon - lon) * m_lon, (slat - lat) * m_lat


__all__ = [
    "CachedSource",
    "DiskCache",
    "MBTilesSource",
    "TIANDITU_LAYERS",
    "TileError",
    "TileKey",
    "TileSource",
    "XyzSource",
    "check_source_settings",
    "child_rect_in_parent",
    "default_cache_root",
    "image_kind",
    "parent",
    "source_from_settings",
    "source_offset_m",
    "sources_from_settings",
    "tianditu",
    "tianditu_pair",
    "tiles_for_view",
    "view_box_in_source_datum",
]
