"""Shared fixtures: fresh settings and temp dirs, and a real database per test on both dialects.

Every store/service test runs on SQLite (a real file) and on the real PostgreSQL server at
127.0.0.1:5432. Each test gets its own database, copied from a template migrated once per run
(`CREATE DATABASE … TEMPLATE …` on PostgreSQL, a file copy on SQLite). A PostgreSQL test is
skipped, with the reason printed, only when no server answers.

`make test` runs the suite on two pytest-xdist workers: every database, folder, MQTT topic and
port a test uses is its own. What is expensive to build and only read (a seeded city) is built
once for the whole run by `build_once` and copied by whoever needs it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

PG_ADMIN_DSN = os.environ.get("CC_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")
PG_URL_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch) -> None:
    """The real user config and data folders are never read or written by a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CC_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("CC_DATA_DIR", str(home / "data"))
    for var in ("CC_DB_URL", "CC_LANG"):
        monkeypatch.delenv(var, raising=False)


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3)


def _pg_reason() -> str | None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (extra 'postgres')"
    try:
        _pg_admin().close()
    except Exception as exc:  # any failure to answer means: no server here
        return f"no PostgreSQL server answers at 127.0.0.1:5432 ({exc})"
    return None


@pytest.fixture(scope="session")
def pg_available() -> str | None:
    return _pg_reason()


def _build_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `build(folder)` once in this test run. Under xdist the
    workers share one folder: the first to ask builds while the others wait on a file lock.
    What it holds is read only: copy a database before opening it."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N/popen-gwK: pytest-N is the run's, common to the workers
    root = base / "built-once"
    root.mkdir(exist_ok=True)
    folder = root / name
    complete = root / f"{name}.complete"
    with FileLock(root / f"{name}.lock"):
        if not complete.exists():
            # built where it stays (what it holds may name its own paths); a failed build is
            # thrown away and tried again by the next to ask
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            complete.touch()
    return folder


@pytest.fixture(scope="session")
def build_once(tmp_path_factory) -> Callable[[str, Callable[[Path], None]], Path]:
    """`build_once(name, build)`: a folder built by `build(folder)` once for all workers."""

    def get(name: str, build: Callable[[Path], None]) -> Path:
        return _build_once(tmp_path_factory, name, build)

    return get


def checkpoint_sqlite(engine) -> None:
    """Fold the WAL into the database file, so that a copy of the file is the whole database."""
    with engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="session")
def sqlite_template(build_once) -> Path:
    def build(folder: Path) -> None:
        from command_center.store import migrate
        from command_center.store.engine import make_engine

        engine = make_engine(f"sqlite:///{folder / 'template.db'}", create=True)
        migrate.upgrade(engine)
        checkpoint_sqlite(engine)
        engine.dispose()

    return build_once("sqlite-template", build) / "template.db"


@pytest.fixture(scope="session")
def pg_template(pg_available) -> Iterator[str]:
    if pg_available:
        pytest.skip(pg_available)
    from command_center.store import migrate
    from command_center.store.engine import make_engine

    name = f"cc_tmpl_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as con:
        con.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(PG_URL_BASE + name)
    migrate.upgrade(engine)
    engine.dispose()
    yield name
    with _pg_admin() as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_pg_url(pg_available) -> Iterator[str]:
    """A new, empty PostgreSQL database for this test only."""
    if pg_available:
        pytest.skip(pg_available)
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as con:
        con.execute(f'CREATE DATABASE "{name}"')
    yield PG_URL_BASE + name
    with _pg_admin() as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _migrated_copy(request, dialect: str, folder: Path) -> Iterator[str]:
    """A migrated, empty database of `dialect` (a file in `folder` on SQLite), dropped after."""
    if dialect == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = folder / "cc.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield PG_URL_BASE + name
    finally:
        with _pg_admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_copy(request) -> Callable[[str, Path], AbstractContextManager[str]]:
    """`with migrated_copy(dialect, folder) as url:` a migrated, empty database for a fixture
    of a wider scope than the test (`db_url` is the one test's own)."""
    return partial(_migrated_copy, request)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """A migrated, empty database of each dialect, this test's own."""
    with _migrated_copy(request, request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url):
    """A `Store` on this test's own migrated database."""
    from command_center.store.engine import Store, make_engine

    s = Store(make_engine(db_url))
    yield s
    s.dispose()


def pytest_report_header(config) -> str:
    reason = _pg_reason()
    return "postgresql: " + ("available at 127.0.0.1:5432" if reason is None else f"SKIPPED: {reason}")


CLI_CITY_CASES = 1500


@pytest.fixture(scope="session")
def cli_city(build_once) -> Path:
    """A small demo city seeded through the command line itself (`db seed --cases 1500`, its
    history up to the real now), once per run: the folder holds `city.db`, the process's
    `result.json` (returncode, stdout, stderr) and the user folders it wrote (config/, data/ with
    the cameras' scenes). Read only: copy city.db (`copy_cli_city`) before using it."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]

    def build(folder: Path) -> None:
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        # the seed writes the plan figures and the cameras' scenes into the user's folders
        env |= {"CC_CONFIG_DIR": str(folder / "config"), "CC_DATA_DIR": str(folder / "data")}
        env.pop("CC_DB_URL", None)
        done = subprocess.run(
            [sys.executable, str(root / "main.py"), "--db", f"sqlite:///{folder / 'city.db'}",
             "db", "seed", "--cases", str(CLI_CITY_CASES)],
            capture_output=True, text=True, timeout=240, env=env, cwd=root,
        )
        result = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        (folder / "result.json").write_text(json.dumps(result), encoding="utf-8")

    return build_once("cli-city", build)


@pytest.fixture(scope="session")
def copy_cli_city(cli_city) -> Callable[[Path], str]:
    """`copy_cli_city(folder)`: the URL of a fresh copy of `cli_city`'s database in `folder`."""
    import json

    result = json.loads((cli_city / "result.json").read_text(encoding="utf-8"))
    assert result["returncode"] == 0, result["stderr"]

    def copy(folder: Path) -> str:
        path = folder / "city.db"
        shutil.copyfile(cli_city / "city.db", path)
        return f"sqlite:///{path}"

    return copy
