"""qtdeps: the system libraries Qt needs for a real window, read off `ldd`, and their packages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from command_center import qtdeps

LDD_OUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/site-packages/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x1)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x2)
\tlibxcb-icccm.so.4 => not found
\tlibglib-2.0.so.0 => /lib/x86_64-linux-gnu/libglib-2.0.so.0 (0x3)
\tlibQt6VirtualKeyboard.so.6 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x4)
"""


def test_ldd_output_becomes_the_system_libraries_with_what_is_missing() -> None:
    libs = qtdeps.system_libraries([Path("libqxcb.so")], ldd=lambda _p: LDD_OUT)
    assert [(lib.soname, lib.path) for lib in libs] == [
        ("libglib-2.0.so.0", "/lib/x86_64-linux-gnu/libglib-2.0.so.0"),
        ("libxcb-cursor.so.0", "/lib/x86_64-linux-gnu/libxcb-cursor.so.0"),
        ("libxcb-icccm.so.4", None),
    ]  # Qt's own libraries are PySide6's business, not the system's
    assert [lib.soname for lib in qtdeps.missing_libraries(libs)] == ["libxcb-icccm.so.4"]


def test_a_library_found_through_one_binary_is_not_missing_through_another() -> None:
    outputs = {"a.so": "\tlibfoo.so.1 => not found\n",
               "b.so": "\tlibfoo.so.1 => /usr/lib/libfoo.so.1 (0x1)\n"}
    libs = qtdeps.system_libraries([Path("a.so"), Path("b.so")], ldd=lambda p: outputs[p.name])
    assert qtdeps.missing_libraries(libs) == []


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),  # a name ending in a digit
        ("libX11-xcb.so.1", "libx11-xcb1"),  # lower case
        ("libpng16.so.16", "libpng16-16"),
        ("libglib-2.0.so.0", "libglib2.0-0"),  # the rule's exceptions
        ("libz.so.1", "zlib1g"),
        ("libgcc_s.so.1", "libgcc-s1"),
    ],
)
def test_debian_names_a_library_package_after_its_soname(soname: str, package: str) -> None:
    assert qtdeps.package_candidates(soname)[0] == package


def test_the_first_name_the_archive_knows_is_taken() -> None:
    libs = [qtdeps.Library("libglib-2.0.so.0", None, "QtCore"),
            qtdeps.Library("libxcb-icccm.so.4", None, "libqxcb.so")]
    assert qtdeps.packages_for(libs, known=lambda n: n.endswith("t64") or "icccm" in n) == [
        "libglib2.0-0t64", "libxcb-icccm4"]


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian-family system")
def test_the_naming_rule_gives_the_package_that_owns_each_installed_library() -> None:
    """The rule that names the package of a missing library, checked on every library
    this machine has: dpkg's owner is among its candidates."""
    found = [lib for lib in qtdeps.system_libraries() if lib.path is not None]
    assert len(found) > 20
    owners = qtdeps.owners_by_soname(found)
    assert None not in owners.values(), owners
    wrong = {soname: owner for soname, owner in owners.items()
             if owner not in qtdeps.package_candidates(soname)}
    assert wrong == {}


def test_the_checked_qt_modules_are_the_ones_the_app_loads() -> None:
    """A Qt module any part of the app starts importing has its libraries checked too."""
    code = ("import importlib, pkgutil, sys, command_center as cc\n"
            "for m in pkgutil.walk_packages(cc.__path__, 'command_center.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(' '.join(sorted({m.split('.')[1] for m in sys.modules "
            "if m.startswith('PySide6.Qt')})))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120).stdout.split()
    assert "QtWidgets" in loaded
    assert set(loaded) <= set(qtdeps.QT_MODULES)
    assert all(b.exists() for b in qtdeps.qt_binaries())
    assert any(b.name == "libqxcb.so" for b in qtdeps.qt_binaries())


def test_the_command_line_lists_what_make_setup_installs() -> None:
    result = subprocess.run([sys.executable, "-m", "command_center.qtdeps", "libraries"],
                            capture_output=True, text=True, timeout=60, check=True)
    assert "libxcb-cursor.so.0" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "command_center.qtdeps", "what"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("usage:")
