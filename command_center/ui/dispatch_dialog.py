"""Choose the squad for a case: the domain's recommendations, best first, with the reasons.

Enter dispatches to the highlighted squad (the best one unless the dispatcher moves).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.dispatch import Recommendation

__all__ = ["DispatchDialog", "reason_text"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("DispatchDialog", text)


def reason_text(rec: Recommendation) -> str:
    """The recommendation's reasons in words (the domain gives codes and numbers)."""
    parts = []
    for item in rec.reasons:
        code = item[0]
        if code == "distance":
            parts.append(_tr("{km:.1f} km away").format(km=float(item[1]) / 1000))
        elif code == "load":
            parts.append(_tr("{n} cases in hand").format(n=int(item[1])))
        elif code == "busy":
            parts.append(_tr("busy now"))
        elif code == "unit_mismatch":
            parts.append(_tr("not the responsible kind of unit"))
    parts.append(_tr("about {m:.0f} min").format(m=rec.score))
    return " · ".join(parts)


class DispatchDialog(QDialog):
    """Ranked squads for one case; `chosen_squad()` after `exec()`."""

    def __init__(
        self,
        case_label: str,
        recommendations: Sequence[Recommendation],
        squad_names: Mapping[int, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dispatchDialog")
        self.setWindowTitle(self.tr("Dispatch {case}").format(case=case_label))
        self.resize(520, 360)
        self.list = QListWidget()
        for rank, rec in enumerate(recommendations, 1):
            name = squad_names.get(rec.squad_id, str(rec.squad_id))
            item = QListWidgetItem(f"{rank}. {name}\n    {reason_text(rec)}")
            item.setData(Qt.ItemDataRole.UserRole, rec.squad_id)
            self.list.addItem(item)
        hint = QLabel(
            self.tr("Ranked by travel time, cases in hand and whether the squad is busy.")
            if recommendations
            else self.tr("No squad can take this case now (all off duty, far or unknown).")
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Dispatch"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(recommendations))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        if recommendations:
            self.list.setCurrentRow(0)
        self.list.setFocus()

    def chosen_squad(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))
