"""Everything the case detail view shows about one case, read in one transaction.

`load_case_detail` returns a `CaseDetail`: every field of the case, its category from the
catalogue (name, class, legal basis, penalty), the names of its squad, unit, district and
reporter, where it stands against its deadline, its attachments, its trail (who did what,
when, from which state to which, from which workstation) and the cameras within 300 m.

`open_cases_near` (a database read, for a worker) and `DuplicateFinder` (in memory, cheap
enough for the GUI thread) answer "is a case of this category already open nearby?" through
the domain's `possible_duplicates` / `OpenCaseIndex`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import defer

from command_center.domain.cameras import CameraView, covering
from command_center.domain.catalogue import UNIT_TYPES, Catalogue
from command_center.domain.deadline_state import DeadlineState, deadline_state
from command_center.domain.dispatch import (
    DUPLICATE_RADIUS_M,
    OpenCaseIndex,
    possible_duplicates,
)
from command_center.domain.geo import haversine_m, haversine_m_array, local_metres_per_degree
from command_center.domain.registries import KINDS
from command_center.domain.workflow import (
    HANDLING_STATES,
    OPEN_STATES,
    PAUSED_STATES,
    Action,
    CaseState,
)
from command_center.services.changes import NotFound
from command_center.services.registries import ObjectRow, RegistryService
from command_center.store.engine import Store
from command_center.store.models import (
    Attachment,
    Camera,
    Case,
    CaseEvent,
    District,
    Person,
    Squad,
    Unit,
)

__all__ = [
    "LINK_RADIUS_M",
    "NEARBY_CAMERA_RADIUS_M",
    "AttachmentInfo",
    "CaseDetail",
    "DuplicateFinder",
    "NearbyCamera",
    "NearbyCase",
    "PendingExtension",
    "RegistryLink",
    "RegistryObjectRef",
    "TimelineEntry",
    "declined_squads_of",
    "load_case_detail",
    "open_cases_near",
    "registry_link",
]

NEARBY_CAMERA_RADIUS_M = 300.0
LINK_RADIUS_M = 150.0
"""Registry objects closer than this to a case are offered for linking it (关联台账)."""
PREVIEW_MAX_BYTES = 2_000_000  # stored photos up to this size travel with the detail
"""Cameras closer than this to a case are listed on its detail view."""

_OPEN = sorted(s.value for s in OPEN_STATES)
_PAUSED = frozenset(s.value for s in PAUSED_STATES)
_RUNNING = frozenset(s.value for s in HANDLING_STATES - PAUSED_STATES)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"})


@dataclass(frozen=True)
class AttachmentInfo:
    """One piece of evidence on a case: `path` is the stored file name or path, `taken_at`
    when the picture was taken (camera evidence) or else when it was stored; `camera_id` /
    `camera_name` for a snapshot or clip from a camera. `preview` holds the bytes of a small
    stored image (a camera snapshot), so the panel can show it without another read."""

    id: int
    kind: str  # photo | video | document
    path: str
    mime: str
    size: int
    taken_at: datetime
    event_id: int | None = None  # the trail step it was attached to, if any
    camera_id: int | None = None
    camera_name: str | None = None
    preview: bytes | None = None

    @property
    def is_image(self) -> bool:
        """True for a still picture a thumbnail can be made of."""
        if self.mime.startswith("image/"):
            return True
        dot = self.path.rfind(".")
        return dot >= 0 and self.path[dot:].lower() in IMAGE_SUFFIXES


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the trail. `actor_name` None is the system itself."""

    id: int
    at: datetime
    action: str  # workflow.Action value
    from_state: str | None
    to_state: str
    actor_id: int | None
    actor_name: str | None
    actor_role: str  # workflow.Role value
    note: str
    workstation: str | None


@dataclass(frozen=True)
class NearbyCamera:
    id: int
    code: str
    name: str
    lon: float
    lat: float
    distance_m: float
    enabled: bool  # enabled and in service
    covers: bool = False  # its view cone covers the case (domain.cameras)


