"""Periodic jobs. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def refresh_rollups_task():
    """Fold the rollup buckets queued by matter events into the totals (every minute)."""
    from yizuyihui.insights.rollups import refresh

    return refresh()


@db_periodic_task(crontab(minute="*"))
def refresh_panel_rollups_task():
    """Fold the buckets queued by visits, duties, reports and meetings into the panels' totals."""
    from yizuyihui.insights.panel_rollups import refresh

    return refresh()
