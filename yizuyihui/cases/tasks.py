"""Periodic jobs. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def sweep_overdue_task():
    """Pressure transmission every minute; the service is idempotent, so overlapping runs are harmless."""
    from yizuyihui.cases.services import sweep_overdue

    return sweep_overdue()
