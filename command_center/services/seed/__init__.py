"""The demo city: Chaoyang's two urban districts, the bureau that runs them, a year of cases.

Seeded on first run and by `db seed`, so that every panel has something real-looking to show.
What is real: the district boundaries (AMap, converted GCJ-02 → WGS-84 vertex by vertex), the
districts' codes and names, the street (街道) names used, and the enforcement structure the
city's 14th five-year plan describes (综合大队, 专业大队, teams sent to the streets of both
districts). What is demo: the partition of the urban core among streets and communities,
community names, the handling departments' names, people, cameras' spots and every case.

Everything is written in one transaction, so a failed seed leaves nothing behind: on SQLite
with SQLAlchemy Core bulk inserts (ORM objects per row are 3–6× slower), on PostgreSQL with
COPY on the transaction's own connection (3× Core per row), the bulk tables' foreign keys
dropped meanwhile and added back, checked once, before the commit. See `bench/bench_seed.py`
and docs/performance.md.
"""

from command_center.services.seed.planner import _planner_main
from command_center.services.seed.report import SeedError, SeedReport
from command_center.services.seed.run import seed_demo_city

# `_planner_main` is the planning subprocess's entry: it runs
# `from command_center.services.seed import _planner_main`.
__all__ = ["SeedError", "SeedReport", "_planner_main", "seed_demo_city"]
