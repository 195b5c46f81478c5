"""The city's picture for the window: cases per grid, zones, squads and what they are doing."""

from __future__ import annotations

from datetime import timedelta

from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Role as R
from command_center.services.queries import load_snapshot
from command_center.services.squads import SquadService


def test_squads_activity_follows_their_cases_and_positions(org):
    svc, a = org.service, org.actors
    case_id = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                         lat=41.5705).case_id
    svc.register(a[R.SHIFT_CHIEF], case_id)
    first, second = org.squad_ids
    svc.dispatch(a[R.DISPATCHER], case_id, squad_id=first)
    squads = SquadService(svc.store, clock=org.clock)
    squads.report_position(first, 120.46, 41.58, 200.0, org.clock())  # ~1.3 km away
    squads.report_position(second, 120.45, 41.57, 0.0, org.clock())

    def activity():
        snap = load_snapshot(svc.store, Catalogue.default(), org.clock())
        return {s.id: s.activity for s in snap.squads}, snap

    acts, snap = activity()
    assert acts == {first: "en_route", second: "idle"}
    assert [c.open_cases for c in snap.grid_cells if c.open_cases] == [1]
    svc.accept(a[R.SQUAD], case_id)
    org.clock.now += timedelta(minutes=5)
    squads.report_position(first, 120.4516, 41.5706, 200.0, org.clock())  # on site
    squads.report_position(second, 120.45, 41.57, 0.0, org.clock())
    assert activity()[0] == {first: "handling", second: "idle"}
    org.clock.now += timedelta(minutes=20)  # nobody reports for 20 minutes
    assert activity()[0] == {first: "offline", second: "offline"}
