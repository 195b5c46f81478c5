"""The world the seed plans before the first case, the same in either process."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from command_center.domain.calendar import WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.services.seed.cameras import _build_cameras, _Cameras
from command_center.services.seed.geography import _build_geography, _Geography, _load_districts
from command_center.services.seed.history import _History
from command_center.services.seed.organisation import _build_organisation, _Organisation


@dataclass
class _World:
    """Everything the seed plans before the first case: places, organisation, cameras."""

    geo: _Geography
    org: _Organisation
    cameras: _Cameras
    sim: _History


def _build_world(
    catalogue: Catalogue,
    calendar: WorkCalendar,
    now: datetime,
    cases: int,
    rng_seed: int,
    id_base: dict[str, int],
) -> _World:
    """A pure function of its arguments (the same in the writing and the planning process)."""
    rng = np.random.default_rng(rng_seed)
    rnd = random.Random(rng_seed)
    geo = _build_geography(_load_districts(), rng)
    org = _build_organisation(geo, rng, rnd, id_base)
    cameras = _build_cameras(geo, rng, rnd, id_base["cameras"])
    sim = _History(geo, org, cameras, catalogue, calendar, now, cases, rng, rnd, id_base["cases"])
    return _World(geo, org, cameras, sim)