@dataclass(frozen=True)
class NearbyCase:
    """An open case near a point (a possible duplicate of a new report)."""

    case_id: int
    case_no: str
    distance_m: float


@dataclass(frozen=True)
class PendingExtension:
    """An extension request waiting for a decision: how much more time, in the case's time
    unit, who asked, when and why."""

    amount: float
    unit: str | None
    asked_by: str | None
    asked_at: datetime
    reason: str


@dataclass(frozen=True)
class RegistryObjectRef:
    """A registry object (台账) as the case panel names it (the UI names its kind and status
    in the user's language); `distance_m` from the case."""

    id: int
    kind: str  # domain.registries.KINDS key
    code: str
    name: str
    status: str
    colour: str  # the status colour on the map
    distance_m: float | None = None


@dataclass(frozen=True)
class RegistryLink:
    """The object a case is about, and the objects it could be linked to: those of the
    registries its category is usually about first, then any other within the radius;
    nearest first within each group (the linked object is not a candidate)."""

    linked: RegistryObjectRef | None
    candidates: tuple[RegistryObjectRef, ...] = ()


@dataclass(frozen=True)
class CaseDetail:
    """One case with everything its detail view shows; plain values only."""

    id: int
    case_no: str
    version: int
    kind: str  # component | event
    category_code: str
    category_name: str  # the code itself when the catalogue no longer knows it
    major_code: str
    major_name: str
    legal_basis: str
    penalty: str
    responsible_unit_type: str | None
    responsible_unit_type_name: str | None
    source: str
    description: str
    address: str
    lon: float
    lat: float
    district_code: str | None
    district_name: str | None
    grid_code: str | None
    state: str  # workflow.CaseState value
    resume_state: str | None
    urgent: bool
    reporter_id: int | None
    reporter_name: str | None
    unit_id: int | None
    unit_name: str | None
    squad_id: int | None
    squad_name: str | None
    time_limit: float | None
    time_unit: str | None
    reported_at: datetime
    registered_at: datetime | None
    dispatched_at: datetime | None
    handled_at: datetime | None
    verified_at: datetime | None
    closed_at: datetime | None
    deadline_at: datetime | None
    deadline_state: DeadlineState
    extension_amount: float
    rework_count: int
    extension_count: int
    suspend_count: int
    transferred_to: str | None
    updated_at: datetime
    attachments: tuple[AttachmentInfo, ...]
    timeline: tuple[TimelineEntry, ...]
    nearby_cameras: tuple[NearbyCamera, ...]
    declined_squads: frozenset[int] = frozenset()  # squads that declined it (退回)
    pending_extension: PendingExtension | None = None  # while the state is extension_requested
    registry: RegistryLink | None = None  # 关联台账 (None: not read)

    @property
    def overdue(self) -> bool:
        return self.deadline_state is DeadlineState.OVERDUE

    @property
    def handled_on_time(self) -> bool | None:
        """Whether the handling unit reported back before the deadline (None: not yet known)."""
        if self.handled_at is None or self.deadline_at is None:
            return None
        return self.handled_at <= self.deadline_at


def case_deadline_state(state: str, deadline_at: datetime | None, now: datetime) -> DeadlineState:
    """The deadline state as the queue counts it: PAUSED while paused; measured against `now`
    only while the handling clock runs; NONE otherwise (not dispatched yet, or handled)."""
    if state in _PAUSED:
        return DeadlineState.PAUSED
    if state not in _RUNNING:
        return DeadlineState.NONE
    return deadline_state(deadline_at, now, paused=False)


def _ref(o: ObjectRow, distance_m: float | None = None) -> RegistryObjectRef:
    spec = KINDS[o.kind]
    status = next((st for st in spec.statuses if st.key == o.status), None)
    return RegistryObjectRef(
        o.id, o.kind, o.code, o.name, o.status, status.colour if status else "#ffffff",
        distance_m,
    )


