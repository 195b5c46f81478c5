"""Install the UI language: zh_CN (the default) or English.

Source strings in code are English; Chinese comes from
``resources/translations/command_center_zh_CN.qm`` (compiled from the .ts with
pyside6-lrelease) plus Qt's own ``qtbase_zh_CN.qm`` for standard dialogs. English
installs no translator. The translators are children of the application object, so
installing again replaces them and nothing global is kept here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations"
CATALOGUE = "command_center"
LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
_TRANSLATOR_NAME = "command_center.translator"


def qm_path(lang: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    """Where the compiled catalogue for `lang` lives."""
    return directory / f"{CATALOGUE}_{lang}.qm"


def remove_translators(app: QCoreApplication) -> None:
    """Remove the translators an earlier `install_translator` put on `app`."""
    for translator in app.findChildren(QTranslator, _TRANSLATOR_NAME):
        app.removeTranslator(translator)
        translator.setParent(None)
        translator.deleteLater()


def install_translator(
    app: QCoreApplication, lang: str = DEFAULT_LANGUAGE, directory: Path = TRANSLATIONS_DIR
) -> list[QTranslator]:
    """Switch `app` to `lang` ("zh_CN" or "en"); return the translators installed.

    Raises ValueError for an unknown language and FileNotFoundError when the
    project's catalogue for a known language is missing or unreadable.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown UI language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    remove_translators(app)
    if lang == "en":
        return []

    installed: list[QTranslator] = []
    own = QTranslator(app)
    own.setObjectName(_TRANSLATOR_NAME)
    path = qm_path(lang, directory)
    if not own.load(str(path)):
        own.setParent(None)
        raise FileNotFoundError(f"UI translation {path} is missing or unreadable")
    # Qt's own strings (standard buttons, dialogs), when Qt ships them.
    qt = QTranslator(app)
    qt.setObjectName(_TRANSLATOR_NAME)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    else:
        qt.setParent(None)
    app.installTranslator(own)  # installed last, so it is searched first
    installed.append(own)
    return installed
