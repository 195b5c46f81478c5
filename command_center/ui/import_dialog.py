"""File → Import… and File → Export…: cases, cameras (and any registered target) from and to
CSV, GeoJSON and Open311 files.

`ImportDialog` reads the chosen file's columns and first rows, maps each column onto a field
of the target (matched by identical name, changed by hand, or loaded from a mapping file in
the format the command line's ``--mapping FILE`` reads), previews the rows as they will be
read, checks the required fields, and runs the import on the database worker:
``submit(fn, on_done, on_error)`` (`ui.taskman.TaskManager.run`). The import itself is
`interop.tabular` (all or nothing unless invalid rows are skipped); when it refuses the file,
the dialog lists the first reasons and says that nothing was written.

`ExportDialog` writes every case or camera as GeoJSON or CSV, or the cases and the catalogue
as an Open311 folder, also on the worker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.catalogue import Catalogue
from command_center.domain.registries import KINDS, Field
from command_center.interop import tabular
from command_center.interop.importing import ImportFailed, ImportReport, RowError
from command_center.store.engine import Store
from command_center.ui.registry_text import label_of_field
from command_center.ui.theme import PALETTE

__all__ = [
    "FORMAT_CSV",
    "FORMAT_GEOJSON",
    "FORMAT_OPEN311",
    "ExportDialog",
    "ImportDialog",
    "guess_format",
    "read_mapping_file",
    "write_mapping_file",
]

Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], object
]

FORMAT_CSV, FORMAT_GEOJSON, FORMAT_OPEN311 = "csv", "geojson", "open311"
PREVIEW_ROWS = 20
ERRORS_SHOWN = 50
ERROR_LINES = 8  # the error list grows to this many lines, then scrolls
SAMPLE_WIDTH = 96  # the mapping table's "first value" column
FIELD_ROLE = Qt.ItemDataRole.UserRole

# An Open311 (GeoReport v2) request's keys and the case fields they become (`open311`).
OPEN311_MAPPING: dict[str, str] = {
    "service_code": "category_code",
    "long": "lon",
    "lat": "lat",
    "requested_datetime": "reported_at",
    "address": "address",
    "description": "description",
}

# Names of the import targets and their fields, for lupdate (context "ImportDialog").
TARGET_LABELS = (
    QT_TRANSLATE_NOOP("ImportDialog", "Cases"),
    QT_TRANSLATE_NOOP("ImportDialog", "Cameras"),
    QT_TRANSLATE_NOOP("ImportDialog", "Illegal buildings"),
    QT_TRANSLATE_NOOP("ImportDialog", "Outdoor ads and shop signs"),
    QT_TRANSLATE_NOOP("ImportDialog", "Parking"),
    QT_TRANSLATE_NOOP("ImportDialog", "Markets"),
    QT_TRANSLATE_NOOP("ImportDialog", "Shop-front contracts"),
    QT_TRANSLATE_NOOP("ImportDialog", "Municipal components"),
    QT_TRANSLATE_NOOP("ImportDialog", "Key projects"),
    QT_TRANSLATE_NOOP("ImportDialog", "Unit grids"),
)
FIELD_NAMES: dict[str, str] = {
    "case_no": QT_TRANSLATE_NOOP("ImportDialog", "Case no."),
    "category_code": QT_TRANSLATE_NOOP("ImportDialog", "Category code"),
    "source": QT_TRANSLATE_NOOP("ImportDialog", "Source"),
    "description": QT_TRANSLATE_NOOP("ImportDialog", "Description"),
    "address": QT_TRANSLATE_NOOP("ImportDialog", "Address"),
    "lon": QT_TRANSLATE_NOOP("ImportDialog", "Longitude"),
    "lat": QT_TRANSLATE_NOOP("ImportDialog", "Latitude"),
    "reported_at": QT_TRANSLATE_NOOP("ImportDialog", "Reported at"),
    "code": QT_TRANSLATE_NOOP("ImportDialog", "Code"),
    "name": QT_TRANSLATE_NOOP("ImportDialog", "Name"),
    "url": QT_TRANSLATE_NOOP("ImportDialog", "Stream URL"),
    "heading_deg": QT_TRANSLATE_NOOP("ImportDialog", "Heading (°)"),
    "fov_deg": QT_TRANSLATE_NOOP("ImportDialog", "Field of view (°)"),
    "group_name": QT_TRANSLATE_NOOP("ImportDialog", "Group"),
    "sub_url": QT_TRANSLATE_NOOP("ImportDialog", "Sub-stream URL"),
    "status": QT_TRANSLATE_NOOP("ImportDialog", "Status"),
    "district_code": QT_TRANSLATE_NOOP("ImportDialog", "District code"),
    "street_code": QT_TRANSLATE_NOOP("ImportDialog", "Street code"),
    "community_code": QT_TRANSLATE_NOOP("ImportDialog", "Community code"),
}
# A registry's own fields are named by the registries' vocabulary (ui.registry_text); the
# first registry with a key gives its name.
REGISTRY_FIELDS: dict[str, Field] = {}
for _kind in KINDS.values():
    for _field in _kind.fields:
        REGISTRY_FIELDS.setdefault(_field.key, _field)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportDialog", text)


def field_label(name: str) -> str:
    """A field as the user reads it: its translated name and the name files use."""
    known = FIELD_NAMES.get(name)
    if known:
        return f"{_tr(known)} ({name})"
    registry = REGISTRY_FIELDS.get(name)
    return f"{label_of_field(registry)} ({name})" if registry else name


# -- files ------------------------------------------------------------------------------------
def guess_format(path: Path | str) -> str:
    """CSV, GeoJSON or Open311 by the file's suffix; a .json file is Open311 when it holds a
    list of requests rather than a FeatureCollection."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".geojson":
        return FORMAT_GEOJSON
    if suffix != ".json":
        return FORMAT_CSV
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return FORMAT_GEOJSON  # the reader says what is wrong with it
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        return FORMAT_GEOJSON
    return FORMAT_OPEN311


