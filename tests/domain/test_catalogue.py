"""The shipped catalogue loads and is complete; a malformed file is refused with its line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from command_center.domain.calendar import TimeLimit, TimeUnit
from command_center.domain.catalogue import (
    COLUMNS,
    UNIT_TYPES,
    CaseKind,
    Catalogue,
    CatalogueError,
    Major,
    default_path,
)

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "catalogue"

GOOD_ROWS = [
    ["event", "200102", "01", "市容环境", "02", "暴露垃圾", "4", "working_hours", "0",
     "sanitation", "《城市生活垃圾管理办法》（建设部令第157号）第十六条、第四十二条",
     "责令停止违法行为、限期改正，对单位处5000元以上5万元以下罚款，对个人处200元以下罚款"],
    ["event", "200401", "04", "突发事件", "01", "路面塌陷（区管）", "2", "natural_hours", "1",
     "municipal", "《城市道路管理条例》（国务院令第198号）", ""],
    ["component", "0101", "01", "公用设施", "01", "上水井盖", "2", "natural_hours", "1",
     "utilities", "《城市道路管理条例》（国务院令第198号）", ""],
]  # fmt: skip


def write(tmp_path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    path = tmp_path / "categories.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(COLUMNS) if header is None else header)
        w.writerows(rows)
    return path


def with_change(row: int, column: str, value: str) -> list[list[str]]:
    rows = [list(r) for r in GOOD_ROWS]
    rows[row][COLUMNS.index(column)] = value
    return rows


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return Catalogue.default()


def test_default_path_is_the_shipped_file() -> None:
    assert default_path() == RESOURCES / "categories.csv"


def test_shipped_catalogue_has_every_source_code(shipped: Catalogue) -> None:
    assert len(shipped) >= 160
    with (RESOURCES / "source_components_bujian.csv").open(encoding="utf-8") as f:
        components = {r["code"]: r["name"] for r in csv.DictReader(f)}
    with (RESOURCES / "source_events_shijian.csv").open(encoding="utf-8") as f:
        events = {r["app_code"]: r["name"] for r in csv.DictReader(f)}
    assert {c.code: c.name for c in shipped.by_kind(CaseKind.COMPONENT)} == components
    assert {c.code: c.name for c in shipped.by_kind("event")} == events
    assert len(components) == 80 and len(events) == 88


def test_shipped_rows_have_positive_limits_and_known_unit_types(shipped: Catalogue) -> None:
    for category in shipped:
        assert category.time_limit.amount > 0, category.label
        assert category.responsible_unit_type in UNIT_TYPES, category.label
        if category.urgent:
            assert not category.time_limit.unit.is_working_time, category.label


def test_exposed_garbage_is_four_working_hours_for_sanitation(shipped: Catalogue) -> None:
    garbage = shipped.get("200102")
    assert garbage is not None
    assert garbage.name == "暴露垃圾"
    assert garbage.label == "200102 暴露垃圾"
    assert garbage.kind is CaseKind.EVENT
    assert garbage.time_limit == TimeLimit(4, TimeUnit.WORKING_HOURS)
    assert garbage.responsible_unit_type == "sanitation"
    assert garbage.unit_type_name == "环境卫生"
    assert not garbage.urgent
    assert garbage.is_offence


def test_spot_checks_follow_the_reference_limits(shipped: Catalogue) -> None:
    # 道路保洁 2 h; 新增建筑 (私搭乱建) first stage: stop within 4 working hours
    assert shipped["200104"].time_limit == TimeLimit(2, TimeUnit.WORKING_HOURS)
    building = shipped["200101"]
    assert building.time_limit == TimeLimit(4, TimeUnit.WORKING_HOURS)
    assert building.responsible_unit_type == "enforcement"
    assert "城乡规划法》第六十四条" in building.legal_basis
    # 绿地 upkeep 5 days; a missing manhole cover is a danger: urgent, natural hours
    assert shipped["0405"].time_limit == TimeLimit(5, TimeUnit.WORKING_DAYS)
    cover = shipped["0103"]
    assert cover.urgent and cover.time_limit.unit is TimeUnit.NATURAL_HOURS
    assert not cover.is_offence  # a maintenance duty
    assert shipped["200401"].urgent  # 路面塌陷


def test_majors_are_sorted_with_their_names(shipped: Catalogue) -> None:
    assert shipped.majors(CaseKind.EVENT) == [
        Major("01", "市容环境"),
        Major("02", "宣传广告"),
        Major("03", "施工管理"),
        Major("04", "突发事件"),
        Major("05", "街面秩序"),
    ]
    assert [m.code for m in shipped.majors("component")] == ["01", "02", "03", "04", "05", "06"]


def test_lookup_and_iteration(tmp_path: Path) -> None:
    catalogue = Catalogue.load(write(tmp_path, GOOD_ROWS))
    assert len(catalogue) == 3
    assert [c.code for c in catalogue] == ["200102", "200401", "0101"]
    assert catalogue.get("999999") is None
    assert "0101" in catalogue and "0102" not in catalogue
    assert [c.code for c in catalogue.by_kind(CaseKind.COMPONENT)] == ["0101"]
    with pytest.raises(KeyError):
        catalogue["999999"]


def test_byte_order_mark_and_decimal_limit_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, with_change(0, "time_limit", "0.5"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert Catalogue.load(path)["200102"].time_limit.amount == 0.5


@pytest.mark.parametrize(
    ("row", "column", "value", "line", "message"),
    [
        (1, "responsible_unit_type", "police", 3, "unknown responsible_unit_type 'police'"),
        (0, "time_unit", "hours", 2, "unknown time_unit 'hours'"),
        (2, "time_limit", "two", 4, "time_limit 'two' is not a number"),
        (2, "time_limit", "0", 4, "positive"),
        (2, "time_limit", "-1", 4, "positive"),
        (1, "name", "", 3, "missing name"),
        (0, "kind", "problem", 2, "unknown kind 'problem'"),
        (2, "code", "101", 4, "must be 4 digits"),
        (0, "code", "200103", 2, "does not end with"),
        (1, "urgent", "yes", 3, "urgent must be 0 or 1"),
        (1, "time_unit", "working_hours", 3, "urgent class counts natural time"),
        (0, "major_name", "宣传广告", 2, "major class 01"),
    ],
)
def test_malformed_row_names_file_line_and_problem(
    tmp_path: Path, row: int, column: str, value: str, line: int, message: str
) -> None:
    rows = with_change(row, column, value)
    if column == "major_name":  # conflict with the 01 event row added below it
        rows.append(["event", "200103", "01", "市容环境", "03", "积存垃圾渣土", "1",
                     "working_days", "0", "sanitation", "", ""])  # fmt: skip
        line = 5
    path = write(tmp_path, rows)
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(path)
    error = caught.value
    assert error.line == line
    assert str(path) in str(error)
    assert f"line {line}:" in str(error)
    assert message in str(error)


def test_duplicate_code_names_both_lines(tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, list(GOOD_ROWS[0])]
    with pytest.raises(CatalogueError, match=r"line 5: duplicate code 200102 \(first on line 2\)"):
        Catalogue.load(write(tmp_path, rows))


def test_short_row_is_refused(tmp_path: Path) -> None:
    rows = [list(r) for r in GOOD_ROWS]
    rows[1] = rows[1][:5]
    with pytest.raises(CatalogueError, match=r"line 3: has 5 field\(s\), the header has 12"):
        Catalogue.load(write(tmp_path, rows))


def test_missing_column_is_refused(tmp_path: Path) -> None:
    header = [c for c in COLUMNS if c != "time_unit"]
    rows = [[v for c, v in zip(COLUMNS, r, strict=True) if c != "time_unit"] for r in GOOD_ROWS]
    with pytest.raises(CatalogueError, match="line 1: header lacks column.*time_unit"):
        Catalogue.load(write(tmp_path, rows, header))


def test_empty_and_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="no categories"):
        Catalogue.load(write(tmp_path, []))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CatalogueError, match="empty"):
        Catalogue.load(empty)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(",".join(COLUMNS).encode() + "\n暴露垃圾".encode("gbk"))
    with pytest.raises(CatalogueError, match="not UTF-8"):
        Catalogue.load(gbk)
    with pytest.raises(CatalogueError, match="cannot read"):
        Catalogue.load(tmp_path / "absent.csv")


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ROWS)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")
    bad = lines[3].replace("natural_hours", "fortnights", 1)
    lines[3] = bad
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="line 4: unknown time_unit 'fortnights'"):
        Catalogue.load(path)
