"""What the registries' window (台账, `ui/registry_panel.py`) shows, read in one go on the
database worker: a kind's table (filtered, with case counts and the overdue ones), its key
figures (the plan's targets read from the registry) and one object's page (attributes,
place names, history, linked cases).

Plain reads over `RegistryService`; the rules (what is overdue, what a rate counts) stay in
`domain.registries` and the service.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from command_center.domain.calendar import CST
from command_center.domain.registries import COMPONENT_TYPES, KINDS, is_overdue
from command_center.services.plan_targets import TARGETS
from command_center.services.registries import (
    CaseRef,
    HistoryRow,
    ObjectRow,
    RegistryService,
    StreetRates,
)
from command_center.store.models import District, Street

__all__ = [
    "SMART_MARKETS_TARGET",
    "Figure",
    "KindSummary",
    "ObjectPage",
    "ProjectBar",
    "TablePage",
    "footprint_rectangle",
    "kind_summary",
    "load_object_page",
    "load_table",
    "place_names",
    "today_of",
]

SMART_MARKETS_TARGET = next(t.target for t in TARGETS if t.key == "smart_markets")
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Figure:
    """One key figure of a kind: `value` (None: nothing to count), shown as a percentage
    when `percent`, as "value/of" when `of` is set; `alert` when it misses its target."""

    key: str
    value: float | None
    percent: bool = False
    of: float | None = None
    alert: bool = False


@dataclass(frozen=True)
class ProjectBar:
    """A key project's progress towards its due date."""

    id: int
    code: str
    name: str
    status: str
    progress_pct: float
    due_on: str | None
    overdue: bool


@dataclass(frozen=True)
class KindSummary:
    kind: str
    figures: tuple[Figure, ...]
    streets: tuple[StreetRates, ...] = ()  # shop fronts: per street, the city last
    projects: tuple[ProjectBar, ...] = ()


@dataclass(frozen=True)
class TablePage:
    """A kind's objects as filtered, with their linked-case counts and the overdue ones."""

    kind: str
    rows: list[ObjectRow]
    case_counts: dict[int, int] = field(default_factory=dict)
    overdue: frozenset[int] = frozenset()
    streets: dict[str, str] = field(default_factory=dict)  # code → name, every street


@dataclass(frozen=True)
class ObjectPage:
    row: ObjectRow
    history: list[HistoryRow]
    cases: list[CaseRef]
    overdue: bool
    district_name: str | None
    street_name: str | None


def today_of(service: RegistryService) -> date:
    return service.clock().astimezone(CST).date()


def place_names(service: RegistryService) -> tuple[dict[str, str], dict[str, str]]:
    """(district code → name, street code → name), by code."""
    with service.store.read() as s:
        districts = dict(
            s.execute(select(District.code, District.name).order_by(District.code)).all()
        )
        streets = dict(s.execute(select(Street.code, Street.name).order_by(Street.code)).all())
    return districts, streets


def load_table(
    service: RegistryService,
    kind: str,
    *,
    status: str | None = None,
    street_code: str | None = None,
    text: str | None = None,
    overdue_only: bool = False,
    today: date | None = None,
) -> TablePage:
    """The objects of `kind` the filters let through, by code."""
    spec = KINDS[kind]
    today = today or today_of(service)
    rows = service.objects(kind, status=status, street_code=street_code, text=text or None)
    overdue = frozenset(o.id for o in rows if is_overdue(spec, o.status, o.attrs, today))
    if overdue_only:
        rows = [o for o in rows if o.id in overdue]
    _, streets = place_names(service)
    return TablePage(kind, rows, service.case_counts(o.id for o in rows), overdue, streets)


