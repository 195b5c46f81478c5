"""One typed, versioned settings schema: TOML file, then environment, then command line.

The file lives in the user config folder (`config.toml`), or where `--config PATH` says.
Environment: CC_DB_URL, CC_LANG, CC_CONFIG_DIR, CC_DATA_DIR. Nothing here is global: the
composition root loads a `Settings` value and passes it on.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "command-center"
SCHEMA_VERSION = 1
LANGUAGES = ("zh_CN", "en")


class ConfigError(Exception):
    """The settings file or an override is wrong; the message names what and where."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = ""  # empty: SQLite (WAL) in the user data folder


@dataclass(frozen=True)
class UiSettings:
    language: str = "zh_CN"
    theme: str = "dark"


@dataclass(frozen=True)
class MapSettings:
    """Background tiles. `tile_sources` are tables for `map.tiles.source_from_settings`, each
    with a unique `name`; `tile_source` names the one shown, empty for none. The default has
    no source at all, so an intranet install contacts nothing outside."""

    tile_sources: tuple[dict[str, Any], ...] = ()
    tile_source: str = ""

    @property
    def tile_source_names(self) -> tuple[str, ...]:
        return tuple(str(entry["name"]) for entry in self.tile_sources)


@dataclass(frozen=True)
class LiveSettings:
    """What arrives while the app runs. `simulator`: the embedded demo city lives by itself
    (filed reports, squads at work); `mqtt_host`: squad positions from this broker (topics
    `{mqtt_topic_prefix}/{id}/position`), empty for none; car-park occupancy from the same
    broker under `{parking_topic_prefix}/parking/{code}/occupancy` (empty: the squads'
    prefix without its last part, `cc/units` → `cc`)."""

    simulator: bool = True
    mqtt_host: str = ""
    mqtt_port: int = 1883
    mqtt_username: str = ""
    mqtt_password: str = ""
    mqtt_tls: bool = False
    mqtt_topic_prefix: str = "cc/units"
    parking_topic_prefix: str = ""


VIDEO_LAYOUTS = ("1", "2x2", "3x3", "4x4", "1+5", "1+7")


@dataclass(frozen=True)
class VideoSettings:
    """The camera wall. `enabled`: decode the cameras' streams (off: tiles say so and
    nothing is decoded); `buffer_s` / `buffer_fps`: the rolling buffer "save the last
    seconds" takes its clips from (0 fps: no buffer); `motion`: watch the cameras' motion
    zones and suggest cases; `layout`: the wall's first layout."""

    enabled: bool = True
    buffer_s: float = 30.0
    buffer_fps: float = 10.0
    motion: bool = True
    layout: str = "2x2"


