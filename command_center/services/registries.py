"""The city's registries (台账): objects, their life cycles, the cases about them, and the
figures the plan's targets read from them.

One transaction per use case, like every service: the object, its history row and the change
log are written together. A step (`step`) is checked by `domain.registries.plan_step`; an
edit (`update`) by the kind's fields and rules; both refuse a stale `expected_version` so two
desks cannot overwrite each other. A case points at one object (`cases.object_id`); linking
and unlinking are kept in the object's history.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST
from command_center.domain.geo import haversine_m
from command_center.domain.registries import (
    KINDS,
    Kind,
    RegistryError,
    check_attrs,
    check_rules,
    is_overdue,
    plan_step,
)
from command_center.domain.registries import (
    kind as kind_of,
)
from command_center.domain.workflow import Role
from command_center.services import changelog
from command_center.services.cases import Actor, check_actor
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes, ConflictError, NotFound, ServiceError
from command_center.services.locate import GridLocator
from command_center.store.engine import Store
from command_center.store.models import Case, Person, RegistryEvent, RegistryObject, Street

__all__ = [
    "EDIT_ROLES",
    "STEP_ROLES",
    "LINK_ROLES",
    "CaseRef",
    "HistoryRow",
    "ObjectRow",
    "RegistryService",
    "StreetRates",
    "object_row",
]

log = logging.getLogger("registries")

TABLE = RegistryObject.__tablename__
EDIT_ROLES = frozenset({Role.INSPECTOR, Role.SHIFT_CHIEF, Role.SUPERVISOR, Role.ADMIN})
"""Who may enter and edit registry objects."""
STEP_ROLES = EDIT_ROLES | {Role.SQUAD, Role.DISPATCHER}
"""Who may take a life-cycle step (squads serve notices and demolish)."""
LINK_ROLES = STEP_ROLES | {Role.INTAKE}
"""Who may point a case at an object."""
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class ObjectRow:
    id: int
    kind: str
    code: str
    name: str
    status: str
    lon: float
    lat: float
    geometry: str | None
    district_code: str | None
    street_code: str | None
    grid_code: str | None
    address: str
    attrs: dict
    updated_at: datetime
    version: int

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    action: str
    from_status: str | None
    to_status: str
    actor: str | None
    note: str
    data: dict | None


@dataclass(frozen=True)
class CaseRef:
    id: int
    case_no: str
    category_code: str
    state: str
    reported_at: datetime
    description: str


@dataclass(frozen=True)
class StreetRates:
    """门前承包责任制 per street: shops known, informed (知晓), signed, fulfilled (落实)."""

    street_code: str | None
    street_name: str
    total: int
    informed: int  # informed or signed: the shop knows its duty
    signed: int
    fulfilled: int  # signed and the latest inspection passed

    def rate(self, count: int) -> float | None:
        return None if self.total == 0 else 100.0 * count / self.total


def object_row(o: RegistryObject) -> ObjectRow:
    return ObjectRow(
        o.id,
        o.kind,
        o.code,
        o.name,
        o.status,
        o.lon,
        o.lat,
        o.geometry,
        o.district_code,
        o.street_code,
        o.grid_code,
        o.address or "",
        dict(o.attrs or {}),
        o.updated_at,
        o.version,
    )


class RegistryService:
    """The registries on one store."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        workstation: str | None = None,
        locator: GridLocator | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.workstation = (workstation or default_workstation())[:64]
        self.locator = locator if locator is not None else GridLocator(store)

    # -- reads -------------------------------------------------------------------------
    def objects(
        self,
        kind: str | None = None,
        *,
        status: str | Sequence[str] | None = None,
        street_code: str | None = None,
        text: str | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int | None = None,
    ) -> list[ObjectRow]:
        """Objects of `kind` (all kinds when None), by code, filtered."""
        q = select(RegistryObject)
        if kind is not None:
            kind_of(kind)
            q = q.where(RegistryObject.kind == kind)
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            q = q.where(RegistryObject.status.in_(statuses))
        if street_code is not None:
            q = q.where(RegistryObject.street_code == street_code)
        if text:
            like = f"%{text.strip()}%"
            q = q.where(
                or_(
                    RegistryObject.code.like(like),
                    RegistryObject.name.like(like),
                    RegistryObject.address.like(like),
                )
            )
        if bbox is not None:
            x0, y0, x1, y1 = bbox
            q = q.where(
                RegistryObject.max_lon >= x0,
                RegistryObject.min_lon <= x1,
                RegistryObject.max_lat >= y0,
                RegistryObject.min_lat <= y1,
            )
        q = q.order_by(RegistryObject.code)
        if limit is not None:
            q = q.limit(limit)
        with self.store.read() as s:
            return [object_row(o) for o in s.scalars(q)]

    def objects_by_id(self, object_ids: Iterable[int]) -> list[ObjectRow]:
        """The objects with these ids (those that exist), by id."""
        ids = sorted(set(object_ids))
        out: list[ObjectRow] = []
        with self.store.read() as s:
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                q = select(RegistryObject).where(RegistryObject.id.in_(chunk))
                out.extend(object_row(o) for o in s.scalars(q.order_by(RegistryObject.id)))
        return out

    def get(self, object_id: int) -> ObjectRow:
        with self.store.read() as s:
            o = s.get(RegistryObject, object_id)
            if o is None:
                raise NotFound(f"registry object {object_id} does not exist")
            return object_row(o)

    def by_code(self, code: str) -> ObjectRow | None:
        with self.store.read() as s:
            o = s.scalar(select(RegistryObject).where(RegistryObject.code == code))
            return None if o is None else object_row(o)

    def history(self, object_id: int) -> list[HistoryRow]:
        """The object's history, oldest first."""
        with self.store.read() as s:
            rows = s.execute(
                select(RegistryEvent, Person.name)
                .outerjoin(Person, Person.id == RegistryEvent.actor_id)
                .where(RegistryEvent.object_id == object_id)
                .order_by(RegistryEvent.id)
            ).all()
            return [
                HistoryRow(e.at, e.action, e.from_status, e.to_status, name, e.note or "", e.data)
                for e, name in rows
            ]

    def cases_of(self, object_id: int) -> list[CaseRef]:
        """The cases about the object, newest first."""
        with self.store.read() as s:
            rows = s.execute(
                select(
                    Case.id,
                    Case.case_no,
                    Case.category_code,
                    Case.state,
                    Case.reported_at,
                    Case.description,
                )
                .where(Case.object_id == object_id)
                .order_by(Case.reported_at.desc())
            ).all()
            return [CaseRef(*r) for r in rows]

    def case_counts(self, object_ids: Iterable[int]) -> dict[int, int]:
        ids = list(object_ids)
        if not ids:
            return {}
        out: dict[int, int] = {}
        with self.store.read() as s:
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                for oid, n in s.execute(
                    select(Case.object_id, func.count())
                    .where(Case.object_id.in_(chunk))
                    .group_by(Case.object_id)
                ):
                    out[oid] = n
        return out

    def object_of_case(self, case_id: int) -> ObjectRow | None:
        with self.store.read() as s:
            o = s.scalar(
                select(RegistryObject)
                .join(Case, Case.object_id == RegistryObject.id)
                .where(Case.id == case_id)
            )
            return None if o is None else object_row(o)

    def near(
        self,
        lon: float,
        lat: float,
        *,
        kinds: Sequence[str] | None = None,
        radius_m: float = 150.0,
        limit: int = 10,
    ) -> list[tuple[ObjectRow, float]]:
        """Objects within `radius_m` of a place, nearest first (a footprint counts from its
        centre), for pointing a case at what it is about."""
        dlat = radius_m / 111_320.0
        dlon = radius_m / (111_320.0 * max(0.1, math.cos(math.radians(lat))))
        q = select(RegistryObject).where(
            RegistryObject.max_lon >= lon - dlon,
            RegistryObject.min_lon <= lon + dlon,
            RegistryObject.max_lat >= lat - dlat,
            RegistryObject.min_lat <= lat + dlat,
        )
        if kinds:
            q = q.where(RegistryObject.kind.in_(list(kinds)))
        with self.store.read() as s:
            found = [(object_row(o), haversine_m(lon, lat, o.lon, o.lat)) for o in s.scalars(q)]
        found = [f for f in found if f[1] <= radius_m]
        found.sort(key=lambda f: (f[1], f[0].code))
        return found[:limit]

    def kinds_for_category(self, category_code: str) -> list[str]:
        """The registries whose objects cases of this category are usually about."""
        return [k.key for k in KINDS.values() if category_code in k.categories]

    def status_counts(self, kind: str) -> dict[str, int]:
        kind_of(kind)
        with self.store.read() as s:
            rows = s.execute(
                select(RegistryObject.status, func.count())
                .where(RegistryObject.kind == kind)
                .group_by(RegistryObject.status)
            ).all()
        return {status: n for status, n in rows}

    def overdue(self, kind: str, today: date | None = None) -> list[ObjectRow]:
        """Objects past their deadline with the work not done (see `is_overdue`)."""
        spec = kind_of(kind)
        today = today or self.clock().astimezone(CST).date()
        return [o for o in self.objects(kind) if is_overdue(spec, o.status, o.attrs, today)]

    # -- figures for the plan's targets -------------------------------------------------
    def states(
        self, kind: str, as_of: datetime | None = None
    ) -> list[tuple[str | None, str, dict]]:
        """(street_code, status, attrs) of every object of `kind`; with `as_of`, as they
        stood then, replayed from the history: objects entered later are left out, the
        status is the last step's before `as_of`, and an attribute that a later step set for
        the first time is left out (its earlier value is not on record)."""
        kind_of(kind)
        with self.store.read() as s:
            rows = s.execute(
                select(
                    RegistryObject.id,
                    RegistryObject.street_code,
                    RegistryObject.status,
                    RegistryObject.attrs,
                    RegistryObject.created_at,
                ).where(RegistryObject.kind == kind)
            ).all()
            if as_of is None:
                return [(street, status, dict(attrs or {})) for _, street, status, attrs, _ in rows]
            events = s.execute(
                select(
                    RegistryEvent.object_id,
                    RegistryEvent.at,
                    RegistryEvent.action,
                    RegistryEvent.to_status,
                    RegistryEvent.data,
                )
                .join(RegistryObject, RegistryObject.id == RegistryEvent.object_id)
                .where(RegistryObject.kind == kind)
                .order_by(RegistryEvent.id)
            ).all()
        by_object: dict[int, list] = {}
        for e in events:
            by_object.setdefault(e.object_id, []).append(e)
        out = []
        for oid, street, status, attrs, created_at in rows:
            history = by_object.get(oid, [])
            entered = history[0].at if history else created_at
            if entered > as_of:
                continue
            then_status = status
            then: dict = dict(attrs or {})
            before: dict[str, object] = {}
            later: set[str] = set()
            for e in history:
                values = _set_values(e.action, e.data)
                if e.at <= as_of:
                    then_status = e.to_status
                    before.update(values)
                else:
                    later.update(k for k in values if k not in before)
            for key in later:
                then.pop(key, None)
            then.update(before)
            out.append((street, then_status, then))
        return out

    def shopfront_rates(self, as_of: datetime | None = None) -> list[StreetRates]:
        """知晓率 / 签订率 / 落实率 per street, streets by code; the city last (code None)."""
        with self.store.read() as s:
            names = dict(s.execute(select(Street.code, Street.name)).all())
        rows = self.states("shopfronts", as_of)
        per: dict[str | None, Counter] = {}
        for street, status, attrs in rows:
            for key in (street, "__city__"):
                c = per.setdefault(key, Counter())
                c["total"] += 1
                if status in ("informed", "signed"):
                    c["informed"] += 1
                if status == "signed":
                    c["signed"] += 1
                    if (attrs or {}).get("last_result") == "pass":
                        c["fulfilled"] += 1
        out = [
            StreetRates(
                code,
                names.get(code, code or "（未定位）"),
                c["total"],
                c["informed"],
                c["signed"],
                c["fulfilled"],
            )
            for code, c in sorted(
                ((k, v) for k, v in per.items() if k != "__city__"), key=lambda kv: kv[0] or ""
            )
        ]
        city = per.get("__city__", Counter())
        out.append(
            StreetRates(
                None, "全市", city["total"], city["informed"], city["signed"], city["fulfilled"]
            )
        )
        return out

    def intact_rates(self, as_of: datetime | None = None) -> dict[str, tuple[int, int]]:
        """Municipal components intact / all, by component type."""
        out: dict[str, list[int]] = {}
        for _, status, attrs in self.states("components", as_of):
            t = attrs.get("component_type", "")
            pair = out.setdefault(t, [0, 0])
            pair[1] += 1
            if status == "intact":
                pair[0] += 1
        return {t: (a, b) for t, (a, b) in out.items()}

    def illegal_building_counts(self, year: int, as_of: datetime | None = None) -> dict[str, int]:
        """new_this_year (新增, found this year), stock_open (存量 not yet demolished),
        open (every one not yet demolished), demolished_this_year."""
        spec = KINDS["illegal_buildings"]
        closed = {s.key for s in spec.statuses if s.closed}
        prefix = f"{year:04d}-"
        out = Counter(new_this_year=0, stock_open=0, open=0, demolished_this_year=0)
        for _, status, attrs in self.states("illegal_buildings", as_of):
            if attrs.get("origin") == "new" and str(attrs.get("found_on", "")).startswith(prefix):
                out["new_this_year"] += 1
            if status not in closed:
                out["open"] += 1
                if attrs.get("origin") == "stock":
                    out["stock_open"] += 1
            elif str(attrs.get("demolished_on", "")).startswith(prefix):
                out["demolished_this_year"] += 1
        return dict(out)

    def count_where(
        self,
        kind: str,
        *,
        status: str | None = None,
        as_of: datetime | None = None,
        **attrs: object,
    ) -> int:
        """Objects of `kind` (in `status`) whose attributes equal the given values."""
        return sum(
            1
            for _, st, a in self.states(kind, as_of)
            if (status is None or st == status) and all(a.get(k) == v for k, v in attrs.items())
        )

    def project_progress(self, as_of: datetime | None = None) -> dict[str, float]:
        """Each key project's progress (%) by its plan reference (规划条目, e.g. "十三")."""
        out = {}
        for _, _, attrs in self.states("projects", as_of):
            ref = attrs.get("plan_ref")
            if ref:
                out[ref] = float(attrs.get("progress_pct") or 0.0)
        return out

    # -- writes ------------------------------------------------------------------------
    def create(
        self,
        actor: Actor,
        kind: str,
        *,
        name: str,
        lon: float | None = None,
        lat: float | None = None,
        attrs: dict | None = None,
        geometry: dict | str | None = None,
        code: str | None = None,
        address: str = "",
        status: str | None = None,
        note: str = "",
    ) -> tuple[int, Changes]:
        """Enter a new object; returns its id. A footprint kind takes a GeoJSON polygon
        (`geometry`) and its centre becomes the point; a point kind takes lon/lat."""
        spec = kind_of(kind)
        self._allowed(actor, EDIT_ROLES, "enter registry objects")
        values = _prepare(
            spec,
            name=name,
            lon=lon,
            lat=lat,
            attrs=attrs or {},
            geometry=geometry,
            code=code,
            address=address,
            status=status,
        )
        now = self.clock()
        with self.store.transaction() as s:
            check_actor(s, actor)
            values.update(self._place(values["lon"], values["lat"]))
            if values["code"] is None:
                values["code"] = _next_code(s, spec)
            elif s.scalar(select(RegistryObject.id).where(RegistryObject.code == values["code"])):
                raise ServiceError(f"code {values['code']} is already taken")
            o = RegistryObject(kind=kind, created_at=now, updated_at=now, **values)
            s.add(o)
            s.flush()
            s.add(
                RegistryEvent(
                    object_id=o.id,
                    action="create",
                    from_status=None,
                    to_status=o.status,
                    actor_id=actor.person_id,
                    at=now,
                    note=note.strip(),
                    data=None,
                    workstation=self.workstation,
                )
            )
            changes = self._logged(s, Changes.of(**{TABLE: o.id}), now)
            log.info("registry %s: %s entered (%s)", kind, o.code, o.status)
            return o.id, changes

    def update(
        self,
        actor: Actor,
        object_id: int,
        *,
        name: str | None = None,
        address: str | None = None,
        attrs: dict | None = None,
        lon: float | None = None,
        lat: float | None = None,
        geometry: dict | str | None = None,
        note: str = "",
        expected_version: int | None = None,
    ) -> Changes:
        """Edit an object's details (not its status: that is a step). `attrs` merges; a
        value None or "" clears that attribute (a required one cannot be cleared)."""
        self._allowed(actor, EDIT_ROLES, "edit registry objects")
        now = self.clock()
        with self.store.transaction() as s:
            check_actor(s, actor)
            o = self._load(s, object_id, expected_version)
            spec = KINDS[o.kind]
            changed: dict[str, object] = {}
            if name is not None:
                name = name.strip()
                if not name:
                    raise RegistryError("give the object a name")
                if name != o.name:
                    changed["name"] = [o.name, name]
                    o.name = name[:100]
            if address is not None and address.strip() != (o.address or ""):
                changed["address"] = [o.address, address.strip()]
                o.address = address.strip()[:200]
            if attrs:
                current = dict(o.attrs or {})
                cleared = [k for k, v in attrs.items() if v is None or v == ""]
                parsed = check_attrs(
                    spec, {k: v for k, v in attrs.items() if k not in cleared}, partial=True
                )
                merged = {k: v for k, v in {**current, **parsed}.items() if k not in cleared}
                missing = [f.label for f in spec.fields if f.required and f.key not in merged]
                if missing:
                    raise RegistryError(f"{spec.label}: missing {', '.join(missing)}")
                check_rules(spec, merged)
                diff = {
                    k: [current.get(k), merged.get(k)]
                    for k in set(current) | set(merged)
                    if current.get(k) != merged.get(k)
                }
                if diff:
                    changed["attrs"] = diff
                    o.attrs = merged
            if geometry is not None or lon is not None or lat is not None:
                place = _geometry(spec, lon, lat, geometry)
                changed["place"] = [[o.lon, o.lat], [place["lon"], place["lat"]]]
                for key, value in place.items():
                    setattr(o, key, value)
                for key, value in self._place(o.lon, o.lat).items():
                    setattr(o, key, value)
            if not changed:
                return Changes()
            o.updated_at = now
            s.add(
                RegistryEvent(
                    object_id=o.id,
                    action="update",
                    from_status=o.status,
                    to_status=o.status,
                    actor_id=actor.person_id,
                    at=now,
                    note=note.strip(),
                    data=_jsonable(changed),
                    workstation=self.workstation,
                )
            )
            return self._logged(s, Changes.of(**{TABLE: o.id}), now)

    def step(
        self,
        actor: Actor,
        object_id: int,
        step_key: str,
        values: dict | None = None,
        *,
        note: str = "",
        expected_version: int | None = None,
    ) -> Changes:
        """Take a life-cycle step (see the kind's steps), with the attributes it needs."""
        self._allowed(actor, STEP_ROLES, "take registry steps")
        now = self.clock()
        with self.store.transaction() as s:
            check_actor(s, actor)
            o = self._load(s, object_id, expected_version)
            spec = KINDS[o.kind]
            plan = plan_step(spec, o.status, step_key, values or {}, o.attrs or {}, note)
            before = o.status
            if plan.attrs:
                o.attrs = {**(o.attrs or {}), **plan.attrs}
            o.status = plan.status
            o.updated_at = now
            s.add(
                RegistryEvent(
                    object_id=o.id,
                    action=step_key,
                    from_status=before,
                    to_status=o.status,
                    actor_id=actor.person_id,
                    at=now,
                    note=note.strip(),
                    data=_jsonable(plan.attrs) or None,
                    workstation=self.workstation,
                )
            )
            log.info("registry %s: %s %s → %s", o.kind, o.code, step_key, o.status)
            return self._logged(s, Changes.of(**{TABLE: o.id}), now)

    def link_case(
        self, actor: Actor, case_id: int, object_id: int | None, *, note: str = ""
    ) -> Changes:
        """Point a case at the object it is about (None: at nothing); both histories keep it."""
        self._allowed(actor, LINK_ROLES, "link cases to registry objects")
        now = self.clock()
        with self.store.transaction() as s:
            check_actor(s, actor)
            case = s.get(Case, case_id)
            if case is None:
                raise NotFound(f"case {case_id} does not exist")
            previous = case.object_id
            if previous == object_id:
                return Changes()
            touched: list[int] = []
            for oid, action in ((previous, "unlink_case"), (object_id, "link_case")):
                if oid is None:
                    continue
                o = s.get(RegistryObject, oid)
                if o is None:
                    raise NotFound(f"registry object {oid} does not exist")
                s.add(
                    RegistryEvent(
                        object_id=oid,
                        action=action,
                        from_status=o.status,
                        to_status=o.status,
                        actor_id=actor.person_id,
                        at=now,
                        note=note.strip(),
                        data={"case_id": case.id, "case_no": case.case_no},
                        workstation=self.workstation,
                    )
                )
                touched.append(oid)
            case.object_id = object_id
            case.updated_at = now
            return self._logged(s, Changes.of(cases=case.id, **{TABLE: touched}), now)

    def record_occupancy(self, readings: Iterable[tuple[str, int, datetime]]) -> Changes:
        """Occupancy readings from a parking feed: (code, occupied berths, time of reading).

        A sensor, not a person: no history row and no version bump (a desk editing the car
        park is not told it changed), one transaction for the batch. A reading is skipped
        (and logged) for an unknown code, a car park not open, a count below 0 or above the
        capacity, a naive time, or a time not after the stored reading's."""
        latest: dict[str, tuple[int, datetime]] = {}
        for code, occupied, at in readings:
            if at.tzinfo is None:
                log.warning("parking feed: %s reading without a time zone skipped", code)
                continue
            if code not in latest or at > latest[code][1]:
                latest[code] = (int(occupied), at)
        if not latest:
            return Changes()
        now = self.clock()
        written: list[int] = []
        with self.store.transaction() as s:
            rows = s.execute(
                select(RegistryObject.id, RegistryObject.code, RegistryObject.status,
                       RegistryObject.attrs)
                .where(RegistryObject.kind == "parking", RegistryObject.code.in_(list(latest)))
            ).all()
            for oid, code, status, attrs in rows:
                occupied, at = latest.pop(code)
                attrs = dict(attrs or {})
                capacity = attrs.get("capacity", 0)
                stored = attrs.get("occupied_at")
                if status != "open" or not 0 <= occupied <= capacity:
                    log.warning("parking feed: %s reading %s skipped (%s, capacity %s)",
                                code, occupied, status, capacity)
                    continue
                if stored and datetime.fromisoformat(stored) >= at:
                    continue
                attrs["occupied"] = occupied
                attrs["occupied_at"] = at.astimezone(CST).isoformat(timespec="seconds")
                s.execute(
                    RegistryObject.__table__.update()
                    .where(RegistryObject.__table__.c.id == oid)
                    .values(attrs=attrs)
                )
                written.append(oid)
            for code in latest:
                log.warning("parking feed: no car park %s", code)
            if not written:
                return Changes()
            return self._logged(s, Changes.of(**{TABLE: written}), now)

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _allowed(actor: Actor, roles: frozenset[Role], what: str) -> None:
        if actor.role not in roles:
            allowed = ", ".join(sorted(r.value for r in roles))
            raise ServiceError(f"role {actor.role.value} may not {what}; allowed: {allowed}")

    @staticmethod
    def _load(s: Session, object_id: int, expected_version: int | None) -> RegistryObject:
        o = s.get(RegistryObject, object_id)
        if o is None:
            raise NotFound(f"registry object {object_id} does not exist")
        if expected_version is not None and o.version != expected_version:
            raise ConflictError(
                f"{o.code} was changed at another desk (version {o.version}, "
                f"expected {expected_version}); reload it"
            )
        return o

    def _place(self, lon: float, lat: float) -> dict[str, str | None]:
        grid = self.locator.locate(lon, lat)
        return {
            "grid_code": grid,
            "district_code": grid[:6] if grid else None,
            "street_code": grid[:9] if grid else None,
        }

    def _logged(self, s: Session, changes: Changes, at: datetime) -> Changes:
        s.flush()
        changelog.record(s, changes, self.workstation, at)
        return changes