def registry_link(
    registries: RegistryService,
    case_id: int,
    lon: float,
    lat: float,
    category_code: str,
    *,
    radius_m: float = LINK_RADIUS_M,
    limit: int = 10,
) -> RegistryLink:
    """The registry object case `case_id` is linked to and the candidates near (lon, lat):
    objects of `registries.kinds_for_category(category_code)` first, then any kind within
    `radius_m`; nearest first in each group. A database read."""
    linked_row = registries.object_of_case(case_id)
    skip = {linked_row.id} if linked_row is not None else set()
    kinds = registries.kinds_for_category(category_code)
    found: list[RegistryObjectRef] = []
    for wanted in ([kinds] if kinds else []) + [None]:
        for o, d in registries.near(lon, lat, kinds=wanted, radius_m=radius_m, limit=limit):
            if o.id not in skip:
                skip.add(o.id)
                found.append(_ref(o, d))
    linked = None
    if linked_row is not None:
        linked = _ref(linked_row, haversine_m(lon, lat, linked_row.lon, linked_row.lat))
    return RegistryLink(linked, tuple(found[:limit]))


def load_case_detail(
    store: Store,
    catalogue: Catalogue,
    case_id: int,
    now: datetime,
    *,
    camera_radius_m: float = NEARBY_CAMERA_RADIUS_M,
    registries: RegistryService | None = None,
) -> CaseDetail:
    """The case `case_id` with its trail, attachments, nearby cameras and its registry
    object with the candidates for one (`registry_link`); `NotFound` if absent."""
    detail = _load_case_detail(store, catalogue, case_id, now, camera_radius_m)
    registries = registries if registries is not None else RegistryService(store)
    link = registry_link(registries, case_id, detail.lon, detail.lat, detail.category_code)
    return replace(detail, registry=link)


