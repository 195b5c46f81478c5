"""The city's registries (台账): the things the bureau keeps books on, each with its fields,
its life cycle, and the catalogue categories of the cases that are about it.

The plan (朝阳市"十四五"城市管理发展规划, §十三–二十四) names them: illegal buildings
(违法建设, "new = 0, stock → 0"), outdoor advertising and shop signs (户外广告与牌匾), parking
(停车), convenience and smart farmers' markets (便民市场 / 智慧农贸市场), shop-front
responsibility contracts (门前承包责任制), municipal components (市政设施部件) and the plan's key
projects (重点项目). Every registry object has a kind, a code, a name, a place (a point, or a
footprint polygon for illegal buildings), a status and typed attributes; the kind declares them.

A life cycle is a set of steps: each names the statuses it starts from, the status it leads to
and the attributes it must be given (a demolition needs its date). `plan_step` checks a step
and returns the new status and the attributes to write, or raises `RegistryError` with the
reason. Nothing here touches the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

FieldType = Literal["text", "int", "float", "date", "datetime", "time", "choice", "bool"]
GeometryType = Literal["point", "polygon"]


class RegistryError(ValueError):
    """A value or a step the registry refuses, with the reason in plain words."""


@dataclass(frozen=True)
class Field:
    """One typed attribute of a kind. `choices` are (value, Chinese label) pairs."""

    key: str
    label: str
    type: FieldType = "text"
    required: bool = False
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200

    def choice_label(self, value: Any) -> str:
        return dict(self.choices).get(value, "" if value is None else str(value))


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    colour: str  # the map's and the table's colour for it
    closed: bool = False  # the end of the life cycle (nothing more to do)


@dataclass(frozen=True)
class Step:
    """A step of a life cycle: from any of `sources` to `target`, given `requires`."""

    key: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (an inspection, a progress report)
    requires: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()  # attributes the step may also set
    note_required: bool = False


@dataclass(frozen=True)
class Kind:
    key: str  # also the import/export target name
    label: str
    code_prefix: str
    geometry: GeometryType
    fields: tuple[Field, ...]
    statuses: tuple[Status, ...]
    initial: str
    steps: tuple[Step, ...]
    entry: tuple[str, ...] = ()  # statuses besides `initial` the entry form offers
    categories: tuple[str, ...] = ()  # catalogue codes of cases about such objects
    symbol: str = "o"  # pyqtgraph symbol on the map
    list_fields: tuple[str, ...] = ()  # attributes the table shows as columns

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def status(self, key: str) -> Status:
        for s in self.statuses:
            if s.key == key:
                return s
        raise RegistryError(f"{self.key}: unknown status {key!r}")

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise RegistryError(f"{self.key}: unknown step {key!r}")

    def steps_from(self, status: str) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if status in s.sources)

    @property
    def status_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.statuses)

    @property
    def field_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


# -- the kinds ------------------------------------------------------------------------------
_ILLEGAL = Kind(
    key="illegal_buildings",
    label="违法建设",
    code_prefix="WJ",
    geometry="polygon",
    fields=(
        Field("area_m2", "面积", "float", required=True, unit="m²", minimum=0.1, maximum=1e6),
        Field("found_on", "发现日期", "date", required=True),
        Field(
            "origin", "类型", "choice", required=True, choices=(("new", "新增"), ("stock", "存量"))
        ),
        Field(
            "structure",
            "结构",
            "choice",
            choices=(
                ("brick", "砖混"),
                ("steel", "彩钢"),
                ("wood", "木结构"),
                ("frame", "框架"),
                ("other", "其他"),
            ),
        ),
        Field("party", "当事人", "text", max_length=100),
        Field("notice_no", "限拆通知书文号", "text", max_length=64),
        Field("notice_on", "送达日期", "date"),
        Field("demolish_by", "限期拆除日期", "date"),
        Field("demolished_on", "拆除日期", "date"),
        Field("court_ref", "法院案号", "text", max_length=64),
    ),
    statuses=(
        Status("found", "已发现", "#d62728"),
        Status("notice_served", "已下达限拆通知", "#ff7f0e"),
        Status("referred_to_court", "已申请法院强拆", "#9467bd"),
        Status("self_demolished", "自行拆除", "#2ca02c", closed=True),
        Status("forcibly_demolished", "强制拆除", "#17becf", closed=True),
    ),
    initial="found",
    steps=(
        Step(
            "serve_notice",
            "下达限拆通知",
            ("found",),
            "notice_served",
            requires=("notice_no", "notice_on", "demolish_by"),
        ),
        Step(
            "self_demolish",
            "确认自行拆除",
            ("found", "notice_served"),
            "self_demolished",
            requires=("demolished_on",),
        ),
        Step(
            "force_demolish",
            "强制拆除",
            ("notice_served", "referred_to_court"),
            "forcibly_demolished",
            requires=("demolished_on",),
        ),
        Step(
            "refer_court",
            "申请法院强制执行",
            ("notice_served",),
            "referred_to_court",
            requires=("court_ref",),
        ),
    ),
    categories=("200101",),
    list_fields=("origin", "area_m2", "found_on", "demolish_by", "demolished_on"),
)

_AD_SIGNS = Kind(
    key="ad_signs",
    label="户外广告与牌匾",
    code_prefix="GG",
    geometry="point",
    fields=(
        Field(
            "sign_type",
            "类型",
            "choice",
            required=True,
            choices=(
                ("outdoor_ad", "户外广告"),
                ("shop_sign", "牌匾标识"),
                ("billboard", "擎天柱/大型广告牌"),
            ),
        ),
        Field("owner", "设置单位", "text", max_length=100),
        Field("permit_no", "许可证号", "text", max_length=64),
        Field("permit_until", "许可有效期至", "date"),
        Field("width_m", "宽", "float", unit="m", minimum=0.1, maximum=200),
        Field("height_m", "高", "float", unit="m", minimum=0.1, maximum=100),
        Field(
            "position",
            "设置位置",
            "choice",
            choices=(
                ("wall", "墙面"),
                ("roof", "楼顶"),
                ("ground", "落地"),
                ("overhang", "悬挑"),
                ("canopy", "雨篷"),
            ),
        ),
        Field("defect", "不合规原因", "text", max_length=200),
        Field("rectify_by", "整改期限", "date"),
        Field("rectified_on", "整改日期", "date"),
    ),
    statuses=(
        Status("compliant", "合规", "#2ca02c"),
        Status("non_compliant", "待整改", "#d62728"),
        Status("removed", "已拆除", "#7f7f7f", closed=True),
    ),
    initial="compliant",
    steps=(
        Step(
            "flag", "认定不合规", ("compliant",), "non_compliant", requires=("defect", "rectify_by")
        ),
        Step("rectify", "整改完成", ("non_compliant",), "compliant", requires=("rectified_on",)),
        Step("remove", "拆除", ("compliant", "non_compliant"), "removed", note_required=True),
        Step(
            "renew_permit",
            "续办许可",
            ("compliant", "non_compliant"),
            None,
            requires=("permit_no", "permit_until"),
        ),
    ),
    categories=("0307", "0306", "200202", "200203"),
    symbol="s",
    list_fields=("sign_type", "permit_no", "permit_until", "rectify_by"),
)

_PARKING = Kind(
    key="parking",
    label="停车设施",
    code_prefix="TC",
    geometry="point",
    fields=(
        Field(
            "parking_type",
            "类型",
            "choice",
            required=True,
            choices=(("car_park", "公共停车场"), ("on_street", "路内泊位")),
        ),
        Field("capacity", "泊位数", "int", required=True, unit="个", minimum=1, maximum=20000),
        Field("occupied", "在用泊位", "int", unit="个", minimum=0, maximum=20000),
        Field("occupied_at", "占用更新时间", "datetime"),
        Field("feed", "占用数据源", "text", max_length=120),
        Field("fee", "收费标准", "text", max_length=100),
        Field("operator", "管理单位", "text", max_length=100),
    ),
    statuses=(
        Status("open", "开放", "#1f77b4"),
        Status("closed", "暂停使用", "#7f7f7f"),
        Status("planned", "规划建设", "#bcbd22"),
    ),
    initial="open",
    entry=("planned",),
    steps=(
        Step("close", "暂停使用", ("open",), "closed", note_required=True),
        Step("reopen", "恢复开放", ("closed", "planned"), "open"),
        Step(
            "report_occupancy",
            "更新占用",
            ("open",),
            None,
            requires=("occupied",),
            optional=("occupied_at",),
        ),
    ),
    categories=("0201", "200505"),
    symbol="p",
    list_fields=("parking_type", "capacity", "occupied", "occupied_at"),
)

_MARKETS = Kind(
    key="markets",
    label="便民市场与农贸市场",
    code_prefix="SC",
    geometry="point",
    fields=(
        Field(
            "market_type",
            "类型",
            "choice",
            required=True,
            choices=(
                ("convenience", "便民市场"),
                ("farmers", "农贸市场"),
                ("smart_farmers", "智慧农贸市场"),
            ),
        ),
        Field("stalls", "摊位数", "int", required=True, unit="个", minimum=1, maximum=5000),
        Field("opens", "开市时间", "time", required=True),
        Field("closes", "闭市时间", "time", required=True),
        Field("operator", "管理单位", "text", max_length=100),
        Field("upgrade_due", "智慧化改造完成期限", "date"),
    ),
    statuses=(
        Status("planned", "规划", "#bcbd22"),
        Status("building", "建设/改造中", "#ff7f0e"),
        Status("open", "营业", "#2ca02c"),
        Status("closed", "已关闭", "#7f7f7f", closed=True),
    ),
    initial="open",
    entry=("planned",),
    steps=(
        Step(
            "start_works",
            "开工建设/改造",
            ("planned", "open"),
            "building",
            optional=("upgrade_due", "market_type"),
        ),
        Step("open", "开业", ("planned", "building"), "open", optional=("market_type",)),
        Step("close", "关闭", ("planned", "building", "open"), "closed", note_required=True),
    ),
    categories=("200501", "200504", "200503"),
    symbol="t",
    list_fields=("market_type", "stalls", "opens", "closes"),
)

INSPECTION_RESULTS = (("pass", "落实"), ("fail", "未落实"))

_SHOPFRONTS = Kind(
    key="shopfronts",
    label="门前承包责任制",
    code_prefix="MQ",
    geometry="point",
    fields=(
        Field("business", "经营类别", "text", max_length=60),
        Field("contact", "负责人", "text", max_length=50),
        Field("informed_on", "告知日期", "date"),
        Field("signed_on", "签订日期", "date"),
        Field("last_inspected_on", "最近检查日期", "date"),
        Field("last_result", "最近检查结果", "choice", choices=INSPECTION_RESULTS),
    ),
    statuses=(
        Status("uninformed", "未告知", "#d62728"),
        Status("informed", "已告知未签订", "#ff7f0e"),
        Status("signed", "已签订", "#2ca02c"),
    ),
    initial="uninformed",
    steps=(
        Step("inform", "告知", ("uninformed",), "informed", requires=("informed_on",)),
        Step(
            "sign",
            "签订责任书",
            ("uninformed", "informed"),
            "signed",
            requires=("signed_on",),
            optional=("informed_on",),
        ),
        Step("inspect", "检查", ("signed",), None, requires=("last_inspected_on", "last_result")),
    ),
    categories=("200504", "200507", "200104"),
    symbol="d",
    list_fields=("business", "signed_on", "last_inspected_on", "last_result"),
)

COMPONENT_TYPES = (
    ("manhole", "井盖"),
    ("street_light", "路灯"),
    ("drain", "雨水篦子"),
    ("toilet", "公厕"),
)

_COMPONENTS = Kind(
    key="components",
    label="市政设施部件",
    code_prefix="BJ",
    geometry="point",
    fields=(
        Field("component_type", "部件类型", "choice", required=True, choices=COMPONENT_TYPES),
        Field("owner_unit", "权属单位", "text", max_length=100),
        Field("installed_on", "建成日期", "date"),
        Field("damage", "损坏情况", "text", max_length=200),
        Field("repaired_on", "修复日期", "date"),
    ),
    statuses=(
        Status("intact", "完好", "#2ca02c"),
        Status("damaged", "破损", "#ff7f0e"),
        Status("missing", "丢失", "#d62728"),
        Status("repairing", "维修中", "#1f77b4"),
    ),
    initial="intact",
    steps=(
        Step("report_damage", "报告破损", ("intact",), "damaged", requires=("damage",)),
        Step("report_missing", "报告丢失", ("intact", "damaged"), "missing"),
        Step("start_repair", "开始维修", ("damaged", "missing"), "repairing"),
        Step(
            "repaired",
            "修复完成",
            ("damaged", "missing", "repairing"),
            "intact",
            requires=("repaired_on",),
        ),
    ),
    categories=(
        "0101",
        "0102",
        "0103",
        "0104",
        "0105",
        "0106",
        "0107",
        "0108",
        "0109",
        "0111",
        "0114",
        "0118",
        "0301",
        "200192",
    ),
    symbol="o",
    list_fields=("component_type", "owner_unit", "damage", "repaired_on"),
)

_PROJECTS = Kind(
    key="projects",
    label="重点项目",
    code_prefix="XM",
    geometry="point",
    fields=(
        Field("plan_ref", "规划条目", "text", max_length=40),
        Field("owner_unit", "责任单位", "text", required=True, max_length=100),
        Field("start_on", "开工日期", "date"),
        Field("due_on", "计划完成日期", "date", required=True),
        Field("budget_wan", "投资", "float", unit="万元", minimum=0, maximum=1e7),
        Field("progress_pct", "进度", "float", unit="%", minimum=0, maximum=100),
        Field("milestone", "最新节点", "text", max_length=200),
        Field("next_milestone", "下一节点", "text", max_length=200),
        Field("next_milestone_due", "节点期限", "date"),
        Field("completed_on", "竣工日期", "date"),
    ),
    statuses=(
        Status("planned", "前期", "#bcbd22"),
        Status("in_progress", "在建", "#1f77b4"),
        Status("suspended", "停工", "#d62728"),
        Status("completed", "竣工", "#2ca02c", closed=True),
    ),
    initial="planned",
    steps=(
        Step(
            "start",
            "开工",
            ("planned",),
            "in_progress",
            requires=("start_on",),
            optional=("next_milestone", "next_milestone_due"),
        ),
        Step(
            "report_progress",
            "报告进度",
            ("in_progress",),
            None,
            requires=("progress_pct", "milestone"),
            optional=("next_milestone", "next_milestone_due"),
        ),
        Step("suspend", "停工", ("in_progress",), "suspended", note_required=True),
        Step("resume", "复工", ("suspended",), "in_progress"),
        Step("complete", "竣工", ("in_progress",), "completed", requires=("completed_on",)),
    ),
    symbol="star",
    list_fields=("owner_unit", "due_on", "progress_pct", "milestone", "next_milestone_due"),
)

KINDS: dict[str, Kind] = {
    k.key: k for k in (_ILLEGAL, _AD_SIGNS, _PARKING, _MARKETS, _SHOPFRONTS, _COMPONENTS, _PROJECTS)
}
"""The registries in display order, by key."""


def kind(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise RegistryError(f"unknown registry {key!r}; one of: {', '.join(KINDS)}") from None


# -- values ---------------------------------------------------------------------------------
def parse_value(f: Field, value: Any) -> Any:
    """`value` (from a form, a file or the database) as the field's type, checked; None for
    blank. The stored form is JSON-friendly: dates as ISO text, times as "HH:MM"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return _parse(f, value)
    except RegistryError:
        raise
    except (TypeError, ValueError):
        raise RegistryError(f"{f.label}: {value!r} is not a valid {f.type}") from None