# -- values ---------------------------------------------------------------------------------
def _prepare(
    spec: Kind,
    *,
    name: str,
    lon: float | None,
    lat: float | None,
    attrs: dict,
    geometry: dict | str | None,
    code: str | None,
    address: str,
    status: str | None,
) -> dict:
    name = (name or "").strip()
    if not name:
        raise RegistryError("give the object a name")
    if len(name) > 100:
        raise RegistryError("a name has at most 100 characters")
    if code is not None:
        code = code.strip()
        if not CODE_RE.match(code):
            raise RegistryError(f"code {code!r}: letters, digits, - and _ only, at most 32")
    status = status or spec.initial
    spec.status(status)
    parsed = check_attrs(spec, attrs)
    check_rules(spec, parsed)
    place = _geometry(spec, lon, lat, geometry)
    return {
        "name": name,
        "code": code,
        "status": status,
        "attrs": parsed,
        "address": (address or "").strip()[:200],
        **place,
    }


def _geometry(
    spec: Kind, lon: float | None, lat: float | None, geometry: dict | str | None
) -> dict:
    """The place columns: a point (lon/lat, a box of nothing) or a footprint polygon."""
    if geometry is not None:
        if isinstance(geometry, str):
            try:
                geometry = json.loads(geometry)
            except ValueError as exc:
                raise RegistryError(f"the footprint is not GeoJSON ({exc})") from None
        ring = _ring(geometry)
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        cx, cy = _centroid(ring)
        return {
            "lon": cx,
            "lat": cy,
            "geometry": json.dumps({"type": "Polygon", "coordinates": [ring]}),
            "min_lon": min(xs),
            "min_lat": min(ys),
            "max_lon": max(xs),
            "max_lat": max(ys),
        }
    if spec.geometry == "polygon" and (lon is None or lat is None):
        raise RegistryError(f"{spec.label}: give the footprint (a polygon) or a point")
    if lon is None or lat is None:
        raise RegistryError(f"{spec.label}: give the place (longitude and latitude)")
    _check_lonlat(lon, lat)
    return {
        "lon": float(lon),
        "lat": float(lat),
        "geometry": None,
        "min_lon": float(lon),
        "min_lat": float(lat),
        "max_lon": float(lon),
        "max_lat": float(lat),
    }