def _load_case_detail(
    store: Store, catalogue: Catalogue, case_id: int, now: datetime, camera_radius_m: float
) -> CaseDetail:
    with store.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound(f"no case with id {case_id}")
        events = s.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.at, CaseEvent.id)
        ).all()
        attachments = s.scalars(
            select(Attachment)
            .where(Attachment.case_id == case_id)
            .order_by(Attachment.id)
            .options(defer(Attachment.content))  # a clip may be megabytes: not read here
        ).all()
        small = [a.id for a in attachments if a.kind == "photo" and a.size <= PREVIEW_MAX_BYTES]
        previews: dict[int, bytes] = (
            {i: bytes(c) for i, c in s.execute(
                select(Attachment.id, Attachment.content).where(
                    Attachment.id.in_(small), Attachment.content.is_not(None)))}
            if small else {}
        )
        person_ids = {e.actor_id for e in events if e.actor_id is not None}
        if case.reporter_id is not None:
            person_ids.add(case.reporter_id)
        names: dict[int, str] = (
            dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all())
            if person_ids
            else {}
        )
        unit_name = (
            s.scalar(select(Unit.name).where(Unit.id == case.unit_id)) if case.unit_id else None
        )
        squad_name = (
            s.scalar(select(Squad.name).where(Squad.id == case.squad_id)) if case.squad_id else None
        )
        district_name = (
            s.scalar(select(District.name).where(District.code == case.district_code))
            if case.district_code
            else None
        )
        cameras = _cameras_near(s, case.lon, case.lat, camera_radius_m)

        category = catalogue.get(case.category_code)
        unit_type = category.responsible_unit_type if category else None
        timeline = tuple(
            TimelineEntry(
                id=e.id,
                at=e.at,
                action=e.action,
                from_state=e.from_state,
                to_state=e.to_state,
                actor_id=e.actor_id,
                actor_name=names.get(e.actor_id) if e.actor_id is not None else None,
                actor_role=e.actor_role,
                note=e.note or "",
                workstation=e.workstation,
            )
            for e in events
        )
        declined = frozenset(
            int(e.data["squad_id"]) for e in events
            if e.action == Action.DECLINE.value and e.data and e.data.get("squad_id")
        )
        pending = None
        if case.state == CaseState.EXTENSION_REQUESTED.value:
            ask = next((e for e in reversed(events)
                        if e.action == Action.REQUEST_EXTENSION.value), None)
            if ask is not None:
                pending = PendingExtension(
                    amount=float((ask.data or {}).get("amount") or 0.0),
                    unit=(ask.data or {}).get("unit") or case.time_unit,
                    asked_by=names.get(ask.actor_id) if ask.actor_id is not None else None,
                    asked_at=ask.at,
                    reason=ask.note or "",
                )
        camera_ids = {a.camera_id for a in attachments if a.camera_id is not None}
        camera_names: dict[int, str] = (
            dict(s.execute(select(Camera.id, Camera.name).where(Camera.id.in_(camera_ids))).all())
            if camera_ids else {}
        )
        files = tuple(
            AttachmentInfo(
                id=a.id,
                kind=a.kind,
                path=a.filename,
                mime=a.mime or "",
                size=a.size,
                taken_at=a.taken_at or a.created_at,
                event_id=a.event_id,
                camera_id=a.camera_id,
                camera_name=camera_names.get(a.camera_id) if a.camera_id is not None else None,
                preview=previews.get(a.id),
            )
            for a in attachments
        )
        return CaseDetail(
            id=case.id,
            case_no=case.case_no,
            version=case.version,
            kind=case.kind,
            category_code=case.category_code,
            category_name=category.name if category else case.category_code,
            major_code=category.major_code if category else "",
            major_name=category.major_name if category else "",
            legal_basis=category.legal_basis if category else "",
            penalty=category.penalty if category else "",
            responsible_unit_type=unit_type,
            responsible_unit_type_name=UNIT_TYPES.get(unit_type) if unit_type else None,
            source=case.source,
            description=case.description or "",
            address=case.address or "",
            lon=case.lon,
            lat=case.lat,
            district_code=case.district_code,
            district_name=district_name,
            grid_code=case.grid_code,
            state=case.state,
            resume_state=case.resume_state,
            urgent=bool(case.urgent),
            reporter_id=case.reporter_id,
            reporter_name=names.get(case.reporter_id) if case.reporter_id is not None else None,
            unit_id=case.unit_id,
            unit_name=unit_name,
            squad_id=case.squad_id,
            squad_name=squad_name,
            time_limit=case.time_limit,
            time_unit=case.time_unit,
            reported_at=case.reported_at,
            registered_at=case.registered_at,
            dispatched_at=case.dispatched_at,
            handled_at=case.handled_at,
            verified_at=case.verified_at,
            closed_at=case.closed_at,
            deadline_at=case.deadline_at,
            deadline_state=case_deadline_state(case.state, case.deadline_at, now),
            extension_amount=case.extension_amount or 0.0,
            rework_count=case.rework_count or 0,
            extension_count=case.extension_count or 0,
            suspend_count=case.suspend_count or 0,
            transferred_to=case.transferred_to,
            updated_at=case.updated_at,
            attachments=files,
            timeline=timeline,
            nearby_cameras=tuple(cameras),
            declined_squads=declined,
            pending_extension=pending,
        )


