"""The map search index: ranking, Chinese text, boxes, live changes, limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from command_center.domain.geo import haversine_m
from command_center.map.layers import default_layers
from command_center.map.search import (
    KIND_CAMERA,
    KIND_CASE,
    KIND_DISTRICT,
    KIND_GRID,
    KIND_RESPONSIBILITY_GRID,
    KIND_SQUAD,
    POINT_BOX_M,
    SearchIndex,
    point_bbox,
)
from command_center.services.snapshot import CameraRow, CaseRow, DistrictShape, SquadRow

T0 = datetime(2025, 11, 4, 9, 30)

LONGCHENG = DistrictShape(
    "211303",
    "龙城区",
    (((120.30, 41.50), (120.40, 41.50), (120.40, 41.60), (120.30, 41.60), (120.30, 41.50)),),
)
SHUANGTA = DistrictShape(
    "211302",
    "双塔区",
    (((120.42, 41.50), (120.55, 41.50), (120.48, 41.62), (120.42, 41.50)),),
)


def square(lon: float, lat: float, size: float = 0.001) -> tuple[tuple[float, float], ...]:
    return ((lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size))


def case(id: int, case_no: str, **kw: object) -> CaseRow:
    fields: dict[str, object] = dict(
        id=id,
        case_no=case_no,
        category_code="0301",
        category_name="占道经营",
        state="dispatched",
        district_code="211302",
        address="朝阳大街 12 号",
        lon=120.45,
        lat=41.55,
        reported_at=T0,
        deadline_at=T0 + timedelta(hours=4),
        overdue=False,
        squad_name="第一中队",
    )
    fields.update(kw)
    return CaseRow(**fields)  # type: ignore[arg-type]


CAMERAS = (
    CameraRow(1, "CAM-211302-001", "双塔区凌河公园摄像头", 120.46, 41.56, "rtsp://x/1", True),
    CameraRow(2, "CAM-211303-002", "龙城区文化路摄像头", 120.35, 41.55, "rtsp://x/2", False),
)
SQUADS = (
    SquadRow(1, "SQ01", "龙城区第一中队", "龙城区城管局", "busy", 2, 120.34, 41.56),
    SquadRow(2, "SQ02", "双塔区第二中队", "双塔区城管局", "off_duty", 0, None, None),
)
GRIDS = {
    "211302001001001": square(120.45, 41.55),
    "211302001001002": square(120.451, 41.55),
    "211302001002001": square(120.45, 41.551),
    "211303002001001": square(120.35, 41.55),
}
RGRIDS = {"R21130200100101": square(120.45, 41.55, 0.002)}
CASES = (
    case(1, "2025110400012"),
    case(2, "2025110400120", district_code="211303", category_name="道路破损"),
    case(3, "2025110500001"),
    case(4, "2025110412345"),
)


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex.from_rows(
        districts=(LONGCHENG, SHUANGTA),
        unit_grids=GRIDS,
        responsibility_grids=RGRIDS,
        cameras=CAMERAS,
        squads=SQUADS,
        cases=CASES,
    )


def keys(hits: list) -> list[tuple[str, object]]:
    return [(h.kind, h.key) for h in hits]


def test_whole_match_comes_before_start_which_comes_before_middle(index: SearchIndex) -> None:
    hits = index.search("2025110400012")
    assert keys(hits)[0] == (KIND_CASE, 1)
    # "2025110400" is the start of cases 1 and 2, and nowhere else
    assert keys(index.search("2025110400")) == [(KIND_CASE, 1), (KIND_CASE, 2)]
    # "0012": whole of nothing, start of nothing; middle of cases 1 and 2
    assert {k for k in keys(index.search("0012"))} == {(KIND_CASE, 1), (KIND_CASE, 2)}
    # a term equal to the query beats one that starts with it, which beats one holding it
    mixed = SearchIndex.from_rows(
        cases=(case(1, "x12"), case(2, "12x"), case(3, "12"), case(4, "a12b"), case(5, "99"))
    )
    assert [h.key for h in mixed.search("12")] == [3, 2, 4, 1]  # then by term: a12b < x12


def test_pasted_full_code_finds_exactly_it(index: SearchIndex) -> None:
    hits = index.search("  211302001001001 ")
    assert keys(hits) == [(KIND_GRID, "211302001001001")]
    assert keys(index.search("2025110412345")) == [(KIND_CASE, 4)]
    # full-width digits, as a Chinese input method types them
    assert keys(index.search("２０２５１１０４１２３４５")) == [(KIND_CASE, 4)]


def test_small_kinds_rank_before_grids_and_cases_within_a_tier(index: SearchIndex) -> None:
    hits = index.search("2113")
    kinds = [h.kind for h in hits]
    assert kinds[:2] == [KIND_DISTRICT, KIND_DISTRICT]
    assert kinds.index(KIND_GRID) > kinds.index(KIND_DISTRICT)
    # district codes are a start; the responsibility grid holds "2113" only in its middle
    assert kinds[-1] == KIND_RESPONSIBILITY_GRID


def test_chinese_substrings_and_case_insensitive_codes(index: SearchIndex) -> None:
    longcheng = keys(index.search("龙城"))
    assert longcheng[0] == (KIND_DISTRICT, "211303")  # the name starts with it
    assert (KIND_SQUAD, 1) in longcheng and (KIND_CAMERA, 2) in longcheng
    assert sorted(keys(index.search("摄像"))) == [(KIND_CAMERA, 1), (KIND_CAMERA, 2)]
    assert keys(index.search("cam-211303")) == [(KIND_CAMERA, 2)]
    assert keys(index.search("sq02")) == [(KIND_SQUAD, 2)]
    assert keys(index.search("r2113020")) == [(KIND_RESPONSIBILITY_GRID, "R21130200100101")]
    assert index.search("") == [] and index.search("   ") == []
    assert index.search("不存在的地方") == []


def test_labels_are_built_from_the_data(index: SearchIndex) -> None:
    (hit,) = index.search("2025110400120")
    assert hit.name == "2025110400120"
    assert hit.label == "2025110400120 · 道路破损 · 龙城区 朝阳大街 12 号"
    grid = index.hit(KIND_GRID, "211302001001001")
    assert grid is not None and grid.label == "211302001001001 · 双塔区"
    assert index.hit(KIND_CAMERA, 1).label == "双塔区凌河公园摄像头 · CAM-211302-001"  # type: ignore[union-attr]
    assert index.hit(KIND_CASE, 999) is None


def test_point_features_get_a_300_metre_box(index: SearchIndex) -> None:
    hit = index.hit(KIND_CASE, 1)
    assert hit is not None and hit.bbox is not None
    west, south, east, north = hit.bbox
    assert (west + east) / 2 == pytest.approx(120.45) and (south + north) / 2 == pytest.approx(
        41.55
    )
    assert haversine_m(west, 41.55, east, 41.55) == pytest.approx(POINT_BOX_M, rel=0.01)
    assert haversine_m(120.45, south, 120.45, north) == pytest.approx(POINT_BOX_M, rel=0.01)
    camera = index.hit(KIND_CAMERA, 1)
    assert camera is not None and camera.bbox == pytest.approx(point_bbox(120.46, 41.56))
    # a squad that never reported a position is found, but has nowhere to fly to
    squad = index.hit(KIND_SQUAD, 2)
    assert squad is not None and squad.bbox is None


def test_areas_get_their_outline_box(index: SearchIndex) -> None:
    district = index.hit(KIND_DISTRICT, "211302")
    assert district is not None and district.bbox == (120.42, 41.50, 120.55, 41.62)
    grid = index.hit(KIND_GRID, "211302001001002")
    assert grid is not None and grid.bbox == pytest.approx((120.451, 41.55, 120.452, 41.551))


def test_one_case_added_changed_and_removed_without_a_rebuild(index: SearchIndex) -> None:
    index.put_case(case(7, "2025110400777"))
    assert keys(index.search("2025110400777")) == [(KIND_CASE, 7)]
    assert (KIND_CASE, 7) in keys(index.search("0777"))  # middle of the term, too
    # the same case renumbered: the old number no longer finds it
    index.put_case(case(7, "2025110400888"))
    assert index.search("0777") == []
    assert keys(index.search("0888")) == [(KIND_CASE, 7)]
    assert index.remove_case(7) is True
    assert index.search("0888") == [] and index.hit(KIND_CASE, 7) is None
    assert index.remove_case(7) is False
    # a case that was there from the start goes too, from every tier
    index.remove_case(1)
    assert (KIND_CASE, 1) not in keys(index.search("2025110400012"))
    assert (KIND_CASE, 1) not in keys(index.search("0012"))
    assert index.count(KIND_CASE) == 3


def test_many_live_changes_keep_answers_right() -> None:
    index = SearchIndex.from_rows(cases=[case(i, f"20251104{i:05d}") for i in range(1000)])
    for i in range(0, 1000, 2):
        index.remove_case(i)
    for i in range(1000, 1600):  # more than are queued before the joined text is rebuilt
        index.put_case(case(i, f"20251105{i:05d}"))
    assert index.count(KIND_CASE) == 1100
    assert keys(index.search("00998")) == []
    assert keys(index.search("00999")) == [(KIND_CASE, 999)]
    assert keys(index.search("01555")) == [(KIND_CASE, 1555)]
    middle = index.search("0155", limit=100)
    assert {h.key for h in middle} == {155, *range(1550, 1560)}  # 156 and 154 were removed


def test_limit_caps_every_tier() -> None:
    index = SearchIndex.from_rows(cases=[case(i, f"20251104{i:05d}") for i in range(500)])
    assert len(index.search("2025")) == 20
    assert len(index.search("2025", limit=5)) == 5
    assert len(index.search("0", limit=300)) == 300
    assert index.search("2025", limit=0) == []
    start = index.search("2025110400", limit=3)
    assert [h.name for h in start] == ["2025110400000", "2025110400001", "2025110400002"]


def test_follows_the_layers_it_is_attached_to() -> None:
    layers = default_layers()
    layers["districts"].set_districts([LONGCHENG, SHUANGTA])  # type: ignore[attr-defined]
    layers["unit_grids"].set_cells(GRIDS)  # type: ignore[attr-defined]
    layers["cameras"].set_cameras(CAMERAS)  # type: ignore[attr-defined]
    layers["squads"].set_squads(SQUADS)  # type: ignore[attr-defined]
    cases = layers["cases"]
    cases.set_cases(CASES)  # type: ignore[attr-defined]
    index = SearchIndex.from_layers(layers)
    assert index.count(KIND_CASE) == 4 and index.count(KIND_GRID) == 4
    assert index.count(KIND_DISTRICT) == 2 and index.count(KIND_CAMERA) == 2
    index.attach(layers)
    cases.update_case(case(9, "2025110600009"))  # type: ignore[attr-defined]
    assert keys(index.search("2025110600009")) == [(KIND_CASE, 9)]
    cases.remove_case(9)  # type: ignore[attr-defined]
    assert index.search("2025110600009") == []
    squads = layers["squads"]
    squads.move(2, 120.47, 41.52, T0)  # type: ignore[attr-defined]
    moved = index.hit(KIND_SQUAD, 2)
    assert moved is not None and moved.bbox == pytest.approx(point_bbox(120.47, 41.52))
    cases.set_cases([])  # type: ignore[attr-defined]
    assert index.count(KIND_CASE) == 0
    index.detach()
    cases.update_case(case(10, "2025110600010"))  # type: ignore[attr-defined]
    assert index.search("2025110600010") == []


def test_replacing_a_row_with_the_same_terms_keeps_one_hit(index: SearchIndex) -> None:
    index.put_camera(replace(CAMERAS[0], enabled=False))
    assert keys(index.search("凌河")) == [(KIND_CAMERA, 1)]
