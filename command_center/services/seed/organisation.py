"""The bureau that runs the city: units, squads, people and their roles, names."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from command_center.domain.shifts import ROUND_THE_CLOCK, STANDARD_SHIFTS, Shift
from command_center.domain.workflow import Role
from command_center.services.auth import DEMO_PASSWORD_HASH, DEMO_USERS
from command_center.services.seed.geography import (
    _CN,
    DISTRICT_NAMES,
    _fill_geometry_rows,
    _Geography,
)

# Handling departments per unit type (names plausible for Chaoyang, demo). Each crew may be
# tied to a district; a case goes to a crew of its own district when there is one.
DEPARTMENTS: list[tuple[str, str, bool, list[tuple[str, str | None]]]] = [
    # (unit_type, name, under the bureau?, crews)
    ("sanitation", "朝阳市环境卫生管理处", True,
     [("双塔区环卫作业一队", "211302"), ("双塔区环卫作业二队", "211302"),
      ("龙城区环卫作业队", "211303"), ("垃圾清运车队", None)]),
    ("municipal", "朝阳市市政设施管理处", True,
     [("道路维修队", None), ("排水管护队", None), ("路灯维护队", None), ("桥梁设施养护队", None)]),
    ("greening", "朝阳市园林绿化管理处", True,
     [("绿化养护一队", "211302"), ("绿化养护二队", "211303"), ("病虫害防治队", None)]),
    ("utilities", "朝阳市自来水公司", False, [("供水管网抢修队", None), ("供水设施维护班", None)]),
    ("utilities", "朝阳市热力公司", False, [("供热管网维修班", None)]),
    ("utilities", "朝阳市燃气公司", False, [("燃气抢险队", None), ("燃气设施巡检班", None)]),
    ("power_telecom", "国网朝阳供电公司", False, [("城区配电抢修班", None), ("线路运维班", None)]),
    ("power_telecom", "通信管线联合维护中心", False, [("通信线路维护组", None), ("管线整治组", None)]),
    ("traffic", "朝阳市公安局交通警察支队", False,
     [("双塔大队秩序组", "211302"), ("龙城大队秩序组", "211303"), ("交通设施维护组", None)]),
    ("housing", "朝阳市住房和城乡建设局", False, [("建筑工地监管组", None), ("房屋安全与人防组", None)]),
    ("market", "朝阳市市场监督管理局", False, [("双塔分局执法组", "211302"), ("龙城分局执法组", "211303")]),
]  # fmt: skip

# Staggered shifts (错时执法), no random draws: a street team's first squad works the day,
# its second the evening (night markets), its third the early morning; two city-wide
# squads cover the night and the evening; the departments' crews are on call round the clock.
STREET_SHIFTS = {1: STANDARD_SHIFTS["day"], 2: STANDARD_SHIFTS["evening"],
                 3: STANDARD_SHIFTS["early"]}
SPECIALIST_SHIFTS = {1: STANDARD_SHIFTS["night"], 2: STANDARD_SHIFTS["evening"]}

# 专业大队 squads and the categories they take (most cases still go to the street teams).
SPECIALIST_SQUADS: list[tuple[str, set[str]]] = [
    ("违法建设治理组", {"200101", "0121", "0137"}),
    ("户外广告治理组", {"0306", "0307", "200202", "200203"}),
    ("渣土运输监管组", {"200122", "200123", "200129", "200303", "200312", "200313", "200398"}),
]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常关"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红鹏辉建国志海波宁晨欣宇浩然"
    "子涵博文俊飞鑫斌丹婷雪琳佳慧颖凤东亮成峰林春旭晶蕾萍燕光龙新德立永云庆晓玲倩阳帅"
    "凯瑞振岩松柏宏伦铁彬莉爽楠冬梅"
)

ROLE_COUNTS = {
    Role.INTAKE: 6,
    Role.SHIFT_CHIEF: 4,
    Role.DISPATCHER: 6,
    Role.SUPERVISOR: 3,
    Role.ADMIN: 1,
}
ROLE_PREFIX = {
    Role.INSPECTOR: "JD",
    Role.INTAKE: "SL",
    Role.SHIFT_CHIEF: "ZB",
    Role.DISPATCHER: "PQ",
    Role.SUPERVISOR: "DC",
    Role.ADMIN: "GL",
    Role.SQUAD: "CZ",
}


@dataclass
class _SquadInfo:
    id: int
    unit_id: int
    district: str | None
    members: list[int]
    home: tuple[float, float]


@dataclass
class _Organisation:
    unit_rows: list[dict[str, Any]]
    squad_rows: list[dict[str, Any]]
    person_rows: list[dict[str, Any]]
    role_rows: list[dict[str, Any]]
    squads: dict[int, _SquadInfo]
    people: dict[Role, list[int]]
    unit_names: dict[int, str]
    units_by_type: dict[str, list[int]]  # handling departments
    squads_by_unit: dict[int, list[int]]
    specialist: list[tuple[int, set[str]]]  # (squad id, categories)
    rgrid_ids: list[int]
    rgrid_squad: list[int]
    rgrid_inspector: list[int]


def _build_organisation(
    geo: _Geography, rng: np.random.Generator, rnd: random.Random, id_base: dict[str, int]
) -> _Organisation:
    """The bureau, its command centre, brigades, street teams, departments, squads, people.

    Follows the plan: 综合执法大队 and 专业大队 under the bureau, one team (中队) sent to each
    street of both districts. Departments' names are plausible for Chaoyang, not verified.
    """
    units: list[dict[str, Any]] = []
    squads_rows: list[dict[str, Any]] = []
    people_rows: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    squads: dict[int, _SquadInfo] = {}
    people: dict[Role, list[int]] = defaultdict(list)
    names = _NameMaker(rnd)
    next_unit = [id_base["units"]]
    next_squad = [id_base["squads"]]
    next_person = [id_base["people"]]
    role_seq: Counter[Role] = Counter()

    def unit(
        code: str,
        name: str,
        kind: str,
        unit_type: str,
        parent: int | None,
        district: str | None = None,
    ) -> int:
        next_unit[0] += 1
        units.append(
            {
                "id": next_unit[0],
                "code": code,
                "name": name,
                "kind": kind,
                "unit_type": unit_type,
                "parent_id": parent,
                "district_code": district,
                "phone": None,
            }
        )
        return next_unit[0]

    def person(role: Role, unit_id: int | None, squad_id: int | None = None) -> int:
        next_person[0] += 1
        role_seq[role] += 1
        people_rows.append(
            {
                "id": next_person[0],
                "code": f"{ROLE_PREFIX[role]}{role_seq[role]:04d}",
                "name": names.next(),
                "unit_id": unit_id,
                "squad_id": squad_id,
                "phone": None,
                "active": True,
                "username": None,
                "password_hash": None,
            }
        )
        roles.append({"person_id": next_person[0], "role": role.value})
        people[role].append(next_person[0])
        return next_person[0]

    def squad(
        code: str,
        name: str,
        unit_id: int,
        unit_type: str,
        district: str | None,
        home_cells: Sequence[int],
        shift: Shift = ROUND_THE_CLOCK,
    ) -> int:
        next_squad[0] += 1
        sid = next_squad[0]
        n = rnd.choice((3, 3, 4, 4, 5)) if unit_type == "enforcement" else rnd.choice((2, 3, 3, 4))
        members = [person(Role.SQUAD, unit_id, sid) for _ in range(n)]
        cell = geo.cells[home_cells[int(rng.integers(len(home_cells)))]]
        squads_rows.append(
            {
                "id": sid,
                "code": code,
                "name": name,
                "unit_id": unit_id,
                "status": "available",
                "members": n,
                "lon": cell.x,
                "lat": cell.y,
                "position_at": None,
                "shift_start": shift.start,
                "shift_end": shift.end,
            }
        )
        squads[sid] = _SquadInfo(sid, unit_id, district, members, (cell.x, cell.y))
        return sid

    all_cells = list(range(len(geo.cells)))
    cells_of_district = {
        d: [i for i, c in enumerate(geo.cells) if c.district == d] for d in DISTRICT_NAMES
    }
    bureau = unit("CGJ", "朝阳市城市管理综合行政执法局", "bureau", "enforcement", None)
    centre = unit("CGJ-ZHZX", "智慧城管指挥中心", "bureau", "enforcement", bureau)
    general = unit("CGJ-ZHDD", "综合执法大队", "brigade", "enforcement", bureau)
    specialist_unit = unit("CGJ-ZYDD", "专业执法大队", "brigade", "enforcement", bureau)
    unit_names = {
        bureau: "朝阳市城市管理综合行政执法局",
        centre: "智慧城管指挥中心",
        general: "综合执法大队",
        specialist_unit: "专业执法大队",
    }
    squads_by_unit: dict[int, list[int]] = defaultdict(list)

    specialist = []
    for k, (sname, codes) in enumerate(SPECIALIST_SQUADS, start=1):
        sid = squad(
            f"ZY{k:02d}",
            f"专业执法大队{sname}",
            specialist_unit,
            "enforcement",
            None,
            all_cells,
            SPECIALIST_SHIFTS.get(k, STANDARD_SHIFTS["day"]),
        )
        squads_by_unit[specialist_unit].append(sid)
        specialist.append((sid, codes))

    street_squads: list[list[int]] = []
    street_team: list[int] = []
    for st in geo.streets:
        dname = DISTRICT_NAMES[st.district]
        short = st.name.removesuffix("街道")
        team = unit(
            f"ZD{st.code}", f"{dname}{short}执法中队", "team", "enforcement", general, st.district
        )
        unit_names[team] = f"{short}执法中队"
        street_team.append(team)
        ids = []
        for k in range(1, rnd.choice((2, 3, 3)) + 1):
            sid = squad(
                f"ZF{st.code}{k}",
                f"{short}中队第{_CN[k]}执法组",
                team,
                "enforcement",
                st.district,
                st.cells,
                STREET_SHIFTS[k],
            )
            ids.append(sid)
            squads_by_unit[team].append(sid)
        street_squads.append(ids)

    units_by_type: dict[str, list[int]] = defaultdict(list)
    for k, (utype, dname, under_bureau, crews) in enumerate(DEPARTMENTS, start=1):
        dep = unit(f"DEP{k:02d}", dname, "department", utype, bureau if under_bureau else None)
        unit_names[dep] = dname
        units_by_type[utype].append(dep)
        for j, (crew, district) in enumerate(crews, start=1):
            home = cells_of_district[district] if district else all_cells
            sid = squad(f"DEP{k:02d}-{j}", crew, dep, utype, district, home)
            squads_by_unit[dep].append(sid)

    # The command centre's desks and the bureau's supervisors.
    for role, n in ROLE_COUNTS.items():
        for _ in range(n):
            person(role, bureau if role is Role.SUPERVISOR else centre)
    # One grid worker (监督员) per responsibility grid, employed by the street's team; the
    # grid's squad is one of that team's squads, taken in turn.
    rgrid_ids, rgrid_squad, rgrid_inspector = [], [], []
    turn: Counter[int] = Counter()
    for k, rg in enumerate(geo.rgrids):
        s_index = geo.communities[rg.parent].parent
        rgrid_ids.append(id_base["responsibility_grids"] + k + 1)
        options = street_squads[s_index]
        rgrid_squad.append(options[turn[s_index] % len(options)])
        turn[s_index] += 1
        rgrid_inspector.append(person(Role.INSPECTOR, street_team[s_index]))
    _add_demo_users(people_rows, people, centre, street_squads[0][0], squads)

    org = _Organisation(
        units,
        squads_rows,
        people_rows,
        roles,
        squads,
        dict(people),
        unit_names,
        dict(units_by_type),
        dict(squads_by_unit),
        specialist,
        rgrid_ids,
        rgrid_squad,
        rgrid_inspector,
    )
    _fill_geometry_rows(geo, org)
    return org


def _add_demo_users(
    people_rows: list[dict[str, Any]],
    people: dict[Role, list[int]],
    centre: int,
    first_street_squad: int,
    squads: dict[int, _SquadInfo],
) -> None:
    """Sign-in names for one person per role (the first of each; the squad lead is the first
    member of the first street team's first squad, where most cases go), and one more person
    without roles: the command centre's video wall. No random draws: the rest of the city
    does not move. All share the demo password's fixed hash (see `services.auth`)."""
    row_of = {row["id"]: row for row in people_rows}
    for username, role in DEMO_USERS:
        if role is None:
            row = {
                "id": max(row_of) + 1,
                "code": "WALL0001",
                "name": "大屏幕",  # 大 is no surname: never one of the generated names
                "unit_id": centre,
                "squad_id": None,
                "phone": None,
                "active": True,
            }
            people_rows.append(row)
        elif role is Role.SQUAD:
            row = row_of[squads[first_street_squad].members[0]]
        else:
            row = row_of[people[role][0]]
        row["username"] = username
        row["password_hash"] = DEMO_PASSWORD_HASH


class _NameMaker:
    """Chinese names from common surnames and given-name characters; unique, deterministic."""

    def __init__(self, rnd: random.Random) -> None:
        self._rnd = rnd
        self._seen: set[str] = set()
        # Common surnames are much more common (roughly Zipf).
        self._weights = [1.0 / (i + 4) for i in range(len(SURNAMES))]

    def next(self) -> str:
        while True:
            surname = self._rnd.choices(SURNAMES, self._weights)[0]
            given = "".join(self._rnd.choice(GIVEN) for _ in range(self._rnd.choice((1, 2, 2))))
            name = surname + given
            if name not in self._seen:
                self._seen.add(name)
                return name
