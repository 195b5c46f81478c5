"""The app on a real X server, as `make run` starts it: no QT_QPA_PLATFORM, a real display.

The rest of the suite runs on Qt's offscreen platform, which needs none of the system
libraries the xcb platform plugin links against: without these tests a machine missing
libxcb-cursor0 or libxcb-icccm4 passes every test and aborts on every real desktop. Here Xvfb
is the screen, xdotool the operator's keyboard, and ffmpeg's x11grab the camera on the screen.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from command_center import qtdeps

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "xdotool", "xwininfo", "ffmpeg")
START_S = 120.0  # a loaded 2-core CI machine: the first picture of the city takes a while

# No skip when a tool is missing: `make test` installs them, and a skipped real-screen test is
# how the abort on real desktops went unseen.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tools() -> None:
    lost = [t for t in TOOLS if shutil.which(t) is None]
    assert not lost, f"missing {lost}: `make test` installs xvfb, xdotool, x11-utils, ffmpeg"


class Xvfb:
    """One X server on a display number it picks itself (-displayfd), killed at the end."""

    def __init__(self, size: str) -> None:
        read, write = os.pipe()
        self.size = size
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp",
             "-noreset"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        os.close(write)
        with os.fdopen(read) as f:
            number = f.readline().strip()
        if not number:
            self.proc.kill()
            raise RuntimeError(f"Xvfb did not start: {self.proc.stderr.read().decode()}")
        self.display = f":{number}"

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            args, env={**os.environ, "DISPLAY": self.display}, capture_output=True, text=True,
            timeout=30, check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def windows(self, pid: int) -> dict[int, str]:
        """The viewable windows of process `pid` (by _NET_WM_PID), id -> title."""
        out = self.run("xdotool", "search", "--onlyvisible", "--pid", str(pid), check=False)
        found: dict[int, str] = {}
        for line in out.split():
            wid = int(line)
            found[wid] = self.run("xdotool", "getwindowname", str(wid), check=False).strip()
        return found

    def geometry(self, wid: int) -> tuple[bool, int, int, int, int]:
        """(viewable, x, y, width, height) of a window, as xwininfo reads it off the server."""
        info = dict(
            (k.strip(), v.strip())
            for k, _, v in (line.partition(":") for line in self.run(
                "xwininfo", "-id", str(wid)).splitlines())
            if v
        )
        return (
            info["Map State"] == "IsViewable",
            int(info["Absolute upper-left X"]), int(info["Absolute upper-left Y"]),
            int(info["Width"]), int(info["Height"]),
        )

    def screenshot(self, path: Path) -> object:
        """The root window as the screen shows it (ffmpeg x11grab), as a BGR array."""
        import cv2

        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-f", "x11grab", "-video_size", self.size,
             "-i", f"{self.display}.0", "-frames:v", "1", str(path)],
            check=True, timeout=30, capture_output=True,
        )
        image = cv2.imread(str(path))
        assert image is not None, f"ffmpeg wrote no picture to {path}"
        return image

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory, copy_cli_city) -> Path:
    """A user's folders holding the embedded demo city where `make run` keeps it (a copy of
    the run's city seeded through `db seed`; its cameras play that seed's scenes)."""
    home = tmp_path_factory.mktemp("real-screen-home")
    (home / "data").mkdir()
    url = copy_cli_city(home / "data")
    Path(url.removeprefix("sqlite:///")).rename(home / "data" / "command-center.db")
    return home


def _app_env(home: Path, display: str | None = None) -> dict[str, str]:
    """The environment `make run` gives the app: no Qt platform chosen, a display."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "CC_"))}
    env |= {"CC_DATA_DIR": str(home / "data"), "CC_CONFIG_DIR": str(home / "config"),
            "HOME": str(home)}
    if display is not None:
        env["DISPLAY"] = display
    return env


@pytest.fixture
def app(demo_home, tools) -> Iterator:
    """Start main.py on a new X server of the size asked for; stop both at the end."""
    started: list[tuple[Xvfb, subprocess.Popen]] = []

    def start(size: str, *args: str) -> tuple[Xvfb, subprocess.Popen]:
        x = Xvfb(size)
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), *args], env=_app_env(demo_home, x.display),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        started.append((x, proc))
        return x, proc

    yield start
    for x, proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if proc.stdout is not None:
            proc.stdout.close()
        x.close()


def _wait_window(x: Xvfb, proc: subprocess.Popen, want, what: str) -> int:
    """The first viewable window of `proc` whose title satisfies `want`."""
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"the app ended with code {proc.returncode} before {what} showed:\n"
                f"{proc.stdout.read() if proc.stdout else ''}"
            )
        for wid, title in x.windows(proc.pid).items():
            if want(title):
                return wid
        time.sleep(0.25)  # an X server has no signal to wait on from here: poll it
    raise AssertionError(f"no {what} on {x.display} within {START_S:.0f} s")


