"""Problems found in course packages, reported as ``path:line: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a course file. ``line`` is 1-based; 0 means the whole file."""

    path: str
    line: int
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        kind = "" if self.is_error else "warning: "
        return f"{self.path}:{self.line}: {kind}{self.message}"
