"""The demo city's registries (台账): illegal buildings, signs, parking, markets, shop fronts,
municipal components and the plan's key projects, each with its history, and the seeded
cases that are about them.

Every object is entered and moved through its life cycle the way `RegistryService` does it:
the attributes are checked by the kind (`check_attrs`, `check_rules`) and every step by
`plan_step`, so the seeded registries hold nothing a desk could not have entered. What is
real: the plan's key projects and targets (§十三–二十四: 春华农贸市场 the first smart market,
14 planned; "new illegal buildings = 0"; 门前承包责任制 and drainage at 100 %). What is demo:
every object, its place, its dates and its people.

The draws come from their own generator (`rng_seed + 2`), so the registries change nothing
else in the city; cases are linked by a hash of their id, not by a draw, so the links do not
depend on how the cases are chunked.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import shapely

from command_center.domain.calendar import CST
from command_center.domain.geo import local_metres_per_degree
from command_center.domain.registries import KINDS, check_attrs, check_rules, plan_step
from command_center.domain.workflow import Role
from command_center.services.seed.geography import DISTRICT_NAMES, STREET_NAMES, _Geography
from command_center.services.seed.organisation import SURNAMES, _Organisation

# Roads for addresses (real road names of the city; which cells they cross is demo).
ROADS = (
    "朝阳大街", "中山大街", "新华路", "友谊大街", "文化路", "黄河路", "长江路", "龙山街",
    "凌河街", "珠江路", "慕容街", "双塔街", "燕都路", "红旗街", "光明街", "站前街",
)  # fmt: skip
BRANDS = (
    "鑫源", "福顺", "惠民", "宏达", "金鼎", "华联", "百姓", "兴隆", "老街坊", "大凌河", "凤凰",
    "龙腾", "双塔", "聚福", "燕都", "新世纪", "万家", "佳美", "祥和", "康乐", "东方", "瑞丰",
    "顺发", "德胜", "天禧", "红星", "满福", "利民", "喜来", "旺角", "金源", "鸿运",
)  # fmt: skip
BUSINESSES = (
    ("饭店", "餐饮"), ("超市", "零售"), ("大药房", "医药"), ("美发", "美容美发"),
    ("烧烤", "餐饮"), ("服装店", "服装"), ("五金建材", "五金建材"), ("手机通讯", "通讯"),
    ("眼镜店", "零售"), ("面馆", "餐饮"), ("水果店", "零售"), ("烟酒店", "零售"),
    ("诊所", "医疗"), ("便利店", "零售"), ("干洗店", "生活服务"), ("汽车美容", "汽车服务"),
    ("熟食店", "食品"), ("早餐店", "餐饮"), ("茶庄", "零售"), ("家电维修", "生活服务"),
)  # fmt: skip
ADVERTISERS = (
    "中国移动", "中国联通", "朝阳银行", "新华百货", "兴隆大家庭", "朝阳日报社", "燕都啤酒",
    "红星美凯龙", "万达广场", "辽宁农信", "凌河老窖", "朝阳宾馆",
)  # fmt: skip

SEED_OFFSET = 2  # the registries' generator: rng_seed + 2 (the orders use rng_seed + 1)
LINK_RADIUS_M = 100.0  # a case is linked to the nearest matching object within this
# Share of the matching cases near an object that the desk linked, per kind (a case is
# linked when a hash of its id falls under it): a few hundred links in a year of cases.
LINK_SHARE = {
    "illegal_buildings": 0.6,
    "ad_signs": 0.15,
    "parking": 0.04,
    "markets": 0.03,
    "shopfronts": 0.01,
    "components": 0.02,
}
# What a component case is about: its category → the component type it names.
COMPONENT_OF_CATEGORY = {
    **{code: "manhole" for code in ("0101", "0102", "0103", "0105", "0106", "0107", "0108",
                                     "0109", "0111", "0114", "200192")},
    "0104": "drain",
    "0118": "street_light",
    "0301": "toilet",
}  # fmt: skip


@dataclass
class _Object:
    """One registry object as the seed plans it: its row and its history, oldest first."""

    kind: str
    code: str
    name: str
    cell: int
    lon: float
    lat: float
    address: str
    status: str
    attrs: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    geometry: str | None = None
    box: tuple[float, float, float, float] | None = None
    steps: int = 0  # life-cycle steps taken (each one a new version of the row)


@dataclass
class _Registries:
    """The planned registries, and the cases linked to them as the cases are written."""

    objects: list[_Object]
    geo: _Geography
    intake: list[int]
    now: datetime
    ids: list[int] = field(default_factory=list)
    links: int = 0
    _index: dict[str, dict[tuple[int, int], list[int]]] = field(default_factory=dict)

    def object_rows(self, id_base: int) -> list[dict[str, Any]]:
        """The objects' rows, with ids after `id_base` (the highest id in use)."""
        self.ids = [id_base + k + 1 for k in range(len(self.objects))]
        cells = self.geo.cells
        streets = self.geo.streets
        rows = []
        for oid, o in zip(self.ids, self.objects, strict=True):
            c = cells[o.cell]
            x0, y0, x1, y1 = o.box or (o.lon, o.lat, o.lon, o.lat)
            rows.append(
                {
                    "id": oid,
                    "kind": o.kind,
                    "code": o.code,
                    "name": o.name,
                    "status": o.status,
                    "lon": o.lon,
                    "lat": o.lat,
                    "geometry": o.geometry,
                    "min_lon": x0,
                    "min_lat": y0,
                    "max_lon": x1,
                    "max_lat": y1,
                    "district_code": c.district,
                    "street_code": streets[c.street].code,
                    "grid_code": c.code,
                    "address": o.address,
                    "attrs": o.attrs,
                    "created_at": o.events[0]["at"],
                    "updated_at": max(e["at"] for e in o.events if e["action"] != "link_case"),
                    "version": 1 + o.steps,
                }
            )
        return rows

    def link(self, case_rows: list[dict[str, Any]]) -> None:
        """Set `object_id` on every case row: the nearest object of a kind the case's category
        is about, within LINK_RADIUS_M, entered before the case was reported, for the share
        of such cases LINK_SHARE gives (None for the rest); the link goes into the object's
        history as the intake desk's `link_case`."""
        if not self._index and self.objects:
            self._build_index()
        kinds_of: dict[str, list[str]] = defaultdict(list)
        for k in LINK_SHARE:
            for code in KINDS[k].categories:
                kinds_of[code].append(k)
        mx, my = local_metres_per_degree(41.575)
        for row in case_rows:
            row["object_id"] = None
            kinds = kinds_of.get(row["category_code"])
            if not kinds:
                continue
            draw = (row["id"] * 2654435761 % 2**32) / 2**32
            kinds = [k for k in kinds if draw < LINK_SHARE[k]]
            if not kinds:
                continue
            at = min(self.now, (row["registered_at"] or row["reported_at"]) + timedelta(minutes=3))
            lon, lat = row["lon"], row["lat"]
            bx, by = _bucket(lon, lat)
            best, best_d = -1, LINK_RADIUS_M
            wanted = COMPONENT_OF_CATEGORY.get(row["category_code"])
            for k in kinds:
                index = self._index.get(k, {})
                for dx in (-1, 0, 1):
                    for dy in (-1, 0, 1):
                        for i in index.get((bx + dx, by + dy), ()):
                            o = self.objects[i]
                            if k == "components" and o.attrs["component_type"] != wanted:
                                continue
                            d = math.hypot((o.lon - lon) * mx, (o.lat - lat) * my)
                            if d <= best_d and o.events[0]["at"] <= at:
                                best, best_d = i, d
            if best < 0:
                continue
            o = self.objects[best]
            row["object_id"] = self.ids[best]
            self.links += 1
            pos = bisect.bisect_right([e["at"] for e in o.events], at)
            status = o.events[pos - 1]["to_status"]
            o.events.insert(
                pos,
                _event(
                    "link_case",
                    status,
                    status,
                    self.intake[row["id"] % len(self.intake)],
                    at,
                    data={"case_id": row["id"], "case_no": row["case_no"]},
                ),
            )

    def event_rows(self) -> list[dict[str, Any]]:
        """Every object's history, oldest first per object (ids follow the order)."""
        return [
            {"object_id": oid, **e}
            for oid, o in zip(self.ids, self.objects, strict=True)
            for e in o.events
        ]

    def _build_index(self) -> None:
        for i, o in enumerate(self.objects):
            self._index.setdefault(o.kind, defaultdict(list))[_bucket(o.lon, o.lat)].append(i)


