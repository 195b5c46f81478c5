"""The import contract of STYLE.md: layers run one way; Qt widgets only in ui/ and app."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BELOW_UI = ["domain", "store", "services", "live", "video", "map", "interop"]


def test_import_linter_contracts_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("lint-imports is not installed (extra 'dev')")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("package", BELOW_UI)
def test_nothing_below_ui_imports_qt_widgets(package):
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "command_center" / package).rglob("*.py")
        if any(n == "PySide6.QtWidgets" or n.startswith("PySide6.QtWidgets.") for n in _imports(p))
    ]
    assert offenders == []


def test_the_checker_sees_a_widget_import(tmp_path):
    """The AST scan above must be able to fail."""
    probe = tmp_path / "probe.py"
    probe.write_text("from PySide6.QtWidgets import QWidget\n")
    assert "PySide6.QtWidgets" in _imports(probe)


def test_ruff_finds_nothing():
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("ruff is not installed (extra 'dev')")
    result = subprocess.run(
        [exe, "check", "command_center", "tests", "bench", "db"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_test_files_have_unique_names_where_pytest_needs_them():
    """Test folders without __init__.py share one module namespace: two test files of the
    same name stop the whole run at collection ("import file mismatch")."""
    tests = ROOT / "tests"
    seen: dict[str, Path] = {}
    clashes = []
    for path in sorted(tests.rglob("test_*.py")):
        if (path.parent / "__init__.py").exists():
            continue
        if path.name in seen:
            clashes.append(f"{seen[path.name].relative_to(ROOT)} and {path.relative_to(ROOT)}")
        seen[path.name] = path
    assert clashes == []
