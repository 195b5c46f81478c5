"""Dark command-hall theme: palette, style sheet, CJK font and the map's colours.

Everything here is immutable data or a function of the `QApplication` it is given;
`apply_theme` is called once by the composition root (and by UI tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPalette
from PySide6.QtWidgets import QApplication

STYLE_DIR = Path(__file__).resolve().parents[2] / "resources" / "style"
STYLE_SHEET = STYLE_DIR / "command_center.qss"
# The app's icon (also the desktop entry's, packaging/command-center.desktop).
ICON = STYLE_DIR.parent / "icons" / "command-center.svg"
DESKTOP_FILE = "command-center"

# Preferred CJK families, best first (WenQuanYi is what the hall's Linux images ship).
CJK_FAMILIES: tuple[str, ...] = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
)


@dataclass(frozen=True)
class Palette:
    """Colours shared by the widgets and the map (hex strings, usable in QSS and pyqtgraph)."""

    window: str = "#0b1622"
    base: str = "#0f1d2c"
    alternate: str = "#132638"
    panel: str = "#102131"
    border: str = "#1f3b55"
    text: str = "#d6e4f0"
    muted: str = "#7f97ad"
    accent: str = "#2fa8ff"
    highlight: str = "#1d5b8c"
    danger: str = "#ff4d4f"
    danger_bg: str = "#2e1118"
    warning: str = "#f5a623"
    ok: str = "#3ddc84"
    # map
    map_background: str = "#07111b"
    district_fill: str = "#0f2a40"
    district_line: str = "#38c6ff"
    grid_line: str = "#1e4a68"
    river: str = "#2d7fd3"
    camera: str = "#c792ea"
    squad: str = "#3ddc84"
    label: str = "#e8f4ff"


PALETTE = Palette()

# Colour of an open case on the map by workflow state; overdue cases are always `danger`.
CASE_STATE_COLORS: dict[str, str] = {
    "reported": "#ffd166",
    "registered": "#ffb347",
    "dispatched": "#2fa8ff",
    "in_progress": "#33d1c4",
    "handled": "#8bd450",
    "rework": "#ff8c42",
    "extension_requested": "#b39ddb",
    "suspended": "#8899aa",
    "verified": "#7fe0a0",
}
CASE_DEFAULT_COLOR = "#d6e4f0"

SQUAD_STATUS_COLORS: dict[str, str] = {
    "idle": PALETTE.ok,
    "en_route": "#2fa8ff",
    "handling": PALETTE.warning,
    "offline": PALETTE.muted,
    "available": PALETTE.ok,
    "busy": PALETTE.warning,
    "off_duty": PALETTE.muted,
}


def case_color(state: str, overdue: bool) -> str:
    """The map colour of an open case."""
    if overdue:
        return PALETTE.danger
    return CASE_STATE_COLORS.get(state, CASE_DEFAULT_COLOR)


def choose_cjk_font(candidates: tuple[str, ...] = CJK_FAMILIES) -> str | None:
    """The first installed family of `candidates`, or None when none is installed."""
    installed = set(QFontDatabase.families())
    for family in candidates:
        if family in installed:
            return family
    return None


def build_palette(colors: Palette = PALETTE) -> QPalette:
    """A dark QPalette for the Fusion style."""
    pal = QPalette()
    c = QColor
    roles = {
        QPalette.ColorRole.Window: colors.window,
        QPalette.ColorRole.WindowText: colors.text,
        QPalette.ColorRole.Base: colors.base,
        QPalette.ColorRole.AlternateBase: colors.alternate,
        QPalette.ColorRole.ToolTipBase: colors.panel,
        QPalette.ColorRole.ToolTipText: colors.text,
        QPalette.ColorRole.PlaceholderText: colors.muted,
        QPalette.ColorRole.Text: colors.text,
        QPalette.ColorRole.Button: colors.panel,
        QPalette.ColorRole.ButtonText: colors.text,
        QPalette.ColorRole.BrightText: colors.danger,
        QPalette.ColorRole.Link: colors.accent,
        QPalette.ColorRole.Highlight: colors.highlight,
        QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, value in roles.items():
        pal.setColor(role, c(value))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, c(colors.muted))
    return pal


def load_style_sheet(path: Path = STYLE_SHEET) -> str:
    """The application style sheet, or an empty string when the file is missing."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def apply_theme(app: QApplication, point_size: int = 10) -> str | None:
    """Give `app` the dark theme, a CJK font and the icon; return the font family chosen
    (or None)."""
    app.setStyle("Fusion")
    app.setPalette(build_palette())
    family = choose_cjk_font()
    font = QFont(family) if family else QFont(app.font())
    font.setPointSize(point_size)
    app.setFont(font)
    app.setStyleSheet(load_style_sheet())
    app.setWindowIcon(QIcon(str(ICON)))
    app.setDesktopFileName(DESKTOP_FILE)  # the shell groups the windows under the menu entry
    return family
