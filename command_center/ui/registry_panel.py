"""The city's registries (城市台账) in one window: a tab per kind (违法建设, 户外广告与牌匾,
停车设施, …) and the page of the object chosen in it.

A tab shows the kind's key figures (`services.registry_views.kind_summary`: for illegal
buildings 本年新增 against the target 0, 存量未拆, 本年拆除, 超期未拆; for signs 合规率, 待整改,
超期未整改; parking 泊位总数 and 实时占用率; markets 智慧农贸市场 n/14 and 营业; shop fronts
知晓率/签订率/落实率 with a table per street; components 完好率 by type; projects a progress
bar each with its due date), filters (status, street, text, 仅超期) and the objects in a
`QTableView` over `RegistryTableModel` (plain rows, nothing per row but data, so several
thousand rows stay quick); the table exports to CSV or Excel (`interop.tables`).

The object page lists every attribute, the place, the life-cycle steps open from the
current status (each through `StepDialog`), 编辑 (`EditDialog`), the history and the linked
cases (a double-click opens the case on the desk), and 在地图上定位. Reads and writes go
through `submit(fn, on_done, on_error)` (the database worker). The window reloads when the
change feed reports registry objects or cases (`on_changes`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.registries import KINDS, Kind
from command_center.domain.workflow import Role
from command_center.services.cases import Actor
from command_center.services.registries import (
    EDIT_ROLES,
    STEP_ROLES,
    HistoryRow,
    ObjectRow,
    RegistryService,
)
from command_center.services.registry_views import (
    Figure,
    KindSummary,
    ObjectPage,
    TablePage,
    kind_summary,
    load_object_page,
    load_table,
)
from command_center.ui.case_queue import state_name
from command_center.ui.kpi_strip import KpiTile
from command_center.ui.registry_forms import CreateDialog, EditDialog, StepDialog, format_value
from command_center.ui.registry_text import (
    choice_label,
    field_label,
    kind_label,
    status_label,
    step_label,
)
from command_center.ui.sign_in import role_name
from command_center.ui.theme import PALETTE

__all__ = [
    "OBJECT_ID_ROLE",
    "WATCHED_TABLES",
    "KindTab",
    "ObjectPanel",
    "RegistryTableModel",
    "RegistryWindow",
    "action_label",
]

Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None
]
_Index = QModelIndex | QPersistentModelIndex
OBJECT_ID_ROLE = Qt.ItemDataRole.UserRole
WATCHED_TABLES = frozenset({"registry_objects", "cases"})
"""Changes to these tables reload the window (registry writes, and cases linked)."""
RELOAD_DEBOUNCE_MS = 300
TIME_FORMAT = "%Y-%m-%d %H:%M"
POINT_HALF_SPAN = 0.0015  # degrees around a point shown by 在地图上定位 (~150 m)
DEADLINE_KINDS = frozenset({"illegal_buildings", "ad_signs", "projects"})  # see is_overdue


def _when(at: datetime | None) -> str:
    return at.astimezone(CST).strftime(TIME_FORMAT) if at is not None else ""


def _list(items: Sequence[str]) -> str:
    """Names in a row, as the language lists them (、 in Chinese)."""
    return QCoreApplication.translate("RegistryPanel", ", ").join(items)


def action_label(kind: Kind, action: str) -> str:
    """A history row's action as the page says it: 登记, 编辑, 关联案件, 解除关联 or the
    step's label."""
    fixed = {
        "create": QCoreApplication.translate("RegistryPanel", "Entered"),
        "update": QCoreApplication.translate("RegistryPanel", "Edited"),
        "link_case": QCoreApplication.translate("RegistryPanel", "Case linked"),
        "unlink_case": QCoreApplication.translate("RegistryPanel", "Case unlinked"),
    }
    if action in fixed:
        return fixed[action]
    return step_label(kind, action)


def _status_label(kind: Kind, status: str | None) -> str:
    return status_label(kind, status)


def history_details(kind: Kind, h: HistoryRow) -> str:
    """What a history row changed, in words: the values a step set, the fields an edit
    changed, the case linked; then the note."""
    parts: list[str] = []
    data = h.data or {}
    if h.action in ("link_case", "unlink_case"):
        parts.append(str(data.get("case_no", "")))
    elif h.action == "update":
        names = []
        for key in data.get("attrs", {}):
            try:
                names.append(field_label(kind, key))
            except KeyError:
                names.append(key)
        names += [
            label
            for key, label in (
                ("name", QCoreApplication.translate("RegistryPanel", "Name")),
                ("address", QCoreApplication.translate("RegistryPanel", "Address")),
                ("place", QCoreApplication.translate("RegistryPanel", "Place")),
            )
            if key in data
        ]
        if names:
            parts.append(
                QCoreApplication.translate("RegistryPanel", "Changed: {fields}").format(
                    fields=_list(names)
                )
            )
    elif data:
        for key, value in data.items():
            try:
                f = kind.field(key)
            except KeyError:
                continue
            parts.append(
                QCoreApplication.translate("RegistryPanel", "{label}: {value}").format(
                    label=field_label(kind, f), value=format_value(f, value)
                )
            )
    if h.note:
        parts.append(
            QCoreApplication.translate("RegistryPanel", "Note: {note}").format(note=h.note)
        )
    return QCoreApplication.translate("RegistryPanel", "; ").join(p for p in parts if p)