def _parse(f: Field, value: Any) -> Any:
    if f.type == "text":
        text = str(value).strip()
        if len(text) > f.max_length:
            raise RegistryError(f"{f.label}: longer than {f.max_length} characters")
        return text
    if f.type == "choice":
        text = str(value).strip()
        labels = {label: key for key, label in f.choices}
        if text in labels:
            text = labels[text]
        if text not in dict(f.choices):
            allowed = ", ".join(k for k, _ in f.choices)
            raise RegistryError(f"{f.label}: {text!r} is not one of {allowed}")
        return text
    if f.type in ("int", "float"):
        if isinstance(value, bool):
            raise ValueError(value)
        number = (
            float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
        )
        if not math.isfinite(number):
            raise RegistryError(f"{f.label}: {value!r} is not a finite number")
        if f.type == "int":
            if number != int(number):
                raise RegistryError(f"{f.label}: {value!r} is not a whole number")
            number = int(number)
        if f.minimum is not None and number < f.minimum:
            raise RegistryError(f"{f.label}: {value} is below {f.minimum:g}")
        if f.maximum is not None and number > f.maximum:
            raise RegistryError(f"{f.label}: {value} is above {f.maximum:g}")
        return number
    if f.type == "date":
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        text = str(value).strip().replace("/", "-").replace(".", "-")
        for suffix in ("日",):
            text = text.removesuffix(suffix)
        text = text.replace("年", "-").replace("月", "-")
        return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-"))).isoformat()
    if f.type == "datetime":
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise RegistryError(f"{f.label}: a time needs its time zone")
            return value.isoformat(timespec="seconds")
        parsed = datetime.fromisoformat(str(value).strip())
        if parsed.tzinfo is None:
            raise RegistryError(f"{f.label}: {value!r} has no time zone")
        return parsed.isoformat(timespec="seconds")
    if f.type == "time":
        if isinstance(value, time):
            return value.strftime("%H:%M")
        text = str(value).strip().replace("：", ":")
        parts = text.split(":")
        if len(parts) not in (2, 3):
            raise ValueError(text)
        return time(int(parts[0]), int(parts[1])).strftime("%H:%M")
    if f.type == "bool":
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "是", "y"):
            return True
        if text in ("0", "false", "no", "否", "n"):
            return False
        raise ValueError(text)
    raise RegistryError(f"{f.label}: unknown field type {f.type}")