def _check_lonlat(lon: float, lat: float) -> None:
    try:
        ok = math.isfinite(lon) and math.isfinite(lat)
    except TypeError:
        ok = False
    if not ok or not (73.0 <= lon <= 136.0 and 3.0 <= lat <= 54.0):
        raise RegistryError(f"({lon}, {lat}) is not a place in China (WGS-84 lon, lat)")


def _ring(geometry: object) -> list[list[float]]:
    if not isinstance(geometry, dict):
        raise RegistryError("the footprint must be a GeoJSON Polygon")
    if geometry.get("type") == "MultiPolygon" and len(geometry.get("coordinates") or []) == 1:
        geometry = {"type": "Polygon", "coordinates": geometry["coordinates"][0]}
    if geometry.get("type") != "Polygon":
        raise RegistryError(f"the footprint must be a Polygon, not {geometry.get('type')!r}")
    try:
        ring = [[float(x), float(y)] for x, y, *_ in geometry["coordinates"][0]]
    except (KeyError, IndexError, TypeError, ValueError):
        raise RegistryError("the footprint's coordinates are not [lon, lat] pairs") from None
    if len(ring) >= 2 and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 3:
        raise RegistryError("a footprint needs at least three corners")
    for x, y in ring:
        _check_lonlat(x, y)
    if abs(_signed_area(ring)) < 1e-14:
        raise RegistryError("the footprint has no area")
    return [*ring, ring[0]]