def _actor(roles: frozenset[Role], person_id: int | None, allowed: frozenset[Role]) -> Actor | None:
    if person_id is None:
        return None
    role = next((r for r in sorted(roles) if r in allowed), None)
    return None if role is None else Actor(person_id, role)


def _roles_tip(allowed: frozenset[Role], what: str) -> str:
    names = _list([role_name(r) for r in Role if r in allowed])
    return QCoreApplication.translate("RegistryPanel", "{what}: {roles} only").format(
        what=what, roles=names
    )


# -- the table -------------------------------------------------------------------------------
class RegistryTableModel(QAbstractTableModel):
    """A kind's objects: 编号, 名称, 状态 (its colour as decoration, 超期 marked), 街道, the
    kind's list fields (units, choice labels), 关联案件, 更新时间; the id under
    `OBJECT_ID_ROLE`. Sorting sorts the plain rows."""

    def __init__(self, kind: Kind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.rows: list[ObjectRow] = []
        self.case_counts: dict[int, int] = {}
        self.overdue: frozenset[int] = frozenset()
        self.streets: dict[str, str] = {}
        self.fields = [kind.field(k) for k in kind.list_fields]
        self.columns: list[str] = [
            "code",
            "name",
            "status",
            "street",
            *(f"attr:{k}" for k in kind.list_fields),
            "cases",
            "updated",
        ]
        self._colours = {s.key: QColor(s.colour) for s in kind.statuses}

    def set_page(self, page: TablePage) -> None:
        self.beginResetModel()
        self.rows = list(page.rows)
        self.case_counts = dict(page.case_counts)
        self.overdue = page.overdue
        self.streets = dict(page.streets)
        self.endResetModel()

    def headers(self) -> list[str]:
        fixed = {
            "code": QCoreApplication.translate("RegistryPanel", "Code"),
            "name": QCoreApplication.translate("RegistryPanel", "Name"),
            "status": QCoreApplication.translate("RegistryPanel", "Status"),
            "street": QCoreApplication.translate("RegistryPanel", "Street"),
            "cases": QCoreApplication.translate("RegistryPanel", "Linked cases"),
            "updated": QCoreApplication.translate("RegistryPanel", "Updated"),
        }
        out = []
        for c in self.columns:
            out.append(field_label(self.kind, c[5:]) if c.startswith("attr:") else fixed[c])
        return out

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def value(self, o: ObjectRow, column: int) -> Any:
        """The typed value of a cell (numbers as numbers) for sorting and export."""
        c = self.columns[column]
        if c.startswith("attr:"):
            f = self.kind.field(c[5:])
            raw = o.attrs.get(f.key)
            return raw if f.type in ("int", "float") else format_value(f, raw)
        if c == "cases":
            return self.case_counts.get(o.id, 0)
        if c == "updated":
            return o.updated_at.astimezone(CST).replace(tzinfo=None)
        return self.display(o, column)

    def display(self, o: ObjectRow, column: int) -> str:
        c = self.columns[column]
        if c == "code":
            return o.code
        if c == "name":
            return o.name
        if c == "status":
            label = _status_label(self.kind, o.status)
            return (
                QCoreApplication.translate("RegistryPanel", "{status} · overdue").format(
                    status=label
                )
                if o.id in self.overdue
                else label
            )
        if c == "street":
            return self.streets.get(o.street_code or "", o.street_code or "")
        if c == "cases":
            return str(self.case_counts.get(o.id, 0))
        if c == "updated":
            return _when(o.updated_at)
        f = self.kind.field(c[5:])
        return format_value(f, o.attrs.get(f.key))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        o, col = self.rows[index.row()], index.column()
        c = self.columns[col]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(o, col)
        if role == OBJECT_ID_ROLE:
            return o.id
        if role == Qt.ItemDataRole.DecorationRole and c == "status":
            return self._colours.get(o.status)
        if role == Qt.ItemDataRole.ForegroundRole:
            if c == "status" and o.id in self.overdue:
                return QBrush(QColor(PALETTE.danger))
            if c == "cases" and not self.case_counts.get(o.id):
                return QBrush(QColor(PALETTE.muted))
        if role == Qt.ItemDataRole.TextAlignmentRole and (
            c == "cases"
            or (c.startswith("attr:") and self.kind.field(c[5:]).type in ("int", "float"))
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and c in ("name", "code"):
            return o.address or None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return

        def key(o: ObjectRow) -> tuple:
            v = self.value(o, column)
            return (v is None or v == "", v if v is not None else "", o.code)

        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def row_of(self, object_id: int) -> int | None:
        for i, o in enumerate(self.rows):
            if o.id == object_id:
                return i
        return None


# -- the summary -----------------------------------------------------------------------------
def figure_caption(kind: str, key: str) -> str:
    """The caption of a key figure on a kind's strip."""
    if key.startswith("intact:"):
        label = choice_label("components", "component_type", key[7:])
        return QCoreApplication.translate("RegistryPanel", "{type} intact rate").format(type=label)
    overdue = {
        "illegal_buildings": QCoreApplication.translate("RegistryPanel", "Overdue, still standing"),
        "ad_signs": QCoreApplication.translate("RegistryPanel", "Overdue, not rectified"),
        "projects": QCoreApplication.translate("RegistryPanel", "Overdue projects"),
    }
    captions = {
        "new_this_year": QCoreApplication.translate("RegistryPanel", "New this year (target 0)"),
        "stock_open": QCoreApplication.translate("RegistryPanel", "Older ones still standing"),
        "demolished_this_year": QCoreApplication.translate("RegistryPanel", "Demolished this year"),
        "compliance_rate": QCoreApplication.translate("RegistryPanel", "Compliance rate"),
        "non_compliant": QCoreApplication.translate("RegistryPanel", "To be rectified"),
        "capacity": QCoreApplication.translate("RegistryPanel", "Spaces (open car parks)"),
        "occupancy_rate": QCoreApplication.translate("RegistryPanel", "Occupancy now"),
        "reporting": QCoreApplication.translate("RegistryPanel", "Car parks reporting occupancy"),
        "smart_markets": QCoreApplication.translate(
            "RegistryPanel", "Smart farmers' markets (target 14)"
        ),
        "open": QCoreApplication.translate("RegistryPanel", "Open"),
        "building": QCoreApplication.translate("RegistryPanel", "Being built or upgraded"),
        "informed_rate": QCoreApplication.translate("RegistryPanel", "Informed rate"),
        "signed_rate": QCoreApplication.translate("RegistryPanel", "Signed rate"),
        "fulfilled_rate": QCoreApplication.translate("RegistryPanel", "Fulfilled rate"),
        "intact": QCoreApplication.translate("RegistryPanel", "Intact rate (all components)"),
        "in_progress": QCoreApplication.translate("RegistryPanel", "Under way"),
        "completed": QCoreApplication.translate("RegistryPanel", "Completed"),
    }
    if key == "overdue":
        return overdue.get(kind, QCoreApplication.translate("RegistryPanel", "Overdue"))
    return captions.get(key, key)


def figure_text(f: Figure) -> str:
    if f.value is None:
        return "—"
    if f.percent:
        return f"{f.value:.1f}%"
    text = f"{f.value:,.0f}"
    if f.of:
        text += f"/{f.of:,.0f}"
    return text


class KindTab(QWidget):
    """One registry: key figures, filters, the table, export.

    Signals:
        objectActivated(int): a row was chosen (the window shows its page).
        createRequested(): 新建… was pressed.
        loaded(object): the table and figures were shown (the `TablePage`).
    """

    objectActivated = Signal(int)  # noqa: N815
    createRequested = Signal()  # noqa: N815
    loaded = Signal(object)

    def __init__(
        self,
        kind: Kind,
        service: RegistryService,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"registryTab_{kind.key}")
        self.kind, self.service, self.submit, self.clock = kind, service, submit, clock
        self.stale = True  # reload when next shown
        self.summary: KindSummary | None = None
        self._generation = 0
        self._widths_set = False

        # key figures
        self.tiles: dict[str, KpiTile] = {}
        self.strip = QWidget()
        self.strip.setObjectName("kpiStrip")
        self._strip_layout = QHBoxLayout(self.strip)
        self._strip_layout.setContentsMargins(0, 2, 0, 2)
        self._strip_layout.setSpacing(6)
        self._strip_layout.addStretch(1)
        self.street_table: QTableWidget | None = None
        self.project_box: QWidget | None = None
        self.project_bars: dict[int, QProgressBar] = {}
        extra: QWidget | None = None
        if kind.key == "shopfronts":
            self.street_table = QTableWidget(0, 5)
            self.street_table.setObjectName("registryStreetRates")
            self.street_table.setHorizontalHeaderLabels(
                [
                    self.tr("Street"),
                    self.tr("Shops"),
                    self.tr("Informed"),
                    self.tr("Signed"),
                    self.tr("Fulfilled"),
                ]
            )
            self.street_table.verticalHeader().hide()
            self.street_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.street_table.horizontalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.Stretch
            )
            extra = self.street_table
        elif kind.key == "projects":
            self.project_box = QWidget()
            self.project_box.setObjectName("registryProjects")
            QGridLayout(self.project_box)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(self.project_box)
            self.project_scroll = scroll
            extra = scroll

        # filters
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("registryStatusFilter")
        self.status_filter.addItem(self.tr("All statuses"), None)
        for s in kind.statuses:
            self.status_filter.addItem(status_label(kind, s.key), s.key)
        self.street_filter = QComboBox()
        self.street_filter.setObjectName("registryStreetFilter")
        self.street_filter.addItem(self.tr("All streets"), None)
        self.street_filter.setMinimumContentsLength(8)
        self.search = QLineEdit()
        self.search.setObjectName("registrySearch")
        self.search.setPlaceholderText(self.tr("Code, name or address"))
        self.search.setClearButtonEnabled(True)
        self.overdue_only = QCheckBox(self.tr("Overdue only"))
        self.overdue_only.setObjectName("registryOverdueOnly")
        if kind.key not in DEADLINE_KINDS:
            self.overdue_only.setEnabled(False)
            self.overdue_only.setToolTip(self.tr("This registry has no deadlines"))
        self.create_button = QPushButton(self.tr("New…"))
        self.create_button.setObjectName("registryCreate")
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("registryExport")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Status")))
        filters.addWidget(self.status_filter)
        filters.addWidget(QLabel(self.tr("Street")))
        filters.addWidget(self.street_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.overdue_only)
        filters.addSpacing(12)
        filters.addWidget(self.create_button)
        filters.addWidget(self.export_button)
        filters.addWidget(self.refresh_button)

        # the table
        self.model = RegistryTableModel(kind, self)
        self.table = QTableView()
        self.table.setObjectName("registryTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(200)  # measure the first rows, not thousands
        header.setStretchLastSection(True)
        self.message = QLabel()
        self.message.setObjectName("registryMessage")
        self.message.setStyleSheet(f"color: {PALETTE.muted};")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.strip)
        self.split: QSplitter | None = None
        if extra is not None:
            self.split = QSplitter(Qt.Orientation.Vertical)
            self.split.addWidget(extra)
            self.split.addWidget(self.table)
            self.split.setChildrenCollapsible(False)
            self.split.setSizes([300, 500])
            layout.addLayout(filters)
            layout.addWidget(self.split, 1)
        else:
            layout.addLayout(filters)
            layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.reload)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.street_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.overdue_only.toggled.connect(lambda _on: self.reload())
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.reload)
        self.refresh_button.clicked.connect(lambda: self.reload())
        self.create_button.clicked.connect(self.createRequested)
        self.export_button.clicked.connect(self._ask_and_export)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.table.activated.connect(self._row_chosen)

    # -- filters

    def set_filters(
        self,
        *,
        status: str | None = None,
        street: str | None = None,
        text: str = "",
        overdue_only: bool = False,
    ) -> None:
        """Set every filter at once and reload once."""
        for w in (self.status_filter, self.street_filter, self.search, self.overdue_only):
            w.blockSignals(True)
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(status)))
        self.street_filter.setCurrentIndex(max(0, self.street_filter.findData(street)))
        self.search.setText(text)
        self.overdue_only.setChecked(overdue_only and self.overdue_only.isEnabled())
        for w in (self.status_filter, self.street_filter, self.search, self.overdue_only):
            w.blockSignals(False)
        self.reload()

    def filters(self) -> dict[str, Any]:
        return {
            "status": self.status_filter.currentData(),
            "street_code": self.street_filter.currentData(),
            "text": self.search.text().strip() or None,
            "overdue_only": self.overdue_only.isChecked(),
        }

    # -- loading

    def reload(self) -> None:
        self._search_timer.stop()
        self.stale = False
        self._generation += 1
        generation, service, kind, filters = (
            self._generation,
            self.service,
            self.kind.key,
            self.filters(),
        )
        today = self.clock().astimezone(CST).date()
        self.message.setStyleSheet(f"color: {PALETTE.muted};")
        self.message.setText(self.tr("Loading…"))
        self.submit(
            lambda: (
                load_table(service, kind, today=today, **filters),
                kind_summary(service, kind, today),
            ),
            lambda found: self._show(generation, *found),
            self._failed,
        )

    def _show(self, generation: int, page: TablePage, summary: KindSummary) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        selected = self.selected_id()
        header = self.table.horizontalHeader()
        self.model.set_page(page)
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._fill_streets(page.streets)
        self.show_summary(summary)
        if not self._widths_set and page.rows:
            self._widths_set = True
            self.table.resizeColumnsToContents()
            name = self.model.columns.index("name")
            for col in range(self.model.columnCount()):
                header.resizeSection(col, min(header.sectionSize(col) + 6, 260))
            header.resizeSection(name, min(max(header.sectionSize(name), 180), 300))
        if selected is not None:
            row = self.model.row_of(selected)
            if row is not None:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)
        self.message.setText(self.tr("{n} listed").format(n=len(page.rows)))
        self.export_button.setEnabled(bool(page.rows))
        self.loaded.emit(page)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(self.tr("Could not load: {error}").format(error=exc))
        self.message.setStyleSheet(f"color: {PALETTE.danger};")

    def _fill_streets(self, streets: dict[str, str]) -> None:
        known = [self.street_filter.itemData(i) for i in range(1, self.street_filter.count())]
        if known == list(streets):
            return
        current = self.street_filter.currentData()
        self.street_filter.blockSignals(True)
        while self.street_filter.count() > 1:
            self.street_filter.removeItem(1)
        for code, name in streets.items():
            self.street_filter.addItem(name, code)
        self.street_filter.setCurrentIndex(max(0, self.street_filter.findData(current)))
        self.street_filter.blockSignals(False)

    # -- key figures

    def show_summary(self, summary: KindSummary) -> None:
        self.summary = summary
        keys = [f.key for f in summary.figures]
        if list(self.tiles) != keys:
            for tile in self.tiles.values():
                tile.hide()
                tile.deleteLater()
            self.tiles = {}
            for i, key in enumerate(keys):
                tile = KpiTile(figure_caption(self.kind.key, key), self.strip)
                tile.setObjectName(f"registryFigure_{key}")
                self.tiles[key] = tile
                self._strip_layout.insertWidget(i, tile)
        for f in summary.figures:
            tile = self.tiles[f.key]
            tile.value_label.setText(figure_text(f))
            tile.value_label.setStyleSheet(f"color: {PALETTE.danger};" if f.alert else "")
        if self.street_table is not None:
            self._show_streets(summary)
        if self.project_box is not None:
            self._show_projects(summary)

    def figures(self) -> dict[str, str]:
        """The strip as shown: figure key → text."""
        return {key: tile.value_label.text() for key, tile in self.tiles.items()}

    def _show_streets(self, summary: KindSummary) -> None:
        table = self.street_table
        assert table is not None
        table.setRowCount(len(summary.streets))
        for row, s in enumerate(summary.streets):
            cells = [s.street_name, str(s.total)] + [
                "—" if (r := s.rate(n)) is None else f"{r:.1f}%"
                for n in (s.informed, s.signed, s.fulfilled)
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if s.street_code is None:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, col, item)

    def _show_projects(self, summary: KindSummary) -> None:
        box = self.project_box
        assert box is not None
        grid = box.layout()
        assert isinstance(grid, QGridLayout)
        while grid.count():
            item = grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.project_bars = {}
        spec = self.kind
        for row, p in enumerate(summary.projects):
            name = QLabel(p.name)
            name.setToolTip(p.code)
            bar = QProgressBar()
            bar.setObjectName(f"registryProject_{p.code}")
            bar.setRange(0, 1000)
            bar.setValue(round(p.progress_pct * 10))
            bar.setFormat(f"{p.progress_pct:.1f}%")
            bar.setMinimumWidth(220)
            bar.setFixedHeight(22)
            bar.setAlignment(Qt.AlignmentFlag.AlignCenter)
            colour = (
                PALETTE.danger
                if p.overdue
                else (PALETTE.ok if p.status == "completed" else PALETTE.accent)
            )
            bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
            bar.setProperty("overdue", p.overdue)
            due = QLabel(self.tr("Due {date}").format(date=p.due_on or "—"))
            if p.overdue:
                due.setText(self.tr("Due {date} · overdue").format(date=p.due_on or "—"))
                due.setStyleSheet(f"color: {PALETTE.danger}; font-weight: bold;")
            status = QLabel(_status_label(spec, p.status))
            status.setStyleSheet(f"color: {spec.status(p.status).colour};")
            grid.addWidget(name, row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(due, row, 2)
            grid.addWidget(status, row, 3)
            self.project_bars[p.id] = bar
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setRowStretch(len(summary.projects), 1)
        # every project's bar in sight, the table below
        self.project_scroll.setMaximumHeight(min(16 + 34 * max(len(summary.projects), 1), 420))

    # -- selection

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()].id if rows else None

    def select_object(self, object_id: int) -> bool:
        row = self.model.row_of(object_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _row_chosen(self, index: QModelIndex, *_args: object) -> None:
        if index.isValid():
            object_id = self.model.index(index.row(), 0).data(OBJECT_ID_ROLE)
            if object_id is not None:
                self.objectActivated.emit(int(object_id))

    # -- export

    def table_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The table as shown (header, rows); numbers as numbers."""
        m = self.model
        rows = []
        for o in m.rows:
            row: list[Any] = []
            for col, c in enumerate(m.columns):
                if c in ("cases", "updated") or (
                    c.startswith("attr:") and m.kind.field(c[5:]).type in ("int", "float")
                ):
                    row.append(m.value(o, col))
                else:
                    row.append(m.display(o, col))
            rows.append(row)
        return m.headers(), rows

    def export(self, path: Path) -> None:
        """Write the table to `path` (.xlsx by its name, else CSV) on the worker."""
        from command_center.interop.tables import write_table

        header, rows = self.table_rows()
        path = Path(path)
        sheet = kind_label(self.kind)[:31]
        self.submit(
            lambda: write_table(path, header, rows, sheet=sheet),
            lambda written: self.message.setText(self.tr("Exported {path}").format(path=written)),
            self._failed,
        )

    def _ask_and_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        stamp = self.clock().astimezone(CST).strftime("%Y%m%d")
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export registry"),
            f"{self.kind.key}-{stamp}.xlsx",
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
        )
        if chosen:
            self.export(Path(chosen))


# -- the object page -------------------------------------------------------------------------
class ObjectPanel(QWidget):
    """One object: title and status, every attribute, the place, the steps open from its
    status, 编辑, 在地图上定位, its history and its linked cases.

    Signals:
        stepRequested(str): a step's button (the step key).
        editRequested(): 编辑….
        locateRequested(): 在地图上定位.
        caseActivated(int): a linked case was double-clicked.
    """

    stepRequested = Signal(str)  # noqa: N815
    editRequested = Signal()  # noqa: N815
    locateRequested = Signal()  # noqa: N815
    caseActivated = Signal(int)  # noqa: N815

    def __init__(self, catalogue: Catalogue | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registryObjectPage")
        self.catalogue = catalogue
        self.page: ObjectPage | None = None
        self.title = QLabel(self.tr("Choose an object in the table on the left"))
        self.title.setObjectName("registryObjectTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet(f"color: {PALETTE.label}; font-size: 16px; font-weight: bold;")
        self.status = QLabel()
        self.status.setObjectName("registryObjectStatus")
        self.fields_box = QWidget()
        self.fields_form = QFormLayout(self.fields_box)
        self.fields_form.setContentsMargins(4, 4, 4, 4)
        self.fields_form.setVerticalSpacing(4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.fields_box)
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setObjectName("registryEdit")
        self.locate_button = QPushButton(self.tr("Show on map"))
        self.locate_button.setObjectName("registryLocate")
        self.steps_box = QWidget()
        self.steps_layout = QGridLayout(self.steps_box)
        self.steps_layout.setContentsMargins(0, 0, 0, 0)
        self.step_buttons: dict[str, QPushButton] = {}
        self.history = QTreeWidget()
        self.history.setObjectName("registryHistory")
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels(
            [self.tr("Time"), self.tr("Action"), self.tr("Status"), self.tr("By")]
        )
        self.history.setIndentation(0)
        self.cases = QTreeWidget()
        self.cases.setObjectName("registryCases")
        self.cases.setRootIsDecorated(False)
        self.cases.setHeaderLabels(
            [self.tr("Case no."), self.tr("Category"), self.tr("Status"), self.tr("Reported")]
        )
        self.lists = QTabWidget()
        self.lists.addTab(self.history, self.tr("History"))
        self.lists.addTab(self.cases, self.tr("Linked cases"))

        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.locate_button)
        buttons.addStretch(1)
        steps_caption = QLabel(self.tr("Steps"))
        steps_caption.setStyleSheet(f"color: {PALETTE.muted};")
        for col in range(3):
            self.steps_layout.setColumnStretch(col, 1)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        status_row.addStretch(1)
        self.fields_scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addLayout(status_row)
        layout.addWidget(scroll)
        layout.addLayout(buttons)
        layout.addWidget(steps_caption)
        layout.addWidget(self.steps_box)
        layout.addWidget(self.lists, 1)

        self.edit_button.clicked.connect(self.editRequested)
        self.locate_button.clicked.connect(self.locateRequested)
        self.cases.itemDoubleClicked.connect(self._case_chosen)
        self.clear()

    def clear(self) -> None:
        self.page = None
        self.title.setText(self.tr("Choose an object in the table on the left"))
        self.status.clear()
        self._clear_form()
        self._set_steps([], enabled=False, tip="")
        self.history.clear()
        self.cases.clear()
        self.edit_button.setEnabled(False)
        self.locate_button.setEnabled(False)

    def show_page(
        self,
        page: ObjectPage,
        *,
        may_step: bool = False,
        may_edit: bool = False,
        step_tip: str = "",
        edit_tip: str = "",
    ) -> None:
        self.page = page
        o, spec = page.row, page.row.spec
        self.title.setText(self.tr("{code}  {name}").format(code=o.code, name=o.name))
        status = spec.status(o.status)
        text = f"{kind_label(spec)} · {status_label(spec, o.status)}"
        if page.overdue:
            text += self.tr(" · overdue")
        self.status.setText(text)
        self.status.setStyleSheet(
            f"color: #ffffff; background: {status.colour}; padding: 3px 8px;"
            f" border-radius: 3px; font-weight: bold;"
            + (f" border: 2px solid {PALETTE.danger};" if page.overdue else "")
        )
        self._clear_form()
        form = self.fields_form
        for f in spec.fields:
            value = format_value(f, o.attrs.get(f.key))
            form.addRow(
                self._key(field_label(spec, f)), self._value(value or "—", muted=not value)
            )
        place = "/".join(p for p in (page.district_name, page.street_name) if p) or "—"
        form.addRow(
            self._key(self.tr("Address")), self._value(o.address or "—", muted=not o.address)
        )
        form.addRow(self._key(self.tr("District/street")), self._value(place))
        form.addRow(self._key(self.tr("Unit grid")), self._value(o.grid_code or "—"))
        form.addRow(
            self._key(self.tr("Longitude, latitude")),
            self._value(f"{o.lon:.6f}, {o.lat:.6f}"),
        )
        if o.geometry:
            form.addRow(
                self._key(self.tr("Footprint")), self._value(self.tr("Polygon (see the map)"))
            )
        form.addRow(
            self._key(self.tr("Updated")),
            self._value(self.tr("{at} (version {v})").format(at=_when(o.updated_at), v=o.version)),
        )
        width = max(self.fields_scroll.viewport().width(), self.width() - 24, 280)
        for i in range(form.count()):  # a visible form shows new rows only later: measure them
            item = form.itemAt(i)
            if item is not None and item.widget() is not None:
                item.widget().show()
        needed = self.fields_form.heightForWidth(width)
        if needed < 0:
            needed = self.fields_box.sizeHint().height()
        self.fields_scroll.setFixedHeight(min(needed + 12, 440))
        steps = spec.steps_from(o.status)
        self._set_steps(
            [(s.key, step_label(spec, s.key)) for s in steps], enabled=may_step, tip=step_tip
        )
        self.edit_button.setEnabled(may_edit)
        self.edit_button.setToolTip(edit_tip)
        self.locate_button.setEnabled(True)
        self._fill_history(page)
        self._fill_cases(page)

    def _key(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet(f"color: {PALETTE.muted};")
        return label

    def _value(self, text: str, *, muted: bool = False) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if muted:
            label.setStyleSheet(f"color: {PALETTE.muted};")
        return label

    def _clear_form(self) -> None:
        # Rows are taken out and their labels deleted later: deleting them at once
        # (QFormLayout.removeRow) crashed the process (SIGSEGV) when one page replaced
        # another within the same event (seen rendering every registry in turn).
        while self.fields_form.rowCount():
            taken = self.fields_form.takeRow(0)
            for item in (taken.labelItem, taken.fieldItem):
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()
                    widget.deleteLater()

    def _set_steps(self, steps: Sequence[tuple[str, str]], *, enabled: bool, tip: str) -> None:
        for button in self.step_buttons.values():
            button.hide()
            button.deleteLater()
        self.step_buttons = {}
        for i, (key, label) in enumerate(steps):
            button = QPushButton(f"{label}…")
            button.setObjectName(f"registryStep_{key}")
            button.setEnabled(enabled)
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, k=key: self.stepRequested.emit(k))
            self.steps_layout.addWidget(button, i // 3, i % 3)
            self.step_buttons[key] = button
        if not steps and self.page is not None:
            none = QPushButton(self.tr("(Closed: no further steps)"))
            none.setEnabled(False)
            none.setFlat(True)
            self.steps_layout.addWidget(none, 0, 0)
            self.step_buttons[""] = none

    def _fill_history(self, page: ObjectPage) -> None:
        spec = page.row.spec
        self.history.clear()
        muted = QBrush(QColor(PALETTE.muted))
        for h in reversed(page.history):  # newest first
            before, after = _status_label(spec, h.from_status), _status_label(spec, h.to_status)
            change = after if not before or before == after else f"{before} → {after}"
            item = QTreeWidgetItem(
                [_when(h.at), action_label(spec, h.action), change, h.actor or "—"]
            )
            self.history.addTopLevelItem(item)
            details = history_details(spec, h)
            if details:
                child = QTreeWidgetItem(item, ["　" + details])
                child.setForeground(0, muted)
                child.setToolTip(0, details)
                child.setFirstColumnSpanned(True)
                item.setExpanded(True)
        for col in range(4):
            self.history.resizeColumnToContents(col)
        self.lists.setTabText(0, self.tr("History ({n})").format(n=len(page.history)))

    def _fill_cases(self, page: ObjectPage) -> None:
        self.cases.clear()
        for c in page.cases:
            category = self.catalogue.get(c.category_code) if self.catalogue else None
            item = QTreeWidgetItem(
                [
                    c.case_no,
                    category.name if category else c.category_code,
                    state_name(c.state),
                    _when(c.reported_at),
                ]
            )
            item.setData(0, OBJECT_ID_ROLE, c.id)
            item.setToolTip(0, c.description)
            self.cases.addTopLevelItem(item)
        for col in range(4):
            self.cases.resizeColumnToContents(col)
        self.lists.setTabText(1, self.tr("Linked cases ({n})").format(n=len(page.cases)))

    def case_ids(self) -> list[int]:
        return [
            int(self.cases.topLevelItem(i).data(0, OBJECT_ID_ROLE))
            for i in range(self.cases.topLevelItemCount())
        ]

    def _case_chosen(self, item: QTreeWidgetItem, _column: int) -> None:
        case_id = item.data(0, OBJECT_ID_ROLE)
        if case_id is not None:
            self.caseActivated.emit(int(case_id))


# -- the window ------------------------------------------------------------------------------
class RegistryWindow(QWidget):
    """城市台账: a `KindTab` per registry beside the chosen object's `ObjectPanel`.

    Signals:
        caseActivated(int): a linked case was double-clicked (the desk opens it).
        locateRequested(int, str, float, float, float, float, str): show the object (id,
            kind) on the main map: the box (west, south, east, north) and its code and name.
        changed(): something was written here.
        pageShown(object): an object's page was shown (the `ObjectPage`).
    """

    caseActivated = Signal(int)  # noqa: N815
    locateRequested = Signal(int, str, float, float, float, float, str)  # noqa: N815
    changed = Signal()
    pageShown = Signal(object)  # noqa: N815

    def __init__(
        self,
        service: RegistryService,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime],
        catalogue: Catalogue | None = None,
        roles: frozenset[Role] = frozenset(),
        person_id: int | None = None,
        place: Callable[[], tuple[float, float] | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("registryWindow")
        self.setWindowTitle(self.tr("City registries"))
        self.resize(1600, 1000)
        self.service, self.submit, self.clock = service, submit, clock
        self.roles, self.person_id = frozenset(roles), person_id
        self.place = place or (lambda: None)
        self.object_id: int | None = None
        self._page_generation = 0
        self.tabs = QTabWidget()
        self.tabs.setObjectName("registryTabs")
        self.kind_tabs: dict[str, KindTab] = {}
        for key, spec in KINDS.items():
            tab = KindTab(spec, service, submit, clock=clock)
            tab.objectActivated.connect(self.open_object)
            tab.createRequested.connect(lambda: self.create())
            self.kind_tabs[key] = tab
            self.tabs.addTab(tab, kind_label(spec))
        self.page = ObjectPanel(catalogue)
        self.page.stepRequested.connect(lambda key: self.take_step(key))
        self.page.editRequested.connect(lambda: self.edit())
        self.page.locateRequested.connect(self.locate)
        self.page.caseActivated.connect(self.caseActivated)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.page)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1130, 460])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(RELOAD_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._enable()

    # -- who works here

    def set_operator(self, roles: frozenset[Role], person_id: int | None) -> None:
        self.roles, self.person_id = frozenset(roles), person_id
        self._enable()
        if self.page.page is not None:
            self._show_page(self._page_generation, self.page.page)

    def step_actor(self) -> Actor | None:
        return _actor(self.roles, self.person_id, STEP_ROLES)

    def edit_actor(self) -> Actor | None:
        return _actor(self.roles, self.person_id, EDIT_ROLES)

    def _enable(self) -> None:
        may_edit = self.edit_actor() is not None
        tip = (
            ""
            if may_edit
            else _roles_tip(EDIT_ROLES, self.tr("Entering and editing registry objects"))
        )
        for tab in self.kind_tabs.values():
            tab.create_button.setEnabled(may_edit)
            tab.create_button.setToolTip(tip)

    # -- loading

    def current_tab(self) -> KindTab:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, KindTab)
        return tab

    def show_kind(self, kind: str) -> KindTab:
        tab = self.kind_tabs[kind]
        self.tabs.setCurrentWidget(tab)  # a stale tab loads as it comes to the front
        if tab.stale:
            tab.reload()
        return tab

    def reload(self) -> None:
        """Reload the tab in front and the page shown; the other tabs when next shown."""
        self._debounce.stop()
        for tab in self.kind_tabs.values():
            tab.stale = True
        self.current_tab().reload()
        if self.object_id is not None:
            self.open_object(self.object_id)

    def on_changes(self, rows: Sequence[Any]) -> None:
        """From the change feed: reload (once for a burst) when registry objects or cases
        changed at any desk."""
        if any(getattr(r, "table", None) in WATCHED_TABLES for r in rows):
            self._debounce.start()

    def _tab_changed(self, _index: int) -> None:
        tab = self.current_tab()
        if tab.stale:
            tab.reload()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        tab = self.current_tab()
        if tab.stale:
            tab.reload()

    def open_object(self, object_id: int) -> None:
        """Show an object's page (read on the worker)."""
        self.object_id = object_id
        self._page_generation += 1
        generation, service = self._page_generation, self.service
        today = self.clock().astimezone(CST).date()
        self.submit(
            lambda: load_object_page(service, object_id, today),
            lambda page: self._show_page(generation, page),
            self._page_failed,
        )

    def _show_page(self, generation: int, page: ObjectPage) -> None:
        if generation != self._page_generation:
            return
        may_step, may_edit = self.step_actor() is not None, self.edit_actor() is not None
        self.page.show_page(
            page,
            may_step=may_step,
            may_edit=may_edit,
            step_tip="" if may_step else _roles_tip(STEP_ROLES, self.tr("Taking registry steps")),
            edit_tip=""
            if may_edit
            else _roles_tip(EDIT_ROLES, self.tr("Entering and editing registry objects")),
        )
        self.pageShown.emit(page)

    def _page_failed(self, exc: BaseException) -> None:
        self.page.clear()
        self.page.title.setText(self.tr("Could not load: {error}").format(error=exc))

    # -- acting

    def take_step(self, step_key: str) -> StepDialog | None:
        """Open the dialog of a step on the object shown (None when not allowed)."""
        page, actor = self.page.page, self.step_actor()
        if page is None or actor is None:
            return None
        step = page.row.spec.step(step_key)
        dialog = StepDialog(
            self.service, actor, page.row, step, self.submit, self, now=self.clock()
        )
        return self._open(dialog)

    def edit(self) -> EditDialog | None:
        page, actor = self.page.page, self.edit_actor()
        if page is None or actor is None:
            return None
        return self._open(
            EditDialog(self.service, actor, page.row, self.submit, self, now=self.clock())
        )

    def create(self) -> CreateDialog | None:
        """新建: enter an object of the kind in front."""
        actor = self.edit_actor()
        if actor is None:
            return None
        dialog = CreateDialog(
            self.service,
            actor,
            self.current_tab().kind,
            self.submit,
            self,
            now=self.clock(),
            place=self.place(),
        )
        dialog.saved.connect(lambda object_id: self.open_object(int(object_id)))
        return self._open(dialog)

    def _open(self, dialog: Any) -> Any:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _r: self._written())
        dialog.open()
        return dialog

    def _written(self) -> None:
        self.changed.emit()
        self.reload()

    def locate(self) -> None:
        page = self.page.page
        if page is None:
            return
        o = page.row
        box = (
            o.lon - POINT_HALF_SPAN,
            o.lat - POINT_HALF_SPAN,
            o.lon + POINT_HALF_SPAN,
            o.lat + POINT_HALF_SPAN,
        )
        if o.geometry:
            try:
                ring = json.loads(o.geometry)["coordinates"][0]
                xs, ys = [p[0] for p in ring], [p[1] for p in ring]
                pad = POINT_HALF_SPAN / 2
                box = (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
            except (ValueError, KeyError, IndexError, TypeError):
                pass
        self.locateRequested.emit(o.id, o.kind, *box, f"{o.code} {o.name}")
