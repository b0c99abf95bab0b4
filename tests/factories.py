"""The one matter factory for tests: a matter filed through the service, as the cast would."""

from __future__ import annotations


def file_matter(cast, *, unit: str = "unit_a", by: str | None = None, title: str = "楼道灯坏了",
                description: str = "三号楼二单元", channel: str = "web", **kw):
    """File a matter in `unit` (a Cast attribute) as persona `by` (default: the resident for unit A,
    the outsider — who lives there — for unit D, the grid worker elsewhere)."""
    from yizuyihui.cases.services import case_file

    by = by or {"unit_a": "resident", "unit_d": "outsider"}.get(unit, "grid_worker")
    return case_file(unit=getattr(cast, unit), actor=cast.users[by], title=title, description=description,
                     channel=channel, **kw)