def declined_squads_of(store: Store, case_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """For each of `case_ids` that a squad has declined: the squads that declined it (for a
    batch dispatch, which must not send a case back to them). A database read."""
    ids = sorted(set(case_ids))
    out: dict[int, set[int]] = {}
    if not ids:
        return {}
    with store.read() as s:
        for case_id, data in s.execute(
            select(CaseEvent.case_id, CaseEvent.data).where(
                CaseEvent.action == Action.DECLINE.value, CaseEvent.case_id.in_(ids)
            )
        ):
            if data and data.get("squad_id"):
                out.setdefault(case_id, set()).add(int(data["squad_id"]))
    return {k: frozenset(v) for k, v in out.items()}


def _box(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """A lon/lat box safely containing the circle of `radius_m` (padded 5 % + 1 m)."""
    m_lon, m_lat = local_metres_per_degree(lat)
    pad = 1.05 * radius_m + 1.0
    dlon = pad / max(m_lon, 1.0)
    dlat = pad / m_lat
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def _cameras_near(s, lon: float, lat: float, radius_m: float) -> list[NearbyCamera]:
    """Cameras within `radius_m`: those whose view cone covers the point first (nearest
    first, `domain.cameras.covering`), then the others nearby, nearest first."""
    west, south, east, north = _box(lon, lat, radius_m)
    rows = s.execute(
        select(Camera.id, Camera.code, Camera.name, Camera.lon, Camera.lat, Camera.enabled,
               Camera.status, Camera.heading_deg, Camera.fov_deg).where(
            Camera.lon.between(west, east), Camera.lat.between(south, north)
        )
    ).all()
    if not rows:
        return []
    distance = haversine_m_array(
        lon, lat, np.array([r.lon for r in rows]), np.array([r.lat for r in rows])
    )
    usable = {r.id: bool(r.enabled) and (r.status or "in_service") == "in_service" for r in rows}
    covers = {
        c.camera_id
        for c in covering(lon, lat, (
            CameraView(r.id, r.lon, r.lat, r.heading_deg, r.fov_deg, usable=usable[r.id])
            for r in rows
        ))
    }
    near = [
        NearbyCamera(r.id, r.code, r.name, r.lon, r.lat, float(d), usable[r.id], r.id in covers)
        for r, d in zip(rows, distance.tolist(), strict=True)
        if d <= radius_m
    ]
    near.sort(key=lambda c: (not c.covers, c.distance_m, c.id))
    return near


def open_cases_near(
    store: Store,
    lon: float,
    lat: float,
    category_code: str,
    radius_m: float = DUPLICATE_RADIUS_M,
    *,
    exclude_id: int | None = None,
) -> list[NearbyCase]:
    """Open cases of `category_code` within `radius_m` of (lon, lat), nearest first.

    A database read: run it on the store's worker, not on the GUI thread.
    """
    west, south, east, north = _box(lon, lat, radius_m)
    with store.read() as s:
        rows = s.execute(
            select(Case.id, Case.lon, Case.lat, Case.category_code, Case.case_no).where(
                Case.state.in_(_OPEN),
                Case.category_code == category_code,
                Case.lon.between(west, east),
                Case.lat.between(south, north),
            )
        ).all()
    numbers = {r.id: r.case_no for r in rows}
    found = possible_duplicates(
        lon,
        lat,
        category_code,
        [(r.id, r.lon, r.lat, r.category_code) for r in rows if r.id != exclude_id],
        radius_m,
    )
    return [NearbyCase(case_id, numbers[case_id], d) for case_id, d in found]


class DuplicateFinder:
    """Possible duplicates among open cases already in memory (e.g. the map's snapshot).

    Built once from rows with ``id``, ``case_no``, ``lon``, ``lat``, ``category_code``
    attributes (`snapshot.CaseRow` has them); calling it answers as `open_cases_near` does,
    as ``(case_id, case_no, distance_m)`` tuples — cheap enough to call from a dialog.
    """

    def __init__(self, open_cases: Iterable, radius_m: float = DUPLICATE_RADIUS_M) -> None:
        rows = list(open_cases)
        self.radius_m = radius_m
        self._numbers = {r.id: r.case_no for r in rows}
        self._index = OpenCaseIndex((r.id, r.lon, r.lat, r.category_code) for r in rows)

    def __call__(self, lon: float, lat: float, category_code: str) -> list[tuple[int, str, float]]:
        return [
            (case_id, self._numbers[case_id], d)
            for case_id, d in self._index.near(lon, lat, category_code, self.radius_m)
        ]
