"""What a use case changed, so each panel refreshes only that; and the services' errors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Ids of the rows one transaction wrote, by table. Broadcast once after the commit."""

    tables: dict[str, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, **rows: int | list[int] | set[int] | frozenset[int]) -> Changes:
        return cls(
            {
                table: frozenset([ids] if isinstance(ids, int) else ids)
                for table, ids in rows.items()
            }
        )

    def __or__(self, other: Changes) -> Changes:
        merged = dict(self.tables)
        for table, ids in other.tables.items():
            merged[table] = merged.get(table, frozenset()) | ids
        return Changes(merged)

    def ids(self, table: str) -> frozenset[int]:
        return self.tables.get(table, frozenset())

    @property
    def cases(self) -> frozenset[int]:
        return self.ids("cases")

    @property
    def case_id(self) -> int:
        """The one case a single-case use case touched."""
        (only,) = self.cases
        return only

    def __bool__(self) -> bool:
        return any(self.tables.values())


class ServiceError(Exception):
    """A use case could not be carried out; the message is for the user."""


class NotFound(ServiceError):
    pass


class ConflictError(ServiceError):
    """Another workstation changed the case first; nothing was written here."""
