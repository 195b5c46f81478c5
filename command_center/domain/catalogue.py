"""The catalogue of components (部件) and events (事件) a case is filed under.

Each subclass carries its handling time limit, whether it is urgent, the type of unit that
handles it, and the legal basis and penalty an officer cites. The catalogue ships as an
editable CSV (`resources/catalogue/categories.csv`, see the README beside it) because time
limits and duties are set city by city and an administrator must be able to change them
without a release. Loading checks every row and names the file, line and problem.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from command_center.domain.calendar import TimeLimit, TimeUnit

UNIT_TYPES: dict[str, str] = {
    "enforcement": "城管执法",
    "sanitation": "环境卫生",
    "municipal": "市政设施",
    "greening": "园林绿化",
    "utilities": "供水供热燃气",
    "power_telecom": "电力通信",
    "traffic": "交通管理",
    "housing": "住房建设",
    "market": "市场监管",
}
"""The types of responsible unit, code → Chinese name; units and categories both use them."""

COLUMNS: tuple[str, ...] = (
    "kind",
    "code",
    "major_code",
    "major_name",
    "minor_code",
    "name",
    "time_limit",
    "time_unit",
    "urgent",
    "responsible_unit_type",
    "legal_basis",
    "penalty",
)
"""The columns of the catalogue file, in order."""

_NATURAL_UNITS = frozenset({TimeUnit.NATURAL_HOURS, TimeUnit.NATURAL_DAYS})


class CaseKind(StrEnum):
    """Whether a case concerns a component (a facility) or an event (a problem or offence)."""

    COMPONENT = "component"  # 部件
    EVENT = "event"  # 事件


_CODE_DIGITS = {CaseKind.COMPONENT: 4, CaseKind.EVENT: 6}


class Major(NamedTuple):
    """A major class (大类), e.g. ("01", "市容环境")."""

    code: str
    name: str


@dataclass(frozen=True)
class Category:
    """One subclass (小类) of the catalogue, with its time limit and responsibilities."""

    kind: CaseKind
    code: str
    major_code: str
    major_name: str
    minor_code: str
    name: str
    time_limit: TimeLimit
    urgent: bool
    responsible_unit_type: str
    legal_basis: str = ""
    penalty: str = ""

    @property
    def label(self) -> str:
        """Code and name as lists show them, e.g. "200102 暴露垃圾"."""
        return f"{self.code} {self.name}"

    @property
    def unit_type_name(self) -> str:
        """The Chinese name of the responsible unit type, e.g. "环境卫生"."""
        return UNIT_TYPES[self.responsible_unit_type]

    @property
    def is_offence(self) -> bool:
        """True when the subclass is an offence with a penalty, not a maintenance duty."""
        return bool(self.penalty)


class CatalogueError(ValueError):
    """The catalogue file is unreadable or a row is invalid; says where and why."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = Path(path), line, problem
        where = f"{self.path}" if line is None else f"{self.path}, line {line}"
        super().__init__(f"{where}: {problem}")


class Catalogue:
    """All subclasses by code, in file order."""

    def __init__(self, categories: Iterable[Category]) -> None:
        self._by_code: dict[str, Category] = {}
        for category in categories:
            if category.code in self._by_code:
                raise ValueError(f"duplicate category code {category.code}")
            self._by_code[category.code] = category

    @classmethod
    def load(cls, path: Path | str) -> Catalogue:
        """Read and check a catalogue CSV (UTF-8, header row, one row per subclass)."""
        path = Path(path)
        try:
            # utf-8-sig: spreadsheet programs often save a byte-order mark.
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CatalogueError(path, None, f"cannot read the file: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CatalogueError(path, None, f"not UTF-8 text ({exc.reason})") from exc
        return cls(_parse(path, text))

    @classmethod
    def default(cls) -> Catalogue:
        """The catalogue shipped in `resources/catalogue/categories.csv`."""
        return cls.load(default_path())

    def get(self, code: str) -> Category | None:
        """The subclass with `code`, or None."""
        return self._by_code.get(code)

    def __getitem__(self, code: str) -> Category:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Category]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def by_kind(self, kind: CaseKind | str) -> list[Category]:
        """The subclasses of one kind, in file order."""
        kind = CaseKind(kind)
        return [c for c in self._by_code.values() if c.kind is kind]

    def majors(self, kind: CaseKind | str) -> list[Major]:
        """The major classes of one kind, sorted by code."""
        seen = {Major(c.major_code, c.major_name) for c in self.by_kind(kind)}
        return sorted(seen)


