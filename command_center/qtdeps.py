"""What Qt needs from the system to open a window on a real X screen, read from `ldd`.

PySide6's wheels bring Qt itself, but its xcb platform plugin links against system libraries
(libxcb-cursor, libxcb-icccm, libxkbcommon-x11, …) that a fresh Debian does not have. Without
one of them Qt prints a warning and aborts. This module asks the dynamic linker what those
libraries resolve to, so that the install step (`make setup`), the package build (`make deb`)
and the app's start-up all work from what this PySide6 actually needs, not a remembered list:

    python -m command_center.qtdeps missing     # sonames ldd cannot resolve, one per line
    python -m command_center.qtdeps packages    # Debian packages that would provide them
    python -m command_center.qtdeps depends     # Debian packages owning what they resolve to
    python -m command_center.qtdeps libraries   # every system library, soname and path

It imports no Qt (it runs before any Qt library is loaded) and nothing else of the app.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The PySide6 modules the app imports (a test holds this to what the UI really loads) and the
# plugins Qt loads for a window on X: the platform plugin and its OpenGL integrations.
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtOpenGL", "QtOpenGLWidgets", "QtTest")
XCB_PLUGINS = ("platforms/libqxcb.so", "xcbglintegrations/*.so")

# Debian names a library package after its soname (policy 8.1: libfoo.so.1 -> libfoo1,
# libfoo2.so.3 -> libfoo2-3); these are the ones the rule misses. Each maps to candidates,
# first the Debian 12 name, then names other Debian-family releases use.
_PACKAGE_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "libc.so.6": ("libc6",),
    "libm.so.6": ("libc6",),
    "libdl.so.2": ("libc6",),
    "libpthread.so.0": ("libc6",),
    "librt.so.1": ("libc6",),
    "libz.so.1": ("zlib1g",),
    "libgcc_s.so.1": ("libgcc-s1",),
    "libglib-2.0.so.0": ("libglib2.0-0", "libglib2.0-0t64"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "libglib2.0-0t64"),
    "libgobject-2.0.so.0": ("libglib2.0-0", "libglib2.0-0t64"),
    "libgio-2.0.so.0": ("libglib2.0-0", "libglib2.0-0t64"),
    "libgmodule-2.0.so.0": ("libglib2.0-0", "libglib2.0-0t64"),
    "libGLdispatch.so.0": ("libglvnd0",),
    "libbrotlidec.so.1": ("libbrotli1",),
    "libbrotlicommon.so.1": ("libbrotli1",),
}
_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")


@dataclass(frozen=True)
class Library:
    """One library a Qt binary links against: its soname, where it resolved (None: not
    found), and the first Qt binary that needs it."""

    soname: str
    path: str | None
    needed_by: str


def qt_binaries(pyside_dir: Path | None = None) -> list[Path]:
    """The PySide6 modules and xcb plugins whose libraries a real window needs."""
    root = pyside_dir or _pyside_dir()
    if root is None:
        return []
    found = [root / f"{m}.abi3.so" for m in QT_MODULES if (root / f"{m}.abi3.so").exists()]
    plugins = root / "Qt" / "plugins"
    for pattern in XCB_PLUGINS:
        found.extend(sorted(plugins.glob(pattern)))
    return found


def _pyside_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def system_libraries(
    binaries: Iterable[Path] | None = None, ldd: Callable[[Path], str] | None = None
) -> list[Library]:
    """Every library outside PySide6 that the binaries link against, directly or through
    another library (ldd resolves the whole tree), once each. Qt's own libraries
    (libQt6*, shipped in the wheel or in PySide6-Addons) are not the system's business."""
    run = ldd or _ldd
    seen: dict[str, Library] = {}
    for binary in qt_binaries() if binaries is None else binaries:
        for line in run(binary).splitlines():
            m = _LDD_LINE.match(line)
            if m is None:
                continue
            soname, where = m.groups()
            if soname.startswith("libQt6") or "/PySide6/" in where or "/shiboken6" in where:
                continue
            path = None if where == "not found" else where
            known = seen.get(soname)
            if known is None or (known.path is None and path is not None):
                seen[soname] = Library(soname, path, binary.name)
    return sorted(seen.values(), key=lambda lib: lib.soname)


@lru_cache(maxsize=64)
def _ldd(binary: Path) -> str:
    try:
        return subprocess.run(
            ["ldd", str(binary)], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def missing_libraries(libraries: Iterable[Library] | None = None) -> list[Library]:
    """The libraries the dynamic linker cannot find: any of them keeps Qt off the screen."""
    return [lib for lib in (system_libraries() if libraries is None else libraries)
            if lib.path is None]


def package_candidates(soname: str) -> tuple[str, ...]:
    """Debian package names that provide `soname`, most likely first (the policy's rule for
    library packages, with the exceptions it misses)."""
    if soname in _PACKAGE_EXCEPTIONS:
        return _PACKAGE_EXCEPTIONS[soname]
    m = re.fullmatch(r"(.+?)\.so\.(\d+)(?:\.\d+)*", soname)
    if m is None:
        return ()
    stem, major = m.group(1).lower().replace("_", "-"), m.group(2)
    name = f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}"
    return (name, f"{name}t64")


