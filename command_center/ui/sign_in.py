"""The sign-in dialog: user name and password, one clear line when it fails.

The dialog does not know the database: it calls `sign_in(user_name, password)`, which returns
an `Operator` or raises (`AuthService.sign_in` in the app, a fake in tests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.workflow import Role
from command_center.services.auth import DEMO_PASSWORD, DEMO_USERS, Operator, SignInError
from command_center.ui.theme import PALETTE

log = logging.getLogger("ui")

SignIn = Callable[[str, str], Operator]

# Role → English name, translated in the "Roles" context.
ROLE_NAMES: dict[Role, str] = {
    Role.INSPECTOR: QT_TRANSLATE_NOOP("Roles", "Inspector"),
    Role.INTAKE: QT_TRANSLATE_NOOP("Roles", "Intake clerk"),
    Role.SHIFT_CHIEF: QT_TRANSLATE_NOOP("Roles", "Shift chief"),
    Role.DISPATCHER: QT_TRANSLATE_NOOP("Roles", "Dispatcher"),
    Role.SQUAD: QT_TRANSLATE_NOOP("Roles", "Handling squad"),
    Role.SUPERVISOR: QT_TRANSLATE_NOOP("Roles", "Supervisor"),
    Role.ADMIN: QT_TRANSLATE_NOOP("Roles", "Administrator"),
}
VIEWER = QT_TRANSLATE_NOOP("Roles", "Viewer (read only)")


def role_name(role: Role | None) -> str:
    """The translated name of a role; None is the read-only viewer."""
    return QCoreApplication.translate("Roles", ROLE_NAMES[role] if role is not None else VIEWER)


def operator_label(operator: Operator) -> str:
    """"name (user) · roles", for the status bar."""
    roles = [role_name(r) for r in Role if r in operator.roles] or [role_name(None)]
    user = f"{operator.name} ({operator.username})" if operator.username else operator.name
    return f"{user} · {', '.join(roles)}"


class SignInDialog(QDialog):
    """Asks for a user name and password until `sign_in` accepts them or the user cancels.

    After `exec()` returns Accepted, `operator` is who signed in. With `demo=True` the demo
    city's users and their shared password are listed under the fields.

    Signing in runs on the GUI thread, against STYLE §3: checking a password is one short
    query plus ~50 ms of scrypt, and the dialog is modal with nothing else to keep alive.
    """

    def __init__(
        self,
        sign_in: SignIn,
        parent: QWidget | None = None,
        *,
        demo: bool = False,
        username: str = "",
    ) -> None:
        super().__init__(parent)
        self._sign_in = sign_in
        self.operator: Operator | None = None
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Sign in — Smart Urban Management Command Center"))

        self.user_edit = QLineEdit(username, self)
        self.user_edit.setObjectName("userName")
        self.user_edit.setPlaceholderText(self.tr("User name"))
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Password"))

        self.error_label = QLabel(self)
        self.error_label.setObjectName("signInError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {PALETTE.danger};")
        self.error_label.hide()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.sign_in_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(self.tr("Sign in"))
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)  # Enter in either field submits
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.user_edit)
        form.addRow(self.tr("Password:"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        self.demo_label: QLabel | None = None
        if demo:
            self.demo_label = QLabel(self._demo_text(), self)
            self.demo_label.setObjectName("demoUsers")
            self.demo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.demo_label.setStyleSheet(f"color: {PALETTE.muted};")
            layout.addWidget(self.demo_label)
        layout.addWidget(buttons)
        (self.password_edit if username else self.user_edit).setFocus()

    def _demo_text(self) -> str:
        lines = [self.tr("Demo users (password: {0}):").format(DEMO_PASSWORD)]
        lines += [f"  {user} — {role_name(role)}" for user, role in DEMO_USERS]
        return "\n".join(lines)

    def submit(self) -> None:
        """Try the fields; on success accept, otherwise say why and stay open."""
        user, password = self.user_edit.text().strip(), self.password_edit.text()
        if not user:
            self.user_edit.setFocus()
            return
        if not password:
            self.password_edit.setFocus()
            return
        try:
            operator = self._sign_in(user, password)
        except SignInError as exc:
            self._fail(
                self.tr("This account is disabled; ask an administrator.")
                if exc.reason == "disabled"
                else self.tr("Wrong user name or password.")
            )
            return
        except Exception as exc:  # the database is away, or worse: say so, stay open
            log.exception("sign-in failed")
            self._fail(self.tr("Could not sign in: {0}").format(exc))
            return
        self.operator = operator
        self.error_label.hide()
        self.accept()

    def _fail(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.password_edit.clear()
        self.password_edit.setFocus()
