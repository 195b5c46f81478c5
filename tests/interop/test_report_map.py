"""The day's map: an offline page that headless Chromium, with no network, draws."""

from __future__ import annotations

import re

import pytest

from command_center.domain.catalogue import Catalogue
from command_center.interop.report_map import DAY_MAP_LABELS, day_layers, day_map
from command_center.map.export_html import export_html, find_external_assets
from command_center.map.layers import default_layers
from tests.offline_browser import dump_dom

from .conftest import NOW

pytestmark = pytest.mark.slow
CATALOGUE = Catalogue.default()


def test_chromium_without_network_draws_the_day_s_cases_grids_and_squads(city, tmp_path):
    layers = default_layers()
    as_of = day_layers(city, CATALOGUE, NOW.date(), layers, now=NOW)
    cases = len(layers["cases"].cases)
    grids = len(layers["unit_grids"].cells)
    squads = sum(1 for s in layers["squads"].squads.values() if s.lon is not None)
    districts = len(layers["districts"].districts)
    assert as_of == NOW and cases > 10 and grids > 10 and squads > 5
    assert len(layers["heatmap"].lons) > 0  # the day's reports

    path = day_map(
        city,
        CATALOGUE,
        NOW.date(),
        tmp_path / "日图.html",
        now=NOW,
        layers=default_layers(),
        export=export_html,
    )
    page = path.read_text(encoding="utf-8")
    assert find_external_assets(page) == []
    dom = dump_dom(path, tmp_path / "profile")

    assert re.search(r'<div[^>]*class="[^"]*\bleaflet-container\b', dom), "Leaflet did not run"
    paths = re.findall(r'<path\b[^>]*\bclass="leaflet-interactive"[^>]*>', dom)
    assert len(paths) == districts + grids + cases + squads
    assert re.search(r'<canvas[^>]*class="[^"]*leaflet-heatmap-layer', dom), "no heatmap"
    rows = re.findall(r"<label>.*?<input ([^>]*)>.*?<span> (.*?)</span>.*?</label>", dom)
    assert {label: "checked" in attrs for attrs, label in rows} == {
        label: True for label in DAY_MAP_LABELS.values()
    }
    assert f"城市管理每日态势图 {NOW.date()}" in dom


def test_a_past_day_shows_only_cases_reported_by_its_end(city):
    day = NOW.date().replace(day=NOW.day - 5)
    layers = default_layers()
    as_of = day_layers(city, CATALOGUE, day, layers, now=NOW)
    assert as_of.date() == day and as_of.hour == 23
    assert all(c.reported_at <= as_of for c in layers["cases"].cases.values())
    now_layers = default_layers()
    day_layers(city, CATALOGUE, NOW.date(), now_layers, now=NOW)
    assert len(layers["cases"].cases) < len(now_layers["cases"].cases)
