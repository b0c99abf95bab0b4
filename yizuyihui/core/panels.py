"""The measures dashboard's panel: what each app's `dashboard.dashboard_panels` returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Panel:
    """A dashboard panel: a title and a row of (label, value) figures."""

    title: str
    items: list[tuple[str, str | int]] = field(default_factory=list)
    note: str = ""
    url: str = ""
    order: int = 40
