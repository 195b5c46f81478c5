"""Open311 GeoReport v2, both ways.

Export: the catalogue as `services.json` (one service per category; the service code is the
category code) and cases as `requests.json` (status open/closed, times in ISO 8601 with the
China offset, WGS-84 `lat`/`long`). Import: a `requests.json` from a 12345 hotline or a
public-reporting app becomes reported cases — each request is checked and mapped onto the
catalogue here (pure: no database), so the caller can write them in one transaction, or
refuse the file with every reason.

Real-world files are messy. Extensions (`extended_attributes`, vendor keys) and unknown
fields are tolerated; what cannot become a case gets a precise reason: no coordinates,
coordinates outside China, an unknown service code with no mapping, an unreadable time, an
update before the request.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import CaseState

__all__ = [
    "CHINA_BBOX",
    "export_open311",
    "import_open311",
    "ParsedRequest",
    "RequestError",
    "parse_requests",
    "request_document",
    "services_document",
]

CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)  # W, S, E, N (a coordinate outside is a mistake)
_CLOSED = {CaseState.CLOSED.value, CaseState.NOT_REGISTERED.value, CaseState.TRANSFERRED.value}
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


# -- export ---------------------------------------------------------------------------------


def services_document(catalogue: Catalogue) -> list[dict[str, Any]]:
    """GeoReport v2 `services.json`: one service per category of the catalogue."""
    return [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": f"{c.major_name} · {c.name}"
            + (f"（处置时限 {c.time_limit.amount:g} {c.time_limit.unit.value}）"),
            "metadata": False,
            "type": "realtime",
            "keywords": ",".join(k for k in (c.kind.value, c.major_name) if k),
            "group": c.major_name,
        }
        for c in catalogue
    ]


def request_document(
    *,
    case_id: int,
    case_no: str,
    category_code: str,
    category_name: str,
    state: str,
    description: str,
    address: str,
    lon: float,
    lat: float,
    reported_at: datetime,
    updated_at: datetime | None,
    deadline_at: datetime | None,
    agency: str | None,
) -> dict[str, Any]:
    """One case as a GeoReport v2 request (`service_request_id` is the case number)."""
    return {
        "service_request_id": case_no,
        "status": "closed" if state in _CLOSED else "open",
        "status_notes": state,
        "service_name": category_name,
        "service_code": category_code,
        "description": description,
        "agency_responsible": agency or "",
        "service_notice": "",
        "requested_datetime": _iso(reported_at),
        "updated_datetime": _iso(updated_at) if updated_at else None,
        "expected_datetime": _iso(deadline_at) if deadline_at else None,
        "address": address,
        "address_id": "",
        "zipcode": "",
        "lat": round(lat, 7),
        "long": round(lon, 7),
        "media_url": "",
    }


def _iso(at: datetime) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=CST)).astimezone(CST).isoformat(
        timespec="seconds")


# -- import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestError:
    """Why one request (0-based `index` in the file) cannot become a case."""

    index: int
    request_id: str
    field: str
    reason: str

    def __str__(self) -> str:
        who = f" ({self.request_id})" if self.request_id else ""
        return f"request {self.index + 1}{who}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class ParsedRequest:
    """A request that can become a reported case."""

    index: int
    request_id: str
    category_code: str
    lon: float
    lat: float
    reported_at: datetime  # aware, China time
    description: str
    address: str


def parse_requests(
    data: Any,
    catalogue: Catalogue,
    *,
    service_map: Mapping[str, str] | None = None,
) -> tuple[list[ParsedRequest], list[RequestError]]:
    """Check every request of a GeoReport v2 `requests.json` (a list, or an object with a
    `requests`/`service_requests` list). A service code is our category code, or is mapped
    to one by `service_map` (the other system's code → ours). Returns the good requests and
    the reasons for the others; never raises on bad content."""
    if isinstance(data, Mapping):
        data = data.get("requests", data.get("service_requests"))
    if not isinstance(data, Sequence) or isinstance(data, (str, bytes)):
        return [], [RequestError(0, "", "file", "not a GeoReport v2 list of requests")]
    mapping = dict(service_map or {})
    good: list[ParsedRequest] = []
    bad: list[RequestError] = []
    for i, raw in enumerate(data):
        if not isinstance(raw, Mapping):
            bad.append(RequestError(i, "", "request", "not an object"))
            continue
        rid = str(raw.get("service_request_id") or raw.get("token") or "")
        errors: list[RequestError] = []

        def fail(field: str, reason: str, errors: list[RequestError] = errors,
                 i: int = i, rid: str = rid) -> None:
            errors.append(RequestError(i, rid, field, reason))

        code = str(raw.get("service_code") or "").strip()
        ours = mapping.get(code, code)
        if not code:
            fail("service_code", "missing")
        elif catalogue.get(ours) is None:
            fail("service_code", f"unknown service code {code!r} (not a category, no mapping)")
        lon, lat = _number(raw.get("long")), _number(raw.get("lat"))
        if lon is None or lat is None:
            fail("lat/long", "missing coordinates (an address alone cannot be placed)")
        elif not (CHINA_BBOX[0] <= lon <= CHINA_BBOX[2] and CHINA_BBOX[1] <= lat <= CHINA_BBOX[3]):
            fail("lat/long", f"({lon}, {lat}) is outside China (lat/long swapped?)")
        requested = _when(raw.get("requested_datetime"))
        if isinstance(requested, str):
            fail("requested_datetime", requested)
        updated = _when(raw.get("updated_datetime"), optional=True)
        if isinstance(updated, str):
            fail("updated_datetime", updated)
        elif (isinstance(requested, datetime) and isinstance(updated, datetime)
              and updated < requested):
            fail("updated_datetime", f"{updated.isoformat()} is before the request "
                 f"({requested.isoformat()})")
        if errors:
            bad.extend(errors)
            continue
        assert lon is not None and lat is not None and isinstance(requested, datetime)
        good.append(ParsedRequest(
            i, rid, ours, lon, lat, requested,
            str(raw.get("description") or "").strip(), str(raw.get("address") or "").strip(),
        ))
    return good, bad


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _when(value: Any, *, optional: bool = False) -> datetime | str | None:
    """An aware datetime, None (absent and optional), or the reason it cannot be read.
    ISO 8601 with or without an offset (none: China time), a few common local formats, or
    Unix seconds."""
    if value is None or value == "":
        return None if optional else "missing"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), CST)
        except (OverflowError, OSError, ValueError):
            return f"not a time: {value!r}"
    text = str(value).strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return f"unrecognised time {text!r}"
    return parsed.replace(tzinfo=CST) if parsed.tzinfo is None else parsed.astimezone(CST)


# -- files ------------------------------------------------------------------------------------


def import_open311(
    store: Any,
    path: Any,
    *,
    service_map: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    report_path: Any = None,
    catalogue: Catalogue | None = None,
    now: datetime | None = None,
    workstation: str | None = None,
    progress: Any = None,
) -> Any:
    """Import a GeoReport v2 `requests.json` as reported cases (source 12345 hotline / public
    app: `public`), all or nothing like every import (`interop.tabular`): a request that
    cannot become a case refuses the file with every reason, unless `skip_invalid`, when the
    others are imported and the reasons go to `report_path`. `progress(done, total)` as
`tabular`'s imports call it. Returns an `ImportReport`."""
    import json
    from pathlib import Path

    from command_center.interop import tabular
    from command_center.interop.importing import ImportFailed, RowError, write_error_report

    path = Path(path)
    catalogue = catalogue or Catalogue.default()
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        errors = [RowError(0, "file", f"not a readable JSON file: {exc}")]
        write_error_report(report_path, errors)
        raise ImportFailed(str(path), errors, 0) from None
    good, bad = parse_requests(data, catalogue, service_map=service_map)
    errors = [RowError(e.index + 1, e.field, e.reason) for e in bad]
    if errors and not skip_invalid:
        write_error_report(report_path, errors)
        raise ImportFailed(str(path), errors, len(good) + len({e.index for e in bad}))
    header = ["category_code", "lon", "lat", "reported_at", "description", "address", "source"]
    records = [
        tabular.Record(r.index + 1, {
            "category_code": r.category_code, "lon": r.lon, "lat": r.lat,
            "reported_at": r.reported_at.isoformat(),
            "description": r.description or f"Open311 {r.request_id}".strip(),
            "address": r.address, "source": "public",
        })
        for r in good
    ]
    report = tabular.import_records(
        store, path, "cases", header, records, skip_invalid=skip_invalid, report_path=None,
        catalogue=catalogue, now=now, workstation=workstation, progress=progress,
    )
    all_errors = sorted([*errors, *report.rejected], key=lambda e: e.row)
    write_error_report(report_path, all_errors)
    return type(report)(read=len(good) + len({e.index for e in bad}), imported=report.imported,
                        rejected=all_errors)


def export_open311(store: Any, out_dir: Any, *, catalogue: Catalogue | None = None) -> int:
    """Write `services.json` (the catalogue) and `requests.json` (every case) into
    `out_dir`; returns the number of requests. Each file appears whole or not at all."""
    import json
    from pathlib import Path

    from sqlalchemy import select

    from command_center.interop.tables import write_bytes_atomically
    from command_center.store.models import Case, Unit

    catalogue = catalogue or Catalogue.default()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with store.read() as s:
        agencies = dict(s.execute(select(Unit.id, Unit.name)).all())
        rows = s.execute(select(
            Case.id, Case.case_no, Case.category_code, Case.state, Case.description,
            Case.address, Case.lon, Case.lat, Case.reported_at, Case.updated_at,
            Case.deadline_at, Case.unit_id,
        ).order_by(Case.id)).all()
    names = {c.code: c.name for c in catalogue}
    requests = [
        request_document(
            case_id=r.id, case_no=r.case_no, category_code=r.category_code,
            category_name=names.get(r.category_code, r.category_code), state=r.state,
            description=r.description or "", address=r.address or "", lon=r.lon, lat=r.lat,
            reported_at=r.reported_at, updated_at=r.updated_at, deadline_at=r.deadline_at,
            agency=agencies.get(r.unit_id) if r.unit_id else None,
        )
        for r in rows
    ]
    for name, doc in (("services.json", services_document(catalogue)),
                      ("requests.json", requests)):
        write_bytes_atomically(out / name, json.dumps(doc, ensure_ascii=False,
                                                      indent=1).encode("utf-8"))
    return len(requests)