def _bucket(lon: float, lat: float) -> tuple[int, int]:
    """~165 m buckets (more than LINK_RADIUS_M): a neighbour lies in the 3×3 around."""
    return int(lon / 0.002), int(lat / 0.0015)


def _event(
    action: str,
    before: str | None,
    after: str,
    actor: int | None,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {"action": action, "from_status": before, "to_status": after, "actor_id": actor,
            "at": at, "note": note, "data": data, "workstation": None}  # fmt: skip


class _Planner:
    """Enters objects and takes their steps, checked as the service checks them."""

    def __init__(
        self, geo: _Geography, org: _Organisation, now: datetime, rnd: random.Random
    ) -> None:
        self.geo, self.org, self.now, self.rnd = geo, org, now, rnd
        self.today = now.date()
        self.year = self.today.year
        self.objects: list[_Object] = []
        self.seq: dict[str, int] = defaultdict(int)
        self.squads = org.people[Role.SQUAD]
        self.chiefs = org.people[Role.SHIFT_CHIEF]
        self._cum: dict[int, list[float]] = {}
        self.street_cells: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(geo.cells):
            self.street_cells[c.street].append(i)

    # -- dates, places, people ---------------------------------------------------------
    def day(self, start: date, end: date) -> date:
        """A day in [start, end] (end is clamped to yesterday)."""
        end = min(end, self.today - timedelta(days=1))
        if end <= start:
            return end
        return start + timedelta(days=self.rnd.randint(0, (end - start).days))

    def at(self, d: date, first: int = 8, last: int = 17) -> datetime:
        """A working-hours moment of day `d`."""
        return datetime.combine(
            d, time(self.rnd.randint(first, last - 1), self.rnd.randrange(0, 60)), CST
        )

    def point(self, cell: int) -> tuple[float, float]:
        geom = self.geo.cells[cell].geom
        x0, y0, x1, y1 = geom.bounds
        for _ in range(200):
            x, y = self.rnd.uniform(x0, x1), self.rnd.uniform(y0, y1)
            if shapely.contains_xy(geom, x, y):
                return x, y  # not rounded: a rounded point may step out of its cell
        p = geom.representative_point()
        return float(p.x), float(p.y)

    def cell(self, weights: str = "general") -> int:
        w = self.geo.weights_street if weights == "street" else self.geo.weights_general
        return self._choice(w)

    def _choice(self, weights: Any) -> int:
        """A cell index drawn with these weights (cumulative sums kept per weight array)."""
        cum = self._cum.get(id(weights))
        if cum is None:
            cum = self._cum[id(weights)] = list(itertools.accumulate(weights.tolist()))
        return min(bisect.bisect_left(cum, self.rnd.random() * cum[-1]), len(cum) - 1)

    def road(self, cell: int) -> str:
        c = self.geo.cells[cell]
        return ROADS[((c.row // 7) * 5 + c.col // 7) % len(ROADS)]

    def address(self, cell: int) -> str:
        c = self.geo.cells[cell]
        street = self.geo.streets[c.street].name
        return f"{DISTRICT_NAMES[c.district]}{street}{self.road(cell)}{self.rnd.randint(1, 399)}号"

    def inspector(self, cell: int) -> int:
        return self.org.rgrid_inspector[self.geo.cells[cell].rgrid]

    def squad(self) -> int:
        return self.rnd.choice(self.squads)

    def party(self) -> str:
        if self.rnd.random() < 0.25:
            return f"朝阳市{self.rnd.choice(BRANDS)}商贸有限公司"
        return f"{self.rnd.choice(SURNAMES[:40])}某"

    def shop(self) -> tuple[str, str]:
        name, business = self.rnd.choice(BUSINESSES)
        return f"{self.rnd.choice(BRANDS)}{name}", business

    # -- entering and stepping ---------------------------------------------------------
    def create(
        self,
        kind: str,
        name: str,
        cell: int,
        when: datetime,
        actor: int,
        attrs: dict[str, Any],
        *,
        status: str | None = None,
        lonlat: tuple[float, float] | None = None,
        note: str = "",
    ) -> _Object:
        spec = KINDS[kind]
        parsed = check_attrs(spec, attrs)
        check_rules(spec, parsed)
        status = status or spec.initial
        spec.status(status)
        self.seq[kind] += 1
        lon, lat = lonlat or self.point(cell)
        o = _Object(
            kind,
            f"{spec.code_prefix}{self.seq[kind]:06d}",
            name[:100],
            cell,
            lon,
            lat,
            self.address(cell),
            status,
            parsed,
        )
        o.events.append(_event("create", None, status, actor, when, note))
        self.objects.append(o)
        return o

    def step(
        self,
        o: _Object,
        key: str,
        when: datetime,
        actor: int,
        values: dict[str, Any] | None = None,
        note: str = "",
    ) -> None:
        last = o.events[-1]["at"]
        if when <= last:
            when = last + timedelta(minutes=self.rnd.randint(5, 90))
        when = min(when, self.now - timedelta(minutes=1))
        if when < last:
            raise ValueError(f"{o.code}: step {key} before the previous one")
        plan = plan_step(KINDS[o.kind], o.status, key, values or {}, o.attrs, note)
        before = o.status
        o.attrs = {**o.attrs, **plan.attrs}
        o.status = plan.status
        o.steps += 1
        o.events.append(
            _event(
                key, before, o.status, actor, when, note, json.loads(json.dumps(plan.attrs)) or None
            )
        )

    # -- the kinds ---------------------------------------------------------------------
    def illegal_buildings(self, new: int = 20, stock: int = 130) -> None:
        """新增 this year (most already gone, three still standing) and 存量 from past years."""
        new_plan = ["self_demolished"] * 11 + ["forcibly_demolished"] * 6 + ["found"]
        new_plan += ["notice_served"] * 2
        new_plan += ["self_demolished"] * max(0, new - len(new_plan))
        stock_shares = (
            ("found", 0.2),
            ("notice_served", 0.2),
            ("referred_to_court", 0.08),
            ("self_demolished", 0.3),
            ("forcibly_demolished", 0.22),
        )
        stock_plan = [s for s, share in stock_shares for _ in range(round(stock * share))]
        stock_plan = (stock_plan + ["found"] * stock)[:stock]
        for origin, statuses in (("new", new_plan[:new]), ("stock", stock_plan)):
            for k, status in enumerate(statuses):
                self._illegal_building(origin, status, k)

    def _illegal_building(self, origin: str, status: str, k: int) -> None:
        rnd, today, year = self.rnd, self.today, self.year
        jan1 = date(year, 1, 1)
        fast = origin == "new"
        # The last date of its story, then the steps before it.
        notice = court = gone = None
        demolish_by = None
        if status == "found":
            found = (
                self.day(jan1 + timedelta(days=60), today)
                if fast
                else self.day(date(year - 6, 3, 1), date(year - 1, 12, 20))
            )
        else:
            if status in ("self_demolished", "forcibly_demolished"):
                this_year = fast or k % 2 == 0
                gone = (
                    self.day(jan1 + timedelta(days=70), today)
                    if this_year
                    else self.day(date(year - 4, 4, 1), date(year - 1, 11, 30))
                )
                anchor = gone
            elif status == "notice_served":
                overdue = not fast and k % 3 != 2
                anchor = (
                    self.day(today - timedelta(days=150), today - timedelta(days=45))
                    if overdue
                    else self.day(today - timedelta(days=12), today)
                )
            else:  # referred_to_court
                anchor = self.day(today - timedelta(days=400), today - timedelta(days=20))
            noticed = status != "self_demolished" or rnd.random() < 0.6
            if noticed:
                if status == "self_demolished":
                    demolish_by = gone + timedelta(days=rnd.randint(0, 12))
                    notice = gone - timedelta(days=rnd.randint(3, 20))
                elif status == "forcibly_demolished":
                    if not fast and rnd.random() < 0.4:
                        court = gone - timedelta(days=rnd.randint(30, 90))
                        demolish_by = court - timedelta(days=rnd.randint(10, 40))
                    else:
                        demolish_by = gone - timedelta(days=rnd.randint(2, 20))
                    notice = demolish_by - timedelta(days=rnd.randint(7, 20))
                elif status == "notice_served":
                    notice = anchor
                    demolish_by = notice + timedelta(
                        days=rnd.randint(15, 30)
                        if anchor < today - timedelta(days=40)
                        else rnd.randint(20, 40)
                    )
                else:
                    court = anchor
                    demolish_by = court - timedelta(days=rnd.randint(15, 60))
                    notice = demolish_by - timedelta(days=rnd.randint(10, 30))
                found = notice - timedelta(days=rnd.randint(1, 6) if fast else rnd.randint(3, 60))
            else:
                found = gone - timedelta(days=rnd.randint(2, 20) if fast else rnd.randint(5, 90))
            if fast and found < jan1:
                found = jan1 + timedelta(days=rnd.randint(1, 10))
        if not fast and found.year >= year:
            found = date(year - rnd.randint(1, 5), rnd.randint(3, 11), rnd.randint(1, 28))
        if fast:
            found = max(found, jan1)
            for d in (notice, court, gone):
                if d is not None and d < found:
                    raise ValueError("an illegal building's steps precede its finding")
        cell = self.cell("general")
        lon, lat = self.point(cell)
        structure = rnd.choices(
            ("steel", "brick", "wood", "frame", "other"), (0.45, 0.3, 0.1, 0.1, 0.05)
        )[0]
        area = min(400.0, max(15.0, math.exp(rnd.gauss(math.log(60), 0.75))))
        ring, box = _footprint(lon, lat, area, rnd)
        what = {
            "steel": "彩钢房",
            "brick": "砖混加建",
            "wood": "木棚",
            "frame": "框架加层",
            "other": "简易棚",
        }[structure]
        where = rnd.choice(("院内", "楼顶", "门市房后", "小区绿地内", "临街", "楼间空地"))
        name = f"{self.road(cell)}{rnd.randint(1, 299)}号{where}{what}"
        attrs = {
            "area_m2": round(area, 1),
            "found_on": found,
            "origin": origin,
            "structure": structure,
            "party": self.party(),
        }
        inspector = self.inspector(cell)
        o = self.create(
            "illegal_buildings", name, cell, self.at(found), inspector, attrs, lonlat=(lon, lat)
        )
        o.geometry = json.dumps({"type": "Polygon", "coordinates": [ring]})
        o.box = box
        court_code = "辽1302" if self.geo.cells[cell].district == "211302" else "辽1303"
        if notice is not None:
            self.seq[f"notice{notice.year}"] += 1
            no = f"朝城执限拆〔{notice.year}〕{self.seq[f'notice{notice.year}'] + 20}号"
            self.step(
                o,
                "serve_notice",
                self.at(notice),
                self.squad(),
                {"notice_no": no, "notice_on": notice, "demolish_by": demolish_by},
            )
        if court is not None:
            self.seq[f"court{court.year}"] += 1
            ref = f"（{court.year}）{court_code}行审{self.seq[f'court{court.year}'] + 10}号"
            self.step(
                o,
                "refer_court",
                self.at(court),
                self.chiefs[0],
                {"court_ref": ref},
                note="逾期未拆除，申请法院强制执行",
            )
        if status == "self_demolished":
            self.step(o, "self_demolish", self.at(gone), inspector, {"demolished_on": gone})
        elif status == "forcibly_demolished":
            self.step(
                o,
                "force_demolish",
                self.at(gone),
                self.squad(),
                {"demolished_on": gone},
                note="依法组织强制拆除",
            )

    def ad_signs(self, count: int = 800) -> None:
        """Shop signs mostly, outdoor ads, a few billboards (擎天柱); ~7 % to be rectified."""
        rnd, today, year = self.rnd, self.today, self.year
        main = self.geo.main_cells
        flagged = round(count * 0.07)
        removed = max(3, round(count * 0.012))
        fates = (
            ["non_compliant"] * flagged
            + ["removed"] * removed
            + ["rectified"] * round(count * 0.05)
        )
        fates += ["compliant"] * (count - len(fates))
        rnd.shuffle(fates)
        overdue_left = round(flagged / 3)
        billboards = 0
        for fate in fates:
            cell = rnd.choice(main) if rnd.random() < 0.7 else self.cell("street")
            road = self.road(cell)
            r = rnd.random()
            sign_type = (
                "billboard"
                if r < 0.012 and billboards < 10
                else "outdoor_ad"
                if r < 0.23
                else "shop_sign"
            )
            # Flagged ones were entered before the campaign that found their defects.
            latest = today - timedelta(days=60 if fate == "compliant" else 400)
            entered = self.day(date(2021, 4, 1), latest)
            if sign_type == "shop_sign":
                shop, _ = self.shop()
                name = f"{shop}牌匾"
                attrs: dict[str, Any] = {
                    "owner": shop,
                    "width_m": round(rnd.uniform(3, 12), 1),
                    "height_m": round(rnd.uniform(0.8, 1.5), 1),
                    "position": rnd.choice(("wall", "wall", "wall", "canopy")),
                }
            else:
                if sign_type == "billboard":
                    billboards += 1
                    owner = rnd.choice(ADVERTISERS)
                    name = f"{road}擎天柱广告牌{billboards:02d}"
                    size = (round(rnd.uniform(10, 18), 1), round(rnd.uniform(5, 8), 1), "ground")
                else:
                    owner = rnd.choice(ADVERTISERS)
                    name = f"{owner}户外广告（{road}）"
                    size = (
                        round(rnd.uniform(3, 10), 1),
                        round(rnd.uniform(2, 5), 1),
                        rnd.choice(("wall", "roof", "ground", "overhang")),
                    )
                issued = entered - timedelta(days=rnd.randint(0, 200))
                self.seq[f"permit{issued.year}"] += 1
                attrs = {
                    "owner": owner,
                    "width_m": size[0],
                    "height_m": size[1],
                    "position": size[2],
                    "permit_no": f"朝城广审〔{issued.year}〕{self.seq[f'permit{issued.year}']:04d}号",
                    "permit_until": issued + timedelta(days=365 * 3),
                }
            attrs["sign_type"] = sign_type
            inspector = self.inspector(cell)
            o = self.create("ad_signs", name, cell, self.at(entered), inspector, attrs)
            permit_until = o.attrs.get("permit_until")
            if fate == "compliant" and permit_until and date.fromisoformat(permit_until) < today:
                renewed = self.day(
                    date.fromisoformat(permit_until) - timedelta(days=30),
                    date.fromisoformat(permit_until),
                )
                if renewed > entered:
                    self.seq[f"permit{renewed.year}"] += 1
                    self.step(
                        o,
                        "renew_permit",
                        self.at(renewed),
                        inspector,
                        {
                            "permit_no": f"朝城广审〔{renewed.year}〕"
                            f"{self.seq[f'permit{renewed.year}']:04d}号",
                            "permit_until": renewed + timedelta(days=365 * 3),
                        },
                    )
            if fate == "compliant":
                continue
            defect = (
                "未经审批设置"
                if sign_type != "shop_sign" and rnd.random() < 0.3
                else rnd.choice(
                    (
                        "字体缺损",
                        "灯光不亮",
                        "超出建筑立面",
                        "字体缺损",
                        "面板破损褪色",
                        "设置不牢固",
                    )
                )
            )
            if fate == "non_compliant":
                late = overdue_left > 0
                overdue_left -= late
                flag_on = (
                    self.day(today - timedelta(days=120), today - timedelta(days=40))
                    if late
                    else self.day(today - timedelta(days=14), today)
                )
                rectify_by = flag_on + timedelta(days=rnd.randint(15, 30))
            else:
                flag_on = self.day(
                    max(entered + timedelta(days=10), date(year - 1, 3, 1)),
                    today - timedelta(days=30),
                )
                rectify_by = flag_on + timedelta(days=rnd.randint(15, 30))
            self.step(
                o, "flag", self.at(flag_on), inspector, {"defect": defect, "rectify_by": rectify_by}
            )
            if fate == "rectified":
                done = flag_on + timedelta(days=rnd.randint(3, 25))
                self.step(o, "rectify", self.at(done), inspector, {"rectified_on": done})
            elif fate == "removed":
                gone = self.day(flag_on + timedelta(days=20), today)
                self.step(
                    o,
                    "remove",
                    self.at(gone),
                    self.squad(),
                    note=rnd.choice(("逾期未整改，依法拆除", "广告牌匾专项整治，统一拆除")),
                )

    def parking(self, car_parks: int = 45, on_street: int = 120) -> None:
        """Public car parks and on-street berth sections; ~60 % report their occupancy."""
        rnd, today = self.rnd, self.today
        named = (
            "市中心医院停车场",
            "朝阳站站前停车场",
            "新华百货地下停车场",
            "人民广场停车场",
            "市文化宫停车场",
            "凤凰山公园停车场",
            "市政府广场停车场",
            "体育场停车场",
            "中医院停车场",
            "朝阳大市场停车场",
            "北塔公园停车场",
            "南塔公园停车场",
        )
        planned_left, closed_left = 3, 2
        for k in range(car_parks + on_street):
            is_park = k < car_parks
            if is_park:
                cell = (
                    self.geo.hotspots[k % len(self.geo.hotspots)]
                    if k < 18
                    else self.cell("general")
                )
                c = self.geo.cells[cell]
                name = (
                    named[k]
                    if k < len(named)
                    else f"{self.geo.communities[c.community].name}公共停车场"
                )
                capacity = rnd.choice((40, 60, 80, 100, 120, 150, 200, 260, 320, 450, 600))
                attrs: dict[str, Any] = {
                    "parking_type": "car_park",
                    "capacity": capacity,
                    "fee": rnd.choice(
                        ("首小时3元，之后每小时2元", "每次5元", "首小时免费，之后每小时2元")
                    ),
                    "operator": rnd.choice(
                        ("朝阳市城投停车管理有限公司", "朝阳市智慧停车运营有限公司", "所在单位自管")
                    ),
                }
            else:
                cell = (
                    rnd.choice(self.geo.main_cells) if rnd.random() < 0.6 else self.cell("street")
                )
                self.seq[f"berth-{self.road(cell)}"] += 1
                name = f"{self.road(cell)}路内泊位{self.seq[f'berth-{self.road(cell)}']:02d}段"
                attrs = {
                    "parking_type": "on_street",
                    "capacity": rnd.randint(8, 40),
                    "fee": rnd.choice(("首30分钟免费，之后每小时2元", "每小时2元")),
                    "operator": "朝阳市智慧停车运营有限公司",
                }
            status = None
            if is_park and k >= 30 and planned_left:
                planned_left -= 1
                status = "planned"
            entered = self.day(date(2021, 6, 1), today - timedelta(days=30))
            o = self.create(
                "parking",
                name,
                cell,
                self.at(entered),
                self.chiefs[k % len(self.chiefs)],
                attrs,
                status=status,
                note="停车设施专项规划新增" if status == "planned" else "",
            )
            if status == "planned":
                continue
            if is_park and k >= 20 and closed_left:
                closed_left -= 1
                self.step(
                    o,
                    "close",
                    self.at(self.day(today - timedelta(days=60), today)),
                    self.chiefs[0],
                    note="施工围挡，暂停使用",
                )
                continue
            if rnd.random() < 0.6:
                o.attrs["feed"] = f"mqtt:cc/parking/{o.code}"
                seen = self.now - timedelta(minutes=rnd.randint(1, 12), seconds=rnd.randint(0, 59))
                occupied = min(
                    o.attrs["capacity"], round(o.attrs["capacity"] * rnd.uniform(0.3, 1.0))
                )
                self.step(
                    o,
                    "report_occupancy",
                    seen,
                    self.chiefs[0],
                    {"occupied": occupied, "occupied_at": seen.replace(microsecond=0)},
                )

    def markets(self) -> tuple[int, int]:
        """春华农贸市场 and five more smart markets open, three being upgraded, two planned,
        the rest farmers' and convenience markets. Returns (smart open, smart building)."""
        rnd, today, year = self.rnd, self.today, self.year
        streets = [n.removesuffix("街道") for names in STREET_NAMES.values() for n in names]
        spots = list(self.geo.hotspots)
        # (name, type, fate)
        plan: list[tuple[str, str, str]] = [("春华农贸市场", "farmers", "smart_2021")]
        plan += [(f"{s}农贸市场", "farmers", "smart") for s in streets[:5]]
        plan += [(f"{s}农贸市场", "farmers", "building") for s in streets[5:8]]
        plan += [(f"{s}智慧农贸市场", "smart_farmers", "planned") for s in streets[8:10]]
        plan += [(f"{s}农贸市场", "farmers", "open") for s in streets[10:]]
        plan += [("朝阳大市场", "farmers", "open"), ("燕都农贸市场", "farmers", "open")]
        for k in range(19):
            road = ROADS[(k * 5) % len(ROADS)]
            plan.append(
                (
                    f"{road}{'早市' if k % 3 == 0 else '夜市' if k % 3 == 1 else '便民市场'}",
                    "convenience",
                    "open",
                )
            )
        smart_open = building = 0
        for k, (name, mtype, fate) in enumerate(plan):
            cell = spots[k] if k < len(spots) else self.cell("street")
            if mtype == "convenience":
                hours = {"早市": ("05:00", "09:00"), "夜市": ("17:00", "21:30")}.get(
                    name[-2:], ("06:00", "18:00")
                )
                stalls = rnd.randint(30, 150)
            else:
                hours = ("05:30", "18:00") if rnd.random() < 0.5 else ("06:00", "19:00")
                stalls = rnd.randint(80, 320)
            attrs: dict[str, Any] = {
                "market_type": mtype,
                "stalls": stalls,
                "opens": hours[0],
                "closes": hours[1],
                "operator": f"朝阳市{name[:2]}市场管理有限公司",
            }
            chief = self.chiefs[k % len(self.chiefs)]
            if fate == "planned":
                attrs["upgrade_due"] = date(year + 1, rnd.choice((6, 9, 12)), 30)
                self.create(
                    "markets",
                    name,
                    cell,
                    self.at(self.day(date(year, 3, 1), today)),
                    chief,
                    attrs,
                    status="planned",
                    note="智慧农贸市场建设规划（14个）",
                )
                continue
            entered = self.day(date(2020, 9, 1), date(2021, 2, 20))
            o = self.create("markets", name, cell, self.at(entered), chief, attrs)
            if fate == "smart_2021":
                start, done = date(2021, 3, 15), date(2021, 10, 28)
            elif fate == "smart":
                start = self.day(date(2022, 3, 1), date(year, 3, 1))
                done = start + timedelta(days=rnd.randint(150, 240))
            elif fate == "building":
                start = self.day(date(year, 3, 1), date(year, 8, 31))
                done = None
            else:
                continue
            due = start + timedelta(days=rnd.randint(240, 300))
            self.step(
                o,
                "start_works",
                self.at(start),
                chief,
                {"market_type": "smart_farmers", "upgrade_due": due},
                note="智慧农贸市场改造",
            )
            if done is not None:
                self.step(o, "open", self.at(min(done, today - timedelta(days=1))), chief)
                smart_open += 1
            else:
                building += 1
        return smart_open, building

    def shopfronts(self, count: int = 2500) -> None:
        """Street-front shops under 门前承包责任制, each street at its own rates."""
        rnd, today, year = self.rnd, self.today, self.year
        weight = [0.0] * len(self.geo.streets)
        ws = self.geo.weights_street.tolist()
        for i, c in enumerate(self.geo.cells):
            weight[c.street] += ws[i]
        total = sum(weight)
        shares = [0.5 / len(weight) + 0.5 * w / total for w in weight]
        for s_index, share in enumerate(shares):
            n = round(count * share)
            informed = round(n * rnd.uniform(0.93, 0.985))
            signed = round(n * rnd.uniform(0.81, 0.94))
            fulfilled = min(signed, round(n * rnd.uniform(0.71, 0.89)))
            fates = (
                ["pass"] * fulfilled
                + ["fail"] * (signed - fulfilled)
                + ["informed"] * (informed - signed)
                + ["uninformed"] * (n - informed)
            )
            rnd.shuffle(fates)
            cells = self.street_cells[s_index]
            for fate in fates:
                cell = rnd.choice(cells)
                shop, business = self.shop()
                surname = rnd.choice(SURNAMES[:60])
                entered = self.day(date(2021, 5, 1), date(year - 1, 12, 20))
                inspector = self.inspector(cell)
                o = self.create(
                    "shopfronts",
                    shop,
                    cell,
                    self.at(entered),
                    inspector,
                    {
                        "business": business,
                        "contact": f"{surname}先生" if rnd.random() < 0.55 else f"{surname}女士",
                    },
                )
                if fate == "uninformed":
                    continue
                informed_on = entered + timedelta(days=rnd.randint(0, 40))
                if fate == "informed" or rnd.random() < 0.5:
                    self.step(
                        o, "inform", self.at(informed_on), inspector, {"informed_on": informed_on}
                    )
                if fate == "informed":
                    continue
                signed_on = informed_on + timedelta(days=rnd.randint(0, 60))
                values: dict[str, Any] = {"signed_on": signed_on}
                if o.status == "uninformed":
                    values["informed_on"] = signed_on
                self.step(o, "sign", self.at(signed_on), inspector, values)
                checked = self.day(max(date(year, 3, 1), signed_on + timedelta(days=1)), today)
                self.step(
                    o,
                    "inspect",
                    self.at(checked),
                    inspector,
                    {"last_inspected_on": checked, "last_result": fate},
                )

    def components(self) -> None:
        """Manhole covers, street lights, drains (behind the 100 % target) and toilets."""
        rnd, today, year = self.rnd, self.today, self.year
        plan = (
            # (type, count, intact share, places, damage texts, owners)
            ("manhole", 1900, 0.985, "general",
             ("井盖破损", "井盖松动异响", "井盖下沉", "井圈破裂", "井盖错位"),
             (("污水井盖", "朝阳市市政设施管理处"), ("雨水井盖", "朝阳市市政设施管理处"),
              ("上水井盖", "朝阳市自来水公司"), ("电力井盖", "国网朝阳供电公司"),
              ("通讯井盖", "通信管线联合维护中心"), ("燃气井盖", "朝阳市燃气公司"))),
            ("street_light", 1350, 0.975, "main",
             ("灯不亮", "灯杆倾斜", "灯罩破损", "白天亮灯", "线路裸露"),
             (("路灯", "朝阳市市政设施管理处"),)),
            ("drain", 660, 0.965, "main",
             ("篦子断裂", "篦子堵塞", "篦子缺损", "篦子下沉"),
             (("雨水篦子", "朝阳市市政设施管理处"),)),
            ("toilet", 90, 0.98, "general",
             ("水箱漏水", "门锁损坏", "洗手池堵塞", "照明故障"),
             (("公共厕所", "朝阳市环境卫生管理处"),)),
        )  # fmt: skip
        main = self.geo.main_cells
        for ctype, count, intact, places, damages, owners in plan:
            bad = count - round(count * intact)
            fates = [
                "missing"
                if ctype == "manhole" and j % 4 == 0
                else "repairing"
                if j % 3 == 0
                else "damaged"
                for j in range(bad)
            ] + ["repaired"] * round(count * 0.06)
            fates += ["intact"] * (count - len(fates))
            rnd.shuffle(fates)
            for j, fate in enumerate(fates):
                cell = (
                    rnd.choice(main)
                    if places == "main" and rnd.random() < 0.5
                    else self.cell("general")
                )
                label, owner = rnd.choice(owners)
                self.seq[f"{label}-{self.road(cell)}"] += 1
                name = f"{label}-{self.road(cell)}-{self.seq[f'{label}-{self.road(cell)}']:03d}"
                if ctype == "toilet":
                    name = f"{self.road(cell)}公共厕所{j + 1:02d}"
                entered = self.day(date(2021, 4, 1), date(year - 1, 10, 31))
                installed = date(
                    rnd.randint(1995, entered.year - 1), rnd.randint(4, 10), rnd.randint(1, 28)
                )
                inspector = self.inspector(cell)
                o = self.create(
                    "components",
                    name,
                    cell,
                    self.at(entered),
                    inspector,
                    {"component_type": ctype, "owner_unit": owner, "installed_on": installed},
                )
                if fate == "intact":
                    continue
                found = self.day(
                    date(year, 1, 10) if fate == "repaired" else today - timedelta(days=20), today
                )
                if fate == "missing":
                    self.step(o, "report_missing", self.at(found), inspector, note="井盖丢失")
                    continue
                self.step(
                    o, "report_damage", self.at(found), inspector, {"damage": rnd.choice(damages)}
                )
                if fate == "repairing":
                    self.step(o, "start_repair", self.at(found) + timedelta(hours=4), self.squad())
                elif fate == "repaired":
                    fixed = min(
                        found + timedelta(days=rnd.randint(1, 10)), today - timedelta(days=1)
                    )
                    self.step(o, "repaired", self.at(fixed), self.squad(), {"repaired_on": fixed})

    def projects(self, smart_open: int, smart_building: int) -> None:
        """The plan's key projects (§十三–十八) and where each one stands."""
        cells = self.geo.cells
        by_x = sorted(range(len(cells)), key=lambda i: (cells[i].x, cells[i].y))
        longcheng = [i for i in by_x if cells[i].district == "211303"]
        centre = min(
            range(len(cells)),
            key=lambda i: (cells[i].x - 120.447) ** 2 + (cells[i].y - 41.575) ** 2,
        )
        south = min(range(len(cells)), key=lambda i: (cells[i].y, cells[i].x))
        bureau = "朝阳市城市管理综合行政执法局"
        smart_pct = round(100.0 * smart_open / 14, 1)
        projects = (
            # name, plan_ref, cell, owner, start, due, budget, status, steps
            ("狼山简易垃圾场存量垃圾处理项目", "十三", longcheng[0], bureau, date(2022, 4, 18),
             date(2025, 12, 31), 18600.0, "completed",
             ((date(2023, 6, 30), 35.0, "存量垃圾筛分处理线建成投运"),
              (date(2024, 10, 15), 70.0, "扩建库容完成，渗滤液处理站主体完工"),
              (date(2025, 11, 18), 98.0, "渗滤液处理设施通过验收，存量垃圾处理完成"),
              ("complete", date(2025, 11, 20), ""))),
            ("智慧农贸市场建设", "十四", self.geo.hotspots[0], "双塔区、龙城区人民政府",
             date(2021, 3, 15), date(2026, 12, 31), 8400.0, "in_progress",
             ((date(2021, 10, 28), 100.0 / 14, "春华农贸市场智慧化改造完成并投入使用"),
              (self.today - timedelta(days=20), smart_pct,
               f"已建成智慧农贸市场{smart_open}个，在建{smart_building}个（规划14个）"))),
            ("城区户外广告牌匾专项规划治理", "十五", self.geo.main_cells[0], bureau,
             date(2021, 5, 10), date(2026, 12, 31), 1200.0, "in_progress",
             ((date(2022, 8, 1), 30.0, "《朝阳市城区户外广告牌匾专项规划》通过评审"),
              (self.today - timedelta(days=35), 85.0, "主次干道牌匾规范整治完成85%，擎天柱整治收尾"))),
            ("智慧城管建设", "十六", centre, f"{bureau}（智慧城管指挥中心）",
             date(2022, 3, 1), date(2026, 12, 31), 3600.0, "in_progress",
             ((date(2023, 9, 30), 45.0, "基础信息平台建成，网格化监管上线"),
              (self.today - timedelta(days=10), 78.0, "城市运行管理服务平台试运行，接入视频点位48路"))),
            ("南北外城区排水完善工程", "十七", south, "朝阳市住房和城乡建设局",
             date(2023, 4, 15), date(2026, 10, 31), 26500.0, "in_progress",
             ((date(2024, 10, 20), 40.0, "中山大街（西大营子镇政府至文明路）雨水管道完工"),
              ("suspend", date(2024, 11, 25), "冬季停工"),
              ("resume", date(2025, 4, 1), ""),
              (self.today - timedelta(days=25), 72.0,
               "锦承铁路朝阳大街公铁下交桥至什家河雨水管道施工中，逾期未完工"))),
            ("建筑垃圾资源再利用项目（50万吨/年）", "十八", longcheng[len(longcheng) // 3],
             bureau, None, date(2027, 12, 31), 32000.0, "planned", ()),
        )  # fmt: skip
        for name, ref, cell, owner, start, due, budget, status, steps in projects:
            chief = self.chiefs[0]
            attrs: dict[str, Any] = {
                "plan_ref": ref,
                "owner_unit": owner,
                "due_on": due,
                "budget_wan": budget,
            }
            if status == "planned":
                attrs.update(
                    progress_pct=10.0,
                    milestone="固废处理中心选址完成，可研报告编制中（设计能力50万吨/年）",
                )
            o = self.create(
                "projects",
                name,
                cell,
                self.at(date(2021, 3, 1)),
                chief,
                attrs,
                note=f"“十四五”城市管理发展规划（{ref}）",
            )
            if start is None:
                continue
            self.step(o, "start", self.at(start), chief, {"start_on": start})
            for s in steps:
                if s[0] == "suspend":
                    self.step(o, "suspend", self.at(s[1]), chief, note=s[2])
                elif s[0] == "resume":
                    self.step(o, "resume", self.at(s[1]), chief)
                elif s[0] == "complete":
                    self.step(o, "complete", self.at(s[1]), chief, {"completed_on": s[1]})
                else:
                    values = {"progress_pct": round(s[1], 1), "milestone": s[2]}
                    if s is steps[-1] and ref in NEXT_MILESTONES:
                        upcoming, due_in = NEXT_MILESTONES[ref]
                        values["next_milestone"] = upcoming
                        values["next_milestone_due"] = s[0] + timedelta(days=due_in)
                    self.step(o, "report_progress", self.at(s[0]), chief, values)


# The next milestone each project in progress reported last: what, and days after the report
# it is due (the drainage works' is past: it is late for its milestone as for its end).
NEXT_MILESTONES: dict[str, tuple[str, int]] = {
    "十四": ("龙山、光明、红旗农贸市场智慧化改造完工", 75),
    "十五": ("擎天柱大型广告牌整治完成，专项规划全面实施", 60),
    "十六": ("城市运行管理服务平台正式运行，接入视频点位扩至200路", 90),
    "十七": ("什家河段雨水管道贯通", 20),
}


def _footprint(
    lon: float, lat: float, area_m2: float, rnd: random.Random
) -> tuple[list[list[float]], tuple[float, float, float, float]]:
    """A rotated rectangle of `area_m2` centred on (lon, lat): its closed ring and box."""
    aspect = rnd.uniform(1.0, 3.0)
    w = math.sqrt(area_m2 * aspect)
    h = area_m2 / w
    theta = math.radians(rnd.uniform(0, 180))
    mx, my = local_metres_per_degree(lat)
    ring = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = sx * w / 2, sy * h / 2
        ex = x * math.cos(theta) - y * math.sin(theta)
        ny = x * math.sin(theta) + y * math.cos(theta)
        ring.append([round(lon + ex / mx, 8), round(lat + ny / my, 8)])
    ring.append(ring[0])
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return ring, (min(xs), min(ys), max(xs), max(ys))


def _build_registries(
    geo: _Geography, org: _Organisation, now: datetime, rng_seed: int
) -> _Registries:
    """Every registry of the demo city, with its history up to `now`; a pure function."""
    plan = _Planner(geo, org, now, random.Random(rng_seed + SEED_OFFSET))
    plan.illegal_buildings()
    plan.ad_signs()
    plan.parking()
    smart_open, building = plan.markets()
    plan.shopfronts()
    plan.components()
    plan.projects(smart_open, building)
    return _Registries(plan.objects, geo, org.people[Role.INTAKE], now)
