"""Motion zones per camera, and the cases the cameras suggest.

When motion persists in a camera's zone (`video.motion`), a suggestion is raised with the
zone's category, the place it looks at (the zone's own point, else the camera's position),
its unit grid and a snapshot. The intake operator accepts it — it becomes a reported case
with source "camera" and the snapshot attached as camera evidence — or dismisses it with a
reason. Two intake desks cannot both accept one suggestion: the first claims it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from command_center.domain.calendar import CST
from command_center.domain.motion import MotionZone, ZoneTrigger, zone_from_dict, zone_to_dict
from command_center.domain.workflow import Role
from command_center.services import changelog
from command_center.services.cameras import CameraService, Evidence
from command_center.services.cases import Actor, CaseService, check_actor
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes, ConflictError, NotFound, ServiceError
from command_center.store.engine import Store
from command_center.store.models import Camera, MotionSuggestion
from command_center.store.models import MotionZone as ZoneRow

__all__ = ["ZONE_EDITORS", "Suggestion", "SuggestionService"]

ZONE_EDITORS = frozenset({Role.SHIFT_CHIEF, Role.SUPERVISOR, Role.ADMIN})

log = logging.getLogger("video")


@dataclass(frozen=True)
class Suggestion:
    """A pending (or decided) suggested case, as the intake list shows it."""

    id: int
    camera_id: int
    camera_name: str
    zone_name: str
    category_code: str
    lon: float
    lat: float
    grid_code: str | None
    started_at: datetime
    detected_at: datetime
    peak: float
    status: str  # pending | accepted | dismissed
    case_id: int | None
    has_snapshot: bool


class SuggestionService:
    """Zones and suggestions on one store; accepting reports through `CaseService`."""

    def __init__(
        self,
        store: Store,
        cases: CaseService,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        workstation: str | None = None,
    ) -> None:
        self.store, self.cases, self.clock = store, cases, clock
        self.workstation = (workstation or default_workstation())[:64]
        self.cameras = CameraService(store, clock=clock, workstation=self.workstation)

    # -- zones ---------------------------------------------------------------------------
    def zones(self, camera_id: int) -> list[MotionZone]:
        """The camera's enabled zones (a zone whose stored rule no longer validates is
        left out and named in the log, never a crash)."""
        with self.store.read() as s:
            rows = s.scalars(
                select(ZoneRow).where(ZoneRow.camera_id == camera_id, ZoneRow.enabled)
                .order_by(ZoneRow.id)
            ).all()
        return [z for r in rows if (z := _zone(r)) is not None]

    def zones_by_camera(self) -> dict[int, list[MotionZone]]:
        """Every camera that has enabled zones, with them."""
        with self.store.read() as s:
            rows = s.scalars(select(ZoneRow).where(ZoneRow.enabled).order_by(ZoneRow.id)).all()
        out: dict[int, list[MotionZone]] = {}
        for r in rows:
            zone = _zone(r)
            if zone is not None:
                out.setdefault(r.camera_id, []).append(zone)
        return out

    def save_zones(self, actor: Actor, camera_id: int, zones: Sequence[MotionZone]) -> Changes:
        """Replace the camera's zones with `zones` in one transaction (their ids must be
        unique per camera; categories must be in the catalogue). Only `ZONE_EDITORS` may:
        a zone decides what the intake desk is asked to look at."""
        if actor.role not in ZONE_EDITORS:
            raise ServiceError("only the shift chief, a supervisor or the administrator "
                               "changes motion zones")
        keys = [z.id for z in zones]
        if len(set(keys)) != len(keys):
            raise ServiceError("two zones of one camera have the same id")
        for z in zones:
            if self.cases.catalogue.get(z.category_code) is None:
                raise ServiceError(f"zone {z.name!r}: unknown category code {z.category_code!r}")
        with self.store.transaction() as s:
            check_actor(s, actor)
            if s.get(Camera, camera_id) is None:
                raise NotFound(f"no camera with id {camera_id}")
            existing = {r.zone_key: r for r in s.scalars(
                select(ZoneRow).where(ZoneRow.camera_id == camera_id))}
            touched: set[int] = set()
            for z in zones:
                row = existing.pop(z.id, None)
                if row is None:
                    row = ZoneRow(camera_id=camera_id, zone_key=z.id)
                    s.add(row)
                row.name, row.category_code = z.name, z.category_code
                row.spec, row.enabled = zone_to_dict(z), True
                s.flush()
                touched.add(row.id)
            for gone in existing.values():  # suggestions keep their zone: disable, not delete
                gone.enabled = False
                touched.add(gone.id)
            s.flush()
            changes = Changes.of(motion_zones=touched, cameras=camera_id)
            changelog.record(s, changes, self.workstation, self.clock())
            return changes

    # -- suggestions ---------------------------------------------------------------------
    def raise_suggestion(
        self, camera_id: int, trigger: ZoneTrigger, snapshot_jpeg: bytes | None = None
    ) -> Changes:
        """Record what a camera's zone saw, for the intake operator."""
        with self.store.transaction() as s:
            cam = s.get(Camera, camera_id)
            if cam is None:
                raise NotFound(f"no camera with id {camera_id}")
            row = s.scalar(select(ZoneRow).where(
                ZoneRow.camera_id == camera_id, ZoneRow.zone_key == trigger.zone_id))
            if row is None:
                raise NotFound(f"camera {cam.code} has no zone {trigger.zone_id!r}")
            zone = zone_from_dict(row.spec)
            lon, lat = zone.location or (cam.lon, cam.lat)
            suggestion = MotionSuggestion(
                camera_id=cam.id, zone_id=row.id, category_code=zone.category_code,
                lon=lon, lat=lat, grid_code=self.cases.locator.locate(lon, lat),
                started_at=trigger.started_at, detected_at=trigger.at,
                peak=float(trigger.peak_fraction), snapshot=snapshot_jpeg or None,
                status="pending",
            )
            s.add(suggestion)
            s.flush()
            changes = Changes.of(motion_suggestions=suggestion.id)
            changelog.record(s, changes, self.workstation, self.clock())
            return changes

    def suggestions(self, *, status: str | None = "pending", limit: int = 200) -> list[Suggestion]:
        """Newest first."""
        with self.store.read() as s:
            q = (
                select(MotionSuggestion, Camera.name, ZoneRow.name)
                .join(Camera, Camera.id == MotionSuggestion.camera_id)
                .outerjoin(ZoneRow, ZoneRow.id == MotionSuggestion.zone_id)
                .order_by(MotionSuggestion.detected_at.desc(), MotionSuggestion.id.desc())
                .limit(limit)
            )
            if status is not None:
                q = q.where(MotionSuggestion.status == status)
            return [
                Suggestion(
                    m.id, m.camera_id, cam_name, zone_name or "", m.category_code, m.lon, m.lat,
                    m.grid_code, m.started_at, m.detected_at, m.peak, m.status, m.case_id,
                    m.snapshot is not None,
                )
                for m, cam_name, zone_name in s.execute(q)
            ]

    def snapshot(self, suggestion_id: int) -> bytes | None:
        with self.store.read() as s:
            data = s.scalar(select(MotionSuggestion.snapshot)
                            .where(MotionSuggestion.id == suggestion_id))
        return bytes(data) if data is not None else None

    def accept(self, actor: Actor, suggestion_id: int, *, description: str = "") -> Changes:
        """The suggestion becomes a reported case (source camera) with its snapshot attached.
        Claims the suggestion first, so a second desk gets a `ConflictError`."""
        now = self.clock()
        with self.store.transaction() as s:
            check_actor(s, actor)
            if actor.role not in (Role.INTAKE, Role.SHIFT_CHIEF, Role.ADMIN):
                raise ServiceError("only the intake operator or the shift chief accepts "
                                   "suggested cases")
            m = s.get(MotionSuggestion, suggestion_id)
            if m is None:
                raise NotFound(f"no suggestion with id {suggestion_id}")
            claimed = s.execute(
                update(MotionSuggestion)
                .where(MotionSuggestion.id == suggestion_id,
                       MotionSuggestion.status == "pending")
                .values(status="accepted", decided_by=actor.person_id, decided_at=now)
            ).rowcount
            if not claimed:
                raise ConflictError(f"suggestion {suggestion_id} was already {m.status} "
                                    "at another workstation")
            cam_name = s.scalar(select(Camera.name).where(Camera.id == m.camera_id))
            zone_name = s.scalar(select(ZoneRow.name).where(ZoneRow.id == m.zone_id))
            camera_id, snapshot, detected = m.camera_id, m.snapshot, m.detected_at
            category, lon, lat = m.category_code, m.lon, m.lat
        try:
            text = description.strip() or (
                f"视频监控发现：{cam_name} {zone_name or ''}区域持续活动"
                f"（{detected.astimezone(CST):%H:%M}）"
            )
            changes = self.cases.report(actor, category_code=category, lon=lon, lat=lat,
                                        description=text, source="camera")
        except Exception:
            with self.store.transaction() as s:  # give the suggestion back
                s.execute(update(MotionSuggestion).where(MotionSuggestion.id == suggestion_id)
                          .values(status="pending", decided_by=None, decided_at=None))
            raise
        case_id = changes.case_id
        if snapshot:
            changes |= self.cameras.attach(actor, Evidence(case_id, camera_id, "photo",
                                                           bytes(snapshot), detected))
        with self.store.transaction() as s:
            s.execute(update(MotionSuggestion).where(MotionSuggestion.id == suggestion_id)
                      .values(case_id=case_id))
            done = Changes.of(motion_suggestions=suggestion_id)
            changelog.record(s, done, self.workstation, now)
        return changes | done

    def dismiss(self, actor: Actor, suggestion_id: int) -> Changes:
        """Not a case (a passer-by, a delivery, a false alarm)."""
        now = self.clock()
        with self.store.transaction() as s:
            check_actor(s, actor)
            m = s.get(MotionSuggestion, suggestion_id)
            if m is None:
                raise NotFound(f"no suggestion with id {suggestion_id}")
            if m.status != "pending":
                raise ConflictError(f"suggestion {suggestion_id} was already {m.status}")
            m.status, m.decided_by, m.decided_at = "dismissed", actor.person_id, now
            s.flush()
            changes = Changes.of(motion_suggestions=suggestion_id)
            changelog.record(s, changes, self.workstation, now)
            return changes


def _zone(row: ZoneRow) -> MotionZone | None:
    try:
        return zone_from_dict(row.spec)
    except ValueError as exc:
        log.error("motion zone %s of camera %s is not usable: %s", row.zone_key, row.camera_id, exc)
        return None