def kind_summary(service: RegistryService, kind: str, today: date | None = None) -> KindSummary:
    """The kind's key figures (see the module docstring of `ui/registry_panel.py`)."""
    today = today or today_of(service)
    if kind == "illegal_buildings":
        counts = service.illegal_building_counts(today.year)
        overdue = len(service.overdue(kind, today))
        return KindSummary(
            kind,
            (
                Figure(
                    "new_this_year",
                    counts["new_this_year"],
                    of=0.0,
                    alert=counts["new_this_year"] > 0,
                ),
                Figure("stock_open", counts["stock_open"], alert=counts["stock_open"] > 0),
                Figure("demolished_this_year", counts["demolished_this_year"]),
                Figure("overdue", overdue, alert=overdue > 0),
            ),
        )
    if kind == "ad_signs":
        by_status = service.status_counts(kind)
        live = by_status.get("compliant", 0) + by_status.get("non_compliant", 0)
        rate = _rate(by_status.get("compliant", 0), live)
        overdue = len(service.overdue(kind, today))
        pending = by_status.get("non_compliant", 0)
        return KindSummary(
            kind,
            (
                Figure(
                    "compliance_rate", rate, percent=True, alert=rate is not None and rate < 100
                ),
                Figure("non_compliant", pending, alert=pending > 0),
                Figure("overdue", overdue, alert=overdue > 0),
            ),
        )
    if kind == "parking":
        open_ = service.objects(kind, status="open")
        capacity = sum(int(o.attrs.get("capacity") or 0) for o in open_)
        reporting = [o for o in open_ if o.attrs.get("occupied") is not None]
        occupied = sum(int(o.attrs["occupied"]) for o in reporting)
        reporting_capacity = sum(int(o.attrs.get("capacity") or 0) for o in reporting)
        return KindSummary(
            kind,
            (
                Figure("capacity", capacity),
                Figure("occupancy_rate", _rate(occupied, reporting_capacity), percent=True),
                Figure("reporting", len(reporting), of=float(len(open_))),
            ),
        )
    if kind == "markets":
        smart = service.count_where(kind, status="open", market_type="smart_farmers")
        by_status = service.status_counts(kind)
        return KindSummary(
            kind,
            (
                Figure(
                    "smart_markets",
                    smart,
                    of=SMART_MARKETS_TARGET,
                    alert=smart < SMART_MARKETS_TARGET,
                ),
                Figure("open", by_status.get("open", 0)),
                Figure("building", by_status.get("building", 0)),
            ),
        )
    if kind == "shopfronts":
        streets = service.shopfront_rates()
        city = streets[-1]
        figures = tuple(
            Figure(key, city.rate(count), percent=True, alert=city.total > 0 and count < city.total)
            for key, count in (
                ("informed_rate", city.informed),
                ("signed_rate", city.signed),
                ("fulfilled_rate", city.fulfilled),
            )
        )
        return KindSummary(kind, figures, streets=tuple(streets))
    if kind == "components":
        rates = service.intact_rates()
        order = [t for t, _ in COMPONENT_TYPES] + sorted(set(rates) - dict(COMPONENT_TYPES).keys())
        figures = [
            # the plan's target is for drainage (排水设施完好率 100%)
            Figure(
                f"intact:{t}",
                _rate(*rates[t]),
                percent=True,
                alert=t == "drain" and rates[t][0] < rates[t][1],
            )
            for t in order
            if t in rates
        ]
        intact, total = sum(a for a, _ in rates.values()), sum(b for _, b in rates.values())
        figures.insert(0, Figure("intact", _rate(intact, total), percent=True))
        return KindSummary(kind, tuple(figures))
    if kind == "projects":
        spec = KINDS[kind]
        bars = tuple(
            ProjectBar(
                o.id,
                o.code,
                o.name,
                o.status,
                float(o.attrs.get("progress_pct") or 0.0),
                o.attrs.get("due_on"),
                is_overdue(spec, o.status, o.attrs, today),
            )
            for o in service.objects(kind)
        )
        by_status = service.status_counts(kind)
        late = sum(1 for b in bars if b.overdue)
        return KindSummary(
            kind,
            (
                Figure("in_progress", by_status.get("in_progress", 0)),
                Figure("completed", by_status.get("completed", 0), of=float(len(bars))),
                Figure("overdue", late, alert=late > 0),
            ),
            projects=bars,
        )
    raise KeyError(kind)


def load_object_page(
    service: RegistryService, object_id: int, today: date | None = None
) -> ObjectPage:
    row = service.get(object_id)
    today = today or today_of(service)
    districts, streets = place_names(service)
    return ObjectPage(
        row,
        service.history(object_id),
        service.cases_of(object_id),
        is_overdue(row.spec, row.status, row.attrs, today),
        districts.get(row.district_code or ""),
        streets.get(row.street_code or ""),
    )


def footprint_rectangle(lon: float, lat: float, width_m: float, length_m: float) -> dict:
    """A GeoJSON polygon: a `width_m` (east–west) by `length_m` (north–south) rectangle
    centred on (lon, lat), for entering an illegal building's footprint from its size."""
    half_lat = length_m / 2 / METRES_PER_DEGREE
    half_lon = width_m / 2 / (METRES_PER_DEGREE * max(0.1, math.cos(math.radians(lat))))
    ring = [
        [lon - half_lon, lat - half_lat],
        [lon + half_lon, lat - half_lat],
        [lon + half_lon, lat + half_lat],
        [lon - half_lon, lat + half_lat],
        [lon - half_lon, lat - half_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _rate(count: int, total: int) -> float | None:
    return None if total == 0 else 100.0 * count / total
