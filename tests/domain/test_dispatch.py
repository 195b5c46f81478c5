"""Dispatch rules (command_center.domain.dispatch), with numbers worked out by hand.

Squads are placed due north or east of the case at a chosen distance, so the great-circle
distance is known in advance: along a meridian it is R × Δφ exactly.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

import pytest

from command_center.domain.calendar import CST, TimeLimit, TimeUnit, WorkCalendar
from command_center.domain.dispatch import (
    AcceptanceState,
    DispatchWeights,
    Escalation,
    Exclusion,
    OpenCaseIndex,
    SquadCandidate,
    UnitMismatch,
    acceptance_due_at,
    acceptance_state,
    deadline_alerts,
    escalation_due,
    escalations,
    exclusion,
    possible_duplicates,
    recommend,
)
from command_center.domain.geo import EARTH_MEAN_RADIUS_M, GeoError, haversine_m

CASE_LON, CASE_LAT = 120.45, 41.57  # central Chaoyang


def north(d_m: float) -> tuple[float, float]:
    """The point `d_m` metres due north of the case."""
    return CASE_LON, CASE_LAT + math.degrees(d_m / EARTH_MEAN_RADIUS_M)


def east(d_m: float) -> tuple[float, float]:
    """A point about `d_m` metres due east of the case (exact distance: use haversine_m)."""
    phi = math.radians(CASE_LAT)
    return CASE_LON + math.degrees(d_m / (EARTH_MEAN_RADIUS_M * math.cos(phi))), CASE_LAT


def squad(
    id: int,
    d_m: float,
    status: str = "available",
    open_cases: int = 0,
    **kw,
) -> SquadCandidate:
    lon, lat = north(d_m)
    return SquadCandidate(id=id, lon=lon, lat=lat, status=status, open_cases=open_cases, **kw)


def ids(recs) -> list[int]:
    return [r.squad_id for r in recs]


# ---------------------------------------------------------------- recommend

# Default speed 20 km/h = 1000/3 m per minute, so 1000 m is 3.0 min and 400 m is 1.2 min.


def test_nearest_available_squad_wins():
    recs = recommend(CASE_LON, CASE_LAT, [squad(1, 1000), squad(2, 400), squad(3, 2000)])
    assert ids(recs) == [2, 1, 3]
    assert [r.score for r in recs] == pytest.approx([1.2, 3.0, 6.0])
    assert [r.eta_min for r in recs] == pytest.approx([1.2, 3.0, 6.0])
    assert [r.distance_m for r in recs] == pytest.approx([400, 1000, 2000])


def test_off_duty_and_off_shift_squads_are_never_recommended():
    squads = [
        squad(1, 10, status="off_duty"),
        squad(2, 20, on_shift=False),
        squad(3, 5000),
        squad(4, 30, status="on_leave"),  # unknown status: not trusted either
    ]
    assert ids(recommend(CASE_LON, CASE_LAT, squads, limit=None)) == [3]
    assert exclusion(squads[0]) is Exclusion.OFF_DUTY
    assert exclusion(squads[1]) is Exclusion.OFF_SHIFT
    assert exclusion(squads[2]) is None
    assert exclusion(squads[3]) is Exclusion.UNKNOWN_STATUS


def test_load_and_busy_penalties_outrank_a_nearer_squad():
    squads = [
        squad(1, 1000),  # 3.0 min
        squad(2, 500, status="busy", open_cases=2),  # 1.5 + 2 × 10 + 15 = 36.5 min
        squad(3, 400, open_cases=1),  # 1.2 + 10 = 11.2 min
    ]
    recs = recommend(CASE_LON, CASE_LAT, squads)
    assert ids(recs) == [1, 3, 2]
    assert [r.score for r in recs] == pytest.approx([3.0, 11.2, 36.5])
    assert [r.load for r in recs] == [0, 1, 2]


def test_the_weights_are_parameters():
    weights = DispatchWeights(speed_kmh=60.0, minutes_per_open_case=2.0, busy_penalty_min=5.0)
    squads = [squad(1, 3000), squad(2, 1000, status="busy", open_cases=1)]
    recs = recommend(CASE_LON, CASE_LAT, squads, weights=weights)
    # 60 km/h = 1000 m/min: squad 1 is 3.0 min; squad 2 is 1.0 + 2.0 + 5.0 = 8.0 min.
    assert ids(recs) == [1, 2]
    assert [r.score for r in recs] == pytest.approx([3.0, 8.0])
    # Without the busy penalty squad 2 would cost 3.0 too, then win on distance.
    cheap_busy = DispatchWeights(speed_kmh=60.0, minutes_per_open_case=1.5, busy_penalty_min=0)
    assert ids(recommend(CASE_LON, CASE_LAT, squads, weights=cheap_busy)) == [2, 1]


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(None, None), (120.4, None), (None, 41.5), (math.nan, 41.5), (120.4, math.inf), (120.4, 95)],
)
def test_a_squad_without_a_usable_position_is_excluded(lon, lat):
    lost = SquadCandidate(id=1, lon=lon, lat=lat, status="available")
    assert exclusion(lost) is Exclusion.NO_POSITION
    assert ids(recommend(CASE_LON, CASE_LAT, [lost, squad(2, 9000)])) == [2]


def test_a_stale_position_is_excluded_only_when_now_is_given():
    now = datetime(2025, 6, 3, 10, 0, tzinfo=CST)
    old = squad(1, 100, position_at=now - timedelta(minutes=16))
    fresh = squad(2, 900, position_at=now - timedelta(minutes=15))  # at the limit: still fine
    unknown_age = squad(3, 1500)
    assert ids(recommend(CASE_LON, CASE_LAT, [old, fresh, unknown_age], now=now)) == [2, 3]
    assert exclusion(old, now=now) is Exclusion.STALE_POSITION
    assert ids(recommend(CASE_LON, CASE_LAT, [old, fresh, unknown_age])) == [1, 2, 3]


def test_limit():
    squads = [squad(i, 100.0 * i) for i in range(1, 9)]
    assert ids(recommend(CASE_LON, CASE_LAT, squads)) == [1, 2, 3, 4, 5]  # default 5
    assert ids(recommend(CASE_LON, CASE_LAT, squads, limit=3)) == [1, 2, 3]
    assert ids(recommend(CASE_LON, CASE_LAT, reversed(squads), limit=2)) == [1, 2]
    assert len(recommend(CASE_LON, CASE_LAT, squads, limit=None)) == 8
    assert recommend(CASE_LON, CASE_LAT, squads, limit=0) == []
    assert recommend(CASE_LON, CASE_LAT, [], limit=3) == []
    with pytest.raises(ValueError, match="limit"):
        recommend(CASE_LON, CASE_LAT, squads, limit=-1)


def test_equal_scores_are_ordered_by_distance_then_id():
    same_place = [squad(7, 600), squad(3, 600), squad(5, 600)]
    assert ids(recommend(CASE_LON, CASE_LAT, same_place)) == [3, 5, 7]
    assert ids(recommend(CASE_LON, CASE_LAT, same_place, limit=2)) == [3, 5]
    # Equal scores at different distances: a travel time far below the rounding step of a
    # huge load penalty (ulp(1e6) = 1.2e-10 min; 900 m at 1e12 km/h = 5.4e-11 min).
    weights = DispatchWeights(speed_kmh=1e12, minutes_per_open_case=1e6)
    far, near = squad(1, 900, open_cases=1), squad(2, 300, open_cases=1)
    recs = recommend(CASE_LON, CASE_LAT, [far, near], weights=weights)
    assert recs[0].score == recs[1].score == 1e6
    assert ids(recs) == [2, 1]  # the nearer squad, although its id is higher


def test_reasons_carry_the_numbers():
    recs = recommend(
        CASE_LON,
        CASE_LAT,
        [squad(4, 850, status="busy", open_cases=2), squad(5, 2000)],
        limit=None,
    )
    busy, free = recs[1], recs[0]
    assert free.squad_id == 5 and free.reasons == (("distance", pytest.approx(2000.0)),)
    assert busy.squad_id == 4
    assert [r[0] for r in busy.reasons] == ["distance", "load", "busy"]
    assert busy.reasons[0][1] == pytest.approx(850.0)
    assert busy.reasons[0][1] == busy.distance_m
    assert busy.reasons[1:] == (("load", 2), ("busy",))
    # 850 m at 1000/3 m/min = 2.55 min, + 2 × 10 + 15 = 37.55 min.
    assert busy.eta_min == pytest.approx(2.55)
    assert busy.score == pytest.approx(37.55)


def test_unit_type_mismatch_is_excluded_by_default():
    squads = [
        squad(1, 100, unit_type="sanitation"),
        squad(2, 800, unit_type="enforcement"),
        squad(3, 1200),  # unit type unknown: not judged
    ]
    recs = recommend(CASE_LON, CASE_LAT, squads, responsible_unit_type="enforcement")
    assert ids(recs) == [2, 3]
    assert exclusion(squads[0], responsible_unit_type="enforcement") is Exclusion.UNIT_MISMATCH
    # Without a responsible unit type every squad is fair game.
    assert ids(recommend(CASE_LON, CASE_LAT, squads)) == [1, 2, 3]


def test_unit_type_mismatch_can_be_penalised_or_ignored():
    squads = [squad(1, 100, unit_type="sanitation"), squad(2, 8000, unit_type="enforcement")]
    penalise = DispatchWeights(unit_mismatch=UnitMismatch.PENALISE)
    recs = recommend(
        CASE_LON, CASE_LAT, squads, responsible_unit_type="enforcement", weights=penalise
    )
    # Squad 1: 0.3 + 30 = 30.3 min; squad 2: 24.0 min.
    assert ids(recs) == [2, 1]
    assert [r.score for r in recs] == pytest.approx([24.0, 30.3])
    assert recs[1].reasons[-1] == ("unit_mismatch", "sanitation")
    assert all(r[0] != "unit_mismatch" for r in recs[0].reasons)
    ignore = DispatchWeights(unit_mismatch="ignore")
    recs = recommend(
        CASE_LON, CASE_LAT, squads, responsible_unit_type="enforcement", weights=ignore
    )
    assert ids(recs) == [1, 2]
    assert recs[0].score == pytest.approx(0.3)


def test_bad_input_is_refused():
    with pytest.raises(GeoError):
        recommend(math.nan, CASE_LAT, [squad(1, 10)])
    with pytest.raises(GeoError):
        recommend(CASE_LON, 91.0, [squad(1, 10)])
    with pytest.raises(ValueError, match="open_cases"):
        squad(1, 10, open_cases=-1)
    with pytest.raises(ValueError, match="speed_kmh"):
        DispatchWeights(speed_kmh=0)
    with pytest.raises(ValueError, match="busy_penalty_min"):
        DispatchWeights(busy_penalty_min=-1)
    with pytest.raises(ValueError):
        DispatchWeights(unit_mismatch="sometimes")


@pytest.mark.parametrize("mismatch", list(UnitMismatch))
def test_recommend_ranks_exactly_the_squads_exclusion_lets_through(mismatch):
    rng = random.Random(3)
    now = datetime(2025, 6, 3, 10, 0, tzinfo=CST)
    weights = DispatchWeights(unit_mismatch=mismatch)
    squads = []
    for i in range(300):
        lon, lat = north(rng.uniform(0, 10_000))
        squads.append(
            SquadCandidate(
                id=i,
                lon=rng.choice([lon, lon, lon, None, math.nan]),
                lat=rng.choice([lat, lat, lat, None, 91.0]),
                status=rng.choice(["available", "busy", "off_duty", "unknown"]),
                open_cases=rng.randrange(4),
                unit_type=rng.choice([None, "enforcement", "sanitation"]),
                on_shift=rng.random() > 0.1,
                position_at=rng.choice([None, now - timedelta(minutes=rng.uniform(0, 30))]),
            )
        )
    kw = {"responsible_unit_type": "enforcement", "now": now, "weights": weights}
    recs = recommend(CASE_LON, CASE_LAT, squads, limit=None, **kw)
    expected = {s.id for s in squads if exclusion(s, **kw) is None}
    assert {r.squad_id for r in recs} == expected
    assert len(recs) == len(expected) > 0
    keys = [(r.score, r.distance_m, r.squad_id) for r in recs]
    assert keys == sorted(keys)


@pytest.mark.parametrize("seed", range(20))
def test_scores_are_monotone_in_distance_for_otherwise_equal_squads(seed):
    rng = random.Random(seed)
    status = rng.choice(["available", "busy"])
    load = rng.randrange(0, 6)
    bearing = rng.uniform(0, 2 * math.pi)
    weights = DispatchWeights(
        speed_kmh=rng.uniform(5, 80),
        minutes_per_open_case=rng.uniform(0, 30),
        busy_penalty_min=rng.uniform(0, 30),
    )
    distances = sorted(rng.uniform(0, 20_000) for _ in range(30))
    squads = []
    for i, d in enumerate(distances):
        # Points along one bearing on a local flat approximation: distance grows with d.
        lon = CASE_LON + math.degrees(
            d * math.sin(bearing) / (EARTH_MEAN_RADIUS_M * math.cos(math.radians(CASE_LAT)))
        )
        lat = CASE_LAT + math.degrees(d * math.cos(bearing) / EARTH_MEAN_RADIUS_M)
        squads.append(SquadCandidate(i, lon, lat, status, load))
    rng.shuffle(squads)
    recs = recommend(CASE_LON, CASE_LAT, squads, limit=None, weights=weights)
    by_distance = sorted(recs, key=lambda r: r.distance_m)
    scores = [r.score for r in by_distance]
    assert scores == sorted(scores)
    assert [r.squad_id for r in recs] == [r.squad_id for r in by_distance]
    penalty = load * weights.minutes_per_open_case + (
        weights.busy_penalty_min if status == "busy" else 0.0
    )
    for r in recs:
        assert r.score == pytest.approx(r.distance_m / weights.metres_per_minute + penalty)


# ---------------------------------------------------------------- acceptance escalation

T0 = datetime(2025, 6, 3, 10, 0, tzinfo=CST)
HALF_HOUR = timedelta(minutes=30)
SEC = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("accepted_at", "now", "expected"),
    [
        (None, T0, AcceptanceState.WAITING),
        (None, T0 + HALF_HOUR - SEC, AcceptanceState.WAITING),
        (None, T0 + HALF_HOUR, AcceptanceState.OVERDUE),  # time is up at the due instant
        (None, T0 + timedelta(hours=5), AcceptanceState.OVERDUE),
        (T0 + timedelta(minutes=10), T0 + timedelta(hours=5), AcceptanceState.ACCEPTED),
        (T0 + HALF_HOUR, T0 + HALF_HOUR, AcceptanceState.ACCEPTED),  # accepted at the bell
        (T0 + timedelta(hours=2), T0 + timedelta(hours=3), AcceptanceState.ACCEPTED),  # late
        (T0 + timedelta(hours=2), T0 + HALF_HOUR, AcceptanceState.OVERDUE),  # not yet accepted
        (T0 + timedelta(minutes=20), T0 + timedelta(minutes=10), AcceptanceState.WAITING),
    ],
)
def test_acceptance_state(accepted_at, now, expected):
    assert acceptance_state(T0, accepted_at, now, HALF_HOUR) is expected


def test_escalation_is_due_when_overdue_and_again_every_timeout():
    def due(now, accepted_at=None, last=None):
        return escalation_due(T0, accepted_at, now, HALF_HOUR, last_escalated_at=last)

    assert not due(T0 + HALF_HOUR - SEC)
    assert due(T0 + HALF_HOUR)
    assert not due(T0 + HALF_HOUR, accepted_at=T0 + HALF_HOUR)
    first = T0 + timedelta(minutes=31)
    assert not due(T0 + timedelta(minutes=45), last=first)
    assert not due(first + HALF_HOUR - SEC, last=first)
    assert due(first + HALF_HOUR, last=first)
    assert not due(first + HALF_HOUR, accepted_at=first + SEC, last=first)


def test_escalations_lists_the_cases_to_chase_longest_overdue_first():
    now = T0 + timedelta(hours=2)
    cases = [
        (1, T0 + timedelta(minutes=90), None),  # due 10:30+90=12:00 = now: overdue by 0
        (2, T0, None),  # due 10:30, overdue by 1 h 30
        (3, T0, T0 + timedelta(minutes=5)),  # accepted
        (4, T0 + timedelta(minutes=100), None),  # still waiting
        (5, T0 + timedelta(minutes=30), None, now - timedelta(minutes=10)),  # just escalated
        (6, T0 + timedelta(minutes=30), None, now - HALF_HOUR),  # escalate again
        (7, T0, None, None),  # due 10:30, same as case 2: tie broken by id
    ]
    assert escalations(cases, now, HALF_HOUR) == [
        Escalation(2, T0 + HALF_HOUR, timedelta(minutes=90)),
        Escalation(7, T0 + HALF_HOUR, timedelta(minutes=90)),
        Escalation(6, T0 + timedelta(hours=1), timedelta(hours=1)),
        Escalation(1, now, timedelta(0)),
    ]
    assert escalations([], now, HALF_HOUR) == []


def test_a_working_time_timeout_does_not_run_out_overnight():
    calendar = WorkCalendar(holidays=[], makeup_workdays=[])
    friday = datetime(2025, 6, 6, 17, 20, tzinfo=CST)
    limit = TimeLimit(0.5, TimeUnit.WORKING_HOURS)
    # 10 working minutes on Friday, the other 20 from 08:30 on Monday.
    monday_due = datetime(2025, 6, 9, 8, 50, tzinfo=CST)
    assert acceptance_due_at(friday, limit, calendar) == monday_due
    saturday = datetime(2025, 6, 7, 12, 0, tzinfo=CST)
    assert acceptance_state(friday, None, saturday, limit, calendar=calendar) is (
        AcceptanceState.WAITING
    )
    assert acceptance_state(friday, None, monday_due, limit, calendar=calendar) is (
        AcceptanceState.OVERDUE
    )
    # Natural time: overdue by 17:50 on Friday.
    assert acceptance_state(friday, None, saturday, HALF_HOUR) is AcceptanceState.OVERDUE


def test_bad_timeouts_are_refused():
    with pytest.raises(ValueError, match="WorkCalendar"):
        acceptance_due_at(T0, TimeLimit(1, TimeUnit.WORKING_HOURS))
    with pytest.raises(ValueError, match="positive"):
        acceptance_due_at(T0, timedelta(0))
    with pytest.raises(ValueError, match="positive"):
        acceptance_due_at(T0, TimeLimit(0, TimeUnit.NATURAL_HOURS), WorkCalendar([], []))


# ---------------------------------------------------------------- duplicates


def open_case(case_id: int, point: tuple[float, float], category: str = "0101"):
    return (case_id, point[0], point[1], category)


def test_duplicates_are_same_category_within_50_m_nearest_first():
    cases = [
        open_case(11, north(49.0)),
        open_case(12, north(51.0)),  # just outside
        open_case(13, north(10.0), category="0102"),  # near, but another category
        open_case(14, north(30.0)),
        open_case(15, east(45.0)),
        open_case(16, north(500.0)),
    ]
    found = possible_duplicates(CASE_LON, CASE_LAT, "0101", cases)
    assert [case_id for case_id, _ in found] == [14, 15, 11]
    assert [d for _, d in found] == pytest.approx([30.0, 45.0, 49.0], abs=0.3)
    assert found[0][1] == pytest.approx(30.0)
    assert possible_duplicates(CASE_LON, CASE_LAT, "0102", cases) == [(13, pytest.approx(10.0))]
    assert possible_duplicates(CASE_LON, CASE_LAT, "9999", cases) == []
    # The radius is a parameter, and inclusive.
    wider = possible_duplicates(CASE_LON, CASE_LAT, "0101", cases, radius_m=60)
    assert [case_id for case_id, _ in wider] == [14, 15, 11, 12]
    same_spot = possible_duplicates(CASE_LON, CASE_LAT, "0101", [open_case(1, north(0))], 0)
    assert same_spot == [(1, 0.0)]


def test_duplicates_at_equal_distance_are_ordered_by_id():
    cases = [open_case(9, north(20)), open_case(2, north(20)), open_case(5, north(20))]
    assert [i for i, _ in possible_duplicates(CASE_LON, CASE_LAT, "0101", cases)] == [2, 5, 9]


def test_duplicates_skip_cases_without_a_usable_position():
    cases = [
        (1, None, None, "0101"),
        (2, math.nan, CASE_LAT, "0101"),
        open_case(3, north(5)),
    ]
    assert [i for i, _ in possible_duplicates(CASE_LON, CASE_LAT, "0101", cases)] == [3]
    assert [i for i, _ in OpenCaseIndex(cases).near(CASE_LON, CASE_LAT, "0101")] == [3]
    with pytest.raises(GeoError):
        possible_duplicates(CASE_LON, None, "0101", cases)
    with pytest.raises(ValueError, match="radius"):
        possible_duplicates(CASE_LON, CASE_LAT, "0101", cases, radius_m=-1)


def test_the_index_agrees_with_the_one_shot_search():
    rng = random.Random(7)
    cases = [
        (i, CASE_LON + rng.uniform(-0.01, 0.01), CASE_LAT + rng.uniform(-0.008, 0.008), c)
        for i, c in enumerate(rng.choice(["0101", "0102", "0203"]) for _ in range(3000))
    ]
    index = OpenCaseIndex(cases)
    assert len(index) == 3000
    for _ in range(50):
        lon = CASE_LON + rng.uniform(-0.01, 0.01)
        lat = CASE_LAT + rng.uniform(-0.008, 0.008)
        category = rng.choice(["0101", "0102", "0203", "none"])
        radius = rng.choice([0, 50, 120, 400])
        expected = possible_duplicates(lon, lat, category, cases, radius)
        assert index.near(lon, lat, category, radius) == expected
        brute = sorted(
            (d, i)
            for i, x, y, c in cases
            if c == category and (d := haversine_m(lon, lat, x, y)) <= radius
        )
        assert [i for i, _ in expected] == [i for _, i in brute]


# ---------------------------------------------------------------- deadline alerts

NOW = datetime(2025, 6, 3, 14, 0, tzinfo=CST)
HOUR = timedelta(hours=1)


def test_deadline_alerts():
    cases = [
        (1, NOW + HOUR, False),  # due soon, at the edge
        (2, NOW + HOUR + SEC, False),  # on time
        (3, NOW, False),  # overdue at the deadline itself
        (4, NOW - timedelta(days=2), False),  # long overdue
        (5, NOW - timedelta(days=2), True),  # paused: no alert
        (6, None, False),  # no deadline
        (7, NOW + timedelta(minutes=5), False),  # due soon, sooner than 1
        (8, NOW - timedelta(days=2), False),  # same deadline as 4: by id
    ]
    assert deadline_alerts(cases, NOW) == {"due_soon": [7, 1], "overdue": [4, 8, 3]}
    assert deadline_alerts(cases, NOW, due_soon=timedelta(hours=2)) == {
        "due_soon": [7, 1, 2],
        "overdue": [4, 8, 3],
    }
    assert deadline_alerts([], NOW) == {"due_soon": [], "overdue": []}


def test_a_batch_spreads_over_the_squads_and_falls_back_to_any_kind():
    from command_center.domain.dispatch import BatchCase, plan_batch

    here = (120.45, 41.57)
    squads = [
        SquadCandidate(1, *here, "available", 0, unit_type="enforcement"),
        SquadCandidate(2, 120.452, 41.57, "available", 0, unit_type="enforcement"),  # ~170 m
        SquadCandidate(3, *here, "off_duty", 0, unit_type="enforcement"),
        SquadCandidate(4, *here, "available", 0, unit_type="sanitation"),
    ]
    cases = [BatchCase(i, *here, "enforcement") for i in (10, 11, 12)]
    plan = plan_batch(cases, squads)
    # 10 → the nearest (1); 11 → 2 (1 now has one case: +10 min > ~0.5 min drive); 12 → 1
    # again (both hold one; 1 is nearer). The sanitation squad is not of the right kind.
    assert plan == [(10, 1), (11, 2), (12, 1)]
    municipal = plan_batch([BatchCase(20, *here, "municipal")], squads)
    assert municipal == [(20, 1)]  # nobody of that kind: the best of any kind
    assert plan_batch([BatchCase(30, *here)], [squads[2]]) == []  # only off duty: left out


def test_a_squad_that_declined_the_case_is_not_offered_it_again():
    from command_center.domain.dispatch import BatchCase, plan_batch

    squads = [squad(1, 100), squad(2, 900)]
    assert ids(recommend(CASE_LON, CASE_LAT, squads)) == [1, 2]
    assert ids(recommend(CASE_LON, CASE_LAT, squads, declined={1})) == [2]
    assert exclusion(squads[0], declined={1}) is Exclusion.DECLINED
    assert exclusion(squads[1], declined={1}) is None
    here = (CASE_LON, CASE_LAT)
    assert plan_batch([BatchCase(7, *here, declined=frozenset({1}))], squads) == [(7, 2)]
    assert plan_batch([BatchCase(7, *here, declined=frozenset({1, 2}))], squads) == []
