"""SQLAlchemy models: the bureau's organisation, the map's registries, cases and their trail.

Geometry is stored as GeoJSON text in WGS-84 with bounding-box columns for range queries, so
the same schema runs on SQLite and on PostgreSQL without PostGIS. Times are stored as naive
UTC and handed out as aware datetimes in China Standard Time (see `UtcDateTime`).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from command_center.domain.workflow import Action, CaseState, Role

CST = timezone(timedelta(hours=8))

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, naive UTC in the database, aware CST datetimes out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC).astimezone(CST)


def _enum_check(column: str, values) -> CheckConstraint:
    # Written as an OR chain: SQLite evaluates `x IN (…)` in a CHECK by building a temporary
    # table for every row (≈5 µs a row, measured while seeding); the OR chain costs nothing.
    listed = " OR ".join(f"{column} = '{v.value}'" for v in values)
    return CheckConstraint(listed, name=f"{column}_valid")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class District(Base):
    """A county-level district (GB/T 2260): 双塔区 211302, 龙城区 211303."""

    __tablename__ = "districts"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON (Multi)Polygon, WGS-84
    source_crs: Mapped[str] = mapped_column(String(10), default="gcj02")


class Street(Base):
    """A street (街道) or town: the 9-digit prefix of a unit-grid code."""

    __tablename__ = "streets"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"))
    name: Mapped[str] = mapped_column(String(50))


class Community(Base):
    """A community (社区): the 12-digit prefix of a unit-grid code."""

    __tablename__ = "communities"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"))
    name: Mapped[str] = mapped_column(String(50))


class Unit(Base):
    """An organisation: the bureau, a brigade (大队), a team (中队) or a handling department."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # bureau | brigade | team | department
    unit_type: Mapped[str] = mapped_column(String(20))  # catalogue.UNIT_TYPES
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"))
    phone: Mapped[str | None] = mapped_column(String(30))

    __table_args__ = (
        CheckConstraint(
            "kind = 'bureau' OR kind = 'brigade' OR kind = 'team' OR kind = 'department'",
            name="kind_valid",
        ),
    )


class Squad(Base):
    """A field squad (a crew or vehicle) of a unit that takes cases on the street."""

    __tablename__ = "squads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="available")
    members: Mapped[int] = mapped_column(Integer, default=3)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    position_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    heading_deg: Mapped[float | None] = mapped_column(Float)  # course over ground, 0 = north
    # The daily shift (domain.shifts.Shift); an end before the start runs past midnight;
    # both None: round the clock.
    shift_start: Mapped[time | None] = mapped_column(Time)
    shift_end: Mapped[time | None] = mapped_column(Time)

    __table_args__ = (
        CheckConstraint(
            "status = 'available' OR status = 'busy' OR status = 'off_duty'", name="status_valid"
        ),
    )


class Person(Base):
    """A member of staff or a grid worker."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squads.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    username: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # services.auth format


class PersonRole(Base):
    """A role a person holds in the closed loop (a person may hold several)."""

    __tablename__ = "person_roles"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    __table_args__ = (_enum_check("role", Role),)


class ResponsibilityGrid(Base):
    """A responsibility grid (责任网格): unit grids grouped under one squad and grid worker."""

    __tablename__ = "responsibility_grids"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"))
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squads.id"))
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    geometry: Mapped[str | None] = mapped_column(Text)


class UnitGrid(Base):
    """A unit grid (单元网格, GB/T 30428.1) with its 15-digit code."""

    __tablename__ = "unit_grids"
    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"))
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"))
    responsibility_grid_id: Mapped[int | None] = mapped_column(
        ForeignKey("responsibility_grids.id"), index=True
    )
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON Polygon, WGS-84
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        CheckConstraint("length(code) = 15", name="code_15_digits"),
        Index("ix_unit_grids_bbox", "min_lon", "min_lat"),
    )


class Camera(Base):
    """A camera: any URL or file that OpenCV's FFmpeg backend opens."""

    __tablename__ = "cameras"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)  # view direction, 0 = north
    fov_deg: Mapped[float | None] = mapped_column(Float)  # horizontal field of view
    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"))
    grid_code: Mapped[str | None] = mapped_column(String(15))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # The low-resolution stream the wall's tiles play (the main `url` when enlarged);
    # None: the main stream serves both.
    sub_url: Mapped[str | None] = mapped_column(Text)
    group_name: Mapped[str | None] = mapped_column(String(60), index=True)  # e.g. 中心城区路口
    status: Mapped[str] = mapped_column(String(20), default="in_service")

    __table_args__ = (
        CheckConstraint(
            "status = 'in_service' OR status = 'maintenance' OR status = 'retired'",
            name="status_valid",
        ),
    )


