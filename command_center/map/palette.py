"""The map's colours, shared by the canvas drawers and the HTML export (no Qt here)."""

from __future__ import annotations

from command_center.domain.deadline_state import DeadlineState

__all__ = ["CHOROPLETH_COLORS", "DEADLINE_COLORS", "SQUAD_ACTIVITIES", "SQUAD_STATUS_COLORS"]

DEADLINE_COLORS: dict[DeadlineState, str] = {
    DeadlineState.ON_TIME: "#3ddc84",
    DeadlineState.DUE_SOON: "#ffb020",
    DeadlineState.OVERDUE: "#ff3b3b",
    DeadlineState.PAUSED: "#8899aa",
    DeadlineState.NONE: "#2fa8ff",
}
SQUAD_STATUS_COLORS: dict[str, str] = {
    # what a squad is doing (domain.squads.Activity), the board's and the map's colours
    "idle": "#3ddc84",
    "en_route": "#2fa8ff",
    "handling": "#ffb020",
    "offline": "#8899aa",
    # its stored status, for rows that carry no activity
    "available": "#3ddc84",
    "busy": "#ffb020",
    "off_duty": "#8899aa",
}
SQUAD_ACTIVITIES = ("idle", "en_route", "handling", "offline")
# Seven sequential buckets, light → dark (ColorBrewer YlOrRd).
# Overdue cases per grid: light to dark red (ColorBrewer Reds, 5 classes).
OVERDUE_COLORS = ("#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15")
CHOROPLETH_COLORS = (
    "#ffffb2",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#b10026",
)
