"""The shape of the demo year: when cases are reported and by whom, under which
categories (by season), and where in the city."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import numpy as np
import shapely

from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Category
from command_center.services.seed.cameras import _Cameras
from command_center.services.seed.geography import _Geography

# Relative frequency of categories (events 77 %, components 23 %); unlisted codes get a
# small share. Seasonal categories follow a month profile (Jan..Dec).
EVENT_WEIGHTS = {
    "200102": 14, "200507": 10, "200504": 9, "200201": 9, "200501": 8, "200104": 6,
    "200505": 6, "200506": 3, "200103": 3, "200204": 2, "200503": 2, "200510": 2.5,
    "200598": 1.5, "200304": 1.5, "200123": 1.5, "200108": 1.0, "200202": 1.0, "200203": 1.0,
    "200101": 1.0, "200141": 0.8, "200111": 0.8, "200112": 1.2, "200302": 0.8, "200301": 0.5,
    "200508": 0.7, "200306": 1.0, "200404": 0.5, "200599": 1.0, "200107": 0.5, "200127": 0.5,
    "200137": 0.6, "200138": 0.5, "200139": 0.6, "200142": 0.6, "200192": 0.4, "200124": 0.4,
    "200311": 0.4, "200313": 0.4, "200509": 0.4, "200502": 0.3,
}  # fmt: skip
COMPONENT_WEIGHTS = {
    "0305": 5, "0118": 4, "0102": 1.5, "0103": 1.5, "0104": 1.5, "0101": 0.8, "0114": 0.4,
    "0211": 1.5, "0209": 1.0, "0402": 2.0, "0405": 1.5, "0307": 1.5, "0301": 1.0, "0117": 0.5,
    "0212": 0.5, "0407": 0.5, "0403": 0.7, "0203": 0.5, "0501": 0.5, "0213": 0.4, "0210": 0.4,
    "0408": 0.4, "0126": 0.4, "0119": 0.3, "0120": 0.3,
}  # fmt: skip
RARE = {"200407", "200411", "200412", "200413", "200116", "200133", "200134", "200135"}
_SUMMER = (0.1, 0.1, 0.2, 0.5, 1.2, 1.8, 2.2, 2.2, 1.4, 0.6, 0.2, 0.1)
_RAIN = (0.0, 0.0, 0.1, 0.3, 0.6, 1.5, 3.0, 3.0, 1.2, 0.3, 0.05, 0.0)
_SNOW = (3.0, 2.5, 1.5, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 1.5, 3.0)
_BUILD = (0.2, 0.2, 0.6, 1.2, 1.4, 1.4, 1.4, 1.4, 1.4, 1.2, 0.6, 0.2)
_LEAVES = (0.3, 0.3, 0.8, 1.0, 0.5, 0.3, 0.3, 0.3, 0.8, 2.5, 2.5, 0.5)
SEASONAL = {
    "200510": _SUMMER,
    "200409": _SUMMER,
    "200113": _SUMMER,
    "200141": _SUMMER,
    "200111": _RAIN,
    "200404": _RAIN,
    "200192": _RAIN,
    "200112": _SNOW,
    "200302": _BUILD,
    "200301": _BUILD,
    "200120": _BUILD,
    "200307": _BUILD,
    "200313": _BUILD,
    "200311": _BUILD,
    "200127": _LEAVES,
    "0402": _SUMMER,
}

SOURCES_OTHER = (("hotline", 0.47), ("public", 0.24), ("camera", 0.24), ("leader", 0.05))
INSPECTOR_SHARE = 0.58
# Reports per hour of day (CST): inspectors patrol by day; the public calls into the evening.
HOURS_INSPECTOR = (0, 0, 0, 0, 0, 0, 0.2, 1.0, 3.0, 4.0, 4.0, 3.5, 1.5, 2.0, 3.5, 3.8, 3.5, 2.0,
                   0.8, 0.4, 0.2, 0.1, 0, 0)  # fmt: skip
HOURS_OTHER = (0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 2.5, 3.0, 3.0, 2.8, 2.2, 2.4, 2.7, 2.8,
               2.6, 2.4, 2.2, 2.2, 2.0, 1.6, 1.0, 0.6)  # fmt: skip
LUNAR_NEW_YEAR = {
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}


def _times_and_sources(
    calendar: WorkCalendar, now: datetime, n: int, rng: np.random.Generator
) -> tuple[list[datetime], list[str]]:
    """Report times: seasons, weekdays, holidays, 春节 and the hours of the day."""
    start = now - timedelta(days=365)
    day0 = start.replace(hour=0, minute=0, second=0, microsecond=0)
    ndays = (now.date() - day0.date()).days + 1
    days = [day0.date() + timedelta(days=k) for k in range(ndays)]
    holidays = calendar.holidays
    w_insp = np.empty(ndays)
    w_other = np.empty(ndays)
    for k, d in enumerate(days):
        season = 1.0 + 0.3 * math.cos(2 * math.pi * (d.timetuple().tm_yday - 196) / 365.25)
        working = calendar.is_working_day(d)
        lny = LUNAR_NEW_YEAR.get(d.year + (1 if d.month >= 11 else 0))
        spring = 1.0
        if lny is not None and -2 <= (d - lny).days <= 7:
            spring = 0.4
        w_insp[k] = season * spring * (1.0 if working else 0.45)
        w_other[k] = season * spring * (1.0 if working else 0.85) * (0.85 if d in holidays else 1.0)
    hi = np.array(HOURS_INSPECTOR) / sum(HOURS_INSPECTOR)
    ho = np.array(HOURS_OTHER) / sum(HOURS_OTHER)
    slots_insp = INSPECTOR_SHARE * np.outer(w_insp, hi).ravel()
    slots_other = (1 - INSPECTOR_SHARE) * np.outer(w_other, ho).ravel()
    slot_start = (
        np.array([datetime.combine(d, datetime.min.time(), CST).timestamp() for d in days])[:, None]
        + np.arange(24)[None, :] * 3600.0
    )
    slot_start = slot_start.ravel()
    t0, t1 = start.timestamp(), now.timestamp()
    # Fraction of each hour inside [start, now).
    frac = np.clip((np.minimum(slot_start + 3600, t1) - np.maximum(slot_start, t0)) / 3600, 0, 1)
    total = (slots_insp + slots_other) * frac
    slot = rng.choice(len(total), size=n, p=total / total.sum())
    lo = np.maximum(slot_start[slot], t0)
    hi_t = np.minimum(slot_start[slot] + 3600, t1)
    stamps = lo + rng.random(n) * (hi_t - lo)
    is_insp = rng.random(n) < slots_insp[slot] / (slots_insp + slots_other)[slot]
    names = [s for s, _ in SOURCES_OTHER]
    other = rng.choice(len(names), size=n, p=[p for _, p in SOURCES_OTHER])
    order = np.argsort(stamps, kind="stable")
    times = [datetime.fromtimestamp(float(t), CST).replace(microsecond=0) for t in stamps[order]]
    sources = ["inspector" if is_insp[i] else names[other[i]] for i in order]
    return times, sources


def _categories_for(
    categories: Sequence[Category], times: Sequence[datetime], rng: np.random.Generator
) -> np.ndarray:
    """Category index per case, from the month's mix."""
    w = np.empty((12, len(categories)))
    ev_total = sum(EVENT_WEIGHTS.values())
    co_total = sum(COMPONENT_WEIGHTS.values())
    for k, c in enumerate(categories):
        if c.kind.value == "event":
            base = EVENT_WEIGHTS.get(c.code, 0.01 if c.code in RARE else 0.12)
            base *= 0.77 / ev_total
        else:
            base = COMPONENT_WEIGHTS.get(c.code, 0.12) * 0.23 / co_total
        profile = SEASONAL.get(c.code, (1.0,) * 12)
        w[:, k] = base * np.array(profile)
    w /= w.sum(axis=1, keepdims=True)
    months = np.array([t.month - 1 for t in times])
    out = np.empty(len(times), dtype=np.intp)
    for m in range(12):
        sel = np.flatnonzero(months == m)
        if len(sel):
            out[sel] = rng.choice(len(categories), size=len(sel), p=w[m])
    return out