class CameraTour(Base):
    """A tour of the video wall: cameras shown in turn, a page of the layout at a time,
    each page for `interval_s` seconds."""

    __tablename__ = "camera_tours"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    layout: Mapped[str] = mapped_column(String(10), default="2x2")  # ui.video_wall layouts
    interval_s: Mapped[int] = mapped_column(Integer, default=20)
    camera_ids: Mapped[list] = mapped_column(JSON)

    __table_args__ = (CheckConstraint("interval_s >= 3", name="interval_min"),)


class MotionZone(Base):
    """A polygon on a camera's image where persistent motion suggests a case. `spec` is the
    whole rule as `domain.motion.zone_to_dict` writes it (polygon in image fractions,
    threshold, persistence, schedule, cooldown); name and category are copied out for lists."""

    __tablename__ = "motion_zones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), index=True)
    zone_key: Mapped[str] = mapped_column(String(40))  # the domain zone's id, per camera
    name: Mapped[str] = mapped_column(String(60))
    category_code: Mapped[str] = mapped_column(String(8))
    spec: Mapped[dict] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("camera_id", "zone_key"),)


class MotionSuggestion(Base):
    """A case the cameras suggest (motion persisted in a zone); the intake operator accepts
    it (it becomes a reported case) or dismisses it."""

    __tablename__ = "motion_suggestions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("motion_zones.id"))
    category_code: Mapped[str] = mapped_column(String(8))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    grid_code: Mapped[str | None] = mapped_column(String(15))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime)
    peak: Mapped[float] = mapped_column(Float)
    snapshot: Mapped[bytes | None] = mapped_column(LargeBinary)  # JPEG of the moment
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    __table_args__ = (
        CheckConstraint(
            "status = 'pending' OR status = 'accepted' OR status = 'dismissed'",
            name="status_valid",
        ),
    )


class Case(Base):
    """A case (案卷) of the closed loop. `version` guards against two desks acting at once."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # component | event
    category_code: Mapped[str] = mapped_column(String(8), index=True)
    source: Mapped[str] = mapped_column(
        String(20)
    )  # inspector | hotline | public | camera | leader
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"), index=True)
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    state: Mapped[str] = mapped_column(String(24), index=True)
    resume_state: Mapped[str | None] = mapped_column(String(24))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squads.id"), index=True)
    time_limit: Mapped[float | None] = mapped_column(Float)
    time_unit: Mapped[str | None] = mapped_column(String(16))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    extension_amount: Mapped[float] = mapped_column(Float, default=0.0)  # in the limit's unit
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    suspend_count: Mapped[int] = mapped_column(Integer, default=0)
    transferred_to: Mapped[str | None] = mapped_column(String(100))
    # The registry object the case is about (a sign, a manhole cover, …), if any (0010).
    # Indexed where set only: most cases point at nothing, and an index over every row's
    # NULL cost an import of 100,000 cases 0.6–0.9 s (bench/import.py).
    object_id: Mapped[int | None] = mapped_column(ForeignKey("registry_objects.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        _enum_check("state", CaseState),
        CheckConstraint("kind = 'component' OR kind = 'event'", name="kind_valid"),
        Index("ix_cases_state_deadline", "state", "deadline_at"),
        # The case queue's tabs (services.case_queue): a tab's rows in report order, and
        # its district and category filters, read off an index (0005).
        Index("ix_cases_state_reported", "state", "reported_at"),
        Index("ix_cases_state_district", "state", "district_code", "reported_at"),
        Index("ix_cases_state_category", "state", "category_code"),
        # The KPI read model (services.kpi, 0008): today's registrations and dispatches;
        # the closed cases of a range with all the columns their figures need; the
        # reported cases of a range with their category.
        Index("ix_cases_registered_at", "registered_at"),
        Index("ix_cases_dispatched_at", "dispatched_at"),
        Index(
            "ix_cases_closed_kpi",
            "closed_at",
            "squad_id",
            "unit_id",
            "deadline_at",
            "handled_at",
            "reported_at",
        ),
        Index("ix_cases_reported_category", "reported_at", "category_code"),
        Index(
            "ix_cases_object_id",
            "object_id",
            sqlite_where=text("object_id IS NOT NULL"),
            postgresql_where=text("object_id IS NOT NULL"),
        ),
    )


class CaseEvent(Base):
    """One step of a case's trail: who did what, when, from which state to which. Append-only."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict | None] = mapped_column(JSON)
    workstation: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (_enum_check("action", Action),)


