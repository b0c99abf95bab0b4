"""Periodic jobs. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def warm_widespread_task():
    """Cluster the open matters of every street/township into the cache (5 minutes), so the
    widespread-problem page, the home card and the dashboard panel read a finished result."""
    from yizuyihui.triage.selectors import warm_hotspots

    return warm_hotspots()
