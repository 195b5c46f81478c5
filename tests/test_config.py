"""The settings schema's [map] section, and building tile sources from it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from command_center.config import (
    ConfigError,
    MapSettings,
    Settings,
    load_settings,
    parse_settings,
    save_settings,
)
from command_center.map.tiles import (
    CachedSource,
    DiskCache,
    MBTilesSource,
    XyzSource,
    sources_from_settings,
)

AMAP = {
    "kind": "xyz",
    "name": "amap",
    "url": "https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}",
    "subdomains": ["1", "2", "3", "4"],
    "datum": "gcj02",
}
TIANDITU = {"kind": "tianditu", "name": "天地图", "layer": "vec", "key": "k"}


def mbtiles(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
        "tile_data BLOB)"
    )
    conn.execute("INSERT INTO metadata VALUES ('name', 'from metadata')")
    conn.commit()
    conn.close()
    return path


def test_default_has_no_tile_source_and_contacts_nothing():
    settings = Settings()
    assert settings.map == MapSettings(tile_sources=(), tile_source="")
    assert parse_settings({}).map == settings.map
    assert load_settings(Path("/nonexistent/config.toml")).map == settings.map


def test_map_section_parses_and_round_trips(tmp_path):
    raw = {"map": {"tile_sources": [AMAP, TIANDITU], "tile_source": "天地图"}}
    settings = parse_settings(raw)
    assert settings.map.tile_source_names == ("amap", "天地图")
    assert settings.map.tile_source == "天地图"
    path = tmp_path / "config.toml"
    save_settings(settings, path)
    assert load_settings(path) == settings


def test_a_missing_mbtiles_file_is_not_a_config_error(tmp_path):
    entry = {"kind": "mbtiles", "name": "offline", "path": str(tmp_path / "later.mbtiles")}
    settings = parse_settings({"map": {"tile_sources": [entry], "tile_source": "offline"}})
    assert settings.map.tile_source == "offline"


@pytest.mark.parametrize(
    ("map_section", "message"),
    [
        ({"tile_sorce": "x"}, r"\[map\]: unknown setting 'tile_sorce'"),
        ({"tile_sources": AMAP}, r"tile_sources: expected a list of tables"),
        ({"tile_sources": ["amap"]}, r"tile_sources #1: expected a table"),
        ({"tile_sources": [{**AMAP, "name": ""}]}, r"#1: needs a non-empty 'name'"),
        ({"tile_sources": [{k: v for k, v in TIANDITU.items() if k != "name"}]}, r"'name'"),
        ({"tile_sources": [AMAP, {**TIANDITU, "name": "amap"}]}, r"#2: name 'amap' is already"),
        ({"tile_sources": [{**AMAP, "zoom": 3}]}, r"#1 \(amap\).*unknown setting.*zoom"),
        ({"tile_sources": [{**AMAP, "datum": "utm"}]}, r"#1 \(amap\).*datum"),
        ({"tile_sources": [{**TIANDITU, "layer": "ter"}]}, r"valid layers"),
        ({"tile_sources": [AMAP], "tile_source": "osm"}, r"'osm' is not a configured.*'amap'"),
        ({"tile_source": "osm"}, r"none are configured"),
        ({"tile_source": 3}, r"tile_source: expected str"),
    ],
)
def test_bad_map_settings_say_what_and_where(map_section, message):
    with pytest.raises(ConfigError, match=message) as info:
        parse_settings({"map": map_section}, "config.toml")
    assert str(info.value).startswith("config.toml [map]")


def test_sources_from_settings_caches_http_sources_only(tmp_path):
    path = mbtiles(tmp_path / "local.mbtiles")
    cache = DiskCache(tmp_path / "cache")
    entries = [
        AMAP,
        TIANDITU,
        {"kind": "mbtiles", "name": "local", "path": str(path)},
        {"kind": "mbtiles", "name": "usb", "path": str(tmp_path / "missing.mbtiles")},
    ]
    sources, problems = sources_from_settings(entries, cache=cache)
    assert set(sources) == {"amap", "天地图", "local"}
    for name in ("amap", "天地图"):
        cached = sources[name]
        assert isinstance(cached, CachedSource) and cached.cache is cache
        assert isinstance(cached.source, XyzSource) and cached.name == name
    assert isinstance(sources["local"], MBTilesSource) and sources["local"].name == "local"
    assert set(problems) == {"usb"} and "missing.mbtiles" in problems["usb"]


def test_sources_from_settings_refuses_unnamed_or_twice_named_entries():
    with pytest.raises(ValueError, match="needs a 'name'"):
        sources_from_settings([{"kind": "tianditu", "layer": "vec", "key": "k"}])
    with pytest.raises(ValueError, match="'amap' is used twice"):
        sources_from_settings([AMAP, AMAP], cache=DiskCache(Path("/nonexistent")))


def test_live_defaults_run_the_simulator_and_contact_no_broker():
    live = parse_settings({}).live
    assert live.simulator is True and live.mqtt_host == "" and live.mqtt_port == 1883
    assert live.parking_topic_prefix == ""  # derived from the squads' prefix


def test_live_section_parses():
    live = parse_settings(
        {"live": {"simulator": False, "mqtt_host": "10.1.2.3", "mqtt_port": 8883,
                  "mqtt_tls": True, "mqtt_topic_prefix": "chaoyang/units",
                  "parking_topic_prefix": "chaoyang/city"}}
    ).live
    assert live.parking_topic_prefix == "chaoyang/city"
    assert (live.simulator, live.mqtt_host, live.mqtt_port, live.mqtt_tls) == (
        False, "10.1.2.3", 8883, True
    )


@pytest.mark.parametrize(
    ("live", "message"),
    [
        ({"mqtt_port": 0}, "is not a TCP port"),
        ({"mqtt_topic_prefix": "cc/+"}, "no \\+ or # wildcards"),
        ({"parking_topic_prefix": "cc/#"}, "parking_topic_prefix 'cc/#' must be a plain"),
        ({"mqtt_host": 5}, "expected str"),
        ({"broker": "x"}, "unknown setting 'broker'"),
    ],
)
def test_bad_live_settings_say_what(live, message):
    with pytest.raises(ConfigError, match=message):
        parse_settings({"live": live})


def test_video_section_parses_and_says_what_is_wrong():
    video = parse_settings({"video": {"layout": "4x4", "buffer_fps": 5, "motion": False}}).video
    assert (video.layout, video.buffer_fps, video.motion, video.enabled) == ("4x4", 5, False, True)
    for bad, message in [
        ({"layout": "5x5"}, "is not one of"),
        ({"buffer_s": 0}, "1–300 seconds"),
        ({"buffer_fps": 60}, "0–30"),
        ({"record": True}, "unknown setting 'record'"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_settings({"video": bad})