class Attachment(Base):
    """A photo, clip or document kept as evidence on a case."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"))
    kind: Mapped[str] = mapped_column(String(20))  # photo | video | document
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Evidence from a camera: which camera, and when the picture or clip was taken.
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"))
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Order(Base):
    """A supervisor's order (督办令 / 指令) to a unit or squad."""

    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squads.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="issued")
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the addressee saw it
    reply: Mapped[str | None] = mapped_column(Text)  # the addressee's latest word on it

    __table_args__ = (
        CheckConstraint(
            "status = 'issued' OR status = 'acknowledged' OR status = 'done' OR status = 'cancelled'",
            name="status_valid",
        ),
    )


class OrderCase(Base):
    """The cases an order is about (an order may name several)."""

    __tablename__ = "order_cases"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)


class ChangeLog(Base):
    """One row per row a transaction wrote, in commit order: what other workstations follow
    (`live.changefeed`; PostgreSQL also sends NOTIFY cc_changes with the newest id)."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(BigInteger)
    workstation: Mapped[str] = mapped_column(String(64))


class JudicialTransfer(Base):
    """The record of a case handed to the police, the procuratorate or a court (司法衔接):
    who sent it when, what was sent, and the receiving body's feedback. One per case.
    Statuses and outcomes are `domain.judicial.FeedbackStatus` and `Outcome`."""

    __tablename__ = "judicial_transfers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    body: Mapped[str] = mapped_column(String(20))  # police | procuratorate | court
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    materials: Mapped[str] = mapped_column(Text)  # JSON list of the documents sent
    reference_no: Mapped[str | None] = mapped_column(String(64))  # the body's file number
    feedback_status: Mapped[str] = mapped_column(String(12), default="awaiting")
    feedback_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    feedback_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(
            "body = 'police' OR body = 'procuratorate' OR body = 'court'", name="body_valid"
        ),
        CheckConstraint(
            "feedback_status = 'awaiting' OR feedback_status = 'accepted' "
            "OR feedback_status = 'rejected' OR feedback_status = 'closed'",
            name="feedback_status_valid",
        ),
        CheckConstraint(
            "(feedback_status = 'closed' AND (outcome = 'penalised' OR outcome = 'prosecuted' "
            "OR outcome = 'judged' OR outcome = 'returned' OR outcome = 'no_action')) "
            "OR (feedback_status <> 'closed' AND outcome IS NULL)",
            name="outcome_valid",
        ),
    )


class RegistryObject(Base):
    """An object of one of the city's registries (台账, `domain.registries.KINDS`): an illegal
    building, a sign, a car park, a market, a shop front, a municipal component or a key
    project. Its typed attributes are checked by the kind and kept in `attrs` (JSON); the
    place is a point (`lon`/`lat`), and for a footprint also a GeoJSON polygon with its box."""

    __tablename__ = "registry_objects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(24))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    geometry: Mapped[str | None] = mapped_column(Text)  # GeoJSON Polygon, WGS-84; None: a point
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"))
    street_code: Mapped[str | None] = mapped_column(String(9))
    grid_code: Mapped[str | None] = mapped_column(String(15))
    address: Mapped[str] = mapped_column(String(200), default="")
    attrs: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(
            "kind = 'illegal_buildings' OR kind = 'ad_signs' OR kind = 'parking' "
            "OR kind = 'markets' OR kind = 'shopfronts' OR kind = 'components' "
            "OR kind = 'projects'",
            name="kind_valid",
        ),
        Index("ix_registry_objects_kind_status", "kind", "status"),
        Index("ix_registry_objects_kind_street", "kind", "street_code"),
        Index("ix_registry_objects_bbox", "min_lon", "min_lat"),
    )


class RegistryEvent(Base):
    """One step of a registry object's life: created, edited, a life-cycle step, a case
    linked or unlinked. Append-only, like a case's trail."""

    __tablename__ = "registry_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("registry_objects.id"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict | None] = mapped_column(JSON)
    workstation: Mapped[str | None] = mapped_column(String(64))


# Tables whose names `db stats` reports, in a stable order.
REPORTED_TABLES = [t.name for t in Base.metadata.sorted_tables]
