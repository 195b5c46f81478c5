"""The report-a-case dialog (上报): source, category, location, description, photos.

`ReportDialog` gathers a report and returns it as a plain `ReportRequest` from
`result_report()`; it never calls a service. What it needs from outside is injected:

* ``find_duplicates(lon, lat, category_code) -> [(case_id, case_no, distance_m), …]`` — open
  cases of the same category nearby (`services.case_detail.DuplicateFinder` answers from
  memory; the dialog calls it on the GUI thread, so it must not touch the database);
* ``grid_centre(code) -> (lon, lat) | None`` — the centre of a unit grid, for a typed code;
* ``geocode(address) -> (lon, lat) | None`` (optional) — without it an address is kept as
  text but cannot place the case.

When an open case of the same category lies within 50 m, the dialog says so and offers to
merge the report into it: the result then carries ``merge_into`` instead of a new case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.catalogue import CaseKind, Catalogue, Category
from command_center.domain.dispatch import DUPLICATE_RADIUS_M
from command_center.domain.grid import GridCode, GridCodeError
from command_center.services.cases import SOURCES
from command_center.ui.case_detail import source_name
from command_center.ui.theme import PALETTE

__all__ = ["LOCATION_ADDRESS", "LOCATION_GRID", "LOCATION_MAP", "ReportDialog", "ReportRequest"]

LOCATION_MAP, LOCATION_GRID, LOCATION_ADDRESS = "map", "grid", "address"
CODE_ROLE = Qt.ItemDataRole.UserRole

FindDuplicates = Callable[[float, float, str], Sequence[tuple[int, str, float]]]
Locate = Callable[[str], "tuple[float, float] | None"]


@dataclass(frozen=True)
class ReportRequest:
    """What the user reported: everything `CaseService.report` needs, or a merge.

    `merge_into` is set when the user chose to merge the report into an open case of the
    same category nearby (a duplicate) rather than file a new one.
    """

    source: str  # services.cases.SOURCES
    category_code: str
    lon: float
    lat: float
    location_from: str  # LOCATION_MAP | LOCATION_GRID | LOCATION_ADDRESS
    grid_code: str | None
    address: str
    description: str
    photos: tuple[str, ...] = ()
    merge_into: int | None = None
    merge_case_no: str | None = None

    @property
    def is_merge(self) -> bool:
        return self.merge_into is not None


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class ReportDialog(QDialog):
    """Gather a new report; `result_report()` after `exec()` returns it (None if cancelled)."""

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        find_duplicates: FindDuplicates,
        grid_centre: Locate,
        geocode: Locate | None = None,
        source: str = "hotline",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(self.tr("Report a case"))
        self._catalogue = catalogue
        self._find_duplicates = find_duplicates
        self._grid_centre = grid_centre
        self._geocode = geocode
        self._points: dict[str, tuple[float, float] | None] = {
            LOCATION_MAP: None,
            LOCATION_GRID: None,
            LOCATION_ADDRESS: None,
        }
        self._grid_code: str | None = None
        self._duplicates: list[tuple[int, str, float]] = []
        self._result: ReportRequest | None = None

        # source
        self.source_combo = QComboBox(self)
        for value in SOURCES:
            self.source_combo.addItem(source_name(value), value)
        self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(source)))

        # category
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("reportCategorySearch")
        self.search_edit.setPlaceholderText(self.tr("Search categories (code or name)…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.filter_categories)
        self.category_tree = QTreeWidget(self)
        self.category_tree.setObjectName("reportCategoryTree")
        self.category_tree.setHeaderHidden(True)
        self.category_tree.setMinimumHeight(220)
        self.category_tree.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.category_tree.currentItemChanged.connect(self._on_category_item)
        self.category_label = QLabel(self)
        self.category_label.setWordWrap(True)
        self._leaves: dict[str, QTreeWidgetItem] = {}
        self._build_tree()

        # location
        self.map_radio = QRadioButton(self.tr("Point on the map"), self)
        self.grid_radio = QRadioButton(self.tr("Unit-grid code"), self)
        self.address_radio = QRadioButton(self.tr("Address"), self)
        self._modes = QButtonGroup(self)
        for radio, mode in (
            (self.map_radio, LOCATION_MAP),
            (self.grid_radio, LOCATION_GRID),
            (self.address_radio, LOCATION_ADDRESS),
        ):
            radio.setProperty("mode", mode)
            self._modes.addButton(radio)
        self.map_radio.setChecked(True)
        self._modes.buttonToggled.connect(self._on_mode)
        self.map_point_label = QLabel(self)
        self.grid_edit = QLineEdit(self)
        self.grid_edit.setObjectName("reportGridCode")
        self.grid_edit.setPlaceholderText(self.tr("15 digits, e.g. 211302001001002"))
        self.grid_edit.setMaxLength(20)
        self.grid_edit.editingFinished.connect(self.resolve_grid)
        self.grid_button = QPushButton(self.tr("Find grid"), self)
        self.grid_button.clicked.connect(self.resolve_grid)
        self.address_edit = QLineEdit(self)
        self.address_edit.setObjectName("reportAddress")
        self.address_edit.setMaxLength(200)
        self.address_edit.setPlaceholderText(self.tr("Street and number, landmark…"))
        self.address_button = QPushButton(self.tr("Locate address"), self)
        self.address_button.clicked.connect(self.resolve_address)
        if geocode is None:
            self.address_radio.setEnabled(False)
            self.address_radio.setToolTip(
                self.tr("No address search is available; the address is kept as text.")
            )
            self.address_button.hide()
        self.location_status = QLabel(self)
        self.location_status.setWordWrap(True)

        location = QGroupBox(self.tr("Location"), self)
        grid = QFormLayout(location)
        grid.addRow(self.map_radio, self.map_point_label)
        grid_row = QHBoxLayout()
        grid_row.addWidget(self.grid_edit, 1)
        grid_row.addWidget(self.grid_button)
        grid.addRow(self.grid_radio, grid_row)
        address_row = QHBoxLayout()
        address_row.addWidget(self.address_edit, 1)
        address_row.addWidget(self.address_button)
        grid.addRow(self.address_radio, address_row)
        grid.addRow(self.location_status)

        # duplicates
        self.duplicate_box = QFrame(self)
        self.duplicate_box.setObjectName("reportDuplicate")
        self.duplicate_box.setStyleSheet(
            f"QFrame#reportDuplicate {{ background: {PALETTE.danger_bg};"
            f" border: 1px solid {PALETTE.warning}; }}"
        )
        self.duplicate_label = QLabel(self.duplicate_box)
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.setStyleSheet(f"color: {PALETTE.warning};")
        self.merge_check = QCheckBox(
            self.tr("Merge as a duplicate into that case"), self.duplicate_box
        )
        dup = QVBoxLayout(self.duplicate_box)
        dup.setContentsMargins(8, 6, 8, 6)
        dup.addWidget(self.duplicate_label)
        dup.addWidget(self.merge_check)
        self.duplicate_box.hide()

        # description and photos
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setObjectName("reportDescription")
        self.description_edit.setPlaceholderText(
            self.tr("What is wrong, since when, who is affected…")
        )
        self.description_edit.setFixedHeight(70)
        self.photo_list = QListWidget(self)
        self.photo_list.setObjectName("reportPhotos")
        self.photo_list.setFixedHeight(60)
        self.add_photos_button = QPushButton(self.tr("Add photos…"), self)
        self.add_photos_button.clicked.connect(self._on_add_photos)
        self.remove_photo_button = QPushButton(self.tr("Remove"), self)
        self.remove_photo_button.clicked.connect(self._on_remove_photo)
        photo_buttons = QVBoxLayout()
        photo_buttons.addWidget(self.add_photos_button)
        photo_buttons.addWidget(self.remove_photo_button)
        photos = QHBoxLayout()
        photos.addWidget(self.photo_list, 1)
        photos.addLayout(photo_buttons)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("reportErrors")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {PALETTE.danger};")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Report"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.merge_check.toggled.connect(self._on_merge_toggled)

        form = QFormLayout()
        form.addRow(self.tr("Source"), self.source_combo)
        category = QVBoxLayout()
        category.addWidget(self.search_edit)
        category.addWidget(self.category_tree)
        category.addWidget(self.category_label)
        form.addRow(self.tr("Category"), category)
        form.addRow(self.tr("Description"), self.description_edit)
        form.addRow(self.tr("Photos"), photos)

        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(location)
        layout.addWidget(self.duplicate_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._show_category(None)
        self._show_location()

    # -- plain API ------------------------------------------------------------------
    @property
    def location_mode(self) -> str:
        button = self._modes.checkedButton()
        return str(button.property("mode")) if button is not None else LOCATION_MAP

    @property
    def location(self) -> tuple[float, float] | None:
        """The point the report will be filed at, from the chosen way of locating it."""
        return self._points[self.location_mode]

    @property
    def category_code(self) -> str | None:
        item = self.category_tree.currentItem()
        code = item.data(0, CODE_ROLE) if item is not None else None
        return str(code) if code else None

    @property
    def duplicates(self) -> list[tuple[int, str, float]]:
        """Open cases of the same category within 50 m, nearest first."""
        return list(self._duplicates)

    def set_location(self, lon: float, lat: float) -> None:
        """A point picked on the map (e.g. "Report a case here")."""
        self._points[LOCATION_MAP] = (float(lon), float(lat))
        self.map_radio.setChecked(True)
        self._show_location()
        self._check_duplicates()

    def select_category(self, code: str) -> bool:
        """Pick a category by code (False if the catalogue has no such code)."""
        item = self._leaves.get(code)
        if item is None:
            return False
        self.category_tree.setCurrentItem(item)
        return True

    def visible_categories(self) -> list[str]:
        """Codes of the categories the tree shows (after the search filter)."""
        return [code for code, item in self._leaves.items() if not item.isHidden()]

    def filter_categories(self, text: str) -> None:
        """Show only categories whose code, name or class contains `text` (all if empty)."""
        query = _norm(text)
        for k in range(self.category_tree.topLevelItemCount()):
            kind_item = self.category_tree.topLevelItem(k)
            kind_shown = False
            for m in range(kind_item.childCount()):
                major_item = kind_item.child(m)
                major_hit = bool(query) and query in _norm(major_item.text(0))
                major_shown = False
                for c in range(major_item.childCount()):
                    leaf = major_item.child(c)
                    shown = not query or major_hit or query in _norm(leaf.text(0))
                    leaf.setHidden(not shown)
                    major_shown = major_shown or shown
                major_item.setHidden(not major_shown)
                major_item.setExpanded(bool(query) and major_shown)
                kind_shown = kind_shown or major_shown
            kind_item.setHidden(not kind_shown)
            kind_item.setExpanded(kind_shown)

    def resolve_grid(self) -> None:
        """Turn the typed unit-grid code into its centre via the injected `grid_centre`."""
        text = self.grid_edit.text()
        if not text.strip():
            return
        self.grid_radio.setChecked(True)
        self._points[LOCATION_GRID] = None
        self._grid_code = None
        try:
            code = str(GridCode.parse(text))
        except GridCodeError:
            self._location_problem(
                self.tr("“{text}” is not a unit-grid code: it has 15 digits.").format(text=text)
            )
            self._check_duplicates()
            return
        centre = self._grid_centre(code)
        if centre is None:
            self._location_problem(self.tr("No unit grid has the code {code}.").format(code=code))
        else:
            self._points[LOCATION_GRID] = (float(centre[0]), float(centre[1]))
            self._grid_code = code
            self._show_location()
        self._check_duplicates()

    def resolve_address(self) -> None:
        """Place the address via the injected `geocode`, when there is one."""
        text = self.address_edit.text().strip()
        if self._geocode is None or not text:
            return
        self.address_radio.setChecked(True)
        point = self._geocode(text)
        self._points[LOCATION_ADDRESS] = (
            (float(point[0]), float(point[1])) if point is not None else None
        )
        if point is None:
            self._location_problem(self.tr("The address could not be found on the map."))
        else:
            self._show_location()
        self._check_duplicates()

    def validate(self) -> list[str]:
        """What is missing, in words for the user; empty when the report can be filed."""
        problems = []
        if self.category_code is None:
            problems.append(self.tr("Choose a category from the tree."))
        if self.location is None:
            problems.append(
                self.tr("Set the location: pick a point on the map, or type a unit-grid code.")
            )
        return problems

    def result_report(self) -> ReportRequest | None:
        """The report as accepted, or None when the dialog was cancelled or is not done."""
        return self._result

    def build_report(self) -> ReportRequest | None:
        """The report as the dialog stands now, or None while `validate()` finds problems."""
        if self.validate():
            return None
        lon, lat = self.location  # type: ignore[misc]
        merge = self._duplicates[0] if self.merge_check.isChecked() and self._duplicates else None
        return ReportRequest(
            source=str(self.source_combo.currentData()),
            category_code=self.category_code or "",
            lon=lon,
            lat=lat,
            location_from=self.location_mode,
            grid_code=self._grid_code if self.location_mode == LOCATION_GRID else None,
            address=self.address_edit.text().strip(),
            description=self.description_edit.toPlainText().strip(),
            photos=tuple(self.photo_list.item(i).text() for i in range(self.photo_list.count())),
            merge_into=merge[0] if merge else None,
            merge_case_no=merge[1] if merge else None,
        )

    def add_photos(self, paths: Sequence[str]) -> None:
        known = {self.photo_list.item(i).text() for i in range(self.photo_list.count())}
        for path in paths:
            if path and path not in known:
                self.photo_list.addItem(path)
                known.add(path)

    # -- QDialog --------------------------------------------------------------------
    def accept(self) -> None:
        problems = self.validate()
        if problems:
            self.error_label.setText("\n".join(problems))
            self.error_label.show()
            return
        self.error_label.hide()
        self._result = self.build_report()
        super().accept()

    def reject(self) -> None:
        self._result = None
        super().reject()

    # -- building and showing -------------------------------------------------------
    def _build_tree(self) -> None:
        kinds = (
            (CaseKind.COMPONENT, self.tr("Components")),
            (CaseKind.EVENT, self.tr("Events")),
        )
        for kind, label in kinds:
            kind_item = QTreeWidgetItem([label])
            kind_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.category_tree.addTopLevelItem(kind_item)
            majors = {
                m.code: QTreeWidgetItem(kind_item, [f"{m.code} {m.name}"])
                for m in self._catalogue.majors(kind)
            }
            for item in majors.values():
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for category in self._catalogue.by_kind(kind):
                leaf = QTreeWidgetItem(majors[category.major_code], [category.label])
                leaf.setData(0, CODE_ROLE, category.code)
                if category.urgent:
                    leaf.setForeground(0, self.palette().brightText())
                self._leaves[category.code] = leaf
            kind_item.setExpanded(True)

    def _show_category(self, category: Category | None) -> None:
        if category is None:
            self.category_label.setText(self.tr("No category chosen."))
            self.category_label.setStyleSheet(f"color: {PALETTE.muted};")
            return
        limit = f"{category.time_limit.amount:g} {_unit_name(category.time_limit.unit.value)}"
        text = self.tr("{label} · {major} · time limit {limit}").format(
            label=category.label, major=category.major_name, limit=limit
        )
        if category.urgent:
            text += " · " + self.tr("urgent")
        self.category_label.setText(text)
        self.category_label.setStyleSheet(f"color: {PALETTE.text};")

    def _show_location(self) -> None:
        point = self._points[LOCATION_MAP]
        self.map_point_label.setText(
            f"{point[0]:.6f}, {point[1]:.6f}"
            if point is not None
            else self.tr("Not set: right-click the map, “Report a case here”.")
        )
        where = self.location
        if where is None:
            self.location_status.setText(self.tr("No location yet."))
            self.location_status.setStyleSheet(f"color: {PALETTE.muted};")
        else:
            text = self.tr("The case will be filed at {lon:.6f}, {lat:.6f}.").format(
                lon=where[0], lat=where[1]
            )
            if self.location_mode == LOCATION_GRID and self._grid_code:
                text += " " + self.tr("(centre of grid {code})").format(code=self._grid_code)
            self.location_status.setText(text)
            self.location_status.setStyleSheet(f"color: {PALETTE.ok};")

    def _location_problem(self, text: str) -> None:
        self.location_status.setText(text)
        self.location_status.setStyleSheet(f"color: {PALETTE.danger};")

    def _check_duplicates(self) -> None:
        """Ask the injected finder about open cases of the category near the location."""
        where, code = self.location, self.category_code
        found: list[tuple[int, str, float]] = []
        if where is not None and code is not None:
            found = sorted(
                (
                    (int(i), str(no), float(d))
                    for i, no, d in self._find_duplicates(where[0], where[1], code)
                    if d <= DUPLICATE_RADIUS_M
                ),
                key=lambda t: (t[2], t[0]),
            )
        self._duplicates = found
        if not found:
            self.merge_check.setChecked(False)
            self.duplicate_box.hide()
            return
        case_id, case_no, metres = found[0]
        text = self.tr("A case of the same category is open {m} m away: {no}").format(
            m=round(metres), no=case_no
        )
        if len(found) > 1:
            text += " " + self.tr("(and {n} more within 50 m)").format(n=len(found) - 1)
        self.duplicate_label.setText(text)
        self.merge_check.setText(self.tr("Merge as a duplicate into case {no}").format(no=case_no))
        self.duplicate_box.show()

    # -- slots ------------------------------------------------------------------------
    def _on_category_item(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        code = current.data(0, CODE_ROLE) if current is not None else None
        self._show_category(self._catalogue.get(str(code)) if code else None)
        self._check_duplicates()

    def _on_mode(self, _button: object, checked: bool) -> None:
        if checked:
            self._show_location()
            self._check_duplicates()

    def _on_merge_toggled(self, merge: bool) -> None:
        self.ok_button.setText(self.tr("Merge") if merge else self.tr("Report"))

    def _on_add_photos(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add photos"), "", self.tr("Images (*.jpg *.jpeg *.png *.bmp *.webp)")
        )
        self.add_photos(paths)

    def _on_remove_photo(self) -> None:
        for item in self.photo_list.selectedItems():
            self.photo_list.takeItem(self.photo_list.row(item))


def _unit_name(unit: str) -> str:
    names = {
        "working_hours": QCoreApplication.translate("CaseDetailPanel", "working hours"),
        "working_days": QCoreApplication.translate("CaseDetailPanel", "working days"),
        "natural_hours": QCoreApplication.translate("CaseDetailPanel", "hours"),
        "natural_days": QCoreApplication.translate("CaseDetailPanel", "days"),
    }
    return names.get(unit, unit)
