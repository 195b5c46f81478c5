"""A small organisation on a real database: one district, a few grids, a unit, squads, people."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pytest

from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Role
from command_center.services.cases import Actor, CaseService
from command_center.store.models import (
    Community,
    District,
    Person,
    PersonRole,
    Squad,
    Street,
    Unit,
    UnitGrid,
)


class FakeClock:
    """A clock the test moves by hand (time itself is not what these tests are about)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Org:
    service: CaseService
    clock: FakeClock
    actors: dict[Role, Actor]
    unit_id: int
    squad_ids: list[int]
    other_unit_id: int


def _square(lon: float, lat: float, d: float = 0.001) -> str:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.fixture
def org(store) -> Org:
    with store.transaction() as s:
        s.add(District(code="211302", name="双塔区", geometry=_square(120.40, 41.50, 0.2)))
        s.flush()
        s.add(Street(code="211302001", district_code="211302", name="南塔街道"))
        s.flush()
        s.add(Community(code="211302001001", street_code="211302001", name="测试社区"))
        s.flush()
        for i in range(3):
            lon = 120.45 + i * 0.001
            s.add(UnitGrid(
                code=f"211302001001{i + 1:03d}", district_code="211302", street_code="211302001",
                community_code="211302001001", geometry=_square(lon, 41.57), min_lon=lon,
                min_lat=41.57, max_lon=lon + 0.001, max_lat=41.571, area_m2=9300.0,
            ))
        unit = Unit(code="T01", name="南塔中队", kind="team", unit_type="enforcement")
        other = Unit(code="D01", name="市政设施管理处", kind="department", unit_type="municipal")
        s.add_all([unit, other])
        s.flush()
        squads = [Squad(code=f"SQ{i}", name=f"南塔一组{i}", unit_id=unit.id) for i in (1, 2)]
        s.add_all(squads)
        s.flush()
        actors = {}
        for n, role in enumerate(Role):
            p = Person(code=f"P{n}", name=f"人员{n}", unit_id=unit.id)
            s.add(p)
            s.flush()
            s.add(PersonRole(person_id=p.id, role=role.value))
            actors[role] = Actor(p.id, role)
        unit_id, other_id, squad_ids = unit.id, other.id, [q.id for q in squads]
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=CST))  # a Monday
    service = CaseService(store, Catalogue.default(), WorkCalendar.default(), clock=clock)
    return Org(service, clock, actors, unit_id, squad_ids, other_id)
