"""The demo city's places: districts, unit grids clipped to them, streets, communities,
responsibility grids, and where cases are likely to happen."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry import shape

from command_center.domain.geo import gcj02_to_wgs84_array, local_metres_per_degree

if TYPE_CHECKING:
    from command_center.services.seed.organisation import _Organisation

RESOURCES = Path(__file__).resolve().parents[3] / "resources"

DISTRICT_NAMES = {"211302": "双塔区", "211303": "龙城区"}
# Real street (街道) names of the two districts; which part of the core each covers is demo.
STREET_NAMES = {
    "211302": ("北塔街道", "南塔街道", "站南街道", "前进街道", "凌河街道", "龙山街道",
               "光明街道", "红旗街道"),
    "211303": ("半拉山街道", "新华街道", "马山街道", "向阳街道", "海龙街道"),
}  # fmt: skip

# The urban core that gets unit grids (WGS-84). The data README's 120.42–120.48E,
# 41.55–41.60N leaves 龙城区 only 13 % of the box (the district border runs diagonally through
# it), too little for five streets; the box is widened 0.02° west and 0.01° on the other sides,
# which gives 龙城区 30 % and stays at about 5,800 cells.
CORE_BBOX = (120.40, 41.54, 120.49, 41.61)
CELL_M = 100.0  # unit-grid side
SLIVER_M2 = 500.0  # clipped pieces smaller than this are merged into a neighbour
CITY_CENTRE = (120.447, 41.575)  # where case density peaks (demo)


def _load_districts() -> dict[str, Any]:
    """The two district boundaries as shapely geometries in WGS-84 (from GCJ-02 files)."""
    out = {}
    for code in DISTRICT_NAMES:
        raw = json.loads((RESOURCES / "chaoyang" / f"{code}.geojson").read_text("utf-8"))
        geom = shape(raw.get("geometry", raw) if raw.get("type") == "Feature" else raw)
        out[code] = shapely.transform(geom, _gcj_to_wgs)
    return out


def _gcj_to_wgs(coords: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84_array(coords[:, 0], coords[:, 1])
    return np.column_stack((lon, lat))


def _geojson(geom: Any) -> str:
    return json.dumps(shapely.geometry.mapping(geom), separators=(",", ":"))


@dataclass
class _Cell:
    geom: Any
    district: str
    row: int
    col: int
    x: float = 0.0  # centroid lon
    y: float = 0.0  # centroid lat
    area_m2: float = 0.0
    street: int = -1  # index into _Geography.streets
    community: int = -1
    rgrid: int = -1
    code: str = ""


@dataclass
class _Place:
    code: str
    name: str
    district: str
    cells: list[int]
    parent: int = -1  # index of the street (of a community) or community (of a duty grid)


@dataclass
class _Geography:
    cells: list[_Cell]
    streets: list[_Place]
    communities: list[_Place]
    rgrids: list[_Place]  # responsibility grids (code, name, district, cells)
    weights_general: np.ndarray  # where cases happen
    weights_street: np.ndarray  # where street-order cases happen (markets, main streets)
    hotspots: list[int]  # cells of markets and squares
    main_cells: list[int]  # cells on the main streets
    district_rows: list[dict[str, Any]] = field(default_factory=list)
    street_rows: list[dict[str, Any]] = field(default_factory=list)
    community_rows: list[dict[str, Any]] = field(default_factory=list)
    rgrid_rows: list[dict[str, Any]] = field(default_factory=list)
    cell_rows: list[dict[str, Any]] = field(default_factory=list)


def _build_geography(districts: dict[str, Any], rng: np.random.Generator) -> _Geography:
    """Unit grids over the core, clipped per district; streets, communities, duty grids.

    The partition is demo: each district's cells are cut by recursive bisection into its
    streets, each street into 3–6 communities and each community into responsibility grids
    of about 30 cells, so every part is compact and about the same size.
    """
    cells = _clip_cells(districts)
    streets: list[_Place] = []
    communities: list[_Place] = []
    rgrids: list[_Place] = []
    west, south, _, _ = CORE_BBOX
    mx, my = local_metres_per_degree((CORE_BBOX[1] + CORE_BBOX[3]) / 2)
    xy = np.array([((c.x - west) * mx, (c.y - south) * my) for c in cells])
    for dcode, names in STREET_NAMES.items():
        idx = np.array([i for i, c in enumerate(cells) if c.district == dcode])
        parts = _order_parts(_bisect(idx, xy, len(names)), xy)
        for s_no, (part, sname) in enumerate(zip(parts, names, strict=True), start=1):
            s_index = len(streets)
            street = _Place(f"{dcode}{s_no:03d}", sname, dcode, part.tolist())
            streets.append(street)
            n_comm = int(min(6, max(3, round(len(part) / 90))))
            short = sname.removesuffix("街道")
            for c_no, cpart in enumerate(_order_parts(_bisect(part, xy, n_comm), xy), start=1):
                c_index = len(communities)
                community = _Place(
                    f"{street.code}{c_no:03d}",
                    f"{short}第{_CN[c_no]}社区",
                    dcode,
                    cpart.tolist(),
                    parent=s_index,
                )
                communities.append(community)
                # Sequence numbers: rows north→south, west→east within a row.
                if len(cpart) > 999:
                    raise ValueError(f"community {community.code} has over 999 unit grids")
                ordered = sorted(
                    cpart.tolist(), key=lambda i: (cells[i].row, cells[i].col, cells[i].x)
                )
                for seq, i in enumerate(ordered, start=1):
                    cell = cells[i]
                    cell.street, cell.community = s_index, c_index
                    cell.code = f"{community.code}{seq:03d}"
                n_duty = max(1, round(len(cpart) / 30))
                for r_no, rpart in enumerate(_order_parts(_bisect(cpart, xy, n_duty), xy), start=1):
                    for i in rpart.tolist():
                        cells[i].rgrid = len(rgrids)
                    rgrids.append(
                        _Place(
                            f"R{community.code}{r_no:02d}",
                            f"{community.name}第{r_no}责任网格",
                            dcode,
                            rpart.tolist(),
                            parent=c_index,
                        )
                    )

    hotspots, main_cells, w_general, w_street = _case_density(cells, xy, rng)
    geo = _Geography(cells, streets, communities, rgrids, w_general, w_street, hotspots, main_cells)
    geo.district_rows = [
        {"code": code, "name": DISTRICT_NAMES[code], "geometry": _geojson(g), "source_crs": "gcj02"}
        for code, g in districts.items()
    ]
    geo.street_rows = [
        {"code": s.code, "district_code": s.district, "name": s.name} for s in streets
    ]
    geo.community_rows = [
        {"code": c.code, "street_code": streets[c.parent].code, "name": c.name} for c in communities
    ]
    return geo


_CN = "〇一二三四五六七八九十"


def _clip_cells(districts: dict[str, Any]) -> list[_Cell]:
    """~100 m squares over CORE_BBOX, each clipped to the district it falls in.

    A square crossing the district border becomes one cell per district; pieces under
    SLIVER_M2 are merged into the neighbouring cell of the same district they share the
    longest edge with, so the cells cover the core without gaps or overlaps.
    """
    west, south, east, north = CORE_BBOX
    mx, my = local_metres_per_degree((south + north) / 2)
    dlon, dlat = CELL_M / mx, CELL_M / my
    ncols, nrows = round((east - west) / dlon), round((north - south) / dlat)
    xs = np.round(west + np.arange(ncols + 1) * dlon, 7)
    ys = np.round(north - np.arange(nrows + 1) * dlat, 7)
    rows, cols = np.meshgrid(np.arange(nrows), np.arange(ncols), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    squares = shapely.box(xs[cols], ys[rows + 1], xs[cols + 1], ys[rows])

    # The two boundaries overlap by a few m² along their common border: give it to 双塔区.
    shuangta = districts["211302"]
    owners = {"211302": shuangta, "211303": shapely.difference(districts["211303"], shuangta)}
    pieces: list[_Cell] = []
    for dcode, dgeom in owners.items():
        shapely.prepare(dgeom)
        hit = shapely.intersects(dgeom, squares)
        inside = hit & shapely.contains_properly(dgeom, squares)
        for k in np.flatnonzero(inside):
            pieces.append(_Cell(squares[k], dcode, int(rows[k]), int(cols[k])))
        edge = np.flatnonzero(hit & ~inside)
        for k, clipped in zip(edge, shapely.intersection(squares[edge], dgeom), strict=True):
            for part in shapely.get_parts(clipped):
                if shapely.get_type_id(part) == 3 and not part.is_empty:  # Polygon
                    pieces.append(_Cell(part, dcode, int(rows[k]), int(cols[k])))

    def area_m2(g: Any) -> float:
        c = g.centroid
        gx, gy = local_metres_per_degree(c.y)
        return float(g.area * gx * gy)

    for p in pieces:
        p.area_m2 = area_m2(p.geom)
    big = [p for p in pieces if p.area_m2 >= SLIVER_M2]
    at: dict[tuple[str, int, int], list[_Cell]] = defaultdict(list)
    for p in big:
        at[(p.district, p.row, p.col)].append(p)
    for sliver in (p for p in pieces if p.area_m2 < SLIVER_M2):
        best, shared = None, 0.0
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for nb in at.get((sliver.district, sliver.row + dr, sliver.col + dc), ()):
                    length = shapely.length(shapely.intersection(sliver.geom, nb.geom))
                    if length > shared:
                        best, shared = nb, float(length)
        if best is None or shared < 1e-7:
            continue  # an isolated crumb of the border: not worth a cell
        merged = shapely.union(best.geom, sliver.geom)
        if shapely.get_type_id(merged) != 3:
            merged = shapely.union(best.geom, sliver.geom, grid_size=1e-9)
        if shapely.get_type_id(merged) == 3:
            best.geom = merged
            best.area_m2 = area_m2(merged)
    for p in big:
        c = p.geom.centroid
        p.x, p.y = float(c.x), float(c.y)
    return big


def _bisect(idx: np.ndarray, xy: np.ndarray, parts: int) -> list[np.ndarray]:
    """Cut cells into `parts` groups of equal count, always across their longer extent."""
    if parts <= 1 or len(idx) <= 1:
        return [idx]
    left = parts // 2
    pts = xy[idx]
    axis = 0 if np.ptp(pts[:, 0]) >= np.ptp(pts[:, 1]) else 1
    order = idx[np.argsort(pts[:, axis], kind="stable")]
    cut = round(len(idx) * left / parts)
    return _bisect(order[:cut], xy, left) + _bisect(order[cut:], xy, parts - left)


def _order_parts(parts: list[np.ndarray], xy: np.ndarray) -> list[np.ndarray]:
    """Parts in numbering order: north→south in 1.5 km bands, west→east within a band."""

    def key(p: np.ndarray) -> tuple[float, float]:
        cx, cy = xy[p].mean(axis=0)
        return (-(cy // 1500), cx)

    return sorted(parts, key=key)


def _case_density(
    cells: list[_Cell], xy: np.ndarray, rng: np.random.Generator
) -> tuple[list[int], list[int], np.ndarray, np.ndarray]:
    """Where cases happen: denser towards the centre, at markets and along main streets."""
    west, south, _, _ = CORE_BBOX
    mx, my = local_metres_per_degree(CITY_CENTRE[1])
    centre = np.array(((CITY_CENTRE[0] - west) * mx, (CITY_CENTRE[1] - south) * my))
    dist = np.hypot(*(xy - centre).T)
    base = 0.12 + np.exp(-((dist / 2300.0) ** 2))
    # Main streets (demo): two north–south and two east–west lattice lines near the centre.
    rows = np.array([c.row for c in cells])
    cols = np.array([c.col for c in cells])
    crow = int(np.median(rows[dist < 800])) if (dist < 800).any() else int(np.median(rows))
    ccol = int(np.median(cols[dist < 800])) if (dist < 800).any() else int(np.median(cols))
    main_rows = {crow - 9, crow + 6}
    main_cols = {ccol - 7, ccol + 8}
    on_main = np.isin(rows, list(main_rows)) | np.isin(cols, list(main_cols))
    on_main &= dist < 4000
    # Markets and squares (demo): 18 spots drawn towards the centre.
    p = base**2 / (base**2).sum()
    hotspots = [int(i) for i in rng.choice(len(cells), size=18, replace=False, p=p)]
    bump = np.zeros(len(cells))
    for h in hotspots:
        bump += np.exp(-((np.hypot(*(xy - xy[h]).T) / 180.0) ** 2))
    general = base * (1.0 + 1.2 * on_main) + 1.5 * bump
    street = base * (1.0 + 3.0 * on_main) + 6.0 * bump
    return (
        hotspots,
        np.flatnonzero(on_main).tolist(),
        general / general.sum(),
        street / street.sum(),
    )


def _fill_geometry_rows(geo: _Geography, org: _Organisation) -> None:
    """Rows for unit grids and responsibility grids (after people and squads have ids)."""
    cells = geo.cells
    bounds = shapely.bounds(np.array([c.geom for c in cells], dtype=object))
    for k, rg in enumerate(geo.rgrids):
        union = shapely.union_all([cells[i].geom for i in rg.cells], grid_size=None)
        geo.rgrid_rows.append(
            {
                "id": org.rgrid_ids[k],
                "code": rg.code,
                "name": rg.name,
                "district_code": rg.district,
                "squad_id": org.rgrid_squad[k],
                "inspector_id": org.rgrid_inspector[k],
                "geometry": _geojson(union),
            }
        )
    for c, (x0, y0, x1, y1) in zip(cells, bounds.tolist(), strict=True):
        geo.cell_rows.append(
            {
                "code": c.code,
                "district_code": c.district,
                "street_code": geo.streets[c.street].code,
                "community_code": geo.communities[c.community].code,
                "responsibility_grid_id": org.rgrid_ids[c.rgrid],
                "geometry": _geojson(c.geom),
                "min_lon": x0,
                "min_lat": y0,
                "max_lon": x1,
                "max_lat": y1,
                "area_m2": round(c.area_m2, 1),
            }
        )
