"""Scripted sign-in from the command line: --user/--password, and the screenshot's default."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from command_center import app
from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Role
from command_center.services.auth import DEMO_PASSWORD, SignInError
from command_center.services.seed import seed_demo_city
from command_center.store.engine import Store, make_engine

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True, text=True, timeout=180, env=env, cwd=ROOT,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines == [f"error: {fragment}"], result.stderr


def parse(*argv: str) -> argparse.Namespace:
    return app.build_parser().parse_args(list(argv))


def ctx(default: bool) -> app.Context:
    return app.Context(settings=None, db_url="sqlite:///x.db", is_default_db=default)  # type: ignore[arg-type]


def test_credentials_from_the_flags_and_the_screenshot_default(monkeypatch) -> None:
    monkeypatch.delenv("CC_PASSWORD", raising=False)
    assert app._credentials(parse("--user", "chief", "--password", "pw"), ctx(False)) == (
        "chief", "pw"
    )
    monkeypatch.setenv("CC_PASSWORD", "from-env")
    assert app._credentials(parse("--user", "chief"), ctx(False)) == ("chief", "from-env")
    monkeypatch.delenv("CC_PASSWORD")
    with pytest.raises(app.UserError, match="--password or \\$CC_PASSWORD"):
        app._credentials(parse("--user", "chief"), ctx(False))
    with pytest.raises(app.UserError, match="--password needs --user"):
        app._credentials(parse("--password", "pw"), ctx(False))
    # a screenshot never waits for a dialog: the demo dispatcher on the embedded database
    shot = parse("--screenshot", "x.png")
    assert app._credentials(shot, ctx(True)) == ("dispatcher", DEMO_PASSWORD)
    assert app._credentials(shot, ctx(False)) is None
    assert app._credentials(parse(), ctx(True)) is None  # interactive: the dialog's job


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, sqlite_template: Path) -> str:
    path = tmp_path_factory.mktemp("signin") / "city.db"
    shutil.copyfile(sqlite_template, path)
    store = Store(make_engine(f"sqlite:///{path}"))
    try:
        seed_demo_city(store, catalogue=Catalogue.default(), calendar=WorkCalendar.default(),
                       now=datetime(2026, 11, 27, 10, 30, tzinfo=CST), cases=400)
    finally:
        store.dispose()
    return f"sqlite:///{path}"


def test_sign_in_helper_and_its_fallback(seeded: str, tmp_path: Path) -> None:
    store = Store(make_engine(seeded))
    try:
        op = app._sign_in(store, "chief", DEMO_PASSWORD, fallback=False)
        assert op is not None and op.roles == {Role.SHIFT_CHIEF}
        with pytest.raises(SignInError):
            app._sign_in(store, "chief", "wrong", fallback=False)
    finally:
        store.dispose()
    # a database seeded before sign-in existed: the default user is missing, no error
    empty = tmp_path / "old.db"
    assert run("--db", f"sqlite:///{empty}", "db", "upgrade").returncode == 0
    old = Store(make_engine(f"sqlite:///{empty}"))
    try:
        assert app._sign_in(old, "dispatcher", DEMO_PASSWORD, fallback=True) is None
    finally:
        old.dispose()


def test_wrong_password_on_the_command_line_is_one_clear_line(seeded: str, tmp_path) -> None:
    result = run("--db", seeded, "--user", "dispatcher", "--password", "nope",
                 "--screenshot", str(tmp_path / "x.png"))
    assert_one_clear_line(result, "wrong user name or password")
    assert not (tmp_path / "x.png").exists()


def test_screenshot_signed_in_as_the_wall(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "wall.png"
    result = run("--db", seeded, "--lang", "en", "--user", "wall", "--password", DEMO_PASSWORD,
                 "--screenshot", str(out), "--size", "1280x720")
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000