def check_attrs(k: Kind, attrs: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The attributes of a `k` object, parsed and checked (unknown keys refused, required ones
    present unless `partial`, and the kind's cross-field rules). Raises `RegistryError`."""
    known = set(k.field_keys)
    unknown = [key for key in attrs if key not in known]
    if unknown:
        raise RegistryError(f"{k.label}: unknown attribute(s) {', '.join(sorted(unknown))}")
    out = {key: parse_value(k.field(key), value) for key, value in attrs.items()}
    out = {key: value for key, value in out.items() if value is not None}
    if not partial:
        missing = [f.label for f in k.fields if f.required and f.key not in out]
        if missing:
            raise RegistryError(f"{k.label}: missing {', '.join(missing)}")
    return out


def check_rules(k: Kind, attrs: Mapping[str, Any]) -> None:
    """Rules between attributes (on the merged, parsed attributes). Raises `RegistryError`."""
    if k.key == "markets":
        opens, closes = attrs.get("opens"), attrs.get("closes")
        if opens and closes and closes <= opens:
            raise RegistryError(f"闭市时间 {closes} is not after 开市时间 {opens}")
    if k.key == "parking":
        capacity, occupied = attrs.get("capacity"), attrs.get("occupied")
        if capacity is not None and occupied is not None and occupied > capacity:
            raise RegistryError(f"在用泊位 {occupied} exceeds 泊位数 {capacity}")
    if k.key == "illegal_buildings":
        found, gone = attrs.get("found_on"), attrs.get("demolished_on")
        if found and gone and gone < found:
            raise RegistryError(f"拆除日期 {gone} is before 发现日期 {found}")
    if k.key == "projects":
        start, done = attrs.get("start_on"), attrs.get("completed_on")
        if start and done and done < start:
            raise RegistryError(f"竣工日期 {done} is before 开工日期 {start}")


@dataclass(frozen=True)
class StepPlan:
    status: str
    attrs: dict[str, Any] = field(default_factory=dict)  # the attributes to merge


def plan_step(
    k: Kind,
    status: str,
    step_key: str,
    values: Mapping[str, Any],
    current: Mapping[str, Any],
    note: str = "",
) -> StepPlan:
    """Check step `step_key` on an object of kind `k` in `status` with `current` attributes,
    given `values`; return the new status and the attributes to merge."""
    step = k.step(step_key)
    if status not in step.sources:
        raise RegistryError(f"{k.label}: cannot {step.label} from {k.status(status).label}")
    allowed = set(step.requires) | set(step.optional)
    extra = [key for key in values if key not in allowed]
    if extra:
        raise RegistryError(f"{step.label}: does not set {', '.join(sorted(extra))}")
    parsed = check_attrs(k, values, partial=True)
    missing = [k.field(key).label for key in step.requires if key not in parsed]
    if missing:
        raise RegistryError(f"{step.label}: give {', '.join(missing)}")
    if step.note_required and not note.strip():
        raise RegistryError(f"{step.label}: give a reason")
    merged = {**current, **parsed}
    check_rules(k, merged)
    if k.key == "projects" and step.target == "completed":
        parsed.setdefault("progress_pct", 100.0)
    return StepPlan(step.target or status, parsed)


def is_overdue(k: Kind, status: str, attrs: Mapping[str, Any], today: date) -> bool:
    """Past its deadline with the work not done: a sign not rectified by its date, an
    illegal building still standing after its demolition deadline, a project late for its
    completion or for its next milestone."""
    due = None
    if k.key == "ad_signs" and status == "non_compliant":
        due = attrs.get("rectify_by")
    elif k.key == "illegal_buildings" and status == "notice_served":
        due = attrs.get("demolish_by")
    elif k.key == "projects" and status in ("planned", "in_progress", "suspended"):
        dues = [d for d in (attrs.get("due_on"), attrs.get("next_milestone_due")) if d]
        due = min(dues) if dues else None
    return bool(due) and date.fromisoformat(due) < today
