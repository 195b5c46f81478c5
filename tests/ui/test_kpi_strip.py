"""The KPI strip gives way tile by tile, least important last in line, instead of clipping
its numbers."""

from __future__ import annotations

from command_center.ui.kpi_strip import PRIORITY, KpiStrip


def test_narrow_strips_hide_the_least_important_tiles(qtbot):
    strip = KpiStrip()
    qtbot.addWidget(strip)
    strip.set_counts(12345, 67, {"registered": 3, "reported": 4})
    strip.show()
    natural = sum(t.sizeHint().width() for t in strip.tiles.values()) + 8 * len(strip.tiles)
    strip.resize(natural + 60, 80)
    qtbot.waitUntil(lambda: all(t.isVisible() for t in strip.tiles.values()))
    for width in (natural // 2, strip.minimumSizeHint().width()):
        strip.resize(width, 80)  # a shown widget gets its resize event at once
        shown = [k for k in PRIORITY if strip.tiles[k].isVisible()]
        assert shown == list(PRIORITY[: len(shown)])  # a prefix of the priority order
        assert shown[:2] == ["open", "overdue"]
        for key in shown:  # a shown number is never squeezed
            value = strip.tiles[key].value_label
            assert value.width() >= value.sizeHint().width()
    assert not strip.tiles["paused"].isVisible()