def default_path() -> Path:
    """Where the shipped catalogue file lives."""
    return Path(__file__).resolve().parents[2] / "resources/catalogue/categories.csv"


def _parse(path: Path, text: str) -> list[Category]:
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header is None:
        raise CatalogueError(path, None, "the file is empty; expected a header row")
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CatalogueError(path, 1, f"header lacks column(s): {', '.join(missing)}")
    index = {name: header.index(name) for name in COLUMNS}

    categories: list[Category] = []
    first_line: dict[str, int] = {}
    major_names: dict[tuple[CaseKind, str], tuple[str, int]] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines are harmless
        if len(row) < len(header):
            raise CatalogueError(
                path, line, f"has {len(row)} field(s), the header has {len(header)}"
            )
        values = {name: row[i].strip() for name, i in index.items()}
        category = _category(path, line, values)
        if category.code in first_line:
            raise CatalogueError(
                path,
                line,
                f"duplicate code {category.code} (first on line {first_line[category.code]})",
            )
        first_line[category.code] = line
        key = (category.kind, category.major_code)
        known = major_names.setdefault(key, (category.major_name, line))
        if known[0] != category.major_name:
            raise CatalogueError(
                path,
                line,
                f"major class {category.major_code} is named {category.major_name!r} here "
                f"but {known[0]!r} on line {known[1]}",
            )
        categories.append(category)
    if not categories:
        raise CatalogueError(path, None, "the file has a header but no categories")
    return categories


def _category(path: Path, line: int, v: dict[str, str]) -> Category:
    """One checked row; raises CatalogueError naming the first problem found."""

    def fail(problem: str) -> CatalogueError:
        return CatalogueError(path, line, problem)

    try:
        kind = CaseKind(v["kind"])
    except ValueError:
        raise fail(f"unknown kind {v['kind']!r}; use component or event") from None

    for column in ("code", "major_code", "minor_code", "name", "major_name"):
        if not v[column]:
            raise fail(f"missing {column}")
    code, major, minor = v["code"], v["major_code"], v["minor_code"]
    digits = _CODE_DIGITS[kind]
    if not (code.isascii() and code.isdigit() and len(code) == digits):
        raise fail(f"{kind.value} code {code!r} must be {digits} digits")
    if not (major.isascii() and major.isdigit() and minor.isascii() and minor.isdigit()):
        raise fail(f"major_code {major!r} and minor_code {minor!r} must be digits")
    if not code.endswith(major + minor):
        raise fail(f"code {code} does not end with major_code {major} + minor_code {minor}")

    try:
        amount = float(v["time_limit"])
    except ValueError:
        raise fail(f"time_limit {v['time_limit']!r} is not a number") from None
    if not math.isfinite(amount) or amount <= 0:
        raise fail(f"time_limit must be a positive number, got {v['time_limit']!r}")
    try:
        unit = TimeUnit(v["time_unit"])
    except ValueError:
        allowed = ", ".join(u.value for u in TimeUnit)
        raise fail(f"unknown time_unit {v['time_unit']!r}; use one of: {allowed}") from None

    if v["urgent"] not in ("0", "1"):
        raise fail(f"urgent must be 0 or 1, got {v['urgent']!r}")
    urgent = v["urgent"] == "1"
    if urgent and unit not in _NATURAL_UNITS:
        raise fail(f"an urgent class counts natural time; time_unit {unit.value} is working time")

    unit_type = v["responsible_unit_type"]
    if unit_type not in UNIT_TYPES:
        raise fail(
            f"unknown responsible_unit_type {unit_type!r}; use one of: {', '.join(UNIT_TYPES)}"
        )

    return Category(
        kind=kind,
        code=code,
        major_code=major,
        major_name=v["major_name"],
        minor_code=minor,
        name=v["name"],
        time_limit=TimeLimit(amount, unit),
        urgent=urgent,
        responsible_unit_type=unit_type,
        legal_basis=v["legal_basis"],
        penalty=v["penalty"],
    )
