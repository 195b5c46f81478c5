"""The command line as a user meets it: real processes, exit codes, stderr, files untouched."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from command_center.store.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env_extra: dict[str, str] | None = None, timeout: int = 180):
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
    )


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
    }


def assert_one_clear_line(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("command", [["db", "stats"], ["db", "upgrade"], ["--screenshot", "x.png"]])
def test_unknown_scheme(command):
    result = run("--db", "mysql://root@localhost/test", *command)
    assert_one_clear_line(result, "unknown database scheme 'mysql'")


def test_unreachable_postgresql():
    result = run("--db", "postgresql+psycopg://postgres@127.0.0.1:9/none", "db", "stats")
    assert_one_clear_line(result, "cannot reach PostgreSQL at", "127.0.0.1:9")


@pytest.mark.parametrize("command", [["db", "stats"], ["db", "upgrade"], ["db", "seed"],
                                     ["--screenshot", "x.png"]])
def test_corrupt_sqlite_file_is_refused_and_left_alone(tmp_path, command):
    bad = tmp_path / "cc.db"
    bad.write_bytes(b"this is not a database\n" * 100)
    before = digest(tmp_path)
    result = run("--db", f"sqlite:///{bad}", *command)
    assert_one_clear_line(result, "not a SQLite database")
    assert digest(tmp_path) == before  # no -wal/-shm appeared, nothing rewritten


def test_damaged_sqlite_pages_are_refused(tmp_path):
    path = tmp_path / "cc.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    data[4096 + 200: 4096 + 4000] = b"\xff" * 3800  # smash the second page
    path.write_bytes(bytes(data))
    before = digest(tmp_path)
    result = run("--db", f"sqlite:///{path}", "db", "stats")
    assert_one_clear_line(result, "damaged SQLite database")
    assert digest(tmp_path) == before


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "cc.db"
    assert run("--db", f"sqlite:///{path}", "db", "upgrade").returncode == 0
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = digest(tmp_path)
    for command in (["db", "upgrade"], ["db", "stats"], ["--screenshot", str(tmp_path / "x.png")]):
        result = run("--db", f"sqlite:///{path}", *command)
        assert_one_clear_line(result, "newer than this program")
        assert digest(tmp_path) == before


def test_foreign_database_is_refused(tmp_path):
    path = tmp_path / "cc.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    result = run("--db", f"sqlite:///{path}", "db", "upgrade")
    assert_one_clear_line(result, "not made by this program")


def test_bad_settings_file(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[ui]\nlanguage = 'fr'\n", encoding="utf-8")
    assert_one_clear_line(run("--config", str(cfg), "db", "stats"), "language 'fr'")
    cfg.write_text("[database\n", encoding="utf-8")
    assert_one_clear_line(run("--config", str(cfg), "db", "stats"), "not valid TOML")
    cfg.write_text("[dtabase]\nurl = 'x'\n", encoding="utf-8")
    assert_one_clear_line(run("--config", str(cfg), "db", "stats"), "unknown section(s) dtabase")


def test_settings_file_then_environment_then_command_line(tmp_path):
    a, b, c = (tmp_path / n for n in ("a.db", "b.db", "c.db"))
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"[database]\nurl = 'sqlite:///{a}'\n", encoding="utf-8")
    assert "a.db" in run("--config", str(cfg), "db", "upgrade").stdout
    env = {"CC_DB_URL": f"sqlite:///{b}"}
    assert "b.db" in run("--config", str(cfg), "db", "upgrade", env_extra=env).stdout
    out = run("--config", str(cfg), "--db", f"sqlite:///{c}", "db", "upgrade", env_extra=env)
    assert "c.db" in out.stdout


def test_first_run_leaves_an_editable_settings_file(tmp_path):
    conf = tmp_path / "conf"
    result = run("--db", f"sqlite:///{tmp_path / 'x.db'}", "db", "upgrade",
                 env_extra={"CC_CONFIG_DIR": str(conf)})
    assert result.returncode == 0, result.stderr
    text = (conf / "config.toml").read_text(encoding="utf-8")
    assert "version = 1" in text and "language = \"zh_CN\"" in text


def test_db_upgrade_then_stats_json(db_url):
    # db_url is already migrated: upgrade is idempotent and stats reads it
    up = run("--db", db_url, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert f"schema at revision {head_revision()}" in up.stdout
    result = run("--db", db_url, "db", "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert set(stats) == {"tables", "case_states"}
    for name in ("cases", "case_events", "unit_grids", "cameras", "squads", "units", "people",
                 "districts", "orders", "attachments", "responsibility_grids"):
        assert stats["tables"][name] == 0
    assert stats["case_states"] == {}


def test_stats_on_a_missing_file_does_not_create_it(tmp_path):
    path = tmp_path / "nothing.db"
    result = run("--db", f"sqlite:///{path}", "db", "stats")
    assert_one_clear_line(result, "no database at")
    assert not path.exists()


@pytest.fixture(scope="module")
def seeded_sqlite(cli_city, copy_cli_city, tmp_path_factory) -> str:
    """A copy of the small city seeded through the command line itself (db seed, run once
    for the whole test run by the `cli_city` fixture)."""
    result = json.loads((cli_city / "result.json").read_text(encoding="utf-8"))
    assert result["returncode"] == 0, result["stderr"]
    assert "seeded the demo city of Chaoyang" in result["stdout"]
    assert "seeding:" in result["stderr"]  # progress is shown
    return copy_cli_city(tmp_path_factory.mktemp("seeded"))


def test_seeded_stats_json(seeded_sqlite):
    stats = json.loads(run("--db", seeded_sqlite, "db", "stats", "--json").stdout)
    tables = stats["tables"]
    assert tables["districts"] == 2 and tables["cameras"] >= 40
    assert tables["unit_grids"] > 3000 and tables["squads"] > 20
    assert tables["cases"] >= 1500 and tables["case_events"] > 5 * 1500
    assert sum(stats["case_states"].values()) == tables["cases"]
    assert stats["case_states"]["closed"] > 0.8 * tables["cases"]


def test_seeding_twice_is_refused_with_one_line(seeded_sqlite):
    before = json.loads(run("--db", seeded_sqlite, "db", "stats", "--json").stdout)
    result = run("--db", seeded_sqlite, "db", "seed", "--cases", "10")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert json.loads(run("--db", seeded_sqlite, "db", "stats", "--json").stdout) == before


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_screenshot_renders_the_window_and_exits_0(seeded_sqlite, tmp_path, lang):
    from PySide6.QtGui import QImage

    out = tmp_path / f"shot-{lang}.png"
    result = run("--db", seeded_sqlite, "--lang", lang, "--screenshot", str(out),
                 "--size", "1280x720")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    colours = {image.pixel(x, y) for x in range(0, 1280, 9) for y in range(0, 720, 9)}
    assert len(colours) > 100  # a drawn window, not a blank


def test_first_run_creates_the_embedded_default_and_asks_for_the_seed(tmp_path, monkeypatch):
    from command_center import app
    from command_center.store import migrate

    monkeypatch.setenv("CC_DATA_DIR", str(tmp_path / "data"))
    ctx = app._context(app.build_parser().parse_args([]))
    assert ctx.is_default_db and ctx.db_url.endswith("data/command-center.db")
    store, needs_seed = app.prepare_gui_store(ctx)
    try:
        assert needs_seed
        assert migrate.schema_status(store.engine) == "current"
        assert (tmp_path / "data" / "command-center.db").exists()
    finally:
        store.dispose()
    # an explicit, empty database is never seeded behind the user's back
    other = tmp_path / "explicit.db"
    ctx = app._context(app.build_parser().parse_args(["--db", f"sqlite:///{other}"]))
    with pytest.raises(Exception, match="no database at"):
        app.prepare_gui_store(ctx)
