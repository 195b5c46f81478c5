"""`import` and `export` on the command line: a bad file exits 2, lists why, writes nothing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )


@pytest.fixture
def db(sqlite_template, tmp_path) -> tuple[str, Path]:
    import shutil

    path = tmp_path / "cc.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}", path


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_bad_file_exits_2_lists_the_rows_and_writes_nothing(db, tmp_path):
    url, path = db
    src = tmp_path / "cases.csv"
    rows = ["类别,lon,lat,reported_at", "0101,120.45,41.57,2026-03-05 09:00"]
    rows += [f"999,120.45,41.57,2026-03-05 09:{i:02d}" for i in range(12)]
    rows += ["0101,,,2026-03-05 09:00"]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(
        "--db", url, "import", "csv", str(src), "--into", "cases", "--map", "类别=category_code"
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {src}: 13 of 14 rows are invalid; nothing was imported"
    assert lines[1] == "  row 3, 类别: unknown category '999'"
    assert len([ln for ln in lines[1:] if ln.startswith("  row ")]) == 10
    assert lines[-1] == "  … and 3 more"
    assert count(path, "cases") == 0 and count(path, "change_log") == 0


def test_import_then_export_geojson(db, tmp_path):
    url, path = db
    src = tmp_path / "cameras.geojson"
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"编号": "code", "名称": "name", "地址": "url"}), "utf-8")
    src.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [120.45, 41.57]},
                        "properties": {"编号": "C1", "名称": "路口", "地址": "rtsp://10.0.0.1/a"},
                    },
                    {
                        "type": "Feature",
                        "geometry": None,
                        "properties": {"编号": "C2", "名称": "桥", "地址": "rtsp://10.0.0.1/b"},
                    },
                ],
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    refused = tmp_path / "refused.csv"
    result = run(
        "--db",
        url,
        "import",
        "geojson",
        str(src),
        "--into",
        "cameras",
        "--mapping",
        str(mapping),
        "--skip-invalid",
        "--report",
        str(refused),
    )
    assert result.returncode == 0, result.stderr
    assert "imported 1 of 2 rows into cameras; 1 refused" in result.stdout
    assert refused.read_text("utf-8-sig").splitlines()[1] == "2,geometry,missing coordinates"
    out = tmp_path / "out.geojson"
    result = run("--db", url, "export", "geojson", str(out), "--from", "cameras")
    assert result.returncode == 0, result.stderr
    features = json.loads(out.read_text("utf-8"))["features"]
    assert [f["properties"]["code"] for f in features] == ["C1"]


def test_a_bad_map_option_is_one_clear_line(db, tmp_path):
    url, _ = db
    src = tmp_path / "x.csv"
    src.write_text("a\n1\n", "utf-8")
    result = run("--db", url, "import", "csv", str(src), "--into", "cases", "--map", "oops")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "error: --map 'oops': write it as SRC=FIELD, e.g. 类别=category_code"
    )


def test_open311_import_and_export_on_the_command_line(db, tmp_path):
    url, path = db
    bad = tmp_path / "requests.json"
    bad.write_text(json.dumps([
        {"service_request_id": "X1", "service_code": "200102", "lat": 41.57, "long": 120.45,
         "requested_datetime": "2026-03-04T09:30:00+08:00"},
        {"service_request_id": "X2", "service_code": "NOPE", "lat": 41.57, "long": 120.45,
         "requested_datetime": "2026-03-04T09:30:00+08:00"},
    ]), encoding="utf-8")
    result = run("--db", url, "import", "open311", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "unknown service code 'NOPE'" in result.stderr
    assert count(path, "cases") == 0
    mapped = run("--db", url, "import", "open311", str(bad), "--map", "NOPE=0101")
    assert mapped.returncode == 0, mapped.stderr
    assert count(path, "cases") == 2
    out = tmp_path / "o311"
    done = run("--db", url, "export", "open311", str(out))
    assert done.returncode == 0, done.stderr
    assert len(json.loads((out / "requests.json").read_text(encoding="utf-8"))) == 2
    assert (out / "services.json").is_file()