def packages_for(libraries: Iterable[Library], known: Callable[[str], bool] | None = None
                 ) -> list[str]:
    """One package per library: the first candidate the package archive knows (`known`,
    default `apt-cache show`), or the policy's name where nothing can be asked."""
    ask = known or _apt_knows
    out: list[str] = []
    for lib in libraries:
        names = package_candidates(lib.soname)
        if not names:
            continue
        pick = next((n for n in names if ask(n)), names[0])
        if pick not in out:
            out.append(pick)
    return out


@lru_cache(maxsize=256)
def _apt_knows(package: str) -> bool:
    if shutil.which("apt-cache") is None:
        return True  # nothing to ask: take the policy's name
    result = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", package],
        capture_output=True, text=True, check=False,
    )
    return result.returncode == 0 and "Package:" in result.stdout


def owning_packages(libraries: Iterable[Library]) -> list[str]:
    """The installed Debian packages that own the resolved libraries (`dpkg -S`): what a
    package of the app must depend on. Raises LookupError for a library no package owns
    or that does not resolve, since a package built from it would not run elsewhere."""
    libs = list(libraries)
    lost = [lib.soname for lib in libs if lib.path is None]
    if lost:
        raise LookupError(f"not found on this machine: {', '.join(lost)}")
    owners = owners_by_soname(libs)
    orphans = [f"{lib.soname} ({lib.path})" for lib in libs if owners[lib.soname] is None]
    if orphans:
        raise LookupError(f"no Debian package owns {', '.join(orphans)}")
    return sorted({o for o in owners.values() if o is not None})


def owners_by_soname(libraries: Iterable[Library]) -> dict[str, str | None]:
    """soname -> the Debian package owning the file it resolved to (None: no package), in
    one `dpkg -S` over every spelling of each path (Debian 12 merged /lib into /usr/lib,
    and dpkg knows a file by the path its package shipped it under)."""
    spellings: dict[str, list[str]] = {}
    for lib in libraries:
        if lib.path is None:
            spellings[lib.soname] = []
            continue
        names = {lib.path, os.path.realpath(lib.path)}
        for p in list(names):
            if p.startswith("/usr/lib/"):
                names.add(p[len("/usr"):])
            elif p.startswith("/lib/"):
                names.add("/usr" + p)
        spellings[lib.soname] = sorted(names)
    wanted = sorted({p for names in spellings.values() for p in names})
    owner_of: dict[str, str] = {}
    if wanted:
        out = subprocess.run(["dpkg", "-S", *wanted], capture_output=True, text=True,
                             check=False).stdout
        for line in out.splitlines():
            package, sep, path = line.partition(": ")
            if sep and not line.startswith("diversion "):
                owner_of[path.strip()] = package.split(":", 1)[0].split(",", 1)[0].strip()
    return {soname: next((owner_of[p] for p in names if p in owner_of), None)
            for soname, names in spellings.items()}


# -- the app's start-up check -------------------------------------------------------------------
def display_problem(environ: Mapping[str, str] | None = None,
                    libraries: Iterable[Library] | None = None,
                    connect: Callable[[str], str | None] | None = None) -> str | None:
    """Why Qt could not open a window here, in one line, or None if it can (or another
    platform than xcb is asked for, which Qt then reports itself). Checked before Qt starts,
    because Qt's own answer to each of these is an abort."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].split(";", 1)[0]
    if platform and platform != "xcb":
        return None
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None  # Qt tries Wayland first there
    lost = missing_libraries(libraries)
    if lost:
        names = ", ".join(lib.soname for lib in lost)
        packages = " ".join(packages_for(lost))
        return (f"Qt cannot open a window: the system libraries {names} are missing; "
                f"install them with `sudo apt-get install {packages}` (or run `make setup`)")
    display = env.get("DISPLAY", "")
    if not display:
        return ("there is no screen to open the window on: DISPLAY is not set (run it on a "
                "desktop, or use --screenshot FILE.png to render without one)")
    reason = (connect or _xcb_connect_error)(display)
    if reason is not None:
        return f"cannot open the X display {display}: {reason}"
    return None


_XCB_ERRORS = {
    1: "the connection failed (no X server there, or it refused us)",
    2: "the server has no extension Qt needs",
    3: "out of memory",
    4: "a request was too long",
    5: "the display name is not valid",
    6: "the display has no such screen",
}


def _xcb_connect_error(display: str) -> str | None:
    """Connect to `display` once with libxcb (what Qt will do) and hang up: None when it
    answers, else why not."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return "libxcb.so.1 is missing (sudo apt-get install libxcb1)"
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        code = xcb.xcb_connection_has_error(conn) if conn else 1
    finally:
        if conn:
            xcb.xcb_disconnect(conn)
    return None if code == 0 else _XCB_ERRORS.get(code, f"xcb error {code}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    verb = args[0] if args else ""
    if _pyside_dir() is None:
        print("error: PySide6 is not installed in this Python", file=sys.stderr)
        return 2
    libs = system_libraries()
    if verb == "missing":
        for lib in missing_libraries(libs):
            print(lib.soname)
    elif verb == "packages":
        for name in packages_for(missing_libraries(libs)):
            print(name)
    elif verb == "depends":
        try:
            for name in owning_packages(libs):
                print(name)
        except LookupError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    elif verb == "libraries":
        for lib in libs:
            print(f"{lib.soname}\t{lib.path or 'not found'}\t{lib.needed_by}")
    else:
        print("usage: python -m command_center.qtdeps missing|packages|depends|libraries",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