@dataclass(frozen=True)
class Settings:
    version: int = SCHEMA_VERSION
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    map: MapSettings = field(default_factory=MapSettings)
    live: LiveSettings = field(default_factory=LiveSettings)
    video: VideoSettings = field(default_factory=VideoSettings)


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("CC_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("CC_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    return config_dir(env) / "config.toml"


def default_db_url(env: Mapping[str, str] = os.environ) -> str:
    return f"sqlite:///{data_dir(env) / 'command-center.db'}"


def _section(cls, raw: object, where: str):
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(known)})")
        expected = type(getattr(cls(), key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # TOML writes 5 for 5.0
        if not isinstance(value, expected):
            raise ConfigError(f"{where}.{key}: expected {expected.__name__}, got {value!r}")
        values[key] = value
    return cls(**values)


def _map_section(raw: object, where: str) -> MapSettings:
    from command_center.map.tiles import check_source_settings

    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table")
    known = [f.name for f in fields(MapSettings)]
    for key in raw:
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(known)})")
    entries = raw.get("tile_sources", [])
    if not isinstance(entries, list):
        raise ConfigError(
            f"{where}.tile_sources: expected a list of tables ([[map.tile_sources]]), "
            f"got {entries!r}"
        )
    names: list[str] = []
    for i, entry in enumerate(entries, start=1):
        at = f"{where}.tile_sources #{i}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{at}: expected a table, got {entry!r}")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{at}: needs a non-empty 'name' (the map's tile layer uses it)")
        if name in names:
            raise ConfigError(f"{at}: name {name!r} is already used by another tile source")
        try:
            check_source_settings(entry)
        except ValueError as exc:
            raise ConfigError(f"{at} ({name}): {exc}") from None
        names.append(name)
    active = raw.get("tile_source", "")
    if not isinstance(active, str):
        raise ConfigError(f"{where}.tile_source: expected str, got {active!r}")
    if active and active not in names:
        known_names = ", ".join(repr(n) for n in names) or "none are configured"
        raise ConfigError(
            f"{where}.tile_source: {active!r} is not a configured tile source "
            f"(tile sources: {known_names})"
        )
    return MapSettings(tile_sources=tuple(dict(e) for e in entries), tile_source=active)


def parse_settings(raw: dict, source: str = "settings") -> Settings:
    """Check a settings mapping against the schema; unknown keys are errors, not ignored."""
    version = raw.get("version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ConfigError(f"{source}: settings version {version} is not {SCHEMA_VERSION}")
    unknown = set(raw) - {"version", "database", "ui", "map", "live", "video"}
    if unknown:
        raise ConfigError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}")
    settings = Settings(
        database=_section(DatabaseSettings, raw.get("database", {}), f"{source} [database]"),
        ui=_section(UiSettings, raw.get("ui", {}), f"{source} [ui]"),
        map=_map_section(raw.get("map", {}), f"{source} [map]"),
        live=_section(LiveSettings, raw.get("live", {}), f"{source} [live]"),
        video=_section(VideoSettings, raw.get("video", {}), f"{source} [video]"),
    )
    _check(settings, source)
    return settings


def _check(settings: Settings, source: str) -> None:
    if settings.ui.language not in LANGUAGES:
        raise ConfigError(
            f"{source}: language {settings.ui.language!r} is not one of {', '.join(LANGUAGES)}"
        )
    video = settings.video
    if not 1 <= video.buffer_s <= 300:
        raise ConfigError(f"{source}: [video] buffer_s {video.buffer_s} must be 1–300 seconds")
    if not 0 <= video.buffer_fps <= 30:
        raise ConfigError(f"{source}: [video] buffer_fps {video.buffer_fps} must be 0–30")
    if video.layout not in VIDEO_LAYOUTS:
        raise ConfigError(
            f"{source}: [video] layout {video.layout!r} is not one of {', '.join(VIDEO_LAYOUTS)}"
        )
    live = settings.live
    if not 0 < live.mqtt_port < 65536:
        raise ConfigError(f"{source}: [live] mqtt_port {live.mqtt_port} is not a TCP port")
    if any(c in live.mqtt_topic_prefix for c in "+#") or not live.mqtt_topic_prefix.strip("/"):
        raise ConfigError(
            f"{source}: [live] mqtt_topic_prefix {live.mqtt_topic_prefix!r} must be a plain "
            "topic path (no + or # wildcards)"
        )
    if any(c in live.parking_topic_prefix for c in "+#") or (
        live.parking_topic_prefix and not live.parking_topic_prefix.strip("/")
    ):
        raise ConfigError(
            f"{source}: [live] parking_topic_prefix {live.parking_topic_prefix!r} must be a "
            "plain topic path (no + or # wildcards), or empty"
        )


def load_settings(
    path: Path | None = None,
    *,
    env: Mapping[str, str] = os.environ,
    db_url: str | None = None,
    language: str | None = None,
) -> Settings:
    """File (if present), then environment, then command-line values, in that order."""
    path = path or default_config_path(env)
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        settings = parse_settings(raw, str(path))
    else:
        settings = Settings()
    db = env.get("CC_DB_URL") or settings.database.url
    lang = env.get("CC_LANG") or settings.ui.language
    db = db_url or db
    lang = language or lang
    settings = replace(
        settings,
        database=replace(settings.database, url=db),
        ui=replace(settings.ui, language=lang),
    )
    _check(settings, "command line/environment")
    return settings


def save_settings(settings: Settings, path: Path) -> None:
    """Write the settings as TOML (used to leave an editable file on first run)."""
    import tomli_w

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(asdict(settings)), encoding="utf-8")