def _locations(
    geo: _Geography,
    cameras: _Cameras,
    categories: Sequence[Category],
    cat_idx: np.ndarray,
    sources: Sequence[str],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell and point of each case: street-order cases crowd markets and main streets;
    camera cases are seen by a camera."""
    n = len(cat_idx)
    street_like = np.array(
        [
            categories[k].major_code in ("02", "05") and categories[k].kind.value == "event"
            for k in cat_idx
        ]
    )
    cell = rng.choice(len(geo.cells), size=n, p=geo.weights_general)
    n_street = int(street_like.sum())
    cell[street_like] = rng.choice(len(geo.cells), size=n_street, p=geo.weights_street)
    cam = np.array([s == "camera" for s in sources])
    cam_cells = np.array(cameras.cells)
    cell[cam] = cam_cells[rng.integers(len(cam_cells), size=int(cam.sum()))]
    geoms = np.array([c.geom for c in geo.cells], dtype=object)
    bounds = shapely.bounds(geoms)
    shapely.prepare(geoms)
    lon = np.empty(n)
    lat = np.empty(n)
    todo = np.arange(n)
    for _ in range(200):
        if not len(todo):
            break
        b = bounds[cell[todo]]
        x = b[:, 0] + rng.random(len(todo)) * (b[:, 2] - b[:, 0])
        y = b[:, 1] + rng.random(len(todo)) * (b[:, 3] - b[:, 1])
        ok = shapely.contains_xy(geoms[cell[todo]], x, y)
        lon[todo[ok]], lat[todo[ok]] = x[ok], y[ok]
        todo = todo[~ok]
    for i in todo:  # pathological shapes: the cell's own representative point
        p = geo.cells[cell[i]].geom.representative_point()
        lon[i], lat[i] = p.x, p.y
    return cell, lon, lat  # not rounded: a rounded point may step out of its cell
