"""Languages: zh_CN by default, English without a translator, every string translated."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command_center.ui import i18n
from command_center.ui.main_window import MainWindow

TS = i18n.TRANSLATIONS_DIR / "command_center_zh_CN.ts"
QM = i18n.qm_path("zh_CN")
UI_SOURCES = sorted((Path(i18n.__file__).parent).glob("*.py"))
LUPDATE = Path(sys.executable).with_name("pyside6-lupdate")


def ts_messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, <message>) for every message of a .ts file."""
    root = ET.parse(path).getroot()
    return [
        (ctx.findtext("name") or "", msg.findtext("source") or "", msg)
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    ]


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("zh_CN", "智慧城管指挥中心 — 朝阳市"),
        ("en", "Smart Urban Management Command Center — Chaoyang City"),
    ],
)
def test_window_title_follows_language(
    qtbot: QtBot, use_lang: Callable[[str], None], lang: str, title: str
) -> None:
    use_lang(lang)
    window = MainWindow("sqlite:///ui.db")
    qtbot.addWidget(window)
    assert window.windowTitle() == title


def test_unknown_language_is_refused_clearly(qapp: QApplication) -> None:
    with pytest.raises(ValueError, match=r"unknown UI language 'fr'.*zh_CN, en"):
        i18n.install_translator(qapp, "fr")


def test_installing_again_replaces_the_translators(qapp: QApplication) -> None:
    first = i18n.install_translator(qapp, "zh_CN")
    assert first and qapp.translate("CaseState", "Closed") == "结案"
    i18n.install_translator(qapp, "zh_CN")
    assert len(qapp.findChildren(QTranslator, i18n._TRANSLATOR_NAME)) == len(first)
    assert i18n.install_translator(qapp, "en") == []
    assert qapp.translate("CaseState", "Closed") == "Closed"


def test_missing_catalogue_is_an_error(qapp: QApplication, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="command_center_zh_CN.qm"):
        i18n.install_translator(qapp, "zh_CN", directory=tmp_path)
    assert not qapp.findChildren(QTranslator, i18n._TRANSLATOR_NAME)


def test_ts_has_no_unfinished_entries() -> None:
    messages = ts_messages(TS)
    assert messages, "the .ts file has no messages"
    problems = []
    for ctx, source, msg in messages:
        tr = msg.find("translation")
        if tr is None or not (tr.text or "").strip():
            problems.append(f"{ctx}: {source!r} has no translation")
        elif tr.get("type") in {"unfinished", "vanished", "obsolete"}:
            problems.append(f"{ctx}: {source!r} is {tr.get('type')}")
    assert not problems, "\n".join(problems)


def test_qm_is_up_to_date_with_the_ts() -> None:
    translator = QTranslator()
    assert translator.load(str(QM)), f"cannot load {QM}"
    stale = []
    for ctx, source, msg in ts_messages(TS):
        wanted = msg.findtext("translation")
        got = translator.translate(ctx, source)
        if got != wanted:
            stale.append(f"{ctx}: {source!r} → .qm {got!r}, .ts {wanted!r}")
    assert not stale, "recompile with pyside6-lrelease:\n" + "\n".join(stale)


@pytest.mark.skipif(
    not LUPDATE.exists() and shutil.which("pyside6-lupdate") is None, reason="needs pyside6-lupdate"
)
def test_ts_covers_every_string_in_the_ui(tmp_path: Path) -> None:
    """A tr() string added to the code but not to the .ts would show in English."""
    lupdate = str(LUPDATE) if LUPDATE.exists() else "pyside6-lupdate"
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [lupdate, *map(str, UI_SOURCES), "-no-obsolete", "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    in_code = {(ctx, src) for ctx, src, _ in ts_messages(fresh)}
    in_ts = {(ctx, src) for ctx, src, _ in ts_messages(TS)}
    assert in_code - in_ts == set(), "run pyside6-lupdate and translate the new strings"
    assert in_ts - in_code == set(), "the .ts keeps strings the code no longer uses"


def test_no_tr_call_hides_inside_an_f_string() -> None:
    """lupdate does not read inside f-strings: a tr() there is never translated."""
    import re

    pattern = re.compile(r"""\bf(["']).*\{[^}]*\b(tr|translate)\(""")
    found = [
        f"{path.name}:{n}"
        for path in UI_SOURCES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_the_seeding_progress_speaks_chinese(use_lang: Callable[[str], None]) -> None:
    """The first run's status bar names the seeder's stages in the UI's language."""
    import re

    from command_center.services.seed import run as seed_run
    from command_center.ui.run import seed_stage_text

    source = Path(seed_run.__file__).read_text(encoding="utf-8")
    stages = re.findall(r'report\("([^"]+)"', source)
    assert "done" in stages
    use_lang("zh_CN")
    for stage in [*stages, "cases 16000/55000"]:
        text = seed_stage_text(stage)
        assert not re.search("[A-Za-z]", text), f"{stage!r} shows as {text!r}"
    assert seed_stage_text("cases 16000/55000") == "案件 16000/55000"
    use_lang("en")
    assert seed_stage_text("cases 16000/55000") == "cases 16000/55000"