def _local(ring: list[list[float]]) -> tuple[list[tuple[float, float]], float, float]:
    """The ring's corners (without the closing one) relative to its first corner: the
    shoelace sums on raw degrees (~120 × 41) lose a small footprint's precision."""
    pts = ring[:-1] if ring[0] == ring[-1] else ring
    x0, y0 = pts[0]
    return [(x - x0, y - y0) for x, y in pts], x0, y0


def _signed_area(ring: list[list[float]]) -> float:
    pts, _, _ = _local(ring)
    n = len(pts)
    return 0.5 * sum(
        pts[i][0] * pts[(i + 1) % n][1] - pts[(i + 1) % n][0] * pts[i][1] for i in range(n)
    )


def _centroid(ring: list[list[float]]) -> tuple[float, float]:
    pts, ox, oy = _local(ring)
    a = _signed_area(ring)
    cx = cy = 0.0
    for i in range(len(pts)):
        x0, y0 = pts[i]
        x1, y1 = pts[(i + 1) % len(pts)]
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return ox + cx / (6 * a), oy + cy / (6 * a)


def _next_code(s: Session, spec: Kind) -> str:
    prefix = spec.code_prefix
    codes = s.scalars(
        select(RegistryObject.code).where(RegistryObject.code.like(f"{prefix}%"))
    ).all()
    numbers = [int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()]
    return f"{prefix}{(max(numbers) + 1) if numbers else 1:06d}"


def _set_values(action: str, data: dict | None) -> dict[str, object]:
    """The attributes a history row set: a step's data is the values it wrote; an edit's
    is {"attrs": {key: [old, new]}}; links and the entry set none."""
    if not data or action in ("create", "import", "link_case", "unlink_case"):
        return {}
    if action == "update":
        return {k: pair[1] for k, pair in (data.get("attrs") or {}).items()}
    return dict(data)


def _jsonable(value: object) -> object:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
