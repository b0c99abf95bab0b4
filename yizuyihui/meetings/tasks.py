"""Periodic jobs. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def sweep_overdue_actions_task():
    """不间断协商监督 every five minutes: deadlines are days, so a finer sweep buys nothing. The
    service is idempotent, so an overlapping or repeated run changes nothing."""
    from yizuyihui.meetings.services import sweep_overdue_actions

    return sweep_overdue_actions()
