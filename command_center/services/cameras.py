"""The camera registry, the wall's tours, which cameras see a case, and camera evidence.

One transaction per use case; writes return a `Changes` value and go into the change log so
the other workstations follow. Evidence (a snapshot or a clip from a camera) is stored in
`attachments` with the camera and the moment it was taken, so the case's timeline shows it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from command_center.domain.calendar import CST
from command_center.domain.cameras import DEFAULT_RANGE_M, CameraView, Coverage, covering
from command_center.services import changelog
from command_center.services.cases import Actor, check_actor
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes, NotFound, ServiceError
from command_center.services.snapshot import CameraRow
from command_center.store.engine import Store
from command_center.store.models import Attachment, Camera, CameraTour, Case

__all__ = [
    "CAMERA_STATUSES",
    "EVIDENCE_KINDS",
    "CameraService",
    "Evidence",
    "TourInfo",
]

CAMERA_STATUSES = ("in_service", "maintenance", "retired")
EVIDENCE_KINDS = {"photo": "image/jpeg", "video": "video/x-msvideo"}
MAX_EVIDENCE_BYTES = 200 * 1024 * 1024  # a 30 s clip at 1080p MJPEG stays well under this
WALL_LAYOUTS = ("1", "2x2", "3x3", "4x4", "1+5", "1+7")


@dataclass(frozen=True)
class TourInfo:
    id: int
    name: str
    layout: str
    interval_s: int
    camera_ids: tuple[int, ...]


@dataclass(frozen=True)
class Evidence:
    """A picture or clip from a camera, to attach to a case."""

    case_id: int
    camera_id: int
    kind: str  # photo | video
    data: bytes
    taken_at: datetime  # the frame's time (a clip: its first frame)
    filename: str = ""
    mime: str = ""


class CameraService:
    """Cameras and their evidence on one store."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        workstation: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.workstation = (workstation or default_workstation())[:64]

    # -- reads -------------------------------------------------------------------------
    def cameras(self) -> list[CameraRow]:
        """Every camera, by group then code."""
        with self.store.read() as s:
            rows = s.scalars(select(Camera).order_by(Camera.group_name, Camera.code)).all()
            return [camera_row(c) for c in rows]

    def groups(self) -> dict[str, list[int]]:
        """Camera ids by group name, in code order (cameras without a group are left out)."""
        out: dict[str, list[int]] = {}
        for cam in self.cameras():
            if cam.group_name:
                out.setdefault(cam.group_name, []).append(cam.id)
        return out

    def covering_case(self, case_id: int, *, limit: int | None = 16) -> list[Coverage]:
        """The cameras whose cone covers the case, nearest first."""
        with self.store.read() as s:
            case = s.get(Case, case_id)
            if case is None:
                raise NotFound(f"no case with id {case_id}")
            lon, lat = case.lon, case.lat
        return covering(lon, lat, (camera_view(c) for c in self.cameras()), limit=limit)

    def tours(self) -> list[TourInfo]:
        with self.store.read() as s:
            return [
                TourInfo(t.id, t.name, t.layout, t.interval_s, tuple(int(i) for i in t.camera_ids))
                for t in s.scalars(select(CameraTour).order_by(CameraTour.name))
            ]

    # -- registry writes ---------------------------------------------------------------
    def set_status(self, camera_id: int, status: str) -> Changes:
        if status not in CAMERA_STATUSES:
            raise ServiceError(
                f"unknown camera status {status!r}; one of: {', '.join(CAMERA_STATUSES)}"
            )
        with self.store.transaction() as s:
            cam = s.get(Camera, camera_id)
            if cam is None:
                raise NotFound(f"no camera with id {camera_id}")
            if cam.status == status:
                return Changes()
            cam.status = status
            return self._logged(s, Changes.of(cameras=camera_id))

    def save_tour(self, name: str, layout: str, interval_s: int,
                  camera_ids: Sequence[int]) -> Changes:
        """Create or replace the tour called `name`."""
        name = name.strip()
        if not name:
            raise ServiceError("a tour needs a name")
        if layout not in WALL_LAYOUTS:
            raise ServiceError(f"unknown wall layout {layout!r}; one of: {', '.join(WALL_LAYOUTS)}")
        if interval_s < 3:
            raise ServiceError("a tour shows each page for at least 3 seconds")
        if not camera_ids:
            raise ServiceError("a tour needs at least one camera")
        with self.store.transaction() as s:
            known = set(s.scalars(select(Camera.id).where(Camera.id.in_(list(camera_ids)))))
            unknown = [i for i in camera_ids if i not in known]
            if unknown:
                raise NotFound(f"no camera with id {unknown[0]}")
            tour = s.scalar(select(CameraTour).where(CameraTour.name == name))
            if tour is None:
                tour = CameraTour(name=name)
                s.add(tour)
            tour.layout, tour.interval_s, tour.camera_ids = layout, interval_s, list(camera_ids)
            s.flush()
            return self._logged(s, Changes.of(camera_tours=tour.id))

    # -- evidence -----------------------------------------------------------------------
    def attach(self, actor: Actor, evidence: Evidence) -> Changes:
        """Attach a camera snapshot or clip to a case (any signed-in person may: evidence is
        never refused for lack of a role). Closed cases take evidence too: a complaint may
        come after closing."""
        kind = evidence.kind
        if kind not in EVIDENCE_KINDS:
            raise ServiceError(f"unknown evidence kind {kind!r}; one of: photo, video")
        if not evidence.data:
            raise ServiceError("the evidence is empty: nothing was attached")
        if len(evidence.data) > MAX_EVIDENCE_BYTES:
            raise ServiceError(
                f"the evidence is {len(evidence.data) / 1e6:.0f} MB, over the "
                f"{MAX_EVIDENCE_BYTES / 1e6:.0f} MB limit: nothing was attached"
            )
        now = self.clock()
        with self.store.transaction() as s:
            check_actor(s, actor)
            case = s.get(Case, evidence.case_id)
            if case is None:
                raise NotFound(f"no case with id {evidence.case_id}")
            cam = s.get(Camera, evidence.camera_id)
            if cam is None:
                raise NotFound(f"no camera with id {evidence.camera_id}")
            stamp = evidence.taken_at.astimezone(CST)
            default_name = f"{cam.code}_{stamp:%Y%m%d_%H%M%S}" + (
                ".jpg" if kind == "photo" else ".avi")
            row = Attachment(
                case_id=case.id,
                kind=kind,
                filename=evidence.filename or default_name,
                mime=evidence.mime or EVIDENCE_KINDS[kind],
                sha256=hashlib.sha256(evidence.data).hexdigest(),
                size=len(evidence.data),
                content=evidence.data,
                created_at=now,
                created_by=actor.person_id,
                camera_id=cam.id,
                taken_at=evidence.taken_at,
            )
            s.add(row)
            s.flush()
            return self._logged(s, Changes.of(cases=case.id, attachments=row.id))

    def attachment_content(self, attachment_id: int) -> bytes:
        """The stored bytes of one attachment (a database read)."""
        with self.store.read() as s:
            content = s.scalar(select(Attachment.content).where(Attachment.id == attachment_id))
            if content is None:
                raise NotFound(f"attachment {attachment_id} holds no stored content")
            return bytes(content)

    def _logged(self, s, changes: Changes) -> Changes:  # noqa: ANN001
        s.flush()
        changelog.record(s, changes, self.workstation, self.clock())
        return changes


def camera_view(row: CameraRow, range_m: float = DEFAULT_RANGE_M) -> CameraView:
    """What `domain.cameras.covering` needs of a camera."""
    return CameraView(row.id, row.lon, row.lat, row.heading_deg, row.fov_deg, range_m,
                      row.usable)


def camera_row(c: Camera) -> CameraRow:
    """A camera of the store as the rest of the app sees it."""
    return CameraRow(
        c.id, c.code, c.name, c.lon, c.lat, c.url, bool(c.enabled), c.heading_deg, c.fov_deg,
        c.sub_url, c.group_name, c.status or "in_service",
    )
