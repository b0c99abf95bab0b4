"""The measures dashboard's panel: what each app's `dashboard.dashboard_panels` returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Panel:
    """A dashboard panel: a title and a row of (label, value) figures, optionally a table (`rows`,
    the header first) and bars (`bars`: (label, value, share 0–1) drawn as horizontal bars)."""

    title: str
    items: list[tuple[str, str | int]] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    bars: list[tuple[str, str | int, float]] = field(default_factory=list)
    note: str = ""
    url: str = ""
    order: int = 40
