"""Periodic jobs. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*/5"))
@lock_task("triage-warm-widespread")  # a city-scale run can outlast 5 minutes on a busy machine: no overlap
def warm_widespread_task():
    """Cluster the open matters of the city, each district/county and street/township that changed
    into the database (every 5 minutes), so the widespread-problem page, the home card and the
    dashboard panel read a finished result."""
    from yizuyihui.triage.selectors import warm_hotspots

    return warm_hotspots()
