"""`report daily|monthly|map` as a user runs it: real processes, files, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=ROOT,
    )


def assert_one_error_line(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def city_url(copy_cli_city, tmp_path_factory) -> str:
    """A small demo city whose history runs up to the real now (the CLI reports on today):
    a copy of the one `db seed` made for this run (tests/conftest.py's `cli_city`)."""
    return copy_cli_city(tmp_path_factory.mktemp("report-cli"))


@pytest.mark.parametrize(
    ("kind", "name", "magic"),
    [
        ("daily", "日报.pdf", b"%PDF"),
        ("monthly", "月报.pdf", b"%PDF"),
        ("map", "地图.html", b"<!DOCTYPE html>"),
    ],
)
def test_report_writes_the_file_and_exits_0(city_url, tmp_path, kind, name, magic):
    out = tmp_path / name
    result = run("--db", city_url, "report", kind, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(magic)
    assert f"wrote {out}" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_past_day_and_a_month(city_url, tmp_path):
    day = run(
        "--db",
        city_url,
        "report",
        "daily",
        "--date",
        "2024-01-02",
        "--out",
        str(tmp_path / "d.pdf"),
    )
    assert day.returncode == 0, day.stderr
    month = run(
        "--db",
        city_url,
        "report",
        "monthly",
        "--month",
        "2024-01",
        "--out",
        str(tmp_path / "m.pdf"),
    )
    assert month.returncode == 0, month.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["daily", "--date", "2024-13-01"], "--date '2024-13-01': expected YYYY-MM-DD"),
        (["daily", "--date", "20240601"], "expected YYYY-MM-DD"),
        (["daily", "--date", "2999-01-01"], "has not come yet"),
        (["monthly", "--month", "2024-6"], "--month '2024-6': expected YYYY-MM"),
        (["map", "--month", "2024-06"], "--month is for `report monthly`"),
    ],
)
def test_bad_dates_exit_2_with_one_line(city_url, tmp_path, args, fragment):
    result = run("--db", city_url, "report", *args, "--out", str(tmp_path / "x.pdf"))
    assert_one_error_line(result, fragment)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_out_exits_2_and_leaves_nothing(city_url, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert_one_error_line(
        run("--db", city_url, "report", "daily", "--out", str(blocker / "x.pdf")),
        "does not exist",
    )
    assert_one_error_line(
        run("--db", city_url, "report", "map", "--out", str(tmp_path)), "it is a folder"
    )
    if Path("/proc/self").is_dir():  # a folder nobody, not even root, can create files in
        assert_one_error_line(
            run("--db", city_url, "report", "daily", "--out", "/proc/report.pdf"),
            "cannot write it",
        )
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]
