"""The registries' vocabulary in the user's language: kind, status, step, field and choice
names. `domain.registries` names them in Chinese (the bureau's terms, which import files also
use as column names); the UI shows them through Qt's translation system from the English
below, one context per registry ("Registry:<kind>"), and the Chinese catalogue gives back the
domain's own words (a test holds the two together). A key without an English name falls back
to the domain's label.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from command_center.domain.registries import KINDS, Field, Kind

__all__ = [
    "ENGLISH",
    "choice_label",
    "field_label",
    "kind_label",
    "label_of_choice",
    "label_of_field",
    "status_label",
    "step_label",
    "unit_label",
]

ENGLISH: dict[str, dict[str, str]] = {
    "illegal_buildings": {
        "kind": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Illegal buildings"),
        "status:found": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Found"),
        "status:notice_served": QT_TRANSLATE_NOOP(
            "Registry:illegal_buildings", "Demolition notice served"
        ),
        "status:referred_to_court": QT_TRANSLATE_NOOP(
            "Registry:illegal_buildings", "Referred to court"
        ),
        "status:self_demolished": QT_TRANSLATE_NOOP(
            "Registry:illegal_buildings", "Demolished by the owner"
        ),
        "status:forcibly_demolished": QT_TRANSLATE_NOOP(
            "Registry:illegal_buildings", "Demolished by force"
        ),
        "step:serve_notice": QT_TRANSLATE_NOOP(
            "Registry:illegal_buildings", "Serve demolition notice"
        ),
        "step:self_demolish": QT_TRANSLATE_NOOP(
            "Registry:illegal_buildings", "Confirm demolished by the owner"
        ),
        "step:force_demolish": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Demolish by force"),
        "step:refer_court": QT_TRANSLATE_NOOP(
            "Registry:illegal_buildings", "Apply to court for enforcement"
        ),
        "field:area_m2": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Area"),
        "field:found_on": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Found on"),
        "field:origin": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Type"),
        "choice:origin:new": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "New"),
        "choice:origin:stock": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Stock"),
        "field:structure": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Structure"),
        "choice:structure:brick": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Brick"),
        "choice:structure:steel": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Colour steel"),
        "choice:structure:wood": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Timber"),
        "choice:structure:frame": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Frame"),
        "choice:structure:other": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Other"),
        "field:party": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Party"),
        "field:notice_no": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Notice no."),
        "field:notice_on": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Served on"),
        "field:demolish_by": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Demolish by"),
        "field:demolished_on": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Demolished on"),
        "field:court_ref": QT_TRANSLATE_NOOP("Registry:illegal_buildings", "Court case no."),
    },
    "ad_signs": {
        "kind": QT_TRANSLATE_NOOP("Registry:ad_signs", "Outdoor ads and shop signs"),
        "status:compliant": QT_TRANSLATE_NOOP("Registry:ad_signs", "Compliant"),
        "status:non_compliant": QT_TRANSLATE_NOOP("Registry:ad_signs", "To rectify"),
        "status:removed": QT_TRANSLATE_NOOP("Registry:ad_signs", "Removed"),
        "step:flag": QT_TRANSLATE_NOOP("Registry:ad_signs", "Find non-compliant"),
        "step:rectify": QT_TRANSLATE_NOOP("Registry:ad_signs", "Rectified"),
        "step:remove": QT_TRANSLATE_NOOP("Registry:ad_signs", "Remove"),
        "step:renew_permit": QT_TRANSLATE_NOOP("Registry:ad_signs", "Renew permit"),
        "field:sign_type": QT_TRANSLATE_NOOP("Registry:ad_signs", "Type"),
        "choice:sign_type:outdoor_ad": QT_TRANSLATE_NOOP("Registry:ad_signs", "Outdoor ad"),
        "choice:sign_type:shop_sign": QT_TRANSLATE_NOOP("Registry:ad_signs", "Shop sign"),
        "choice:sign_type:billboard": QT_TRANSLATE_NOOP("Registry:ad_signs", "Billboard (pillar)"),
        "field:owner": QT_TRANSLATE_NOOP("Registry:ad_signs", "Owner"),
        "field:permit_no": QT_TRANSLATE_NOOP("Registry:ad_signs", "Permit no."),
        "field:permit_until": QT_TRANSLATE_NOOP("Registry:ad_signs", "Permit valid until"),
        "field:width_m": QT_TRANSLATE_NOOP("Registry:ad_signs", "Width"),
        "field:height_m": QT_TRANSLATE_NOOP("Registry:ad_signs", "Height"),
        "field:position": QT_TRANSLATE_NOOP("Registry:ad_signs", "Position"),
        "choice:position:wall": QT_TRANSLATE_NOOP("Registry:ad_signs", "Wall"),
        "choice:position:roof": QT_TRANSLATE_NOOP("Registry:ad_signs", "Roof"),
        "choice:position:ground": QT_TRANSLATE_NOOP("Registry:ad_signs", "Ground"),
        "choice:position:overhang": QT_TRANSLATE_NOOP("Registry:ad_signs", "Overhanging"),
        "choice:position:canopy": QT_TRANSLATE_NOOP("Registry:ad_signs", "Canopy"),
        "field:defect": QT_TRANSLATE_NOOP("Registry:ad_signs", "Defect"),
        "field:rectify_by": QT_TRANSLATE_NOOP("Registry:ad_signs", "Rectify by"),
        "field:rectified_on": QT_TRANSLATE_NOOP("Registry:ad_signs", "Rectified on"),
    },
    "parking": {
        "kind": QT_TRANSLATE_NOOP("Registry:parking", "Parking"),
        "status:open": QT_TRANSLATE_NOOP("Registry:parking", "Open"),
        "status:closed": QT_TRANSLATE_NOOP("Registry:parking", "Closed"),
        "status:planned": QT_TRANSLATE_NOOP("Registry:parking", "Planned"),
        "step:close": QT_TRANSLATE_NOOP("Registry:parking", "Close"),
        "step:reopen": QT_TRANSLATE_NOOP("Registry:parking", "Reopen"),
        "step:report_occupancy": QT_TRANSLATE_NOOP("Registry:parking", "Report occupancy"),
        "field:parking_type": QT_TRANSLATE_NOOP("Registry:parking", "Type"),
        "choice:parking_type:car_park": QT_TRANSLATE_NOOP("Registry:parking", "Car park"),
        "choice:parking_type:on_street": QT_TRANSLATE_NOOP("Registry:parking", "On-street berths"),
        "field:capacity": QT_TRANSLATE_NOOP("Registry:parking", "Berths"),
        "field:occupied": QT_TRANSLATE_NOOP("Registry:parking", "Occupied"),
        "field:occupied_at": QT_TRANSLATE_NOOP("Registry:parking", "Occupancy at"),
        "field:feed": QT_TRANSLATE_NOOP("Registry:parking", "Occupancy feed"),
        "field:fee": QT_TRANSLATE_NOOP("Registry:parking", "Fees"),
        "field:operator": QT_TRANSLATE_NOOP("Registry:parking", "Operator"),
    },
    "markets": {
        "kind": QT_TRANSLATE_NOOP("Registry:markets", "Markets"),
        "status:planned": QT_TRANSLATE_NOOP("Registry:markets", "Planned"),
        "status:building": QT_TRANSLATE_NOOP("Registry:markets", "Under works"),
        "status:open": QT_TRANSLATE_NOOP("Registry:markets", "Open"),
        "status:closed": QT_TRANSLATE_NOOP("Registry:markets", "Closed"),
        "step:start_works": QT_TRANSLATE_NOOP("Registry:markets", "Start works"),
        "step:open": QT_TRANSLATE_NOOP("Registry:markets", "Open for business"),
        "step:close": QT_TRANSLATE_NOOP("Registry:markets", "Close"),
        "field:market_type": QT_TRANSLATE_NOOP("Registry:markets", "Type"),
        "choice:market_type:convenience": QT_TRANSLATE_NOOP(
            "Registry:markets", "Convenience market"
        ),
        "choice:market_type:farmers": QT_TRANSLATE_NOOP("Registry:markets", "Farmers' market"),
        "choice:market_type:smart_farmers": QT_TRANSLATE_NOOP(
            "Registry:markets", "Smart farmers' market"
        ),
        "field:stalls": QT_TRANSLATE_NOOP("Registry:markets", "Stalls"),
        "field:opens": QT_TRANSLATE_NOOP("Registry:markets", "Opens"),
        "field:closes": QT_TRANSLATE_NOOP("Registry:markets", "Closes"),
        "field:operator": QT_TRANSLATE_NOOP("Registry:markets", "Operator"),
        "field:upgrade_due": QT_TRANSLATE_NOOP("Registry:markets", "Upgrade due"),
    },
    "shopfronts": {
        "kind": QT_TRANSLATE_NOOP("Registry:shopfronts", "Shop-front contracts"),
        "status:uninformed": QT_TRANSLATE_NOOP("Registry:shopfronts", "Not informed"),
        "status:informed": QT_TRANSLATE_NOOP("Registry:shopfronts", "Informed, not signed"),
        "status:signed": QT_TRANSLATE_NOOP("Registry:shopfronts", "Signed"),
        "step:inform": QT_TRANSLATE_NOOP("Registry:shopfronts", "Inform"),
        "step:sign": QT_TRANSLATE_NOOP("Registry:shopfronts", "Sign the contract"),
        "step:inspect": QT_TRANSLATE_NOOP("Registry:shopfronts", "Inspect"),
        "field:business": QT_TRANSLATE_NOOP("Registry:shopfronts", "Business"),
        "field:contact": QT_TRANSLATE_NOOP("Registry:shopfronts", "Contact"),
        "field:informed_on": QT_TRANSLATE_NOOP("Registry:shopfronts", "Informed on"),
        "field:signed_on": QT_TRANSLATE_NOOP("Registry:shopfronts", "Signed on"),
        "field:last_inspected_on": QT_TRANSLATE_NOOP("Registry:shopfronts", "Last inspected on"),
        "field:last_result": QT_TRANSLATE_NOOP("Registry:shopfronts", "Last result"),
        "choice:last_result:pass": QT_TRANSLATE_NOOP("Registry:shopfronts", "Fulfilled"),
        "choice:last_result:fail": QT_TRANSLATE_NOOP("Registry:shopfronts", "Not fulfilled"),
    },
    "components": {
        "kind": QT_TRANSLATE_NOOP("Registry:components", "Municipal components"),
        "status:intact": QT_TRANSLATE_NOOP("Registry:components", "Intact"),
        "status:damaged": QT_TRANSLATE_NOOP("Registry:components", "Damaged"),
        "status:missing": QT_TRANSLATE_NOOP("Registry:components", "Missing"),
        "status:repairing": QT_TRANSLATE_NOOP("Registry:components", "Under repair"),
        "step:report_damage": QT_TRANSLATE_NOOP("Registry:components", "Report damage"),
        "step:report_missing": QT_TRANSLATE_NOOP("Registry:components", "Report missing"),
        "step:start_repair": QT_TRANSLATE_NOOP("Registry:components", "Start repair"),
        "step:repaired": QT_TRANSLATE_NOOP("Registry:components", "Repaired"),
        "field:component_type": QT_TRANSLATE_NOOP("Registry:components", "Component"),
        "choice:component_type:manhole": QT_TRANSLATE_NOOP("Registry:components", "Manhole cover"),
        "choice:component_type:street_light": QT_TRANSLATE_NOOP(
            "Registry:components", "Street light"
        ),
        "choice:component_type:drain": QT_TRANSLATE_NOOP("Registry:components", "Drain grate"),
        "choice:component_type:toilet": QT_TRANSLATE_NOOP("Registry:components", "Public toilet"),
        "field:owner_unit": QT_TRANSLATE_NOOP("Registry:components", "Owner"),
        "field:installed_on": QT_TRANSLATE_NOOP("Registry:components", "Installed on"),
        "field:damage": QT_TRANSLATE_NOOP("Registry:components", "Damage"),
        "field:repaired_on": QT_TRANSLATE_NOOP("Registry:components", "Repaired on"),
    },
    "projects": {
        "kind": QT_TRANSLATE_NOOP("Registry:projects", "Key projects"),
        "status:planned": QT_TRANSLATE_NOOP("Registry:projects", "Preparing"),
        "status:in_progress": QT_TRANSLATE_NOOP("Registry:projects", "In progress"),
        "status:suspended": QT_TRANSLATE_NOOP("Registry:projects", "Suspended"),
        "status:completed": QT_TRANSLATE_NOOP("Registry:projects", "Completed"),
        "step:start": QT_TRANSLATE_NOOP("Registry:projects", "Start"),
        "step:report_progress": QT_TRANSLATE_NOOP("Registry:projects", "Report progress"),
        "step:suspend": QT_TRANSLATE_NOOP("Registry:projects", "Suspend"),
        "step:resume": QT_TRANSLATE_NOOP("Registry:projects", "Resume"),
        "step:complete": QT_TRANSLATE_NOOP("Registry:projects", "Complete"),
        "field:plan_ref": QT_TRANSLATE_NOOP("Registry:projects", "Plan section"),
        "field:owner_unit": QT_TRANSLATE_NOOP("Registry:projects", "Responsible unit"),
        "field:start_on": QT_TRANSLATE_NOOP("Registry:projects", "Started on"),
        "field:due_on": QT_TRANSLATE_NOOP("Registry:projects", "Due on"),
        "field:budget_wan": QT_TRANSLATE_NOOP("Registry:projects", "Budget"),
        "field:progress_pct": QT_TRANSLATE_NOOP("Registry:projects", "Progress"),
        "field:milestone": QT_TRANSLATE_NOOP("Registry:projects", "Latest milestone"),
        "field:next_milestone": QT_TRANSLATE_NOOP("Registry:projects", "Next milestone"),
        "field:next_milestone_due": QT_TRANSLATE_NOOP("Registry:projects", "Next milestone due"),
        "field:completed_on": QT_TRANSLATE_NOOP("Registry:projects", "Completed on"),
    },
}
"""English names by registry and key ("kind", "status:<key>", "step:<key>",
"field:<key>", "choice:<field>:<value>")."""


def _text(kind: str, key: str, fallback: str) -> str:
    source = ENGLISH.get(kind, {}).get(key)
    if source is None:
        return fallback
    return QCoreApplication.translate(f"Registry:{kind}", source)


def kind_label(kind: Kind | str) -> str:
    k = KINDS[kind] if isinstance(kind, str) else kind
    return _text(k.key, "kind", k.label)


def status_label(kind: Kind | str, status: str | None) -> str:
    k = KINDS[kind] if isinstance(kind, str) else kind
    if status is None:
        return ""
    try:
        fallback = k.status(status).label
    except ValueError:
        return status
    return _text(k.key, f"status:{status}", fallback)


def step_label(kind: Kind | str, step: str) -> str:
    k = KINDS[kind] if isinstance(kind, str) else kind
    try:
        fallback = k.step(step).label
    except ValueError:
        return step
    return _text(k.key, f"step:{step}", fallback)


def field_label(kind: Kind | str, field: Field | str) -> str:
    k = KINDS[kind] if isinstance(kind, str) else kind
    f = k.field(field) if isinstance(field, str) else field
    return _text(k.key, f"field:{f.key}", f.label)


def choice_label(kind: Kind | str, field: Field | str, value: Any) -> str:
    """A stored choice as the user reads it; a value outside the choices as it is."""
    k = KINDS[kind] if isinstance(kind, str) else kind
    f = k.field(field) if isinstance(field, str) else field
    if value is None:
        return ""
    if value not in dict(f.choices):
        return str(value)
    return _text(k.key, f"choice:{f.key}:{value}", f.choice_label(value))


_OWNER: dict[int, Kind] = {id(f): k for k in KINDS.values() for f in k.fields}


def label_of_field(f: Field) -> str:
    """`field_label` for a field of any registry (found by the field itself)."""
    owner = _OWNER.get(id(f))
    return f.label if owner is None else field_label(owner, f)


def label_of_choice(f: Field, value: Any) -> str:
    """`choice_label` for a field of any registry (found by the field itself)."""
    owner = _OWNER.get(id(f))
    return f.choice_label(value) if owner is None else choice_label(owner, f, value)


UNITS: dict[str, str] = {
    "个": QT_TRANSLATE_NOOP("RegistryUnits", "pcs"),
    "万元": QT_TRANSLATE_NOOP("RegistryUnits", "10k yuan"),
}
"""The units that are words (m², m and % read the same in both languages)."""


def unit_label(f: Field) -> str:
    source = UNITS.get(f.unit)
    return f.unit if source is None else QCoreApplication.translate("RegistryUnits", source)
