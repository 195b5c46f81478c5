"""智慧城管指挥中心: the urban-management command centre."""

from __future__ import annotations

__version__ = "0.1.0"


class CommandCenterWarning(UserWarning):
    """Base class of the project's own warnings (tests turn them into errors)."""
