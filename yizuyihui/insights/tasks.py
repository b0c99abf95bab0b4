"""Periodic jobs. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def refresh_rollups_task():
    """Fold the rollup buckets queued by matter events into the totals (every minute)."""
    from yizuyihui.insights.rollups import refresh

    return refresh()
