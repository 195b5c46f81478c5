"""The app's icon: the windows and the desktop entry show the same one."""

from __future__ import annotations

import configparser
from pathlib import Path

from PySide6.QtWidgets import QApplication

from command_center.ui import theme

ROOT = Path(__file__).resolve().parents[2]


def test_the_windows_carry_the_icon_of_the_menu_entry(themed_qapp: QApplication) -> None:
    icon = themed_qapp.windowIcon()
    image = icon.pixmap(64, 64).toImage()
    assert not image.isNull() and image.width() == 64
    # drawn, not an empty pixmap: the pin's light blue over a good part, the corners clear
    pin = sum(
        1 for x in range(64) for y in range(64)
        if (c := image.pixelColor(x, y)).blue() > 200 and c.red() < 120 and c.alpha() == 255
    )
    assert pin > 400, pin
    assert image.pixelColor(0, 0).alpha() == 0
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keep Name[zh_CN] as written
    entry.read(ROOT / "packaging" / "command-center.desktop", encoding="utf-8")
    assert entry["Desktop Entry"]["Icon"] == theme.ICON.stem == themed_qapp.desktopFileName()
    assert entry["Desktop Entry"]["Name[zh_CN]"] == "智慧城管指挥中心"
