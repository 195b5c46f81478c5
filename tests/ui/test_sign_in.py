"""The sign-in dialog: typing and Enter signs in; a failure says so and keeps the dialog open."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from command_center.domain.workflow import RULES, Action, Role
from command_center.services.auth import (
    DEMO_PASSWORD,
    AuthService,
    Operator,
    SignInError,
    hash_password,
)
from command_center.store.engine import Store, make_engine
from command_center.store.models import Person, PersonRole
from command_center.ui.actions import ActionRegistry
from command_center.ui.main_window import MainWindow
from command_center.ui.sign_in import SignInDialog

DISPATCHER = Operator(
    11, "王伟", frozenset({Role.DISPATCHER}), "desk-1", username="dispatcher", unit="指挥中心"
)


class FakeAuth:
    """Accepts one user name and password; records every attempt."""

    def __init__(self, operator: Operator = DISPATCHER, password: str = DEMO_PASSWORD) -> None:
        self.operator, self.password = operator, password
        self.attempts: list[tuple[str, str]] = []

    def __call__(self, user: str, password: str) -> Operator:
        self.attempts.append((user, password))
        if user != self.operator.username or password != self.password:
            raise SignInError()
        return self.operator


def open_dialog(qtbot: QtBot, sign_in, **kwargs) -> SignInDialog:
    dialog = SignInDialog(sign_in, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_and_enter(qtbot: QtBot, dialog: SignInDialog, user: str, password: str) -> None:
    dialog.user_edit.clear()
    qtbot.keyClicks(dialog.user_edit, user)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def test_typing_and_enter_signs_in_and_returns_the_operator(qtbot: QtBot) -> None:
    auth = FakeAuth()
    dialog = open_dialog(qtbot, auth)
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    assert dialog.demo_label is None  # no demo list unless asked for
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        type_and_enter(qtbot, dialog, "dispatcher", DEMO_PASSWORD)
    assert auth.attempts == [("dispatcher", DEMO_PASSWORD)]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.operator == DISPATCHER
    assert not dialog.isVisible()


def test_a_failure_shows_the_error_and_keeps_the_dialog_open(qtbot: QtBot) -> None:
    auth = FakeAuth()
    dialog = open_dialog(qtbot, auth)
    type_and_enter(qtbot, dialog, "dispatcher", "guess")
    assert dialog.isVisible() and dialog.operator is None
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "Wrong user name or password."
    assert dialog.password_edit.text() == ""  # ready for the next try
    assert dialog.user_edit.text() == "dispatcher"
    # the next try succeeds, and the error goes
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClicks(dialog.password_edit, DEMO_PASSWORD)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.operator == DISPATCHER and not dialog.error_label.isVisible()


def test_an_empty_field_asks_for_it_without_calling_the_service(qtbot: QtBot) -> None:
    auth = FakeAuth()
    dialog = open_dialog(qtbot, auth)
    qtbot.keyClicks(dialog.user_edit, "dispatcher")
    qtbot.keyClick(dialog.user_edit, Qt.Key.Key_Return)  # Enter in the user name field
    assert auth.attempts == [] and dialog.isVisible()
    assert not dialog.error_label.isVisible()


def test_disabled_accounts_and_broken_databases_get_their_own_line(qtbot: QtBot) -> None:
    def disabled(user: str, password: str) -> Operator:
        raise SignInError("this account is disabled", reason="disabled")

    dialog = open_dialog(qtbot, disabled)
    type_and_enter(qtbot, dialog, "gone", "password")
    assert dialog.error_label.text() == "This account is disabled; ask an administrator."

    def broken(user: str, password: str) -> Operator:
        raise OSError("database is away")

    other = open_dialog(qtbot, broken)
    type_and_enter(qtbot, other, "dispatcher", "password")
    assert other.isVisible()
    assert other.error_label.text() == "Could not sign in: database is away"


def test_demo_users_are_listed_only_when_asked(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, FakeAuth(), demo=True, username="wall")
    assert dialog.demo_label is not None and dialog.demo_label.isVisible()
    text = dialog.demo_label.text()
    assert DEMO_PASSWORD in text
    for user in ("intake", "chief", "dispatcher", "squadlead", "inspector", "supervisor",
                 "admin", "wall"):
        assert f"  {user} — " in text
    assert "wall — Viewer (read only)" in text
    assert dialog.user_edit.text() == "wall"


@pytest.fixture
def sqlite_store(sqlite_template: Path, tmp_path: Path):
    path = tmp_path / "auth.db"
    shutil.copyfile(sqlite_template, path)
    store = Store(make_engine(f"sqlite:///{path}"))
    yield store
    store.dispose()


def test_the_real_service_on_a_real_sqlite_store(qtbot: QtBot, sqlite_store: Store) -> None:
    with sqlite_store.transaction() as s:
        p = Person(code="PQ0001", name="李娜", username="dispatcher",
                   password_hash=hash_password("s3cret-pass"))
        s.add(p)
        s.flush()
        s.add(PersonRole(person_id=p.id, role=Role.DISPATCHER.value))
        pid = p.id
    dialog = open_dialog(qtbot, AuthService(sqlite_store, workstation="desk-9").sign_in)
    type_and_enter(qtbot, dialog, "dispatcher", "wrong-pass")
    assert dialog.error_label.text() == "Wrong user name or password."
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClicks(dialog.password_edit, "s3cret-pass")
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.operator == Operator(
        pid, "李娜", frozenset({Role.DISPATCHER}), "desk-9", username="dispatcher"
    )


# -- the main window with an operator ------------------------------------------------
@pytest.mark.parametrize(
    ("roles", "dispatch_shown"),
    [({Role.DISPATCHER}, True), ({Role.INTAKE}, False), (set(), False)],
)
def test_main_window_shows_the_operator_and_gates_its_actions(
    qtbot: QtBot, roles: set[Role], dispatch_shown: bool
) -> None:
    operator = Operator(3, "王伟", frozenset(roles), "desk-1", username="u")
    registry = ActionRegistry()
    registry.register("cases.dispatch", "&Dispatch…", lambda: None,
                      roles=RULES[Action.DISPATCH].roles)
    window = MainWindow("sqlite:///ui.db", registry, operator=operator)
    qtbot.addWidget(window)
    assert window.operator is operator
    label = window.operator_label.text()
    assert label.startswith("王伟 (u) · ")
    assert ("Dispatcher" in label) == (Role.DISPATCHER in roles)
    assert ("Viewer (read only)" in label) == (not roles)
    assert window.qactions["cases.dispatch"].isVisible() == dispatch_shown
    assert window.qactions["cases.refresh"].isVisible()  # everyone may refresh