def read_mapping_file(path: Path | str) -> dict[str, str]:
    """A mapping file as the command line's ``--mapping`` reads it: a JSON object of source
    column -> field. Raises ValueError with the reason."""
    try:
        loaded = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ValueError(f"cannot read it ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
    ):
        raise ValueError("must be an object of column -> field")
    return loaded


def write_mapping_file(path: Path | str, mapping: Mapping[str, str]) -> None:
    """Write `mapping` for `read_mapping_file` and the command line's ``--mapping``."""
    text = json.dumps(dict(mapping), ensure_ascii=False, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")


def _open311_preview(path: Path, n: int) -> tuple[list[str], list[tabular.Record]]:
    """The keys of an Open311 requests.json and its first `n` requests, for the preview."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFailed(
            str(path), [RowError(0, "", f"not a readable JSON file: {exc}")]
        ) from None
    if isinstance(data, dict):
        data = data.get("requests", data.get("service_requests"))
    if not isinstance(data, list):
        raise ImportFailed(str(path), [RowError(0, "", "not a GeoReport v2 list of requests")])
    header: dict[str, None] = dict.fromkeys(OPEN311_MAPPING)
    records = []
    for i, raw in enumerate(data[:n], start=1):
        values = dict(raw) if isinstance(raw, dict) else {}
        header.update(dict.fromkeys(values))
        records.append(tabular.Record(i, values))
    return list(header), records


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


class _ProgressRelay(QObject):
    """Carries an import's progress from the worker to the dialog (a queued signal)."""

    changed = Signal(int, int)


# -- import -----------------------------------------------------------------------------------
class ImportDialog(QDialog):
    """Choose a file and a target, map its columns, preview, import on the worker.

    Signals:
        imported(object): the `ImportReport` of an import that wrote its rows.
        failed(object): the exception of an import that wrote nothing (`ImportFailed`, …).
    """

    imported = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        store: Store,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        targets: Mapping[str, tabular.TargetSpec] | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import"))
        self.resize(1080, 760)
        self.store, self.submit, self.catalogue = store, submit, catalogue
        self.targets = dict(tabular.TARGET_SPECS if targets is None else targets)
        self.path: Path | None = None
        self.header: list[str] = []
        self.records: list[tabular.Record] = []
        self.busy = False
        self._combos: dict[str, QComboBox] = {}
        self._relay = _ProgressRelay(self)
        self._relay.changed.connect(self._on_progress)

        # the file, its format, the target
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("importPath")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("Choose a CSV, GeoJSON or Open311 file…"))
        self.browse_button = QPushButton(self.tr("Browse…"), self)
        self.browse_button.clicked.connect(self._on_browse)
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("importFormat")
        self.format_combo.addItem(self.tr("CSV"), FORMAT_CSV)
        self.format_combo.addItem(self.tr("GeoJSON"), FORMAT_GEOJSON)
        self.format_combo.addItem(self.tr("Open311 requests (JSON)"), FORMAT_OPEN311)
        self.format_combo.currentIndexChanged.connect(lambda _i: self._reload())
        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("importTarget")
        for spec in self.targets.values():
            self.target_combo.addItem(_tr(spec.label), spec.name)
        self.target_combo.currentIndexChanged.connect(lambda _i: self._fill_mapping())
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.format_combo, 1)
        kind_row.addSpacing(16)
        kind_row.addWidget(QLabel(self.tr("Import as"), self))
        kind_row.addWidget(self.target_combo, 1)
        form = QFormLayout()
        form.addRow(self.tr("File"), file_row)
        form.addRow(self.tr("Format"), kind_row)

        # the column mapping
        self.mapping_table = QTableWidget(0, 3, self)
        self.mapping_table.setObjectName("importMapping")
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("File column"), self.tr("First value"), self.tr("Field")]
        )
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        mapping_header = self.mapping_table.horizontalHeader()
        mapping_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        mapping_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        mapping_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        mapping_header.resizeSection(1, SAMPLE_WIDTH)
        self.required_label = QLabel(self)
        self.required_label.setObjectName("importRequired")
        self.required_label.setWordWrap(True)
        self.required_label.setTextFormat(Qt.TextFormat.RichText)
        self.load_mapping_button = QPushButton(self.tr("Load mapping…"), self)
        self.load_mapping_button.clicked.connect(self._on_load_mapping)
        self.save_mapping_button = QPushButton(self.tr("Save mapping…"), self)
        self.save_mapping_button.clicked.connect(self._on_save_mapping)
        mapping_box = QGroupBox(self.tr("Columns"), self)
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.addWidget(self.mapping_table, 1)
        mapping_layout.addWidget(self.required_label)
        mapping_buttons = QHBoxLayout()
        mapping_buttons.addWidget(self.load_mapping_button)
        mapping_buttons.addWidget(self.save_mapping_button)
        mapping_buttons.addStretch(1)
        mapping_layout.addLayout(mapping_buttons)

        # the preview
        self.preview_table = QTableWidget(0, 0, self)
        self.preview_table.setObjectName("importPreview")
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setWordWrap(False)
        self.preview_table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        preview_box = QGroupBox(
            self.tr("Preview (first {n} rows, as they will be read)").format(n=PREVIEW_ROWS),
            self,
        )
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview_table)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(mapping_box)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([500, 560])
        self.splitter = splitter

        # invalid rows, progress, outcome
        self.skip_check = QCheckBox(self.tr("Skip invalid rows and write a report"), self)
        self.skip_check.setObjectName("importSkipInvalid")
        self.report_edit = QLineEdit(self)
        self.report_edit.setObjectName("importReportPath")
        self.report_edit.setPlaceholderText(self.tr("Report file (CSV)"))
        self.report_button = QPushButton(self.tr("Choose…"), self)
        self.report_button.setToolTip(self.tr("Choose the report file"))
        self.report_button.clicked.connect(self._on_choose_report)
        self.skip_check.toggled.connect(self._on_skip_toggled)
        self._on_skip_toggled(False)
        skip_row = QHBoxLayout()
        skip_row.addWidget(self.skip_check)
        skip_row.addWidget(self.report_edit, 1)
        skip_row.addWidget(self.report_button)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("importProgress")
        self.progress_bar.hide()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("importStatus")
        self.status_label.setWordWrap(True)
        self.error_list = QListWidget(self)
        self.error_list.setObjectName("importErrors")
        self.error_list.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = self.buttons.addButton(
            self.tr("Import"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(splitter, 1)
        layout.addLayout(skip_row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_list)
        layout.addWidget(self.buttons)
        self._update_state()

    # -- what the user chose ----------------------------------------------------------------
    @property
    def file_format(self) -> str:
        return str(self.format_combo.currentData())

    @property
    def target(self) -> str:
        return str(self.target_combo.currentData())

    def mapping(self) -> dict[str, str]:
        """Source column -> field for every column given a field (what the import gets)."""
        chosen = {column: combo.currentData() for column, combo in self._combos.items()}
        return {column: field for column, field in chosen.items() if field}

    def set_column_field(self, column: str, field: str | None) -> None:
        """Read `column` as `field` (None: leave it out)."""
        combo = self._combos[column]
        combo.setCurrentIndex(max(0, combo.findData(field or "")))

    def problems(self) -> list[RowError]:
        """What keeps the mapping from importing: unknown or doubly used fields, required
        fields without a column (row 1: the header), as the import itself would say."""
        if self.path is None:
            return [RowError(0, "", _tr("Choose a file first."))]
        if self.file_format == FORMAT_OPEN311:
            return []
        mapping = self.mapping()
        try:
            _by_field, errors = tabular.resolve_mapping(
                self.target, self.header, mapping, geometry=self.file_format == FORMAT_GEOJSON
            )
        except ValueError as exc:  # a target offered here that the import layer lacks
            return [RowError(0, "", str(exc))]
        seen: dict[str, str] = {}
        for column, field in mapping.items():
            if field in seen:
                errors.append(
                    RowError(
                        1,
                        column,
                        _tr("field {field} is also read from column {other}").format(
                            field=field, other=seen[field]
                        ),
                    )
                )
            seen[field] = column
        return errors

    # -- the file ---------------------------------------------------------------------------
    def load_file(self, path: Path | str) -> bool:
        """Read `path`'s columns and first rows; the format follows its suffix. False (and
        the reason shown) when it cannot be read."""
        self.path = Path(path)
        self.path_edit.setText(str(self.path))
        fmt = guess_format(self.path)
        self.format_combo.blockSignals(True)
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))
        self.format_combo.blockSignals(False)
        if not self.report_edit.text():
            self.report_edit.setText(str(self.path.with_name(self.path.stem + "-errors.csv")))
        return self._reload()

    def _reload(self) -> bool:
        self.header, self.records = [], []
        self.error_list.clear()
        self.error_list.hide()
        self.status_label.clear()
        ok = True
        if self.path is not None:
            try:
                if self.file_format == FORMAT_OPEN311:
                    self.header, self.records = _open311_preview(self.path, PREVIEW_ROWS)
                else:
                    self.header, self.records = tabular.read_header_and_preview(
                        self.path, PREVIEW_ROWS
                    )
            except ImportFailed as exc:
                self._show_errors(self.tr("This file cannot be read."), exc.errors)
                ok = False
        open311 = self.file_format == FORMAT_OPEN311
        if open311:
            self.target_combo.setCurrentIndex(max(0, self.target_combo.findData("cases")))
        self.target_combo.setEnabled(not open311)
        self._fill_mapping()
        return ok

    # -- the mapping ------------------------------------------------------------------------
    def _fill_mapping(self) -> None:
        """One row per source column, its field matched by identical name."""
        fields, required = self._fields()
        open311 = self.file_format == FORMAT_OPEN311
        self.mapping_table.setRowCount(0)
        self._combos = {}
        self.mapping_table.setRowCount(len(self.header))
        first = self.records[0].values if self.records else {}
        for row, column in enumerate(self.header):
            item = QTableWidgetItem(column)
            item.setToolTip(column)
            self.mapping_table.setItem(row, 0, item)
            sample = QTableWidgetItem(_cell(first.get(column)))
            sample.setToolTip(sample.text())
            sample.setForeground(QColor(PALETTE.muted))
            self.mapping_table.setItem(row, 1, sample)
            combo = QComboBox(self.mapping_table)
            combo.addItem(self.tr("— not imported —"), "")
            for name in fields:
                mark = " *" if name in required else ""
                combo.addItem(field_label(name) + mark, name)
            match = OPEN311_MAPPING.get(column, "") if open311 else column
            combo.setCurrentIndex(max(0, combo.findData(match)))
            combo.setEnabled(not open311)
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            self.mapping_table.setCellWidget(row, 2, combo)
            self._combos[column] = combo
        self._mapping_changed()

    def _fields(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The fields a column may be mapped to (a GeoJSON place is its geometry)."""
        if self.target not in self.targets:
            return (), ()
        spec = self.targets[self.target]
        fields, required = spec.fields, spec.required
        if self.file_format == FORMAT_GEOJSON:
            fields = tuple(f for f in fields if f not in ("lon", "lat"))
        return fields, required

    def _mapping_changed(self) -> None:
        self._show_required()
        self._fill_preview()
        self._update_state()

    def _by_field(self) -> dict[str, str]:
        if self.target not in self.targets or not self.header:
            return {}
        geometry = self.file_format == FORMAT_GEOJSON
        mapping = OPEN311_MAPPING if self.file_format == FORMAT_OPEN311 else self.mapping()
        try:
            by_field, _errors = tabular.resolve_mapping(
                self.target, self.header, mapping, geometry=geometry
            )
        except ValueError:  # a target the import layer does not know
            return {}
        return by_field

    def _show_required(self) -> None:
        if self.target not in self.targets:
            self.required_label.clear()
            return
        by_field = self._by_field()
        parts = []
        for name in self.targets[self.target].required:
            ok = name in by_field
            colour = PALETTE.ok if ok else PALETTE.danger
            mark = "✓" if ok else "✗"
            text = f"{mark} {field_label(name)}".replace(" ", "&nbsp;")  # one piece per field
            parts.append(f'<span style="color:{colour}">{text}</span>')
        self.required_label.setText(
            self.tr("Required: {fields}").format(fields="&nbsp;&nbsp; ".join(parts))
        )

    def _fill_preview(self) -> None:
        by_field = self._by_field()
        fields = [f for f in self._all_fields() if f in by_field]
        self.preview_table.clear()
        self.preview_table.setColumnCount(len(fields))
        self.preview_table.setRowCount(len(self.records))
        labels = []
        for name in fields:
            source = by_field[name]
            if source == "geometry":
                source = self.tr("geometry")
            known = FIELD_NAMES.get(name)
            labels.append(f"{_tr(known) if known else name}\n← {source}")
        self.preview_table.setHorizontalHeaderLabels(labels)
        for col, name in enumerate(fields):
            self.preview_table.horizontalHeaderItem(col).setToolTip(name)
        self.preview_table.setVerticalHeaderLabels([str(r.row) for r in self.records])
        for row, record in enumerate(self.records):
            values = tabular.preview_values(record, by_field)
            for col, name in enumerate(fields):
                self.preview_table.setItem(row, col, QTableWidgetItem(_cell(values.get(name))))
        self.preview_table.resizeColumnsToContents()
        header = self.preview_table.horizontalHeader()
        for col in range(len(fields)):
            header.resizeSection(col, min(max(header.sectionSize(col), 90), 260))

    def _all_fields(self) -> tuple[str, ...]:
        return self.targets[self.target].fields if self.target in self.targets else ()

    def load_mapping_from(self, path: Path | str) -> bool:
        """Apply a mapping file (column -> field); columns it does not name keep theirs."""
        try:
            mapping = read_mapping_file(path)
        except ValueError as exc:
            self._show_errors(
                self.tr("The mapping file {path} cannot be used.").format(path=path),
                [RowError(0, "", str(exc))],
            )
            return False
        unknown = [c for c in mapping if c not in self._combos]
        for column, field in mapping.items():
            if column in self._combos:
                self.set_column_field(column, field)
        if unknown:
            self.status_label.setText(
                self.tr("The mapping names columns this file does not have: {columns}").format(
                    columns=", ".join(unknown)
                )
            )
        return True

    def save_mapping_to(self, path: Path | str) -> None:
        write_mapping_file(path, self.mapping())
        self.status_label.setText(self.tr("Mapping saved to {path}").format(path=path))

    # -- importing --------------------------------------------------------------------------
    def start_import(self) -> bool:
        """Check the mapping, then import on the worker; False (and the reasons shown) when
        the mapping cannot import."""
        if self.busy:
            return False
        problems = self.problems()
        if problems:
            self._show_errors(self.tr("Cannot import yet: complete the column mapping."), problems)
            return False
        assert self.path is not None
        store, catalogue, path, target = self.store, self.catalogue, self.path, self.target
        fmt, mapping = self.file_format, self.mapping()
        skip = self.skip_check.isChecked()
        report = self.report_edit.text().strip() if skip else ""
        progress = self._relay.changed.emit

        def work() -> ImportReport:
            options: dict[str, Any] = {"skip_invalid": skip, "report_path": report or None}
            if catalogue is not None:
                options["catalogue"] = catalogue
            if fmt == FORMAT_OPEN311:
                from command_center.interop.open311 import import_open311

                return import_open311(store, path, progress=progress, **options)
            read = tabular.import_geojson if fmt == FORMAT_GEOJSON else tabular.import_csv
            return read(store, path, target, mapping, progress=progress, **options)

        self._set_busy(True)
        self.submit(work, self._done, self._failed)
        return True

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.error_list.clear()
        self.error_list.setVisible(False)
        if busy:
            self.status_label.setStyleSheet("")
            self.status_label.setText(self.tr("Importing…"))
            self.progress_bar.setRange(0, 1)  # the import's progress sets the real range
            self.progress_bar.setValue(0)
        self.progress_bar.setVisible(busy)
        for widget in (
            self.browse_button,
            self.format_combo,
            self.target_combo,
            self.mapping_table,
            self.load_mapping_button,
            self.skip_check,
            self.report_edit,
            self.report_button,
        ):
            widget.setEnabled(not busy)
        if not busy:
            self.target_combo.setEnabled(self.file_format != FORMAT_OPEN311)
            self._on_skip_toggled(self.skip_check.isChecked())
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not busy)
        self._update_state()

    def _on_progress(self, done: int, total: int) -> None:
        if self.busy:
            self.progress_bar.setRange(0, max(total, 1))
            self.progress_bar.setValue(done)

    def _done(self, report: ImportReport) -> None:
        self._set_busy(False)
        skipped = len({e.row for e in report.rejected})
        self.status_label.setStyleSheet(f"color: {PALETTE.ok};")
        text = self.tr("Imported {imported} of {read} rows.").format(
            imported=report.imported, read=report.read
        )
        if skipped:
            text += " " + self.tr("{skipped} invalid rows were skipped.").format(skipped=skipped)
            if self.report_edit.text().strip():
                text += " " + self.tr("Report: {path}").format(path=self.report_edit.text())
        self.status_label.setText(text)
        if report.rejected:
            self._list_errors(report.rejected)
        self.imported.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ImportFailed):
            rows = len({e.row for e in exc.errors if e.row})
            if exc.read and rows:
                text = self.tr("Nothing was imported: {rows} of {read} rows are invalid.").format(
                    rows=rows, read=exc.read
                )
            else:
                text = self.tr("Nothing was imported: the file cannot be imported.")
            self._show_errors(text, exc.errors)
        else:
            self._show_errors(self.tr("Nothing was imported: {error}").format(error=exc), [])
        self.failed.emit(exc)

    def _show_errors(self, text: str, errors: list[RowError]) -> None:
        self.status_label.setStyleSheet(f"color: {PALETTE.danger};")
        self.status_label.setText(text)
        self._list_errors(errors)

    def _mark_preview_rows(self, errors: list[RowError]) -> None:
        """Rows of the preview an import refused, in red, with their reasons as tooltips."""
        reasons: dict[int, list[str]] = {}
        for error in errors:
            reasons.setdefault(error.row, []).append(f"{error.field}: {error.reason}")
        for row, record in enumerate(self.records):
            why = reasons.get(record.row)
            for col in range(self.preview_table.columnCount()):
                item = self.preview_table.item(row, col)
                if item is not None and why:
                    item.setForeground(QColor(PALETTE.danger))
                    item.setToolTip("\n".join(why))

    def _list_errors(self, errors: list[RowError]) -> None:
        self._mark_preview_rows(errors)
        self.error_list.clear()
        for error in errors[:ERRORS_SHOWN]:
            where = self.tr("Row {row}").format(row=error.row) if error.row else self.tr("File")
            if error.field:
                where = f"{where} · {error.field}"
            self.error_list.addItem(f"{where}: {error.reason}")
        if len(errors) > ERRORS_SHOWN:
            self.error_list.addItem(self.tr("… and {n} more").format(n=len(errors) - ERRORS_SHOWN))
        lines = min(max(self.error_list.count(), 1), ERROR_LINES)
        row_height = self.error_list.sizeHintForRow(0) if self.error_list.count() else 18
        self.error_list.setFixedHeight(lines * row_height + 2 * self.error_list.frameWidth() + 6)
        self.error_list.setVisible(bool(errors))

    def _update_state(self) -> None:
        can = self.path is not None and bool(self.header) and not self.busy
        self.import_button.setEnabled(can)
        open311 = self.file_format == FORMAT_OPEN311
        self.save_mapping_button.setEnabled(can and not open311)
        self.load_mapping_button.setEnabled(can and not open311)
        tip = self.tr("Open311 requests are read by their standard keys.") if open311 else ""
        self.load_mapping_button.setToolTip(tip)
        self.save_mapping_button.setToolTip(tip)

    # -- slots ------------------------------------------------------------------------------
    def _on_browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import a file"),
            str(self.path.parent) if self.path else "",
            self.tr("Data files (*.csv *.geojson *.json);;All files (*)"),
        )
        if chosen:
            self.load_file(chosen)

    def _on_load_mapping(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Load a column mapping"), "", self.tr("Mappings (*.json)")
        )
        if chosen:
            self.load_mapping_from(chosen)

    def _on_save_mapping(self) -> None:
        start = str(self.path.with_name(self.path.stem + "-mapping.json")) if self.path else ""
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the column mapping"), start, self.tr("Mappings (*.json)")
        )
        if chosen:
            self.save_mapping_to(chosen)

    def _on_choose_report(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Report of invalid rows"),
            self.report_edit.text(),
            self.tr("CSV files (*.csv)"),
        )
        if chosen:
            self.report_edit.setText(chosen)

    def _on_skip_toggled(self, on: bool) -> None:
        self.report_edit.setEnabled(on)
        self.report_button.setEnabled(on)

    def reject(self) -> None:
        if not self.busy:  # the worker calls back into this dialog
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)


# -- export -----------------------------------------------------------------------------------
class ExportDialog(QDialog):
    """Export every case or camera as GeoJSON or CSV, or the cases as an Open311 folder.

    Signals:
        exported(int, str): how many rows were written, and where.
    """

    exported = Signal(int, str)

    def __init__(self, store: Store, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export"))
        self.resize(560, 220)
        self.store, self.submit = store, submit
        self.busy = False
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("exportFormat")
        self.format_combo.addItem(self.tr("GeoJSON"), FORMAT_GEOJSON)
        self.format_combo.addItem(self.tr("CSV"), FORMAT_CSV)
        self.format_combo.addItem(
            self.tr("Open311 (services.json + requests.json)"), FORMAT_OPEN311
        )
        self.source_combo = QComboBox(self)
        self.source_combo.setObjectName("exportSource")
        for name in tabular.TARGETS:  # what the export functions write
            self.source_combo.addItem(_tr(tabular.TARGET_SPECS[name].label), name)
        self.out_edit = QLineEdit(self)
        self.out_edit.setObjectName("exportPath")
        self.out_button = QPushButton(self.tr("Browse…"), self)
        self.out_button.clicked.connect(self._on_browse)
        self.format_combo.currentIndexChanged.connect(self._on_format)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.out_button)
        form = QFormLayout()
        form.addRow(self.tr("Format"), self.format_combo)
        form.addRow(self.tr("Export"), self.source_combo)
        form.addRow(self.tr("Save to"), out_row)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("exportStatus")
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.export_button = self.buttons.addButton(
            self.tr("Export"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.export_button.clicked.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @property
    def file_format(self) -> str:
        return str(self.format_combo.currentData())

    def _on_format(self, _index: int = 0) -> None:
        open311 = self.file_format == FORMAT_OPEN311
        if open311:
            self.source_combo.setCurrentIndex(max(0, self.source_combo.findData("cases")))
        self.source_combo.setEnabled(not open311)

    def _on_browse(self) -> None:
        if self.file_format == FORMAT_OPEN311:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Folder for the Open311 files"))
        else:
            source = str(self.source_combo.currentData())
            suffix = "geojson" if self.file_format == FORMAT_GEOJSON else "csv"
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export to"), f"{source}.{suffix}", f"*.{suffix}"
            )
        if chosen:
            self.out_edit.setText(chosen)

    def start_export(self) -> bool:
        """Export on the worker; False (and why) when there is nowhere to write."""
        text = self.out_edit.text().strip()
        if self.busy:
            return False
        if not text:
            self._say(self.tr("Choose where to save the export."), PALETTE.danger)
            return False
        out, fmt = Path(text), self.file_format
        source, store = str(self.source_combo.currentData()), self.store

        def work() -> int:
            if fmt == FORMAT_OPEN311:
                from command_center.interop.open311 import export_open311

                return export_open311(store, out)
            write = tabular.export_csv if fmt == FORMAT_CSV else tabular.export_geojson
            return write(store, out, source)  # type: ignore[arg-type]

        self.busy = True
        self.export_button.setEnabled(False)
        self._say(self.tr("Exporting…"), "")
        self.submit(work, lambda n: self._done(n, out), self._failed)
        return True

    def _done(self, n: int, out: Path) -> None:
        self.busy = False
        self.export_button.setEnabled(True)
        self._say(self.tr("Wrote {n} rows to {path}").format(n=n, path=out), PALETTE.ok)
        self.exported.emit(n, str(out))

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.export_button.setEnabled(True)
        self._say(self.tr("Could not export: {error}").format(error=exc), PALETTE.danger)

    def _say(self, text: str, colour: str) -> None:
        self.status_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.status_label.setText(text)

    def reject(self) -> None:
        if not self.busy:
            super().reject()