def _blank_reason(image, region: tuple[int, int, int, int]) -> str | None:
    """Why `region` of a screenshot is not a drawn window, or None: a drawn one has most of
    its pixels off the server's black background and many colours (a map, text, video),
    not one flat fill."""
    import numpy as np

    x, y, w, h = region
    part = image[y:y + h, x:x + w]
    if not part.size:
        return f"empty region {region}"
    lit = float((part.max(axis=2) > 12).mean())
    colours = len(np.unique(part.reshape(-1, 3) // 8, axis=0))
    if lit < 0.9:
        return f"only {lit:.0%} of {region} is drawn"
    if colours < 200:
        return f"only {colours} colours in {region}: a blank or flat window"
    return None


def _drawn(x: Xvfb, path: Path, regions: list[tuple[int, int, int, int]]):
    """The screen once every region shows a drawn window (the window paints its data when it
    has loaded it); fails with the reason if the deadline comes first."""
    deadline = time.monotonic() + START_S
    while True:
        image = x.screenshot(path)
        reasons = [r for r in (_blank_reason(image, region) for region in regions) if r]
        if not reasons:
            return image
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name}: " + "; ".join(reasons))
        time.sleep(0.5)  # nothing on an X server to wait on from here: look again


def test_the_libraries_a_real_window_needs_all_resolve() -> None:
    """What `make setup` installs: every system library of the xcb plugin and Qt modules."""
    libraries = qtdeps.system_libraries()
    assert any(lib.soname.startswith("libxcb") for lib in libraries), "ldd read nothing"
    lost = qtdeps.missing_libraries(libraries)
    assert not lost, "ldd finds no " + ", ".join(
        f"{lib.soname} (for {lib.needed_by})" for lib in lost
    ) + f": sudo apt-get install {' '.join(qtdeps.packages_for(lost))}"


@pytest.mark.parametrize("screen", ["1920x1080", "1366x768"])
def test_the_desk_opens_on_a_real_screen_and_signs_in(app, tmp_path, screen: str) -> None:
    """Signed in through the dialog, the window fills the screen and fits on it (a
    1366x768 workstation sees its status bar and right-hand docks)."""
    x, proc = app(screen)
    screen_w, screen_h = (int(v) for v in screen.split("x"))
    dialog = _wait_window(x, proc, lambda t: t.startswith("登录"), "sign-in dialog")
    x.run("xdotool", "windowfocus", "--sync", str(dialog))
    x.run("xdotool", "type", "--delay", "30", "dispatcher")
    x.run("xdotool", "key", "Tab")
    x.run("xdotool", "type", "--delay", "30", "chaoyang2026")
    x.run("xdotool", "key", "Return")
    deadline = time.monotonic() + 30
    while dialog in x.windows(proc.pid) and time.monotonic() < deadline:
        assert proc.poll() is None, f"the app ended: {proc.stdout.read()}"
        time.sleep(0.25)
    assert dialog not in x.windows(proc.pid), "the sign-in dialog stayed: refused?"
    assert proc.poll() is None, "the app quit: the sign-in was cancelled"

    main = _wait_window(x, proc, lambda t: t.startswith("智慧城管指挥中心"), "main window")
    viewable, left, top, width, height = x.geometry(main)
    assert viewable
    assert left >= 0 and top >= 0 and left + width <= screen_w and top + height <= screen_h, (
        f"the window ({left},{top} {width}x{height}) does not fit on the {screen} screen")
    assert width >= 0.8 * screen_w and height >= 0.8 * screen_h, (width, height)
    _drawn(x, tmp_path / "desk.png", [(left, top, width, height)])


def test_the_wall_spans_two_screens_on_a_3840_wide_display(app, tmp_path) -> None:
    x, proc = app("3840x1080", "--wall", "--screens", "2")
    wall = _wait_window(x, proc, lambda t: t.startswith("指挥中心"), "wall screen")
    viewable, left, top, width, height = x.geometry(wall)
    assert viewable
    assert (left, top, width, height) == (0, 0, 3840, 1080)
    # the map on the left screen; the figures, the feed and the cameras on the right
    _drawn(x, tmp_path / "wall.png", [(0, 0, 1920, 1080), (1920, 0, 1920, 1080)])


def test_a_missing_library_names_the_package_to_install() -> None:
    """What a desktop without libxcb-icccm4 sees instead of Qt's abort."""
    broken = [qtdeps.Library("libxcb-icccm.so.4", None, "libqxcb.so"),
              qtdeps.Library("libxcb.so.1", "/lib/x86_64-linux-gnu/libxcb.so.1", "QtGui")]
    line = qtdeps.display_problem({"DISPLAY": ":0"}, broken)
    assert line is not None
    assert "libxcb-icccm.so.4" in line and "apt-get install libxcb-icccm4" in line
    assert qtdeps.display_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, broken) is None


def test_no_display_is_one_error_line_and_exit_2(tmp_path) -> None:
    env = _app_env(tmp_path)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py")], env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    # Without the libraries that comes first (and names them); with them, the display.
    assert ("are missing" if qtdeps.missing_libraries() else "DISPLAY is not set") in lines[0]
    assert not (tmp_path / "data" / "command-center.db").exists(), "it seeded before failing"


def test_a_display_nobody_answers_is_one_error_line_and_exit_2(tmp_path, tools) -> None:
    if qtdeps.missing_libraries():
        pytest.fail("the libraries of the first test are missing: this one would test them")
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py")], env=_app_env(tmp_path, ":4711"),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("error: cannot open the X display :4711")


def test_when_qt_gives_up_anyway_it_is_an_error_line_not_an_abort(tmp_path) -> None:
    """Past the checks (here: they are bypassed), Qt's fatal message ends the program with
    exit code 2 and an `error:` line, never SIGABRT and a core dump."""
    code = ("from PySide6.QtCore import qInstallMessageHandler\n"
            "from command_center.ui.run import _qt_to_logging\n"
            "qInstallMessageHandler(_qt_to_logging)\n"
            "from PySide6.QtWidgets import QApplication\n"
            "QApplication([])\n")
    env = _app_env(tmp_path, ":4711") | {"QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2, (result.returncode, result.stderr)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "platform plugin" in last, result.stderr
    assert "cannot open the X display :4711" in last  # what the checks would have said
