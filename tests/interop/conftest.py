"""Fixtures for the report tests: one small seeded city per session, and the poppler tools
(the offline browser is tests/offline_browser.py)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

import pytest

from command_center.domain.calendar import CST

# The seeded history ends here: a fixed moment makes every figure reproducible.
NOW = datetime(2024, 6, 14, 15, 30, tzinfo=CST)
@pytest.fixture(scope="session")
def city(sqlite_template, build_once, tmp_path_factory):
    """A Store on a SQLite copy of the demo city with 3,000 cases up to NOW (read only), seeded
    once for the whole run (all xdist workers) and copied."""
    from command_center.domain.calendar import WorkCalendar
    from command_center.domain.catalogue import Catalogue
    from command_center.services.seed import seed_demo_city
    from command_center.store.engine import Store, make_engine

    def build(folder):
        shutil.copyfile(sqlite_template, folder / "city.db")
        store = Store(make_engine(f"sqlite:///{folder / 'city.db'}"))
        try:
            seed_demo_city(
                store, catalogue=Catalogue.default(), calendar=WorkCalendar.default(), now=NOW,
                cases=3000,
            )
            with store.engine.connect() as con:  # the file alone is the whole database
                con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            store.dispose()

    path = tmp_path_factory.mktemp("city") / "city.db"
    shutil.copyfile(build_once("interop-city", build) / "city.db", path)
    store = Store(make_engine(f"sqlite:///{path}"))
    yield store
    store.dispose()


def poppler(tool: str, *args: str) -> str:
    """Run a poppler-utils tool (pdftotext, pdfinfo, pdffonts) and return its stdout."""
    exe = shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} is missing: install the Debian package poppler-utils")
    done = subprocess.run([exe, *args], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")
