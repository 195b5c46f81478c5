"""Motion zones: schedules, the persistence state machine, validation and serialisation.

Timelines are hand-made: one sample every half second unless a test says otherwise, so each
expected trigger time is worked out from the zone's persist_s, gap_s and cooldown_s.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, time, timedelta

import pytest

from command_center.domain.calendar import CST
from command_center.domain.motion import (
    MotionPersistence,
    MotionZone,
    WeeklyWindow,
    ZoneSchedule,
    ZoneTrigger,
    polygon_area,
    validate_polygon,
    zone_from_dict,
    zone_to_dict,
    zones_from_list,
    zones_to_list,
)

SQUARE = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.5), (0.1, 0.5))
MON, TUE, WED, THU, FRI, SAT, SUN = range(1, 8)
# 2025-06-02 is a Monday
T0 = datetime(2025, 6, 2, 10, 0, tzinfo=CST)


def zone(**kw) -> MotionZone:
    kw.setdefault("id", "z1")
    kw.setdefault("name", "朝阳大街口 东南角")
    kw.setdefault("polygon", SQUARE)
    kw.setdefault("threshold", 0.05)
    kw.setdefault("persist_s", 3.0)
    kw.setdefault("gap_s", 1.0)
    kw.setdefault("cooldown_s", 60.0)
    return MotionZone(**kw)


def play(
    p: MotionPersistence, fractions: list[float], *, start: datetime = T0, step: float = 0.5
) -> list[tuple[float, ZoneTrigger]]:
    """Feed one sample every `step` seconds; return (seconds since start, trigger) pairs."""
    out = []
    for i, f in enumerate(fractions):
        t = i * step
        trigger = p.feed(start + timedelta(seconds=t), f)
        if trigger is not None:
            out.append((t, trigger))
    return out


def at(day: int, hh: int, mm: int = 0) -> datetime:
    """A CST moment in the week of Monday 2 June 2025 (day 1 = Monday … 7 = Sunday)."""
    return datetime(2025, 6, 1 + day, hh, mm, tzinfo=CST)


# -- schedules ----------------------------------------------------------------------
def test_an_empty_schedule_is_always_active():
    s = ZoneSchedule()
    assert s.always
    assert all(s.active(at(d, h)) for d in range(1, 8) for h in (0, 3, 12, 23))


def test_a_weekday_window_is_open_on_its_days_between_start_and_end():
    s = ZoneSchedule((WeeklyWindow(frozenset({MON, TUE, WED, THU, FRI}), time(7), time(19)),))
    assert s.active(at(MON, 7, 0))  # start is inclusive
    assert s.active(at(FRI, 18, 59))
    assert not s.active(at(FRI, 19, 0))  # end is exclusive
    assert not s.active(at(TUE, 6, 59))
    assert not s.active(at(SAT, 12))
    assert not s.active(at(SUN, 12))


def test_an_overnight_window_runs_into_the_next_day_and_not_into_the_previous():
    # night market: Friday and Saturday 20:00 until 02:00 the next morning
    s = ZoneSchedule((WeeklyWindow(frozenset({FRI, SAT}), time(20), time(2)),))
    assert s.active(at(FRI, 20))
    assert s.active(at(FRI, 23, 59))
    assert s.active(at(SAT, 1, 59))  # Friday night's window
    assert not s.active(at(SAT, 2))
    assert not s.active(at(SAT, 19, 59))
    assert s.active(at(SUN, 0, 30))  # Saturday night's window
    assert not s.active(at(FRI, 1))  # Thursday has no window
    assert not s.active(at(MON, 1))  # Sunday has no window
    assert not s.active(at(SUN, 21))


def test_sunday_overnight_window_wraps_into_monday():
    s = ZoneSchedule((WeeklyWindow(frozenset({SUN}), time(22), time(6)),))
    assert s.active(at(SUN, 23))
    assert s.active(at(MON, 5, 59))
    assert not s.active(at(MON, 6))


def test_start_equal_to_end_is_a_whole_day_from_start():
    s = ZoneSchedule((WeeklyWindow(frozenset({WED}), time(0), time(0)),))
    assert s.active(at(WED, 0)) and s.active(at(WED, 23, 59))
    assert not s.active(at(TUE, 23, 59)) and not s.active(at(THU, 0))


def test_several_windows_are_a_union():
    s = ZoneSchedule(
        (
            WeeklyWindow(frozenset({MON}), time(7), time(9)),
            WeeklyWindow(frozenset({MON}), time(17), time(19)),
        )
    )
    assert [s.active(at(MON, h)) for h in (6, 8, 12, 18, 20)] == [False, True, False, True, False]


def test_schedules_read_wall_time_in_china_standard_time():
    s = ZoneSchedule((WeeklyWindow(frozenset({MON}), time(8), time(9)),))
    assert s.active(datetime(2025, 6, 2, 0, 30, tzinfo=UTC))  # 08:30 CST
    assert not s.active(datetime(2025, 6, 2, 8, 30, tzinfo=UTC))  # 16:30 CST
    assert s.active(datetime(2025, 6, 2, 8, 30))  # naive: already CST wall time


@pytest.mark.parametrize(
    ("days", "message"),
    [(frozenset(), "at least one day"), (frozenset({0, 8}), r"1 \(Mon\) to 7 \(Sun\)")],
)
def test_window_days_are_checked(days, message):
    with pytest.raises(ValueError, match=message):
        WeeklyWindow(days, time(8), time(9))


# -- persistence --------------------------------------------------------------------
def test_fires_once_motion_has_lasted_exactly_persist_s():
    p = MotionPersistence(zone(persist_s=3.0))
    fired = play(p, [0.0, 0.1, 0.1, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1])
    # motion starts at 0.5 s, so 3 s have passed at 3.5 s, not before
    assert [t for t, _ in fired] == [3.5]
    trigger = fired[0][1]
    assert trigger.zone_id == "z1"
    assert trigger.started_at == T0 + timedelta(seconds=0.5)
    assert trigger.at == T0 + timedelta(seconds=3.5)
    assert trigger.duration_s == 3.0
    assert trigger.peak_fraction == 0.2
    assert math.isclose(trigger.mean_fraction, (0.1 * 6 + 0.2) / 7)


def test_motion_shorter_than_persist_s_does_not_fire():
    p = MotionPersistence(zone(persist_s=3.0))
    assert play(p, [0.1] * 6 + [0.0] * 10) == []  # 2.5 s of motion


def test_the_threshold_itself_counts_as_moving():
    p = MotionPersistence(zone(threshold=0.05, persist_s=1.0))
    assert [t for t, _ in play(p, [0.05, 0.05, 0.05])] == [1.0]
    p = MotionPersistence(zone(threshold=0.05, persist_s=1.0))
    assert play(p, [0.0499] * 10) == []


def test_a_short_gap_does_not_reset_the_run():
    p = MotionPersistence(zone(persist_s=3.0, gap_s=1.0))
    # quiet from 1.5 s, moving again at 2.5 s: a gap of exactly 1 s
    fired = play(p, [0.1, 0.1, 0.1, 0.0, 0.0, 0.1, 0.1, 0.1, 0.1])
    assert [t for t, _ in fired] == [3.0]
    assert fired[0][1].started_at == T0
    # the quiet samples count in the mean but not as motion
    assert math.isclose(fired[0][1].mean_fraction, 0.5 / 7)


def test_a_gap_longer_than_gap_s_starts_a_new_run():
    p = MotionPersistence(zone(persist_s=3.0, gap_s=1.0))
    # quiet from 1.5 s, moving again at 3 s: a gap of 1.5 s, so the run restarts at 3 s
    fired = play(p, [0.1, 0.1, 0.1, 0.0, 0.0, 0.0] + [0.1] * 7)
    assert [t for t, _ in fired] == [6.0]
    assert fired[0][1].started_at == T0 + timedelta(seconds=3)


def test_a_long_quiet_stretch_ends_the_run_without_more_motion():
    p = MotionPersistence(zone(persist_s=3.0, gap_s=1.0))
    play(p, [0.1, 0.1, 0.0, 0.0])
    assert p.running_since == T0  # quiet for 0.5 s so far
    play(p, [0.0], start=T0 + timedelta(seconds=2.5))
    assert p.running_since is None  # quiet for 1.5 s


def test_missing_samples_count_as_a_gap():
    p = MotionPersistence(zone(persist_s=3.0, gap_s=1.0))
    assert p.feed(T0, 0.1) is None
    assert p.feed(T0 + timedelta(seconds=2), 0.1) is None  # 2 s silence: new run from here
    assert p.running_since == T0 + timedelta(seconds=2)
    assert p.feed(T0 + timedelta(seconds=4.5), 0.1) is None  # and again
    assert p.feed(T0 + timedelta(seconds=5.5), 0.1) is None
    trigger = p.feed(T0 + timedelta(seconds=7.5), 0.1)
    assert trigger is None  # 2 s after 5.5: another new run
    assert p.running_since == T0 + timedelta(seconds=7.5)


def test_persist_s_zero_fires_on_the_first_moving_sample():
    p = MotionPersistence(zone(persist_s=0.0))
    assert [t for t, _ in play(p, [0.0, 0.3])] == [0.5]


def test_the_run_resets_when_the_window_closes():
    # the window closes at 10:00:02; motion keeps going across it
    window = WeeklyWindow(frozenset({MON}), time(8), time(10, 0, 2))
    p = MotionPersistence(zone(persist_s=3.0, schedule=ZoneSchedule((window,))))
    start = T0 - timedelta(seconds=1)  # 09:59:59
    fired = play(p, [0.1] * 20, start=start)  # 09:59:59 … 10:00:08.5
    assert fired == []
    assert p.running_since is None


def test_the_run_starts_afresh_when_the_window_opens():
    window = WeeklyWindow(frozenset({MON}), time(10, 0, 2), time(12))
    p = MotionPersistence(zone(persist_s=3.0, schedule=ZoneSchedule((window,))))
    fired = play(p, [0.1] * 20)  # motion from 10:00:00; the window opens at 10:00:02
    assert [t for t, _ in fired] == [5.0]
    assert fired[0][1].started_at == T0 + timedelta(seconds=2)


def test_no_second_trigger_within_the_cooldown():
    p = MotionPersistence(zone(persist_s=2.0, cooldown_s=10.0))
    fired = play(p, [0.1] * 40)  # 20 s of continuous motion
    # 2 s; then a new run from 2.5 s may fire only at 2 + 10 = 12 s
    assert [t for t, _ in fired] == [2.0, 12.0]
    assert fired[1][1].started_at == T0 + timedelta(seconds=2.5)


def test_after_the_cooldown_motion_must_persist_again():
    p = MotionPersistence(zone(persist_s=2.0, cooldown_s=5.0))
    fired = play(p, [0.1] * 5 + [0.0] * 10 + [0.1] * 6)
    # first at 2 s; quiet 2.5–7 s; motion from 7.5 s fires at 9.5 s (cooldown ended at 7 s)
    assert [t for t, _ in fired] == [2.0, 9.5]


def test_the_cooldown_survives_a_reset_and_a_closed_window():
    p = MotionPersistence(zone(persist_s=0.0, cooldown_s=60.0))
    assert p.feed(T0, 0.5) is not None
    p.reset()
    assert p.feed(T0 + timedelta(seconds=30), 0.5) is None
    assert p.feed(T0 + timedelta(seconds=60), 0.5) is not None


def test_samples_must_come_in_time_order_and_in_range():
    p = MotionPersistence(zone())
    p.feed(T0, 0.1)
    with pytest.raises(ValueError, match="time order"):
        p.feed(T0 - timedelta(seconds=1), 0.1)
    for bad in (-0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match="within 0..1"):
            p.feed(T0 + timedelta(seconds=1), bad)


# -- validation ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        (((0.1, 0.1), (0.5, 0.1)), "at least 3 vertices"),
        (((0.1, 0.1), (0.5, 0.1), (0.5, math.nan)), "vertex 2: y is not finite"),
        (((0.1, 0.1), (0.5, 0.1), (math.inf, 0.5)), "vertex 2: x is not finite"),
        (((0.1, 0.1), (1.2, 0.1), (0.5, 0.5)), r"vertex 1: x=1.2 is outside the image"),
        (((0.1, -0.01), (0.5, 0.1), (0.5, 0.5)), "vertex 0: y=-0.01 is outside the image"),
        (((0.1, 0.1), (0.3, 0.3), (0.5, 0.5)), "degenerate"),  # collinear
        (((0.1, 0.1), (0.105, 0.1), (0.105, 0.105)), "degenerate"),  # a speck
        (((0.1, 0.1), "ab", (0.5, 0.5)), r"vertex 1 must be an \(x, y\) pair, got 'ab'"),
        (((0.1, 0.1), (0.2,), (0.5, 0.5)), r"vertex 1 must be an \(x, y\) pair"),
        (((0.1, 0.1), (True, 0.2), (0.5, 0.5)), "vertex 1: x must be a number"),
    ],
)
def test_bad_polygons_are_refused_with_a_reason(polygon, message):
    with pytest.raises(ValueError, match=message):
        zone(polygon=polygon)


def test_the_error_names_the_zone():
    with pytest.raises(ValueError, match="zone 'corner-3': polygon needs at least 3"):
        zone(id="corner-3", polygon=((0.1, 0.1),))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("threshold", 0.0, "threshold must be > 0 and <= 1"),
        ("threshold", 1.5, "threshold must be > 0 and <= 1"),
        ("persist_s", -1.0, "persist_s must be >= 0"),
        ("persist_s", math.nan, "persist_s must be a finite number"),
        ("cooldown_s", -5, "cooldown_s must be >= 0"),
        ("gap_s", "1", "gap_s must be a finite number"),
        ("category_code", "", "category_code must be a non-empty string"),
        ("name", "  ", "name must be a non-empty string"),
        ("id", "", "id must be a non-empty string"),
        ("location", (200.0, 41.5), "longitude must be >= -180 and <= 180"),
        ("schedule", [], "schedule must be a ZoneSchedule"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(field, value, message):
    with pytest.raises(ValueError, match=message):
        zone(**{field: value})


def test_polygon_area_and_normalisation():
    assert polygon_area(SQUARE) == pytest.approx(0.16)
    assert validate_polygon([[0, 0], [1, 0], [0, 1]]) == ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0))
    z = zone(polygon=[[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]], threshold=1)
    assert z.polygon == ((0.1, 0.1), (0.5, 0.1), (0.5, 0.5))
    assert isinstance(z.threshold, float)


# -- serialisation ------------------------------------------------------------------
def full_zone() -> MotionZone:
    return zone(
        id="cam12-z2",
        name="文化路口 西北角",
        category_code="200501",
        threshold=0.03,
        persist_s=120.0,
        gap_s=2.5,
        cooldown_s=1800.0,
        location=(120.4512, 41.5763),
        schedule=ZoneSchedule(
            (
                WeeklyWindow(frozenset({MON, TUE, WED, THU, FRI}), time(7), time(9, 30)),
                WeeklyWindow(frozenset({FRI, SAT}), time(20), time(2)),
                WeeklyWindow(frozenset({SUN}), time(6, 15, 30), time(6, 15, 30)),
            )
        ),
    )


def test_a_zone_survives_a_json_round_trip():
    z = full_zone()
    text = json.dumps(zone_to_dict(z), ensure_ascii=False)
    assert zone_from_dict(json.loads(text)) == z
    data = json.loads(text)
    assert data["schedule"][1] == {"days": [5, 6], "start": "20:00", "end": "02:00"}
    assert data["schedule"][2]["start"] == "06:15:30"
    assert data["polygon"][0] == [0.1, 0.1]


def test_a_camera_s_zones_round_trip_and_ids_are_unique():
    a, b = full_zone(), zone(id="z9")
    assert zones_from_list(json.loads(json.dumps(zones_to_list([a, b])))) == [a, b]
    with pytest.raises(ValueError, match="'z9' is used twice"):
        zones_to_list([b, b])
    with pytest.raises(ValueError, match="'z9' is used twice"):
        zones_from_list([zone_to_dict(b), zone_to_dict(b)])
    with pytest.raises(ValueError, match="must be a list"):
        zones_from_list({"id": "z9"})


def test_optional_fields_take_their_defaults():
    z = zone_from_dict({"id": "a", "name": "A", "polygon": SQUARE, "category_code": "200501"})
    assert z == MotionZone("a", "A", SQUARE, "200501")
    assert z.schedule.always and z.location is None


def bad(**changes):
    data = zone_to_dict(full_zone())
    for k, v in changes.items():
        if v is ...:
            del data[k]
        else:
            data[k] = v
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not a zone", "a zone must be an object, got str"),
        (bad(polygon=...), "zone 'cam12-z2': missing 'polygon'"),
        (bad(colour="red"), "zone 'cam12-z2': unknown 'colour'"),
        (bad(polygon="0,0 1,0 1,1"), "polygon must be a list of"),
        (bad(polygon=[[0, 0], [1, 0], [2, 1]]), r"vertex 2: x=2 is outside the image"),
        (bad(threshold="high"), "threshold must be a finite number"),
        (bad(schedule={"days": [1]}), "schedule must be a list of windows"),
        (bad(schedule=[{"days": [1], "start": "8:00"}]), r"schedule\[0\]: missing 'end'"),
        (
            bad(schedule=[{"days": [1], "start": "25:00", "end": "09:00"}]),
            r"schedule\[0\].start must be 'HH:MM'",
        ),
        (
            bad(schedule=[{"days": [0, 1], "start": "08:00", "end": "09:00"}]),
            r"schedule\[0\]: days of the week run 1 \(Mon\) to 7 \(Sun\), got \[0\]",
        ),
        (
            bad(schedule=[{"days": "weekdays", "start": "08:00", "end": "09:00"}]),
            r"schedule\[0\].days must be a list",
        ),
        (bad(location=[120.0]), r"location must be \[lon, lat\] or null"),
        (bad(location=[120.0, 95.0]), "latitude must be >= -90 and <= 90"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(data, message):
    with pytest.raises(ValueError, match=message):
        zone_from_dict(data)
